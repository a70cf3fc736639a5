"""Builds feed data from the shipped rules without a database, for pure feed tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from deadlines.feeds.builder import FeedItem
from deadlines.feeds.catalog import ElectionInfo, FeedData, FeedSettings
from deadlines.records import DeadlineRecord
from deadlines.rules import RuleBook, evaluate_election

CHANGED = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
NOW = datetime(2023, 11, 1, tzinfo=UTC)
SETTINGS = FeedSettings(
    uid_domain="deadlines.example.org",
    base_url="https://deadlines.example.org",
    ttl=timedelta(hours=12),
    retention=timedelta(days=90),
)


def feed_data(
    book: RuleBook,
    election_ids: tuple[str, ...] = ("kr-2024-national-assembly",),
    changes: dict[str, DeadlineRecord] | None = None,
    updated: datetime = CHANGED,
) -> FeedData:
    elections = []
    items = []
    for eid in election_ids:
        e = book.elections[eid]
        rs = book.rulesets[e.ruleset]
        elections.append(ElectionInfo(e.id, e.name, e.day, rs.timezone))
        for record in evaluate_election(book, eid):
            record = (changes or {}).get(record.id, record)
            items.append(FeedItem(record, updated, e.name))
    return FeedData(tuple(elections), tuple(items))


def bump(record: DeadlineRecord, **changes: object) -> DeadlineRecord:
    return replace(record, revision=record.revision + 1, **changes)  # type: ignore[arg-type]
