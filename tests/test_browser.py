"""The pages in a real browser: Debian's chromium, headless, driven by selenium through Debian's
chromedriver, against `deadlines`' app served by uvicorn on a free port, with a real SMTP server.

Screenshots are kept under test-artifacts/screenshots/ (or DEADLINES_TEST_ARTIFACTS).
"""

from __future__ import annotations

import asyncio
import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session, select

from deadlines.db.models import Subscriber
from deadlines.reminders.worker import Worker
from deadlines.settings import Settings
from deadlines.web.app import create_app
from tests.browser_helpers import NEEDS_CHROMIUM, chromium, serving
from tests.conftest import ROOT
from tests.smtp_server import SmtpServer, free_port
from tests.web_helpers import ELECTION_2028, PASSWORDS, make_settings

ARTIFACTS = Path(os.environ.get("DEADLINES_TEST_ARTIFACTS", ROOT / "test-artifacts")) / "screenshots"
# One day before the 23rd election's overseas reporting closes (as in `deadlines demo`).
REHEARSAL = datetime(2028, 2, 11, 15, tzinfo=UTC)

pytestmark = NEEDS_CHROMIUM


@dataclass
class LiveSite:
    settings: Settings
    url: str
    smtp: SmtpServer


@pytest.fixture
def live_site(tmp_path: Path, smtp_server: SmtpServer) -> Iterator[LiveSite]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    settings = make_settings(
        f"sqlite:///{tmp_path / 'site.db'}",
        tmp_path,
        smtp_server.port,
        base_url=url,
        feed_refresh_seconds=0.2,
    )
    with serving(create_app(settings), port):
        yield LiveSite(settings, url, smtp_server)


def _browser(tmp_path: Path, language: str) -> object:
    return chromium(tmp_path / ("profile-" + language), language=language)


@pytest.fixture
def korean_browser(tmp_path: Path) -> Iterator[object]:
    driver = _browser(tmp_path, "ko")
    yield driver
    driver.quit()  # type: ignore[attr-defined]


@pytest.fixture
def english_browser(tmp_path: Path) -> Iterator[object]:
    driver = _browser(tmp_path, "en-US")
    yield driver
    driver.quit()  # type: ignore[attr-defined]


def _shot(driver: object, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    driver.save_screenshot(str(path))  # type: ignore[attr-defined]
    assert path.stat().st_size > 10_000
    return path


def _wait_for(predicate: object, seconds: float = 10) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.05)
    raise AssertionError("timed out waiting for the page")


