"""Extraction of the English and Korean date forms, with noise, wrong weekdays and statistics."""

from __future__ import annotations

from datetime import date, time

import pytest

from deadlines.errors import NoticeError
from deadlines.extract import ExtractedRecord, extract

D = date.fromisoformat


def records_of(text: str, published: str | None = None) -> list[ExtractedRecord]:
    notices = extract(text, published=D(published) if published else None)
    return [r for n in notices for r in n.records]


def shape(records: list[ExtractedRecord]) -> list[tuple[str, str | None, str | None]]:
    return [
        (r.kind, r.starts.isoformat() if r.starts else None, r.ends.isoformat() if r.ends else None)
        for r in records
    ]


KOREAN_FORMS = [
    (
        "재외선거 신고·신청 기간은 2023. 11. 12.(일) ~ 2024. 2. 10.(토)입니다.",
        None,
        [("period", "2023-11-12", "2024-02-10")],
    ),
    (
        "국외부재자 신고는 ′23. 11. 12.(일)부터 ′24. 2. 10.(토)까지 할 수 있습니다.",
        None,
        [("period", "2023-11-12", "2024-02-10")],
    ),
    (
        "재외선거인 등록신청은 2023년 11월 12일부터 2024년 2월 10일까지 접수합니다.",
        None,
        [("period", "2023-11-12", "2024-02-10")],
    ),
    (
        "귀국투표 신고는 선거일전 8일부터 선거일까지(2024. 4. 2. ~ 10.) 관할 선관위에 합니다.",
        None,
        [("period", "2024-04-02", "2024-04-10")],
    ),
    (
        "사전투표는 5월 10일(토) ~ 5월 11일(일) 이틀간 실시합니다.",
        "2025-04-20",
        [("period", "2025-05-10", "2025-05-11")],
    ),
    (
        "후보자등록 신청은 2024. 3. 21.(목)부터 3. 22.(금)까지 받습니다.",
        None,
        [("period", "2024-03-21", "2024-03-22")],
    ),
    ("선거인명부 열람은 2024년 3월 24일(일)까지입니다.", None, [("deadline", None, "2024-03-24")]),
    ("예비후보자 등록은 2023. 12. 12.(화)부터 시작됩니다.", None, [("start", "2023-12-12", None)]),
    (
        "제22대 국회의원선거는 2024년 4월 10일 수요일에 실시됩니다.",
        None,
        [("event", "2024-04-10", "2024-04-10")],
    ),
    (
        "재외투표는 2024-03-27부터 2024-04-01까지 각 공관에서 합니다.",
        None,
        [("period", "2024-03-27", "2024-04-01")],
    ),
]


@pytest.mark.parametrize(("text", "published", "expected"), KOREAN_FORMS)
def test_korean_forms(text: str, published: str | None, expected: list[tuple[str, str, str]]) -> None:
    found = records_of(text, published)
    assert shape(found) == expected
    assert not any("does not match" in w for r in found for w in r.warnings)


ENGLISH_FORMS = [
    ("Overseas voters must register by 10 February 2024.", None, [("deadline", None, "2024-02-10")]),
    ("Applications are accepted until Feb 10, 2024.", None, [("deadline", None, "2024-02-10")]),
    ("Forms must arrive no later than 10th February 2024.", None, [("deadline", None, "2024-02-10")]),
    ("Registration begins on 12 Nov, 2023 for all voters abroad.", None, [("start", "2023-11-12", None)]),
    ("The new rules take effect from Friday, 1 Dec.", "2023-11-13", [("start", "2023-12-01", None)]),
    (
        "Early voting runs from April 5, 2024 through April 6, 2024.",
        None,
        [("period", "2024-04-05", "2024-04-06")],
    ),
    (
        "Voting will be held between 27 March and 1 April 2024 at missions.",
        None,
        [("period", "2024-03-27", "2024-04-01")],
    ),
    ("Voting takes place on Wednesday, April 10, 2024.", None, [("event", "2024-04-10", "2024-04-10")]),
    ("Polls open on Wednesday, April 10, 2024.", None, [("start", "2024-04-10", None)]),
    ("The deadline is 2024-02-10.", None, [("deadline", None, "2024-02-10")]),
    ("Register from 12 Nov to 10 Feb, 2024.", None, [("period", "2023-11-12", "2024-02-10")]),
]


@pytest.mark.parametrize(("text", "published", "expected"), ENGLISH_FORMS)
def test_english_forms(text: str, published: str | None, expected: list[tuple[str, str, str]]) -> None:
    assert shape(records_of(text, published)) == expected


