"""The kr-by-election rule set: published by-election schedules and the later-of-two anchor."""

from __future__ import annotations

from datetime import date, time

import pytest

from deadlines.rules import RuleBook, evaluate
from deadlines.rules.model import ELECTION_DAY

D = date.fromisoformat


def _records(book: RuleBook, day: str, cause: str | None = None) -> dict[str, object]:
    anchors = {ELECTION_DAY: D(day)}
    if cause:
        anchors["cause"] = D(cause)
    return {r.id: r for r in evaluate(book.rulesets["kr-by-election"], "x", anchors)}


@pytest.mark.parametrize(
    ("day", "rule", "opens", "closes"),
    [
        # 2 Apr 2025: news1, 1 Mar 2025, https://news1.kr/politics/pm-bai-comm/5705851
        ("2025-04-02", "candidate-registration", "2025-03-13", "2025-03-14"),
        ("2025-04-02", "campaign-period", "2025-03-20", None),
        ("2025-04-02", "early-voting", "2025-03-28", "2025-03-29"),
        # 7 Apr 2021: etnews, 2 Mar 2021, https://m.etnews.com/20210302000059
        ("2021-04-07", "candidate-registration", "2021-03-18", "2021-03-19"),
        ("2021-04-07", "electoral-register-confirmed", "2021-03-26", None),
        ("2021-04-07", "early-voting", "2021-04-02", "2021-04-03"),
        # 11 Oct 2023 (Gangseo): news1, https://news1.kr/amp/society/general-society/5175391
        ("2023-10-11", "electoral-register", "2023-09-19", "2023-09-23"),
        ("2023-10-11", "candidate-registration", "2023-09-21", "2023-09-22"),
        ("2023-10-11", "campaign-period", "2023-09-28", "2023-10-10"),
        ("2023-10-11", "early-voting", "2023-10-06", "2023-10-07"),
        # 16 Oct 2024: hankyung via daum, https://v.daum.net/v/20241010182303348
        ("2024-10-16", "early-voting", "2024-10-11", "2024-10-12"),
        # 29 Apr 2015 (old last-Wednesday rule; offsets unchanged): Aju Business Daily, 1 Apr 2015.
        ("2015-04-29", "candidate-registration", "2015-04-09", "2015-04-10"),
        ("2015-04-29", "early-voting", "2015-04-24", "2015-04-25"),
    ],
)
def test_published_by_election_dates(
    book: RuleBook, day: str, rule: str, opens: str, closes: str | None
) -> None:
    record = _records(book, day)[rule]
    assert record.opens == D(opens)  # type: ignore[attr-defined]
    if closes:
        assert record.closes == D(closes)  # type: ignore[attr-defined]


def test_polls_close_at_20_00(book: RuleBook) -> None:
    records = _records(book, "2025-04-02")
    assert records["election-day"].closes_time == time(20)  # type: ignore[attr-defined]
    assert records["poll-publication-ban"].closes_time == time(20)  # type: ignore[attr-defined]


def test_preliminary_registration_opens_at_the_later_of_offset_and_cause(book: RuleBook) -> None:
    # Gangseo 2023: cause 18 May 2023, district head: E-103 = 30 Jun 2023 is later (news report of
    # 30 Jun 2023: registration opened that day).
    gangseo = _records(book, "2023-10-11", "2023-05-18")["preliminary-registration-councils-districts"]
    assert gangseo.opens == D("2023-06-30") and gangseo.opens_time == time(9)  # type: ignore[attr-defined]
    # 2015 National Assembly by-elections: cause 19 Dec 2014, E-120 = 30 Dec 2014 is later
    # (Kukmin Ilbo, 30 Dec 2014, https://www.kmib.co.kr/article/view_amp.asp?arcid=0008993385).
    assembly = _records(book, "2015-04-29", "2014-12-19")["preliminary-registration-assembly-governors"]
    assert assembly.opens == D("2014-12-30")  # type: ignore[attr-defined]
    # A cause later than the usual opening: registration opens on the cause's day.
    late = _records(book, "2025-04-02", "2025-02-20")["preliminary-registration-assembly-governors"]
    assert late.opens == D("2025-02-20") and late.source["opened_by"] == "cause+0"  # type: ignore[attr-defined]
