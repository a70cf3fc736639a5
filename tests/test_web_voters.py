"""Voters first, through the ASGI app on a pinned clock: times in the visitor's zone without
typing (the zone cookie, the city picker, bad cookies ignored) and who they are ordering the home
page, the election page and the sign-up."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import Session, select

from deadlines.db.models import Subscriber
from tests.web_helpers import ELECTION_2028, Site, make_settings, running_site

# A year before the 23rd election's overseas reporting closes: every 2028 deadline is ahead.
NOW = datetime(2027, 6, 1, 9, 0, tzinfo=UTC)
PAGE = f"/elections/{ELECTION_2028}"
KO = {"accept-language": "ko-KR,ko;q=0.9"}
EN = {"accept-language": "en-US,en;q=0.9"}


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """One site for the module (its page cache included: tests also show it keys on the choices)."""
    tmp = tmp_path_factory.mktemp("voters")
    with running_site(make_settings(f"sqlite:///{tmp / 'site.db'}", tmp), clock=lambda: NOW) as s:
        yield s


@pytest.fixture
def site(shared: Site) -> Site:
    shared.client.cookies.clear()
    return shared


def item(page: str, record_id: str) -> str:
    rest = page[page.index(f'id="{record_id}"') :]
    return rest[: rest.index("</li>")]


def card(page: str, election: str) -> str:
    rest = page[page.index(f'<h2><a href="/elections/{election}">') :]
    return rest[: rest.index("</li>\n")]


def test_a_korean_visitor_in_los_angeles_sees_the_reporting_close_in_their_time(site: Site) -> None:
    # What the page's script leaves after the first load: the browser's zone in the cookie.
    site.client.cookies.set("tz", "America/Los_Angeles")
    page = site.client.get(PAGE, headers=KO).text
    report = item(page, "overseas-absentee-report")
    # E-60 of 12 Apr 2028 is Sat 12 Feb 2028; the period closes at its end in KST (24:00 KST =
    # 15:00 UTC = 07:00 PST the same day).
    assert "<dt>마감 (내 시간)</dt><dd>2028년 2월 12일 (토) 07:00 (로스앤젤레스)</dd>" in report
    assert "<dt>공식 시각</dt><dd>2027년 11월 14일 (일) 00:00 – 2028년 2월 12일 (토) 24:00 KST</dd>" in report
    assert "내 시간은 로스앤젤레스 기준으로 표시합니다." in page
    # Polling day in both zones; a day without hours stays a date; mission hours stay local.
    day = item(page, "election-day")
    assert "2028년 4월 11일 (화) 14:00 – 2028년 4월 12일 (수) 02:00 (로스앤젤레스)" in day
    assert "2028년 4월 12일 (수) 06:00–18:00 KST" in day
    assert "<dt>날짜</dt><dd>2028년 3월 13일 (월)</dd>" in item(page, "overseas-voter-list-confirmed")
    assert "PDT" not in item(page, "overseas-voter-list-confirmed")
    voting = item(page, "overseas-voting")
    assert "각 공관 현지시간 08:00–17:00" in voting and "로스앤젤레스" not in voting


def test_the_home_page_leads_with_the_close_for_you(site: Site) -> None:
    site.client.cookies.set("tz", "America/Los_Angeles")
    home = card(site.client.get("/", headers=EN).text, ELECTION_2028)
    assert "Closes for you: Sat 12 Feb 2028, 07:00 (Los Angeles)" in home


@pytest.mark.parametrize(
    "cookie",
    [
        "tz=Mars/Olympus",
        "tz=Canada",  # a folder of the zone database, not a zone
        "tz=../../etc/passwd",
        "tz=" + "A" * 300,
        'tz="unterminated',
        "tz=Asia/Seoul%00; who=root",
        "who=all; tz=",
        "tz=Europe/; who=<script>",
    ],
)
def test_bad_cookie_values_are_ignored(site: Site, cookie: str) -> None:
    for path in ("/", PAGE, "/subscribe"):
        response = site.client.get(path, headers={**EN, "cookie": cookie})
        assert response.status_code == 200, (path, cookie)
        assert (
            "Times are shown in Korea&#39;s official time" in response.text
            or "official time" in response.text
        )
        assert "Closes for you" not in response.text
    page = site.client.get(PAGE, headers={**EN, "cookie": cookie}).text
    assert "until Sat 12 Feb 2028, 24:00 KST" in item(page, "overseas-voter-registration")


def test_the_city_picker_works_without_scripts(site: Site) -> None:
    page = site.client.get(PAGE, headers=KO).text
    form = page[
        page.index('<form class="zone-pick"') : page.index("</form>", page.index('<form class="zone-pick"'))
    ]
    assert 'method="get" action="/zone"' in form and f'name="next" value="{PAGE}"' in form
    assert '<option value="로스앤젤레스 (미국)">' in form and 'list="zone-names"' in form
    # What the form sends: a name from the list, in Korean.
    chosen = site.client.get(
        "/zone", params={"zone": "로스앤젤레스 (미국)", "next": PAGE}, follow_redirects=False
    )
    assert chosen.status_code == 303 and chosen.headers["location"] == PAGE
    assert site.client.cookies.get("tz") in ("America/Los_Angeles", '"America/Los_Angeles"')
    after = site.client.get(PAGE, headers=KO).text
    assert "2028년 2월 12일 (토) 07:00 (로스앤젤레스)" in item(after, "overseas-absentee-report")
    # An English city name works the same, and so does the old ?tz= with a name or a key.
    site.client.get("/zone", params={"zone": "tokyo", "next": "/"})
    assert "Closes for you: Sat 12 Feb 2028, 24:00 (Tokyo)" in site.client.get(PAGE, headers=EN).text
    by_name = site.client.get(PAGE, params={"tz": "Vancouver"}, headers=EN).text
    assert "Sat 12 Feb 2028, 07:00 (Vancouver)" in item(by_name, "overseas-absentee-report")


def test_the_picker_offers_a_countrys_zones_and_names_what_it_does_not_know(site: Site) -> None:
    several = site.client.get("/zone", params={"zone": "Canada", "next": PAGE}, headers=EN)
    assert several.status_code == 200 and "has several time zones" in several.text
    assert f'href="/zone?zone=America/Toronto&amp;next={PAGE}"' in several.text
    assert 'href="/zone?zone=America/Vancouver&amp;next=' in several.text
    unknown = site.client.get("/zone", params={"zone": "Atlantis", "next": PAGE}, headers=KO)
    assert unknown.status_code == 400 and "‘Atlantis’(이)라는 곳을 찾지 못했습니다" in unknown.text
    assert "tz" not in site.client.cookies
    empty = site.client.get("/zone", headers=EN)
    assert empty.status_code == 200 and 'name="zone"' in empty.text
    for hostile in ("x" * 5000, "<script>alert(1)</script>", "%00", "../../etc/passwd"):
        response = site.client.get("/zone", params={"zone": hostile, "next": PAGE})
        assert response.status_code in (200, 400) and "<script>alert" not in response.text


@pytest.mark.parametrize(
    "target", ["//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:1"]
)
def test_choices_never_send_the_visitor_elsewhere(site: Site, target: str) -> None:
    for path, params in (("/zone", {"zone": "Seoul"}), ("/audience", {"who": "overseas"})):
        response = site.client.get(path, params={**params, "next": target}, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/"


def test_a_zone_picked_by_hand_is_marked_so_the_script_keeps_it(site: Site) -> None:
    site.client.cookies.set("tzauto", "Asia/Seoul")
    response = site.client.get("/zone", params={"zone": "Berlin", "next": "/"}, follow_redirects=False)
    cookies = response.headers.get_list("set-cookie")
    assert any(c.startswith("tzauto=") and "Max-Age=0" in c for c in cookies)
    assert any(c.startswith("tz=") and "Europe/Berlin" in c for c in cookies)
    script = (Path(__file__).parent.parent / "deadlines" / "web" / "static" / "zone.js").read_text()
    # The script replaces only a zone it set itself, and reloads at most once per zone per tab.
    assert (
        'current !== cookie("tzauto")' in script
        and 'sessionStorage.getItem("tz-reloaded") === zone' in script
    )


def _next_titles(page: str) -> list[str]:
    return re.findall(r"<li>([^<:]+):", card(page, ELECTION_2028))


def test_a_voter_never_sees_candidate_deadlines_first_on_the_home_page(site: Site) -> None:
    voter = _next_titles(site.client.get("/", headers=EN).text)
    # Without the filter the candidates' resignation deadline (14 Dec 2027) would close first.
    assert voter[0] == "Residents abroad report absence to vote overseas"
    assert not any("resign" in t.lower() or "andidate" in t for t in voter)
    site.client.get("/audience", params={"who": "candidates", "next": "/"})
    candidate = _next_titles(site.client.get("/", headers=EN).text)
    assert candidate[0] == "Heads of local government resign to run in an overlapping constituency"
    assert "Residents abroad report absence to vote overseas" not in candidate
    # The page cache keeps the two apart: a visitor without the choice still gets the voter's.
    site.client.cookies.clear()
    assert _next_titles(site.client.get("/", headers=EN).text) == voter


def test_the_election_page_puts_the_visitors_deadlines_and_the_sign_up_first(site: Site) -> None:
    page = site.client.get(PAGE, headers=EN).text
    yours, others = page.index("<h2>Your deadlines</h2>"), page.index("<h2>Other deadlines</h2>")
    assert (
        yours
        < page.index('id="overseas-absentee-report"')
        < others
        < page.index('id="resignation-local-heads"')
    )
    # A voter (or anyone who has not said) has the sign-up form before the timeline.
    assert page.index('id="signup"') < yours
    soon = page[page.index('id="next-for-you"') : page.index('id="signup"')]
    # Soonest close first: reporting and registration (12 Feb 2028), not the commissions' period.
    assert re.findall(r'<a href="#([\w-]+)">', soon) == [
        "overseas-absentee-report",
        "overseas-voter-registration",
        "overseas-voter-list",  # compiled by 3 Mar 2028 (E-40)
    ]
    # The others are folded away under their heading.
    assert '<details class="others"><summary><h2>Other deadlines</h2></summary>' in page

    site.client.get("/audience", params={"who": "candidates", "next": PAGE})
    candidate = site.client.get(PAGE, headers=EN).text
    assert 'aria-current="true">I am a candidate</a>' in candidate
    order = [
        candidate.index(f'id="{r}"')
        for r in ("preliminary-candidate-registration", "overseas-absentee-report")
    ]
    assert order == sorted(order)
    assert candidate.index("<h2>Other deadlines</h2>") < candidate.index('id="signup"')

    site.client.get("/audience", params={"who": "overseas", "next": PAGE})
    abroad = site.client.get(PAGE, headers=KO).text
    assert abroad.index('id="signup"') < abroad.index("<h2>나의 일정</h2>")
    form = abroad[abroad.index('id="signup"') :]
    assert 'name="audiences" value="overseas" checked' in form
    # Forgetting the choice (any other value) brings back the voter's page.
    site.client.get("/audience", params={"who": "nobody", "next": PAGE})
    assert "who" not in site.client.cookies


def test_the_sign_up_is_ordered_and_accepts_a_city_name(site: Site) -> None:
    site.client.get("/audience", params={"who": "media", "next": "/subscribe"})
    form = site.client.get("/subscribe", headers=EN).text
    boxes = re.findall(r'name="audiences" value="(\w+)"', form)
    assert boxes[0] == "media" and 'value="media" checked' in form
    answer = site.post(
        "/subscribe",
        {
            "email": "voter.la@example.org",
            "language": "ko",
            "timezone": "로스앤젤레스",
            "elections": [ELECTION_2028],
        },
    )
    assert answer.status_code == 200, answer.text
    with Session(site.engine) as session:
        subscriber = session.exec(select(Subscriber).where(Subscriber.email == "voter.la@example.org")).one()
        assert subscriber.timezone == "America/Los_Angeles"
