"""A subscriber's personal feed, pure: the deadlines of the elections and audiences they follow,
in their language, built by the one ICS builder (`builder.py`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from deadlines.feeds.builder import FeedItem, FeedOptions, build_feed
from deadlines.feeds.catalog import FeedData, FeedSettings, FeedSpec, select


@dataclass(frozen=True)
class Follow:
    """One subscription as the feed needs it: an election and the audiences chosen (none: all)."""

    election: str
    audiences: tuple[str, ...] = ()


def personal_items(
    data: FeedData, follows: Sequence[Follow], lang: str, now: datetime, retention: timedelta
) -> list[FeedItem]:
    """The items every followed election and audience would put in its public feed, each once,
    in the snapshot's order (so the bytes do not depend on the order of the subscriptions)."""
    wanted: set[tuple[str, str]] = set()
    for follow in follows:
        if follow.election not in data.election_ids:
            continue  # an election since removed: nothing to show, nothing to fail
        for audience in follow.audiences or (None,):
            spec = FeedSpec(follow.election, audience, lang)
            wanted.update((i.record.election_id, i.record.id) for i in select(data, spec, now, retention))
    return [i for i in data.items if (i.record.election_id, i.record.id) in wanted]


def personal_options(
    data: FeedData, follows: Sequence[Follow], lang: str, settings: FeedSettings
) -> FeedOptions:
    first = next((e for f in follows for e in data.elections if e.id == f.election), None)
    name = "My election deadlines" if lang == "en" else "내 선거일정"
    description = (
        "The deadlines of the elections you follow, for the groups you chose. This address is "
        "yours alone: you can replace it from your reminder preferences."
        if lang == "en"
        else "구독하신 선거의 일정입니다. 이 주소는 본인만을 위한 것이며, 알림 설정에서 새 주소로 바꿀 수 있습니다."
    )
    return FeedOptions(
        lang=lang,
        name=name,
        description=description,
        timezone=first.timezone if first else "UTC",
        uid_domain=settings.uid_domain,
        base_url=settings.base_url,
        ttl=settings.ttl,
        abroad=any("overseas" in f.audiences for f in follows),
    )


def build_personal(
    data: FeedData, follows: Sequence[Follow], lang: str, settings: FeedSettings, now: datetime
) -> tuple[bytes, datetime | None]:
    """The feed's bytes and the last change of anything in it (for Last-Modified)."""
    items = personal_items(data, follows, lang, now, settings.retention)
    body = build_feed(items, personal_options(data, follows, lang, settings))
    return body, max((i.updated_at for i in items), default=None)
