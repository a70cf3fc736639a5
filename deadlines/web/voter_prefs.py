"""What the preferences page shows of a voter's own actions: their personal feed (with a button
to replace its address) and the deadlines they follow, each with a done or undo button."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from fastapi import Request
from sqlmodel import Session

from deadlines.db.models import Subscriber, Subscription
from deadlines.db.voter import done_of_subscriber, feed_nonce, followed_deadlines
from deadlines.web.pages import language
from deadlines.web.personal import my_feed_links
from deadlines.web.site import Site
from deadlines.web.voter_words import VOTER_WORDS


def voter_context(
    *,
    session: Session,
    request: Request,
    site: Site,
    subscriber: Subscriber,
    subscriptions: Sequence[Subscription],
    now: datetime,
) -> dict[str, Any]:
    assert subscriber.id is not None
    lang = language(request)
    done = done_of_subscriber(session=session, subscriber_id=subscriber.id)
    deadlines = [
        {
            "subscription": sub.id,
            "deadline": row.id,
            "title": row.title_en if lang == "en" else row.title_ko,
            "closes": row.closes.isoformat() if row.closes else "",
            "done": (sub.id, row.id) in done,
        }
        for sub, row in followed_deadlines(session=session, subscriptions=subscriptions, now=now)
    ]
    nonce = feed_nonce(session=session, subscriber_id=subscriber.id)
    return {
        "vw": VOTER_WORDS,
        "voter": {"feed": my_feed_links(request, site, subscriber, nonce), "deadlines": deadlines},
    }
