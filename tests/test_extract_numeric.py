"""Numeric dates in a notice's body ("11/05/2024"): read month first or day first only where the
notice settles it, never inside an address or a number, and otherwise left out with a warning.

Real dates used: the US general election of 2024-11-05 (Georgia's registration deadline
2024-10-07, advance voting until 2024-11-01, Georgia Secretary of State); the Australian federal
election of 2022-05-21 (rolls closed 2022-04-18, early voting from 2022-05-09, Australian
Electoral Commission); the UK general election of 2024-07-04 (registration deadline 2024-06-18,
Electoral Commission).
"""

from __future__ import annotations

from datetime import date

import pytest

from deadlines.extract import extract
from deadlines.extract.model import ExtractedRecord

PUBLISHED = date(2024, 1, 15)


def _read(text: str, published: date = PUBLISHED) -> tuple[list[ExtractedRecord], list[str]]:
    notices = extract(text, published=published)
    return [r for n in notices for r in n.records], [w for n in notices for w in n.warnings]


def _days(records: list[ExtractedRecord]) -> list[str]:
    return [(r.ends or r.starts).isoformat() for r in records if r.ends or r.starts]


def test_us_cue_words_put_the_month_first() -> None:
    records, warnings = _read(
        "The Georgia Secretary of State says the deadline to register is 10/07/2024. Election Day is 11/05/2024."
    )
    assert _days(records) == ["2024-10-07", "2024-11-05"]
    assert records[0].kind == "deadline"
    assert any("month first" in w and "Georgia" in w for w in warnings)


def test_a_day_over_twelve_elsewhere_puts_the_day_first() -> None:
    records, warnings = _read(
        "The electoral roll closes at 8pm on 18/04/2022. Early voting centres open on 09/05/2022.",
        date(2022, 4, 11),
    )
    assert _days(records) == ["2022-04-18", "2022-05-09"]
    assert [r.kind for r in records] == ["deadline", "start"]
    assert any("day first" in w and "18/04/2022" in w for w in warnings)


def test_day_first_cue_words() -> None:
    records, _ = _read(
        "The Electoral Commission reminds voters that polling day is 04/07/2024.", date(2024, 5, 22)
    )
    assert _days(records) == ["2024-07-04"]


def test_dates_with_month_names_decide_when_nothing_else_does() -> None:
    records, _ = _read("Applications open 10/01/2024 and close on October 7, 2024.")
    assert _days(records) == ["2024-10-01", "2024-10-07"]
    records, _ = _read("Applications open 10/01/2024 and close on 7 October 2024.")
    assert _days(records) == ["2024-01-10", "2024-10-07"]


@pytest.mark.parametrize(
    "text",
    [
        "Nomination forms must be lodged by noon on 06/03/2025.",
        # Cues on both sides: a US state and an Australian body.
        "Texas and the Australian Electoral Commission both list 06/03/2025.",
        # Numeric dates that disagree with each other: 13/04 is day first, 04/13 month first.
        "Forms due 13/04/2025 or 04/13/2025; the count is on 06/03/2025.",
    ],
)
def test_an_unsettled_order_gives_no_record_but_a_warning(text: str) -> None:
    records, warnings = _read(text, date(2025, 2, 1))
    assert "2025-06-03" not in _days(records) and "2025-03-06" not in _days(records)
    assert any("'06/03/2025'" in w and "not read" in w for w in warnings)


def test_a_date_that_reads_the_same_both_ways_or_has_a_day_over_twelve_reads_itself() -> None:
    records, warnings = _read("Ballots are due 05/05/2025. The count starts 14/05/2025.", date(2025, 2, 1))
    assert _days(records) == ["2025-05-05", "2025-05-14"]
    assert not any("not read" in w for w in warnings)


@pytest.mark.parametrize(
    "text",
    [
        "Michigan voters: see https://www.example.gov/elections/11/05/2024/guide for the guide.",
        "Michigan voters: the guide is at www.example.gov/11/05/2024 today.",
        "Michigan county clerk, Case No. 11/05/2024 was filed.",
        "Michigan county clerk, Ref: EL/11/05/2024 applies.",
        "Michigan county clerk: call 517-555-0142 or 11/05/20245.",
        "Michigan county clerk: fraction 1/2/20 and version 3.11/05/2024.",
    ],
)
def test_numbers_in_addresses_and_document_numbers_are_not_dates(text: str) -> None:
    records, _ = _read(text)
    assert "2024-11-05" not in _days(records) and "2024-05-11" not in _days(records)


def test_a_numeric_page_stamp_is_not_a_body_date() -> None:
    notices = extract("Date: 01/02/2023\n\nRolls close 6pm Monday 6 March 2023.")
    records = [r for n in notices for r in n.records]
    assert _days(records) == ["2023-03-06"]
    assert not any("01/02/2023" in w for n in notices for w in n.warnings)


def test_ranges_read_alone_orient_their_numeric_dates() -> None:
    """find_expressions on a bare text gives numeric dates their order too: no month over 12."""
    from deadlines.extract.ranges import find_expressions

    found = find_expressions("Forms are due 13/04/2025 and ballots 06/03/2025.")
    assert [(e.first.month, e.first.day) for e in found] == [(4, 13), (3, 6)]
    assert find_expressions("Forms are due 06/03/2025.") == []
