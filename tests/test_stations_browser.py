"""The station page in a real browser (Debian's chromium): a Korean-speaking voter abroad finds
the Los Angeles station from the election page with the plain search form, then picks it when
signing up."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session, select

from deadlines.db.engine import make_engine
from deadlines.db.models import Subscription
from tests.conftest import ROOT, Cli, cli_env
from tests.test_browser import LiveSite, _shot, _wait_for, korean_browser, live_site, pytestmark  # noqa: F401
from tests.web_helpers import ELECTION_2028

SAMPLE = ROOT / "deadlines" / "samples" / "stations-kr-2028-national-assembly.csv"


@pytest.mark.slow
def test_a_voter_abroad_finds_a_station_and_picks_it(
    live_site: LiveSite,  # noqa: F811
    korean_browser: object,  # noqa: F811
    tmp_path: Path,
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    db_url = live_site.settings.database_url
    assert Cli(cli_env(db_url, tmp_path))("stations", "import", str(SAMPLE)).exit_code == 0
    driver = korean_browser
    driver.get(f"{live_site.url}/elections/{ELECTION_2028}")  # type: ignore[attr-defined]
    # The feed cache picks the stations up within its refresh interval.
    _wait_for(lambda: "재외투표소와 운영일" in driver.page_source or driver.refresh())  # type: ignore[attr-defined]
    driver.find_element(By.LINK_TEXT, "재외투표소와 운영일·시간").click()  # type: ignore[attr-defined]
    assert driver.current_url.endswith(f"/elections/{ELECTION_2028}/stations")  # type: ignore[attr-defined]
    box = driver.find_element(By.ID, "q")  # type: ignore[attr-defined]
    box.send_keys("로스앤젤레스")
    box.submit()
    _wait_for(lambda: "q=" in driver.current_url)  # type: ignore[attr-defined]
    cards = driver.find_elements(By.CSS_SELECTOR, "li.card")  # type: ignore[attr-defined]
    assert [c.get_attribute("id") for c in cards] == ["los-angeles"]
    assert "08:00-17:00 현지시간 (America/Los_Angeles)" in cards[0].text
    _shot(driver, "stations-ko-search")
    driver.get(f"{live_site.url}/subscribe?election={ELECTION_2028}")  # type: ignore[attr-defined]
    driver.find_element(By.ID, "email").send_keys("abroad@example.org")  # type: ignore[attr-defined]
    zone = driver.find_element(By.ID, "timezone")  # type: ignore[attr-defined]
    zone.clear()
    zone.send_keys("America/Los_Angeles")
    Select(driver.find_element(By.ID, "station")).select_by_value(f"{ELECTION_2028}/los-angeles")  # type: ignore[attr-defined]
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]:not(.secondary)").click()  # type: ignore[attr-defined]
    _wait_for(lambda: "메일함을 확인하세요" in driver.page_source)  # type: ignore[attr-defined]
    engine = make_engine(db_url)
    try:
        with Session(engine) as session:
            sub = session.exec(select(Subscription)).one()
        assert sub.station == "los-angeles"
    finally:
        engine.dispose()
