"""Voters first in a real browser: Debian's chromium, headless, in Los Angeles' zone (the `TZ` of
its process) and in Korean, against the app served by uvicorn on a pinned clock. Nothing is typed:
the page's script gives the server the browser's zone. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from deadlines.web.app import create_app
from tests.browser_helpers import NEEDS_CHROMIUM, chromium, serving
from tests.smtp_server import free_port
from tests.test_browser import ARTIFACTS
from tests.web_helpers import ELECTION_2028, make_settings

NOW = datetime(2027, 6, 1, 9, 0, tzinfo=UTC)  # every 2028 deadline ahead
PAGE = f"/elections/{ELECTION_2028}"
LA_CLOSE = "2028년 2월 12일 (토) 07:00 (로스앤젤레스)"

pytestmark = [
    pytest.mark.slow,
    NEEDS_CHROMIUM,
]


@pytest.fixture(scope="module")
def live_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on a free port, its clock pinned; one for the module."""
    tmp = tmp_path_factory.mktemp("live-voters")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    settings = make_settings(f"sqlite:///{tmp / 'site.db'}", tmp, free_port(), base_url=url)
    app = create_app(settings, clock=lambda: NOW)
    with serving(app, port):
        yield url


def browser(profile: Path, *, zone: str, language: str, scripts: bool = True) -> Any:
    return chromium(profile, language=language, zone=zone, scripts=scripts)


@pytest.fixture
def korean_browser_in_los_angeles(tmp_path: Path) -> Iterator[Any]:
    driver = browser(tmp_path / "profile", zone="America/Los_Angeles", language="ko")
    yield driver
    driver.quit()


def wait_for(predicate: Any, seconds: float = 15) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("timed out waiting for the page")


def item_text(driver: Any, record_id: str) -> str:
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By

    try:
        found = driver.find_elements(By.ID, record_id)
        return str(found[0].text) if found else ""
    except StaleElementReferenceException:  # the page was replaced between finding and reading
        return ""


def shot(driver: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / f"{name}.png"))


def test_a_korean_voter_in_los_angeles_sees_the_close_in_their_time_without_typing(
    live_url: str, korean_browser_in_los_angeles: Any
) -> None:
    from selenium.webdriver.common.by import By

    driver = korean_browser_in_los_angeles
    driver.get(live_url + PAGE)
    assert (
        driver.execute_script("return Intl.DateTimeFormat().resolvedOptions().timeZone")
        == "America/Los_Angeles"
    )
    # The first answer knows no zone; the script stores the browser's and loads the page once more.
    wait_for(lambda: LA_CLOSE in item_text(driver, "overseas-absentee-report"))
    report = item_text(driver, "overseas-absentee-report")
    assert "마감 (내 시간)" in report and "2028년 2월 12일 (토) 24:00 KST" in report
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "ko"
    assert driver.get_cookie("tz")["value"] == "America/Los_Angeles"
    shot(driver, "voters-election-ko-los-angeles")
    # Exactly one reload: a mark left on the page survives a second.
    driver.execute_script("window.stillHere = true")
    time.sleep(1.0)
    assert driver.execute_script("return window.stillHere === true")

    # On a phone, a voter's sign-up form is near the top, not below every candidate's deadline.
    driver.set_window_size(390, 844)
    top = driver.execute_script(
        "return document.getElementById('signup').getBoundingClientRect().top + scrollY"
    )
    height = driver.execute_script("return document.documentElement.scrollHeight")
    first_item = driver.execute_script(
        "return document.querySelector('ol.timeline li').getBoundingClientRect().top + scrollY"
    )
    print(f"phone: sign-up at {top:.0f} px of {height} px; first deadline at {first_item:.0f} px")
    assert top < 1500 and top < first_item
    assert driver.execute_script("return document.documentElement.scrollWidth") <= 390
    shot(driver, "voters-election-ko-phone")
    # Saying "I live abroad" (a plain link) keeps only a voter abroad's deadlines open.
    driver.find_element(By.LINK_TEXT, "해외에 살아요").click()
    wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, "a.chip[aria-current]"))
    abroad = driver.execute_script("return document.documentElement.scrollHeight")
    signup = driver.execute_script(
        "return document.getElementById('signup').getBoundingClientRect().top + scrollY"
    )
    print(f"phone, living abroad: sign-up at {signup:.0f} px of {abroad} px")
    assert signup < 1500 and abroad < height
    assert driver.find_element(By.CSS_SELECTOR, "input[name='audiences'][value='overseas']").is_selected()
    driver.set_window_size(1200, 1600)

    # A city picked by hand wins over the browser's zone, and stays after a reload.
    field = driver.find_element(By.ID, "zone-pick")
    field.send_keys("베를린")
    field.submit()
    wait_for(lambda: "2028년 2월 12일 (토) 16:00 (베를린)" in item_text(driver, "overseas-absentee-report"))
    driver.refresh()
    time.sleep(0.5)
    wait_for(lambda: "(베를린)" in item_text(driver, "overseas-absentee-report"))
    assert driver.get_cookie("tz")["value"].strip('"') == "Europe/Berlin"


def test_without_scripts_the_city_picker_sets_the_zone(live_url: str, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    driver = browser(tmp_path / "noscript", zone="America/Los_Angeles", language="ko", scripts=False)
    try:
        driver.get(live_url + PAGE)
        assert "대한민국 공식 시각으로 표시합니다" in driver.page_source
        assert LA_CLOSE not in driver.page_source and driver.get_cookie("tz") is None
        field = driver.find_element(By.ID, "zone-pick")
        field.send_keys("로스앤젤레스 (미국)")
        driver.find_element(By.CSS_SELECTOR, "form.zone-pick button[type='submit']").click()
        wait_for(lambda: LA_CLOSE in item_text(driver, "overseas-absentee-report"))
        assert driver.current_url == live_url + PAGE
    finally:
        driver.quit()
