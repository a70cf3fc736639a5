"""The sample notice (NEC press releases, Nov 2023) and its HTML form."""

from __future__ import annotations

from datetime import date

import pytest

from deadlines.extract import ExtractedRecord, extract
from tests.conftest import FIXTURES, SAMPLE_NOTICE

HTML_NOTICE = FIXTURES / "notices" / "nec-2023-11.html"


@pytest.fixture(scope="module")
def records() -> list[ExtractedRecord]:
    return [r for n in extract(SAMPLE_NOTICE.read_text(encoding="utf-8")) for r in n.records]


def test_overseas_absentee_reporting_period(records: list[ExtractedRecord]) -> None:
    [period] = [r for r in records if r.kind == "period"]
    assert (period.starts, period.ends) == (date(2023, 11, 12), date(2024, 2, 10))
    assert "report their absence" in period.quote
    assert "overseas" in period.audiences
    assert not period.past and not period.warnings


def test_overseas_registration_closing(records: list[ExtractedRecord]) -> None:
    [deadline] = [r for r in records if r.kind == "deadline"]
    assert deadline.ends == date(2024, 2, 10) and deadline.starts is None
    assert deadline.quote.startswith("Meanwhile, overseas Koreans") and "by 10 Feb, 2024" in deadline.quote


def test_poll_rule_takes_effect_on_friday_1_december(records: list[ExtractedRecord]) -> None:
    [start] = [r for r in records if r.kind == "start" and r.starts == date(2023, 12, 1)]
    assert "take effect from Friday, 1 Dec" in start.quote
    assert not any("does not match" in w for w in start.warnings)
    assert any("inferred as 2023" in w for w in start.warnings)
    assert "media" in start.audiences and not start.past


def test_meeting_is_a_past_event(records: list[ExtractedRecord]) -> None:
    [meeting] = [r for r in records if r.starts == date(2023, 11, 3)]
    assert meeting.kind == "event" and meeting.past
    assert meeting.quote.startswith("On Friday, Nov 3, the NEC held a meeting")


def test_quote_and_span_point_into_the_text() -> None:
    text = SAMPLE_NOTICE.read_text(encoding="utf-8")
    for notice in extract(text):
        for r in notice.records:
            assert text[r.span[0] : r.span[1]] == r.quote
            assert r.span[0] <= r.date_span[0] < r.date_span[1] <= r.span[1]


def test_items_become_notices_with_their_dates() -> None:
    notices = extract(SAMPLE_NOTICE.read_text(encoding="utf-8"))
    assert [n.published for n in notices] == [date(2023, 11, d) for d in (2, 3, 9, 13)]
    assert notices[2].headline.startswith("Reporting of Overseas Absentees")


def _essence(records: list[ExtractedRecord]) -> list[tuple[object, ...]]:
    return [(r.kind, r.starts, r.ends, r.quote, r.past, r.audiences) for r in records]


def test_html_form_gives_the_same_records_as_the_text(records: list[ExtractedRecord]) -> None:
    html_notices = extract(HTML_NOTICE.read_text(encoding="utf-8"))
    html_records = [r for n in html_notices for r in n.records]
    assert _essence(html_records) == _essence(records)
    # Scripts, styles, navigation and footer dates were ignored.
    assert not any(r.starts and r.starts.year in (2019, 2020) for r in html_records)
