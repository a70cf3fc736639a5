"""Links name DEADLINES_BASE_URL when it is set; without it, in development, the address the
request came to, so `deadlines serve --port 8123` links to port 8123."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from deadlines.settings import Settings
from deadlines.web.baseurl import configured
from tests.web_helpers import make_settings, running_site

ELECTION = "kr-2028-national-assembly"
NOW = datetime(2027, 12, 1, tzinfo=UTC)


def unset(settings: Settings) -> Settings:
    """The same settings as if DEADLINES_BASE_URL had never been given."""
    copy = settings.model_copy()
    copy.__pydantic_fields_set__.discard("base_url")
    return copy


def test_links_follow_the_request_when_the_setting_is_unset(sqlite_url: str, tmp_path: Path) -> None:
    settings = unset(make_settings(sqlite_url, tmp_path))
    assert settings.environment == "development" and not configured(settings)
    with running_site(settings, clock=lambda: NOW) as site:
        for host in ("127.0.0.1:18123", "localhost:18124", "127.0.0.1:18123"):
            headers = {"host": host}
            page = site.client.get(f"/elections/{ELECTION}", headers=headers)
            assert f"webcal://{host}/calendars/{ELECTION}" in page.text
            assert "127.0.0.1:8000" not in page.text and "deadlines.example.org" not in page.text
            qr = site.client.get(f"/elections/{ELECTION}/qr.svg", headers=headers)
            assert f"webcal://{host}/calendars/" in qr.text
            api = site.client.get("/api/elections", headers=headers).json()
            assert all(e["feed_url"].startswith(f"https://{host}/calendars/") for e in api)
            listing = site.client.get("/calendars/", headers=headers)
            assert f"https://{host}/calendars/{ELECTION}" in listing.text


def test_the_setting_wins_over_the_request(sqlite_url: str, tmp_path: Path) -> None:
    settings = make_settings(sqlite_url, tmp_path)  # base_url https://deadlines.example.org
    assert configured(settings)
    with running_site(settings, clock=lambda: NOW) as site:
        page = site.client.get(f"/elections/{ELECTION}", headers={"host": "attacker.example:81"})
        assert "webcal://deadlines.example.org/calendars/" in page.text
        assert "attacker.example" not in page.text
    # Outside development an unset base URL is never taken from a request.
    production = unset(settings).model_copy(update={"environment": "production"})
    production.__pydantic_fields_set__.discard("base_url")
    assert configured(production)
