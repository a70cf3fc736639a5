"""Accessibility in a real browser: axe-core (npm `axe-core`, installed under .ci/node by .ci/run)
run in Debian's chromium on every public page and the console pages, in English and Korean, on a
desktop and a phone; and no English sentence on a Korean page outside passages marked lang="en".

One live site and one browser for the module, on a pinned clock (2026-11-30)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlmodel import Session, select

from deadlines.db.engine import make_engine
from deadlines.db.models import Subscriber
from deadlines.reminders.subscribers import SignUp, sign_up
from deadlines.tokens import make_token
from deadlines.web.app import create_app
from tests.browser_helpers import AXE, NEEDS_AXE, NEEDS_CHROMIUM, chromium, serving
from tests.conftest import SAMPLE_NOTICE
from tests.lang_check import foreign_runs
from tests.smtp_server import SmtpServer, free_port
from tests.web_helpers import ELECTION_2028, PASSWORDS, make_settings

NOW = datetime(2026, 11, 30, 3, tzinfo=UTC)
RULE_PAGE = "/admin/rulesets/kr-national-assembly/rules/overseas-absentee-report"
VIEWPORTS = {"desktop": (1200, 1600), "phone": (390, 844)}

pytestmark = [
    pytest.mark.slow,
    NEEDS_CHROMIUM,
    NEEDS_AXE,
]

# axe-core's verdict, cut to what a failure message needs.
RUN_AXE = """
const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ['violations']}).then(
  r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 4).map(n => n.target.join(' ') + ' ' + n.html.slice(0, 160))}))),
  e => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]));
"""


@dataclass
class A11ySite:
    url: str
    tokens: dict[str, str]  # the pages behind the links in emails: preferences, confirm, unsubscribe
    notice: int
    driver: Any


def _settings(tmp: Path, smtp: SmtpServer, port: int) -> Any:
    return make_settings(f"sqlite:///{tmp / 'site.db'}", tmp, smtp.port, base_url=f"http://127.0.0.1:{port}")


def _link_tokens(settings: Any) -> dict[str, str]:
    """An active subscriber's preferences and unsubscribe links, a pending one's confirm link."""
    engine = make_engine(settings.database_url)
    with Session(engine) as session:
        for email in ("a11y@example.org", "pending@example.org"):
            sign_up(
                session=session,
                request=SignUp(email, "ko", "America/Los_Angeles", (ELECTION_2028,), ("overseas",)),
                known_elections=[ELECTION_2028],
                now=NOW,
            )
        active = session.exec(select(Subscriber).where(Subscriber.email == "a11y@example.org")).one()
        pending = session.exec(select(Subscriber).where(Subscriber.email == "pending@example.org")).one()
        active.status = "active"
        session.add(active)
        session.commit()
        key = settings.secret_key
        tokens = {
            "preferences": make_token(key, "preferences", active.id or 0, binding=active.secret),
            "unsubscribe": make_token(key, "unsubscribe", active.id or 0, binding=active.secret),
            "confirm": make_token(
                key, "confirm", pending.id or 0, binding=pending.secret, nonce=pending.confirm_nonce
            ),
        }
    engine.dispose()
    return tokens


def _ingest_notice(url: str) -> int:
    """A notice to review, pasted through the console as staff would."""
    # The cookies are Secure: a browser sends them to 127.0.0.1 over http, httpx does not, so
    # they are passed by hand.
    with httpx.Client(base_url=url, timeout=30) as client:
        csrf = client.get("/admin/login").cookies["csrf"]
        login = {"csrf_token": csrf, "username": "editor", "password": PASSWORDS["editor"], "next": "/admin/"}
        signed_in = client.post("/admin/login", data=login, headers={"cookie": f"csrf={csrf}"})
        assert signed_in.status_code == 303, signed_in.text[:300]
        staff = signed_in.cookies["staff_session"]
        text = SAMPLE_NOTICE.read_text(encoding="utf-8")
        added = client.post(
            "/admin/notices",
            data={"csrf_token": csrf, "text": text},
            headers={"cookie": f"csrf={csrf}; staff_session={staff}"},
        )
        assert added.status_code == 303, added.text[:300]
        return int(added.headers["location"].rsplit("/", 1)[1])


def _browser(tmp: Path) -> Any:
    driver = chromium(tmp / "profile")
    driver.set_script_timeout(60)
    return driver


@pytest.fixture(scope="module")
def a11y(tmp_path_factory: pytest.TempPathFactory) -> Iterator[A11ySite]:
    tmp = tmp_path_factory.mktemp("a11y")
    smtp = SmtpServer()
    smtp.start()
    port = free_port()
    settings = _settings(tmp, smtp, port)
    try:
        with serving(create_app(settings, clock=lambda: NOW), port) as url:
            driver = _browser(tmp)
            try:
                yield A11ySite(url, _link_tokens(settings), _ingest_notice(url), driver)
            finally:
                driver.quit()
    finally:
        smtp.stop()


def _check(site: A11ySite, lang: str, label: str) -> list[str]:
    """axe's violations on the page now open, and on a Korean page its English runs."""
    driver = site.driver
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    problems = [
        f"{label}: {v['id']} ({v['impact']}): {v['help']} at {v['nodes']}"
        for v in driver.execute_async_script(RUN_AXE)
    ]
    html = driver.page_source
    if "/confirm/" in label:
        lang = "ko"  # a confirm link speaks its subscriber's language, whatever the browser's
    assert f'lang="{lang}"' in html[:200], f"{label}: not in {lang}"
    other = "en" if lang == "ko" else "ko"
    problems += [f"{label}: unmarked {other} on a {lang} page: {run!r}" for run in foreign_runs(html, other)]
    return problems


