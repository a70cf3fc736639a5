"""Korean everywhere on the public side, through the app: refusals (404, 403, 405), a link
that no longer works, the calendar list; English visitors keep English, the API keeps JSON."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select

from deadlines.db.models import Subscriber
from deadlines.reminders.subscribers import SignUp, sign_up
from deadlines.tokens import make_token
from tests.lang_check import foreign_runs
from tests.web_helpers import ELECTION_2028, Site, make_settings, running_site

NOW = datetime(2026, 11, 30, 3, tzinfo=UTC)
KO = {"accept-language": "ko-KR,ko;q=0.9"}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    tmp = tmp_path_factory.mktemp("korean")
    with running_site(make_settings(f"sqlite:///{tmp / 'site.db'}", tmp), clock=lambda: NOW) as s:
        yield s


def _korean_page(response: object, status: int, words: str) -> None:
    text: str = response.text  # type: ignore[attr-defined]
    assert response.status_code == status, text[:300]  # type: ignore[attr-defined]
    assert '<html lang="ko">' in text and words in text, text[-1500:]
    assert not foreign_runs(text), foreign_runs(text)


def test_refusals_are_pages_in_the_visitors_language(site: Site) -> None:
    _korean_page(site.client.get("/no/such/page", headers=KO), 404, "그런 페이지가 없습니다.")
    _korean_page(
        site.client.post("/subscribe", data={"email": "a@example.org"}, headers=KO), 403, "새로 고쳐"
    )
    _korean_page(site.client.delete("/subscribe", headers=KO), 405, "허용되지 않음")
    english = site.client.get("/no/such/page", headers={"accept-language": "en"})
    assert english.status_code == 404 and "There is no such page." in english.text
    assert site.client.get("/api/no/such").json() == {"detail": "Not Found"}


def test_calendar_list_in_korean_upcoming_first(site: Site) -> None:
    response = site.client.get("/calendars/", headers=KO)
    _korean_page(response, 200, "다가오는 선거")
    text = response.text
    # Upcoming before past (the 2024 election ended), the 2027 by-elections before 2028.
    assert text.index("다가오는 선거일정") < text.index("2027년 4월") < text.index("제23대 국회의원선거")
    assert text.index("제23대 국회의원선거") < text.index("지난 선거") < text.index("제22대 국회의원선거")
    # The reader's language first; the other language's feeds marked as such.
    assert '<td lang="en">23rd National Assembly Election — deadlines</td>' in text


def test_a_korean_confirm_link_opened_twice_says_so_in_korean(site: Site) -> None:
    with Session(site.engine) as session:
        sign_up(
            session=session,
            request=SignUp("twice@example.org", "ko", "Asia/Seoul", (ELECTION_2028,)),
            known_elections=[ELECTION_2028],
            now=NOW,
        )
        session.commit()
        sub = session.exec(select(Subscriber).where(Subscriber.email == "twice@example.org")).one()
        token = make_token(
            site.settings.secret_key, "confirm", sub.id or 0, binding=sub.secret, nonce=sub.confirm_nonce
        )
    english_browser = {"accept-language": "en-US"}
    first = site.post(f"/confirm/{token}", headers=english_browser)
    assert first.status_code == 200
    again = site.client.get(f"/confirm/{token}", headers=english_browser)
    _korean_page(again, 400, "이미 사용되었거나 새 링크로 바뀐 확인 링크입니다.")
    # A forged link tells nothing about anyone: the visitor's own language.
    forged = site.client.get("/confirm/eyJzIjoxfQ.forged", headers=english_browser)
    assert forged.status_code == 400 and '<html lang="en">' in forged.text


def test_an_unexpected_error_is_a_short_page_in_the_visitors_language(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    from fastapi.testclient import TestClient

    from deadlines.web.app import create_app

    tmp = tmp_path_factory.mktemp("crash")
    app = create_app(make_settings(f"sqlite:///{tmp / 'site.db'}", tmp), clock=lambda: NOW)

    def broken() -> None:
        raise RuntimeError("a bug, not the visitor's fault")

    app.framework.add_api_route("/broken", broken)
    with TestClient(app, base_url="https://testserver", raise_server_exceptions=False) as client:
        page = client.get("/broken", headers=KO)
        assert page.status_code == 500 and "문제가 생겼습니다" in page.text
        assert "RuntimeError" not in page.text and "Traceback" not in page.text
        assert client.get("/broken", headers={"accept": "application/json"}).json() == {
            "detail": "internal error; it is logged"
        }
