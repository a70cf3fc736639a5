"""The forms of language real notices use (issue 11), each as a family: publication dates, ranges
and pairs, Korean relative days, kinds, and what is not a deadline."""

from __future__ import annotations

from datetime import date, time

import pytest

from deadlines.extract import ExtractedRecord, extract
from deadlines.extract.ranges import find_expressions
from deadlines.extract.resolve import closest_year, find_stamps, parse_meta_date, publication

D = date.fromisoformat


def records_of(text: str, published: str | None = None) -> list[ExtractedRecord]:
    notices = extract(text, published=D(published) if published else None)
    return [r for n in notices for r in n.records]


def shape(records: list[ExtractedRecord]) -> list[tuple[str, str | None, str | None]]:
    return [
        (r.kind, r.starts.isoformat() if r.starts else None, r.ends.isoformat() if r.ends else None)
        for r in records
        if not r.past
    ]


# (page header, publication date it gives)
PUBLICATION_FORMS = [
    ("Date :Mar/02/2019", "2019-03-02"),
    ("Date :12/13/2023Read : 135", "2023-12-13"),  # the NEC English news page header
    ("Write: 2021-05-03 09:12:40", "2021-05-03"),
    ("Posted: 14 June 2018", "2018-06-14"),
    ("first published March 3, 2024", "2024-03-03"),
    ("2019.08.21 10:15", "2019-08-21"),
    ("Ottawa, October 2, 2019 - Elections Canada announced", "2019-10-02"),
    ("PHOENIX (Sept. 25, 2024) - Early voting begins", "2024-09-25"),
    ("보도일시 2023. 11. 9.(목)", "2023-11-09"),
    ("[연합] 입력 2024.03.26 14:02", "2024-03-26"),
    ("Date: 14/07/2023", "2023-07-14"),  # a British day-first page date
    ("Media release - 10 April 2022", "2022-04-10"),
    ("Dated: Tuesday 26 March 2024", "2024-03-26"),
]


@pytest.mark.parametrize(("header", "expected"), PUBLICATION_FORMS)
def test_publication_dates_are_read_and_are_never_records(header: str, expected: str) -> None:
    [notice] = extract(f"{header}\n\nApplications close on 30 Nov.")
    assert notice.published == D(expected)
    assert [r.quote for r in notice.records] == ["Applications close on 30 Nov."]


def test_publication_line_is_preferred_to_an_update_line_with_a_warning() -> None:
    [notice] = extract("Updated: 14 June 2018\nPublished: 20 April 2018\n\nThe count begins on 3 May.")
    assert notice.published == D("2018-04-20")
    assert any("taken from a publication line" in w and "2018-06-14" in w for w in notice.warnings)
    assert shape(list(notice.records)) == [("start", "2018-05-03", None)]


def test_html_time_and_meta_dates() -> None:
    html = (
        '<html><head><meta property="article:published_time" content="2024-10-01T10:00:00-04:00"></head>'
        "<body><h1>Register</h1><p>Register by Oct. 7.</p></body></html>"
    )
    [notice] = extract(html)
    assert notice.published == D("2024-10-01")
    timed = '<html><body><p><time datetime="2024-09-30">Sept 30</time></p><p>Register by Oct. 7.</p></body></html>'
    [notice] = extract(timed)
    assert notice.published == D("2024-09-30")
    assert parse_meta_date("2024-02-30") is None and parse_meta_date(None) is None


def test_publication_falls_back_to_the_given_date() -> None:
    assert publication([], [], D("2024-01-01")).day == D("2024-01-01")
    assert find_stamps("Date : 13/45/2023") == []


ENGLISH_RANGES = [
    # Short second ends and pairs
    ("Candidate filing is open November 12 to 30, 2027.", [("period", "2027-11-12", "2027-11-30")]),
    ("The consultation runs from 24 to 27 February 2024.", [("period", "2024-02-24", "2024-02-27")]),
    ("Early voting is on April 5 and 6, 2024.", [("period", "2024-04-05", "2024-04-06")]),
    ("Decisions follow on 5 and 6 April 2024.", [("period", "2024-04-05", "2024-04-06")]),
    (
        "Hearings run between December 1 in 2021 and January 31 in 2022.",
        [("period", "2021-12-01", "2022-01-31")],
    ),
    # Every joiner and dash
    ("Drives run Sept 14th thru Sept 21th, 2024.", [("period", "2024-09-14", "2024-09-21")]),
    ("Mailing: March 11 – 15, 2024", [("period", "2024-03-11", "2024-03-15")]),
    ("Drop boxes: March 18—April 1, 2024", [("period", "2024-03-18", "2024-04-01")]),
    ("Canvass: April 3 - 8, 2024", [("period", "2024-04-03", "2024-04-08")]),
    ("Open Oct. 15 through Nov. 1, 2024.", [("period", "2024-10-15", "2024-11-01")]),
    # Ordinal words, lower-case months, suffix typos
    ("The canvass runs from May third to eighth, 2026.", [("period", "2026-05-03", "2026-05-08")]),
    ("Ballots postmarked by march 29th, 2026 count.", [("deadline", None, "2026-03-29")]),
    ("Requests are due Oct. 1th, 2024.", [("deadline", None, "2024-10-01")]),
    # Lists of days
    (
        "Sessions are held on 22, 24 and 26 April 2024.",
        [("event", d, d) for d in ("2024-04-22", "2024-04-24", "2024-04-26")],
    ),
    (
        "Advance polls are September 10, 11 and 12, 2021.",
        [("event", d, d) for d in ("2021-09-10", "2021-09-11", "2021-09-12")],
    ),
]


