"""How a deadline's time reads for a visitor, against the 22nd National Assembly election's
published dates (NEC, 10 April 2024) and the 23rd's computed ones (12 April 2028). Pure."""

from __future__ import annotations

import pytest

from deadlines.records import DeadlineRecord
from deadlines.rules import RuleBook, evaluate_election
from deadlines.web.when import when


def record(book: RuleBook, election: str, rule: str) -> DeadlineRecord:
    return next(r for r in evaluate_election(book, election) if r.id == rule)


@pytest.mark.parametrize(
    ("election", "zone", "place", "lang", "close"),
    [
        # NEC: overseas absence reports for the 22nd election closed Sat 10 Feb 2024, end of day KST
        # (24:00 KST = 15:00 UTC = 07:00 PST).
        ("kr-2024-national-assembly", "America/Los_Angeles", "Los Angeles", "en", "Sat 10 Feb 2024, 07:00 (Los Angeles)"),
        ("kr-2024-national-assembly", "Asia/Seoul", "Seoul", "en", "Sat 10 Feb 2024, 24:00 (Seoul)"),
        ("kr-2024-national-assembly", "Pacific/Auckland", "Auckland", "en", "Sun 11 Feb 2024, 04:00 (Auckland)"),
        # The 23rd: E-60 of 12 Apr 2028 is Sat 12 Feb 2028.
        ("kr-2028-national-assembly", "America/Los_Angeles", "Los Angeles", "en", "Sat 12 Feb 2028, 07:00 (Los Angeles)"),
        ("kr-2028-national-assembly", "America/Los_Angeles", "로스앤젤레스", "ko", "2028년 2월 12일 (토) 07:00 (로스앤젤레스)"),
    ],
)  # fmt: skip
def test_the_overseas_reporting_close_for_you(
    book: RuleBook, election: str, zone: str, place: str, lang: str, close: str
) -> None:
    shown = when(record(book, election, "overseas-absentee-report"), zone, place, lang)
    assert shown.yours[0][1] == close
    assert shown.yours[0][0] == ("Closes for you" if lang == "en" else "마감 (내 시간)")
    assert shown.lead.endswith(close)
    # The official period beside it, counted in Korean Standard Time.
    assert shown.official is not None and shown.official.endswith("24:00 KST")


def test_the_official_period_and_deadline_in_kst(book: RuleBook) -> None:
    # NEC: reports accepted 12 Nov 2023 - 10 Feb 2024; registration until 10 Feb 2024.
    report = when(record(book, "kr-2024-national-assembly", "overseas-absentee-report"), None, "", "en")
    assert report.official == "Sun 12 Nov 2023, 00:00 – Sat 10 Feb 2024, 24:00 KST"
    assert report.yours == ()  # no zone known: nothing claims to be "for you"
    assert report.lead == "Closes: Sat 10 Feb 2024, 24:00 KST"
    registration = when(
        record(book, "kr-2024-national-assembly", "overseas-voter-registration"), None, "", "ko"
    )
    assert registration.official == "2024년 2월 10일 (토) 24:00 KST까지"


def test_election_day_shows_its_whole_span(book: RuleBook) -> None:
    # Polls 06:00-18:00 KST on Wed 10 Apr 2024 = 14:00 PDT on the 9th to 02:00 PDT on the 10th.
    day = record(book, "kr-2024-national-assembly", "election-day")
    shown = when(day, "America/Los_Angeles", "Los Angeles", "en")
    assert shown.yours == (("Your time", "Tue 9 Apr 2024, 14:00 – Wed 10 Apr 2024, 02:00 (Los Angeles)"),)
    assert shown.official == "Wed 10 Apr 2024, 06:00–18:00 KST"
    assert when(day, "Asia/Seoul", "서울", "ko").yours[0][1] == "2024년 4월 10일 (수) 06:00–18:00 (서울)"


def test_a_day_without_hours_stays_a_date(book: RuleBook) -> None:
    # NEC: the overseas voter list of the 22nd election was confirmed on Mon 11 Mar 2024 (E-30).
    confirmed = record(book, "kr-2024-national-assembly", "overseas-voter-list-confirmed")
    shown = when(confirmed, "America/Los_Angeles", "Los Angeles", "en")
    assert shown.yours == (("Day", "Mon 11 Mar 2024"),) and shown.official is None
    assert "PDT" not in shown.lead and ":" not in shown.yours[0][1]
    assert when(confirmed, None, "", "ko").lead == "날짜: 2024년 3월 11일 (월)"


def test_hours_at_each_mission_are_not_converted(book: RuleBook) -> None:
    # NEC: overseas voting for the 22nd election ran 27 Mar - 1 Apr 2024, 08:00-17:00 at each
    # mission's own clock.
    voting = record(book, "kr-2024-national-assembly", "overseas-voting")
    en = when(voting, "America/Los_Angeles", "Los Angeles", "en")
    assert en.yours == (("When", "Wed 27 Mar 2024 – Mon 1 Apr 2024, 08:00–17:00 local time at each mission"),)
    assert en.official is None and "Los Angeles" not in en.lead and "PDT" not in en.lead
    ko = when(voting, "Asia/Tokyo", "도쿄", "ko")
    assert ko.yours[0][1] == "2024년 3월 27일 (수) – 2024년 4월 1일 (월), 각 공관 현지시간 08:00–17:00"


def test_a_period_with_hours_converts_both_ends(book: RuleBook) -> None:
    # Candidate registration of the 22nd election: 21-22 Mar 2024, 09:00-18:00 KST.
    registration = record(book, "kr-2024-national-assembly", "candidate-registration")
    shown = when(registration, "Europe/London", "London", "en")
    assert shown.yours == (
        ("Closes for you", "Fri 22 Mar 2024, 09:00 (London)"),
        ("Opens for you", "Thu 21 Mar 2024, 00:00 (London)"),
    )
    assert shown.official == "Thu 21 Mar 2024, 09:00 – Fri 22 Mar 2024, 18:00 KST"
