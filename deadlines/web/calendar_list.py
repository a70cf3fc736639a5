"""The order of the calendar list (pure): upcoming elections first, soonest first, the reader's
language before the other; then past elections, the latest first."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from deadlines.feeds.catalog import UPCOMING, BuiltFeed, ElectionInfo

AUDIENCE_ORDER = (None, "overseas")  # everyone's feed, then voters abroad's, then the rest


def calendar_groups(
    feeds: Sequence[BuiltFeed], elections: Sequence[ElectionInfo], today: date, lang: str
) -> list[tuple[str, list[BuiltFeed]]]:
    """("upcoming_feeds", feeds) and ("past_feeds", feeds), each group in reading order; a group
    with no feed is left out."""
    days = {e.id: e.day for e in elections}

    def key(feed: BuiltFeed) -> tuple[object, ...]:
        spec = feed.spec
        day = days.get(spec.election, date.max)
        ahead = spec.election == UPCOMING or day >= today
        when = 0 if spec.election == UPCOMING else (day.toordinal() if ahead else -day.toordinal())
        audience = AUDIENCE_ORDER.index(spec.audience) if spec.audience in AUDIENCE_ORDER else 2
        return (
            not ahead,
            when,
            spec.election,
            spec.station is not None,
            spec.station or "",
            spec.lang != lang,
            audience,
            spec.audience or "",
        )

    upcoming: list[BuiltFeed] = []
    past: list[BuiltFeed] = []
    for feed in sorted(feeds, key=key):
        ahead = feed.spec.election == UPCOMING or days.get(feed.spec.election, date.max) >= today
        (upcoming if ahead else past).append(feed)
    return [(name, group) for name, group in (("upcoming_feeds", upcoming), ("past_feeds", past)) if group]