@pytest.mark.parametrize(("text", "expected"), ENGLISH_RANGES)
def test_english_ranges_pairs_and_lists(text: str, expected: list[tuple[str, str, str]]) -> None:
    assert shape(records_of(text, "2020-01-01")) == expected


# Real dates: the NEC schedule of the 22nd National Assembly election (election day 2024-04-10;
# candidate registration 2024-03-21/22, campaign 2024-03-28 to 04-09, early voting 04-05/06,
# home-voting reports 2024-03-19 to 03-23), published on nec.go.kr.
KOREAN_FORMS = [
    (
        "후보자등록 신청은 3월 21일부터 22일까지 받는다.",
        "2024-03-15",
        [("period", "2024-03-21", "2024-03-22")],
    ),
    ("사전투표는 4월 5일, 6일 양일간 실시한다.", "2024-04-01", [("period", "2024-04-05", "2024-04-06")]),
    (
        "선거운동은 3월 28일부터 선거일 전날인 4월 9일까지 할 수 있다.",
        "2024-03-25",
        [("period", "2024-03-28", "2024-04-09")],
    ),
    (
        "거소투표 신고는 오는 19일부터 23일까지 받는다.",
        "2024-03-07",
        [("period", "2024-03-19", "2024-03-23")],
    ),
    ("선거인명부는 내달 5일까지 확정된다.", "2024-03-07", [("deadline", None, "2024-04-05")]),
    ("사전투표는 모레(5일)부터 6일까지이다.", "2024-04-03", [("period", "2024-04-05", "2024-04-06")]),
    ("국외부재자 신고는 내년 2월 10일까지이다.", "2023-11-20", [("deadline", None, "2024-02-10")]),
    ("공모전 접수는 이달 말까지이다.", "2023-06-05", [("deadline", None, "2023-06-30")]),
    ("접수는 3월 말까지이다.", "2023-02-05", [("deadline", None, "2023-03-31")]),
    ("선거일(4. 10.) 투표는 오전 6시에 시작한다.", "2024-03-29", [("event", "2024-04-10", "2024-04-10")]),
    ("사전투표 기간: 2025. 5. 29. – 5. 30.", None, [("period", "2025-05-29", "2025-05-30")]),
    ("재외투표는 2024. 3. 27.(수) ～ 4. 1.(월) 실시한다.", None, [("period", "2024-03-27", "2024-04-01")]),
    ("선상투표는 2024. 4. 2. 〜 4. 5. 실시한다.", None, [("period", "2024-04-02", "2024-04-05")]),
    ("신고는 2024. 3. 19. ∼ 3. 23. 한다.", None, [("period", "2024-03-19", "2024-03-23")]),
    ("■ 기간 : 2023. 11. 12.(일) 2024. 2. 10.(토)", None, [("period", "2023-11-12", "2024-02-10")]),
    (
        "국외부재자 신고 : ~ 2025. 4. 24.(목)",  # 21st presidential election (2025-06-03), NEC schedule
        None,
        [("deadline", None, "2025-04-24")],
    ),
    ("선거일 전 6일(4. 4.)부터 공표할 수 없다.", "2024-03-29", [("start", "2024-04-04", None)]),
    ("우편 신고는 3월 23일 오후 6시까지 도착해야 한다.", "2024-03-15", [("deadline", None, "2024-03-23")]),
    (
        "투표는 6월 1일(수) 오전 6시부터 오후 7시까지 한다.",
        "2022-05-20",
        [("event", "2022-06-01", "2022-06-01")],
    ),
]


@pytest.mark.parametrize(("text", "published", "expected"), KOREAN_FORMS)
def test_korean_forms_and_relative_days(
    text: str, published: str | None, expected: list[tuple[str, str, str]]
) -> None:
    assert shape(records_of(text, published)) == expected


