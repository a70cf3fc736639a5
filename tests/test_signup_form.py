"""The sign-up form's defaults and errors through the app, on a pinned clock (2026-11-30): the
elections ticked before choosing, every error at once and tied to its field, in Korean on a
Korean page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from tests.lang_check import foreign_runs
from tests.web_helpers import ELECTION_2028, Site, make_settings, running_site

NOW = datetime(2026, 11, 30, 3, tzinfo=UTC)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    tmp = tmp_path_factory.mktemp("signup")
    with running_site(make_settings(f"sqlite:///{tmp / 'site.db'}", tmp), clock=lambda: NOW) as s:
        yield s


def _ticked(html: str) -> list[str]:
    return re.findall(r'name="elections" value="([^"]+)" checked', html)


def test_elections_with_a_deadline_for_voters_abroad_ahead_are_ticked(site: Site) -> None:
    # On 2026-11-30 the 23rd National Assembly election (15 April 2028 by the term, Art. 34) and
    # the 22nd presidential election (by the term ending 3 June 2030) have overseas reporting
    # still ahead; the 2027 by-elections and the 2030 local elections have no overseas voting.
    page = site.client.get("/subscribe", headers={"accept-language": "en"}).text
    assert _ticked(page) == [ELECTION_2028, "kr-2030-presidential"]
    # From an election's own page only that election is ticked.
    assert _ticked(site.client.get("/subscribe?election=kr-2030-local").text) == ["kr-2030-local"]


def test_an_address_alone_signs_up_on_the_first_submit(site: Site) -> None:
    page = site.client.get("/subscribe").text
    data = {"email": "first.try@example.org", "timezone": "America/Los_Angeles", "elections": _ticked(page)}
    response = site.post("/subscribe", data)
    assert response.status_code == 200, response.text[-1500:]


def test_every_error_at_once_each_tied_to_its_field_in_korean(site: Site) -> None:
    response = site.post(
        "/subscribe",
        {"email": "voter@", "timezone": "Mars/Olympus", "language": "ko"},
        headers={"accept-language": "ko"},
    )
    html = response.text
    assert response.status_code == 400
    for field in ("email", "timezone", "elections"):
        assert f'id="{field}-error"' in html, field
    assert re.search(r'<input type="email" id="email"[^>]*aria-describedby="email-error"', html)
    assert re.search(r'<input type="text" id="timezone"[^>]*aria-describedby="[^"]*timezone-error', html)
    assert re.search(
        r'<fieldset id="elections" aria-describedby="elections-error" aria-invalid="true">', html
    )
    assert "올바른 메일 주소가 아닙니다" in html and "알 수 없는 시간대입니다: Mars/Olympus" in html
    assert "선거를 하나 이상 고르세요." in html
    # The summary at the top lists every error, each a link to its field.
    summary = html[html.index('role="alert"') : html.index("</div>", html.index('role="alert"'))]
    assert all(f'href="#{field}"' in summary for field in ("email", "timezone", "elections"))
    assert not foreign_runs(html), foreign_runs(html)


def test_english_errors_stay_english(site: Site) -> None:
    response = site.post("/subscribe", {"email": "", "timezone": "Mars/Olympus"})
    assert response.status_code == 400
    assert "enter an email address" in response.text
    assert "&#39;Mars/Olympus&#39; is not an IANA time zone" in response.text
    assert "choose at least one election" in response.text
