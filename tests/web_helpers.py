"""Set-up for web tests: a site on a real database, an HTTP client through the ASGI app, logins."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from deadlines.db.engine import make_engine
from deadlines.settings import Settings
from deadlines.web.app import create_app
from deadlines.web.clock import Clock
from tests.reminder_helpers import prepare

PASSWORDS = {"editor": "editor-password-1", "viewer": "viewer-password-1"}
# https, so the Secure cookies the site sets are sent back, as a browser would.
BASE = "https://testserver"
ELECTION_2028 = "kr-2028-national-assembly"


@dataclass
class Site:
    settings: Settings
    engine: Engine
    client: TestClient

    def csrf(self) -> str:
        token = self.client.cookies.get("csrf")
        if token is None:
            self.client.get("/subscribe")
            token = self.client.cookies.get("csrf")
        assert token
        return token

    def login(self, username: str) -> None:
        self.client.get("/admin/login")
        response = self.client.post(
            "/admin/login",
            data={"csrf_token": self.csrf(), "username": username, "password": PASSWORDS[username]},
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text

    def post(self, path: str, data: dict[str, Any] | None = None, **kw: Any) -> Any:
        return self.client.post(
            path, data={"csrf_token": self.csrf(), **(data or {})}, follow_redirects=False, **kw
        )

    def publish_override(self, election: str, rule: str, closes: str, reason: str) -> None:
        """As a logged-in editor: preview an override of `rule`'s close with its reason, then
        publish it from the preview, as staff do in the console."""
        preview = self.post(
            f"/admin/elections/{election}/preview",
            {
                "day": "",
                "override_rule": rule,
                "override_opens": "",
                "override_closes": closes,
                "override_reason": reason,
            },
        )
        assert preview.status_code == 200, preview.text[:500]
        published = self.post(
            "/admin/publish",
            {
                "kind": "election",
                "key": election,
                "document": hidden(preview.text, "document"),
                "base_revision": hidden(preview.text, "base_revision"),
                "action": "edit",
            },
        )
        assert published.status_code == 303, published.text[:500]


def make_settings(db_url: str, tmp_path: Path, smtp_port: int = 2525, **overrides: Any) -> Settings:
    """Settings of a site whose database has the shipped rules and an editor and a viewer."""
    return prepare(db_url, tmp_path, smtp_port, staff=PASSWORDS, **overrides)


@contextmanager
def running_site(settings: Settings, clock: Clock | None = None) -> Iterator[Site]:
    """`clock` pins the site's "now" (default: the real time)."""
    app = create_app(settings) if clock is None else create_app(settings, clock=clock)
    engine = make_engine(settings.database_url)
    try:
        with TestClient(app, base_url=BASE) as client:
            yield Site(settings, engine, client)
    finally:
        engine.dispose()


def hidden(html: str, name: str) -> str:
    m = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', html)
    assert m, f"no hidden field {name}"
    import html as html_module

    return html_module.unescape(m.group(1))