def test_weekday_alone_is_the_next_one_after_publication_with_a_warning() -> None:
    [r] = records_of("Postal vote applications close Wednesday at 5pm.", "2024-06-03")  # a Monday
    assert (r.kind, r.ends, r.time_ends) == ("deadline", D("2024-06-05"), time(17))
    assert any("next Wednesday after 2024-06-03" in w for w in r.warnings)


def test_day_after_tomorrow_that_disagrees_is_a_warning() -> None:
    [r] = records_of("사전투표는 모레(6일) 시작한다.", "2024-04-03")
    assert r.starts == D("2024-04-06") and any("2 days after" in w for w in r.warnings)


KINDS = [
    ("The deadline to register to vote in the Nov. 5 general election is Monday, Oct. 21.", "deadline"),
    ("The last day to apply for a postal vote is 17 April 2024.", "deadline"),
    ("Nominations closes on 5 April 2024.", "deadline"),
    ("Ballots must be received by 8 p.m. on Nov. 5, 2024.", "deadline"),
    ("Register by 11:59 p.m. on Monday 9 October 2023.", "deadline"),
    ("Forms are accepted no later than 10 February 2024.", "deadline"),
    ("신청은 2024. 2. 10.(토)까지입니다.", "deadline"),
    ("접수 마감은 2024년 2월 10일이다.", "deadline"),
    ("Registration begins on 12 Nov, 2023.", "start"),
    ("Early voting from 9 May 2022.", "start"),
    ("예비후보자 등록은 2023. 12. 12.(화)부터 한다.", "start"),
    ("Polling day is Thursday 2 May 2024.", "event"),
]


@pytest.mark.parametrize(("text", "kind"), KINDS)
def test_kinds_a_person_would_give(text: str, kind: str) -> None:
    # The last date of the sentence is the one the cue speaks of ("... Nov. 5 ... is Monday, Oct. 21").
    r = records_of(text, "2023-10-01")[-1]
    assert r.kind == kind


# UK timetable rows (Electoral Commission timetable of the 2 May 2024 elections in England).
TIMETABLE = """
Publication of notice of election                 Not later than Tuesday 26 March 2024
Delivery of nomination papers                     By 4pm on Friday 5 April 2024
Last day for postal vote applications             5pm - Wednesday 17 April 2024
First day of early voting                         Monday 22 April 2024
Polling day                                       Thursday 2 May 2024
"""


def test_timetable_rows_are_deadlines_with_their_times_and_titles() -> None:
    found = records_of(TIMETABLE, "2024-03-20")
    assert [(r.kind, r.title, r.time_ends) for r in found] == [
        ("deadline", "Publication of notice of election", None),
        ("deadline", "Delivery of nomination papers", time(16)),
        ("deadline", "Last day for postal vote applications", time(17)),
        ("start", "First day of early voting", None),
        ("event", "Polling day", None),
    ]


def test_html_table_rows_keep_label_and_date_together() -> None:
    html = (
        "<html><body><table><tr><td>Close of rolls</td><td>8pm, Monday 18 April 2022</td></tr>"
        "<tr><td>Polling day</td><td>Saturday 21 May 2022</td></tr></table></body></html>"
    )
    found = records_of(html)
    assert [(r.kind, r.title, r.ends) for r in found] == [
        ("deadline", "Close of rolls", D("2022-04-18")),
        ("event", "Polling day", D("2022-05-21")),
    ]


NOT_DEADLINES = [
    # Eligibility cut-offs: voting age 18 on 2024-04-10 (NEC), 2024-11-05 (US general election)
    "이번 선거에서는 2006. 4. 11. 이전 출생자까지 투표할 수 있다.",
    "이번 선거에서는 2004. 6. 2. 이전에 출생한 국민이 투표할 수 있다.",
    "People born on or before 3 May 2007 can vote.",
    "You must be at least 18 years old on or before November 5, 2024.",
    # Statistics
    "As of October 1, 2024, there were 8.2 million voters.",
    "2024년 2월 10일 기준 신고자는 14만 명이다.",
    "Special ballots received as of April 21 numbered 750,000.",
    # Numbers that look like dates
    "See https://www.example.gov/notices/2024/09/30/fees.pdf for fees.",
    "Order No. 2024-08-12 sets the fees.",
    "Call 555-2024-0930 for help.",
    "Write to help@vote2024-10-01.example.org today.",
    "중앙선거관리위원회 공고 제2024-31호",
]


@pytest.mark.parametrize("text", NOT_DEADLINES)
def test_what_is_not_a_deadline(text: str) -> None:
    assert shape(records_of(text, "2024-01-01")) == []