def _open(site: A11ySite, path: str, lang: str) -> None:
    joiner = "&" if "?" in path else "?"
    site.driver.get(f"{site.url}{path}{joiner}lang={lang}")


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_public_pages_have_no_axe_violations(a11y: A11ySite, lang: str, viewport: str) -> None:
    a11y.driver.set_window_size(*VIEWPORTS[viewport])
    problems: list[str] = []
    for path in (
        "/",
        f"/elections/{ELECTION_2028}",
        f"/elections/{ELECTION_2028}/changes",
        f"/elections/{ELECTION_2028}/stations",
        "/overseas-voters",
        "/subscribe",
        "/calendars/",
        "/zone",
        *(f"/{purpose}/{token}" for purpose, token in a11y.tokens.items()),
        "/no/such/page",
    ):
        _open(a11y, path, lang)
        problems += _check(a11y, lang, f"{lang} {viewport} {path}")
    problems += _form_with_errors(a11y, lang, viewport)
    assert not problems, "\n".join(problems)


def _form_with_errors(site: A11ySite, lang: str, viewport: str) -> list[str]:
    """The sign-up sent with every field wrong: the errors, their summary and their ties."""
    from selenium.webdriver.common.by import By

    driver = site.driver
    _open(site, "/subscribe", lang)
    form = driver.find_element(By.CSS_SELECTOR, "form[action='/subscribe']")
    driver.execute_script(
        "const f = arguments[0]; f.noValidate = true; f.querySelector('#timezone').value = 'Mars/Olympus';"
        " f.querySelectorAll('input[name=elections]').forEach(c => { c.checked = false; });",
        form,
    )
    form.find_element(By.CSS_SELECTOR, "button[type='submit']").click()
    _wait(lambda: driver.find_elements(By.ID, "elections-error"))
    return _check(site, lang, f"{lang} {viewport} /subscribe with errors")


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_console_pages_have_no_axe_violations(a11y: A11ySite, lang: str, viewport: str) -> None:
    from selenium.webdriver.common.by import By

    driver = a11y.driver
    driver.set_window_size(*VIEWPORTS[viewport])
    problems: list[str] = []
    _open(a11y, "/admin/login", lang)
    problems += _check(a11y, lang, f"{lang} {viewport} login")
    if not driver.find_elements(By.CSS_SELECTOR, "form[action='/admin/logout']"):
        driver.find_element(By.ID, "username").send_keys("editor")
        driver.find_element(By.ID, "password").send_keys(PASSWORDS["editor"])
        driver.find_element(By.CSS_SELECTOR, "form[action='/admin/login'] button").click()
        _wait(lambda: driver.current_url.rstrip("/").endswith("/admin"))
    for path in (
        "/admin/",
        "/admin/rules",
        RULE_PAGE,
        f"/admin/elections/{ELECTION_2028}",
        "/admin/notices",
        f"/admin/notices/{a11y.notice}",
        "/admin/outbox",
        "/admin/audit",
        "/admin/history/election/" + ELECTION_2028,
        "/admin/stations",
    ):
        _open(a11y, path, lang)
        problems += _check(a11y, lang, f"{lang} {viewport} {path}")
    # The preview: the rule's form sent unchanged.
    _open(a11y, RULE_PAGE, lang)
    driver.find_element(By.CSS_SELECTOR, "form[action$='/preview'] button[type='submit']").click()
    _wait(lambda: driver.find_elements(By.ID, "publish"))
    problems += _check(a11y, lang, f"{lang} {viewport} preview")
    assert not problems, "\n".join(problems)


def _wait(predicate: Any, seconds: float = 10) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("timed out waiting for the page")


def test_axe_and_the_language_check_find_what_they_should(a11y: A11ySite) -> None:
    """The checks can fail: an image without a text and an English sentence on a Korean page."""
    page = "<html lang='ko'><head><title>시험</title></head><body><main><h1>시험</h1><img src='x.png'>"
    a11y.driver.get(
        "data:text/html;charset=utf-8," + page + "<p>Reload the page now</p></main></body></html>"
    )
    problems = _check(a11y, "ko", "planted")
    assert any("image-alt" in p for p in problems), problems
    assert any("'Reload the page now'" in p for p in problems), problems
    a11y.driver.get("data:text/html;charset=utf-8,<html lang='en'><body><p>Apply: 신청하기</p></body></html>")
    assert any("'신청하기'" in p for p in _check(a11y, "en", "planted")), "Korean on an English page"


def test_sign_up_with_only_an_address_typed_succeeds_first_time(a11y: A11ySite) -> None:
    """The elections a voter abroad wants are ticked and the zone filled in by the page: typing
    an address and pressing the button is enough."""
    from selenium.webdriver.common.by import By

    driver = a11y.driver
    driver.delete_all_cookies()
    driver.get(f"{a11y.url}/subscribe?lang=ko")
    form = driver.find_element(By.CSS_SELECTOR, "form[action='/subscribe']")
    ticked = [
        c.get_attribute("value")
        for c in form.find_elements(By.CSS_SELECTOR, "input[name='elections']:checked")
    ]
    assert ticked == [ELECTION_2028, "kr-2030-presidential"]
    form.find_element(By.ID, "email").send_keys("only.address@example.org")
    form.find_element(By.CSS_SELECTOR, "button[type='submit']").click()
    _wait(lambda: "메일함을 확인하세요" in driver.page_source)
