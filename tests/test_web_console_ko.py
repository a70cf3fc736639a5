"""The staff console in Korean (NEC staff work in Korean): every page and message in the reader's
language, chosen as on the public pages; English only in passages marked lang="en"."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import SAMPLE_NOTICE
from tests.lang_check import foreign_runs
from tests.web_helpers import ELECTION_2028, Site, make_settings, running_site

RULESET = "kr-national-assembly"
RULE = "overseas-absentee-report"


def _korean(response: object, heading: str, status: int = 200) -> str:
    text: str = response.text  # type: ignore[attr-defined]
    assert response.status_code == status, text[:400]  # type: ignore[attr-defined]
    assert '<html lang="ko">' in text
    assert heading in text, text[:2000]
    runs = foreign_runs(text)
    assert not runs, runs
    return text


def test_the_console_speaks_korean_to_a_korean_browser(sqlite_url: str, tmp_path: Path) -> None:
    with running_site(make_settings(sqlite_url, tmp_path)) as site:
        site.client.headers["accept-language"] = "ko-KR,ko;q=0.9,en;q=0.5"
        _korean(site.client.get("/admin/login"), "직원 로그인")
        wrong = site.post("/admin/login", {"username": "editor", "password": "not it"})
        _korean(wrong, "사용자 이름 또는 비밀번호가 틀렸습니다.", 401)
        site.login("editor")
        _korean(site.client.get("/admin/"), "관리 화면")
        rules = _korean(site.client.get("/admin/rules"), "현재 규칙")
        assert "제218조의4제1항" in rules and "Art. 218" not in rules
        _korean(site.client.get(f"/admin/rulesets/{RULESET}/rules/{RULE}"), "변경 미리 보기")
        _korean(site.client.get(f"/admin/elections/{ELECTION_2028}"), "잠정 선거일")
        preview = site.post(
            f"/admin/elections/{ELECTION_2028}/preview",
            {"day": "2028-04-19", "override_rule": "", "override_opens": "", "override_closes": ""},
        )
        page = _korean(preview, "바뀌는 날짜")
        published = site.post("/admin/publish", _hidden_fields(page))
        assert published.status_code == 303
        _korean(site.client.get(published.headers["location"]), "2판을 게시했습니다")
        _korean(site.client.get("/admin/rulesets/nope/rules/x"), "처리하지 못했습니다", 404)
        _korean(site.client.get("/admin/audit"), "감사 기록")
        _korean(site.client.get("/admin/outbox"), "시험 알림 받기")
        _notice_pages(site)


def _hidden_fields(page: str) -> dict[str, str]:
    import html

    fields = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page)
    return {name: html.unescape(value) for name, value in fields if name != "csrf_token"}


def _notice_pages(site: Site) -> None:
    _korean(site.client.get("/admin/notices"), "공고 붙여 넣기")
    added = site.post("/admin/notices", {"text": SAMPLE_NOTICE.read_text(encoding="utf-8")})
    assert added.status_code == 303, added.text[:400]
    _korean(site.client.get(added.headers["location"]), "추출된 항목")
    bad = site.post("/admin/notices", {"text": "3 Apr", "published": "yesterday"})
    text = _korean(bad, "시스템 메시지(영문):", 400)
    assert re.search(r'<span lang="en">published: expected YYYY-MM-DD', text)


def test_lang_query_switches_the_console_to_english(sqlite_url: str, tmp_path: Path) -> None:
    with running_site(make_settings(sqlite_url, tmp_path)) as site:
        site.client.headers["accept-language"] = "ko"
        page = site.client.get("/admin/login?lang=en")
        assert '<html lang="en">' in page.text and "Staff login" in page.text
        # The choice is remembered in the language cookie, as on the public pages.
        assert '<html lang="en">' in site.client.get("/admin/login").text


def test_foreign_runs_finds_english_outside_marked_passages() -> None:
    page = (
        '<html lang="ko"><body><p>선거일: 2028. 4. 12.</p><p lang="en">Public Official Election Act</p>'
        "<code>deadlines rules apply now</code><p>Please try again later</p>"
        '<input aria-label="rule of override 1"><p>Google 캘린더에 추가 (Apple, Outlook)</p></body></html>'
    )
    assert foreign_runs(page) == ["Please try again later", "rule of override"]


def test_every_console_word_has_both_languages() -> None:
    from deadlines.web.admin.words import EN, KO

    assert set(EN) == set(KO)
    for key, text in KO.items():
        # The same values to fill in (in any order), so a message cannot fail in one language only.
        assert set(re.findall(r"\{(\w+)", text)) == set(re.findall(r"\{(\w+)", EN[key])), key


def test_a_rule_field_error_has_a_korean_lead(sqlite_url: str, tmp_path: Path) -> None:
    with running_site(make_settings(sqlite_url, tmp_path)) as site:
        site.client.headers["accept-language"] = "ko"
        site.login("editor")
        page = site.client.get(f"/admin/rulesets/{RULESET}/rules/{RULE}").text
        values = dict(re.findall(r'id="(\w+)" name="\w+" value="([^"]*)"', page))
        response = site.post(f"/admin/rulesets/{RULESET}/rules/{RULE}/preview", {**values, "closes": "E-15O"})
        text = _korean(response, "시스템 메시지(영문):", 400)
        assert re.search(
            r'<p class="error" id="closes-error">시스템 메시지\(영문\): <span lang="en">[^<]*E-15O', text
        )
