"""Election days computed from the law (Art. 34, 35(2), 203) against the days actually held."""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner

from deadlines.cli import cli
from deadlines.rules import RuleBook
from deadlines.rules.electionday import General, by_election_day, term_end_day
from tests.conftest import RULES_DIR

D = date.fromisoformat


@pytest.mark.parametrize(
    ("term_ends", "days", "held", "why"),
    [
        # kr-election-law.md: local terms ended 30 Jun 2018; 6 Jun was Memorial Day -> 13 Jun.
        ("2018-06-30", 30, "2018-06-13", "7th local elections, holiday shift"),
        ("2022-06-30", 30, "2022-06-01", "8th local elections"),
        ("2014-06-30", 30, "2014-06-04", "6th local elections"),
        ("2026-06-30", 30, "2026-06-03", "9th local elections (kr-election-law.md)"),
        ("2030-06-30", 30, "2030-06-12", "10th local: 5 Jun sits next to Memorial Day, Thu 6 Jun"),
        ("2024-05-29", 50, "2024-04-10", "22nd National Assembly (listed as a holiday itself)"),
        ("2020-05-29", 50, "2020-04-15", "21st National Assembly"),
        ("2028-05-29", 50, "2028-04-12", "23rd National Assembly (kr-election-law.md)"),
        # The 20th presidential election: 2 Mar 2022 sat next to Independence Movement Day.
        ("2022-05-09", 70, "2022-03-09", "20th presidential, holiday shift"),
        ("2030-06-03", 70, "2030-03-27", "22nd presidential"),
    ],
)
def test_term_end_days(term_ends: str, days: int, held: str, why: str) -> None:
    assert term_end_day(D(term_ends), days).day == D(held), why


def test_the_2018_shift_is_explained() -> None:
    result = term_end_day(D("2018-06-30"), 30)
    assert result.raw == D("2018-06-06") and result.shifts[0].name == "Memorial Day"
    assert any("Memorial Day" in s and "2018-06-13" in s for s in result.steps)


@pytest.mark.parametrize(
    ("cause", "office", "held"),
    [
        # 4·2 by-elections 2025, causes 1 Sep 2024 - 28 Feb 2025 (news1, 1 Mar 2025,
        # https://news1.kr/politics/pm-bai-comm/5705851).
        ("2024-12-01", "head", "2025-04-02"),
        # Gangseo district head, 11 Oct 2023: 4 Oct sat next to Foundation Day (3 Oct); the
        # cause was the Supreme Court ruling of 18 May 2023 (news1,
        # https://news1.kr/amp/society/general-society/5175391).
        ("2023-05-18", "head", "2023-10-11"),
        # 16 Oct 2024: 2 Oct sat between Armed Forces Day and Foundation Day, 9 Oct was Hangul Day
        # (hankyung via daum, 10 Oct 2024, https://v.daum.net/v/20241010182303348).
        ("2024-05-01", "head", "2024-10-16"),
        # 4·7 by-elections 2021 (Seoul and Busan mayors), causes from 2020 (etnews, 2 Mar 2021,
        # https://m.etnews.com/20210302000059).
        ("2020-12-01", "head", "2021-04-07"),
        ("2026-05-01", "council", "2027-04-07"),
        ("2027-03-01", "head", "2027-10-06"),
    ],
)
def test_by_election_days(cause: str, office: str, held: str) -> None:
    assert by_election_day(D(cause), office).day == D(held)


def test_by_elections_merge_into_general_elections() -> None:
    na = General("national-assembly", D("2028-04-12"), "kr-2028-national-assembly")
    local = General("local", D("2030-06-12"), "kr-2030-local")
    pres = General("presidential", D("2030-03-27"), "kr-2030-presidential")
    both = [na, local, pres]
    assert by_election_day(D("2027-06-01"), "assembly", both).day == D("2028-04-12")
    assert by_election_day(D("2029-12-01"), "head", both).day == D("2030-03-27")  # by 31 Jan
    assert by_election_day(D("2030-02-10"), "head", both).day == D("2030-06-12")  # by 30 Apr
    # After 30 Apr: October (2 Oct sits next to Foundation Day, 9 Oct is Hangul Day).
    assert by_election_day(D("2030-05-02"), "head", both).day == D("2030-10-16")
    merged = by_election_day(D("2030-04-30"), "council", both)
    assert merged.merged_into == local and "Art. 203" in merged.steps[-2]


def test_shipped_elections_are_provisional_until_confirmed(book: RuleBook) -> None:
    days = {e.id: (e.day, e.provisional) for e in book.elections.values()}
    assert days == {
        "kr-2024-national-assembly": (D("2024-04-10"), False),
        "kr-2026-local": (D("2026-06-03"), False),
        "kr-2027-04-by-election": (D("2027-04-07"), True),
        "kr-2027-10-by-election": (D("2027-10-06"), True),
        "kr-2028-national-assembly": (D("2028-04-12"), True),
        "kr-2030-presidential": (D("2030-03-27"), True),
        "kr-2030-local": (D("2030-06-12"), True),
    }


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env={"DEADLINES_RULES_DIR": str(RULES_DIR)})
    return result.exit_code, result.output


def test_cli_election_day_prints_the_steps() -> None:
    code, out = _run("rules", "election-day", "--ruleset", "kr-local", "--term-ends", "2018-06-30")
    assert code == 0 and "Memorial Day" in out and out.strip().endswith("election day: Wed 2018-06-13")
    code, out = _run(
        "rules", "election-day", "--ruleset", "kr-national-assembly", "--term-ends", "2028-05-29", "--json"
    )
    data = json.loads(out)
    assert code == 0 and data["day"] == "2028-04-12" and data["raw_wednesday"] == "2028-04-12"
    code, out = _run(
        "rules",
        "election-day",
        "--ruleset",
        "kr-by-election",
        "--cause",
        "2024-05-01",
        "--office",
        "head",
        "--json",
    )
    data = json.loads(out)
    assert data["day"] == "2024-10-16" and [s["name"] for s in data["shifts"]] == [
        "Armed Forces Day",
        "Hangul Day",
    ]
    code, out = _run(
        "rules", "election-day", "--ruleset", "kr-by-election", "--cause", "2027-05-01", "--json"
    )
    assert json.loads(out)["merged_into"] == {"kind": "national-assembly", "id": "kr-2028-national-assembly"}
    code, out = _run("rules", "election-day", "--ruleset", "kr-presidential-vacancy", "--cause", "2025-04-04")
    assert code == 1 and "does not compute" in out