def test_wrong_weekday_is_a_warning_not_a_silent_guess() -> None:
    [r] = records_of("Reporting closes on Friday, 10 Feb, 2024.")
    assert r.ends == date(2024, 2, 10)
    assert any("stated weekday Friday does not match 2024-02-10, a Saturday" in w for w in r.warnings)
    assert r.confidence < 0.7


def test_wrong_korean_weekday_is_a_warning() -> None:
    [r] = records_of("신고 마감은 2024. 2. 10.(금)까지입니다.")
    assert any("stated weekday Friday does not match 2024-02-10" in w for w in r.warnings)


def test_wrong_weekday_without_year_names_the_year_that_fits() -> None:
    # 1 Dec was a Friday in 2023, but the notice is dated in 2024 (1 Dec 2024 is a Sunday).
    [r] = records_of("The rule takes effect from Friday, 1 Dec.", "2024-11-20")
    assert r.starts == date(2024, 12, 1)
    assert any("2023-12-01 would be a Friday" in w for w in r.warnings)


def test_january_date_in_a_december_notice_is_next_year() -> None:
    [r] = records_of("Date : 12/13/2023\n\nApplications close on 5 Jan.")
    assert r.ends == date(2024, 1, 5)
    assert any("inferred as 2024" in w for w in r.warnings)


def test_statistic_date_is_not_a_deadline() -> None:
    text = "Turnout reached 62.8% as of 7pm on February 17, 2024. Overseas reporting closes on 10 Feb, 2024."
    assert shape(records_of(text)) == [("deadline", None, "2024-02-10")]
    assert records_of("2024년 2월 17일 기준 신고자는 15만 명입니다.") == []


def test_page_with_no_dates() -> None:
    [notice] = extract("The Commission thanks all voters for their participation.\nSee you next time.")
    assert notice.records == () and notice.warnings == ()


def test_year_less_date_without_any_reference_is_reported_not_guessed() -> None:
    [notice] = extract("Registration closes on 10 Feb.")
    assert notice.records == ()
    assert any("no year for '10 Feb'" in w and "--published" in w for w in notice.warnings)


def test_invalid_date_is_reported() -> None:
    [notice] = extract("Applications close on 31 Nov, 2023.")
    assert notice.records == ()
    assert any("not a valid date" in w for w in notice.warnings)


def test_times_and_zones() -> None:
    [r] = records_of("Applications are accepted from 9 am to 6 pm (Seoul time) until 10 Feb, 2024.")
    assert (r.time_starts, r.time_ends, r.timezone) == (time(9), time(18), "Asia/Seoul")
    [r] = records_of("Reports must reach the mission by 10 Feb, 2024, 18:00 local time.")
    assert (r.kind, r.time_ends, r.timezone) == ("deadline", time(18), "local")
    [r] = records_of("사전투표는 2024. 4. 5.(금) ~ 4. 6.(토) 오전 6시부터 오후 6시까지입니다.")
    assert (r.time_starts, r.time_ends) == (time(6), time(18))
    [r] = records_of("Polls close at midnight KST on 10 Apr, 2024.")
    assert r.timezone == "Asia/Seoul" and r.time_starts is None and r.time_ends is None


def test_past_events_are_kept_apart() -> None:
    text = "Date :12/13/2023\n\nThe briefing was held on 1 Dec, 2023. Registration opens on 20 Dec, 2023."
    found = records_of(text)
    assert [(r.kind, r.past) for r in found] == [("event", True), ("start", False)]


def test_korean_past_event_on_publication_day() -> None:
    text = "등록일 2024.03.21\n\n중앙선관위는 3월 21일(목) 전국 선관위원장 회의를 개최했다."
    [r] = records_of(text)
    assert r.past and r.starts == date(2024, 3, 21)


def test_noise_numbers_are_not_dates() -> None:
    text = (
        "The 22nd National Assembly has 300 seats; 66.2% voted in 2020. Call 1390 between "
        "9 and 6. Article 218-4(1) applies. 12/13 districts reported."
    )
    assert records_of(text, "2024-01-01") == []


def test_empty_and_binary_input_are_typed_errors() -> None:
    with pytest.raises(NoticeError, match="empty"):
        extract("   \n  ")
    with pytest.raises(NoticeError, match="binary"):
        extract("\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0e\x0f abc")


def test_korean_html_notice_uses_structure_and_ignores_scripts() -> None:
    html = """<html><head><meta name="date" content="2024-03-15"><title>중앙선거관리위원회</title>
    <script>var d = "2020. 1. 1.(수) ~ 2020. 1. 2.(목)";</script></head>
    <body><nav>선거일정 2019. 5. 5.(일)</nav>
    <h1>사전투표 안내</h1>
    <p>사전투표는 4월 5일(금)부터 4월 6일(토)까지 오전 6시부터 오후 6시까지 실시합니다.</p>
    </body></html>"""
    [notice] = extract(html)
    assert notice.headline == "사전투표 안내"
    assert notice.published == date(2024, 3, 15)
    assert shape(list(notice.records)) == [("period", "2024-04-05", "2024-04-06")]