def test_korean_visitor_signs_up_confirms_and_unsubscribes_with_one_click(
    live_site: LiveSite, korean_browser: object
) -> None:
    from selenium.webdriver.common.by import By

    driver = korean_browser
    driver.get(live_site.url + "/")  # type: ignore[attr-defined]
    assert "다가오는 선거" in driver.page_source  # type: ignore[attr-defined]
    _shot(driver, "home-ko")
    driver.find_element(By.LINK_TEXT, "제23대 국회의원선거").click()  # type: ignore[attr-defined]
    # The address changes before the new page is loaded: wait for what the page shows.
    _wait_for(lambda: ELECTION_2028 in driver.current_url and "국외부재자 신고" in driver.page_source)  # type: ignore[attr-defined]
    _shot(driver, "election-ko")
    driver.set_window_size(390, 844)  # type: ignore[attr-defined]  # a phone
    assert driver.execute_script("return document.documentElement.scrollWidth") <= 390  # type: ignore[attr-defined]
    _shot(driver, "election-ko-phone")
    driver.set_window_size(1200, 1600)  # type: ignore[attr-defined]

    form = driver.find_element(By.CSS_SELECTOR, "form[action='/subscribe']")  # type: ignore[attr-defined]
    form.find_element(By.ID, "email").send_keys("voter.la@example.org")
    zone = form.find_element(By.ID, "timezone")
    # The page's one script pre-filled the browser's own zone.
    assert zone.get_attribute("value") == driver.execute_script(  # type: ignore[attr-defined]
        "return Intl.DateTimeFormat().resolvedOptions().timeZone"
    )
    zone.clear()
    zone.send_keys("America/Los_Angeles")
    form.find_element(By.CSS_SELECTOR, "input[name='audiences'][value='overseas']").click()
    form.find_element(By.CSS_SELECTOR, "button[type='submit']").click()
    _wait_for(lambda: "메일함을 확인하세요" in driver.page_source)  # type: ignore[attr-defined]

    worker = Worker(live_site.settings.model_copy(update={"quiet_hours": ""}))
    asyncio.run(worker.once())
    confirmation = live_site.smtp.handler.messages[-1]
    assert confirmation["To"] == "voter.la@example.org" and confirmation["Content-Language"] == "ko"
    body = confirmation.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    link = re.search(rf"{re.escape(live_site.url)}/confirm/\S+", body)
    assert link, body
    driver.get(link.group(0))  # type: ignore[attr-defined]
    # Opening the link only shows a button (mail scanners open links too); the click confirms.
    _wait_for(lambda: "알림을 받으시겠습니까?" in driver.page_source)  # type: ignore[attr-defined]
    driver.find_element(By.CSS_SELECTOR, "form[method='post'] button").click()  # type: ignore[attr-defined]
    _wait_for(lambda: "신청이 확인되었습니다" in driver.page_source)  # type: ignore[attr-defined]

    # A reminder at the rehearsal instant, then the mail client's RFC 8058 one-click POST.
    asyncio.run(worker.once(REHEARSAL))
    asyncio.run(worker.close())
    reminder = live_site.smtp.handler.messages[-1]
    assert reminder["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = re.search(r"<(https?://[^>]+/unsubscribe/[^>]+)>", reminder["List-Unsubscribe"])
    assert unsubscribe
    driver.get(unsubscribe.group(1))  # type: ignore[attr-defined]
    assert driver.find_elements(By.CSS_SELECTOR, "form[method='post'] button")  # type: ignore[attr-defined]
    response = httpx.post(unsubscribe.group(1), data={"List-Unsubscribe": "One-Click"}, timeout=10)
    assert response.status_code == 200
    from deadlines.db.engine import make_engine

    engine = make_engine(live_site.settings.database_url)
    with Session(engine) as session:
        assert session.exec(select(Subscriber)).one().status == "unsubscribed"
    engine.dispose()


def test_staff_moves_election_day_previews_and_publishes(
    live_site: LiveSite, english_browser: object
) -> None:
    from selenium.webdriver.common.by import By

    feed_url = f"{live_site.url}/calendars/{ELECTION_2028}.overseas.en.ics"
    before = httpx.get(feed_url, timeout=10).text
    assert "SEQUENCE:1" in before and "20280212T" in before
    driver = english_browser
    driver.get(f"{live_site.url}/admin/elections/{ELECTION_2028}")  # type: ignore[attr-defined]
    _wait_for(lambda: "/admin/login" in driver.current_url and driver.find_elements(By.ID, "username"))  # type: ignore[attr-defined]
    driver.find_element(By.ID, "username").send_keys("editor")  # type: ignore[attr-defined]
    driver.find_element(By.ID, "password").send_keys(PASSWORDS["editor"])  # type: ignore[attr-defined]
    driver.find_element(By.CSS_SELECTOR, "button[type='submit']").click()  # type: ignore[attr-defined]
    _wait_for(lambda: driver.find_elements(By.ID, "day"))  # type: ignore[attr-defined]
    assert driver.current_url.endswith(f"/admin/elections/{ELECTION_2028}")  # type: ignore[attr-defined]

    day = driver.find_element(By.ID, "day")  # type: ignore[attr-defined]
    # The 2028 day is computed from the term, so provisional: the field stays blank until staff
    # give the announced day, which confirms it.
    assert day.get_attribute("value") == "" and "provisional" in driver.page_source  # type: ignore[attr-defined]
    driver.execute_script("arguments[0].value = '2028-04-19'", day)  # type: ignore[attr-defined]
    driver.find_element(By.XPATH, "//button[text()='Preview changes']").click()  # type: ignore[attr-defined]
    _wait_for(lambda: "Preview:" in driver.page_source)  # type: ignore[attr-defined]
    table = driver.find_element(By.ID, "changes").text  # type: ignore[attr-defined]
    assert "2027-11-14 .. 2028-02-12" in table and "2027-11-21 .. 2028-02-19" in table
    _shot(driver, "preview")
    assert "SEQUENCE:1" in httpx.get(feed_url, timeout=10).text  # nothing published yet

    driver.find_element(By.ID, "publish").click()  # type: ignore[attr-defined]
    _wait_for(lambda: "published revision 2" in driver.page_source)  # type: ignore[attr-defined]
    after = httpx.get(feed_url, timeout=10).text
    event = after[after.index(f"UID:overseas-absentee-report.closes.{ELECTION_2028}") :]
    event = after[
        after.rindex("BEGIN:VEVENT", 0, after.index(event[:60])) : after.index(
            "END:VEVENT", after.index(event[:60])
        )
    ]
    assert "20280219T" in event and "SEQUENCE:2" in event
