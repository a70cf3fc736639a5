"""A subscriber's personal calendar feed over HTTP: `/feeds/personal/<token>.ics` (private,
revocable from the preferences page), built from their subscriptions by the pure feed code."""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from deadlines.adapters import feed_settings
from deadlines.db.models import Subscriber
from deadlines.db.voter import feed_nonce, revoke_feed
from deadlines.feeds.catalog import FeedData, FeedSettings
from deadlines.feeds.personal import Follow, build_personal
from deadlines.reminders.subscribers import subscriber_for_token, subscriptions_of, token_owner
from deadlines.tokens import TokenError
from deadlines.voter_links import FEED_PREFIX, feed_nonce_of, feed_token, feed_urls
from deadlines.web.baseurl import base_url
from deadlines.web.security import check_csrf
from deadlines.web.site import NowDep, Site, SiteDep

router = APIRouter(include_in_schema=False)
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
MEMO_SIZE = 256
# Feeds already built, by snapshot, settings, language, followed elections and day: everyone who
# follows the same elections and audiences in one language gets the same bytes, so a calendar's
# poll costs the token check and three small queries, not an ICS build. The snapshot is kept
# beside its bytes and compared by identity, so a new snapshot never meets an old feed.
_memo: OrderedDict[tuple[object, ...], tuple[FeedData, bytes, datetime | None]] = OrderedDict()


def _built(
    data: FeedData, follows: list[Follow], lang: str, settings: FeedSettings, now: datetime
) -> tuple[bytes, datetime | None]:
    key = (id(data), settings, lang, tuple(follows), now.date())
    hit = _memo.get(key)
    if hit is not None and hit[0] is data:
        _memo.move_to_end(key)
        return hit[1], hit[2]
    body, last = build_personal(data, follows, lang, settings, now)
    _memo[key] = (data, body, last)
    while len(_memo) > MEMO_SIZE:
        _memo.popitem(last=False)
    return body, last


def my_feed_links(request: Request, site: Site, subscriber: Subscriber, nonce: str | None) -> dict[str, str]:
    """The https and webcal:// addresses of this subscriber's personal feed."""
    assert subscriber.id is not None
    token = feed_token(site.settings.secret_key, subscriber.id, binding=subscriber.secret, nonce=nonce)
    return feed_urls(base_url(request, site.settings), token)


def _plain(status: int, text: str) -> Response:
    return Response(text + "\n", status_code=status, media_type="text/plain")


@router.api_route(FEED_PREFIX + "{name}", methods=["GET", "HEAD"])
def personal_feed(request: Request, site: SiteDep, now: NowDep, name: str) -> Response:
    """The feed, or 404 for an address that never was, 410 for one replaced (revoked) or of an
    address that unsubscribed. Private, cacheable by the client, answered 304 when unchanged."""
    token = name.removesuffix(".ics")
    if token == name:
        return _plain(404, "no such feed: personal feed addresses end in .ics")
    try:
        with Session(site.engine) as session:
            subscriber, body = token_owner(
                session=session, secret=site.settings.secret_key, purpose="feed", token=token, now=now
            )
            assert subscriber.id is not None
            if feed_nonce_of(body) != feed_nonce(session=session, subscriber_id=subscriber.id):
                return _plain(
                    410, "this feed address was replaced; find the new one in your reminder preferences"
                )
            if subscriber.status != "active":
                return _plain(410, "this feed address no longer works: the address receives no reminders")
            follows = [
                Follow(s.election_id, tuple(s.audiences))
                for s in subscriptions_of(session=session, subscriber_id=subscriber.id)
            ]
            lang = subscriber.language
    except TokenError:
        return _plain(404, "no such feed")
    ics, last = _built(site.feeds.current(), follows, lang, feed_settings(site.settings), now)
    etag = '"' + hashlib.sha256(ics).hexdigest()[:32] + '"'
    headers = {
        "etag": etag,
        "last-modified": format_datetime((last or EPOCH).astimezone(UTC), usegmt=True),
        # Private: the address is one person's; a shared cache must not keep it.
        "cache-control": f"private, max-age={site.settings.feed_cache_seconds}",
    }
    inm = request.headers.get("if-none-match")
    if inm is not None and etag in {t.strip().removeprefix("W/") for t in inm.split(",")}:
        return Response(status_code=304, headers=headers)
    body_bytes = b"" if request.method == "HEAD" else ics
    response = Response(body_bytes, media_type="text/calendar; charset=utf-8", headers=headers)
    if request.method == "HEAD":
        response.headers["content-length"] = str(len(ics))
    return response


@router.post("/preferences/{token}/feed")
def revoke(
    request: Request, site: SiteDep, now: NowDep, token: str, csrf_token: Annotated[str | None, Form()] = None
) -> Response:
    """A new personal feed address; the old one answers 410 from now on."""
    check_csrf(request, csrf_token)
    try:
        with Session(site.engine) as session:
            subscriber = subscriber_for_token(
                session=session, secret=site.settings.secret_key, purpose="preferences", token=token, now=now
            )
            assert subscriber.id is not None
            revoke_feed(session=session, subscriber_id=subscriber.id, now=now)
            session.commit()
    except TokenError as e:
        return site.pages.message(request, 400, "link_invalid", text=str(e))
    return RedirectResponse(f"/preferences/{token}?feed=new#my-feed", status_code=303)