def test_range_that_ends_before_it_starts_is_flagged() -> None:
    [r] = records_of("Reporting runs from 10 Feb, 2024 to 12 Nov, 2023.")
    assert r.kind == "period" and any("ends 2023-11-12 before it starts 2024-02-10" in w for w in r.warnings)
    assert r.confidence < 0.6


def test_before_is_a_deadline_with_a_caveat() -> None:
    [r] = records_of("Send the form before 10 Feb, 2024.")
    assert r.kind == "deadline" and any("'before'" in w for w in r.warnings)


def test_single_time_goes_to_the_right_end() -> None:
    [r] = records_of("Applications close by 10 Feb, 2024 at 6 pm.")
    assert (r.time_starts, r.time_ends) == (None, time(18))
    [r] = records_of("Registration opens at 9 am on 12 Nov, 2023.")
    assert (r.kind, r.time_starts, r.time_ends) == ("start", time(9), None)
    [r] = records_of("Voting runs from 27 Mar, 2024 09:00 to 1 Apr, 2024.")
    assert r.time_starts == time(9) and r.time_ends is None


def test_noon_and_korean_hours() -> None:
    [r] = records_of("Applications close by noon on 10 Feb, 2024.")
    assert r.time_ends == time(12)
    [r] = records_of("신청은 2024. 2. 10.(토) 18시까지입니다.")
    assert r.time_ends == time(18)


def test_item_pages_in_korean_and_month_first() -> None:
    text = (
        "등록일 2024-03-25\n\n3월 21일: 후보자 등록 마감\n\n후보자 등록은 3월 22일(금)까지였다.\n\n"
        "Mar 24: Campaign\n\nThe campaign runs from 28 Mar to 9 Apr."
    )
    notices = extract(text)
    assert [n.published for n in notices] == [date(2024, 3, 21), date(2024, 3, 24)]
    assert shape(list(notices[1].records)) == [("period", "2024-03-28", "2024-04-09")]


def test_item_dated_after_the_page_belongs_to_the_year_before() -> None:
    notices = extract("Date : 01/05/2024\n\n28 Dec: Year-end notice\n\nOffices close on 31 Dec.")
    assert notices[0].published == date(2023, 12, 28)
    assert notices[0].records[0].ends == date(2023, 12, 31)


def test_bad_page_dates_are_ignored() -> None:
    [n] = extract("Date : 13/45/2023\n\nPosted 2023-02-30\n\nApplications close on 10 Feb, 2024.")
    assert n.published is None and n.records[0].ends == date(2024, 2, 10)
    [n] = extract(
        '<html><head><meta name="date" content="soon"></head><body><p>Closes on 10 Feb, 2024.</p></body></html>'
    )
    assert n.published is None


def test_headline_date_not_repeated_in_body_is_kept() -> None:
    [n] = extract(
        "Date :11/01/2023\n\n1 Nov: Registration closes on 10 Feb, 2024\n\nSee the site for details."
    )
    assert shape(list(n.records)) == [("deadline", None, "2024-02-10")]


def test_korean_continuation_into_next_year() -> None:
    [r] = records_of("기간: 2023. 12. 28. ~ 1. 3.")
    assert (r.starts, r.ends) == (date(2023, 12, 28), date(2024, 1, 3))


def test_korean_press_release_fixture() -> None:
    from tests.conftest import FIXTURES

    text = (FIXTURES / "notices" / "nec-ko-2023-11-09.txt").read_text(encoding="utf-8")
    [notice] = extract(text)
    assert notice.published == date(2023, 11, 9)
    found = [(r.kind, r.starts, r.ends, r.past) for r in notice.records]
    # The headline's "11월 12일부터 시작" repeats the body's period, so it is not a record of its own.
    assert found == [
        ("event", date(2024, 4, 10), date(2024, 4, 10), False),
        ("period", date(2023, 11, 12), date(2024, 2, 10), False),
        ("period", date(2023, 11, 12), date(2024, 2, 10), False),
        ("period", date(2024, 3, 27), date(2024, 4, 1), False),
        ("event", date(2023, 11, 3), date(2023, 11, 3), True),
    ]
    voting = notice.records[3]
    assert (voting.time_starts, voting.time_ends, voting.timezone) == (time(8), time(17), "local")
    assert all("overseas" in r.audiences for r in notice.records[1:4])
