"""What the pages show: deadlines in the visitor's zone and the official one, languages. Pure."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from deadlines.rules import RuleBook, evaluate_election
from deadlines.web.i18n import WORDS, negotiate
from deadlines.web.timeline import moment_text, next_deadlines, rows, valid_zone


@pytest.mark.parametrize(
    ("query", "cookie", "header", "expected"),
    [
        (None, None, "ko-KR,ko;q=0.9,en-US;q=0.8", "ko"),
        (None, None, "en-US,en;q=0.9,ko;q=0.8", "en"),
        (None, None, "fr-FR,ko;q=0.5", "ko"),
        (None, None, "fr-FR", "en"),
        (None, None, "ko;q=bad, en;q=0.1", "en"),  # a malformed weight counts as 0
        (None, None, None, "en"),
        ("en", "ko", "ko", "en"),
        (None, "ko", "en", "ko"),
        ("xx", None, "ko", "ko"),
    ],
)
def test_language_negotiation(
    query: str | None, cookie: str | None, header: str | None, expected: str
) -> None:
    assert negotiate(query, cookie, header) == expected


def test_both_languages_have_every_word() -> None:
    assert set(WORDS["en"]) == set(WORDS["ko"])


def test_zones_are_checked() -> None:
    assert valid_zone("America/Los_Angeles") == "America/Los_Angeles"
    for bad in (None, "", "Mars/Olympus", "../../etc/passwd", "x" * 100):
        assert valid_zone(bad) is None


@pytest.mark.parametrize(
    ("zone", "lang", "text"),
    [
        ("Asia/Seoul", "en", "Sat 10 Feb 2024, 24:00 KST"),
        ("America/Los_Angeles", "en", "Sat 10 Feb 2024, 07:00 PST"),
        ("Asia/Seoul", "ko", "2024. 2. 10.(토) 24:00 KST"),
        ("Pacific/Auckland", "en", "Sun 11 Feb 2024, 04:00 NZDT"),
    ],
)
def test_published_overseas_reporting_close_in_each_zone(zone: str, lang: str, text: str) -> None:
    # NEC: overseas absence reports for the 22nd National Assembly election close 10 Feb 2024 (KST).
    close = datetime(2024, 2, 10, 15, tzinfo=UTC)
    assert moment_text(close, zone, lang, closing=True) == text


def test_rows_for_the_22nd_election(book: RuleBook) -> None:
    records = evaluate_election(book, "kr-2024-national-assembly")
    now = datetime(2024, 2, 1, tzinfo=UTC)
    shown = rows(records, "America/Los_Angeles", "en", now)
    absentee = next(r for r in shown if r.record.id == "overseas-absentee-report")
    assert absentee.opens_local == "Sat 11 Nov 2023, 07:00 PST"  # 12 Nov 00:00 KST
    assert absentee.closes_local == "Sat 10 Feb 2024, 07:00 PST"
    assert "Asia/Seoul" in absentee.official and not absentee.passed
    assert absentee.source and "Art. 218-4(1)" in absentee.source
    commissions = next(r for r in shown if r.record.id == "overseas-commissions")
    assert shown.index(commissions) < shown.index(absentee)  # a timeline: by start
    assert next(r for r in shown if r.record.id == "resignation-local-heads").passed
    soon = next_deadlines(records, now, count=2)
    # Both close at 24:00 KST on 10 Feb 2024; equal instants are ordered by id.
    assert [r.id for r in soon] == ["overseas-absentee-report", "overseas-voter-registration"]
