"""Closing instants: what reminders count back from, in the election's zone or the voter's."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from deadlines.records import DeadlineRecord, record_to_json
from deadlines.rules import RuleBook, evaluate_election


def by_id(book: RuleBook) -> dict[str, DeadlineRecord]:
    return {r.id: r for r in evaluate_election(book, "kr-2024-national-assembly")}


def test_date_only_close_is_end_of_day_in_seoul(book: RuleBook) -> None:
    close = by_id(book)["overseas-absentee-report"].closing_instant()
    assert close == datetime(2024, 2, 10, 15, 0, tzinfo=UTC)  # 24:00 KST
    # A voter in Los Angeles has until 07:00 PST that same day.
    assert close.astimezone(ZoneInfo("America/Los_Angeles")) == datetime(
        2024, 2, 10, 7, 0, tzinfo=ZoneInfo("America/Los_Angeles")
    )


def test_timed_close(book: RuleBook) -> None:
    assert by_id(book)["poll-publication-ban"].closing_instant() == datetime(2024, 4, 10, 9, 0, tzinfo=UTC)


def test_local_time_needs_the_voters_zone(book: RuleBook) -> None:
    voting = by_id(book)["overseas-voting"]
    assert voting.closing_instant() is None and voting.opening_instant() is None
    assert voting.closing_instant("Europe/Berlin") == datetime(2024, 4, 1, 15, 0, tzinfo=UTC)


def test_json_shape(book: RuleBook) -> None:
    data = record_to_json(by_id(book)["early-voting"])
    assert data["opens"] == "2024-04-05" and data["closes"] == "2024-04-06"
    assert data["opens_at"] == "2024-04-04T21:00:00+00:00"
    assert data["closes_at"] == "2024-04-06T09:00:00+00:00"
    assert data["title"] == {"en": "Early voting", "ko": "사전투표"}
    assert data["source"]["citation"] == "Art. 148(1), Art. 155(2)"
    assert data["source"]["file"] == "rules/kr-national-assembly.toml"


def test_deadline_without_opening() -> None:
    r = DeadlineRecord(
        "e",
        "x",
        {"en": "x", "ko": "x"},
        "deadline",
        ("all",),
        None,
        date(2024, 1, 1),
        "Asia/Seoul",
        closes_time=time(18),
    )
    assert r.opening_instant() is None
    assert r.closing_instant() == datetime(2024, 1, 1, 9, 0, tzinfo=UTC)
