"""The voter's own pages in chromium (Korean and English): the done link from an email asks,
marks and undoes; the preferences page's feed and done buttons; the confirmation page with its
personal feed; axe-core finds no violation on any of them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from sqlmodel import Session, select

from deadlines.db.engine import make_engine
from deadlines.db.models import DeadlineRow, Subscriber, Subscription
from deadlines.reminders.subscribers import SignUp, link_token, sign_up
from deadlines.tokens import make_token
from deadlines.voter_links import DoneTarget, done_token
from tests.browser_helpers import AXE, NEEDS_AXE, NEEDS_CHROMIUM
from tests.test_browser import LiveSite, _browser, _wait_for, live_site  # noqa: F401  (fixture)
from tests.web_helpers import ELECTION_2028

pytestmark = [pytest.mark.slow, NEEDS_CHROMIUM, NEEDS_AXE]


def violations(driver: object) -> list[str]:
    driver.execute_script(AXE.read_text(encoding="utf-8"))  # type: ignore[attr-defined]
    found: list[str] = driver.execute_async_script(  # type: ignore[attr-defined]
        "const done = arguments[arguments.length - 1];"
        "axe.run(document).then(r => done(r.violations.map("
        "v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))));"
    )
    return found


def _until(predicate: object) -> None:
    """Wait for `predicate`, reading a page that may be replaced meanwhile (a form's answer,
    the zone script's one reload)."""

    def safe() -> bool:
        try:
            return bool(predicate())  # type: ignore[operator]
        except WebDriverException:
            return False

    _wait_for(safe)


@pytest.fixture(params=["ko", "en-US"])
def browser(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[object]:
    driver = _browser(tmp_path, str(request.param))
    yield driver
    driver.quit()  # type: ignore[attr-defined]


def _voter(site: LiveSite, email: str, lang: str, *, active: bool) -> Subscriber:
    engine = make_engine(site.settings.database_url)
    try:
        with Session(engine) as session:
            sign_up(
                session=session,
                request=SignUp(email, lang, "America/Los_Angeles", (ELECTION_2028,), ("overseas",)),
                known_elections=[ELECTION_2028],
                now=datetime.now(UTC),
            )
            subscriber = session.exec(select(Subscriber).where(Subscriber.email == email)).one()
            if active:
                subscriber.status = "active"
                session.add(subscriber)
            session.commit()
            session.refresh(subscriber)
            session.expunge(subscriber)
            return subscriber
    finally:
        engine.dispose()


def test_done_preferences_and_confirmation_pages(live_site: LiveSite, browser: object) -> None:  # noqa: F811
    site, driver = live_site, browser
    driver.get(site.url + "/")  # type: ignore[attr-defined]
    _until(lambda: driver.get_cookie("tz"))  # type: ignore[attr-defined]  # the zone script's one reload
    lang = driver.find_element(By.TAG_NAME, "html").get_attribute("lang")  # type: ignore[attr-defined]  # the browser's
    voter = _voter(site, f"voter.{lang}@example.org", lang, active=True)
    assert voter.id is not None
    secret = site.settings.secret_key
    engine = make_engine(site.settings.database_url)
    with Session(engine) as session:
        sub = session.exec(select(Subscription).where(Subscription.subscriber_id == voter.id)).one()
        report = session.exec(
            select(DeadlineRow).where(
                DeadlineRow.election_id == ELECTION_2028, DeadlineRow.slug == "overseas-absentee-report"
            )
        ).one()
        assert sub.id is not None and report.id is not None
        target = DoneTarget(sub.id, report.id)
    engine.dispose()
    done = f"{site.url}/done/{done_token(secret, voter.id, binding=voter.secret, target=target)}"

    driver.get(done)  # type: ignore[attr-defined]
    assert not violations(driver), "done (ask)"
    driver.find_element(By.CSS_SELECTOR, "main form button").click()  # type: ignore[attr-defined]
    _until(
        lambda: (
            "secondary"
            in (driver.find_element(By.CSS_SELECTOR, "main form button").get_attribute("class") or "")
        )
    )  # type: ignore[attr-defined]
    assert not violations(driver), "done (marked)"
    driver.find_element(By.CSS_SELECTOR, "main form button").click()  # type: ignore[attr-defined]
    _until(
        lambda: (
            "/undo"
            not in (driver.find_element(By.CSS_SELECTOR, "main form").get_attribute("action") or "/undo")
        )
    )  # type: ignore[attr-defined]
    assert not violations(driver), "done (undone)"

    driver.get(f"{site.url}/preferences/{link_token(secret, 'preferences', voter)}")  # type: ignore[attr-defined]
    assert not violations(driver), "preferences"
    webcal = driver.find_element(By.CSS_SELECTOR, "#my-feed a.button").get_attribute("href")  # type: ignore[attr-defined]
    assert re.fullmatch(r"webcal://127\.0\.0\.1:\d+/feeds/personal/\S+\.ics", webcal)
    driver.find_element(By.CSS_SELECTOR, "#my-deadlines form button").click()  # type: ignore[attr-defined]
    _until(lambda: "done=1" in driver.current_url)  # type: ignore[attr-defined]
    assert not violations(driver), "preferences (after a done mark)"

    pending = _voter(site, f"new.{lang}@example.org", lang, active=False)
    assert pending.id is not None
    confirm = make_token(secret, "confirm", pending.id, binding=pending.secret, nonce=pending.confirm_nonce)
    driver.get(f"{site.url}/confirm/{confirm}")  # type: ignore[attr-defined]
    driver.find_element(By.CSS_SELECTOR, "main form button").click()  # type: ignore[attr-defined]
    _until(lambda: driver.find_elements(By.ID, "my-feed"))  # type: ignore[attr-defined]
    assert not violations(driver), "confirmed"
