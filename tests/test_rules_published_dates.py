"""Every rule checked against dates the NEC actually published."""

from __future__ import annotations

from datetime import date, time

import pytest

from deadlines.rules import RuleBook, evaluate, evaluate_election
from deadlines.rules.model import ELECTION_DAY

D = date.fromisoformat

# kr-election-law.md: the 22nd National Assembly election, 10 Apr 2024, as published.
NA22 = [
    ("overseas-commissions", "2023-10-13", "2024-05-10"),
    ("overseas-absentee-report", "2023-11-12", "2024-02-10"),
    ("overseas-voter-registration", None, "2024-02-10"),
    ("preliminary-candidate-registration", "2023-12-12", None),
    ("resignation-local-heads", None, "2023-12-12"),
    ("resignation-public-officials", None, "2024-01-11"),
    ("overseas-voter-list", "2024-02-21", "2024-03-01"),
    ("overseas-voter-list-confirmed", "2024-03-11", "2024-03-11"),
    ("electoral-register", "2024-03-19", "2024-03-23"),
    ("candidate-registration", "2024-03-21", "2024-03-22"),
    ("overseas-voting", "2024-03-27", "2024-04-01"),
    ("campaign-period", "2024-03-28", "2024-04-09"),
    ("electoral-register-confirmed", "2024-03-29", "2024-03-29"),
    ("returnee-voting-report", "2024-04-02", "2024-04-10"),
    ("shipboard-voting", "2024-04-02", "2024-04-05"),
    ("poll-publication-ban", "2024-04-04", "2024-04-10"),
    ("early-voting", "2024-04-05", "2024-04-06"),
    ("election-day", "2024-04-10", "2024-04-10"),
]


@pytest.mark.parametrize(("rule", "opens", "closes"), NA22)
def test_22nd_national_assembly_published_dates(
    book: RuleBook, rule: str, opens: str | None, closes: str | None
) -> None:
    records = {r.id: r for r in evaluate_election(book, "kr-2024-national-assembly")}
    record = records[rule]
    if opens is not None:
        assert record.opens == D(opens)
    if closes is not None:
        assert record.closes == D(closes)


def test_every_rule_of_the_22nd_election_is_in_the_published_table(book: RuleBook) -> None:
    computed = {r.id for r in evaluate_election(book, "kr-2024-national-assembly")}
    # The registration check is the service's own reminder a year ahead (issue 14), not an NEC date.
    assert computed - {"overseas-registration-check"} == {row[0] for row in NA22}


def test_published_times_of_the_22nd_election(book: RuleBook) -> None:
    records = {r.id: r for r in evaluate_election(book, "kr-2024-national-assembly")}
    assert records["poll-publication-ban"].closes_time == time(18)
    assert (records["early-voting"].opens_time, records["early-voting"].closes_time) == (time(6), time(18))
    assert (records["election-day"].opens_time, records["election-day"].closes_time) == (time(6), time(18))
    voting = records["overseas-voting"]
    assert voting.local_time and (voting.opens_time, voting.closes_time) == (time(8), time(17))


def test_holiday_does_not_move_korean_deadline(book: RuleBook) -> None:
    # E-60 of the 22nd election, Sat 10 Feb 2024, was also Lunar New Year and stood.
    import holidays

    close = {r.id: r for r in evaluate_election(book, "kr-2024-national-assembly")}[
        "overseas-absentee-report"
    ].closes
    assert close == date(2024, 2, 10)
    assert close in holidays.country_holidays("KR", years=2024)
    # The 21st election (15 Apr 2020): E-60 was Sat 15 Feb 2020.
    rs = book.rulesets["kr-national-assembly"]
    r21 = {r.id: r for r in evaluate(rs, "na21", {ELECTION_DAY: date(2020, 4, 15)})}
    assert r21["overseas-absentee-report"].closes == date(2020, 2, 15)


