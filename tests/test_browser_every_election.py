"""Accessibility of every election type's pages in a real browser: axe-core in Debian's chromium
over the page, changes and stations of one election per rule set, in English and Korean, on a
desktop; and no English sentence on a Korean page outside passages marked lang="en".

One live site (the shipped rules, the sample stations and the 2025 vacancy election, as in
tests/test_every_election.py) and one browser for the module, on a pinned clock (2026-12-01)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from deadlines.rules import load_rules
from deadlines.web.app import create_app
from tests.browser_helpers import NEEDS_AXE, NEEDS_CHROMIUM, serving
from tests.conftest import RULES_DIR, Cli, cli_env
from tests.smtp_server import free_port
from tests.test_browser_a11y import VIEWPORTS, A11ySite, _browser, _check, _open
from tests.test_every_election import STATIONS_CSV, VACANCY, rules_with_vacancy
from tests.web_helpers import make_settings

NOW = datetime(2026, 12, 1, 3, tzinfo=UTC)

pytestmark = [
    pytest.mark.slow,
    NEEDS_CHROMIUM,
    NEEDS_AXE,
]


def _one_per_type() -> dict[str, str]:
    """Rule set -> one of its elections: the first upcoming one in the shipped rules, else the
    vacancy election the module adds (the one rule set with no shipped election)."""
    book = load_rules(RULES_DIR)
    chosen: dict[str, str] = {}
    for election in sorted(book.elections.values(), key=lambda e: (e.day < NOW.date(), e.id)):
        chosen.setdefault(election.ruleset, election.id)
    chosen.setdefault("kr-presidential-vacancy", VACANCY)
    assert set(chosen) == set(book.rulesets), "a rule set has no election to check"
    return chosen


TYPES = _one_per_type()


@pytest.fixture(scope="module")
def browser_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[A11ySite]:
    tmp = tmp_path_factory.mktemp("every-browser")
    rules = rules_with_vacancy(tmp)
    db = f"sqlite:///{tmp / 'site.db'}"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    settings = make_settings(db, tmp, rules_dir=rules, base_url=url)
    run = Cli({**cli_env(db, tmp), "DEADLINES_RULES_DIR": str(rules)})
    assert run("rules", "apply").exit_code == 0
    assert run("stations", "import", str(STATIONS_CSV)).exit_code == 0
    app = create_app(settings, clock=lambda: NOW)
    with serving(app, port):
        driver = _browser(tmp)
        try:
            yield A11ySite(url, {}, 0, driver)
        finally:
            driver.quit()


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("ruleset", sorted(TYPES))
def test_each_election_type_has_no_axe_violations(browser_site: A11ySite, ruleset: str, lang: str) -> None:
    browser_site.driver.set_window_size(*VIEWPORTS["desktop"])
    election = TYPES[ruleset]
    problems: list[str] = []
    for path in (
        f"/elections/{election}",
        f"/elections/{election}/changes",
        f"/elections/{election}/stations",
    ):
        _open(browser_site, path, lang)
        problems += _check(browser_site, lang, f"{ruleset} {lang} {path}")
    assert not problems, "\n".join(problems)
