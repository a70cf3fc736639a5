"""The ICS builder: RFC 5545 shapes, stable bytes, zones, folding, cancellation, alarms."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject

from deadlines.feeds.builder import FeedItem, FeedOptions, build_feed, parts_of
from deadlines.feeds.catalog import FeedSpec, build, catalog
from deadlines.feeds.options import BadFeedOption, parse_alarms
from deadlines.records import DeadlineRecord
from deadlines.rules import RuleBook, evaluate_election
from tests.feeds_helpers import CHANGED, NOW, SETTINGS, bump, feed_data


def events(body: bytes) -> dict[str, icalendar.Event]:
    cal = icalendar.Calendar.from_ical(body)
    return {str(e["uid"]).split("@")[0]: e for e in cal.walk("VEVENT")}


@pytest.fixture(scope="module")
def data(book: RuleBook):  # type: ignore[no-untyped-def]
    return feed_data(book, ("kr-2024-national-assembly", "kr-2028-national-assembly"))


def test_every_feed_parses_in_icalendar_and_vobject(data) -> None:  # type: ignore[no-untyped-def]
    specs = catalog(data, NOW.date())
    assert len(specs) == 2 + 2 * 2 * 6
    for spec in specs:
        body = build(data, spec, SETTINGS, NOW).body
        parsed = icalendar.Calendar.from_ical(body)
        assert parsed["VERSION"] == "2.0"
        other = vobject.readOne(body.decode("utf-8"))
        assert len(other.vevent_list) == len(parsed.walk("VEVENT")) > 0
        assert {str(v.uid.value) for v in other.vevent_list} == {str(e["uid"]) for e in parsed.walk("VEVENT")}


def test_calendar_properties(data) -> None:  # type: ignore[no-untyped-def]
    body = build(data, FeedSpec("kr-2024-national-assembly", "overseas", "en"), SETTINGS, NOW).body
    text = body.decode().replace("\r\n ", "")  # unfolded
    for line in (
        "PRODID:-//deadlines//Election deadlines",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "NAME:22nd National Assembly Election — deadlines for voters abroad",
        "X-WR-CALNAME:22nd National Assembly Election — deadlines for voters abroad",
        "X-WR-TIMEZONE:Asia/Seoul",
        "REFRESH-INTERVAL;VALUE=DURATION:PT12H",
        "X-PUBLISHED-TTL:PT12H",
    ):
        assert "\r\n" + line in "\r\n" + text, line
    assert "\r\nDESCRIPTION:" in text and "\r\nX-WR-CALDESC:" in text


def test_same_records_give_the_same_bytes(book: RuleBook) -> None:
    spec = FeedSpec("kr-2024-national-assembly", None, "ko")
    first = build(feed_data(book), spec, SETTINGS, NOW).body
    second = build(feed_data(book), spec, SETTINGS, NOW).body
    assert first == second
    assert b"\r\n" in first and b"\n" not in first.replace(b"\r\n", b"")


def test_uid_sequence_dtstamp(data) -> None:  # type: ignore[no-untyped-def]
    ev = events(build(data, FeedSpec("kr-2024-national-assembly", None, "en"), SETTINGS, NOW).body)
    close = ev["overseas-absentee-report.closes.kr-2024-national-assembly"]
    assert (
        str(close["uid"]) == "overseas-absentee-report.closes.kr-2024-national-assembly@deadlines.example.org"
    )
    assert close["sequence"] == 1
    assert close.decoded("dtstamp") == CHANGED and close.decoded("last-modified") == CHANGED
    assert close["transp"] == "TRANSPARENT" and close["status"] == "CONFIRMED"
    assert "overseas" in close["categories"].to_ical().decode()
    # URL is where the voter acts; the page is the description's last line.
    assert str(close["url"]) == "https://ok.nec.go.kr"
    description = str(close["description"])
    assert description.endswith(
        "https://deadlines.example.org/elections/kr-2024-national-assembly#overseas-absentee-report"
    )
    # A deadline with no page to act on keeps the election page as its URL.
    registration = ev["candidate-registration.period.kr-2024-national-assembly"]
    assert str(registration["url"]).endswith("/elections/kr-2024-national-assembly#candidate-registration")
    assert "Official: Sun 12 Nov 2023 00:00 – Sat 10 Feb 2024 24:00 (Asia/Seoul)" in description
    assert "Art. 218-4(1)" in description


def test_long_period_becomes_opens_and_closes_short_one_stays_one(data) -> None:  # type: ignore[no-untyped-def]
    ev = events(build(data, FeedSpec("kr-2024-national-assembly", None, "en"), SETTINGS, NOW).body)
    opens = ev["overseas-absentee-report.opens.kr-2024-national-assembly"]
    assert opens.decoded("dtstart") == date(2023, 11, 12) and opens.decoded("dtend") == date(2023, 11, 13)
    assert str(opens["summary"]) == "Opens: Residents abroad report absence to vote overseas"
    shipboard = ev["shipboard-voting.period.kr-2024-national-assembly"]
    assert shipboard.decoded("dtstart") == date(2024, 4, 2) and shipboard.decoded("dtend") == date(2024, 4, 6)
    deadline = ev["overseas-voter-registration.deadline.kr-2024-national-assembly"]
    assert deadline.decoded("dtstart") == date(2024, 2, 10) and deadline.decoded("dtend") == date(2024, 2, 11)


def test_timed_records_carry_tzid_and_vtimezone(data) -> None:  # type: ignore[no-untyped-def]
    body = build(data, FeedSpec("kr-2024-national-assembly", None, "en"), SETTINGS, NOW).body
    ev = events(body)
    early = ev["early-voting.period.kr-2024-national-assembly"]
    assert early.decoded("dtstart") == datetime(2024, 4, 5, 6, tzinfo=ZoneInfo("Asia/Seoul"))
    assert early.decoded("dtend") == datetime(2024, 4, 6, 18, tzinfo=ZoneInfo("Asia/Seoul"))
    assert "DTSTART;TZID=Asia/Seoul:20240405T060000" in body.decode()
    cal = icalendar.Calendar.from_ical(body)
    assert [str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")] == ["Asia/Seoul"]
    assert cal.get_missing_tzids() == set()
    ban = ev["poll-publication-ban.period.kr-2024-national-assembly"]
    assert ban.decoded("dtend") == datetime(2024, 4, 10, 18, tzinfo=ZoneInfo("Asia/Seoul"))


def test_local_polling_hours_are_floating(data) -> None:  # type: ignore[no-untyped-def]
    body = build(data, FeedSpec("kr-2024-national-assembly", "overseas", "en"), SETTINGS, NOW).body
    assert "\r\nDTSTART:20240327T080000\r\n" in body.decode()
    assert "\r\nDTEND:20240401T170000\r\n" in body.decode()


def test_abroad_feed_shows_the_real_closing_moment(data) -> None:  # type: ignore[no-untyped-def]
    body = build(data, FeedSpec("kr-2024-national-assembly", "overseas", "en"), SETTINGS, NOW).body
    close = events(body)["overseas-absentee-report.closes.kr-2024-national-assembly"]
    end = close.decoded("dtend")
    assert end == datetime(2024, 2, 11, 0, tzinfo=ZoneInfo("Asia/Seoul"))
    la = end.astimezone(ZoneInfo("America/Los_Angeles"))
    assert (la.date(), la.hour) == (date(2024, 2, 10), 7)
    assert "Sat 10 Feb 2024 24:00 (Asia/Seoul)" in str(close["description"])
    # The general feed keeps the all-day form.
    general = build(data, FeedSpec("kr-2024-national-assembly", None, "en"), SETTINGS, NOW).body
    assert events(general)["overseas-absentee-report.closes.kr-2024-national-assembly"].decoded(
        "dtend"
    ) == date(2024, 2, 11)


def test_korean_titles_fold_at_75_octets_without_splitting_characters(book: RuleBook) -> None:
    [base] = [r for r in evaluate_election(book, "kr-2024-national-assembly") if r.id == "electoral-register"]
    long_title = "재외선거인 등록신청과 국외부재자 신고; 마감\\일, 주의: " * 4
    record = DeadlineRecord(**{**base.__dict__, "title": {"en": "x", "ko": long_title}})
    body = build_feed(
        [FeedItem(record, CHANGED, {"en": "e", "ko": "이"})],
        FeedOptions("ko", "n", "d", "Asia/Seoul", "x.org", "https://x.org"),
    )
    lines = body.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines)
    for line in lines:
        line.decode("utf-8")  # no line ends inside a multi-byte character
    [event] = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert str(event["summary"]) == long_title
    assert b"\\;" in body and b"\\," in body and b"\\\\" in body


def test_moved_date_keeps_uid_and_bumps_sequence(book: RuleBook) -> None:
    [r] = [
        r for r in evaluate_election(book, "kr-2024-national-assembly") if r.id == "overseas-absentee-report"
    ]
    moved = bump(r, closes=date(2024, 2, 11))
    data = feed_data(book, changes={r.id: moved})
    ev = events(build(data, FeedSpec("kr-2024-national-assembly", None, "en"), SETTINGS, NOW).body)
    close = ev["overseas-absentee-report.closes.kr-2024-national-assembly"]
    assert close["sequence"] == 2 and close.decoded("dtstart") == date(2024, 2, 11)


def test_cancelled_stays_for_retention_then_leaves(book: RuleBook) -> None:
    [r] = [r for r in evaluate_election(book, "kr-2024-national-assembly") if r.id == "shipboard-voting"]
    cancelled = bump(r, status="cancelled")
    data = feed_data(book, changes={r.id: cancelled}, updated=datetime(2024, 1, 1, tzinfo=UTC))
    spec = FeedSpec("kr-2024-national-assembly", None, "ko")
    soon = events(build(data, spec, SETTINGS, datetime(2024, 3, 1, tzinfo=UTC)).body)
    event = soon["shipboard-voting.period.kr-2024-national-assembly"]
    assert event["status"] == "CANCELLED" and event["sequence"] == 2
    assert str(event["summary"]).startswith("취소: ")
    later = events(build(data, spec, SETTINGS, datetime(2024, 4, 1, tzinfo=UTC)).body)
    assert "shipboard-voting.period.kr-2024-national-assembly" not in later


def test_alarms_on_request(data) -> None:  # type: ignore[no-untyped-def]
    alarms = parse_alarms("P7D,P1D")
    body = build(data, FeedSpec("kr-2024-national-assembly", None, "en"), SETTINGS, NOW, alarms).body
    close = events(body)["overseas-absentee-report.closes.kr-2024-national-assembly"]
    triggers = [a["trigger"] for a in close.walk("VALARM")]
    assert [t.dt for t in triggers] == [-timedelta(days=7), -timedelta(days=1)]
    assert all(t.params["RELATED"] == "END" for t in triggers)
    plain = build(data, FeedSpec("kr-2024-national-assembly", None, "en"), SETTINGS, NOW).body
    assert b"VALARM" not in plain


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("P7D,P1D,PT12H,PT1H", "at most 3"),
        ("7 days", "not an ISO 8601 duration"),
        ("P365D", "outside"),
        ("PT0M", "outside"),
        ("P", "not an ISO"),
    ],
)
def test_bad_alarms(value: str, message: str) -> None:
    with pytest.raises(BadFeedOption, match=message):
        parse_alarms(value)


def test_parts_of_every_kind(book: RuleBook) -> None:
    shapes = {
        r.id: [p.name for p in parts_of(r)] for r in evaluate_election(book, "kr-2024-national-assembly")
    }
    assert shapes["overseas-absentee-report"] == ["opens", "closes"]
    assert shapes["early-voting"] == ["period"]
    assert shapes["resignation-public-officials"] == ["deadline"]
    assert shapes["election-day"] == ["event"]


def test_upcoming_feed_only_has_future_elections(data) -> None:  # type: ignore[no-untyped-def]
    later = datetime(2025, 1, 1, tzinfo=UTC)
    ev = events(build(data, FeedSpec("upcoming", None, "en"), SETTINGS, later).body)
    assert ev and all(uid.endswith("kr-2028-national-assembly") for uid in ev)