# The 20th presidential election, 9 Mar 2022, as the NEC published its schedule.
PRES20 = [
    ("preliminary-candidate-registration", "2021-07-12", None),
    ("overseas-absentee-report", "2021-10-10", "2022-01-08"),
    ("candidate-registration", "2022-02-13", "2022-02-14"),
    ("campaign-period", "2022-02-15", "2022-03-08"),
    ("overseas-voting", "2022-02-23", "2022-02-28"),
    ("early-voting", "2022-03-04", "2022-03-05"),
    ("election-day", "2022-03-09", "2022-03-09"),
]


@pytest.mark.parametrize(("rule", "opens", "closes"), PRES20)
def test_20th_presidential_published_dates(
    book: RuleBook, rule: str, opens: str | None, closes: str | None
) -> None:
    rs = book.rulesets["kr-presidential"]
    records = {r.id: r for r in evaluate(rs, "pres20", {ELECTION_DAY: date(2022, 3, 9)})}
    if opens:
        assert records[rule].opens == D(opens)
    if closes:
        assert records[rule].closes == D(closes)


# The 21st presidential election after the vacancy: held 3 Jun 2025; the cause (the
# Constitutional Court's ruling) was finalised 4 Apr 2025.
PRES21 = [
    ("overseas-absentee-report", "2025-04-04", "2025-04-24"),
    ("overseas-voter-registration", None, "2025-04-24"),
    ("resignation-public-officials", None, "2025-05-04"),
    ("candidate-registration", "2025-05-10", "2025-05-11"),
    ("campaign-period", "2025-05-12", "2025-06-02"),
    ("overseas-voting", "2025-05-20", "2025-05-25"),
    ("early-voting", "2025-05-29", "2025-05-30"),
    ("election-day", "2025-06-03", "2025-06-03"),
]


@pytest.mark.parametrize(("rule", "opens", "closes"), PRES21)
def test_21st_presidential_vacancy_dates(
    book: RuleBook, rule: str, opens: str | None, closes: str | None
) -> None:
    rs = book.rulesets["kr-presidential-vacancy"]
    records = {
        r.id: r for r in evaluate(rs, "pres21", {ELECTION_DAY: date(2025, 6, 3), "cause": date(2025, 4, 4)})
    }
    if opens:
        assert records[rule].opens == D(opens)
    if closes:
        assert records[rule].closes == D(closes)


def test_vacancy_polls_close_at_eight(book: RuleBook) -> None:
    rs = book.rulesets["kr-presidential-vacancy"]
    records = {
        r.id: r for r in evaluate(rs, "v", {ELECTION_DAY: date(2025, 6, 3), "cause": date(2025, 4, 4)})
    }
    assert records["election-day"].closes_time == time(20)


def test_23rd_national_assembly_is_computed_from_its_day(book: RuleBook) -> None:
    records = {r.id: r for r in evaluate_election(book, "kr-2028-national-assembly")}
    assert records["election-day"].opens == date(2028, 4, 12)
    assert records["overseas-absentee-report"].opens == date(2027, 11, 14)  # E-150
    assert records["overseas-absentee-report"].closes == date(2028, 2, 12)  # E-60


@pytest.mark.parametrize("ruleset", ["kr-national-assembly", "kr-presidential", "kr-presidential-vacancy"])
@pytest.mark.parametrize("day", ["2024-04-10", "2026-06-03", "2031-12-31", "2032-02-29"])
def test_what_if_works_for_every_ruleset_on_any_day(book: RuleBook, ruleset: str, day: str) -> None:
    rs = book.rulesets[ruleset]
    election_day = D(day)
    anchors = {ELECTION_DAY: election_day}
    if "cause" in rs.anchors:
        anchors["cause"] = date.fromordinal(election_day.toordinal() - 60)
    records = evaluate(rs, "what-if", anchors)
    assert len(records) == len(rs.rules)
    day_record = next(r for r in records if r.id == "election-day")
    assert day_record.opens == election_day
    for r in records:
        if r.opens and r.closes:
            assert r.opens <= r.closes
