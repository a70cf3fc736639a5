"""The builder keeps each event's bytes and writes the calendar around them: its feeds must be
byte for byte what icalendar writes for the whole calendar, and no change may be served stale."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar, Event, Timezone

from deadlines.feeds import builder
from deadlines.feeds.builder import FeedItem, FeedOptions, build_feed, ics_duration, parts_of
from deadlines.feeds.catalog import FeedData, build, catalog, feed_options, select
from deadlines.rules import RuleBook
from tests.feeds_helpers import NOW, SETTINGS, bump, feed_data

ELECTIONS = ("kr-2024-national-assembly", "kr-2030-presidential")


def whole_calendar(items: list[FeedItem], options: FeedOptions) -> bytes:
    """The feed as one icalendar Calendar serialised at once: what the builder wrote before it
    kept events' bytes."""
    cal = Calendar()
    for name, value in (
        ("prodid", builder.PRODID),
        ("version", "2.0"),
        ("calscale", "GREGORIAN"),
        ("method", "PUBLISH"),
        ("name", options.name),
        ("x-wr-calname", options.name),
        ("description", options.description),
        ("x-wr-caldesc", options.description),
        ("x-wr-timezone", options.timezone),
    ):
        cal.add(name, value)
    cal.add("refresh-interval", options.ttl, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", ics_duration(options.ttl))
    events: list[tuple[tuple[str, str], Event]] = []
    zones: dict[str, list[date]] = {}
    for item in items:
        for part in parts_of(item.record):
            event = builder._event(item, part, options)
            start = event.decoded("dtstart")
            events.append(((start.isoformat(), str(event["uid"])), event))
            if isinstance(start, datetime) and not item.record.local_time:
                zones.setdefault(item.record.timezone, []).extend([part.first, part.last])
    for tzid in sorted(zones):
        first, last = min(zones[tzid]) - timedelta(days=366), max(zones[tzid]) + timedelta(days=366)
        cal.add_component(Timezone.from_tzinfo(ZoneInfo(tzid), tzid, first, last))
    for _key, event in sorted(events, key=lambda pair: pair[0]):
        cal.add_component(event)
    return bytes(cal.to_ical())


@pytest.fixture(scope="module")
def data(book: RuleBook) -> FeedData:
    return feed_data(book, tuple(e for e in ELECTIONS if e in book.elections))


def test_every_feed_is_what_icalendar_writes_for_the_whole_calendar(data: FeedData) -> None:
    specs = [s for s in catalog(data, NOW.date()) if s.station is None]
    assert len(specs) > 10
    alarms = (timedelta(days=7), timedelta(hours=2))
    for n, spec in enumerate(specs):
        # Every feed plain, and with alarms one feed in four (the costly reference is the bound).
        for chosen in ((), alarms) if n % 4 == 0 else ((),):
            items = select(data, spec, NOW, SETTINGS.retention)
            options = feed_options(data, spec, SETTINGS, chosen)
            expected = whole_calendar(items, options)
            assert build_feed(items, options) == expected, spec
            # A second build answers from what the first kept, and still agrees.
            assert build(data, spec, SETTINGS, NOW, chosen).body == expected


def _changes(item: FeedItem) -> list[tuple[str, FeedItem]]:
    r = item.record
    return [
        ("revision", replace(item, record=bump(r))),
        (
            "description, same revision",
            replace(item, record=replace(r, description={"en": "new", "ko": "새"})),
        ),
        ("how to act", replace(item, record=replace(r, how={"en": "Apply online.", "ko": "온라인 신청"}))),
        ("action url", replace(item, record=replace(r, action_url="https://ova.nec.go.kr/"))),
        ("cancelled", replace(item, record=replace(r, status="cancelled"))),
        (
            "closing day",
            replace(item, record=replace(r, closes=(r.closes or r.opens or NOW.date()) + timedelta(1))),
        ),
        ("updated at", replace(item, updated_at=item.updated_at + timedelta(seconds=1))),
        ("election name", replace(item, election_name={"en": "Renamed", "ko": "새 이름"})),
        ("provisional", replace(item, provisional=not item.provisional)),
    ]


def test_no_change_to_an_event_is_served_from_what_was_kept(data: FeedData) -> None:
    item = next(i for i in data.items if i.record.kind == "period" and "overseas" in i.record.audiences)
    options: dict[str, Any] = {
        "lang": "en",
        "name": "n",
        "description": "d",
        "timezone": "Asia/Seoul",
        "uid_domain": "deadlines.example.org",
        "base_url": "https://deadlines.example.org",
    }
    plain = FeedOptions(**options)
    seen = {build_feed([item], plain)}
    for what, changed in _changes(item):
        body = build_feed([changed], plain)
        assert body == whole_calendar([changed], plain), what
        assert body not in seen, f"{what}: the feed did not change"
        seen.add(body)
    for what, other in (
        ("language", FeedOptions(**{**options, "lang": "ko"})),
        ("abroad", FeedOptions(**options, abroad=True)),
        ("uid domain", FeedOptions(**{**options, "uid_domain": "other.example.org"})),
        ("base url", FeedOptions(**{**options, "base_url": "https://other.example.org"})),
        ("alarms", FeedOptions(**options, alarms=(timedelta(days=1),))),
    ):
        body = build_feed([item], other)
        assert body == whole_calendar([item], other), what
        assert body not in seen, f"{what}: the feed did not change"
        seen.add(body)
