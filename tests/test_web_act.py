"""How to act and what changed, through the ASGI app on a pinned clock: the election page links
to where a voter acts; after a console override with a reason, the page, the feed and
/elections/{id}/changes say what changed, when and why, in English and Korean."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from icalendar import Calendar

from tests.web_helpers import ELECTION_2028, Site, make_settings, running_site

# 2027-12-01 11:00 in Seoul: the change is dated 2027-12-01 there.
NOW = datetime(2027, 12, 1, 2, 0, tzinfo=UTC)
PAGE = f"/elections/{ELECTION_2028}"
REASON = "NEC notice of 30 Nov 2027: reports accepted until 15 Feb"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    tmp: Path = tmp_path_factory.mktemp("act")
    settings = make_settings(f"sqlite:///{tmp / 'deadlines.db'}", tmp)
    with running_site(settings, clock=lambda: NOW) as s:
        yield s


def _item(html: str, slug: str) -> str:
    start = html.index(f'id="{slug}"')
    return html[start : html.index("</li>", start)]


def _event(site: Site, lang: str, uid: str) -> object:
    body = site.client.get(f"/calendars/{ELECTION_2028}.overseas.{lang}.ics").content
    events = {str(e["uid"]).split("@")[0]: e for e in Calendar.from_ical(body).walk("VEVENT")}
    return events[uid]


def test_election_page_links_to_where_a_voter_acts(site: Site) -> None:
    en = _item(site.client.get(PAGE, params={"lang": "en"}).text, "overseas-absentee-report")
    assert "<strong>How to act:</strong> Report online at" in en
    assert '<a href="https://ok.nec.go.kr" rel="noopener">ok.nec.go.kr</a>' in en
    assert "or hand it in there" in en
    ko = _item(site.client.get(PAGE, params={"lang": "ko"}).text, "overseas-absentee-report")
    assert "<strong>방법:</strong>" in ko and '<a href="https://ok.nec.go.kr"' in ko
    assert "에서 인터넷으로 신고하거나" in ko
    # Early voting sends voters in Korea to the NEC's site, and the registration reads for voters.
    page = site.client.get(PAGE, params={"lang": "en"}).text
    assert '<a href="https://www.nec.go.kr" rel="noopener">www.nec.go.kr</a>' in _item(page, "early-voting")
    registration = _item(page, "overseas-voter-registration")
    assert "can register to vote from 14 Nov 2027 until 12 Feb 2028" in registration
    assert "E-150" not in registration
    # The API carries them too.
    api = site.client.get(f"/api/elections/{ELECTION_2028}/deadlines").json()
    report = next(d for d in api["deadlines"] if d["id"] == "overseas-absentee-report")
    assert report["action_url"] == "https://ok.nec.go.kr" and "{link}" in report["how"]["en"]
    # Nothing has changed yet.
    assert 'class="changed"' not in page
    assert "No deadline of this election has changed" in site.client.get(f"{PAGE}/changes").text


def test_an_override_with_a_reason_shows_on_the_page_the_feed_and_the_changes_page(site: Site) -> None:
    site.login("editor")
    site.publish_override(ELECTION_2028, "overseas-absentee-report", "2028-02-15", REASON)

    en = _item(site.client.get(PAGE, params={"lang": "en"}).text, "overseas-absentee-report")
    assert "<strong>Changed 2027-12-01: was 2028-02-12</strong>" in en
    assert f"Why: {REASON}" in en
    assert f'href="{PAGE}/changes#overseas-absentee-report"' in en
    # The how-to text follows the new date it mentions nowhere, but the registration that
    # counts from the report's opening is unchanged: only the moved deadline says it moved.
    assert 'class="changed"' not in _item(
        site.client.get(PAGE, params={"lang": "en"}).text, "overseas-voter-registration"
    )
    ko = _item(site.client.get(PAGE, params={"lang": "ko"}).text, "overseas-absentee-report")
    assert "<strong>2027-12-01 변경: 변경 전 2028-02-12</strong>" in ko
    # The reason staff wrote in English is marked so on the Korean page.
    assert f'사유: <span lang="en">{REASON}</span>' in ko

    for lang, changed in (
        ("en", "Changed 2027-12-01: was 2028-02-12. Why: "),
        ("ko", "2027-12-01 변경: 변경 전 2028-02-12. 사유: "),
    ):
        event = _event(site, lang, f"overseas-absentee-report.closes.{ELECTION_2028}")
        description = str(event["description"])  # type: ignore[index]
        assert changed + REASON in description
        assert str(event["url"]) == "https://ok.nec.go.kr"  # type: ignore[index]
        assert event.decoded("dtstart").date().isoformat() == "2028-02-15"  # type: ignore[attr-defined]

    changes = site.client.get(f"{PAGE}/changes", params={"lang": "en"})
    assert changes.status_code == 200
    entry = changes.text[changes.text.index('id="overseas-absentee-report"') :]
    assert "Residents abroad report absence to vote overseas" in entry
    assert "Changed 2027-12-01: was 2028-02-12" in entry and REASON in entry
    assert re.search(r"<dt>Now</dt><dd>2027-11-14 \.\. 2028-02-15</dd>", entry)
    ko_changes = site.client.get(f"{PAGE}/changes", params={"lang": "ko"}).text
    assert (
        "일정 변경 내역" in ko_changes and "국외부재자 신고" in ko_changes and "2027-12-01 변경" in ko_changes
    )
    assert f'<dd lang="en">{REASON}</dd>' in ko_changes
    # The election page links to the list.
    assert f'href="{PAGE}/changes"' in site.client.get(PAGE).text


def test_changes_page_of_an_unknown_election_is_404(site: Site) -> None:
    assert site.client.get("/elections/no-such-election/changes").status_code == 404