def test_two_digit_years_are_past_not_this_year() -> None:
    text = "Primary (Jun 4, '14) 19.8%\nPrimary (Mar 3, '20) 46.9%\n제19대 '12. 4. 11. 54.2%\n'98. 6. 4. 지방선거"
    found = records_of(text, "2024-02-15")
    assert [(r.starts, r.past) for r in found] == [
        (D("2014-06-04"), True),
        (D("2020-03-03"), True),
        (D("2012-04-11"), True),
        (D("1998-06-04"), True),
    ]


def test_headline_that_repeats_the_body_is_one_record() -> None:
    text = "보도일시 2024. 4. 3.(수)\n\n사전투표, 4월 5일과 6일 이틀간 실시\n\n사전투표는 4. 5.(금) ~ 4. 6.(토) 실시한다."
    assert shape(records_of(text)) == [("period", "2024-04-05", "2024-04-06")]


def test_second_date_shares_the_first_ones_verb() -> None:
    text = "Voting opens on Wednesday 27 September and in New Zealand on Monday 2 October."
    assert shape(records_of(text, "2023-09-26")) == [
        ("start", "2023-09-27", None),
        ("start", "2023-10-02", None),
    ]
    text = "Register by 10 Feb, 2024 and vote on 5 March 2024."
    assert shape(records_of(text)) == [
        ("deadline", None, "2024-02-10"),
        ("event", "2024-03-05", "2024-03-05"),
    ]


TITLES = [
    (
        "The deadline to apply for a postal vote is 5pm on Tuesday 18 April.",
        "Deadline to apply for a postal vote",
    ),
    ("Postal vote applications must be received by 18 April 2023.", "Postal vote applications"),
    ("국외부재자 신고는 2024. 2. 10.(토)까지 할 수 있다.", "국외부재자 신고"),
    ("Meanwhile, overseas voters must register by 10 Feb, 2024.", "Overseas voters"),
]


@pytest.mark.parametrize(("text", "expected"), TITLES)
def test_each_record_has_a_short_title(text: str, expected: str) -> None:
    [r] = records_of(text, "2023-04-01")
    assert r.title == expected
    assert r.to_json()["title"] == expected


def test_expressions_are_found_in_one_place() -> None:
    text = "From 12 Nov to 10 Feb, 2024; 오는 19일부터 23일까지; ends Thursday"
    found = find_expressions(text)
    assert [e.joiner for e in found] == ["range", "range", ""]
    assert found[2].first.weekday == 3 and found[2].first.relative == "forward"


def test_closest_year_of_29_february() -> None:
    assert closest_year(2, 29, D("2023-06-01")) == D("2024-02-29")


MORE_KINDS = [
    # A submission verb or "by <time>" earlier in the clause makes a later date its deadline.
    (
        "The Returning Officer must receive completed nomination forms by 4pm on the 19th day before"
        " polling day, Thursday 7 April 2022.",
        ("deadline", None, "2022-04-07"),
    ),
    # Hours of the day are not a start or an end.
    ("Polls are open 7am to 8pm on Nov. 5, 2024.", ("event", "2024-11-05", "2024-11-05")),
    ("Polling stations are open on 2 May 2024 from 7am to 10pm.", ("event", "2024-05-02", "2024-05-02")),
    # A date that names an election is the election's day, even beside the word "deadline".
    (
        "The deadline to register to vote in the Nov. 5, 2024 general election has passed.",
        ("event", "2024-11-05", "2024-11-05"),
    ),
]


@pytest.mark.parametrize(("text", "expected"), MORE_KINDS)
def test_kinds_from_the_clause(text: str, expected: tuple[str, str | None, str | None]) -> None:
    assert shape(records_of(text, "2022-01-01"))[0] == expected


def test_a_later_date_of_the_sentence_gives_the_year_when_the_notice_has_none() -> None:
    assert shape(records_of("Applications open on 1 July and close on 31 July 2024.")) == [
        ("start", "2024-07-01", None),
        ("deadline", None, "2024-07-31"),
    ]


def test_a_sentence_may_end_with_a_day_number() -> None:
    [first, second] = records_of("Apply by Tuesday, Oct. 29. Completed ballots are due Nov. 5.", "2024-10-01")
    assert first.quote == "Apply by Tuesday, Oct. 29." and second.quote.startswith("Completed")


def test_bracketed_date_restates_the_deadline_before_it() -> None:
    text = "Absentee ballots can be requested until seven days before the election (Oct. 29)."
    assert shape(records_of(text, "2024-10-01")) == [("deadline", None, "2024-10-29")]


def test_korean_prose_that_dates_the_notice() -> None:
    [notice] = extract(
        "본 공고는 2024년 3월 15일 게시되었다. 선거인명부 작성기간은 3월 19일부터 23일까지이다."
    )
    assert notice.published == D("2024-03-15")
    assert shape(list(notice.records)) == [("period", "2024-03-19", "2024-03-23")]
