"""Who may reach which console route: every /admin route is listed here, or this test fails."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.routing import APIRoute
from sqlmodel import Session

from deadlines.db.staff import add_staff
from deadlines.settings import load_settings
from deadlines.web.app import create_app
from tests.web_helpers import ELECTION_2028, Site

# (method, path template) -> (example path, what a viewer gets). Anonymous visitors always go
# to the login page; editors may do everything.
OPEN = {("GET", "/admin/login"), ("POST", "/admin/login")}
ACCESS: dict[tuple[str, str], tuple[str, int]] = {
    ("GET", "/admin/"): ("/admin/", 200),
    ("GET", "/admin/audit"): ("/admin/audit", 200),
    ("POST", "/admin/logout"): ("/admin/logout", 303),
    ("GET", "/admin/rules"): ("/admin/rules", 200),
    ("GET", "/admin/elections/{election_id}"): (f"/admin/elections/{ELECTION_2028}", 200),
    ("POST", "/admin/elections/{election_id}/preview"): (f"/admin/elections/{ELECTION_2028}/preview", 403),
    ("POST", "/admin/elections/{election_id}/confirm"): (f"/admin/elections/{ELECTION_2028}/confirm", 403),
    ("GET", "/admin/rulesets/{ruleset_id}/rules/{rule_id}"): (
        "/admin/rulesets/kr-national-assembly/rules/overseas-absentee-report",
        200,
    ),
    ("POST", "/admin/rulesets/{ruleset_id}/rules/{rule_id}/preview"): (
        "/admin/rulesets/kr-national-assembly/rules/overseas-absentee-report/preview",
        403,
    ),
    ("POST", "/admin/publish"): ("/admin/publish", 403),
    ("GET", "/admin/history/{kind}/{key}"): (f"/admin/history/election/{ELECTION_2028}", 200),
    ("POST", "/admin/history/{kind}/{key}/{revision}/preview"): (
        f"/admin/history/election/{ELECTION_2028}/1/preview",
        403,
    ),
    ("GET", "/admin/notices"): ("/admin/notices", 200),
    ("POST", "/admin/notices"): ("/admin/notices", 403),
    ("GET", "/admin/notices/{notice_id}"): ("/admin/notices/1", 404),
    ("POST", "/admin/drafts/{draft_id}/approve"): ("/admin/drafts/1/approve", 403),
    ("POST", "/admin/drafts/{draft_id}/reject"): ("/admin/drafts/1/reject", 403),
    ("POST", "/admin/drafts/{draft_id}/edit"): ("/admin/drafts/1/edit", 403),
    ("GET", "/admin/outbox"): ("/admin/outbox", 200),
    ("POST", "/admin/outbox/test"): ("/admin/outbox/test", 403),
    ("POST", "/admin/outbox/resume"): ("/admin/outbox/resume", 403),
    ("POST", "/admin/outbox/unsuppress"): ("/admin/outbox/unsuppress", 403),
    ("GET", "/admin/stations"): ("/admin/stations", 200),
    ("GET", "/admin/stations/{election}/{station}"): (f"/admin/stations/{ELECTION_2028}/los-angeles", 404),
    ("POST", "/admin/stations/{election}/{station}"): (f"/admin/stations/{ELECTION_2028}/los-angeles", 403),
    ("POST", "/admin/stations/{election}/{station}/delete"): (
        f"/admin/stations/{ELECTION_2028}/los-angeles/delete",
        403,
    ),
}


def _walk(routes: list[Any]) -> Iterator[Any]:
    """Routes of the app and of every router included in it (FastAPI keeps those nested)."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        yield from _walk(inner.routes) if inner is not None else [route]


def _admin_routes() -> set[tuple[str, str]]:
    app = create_app(load_settings(database_url="sqlite://"))
    found = set()
    for route in _walk(app.framework.routes):
        if isinstance(route, APIRoute) and route.path.startswith("/admin"):
            found |= {(m, route.path) for m in route.methods}
    app.cache.engine.dispose()
    return found


def test_every_admin_route_has_an_access_rule() -> None:
    assert _admin_routes() == set(ACCESS) | OPEN


@pytest.mark.parametrize("route", sorted(ACCESS))
def test_anonymous_visitors_are_sent_to_login(site: Site, route: tuple[str, str]) -> None:
    method, _ = route
    path, _ = ACCESS[route]
    response = site.client.request(
        method, path, data={"csrf_token": site.csrf()} if method == "POST" else None, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"].startswith("/admin/login?next=")


@pytest.mark.parametrize("route", sorted(ACCESS))
def test_viewers_may_look_but_not_change(site: Site, route: tuple[str, str]) -> None:
    site.login("viewer")
    method, _ = route
    path, expected = ACCESS[route]
    response = site.client.get(path, follow_redirects=False) if method == "GET" else site.post(path)
    assert response.status_code == expected, response.text[:300]


def test_a_forged_or_stale_session_cookie_is_refused(site: Site) -> None:
    site.login("editor")
    assert site.client.get("/admin/", follow_redirects=False).status_code == 200
    good = site.client.cookies.get("staff_session")
    assert good
    site.client.cookies.clear()
    site.client.cookies.set("staff_session", good[::-1])
    assert site.client.get("/admin/", follow_redirects=False).status_code == 303
    # A new password ends every login made with the old one.
    with Session(site.engine) as session:
        add_staff(
            session=session,
            username="editor",
            password="another-password-2",
            role="editor",
            actor="test",
            now=datetime.now(UTC),
            replace=True,
        )
        session.commit()
    site.client.cookies.clear()
    site.client.cookies.set("staff_session", good)
    assert site.client.get("/admin/", follow_redirects=False).status_code == 303


def test_wrong_password_then_a_growing_wait(site: Site) -> None:
    # Five failures are free; the sixth attempt must wait (the clock has not moved on).
    for _ in range(5):
        r = site.post("/admin/login", {"username": "editor", "password": "wrong-password"})
        assert r.status_code == 401 and "Wrong username or password" in r.text
    r = site.post("/admin/login", {"username": "editor", "password": "editor-password-1"})
    assert r.status_code == 429 and "try again in" in r.text and int(r.headers["retry-after"]) >= 1


def test_login_cookie_is_secure_httponly_strict(site: Site) -> None:
    site.client.get("/admin/login")
    r = site.post(
        "/admin/login", {"username": "editor", "password": "editor-password-1", "next": "//evil.example"}
    )
    assert r.status_code == 303 and r.headers["location"] == "/admin/"
    cookie = r.headers["set-cookie"].lower()
    assert (
        "secure" in cookie
        and "httponly" in cookie
        and "samesite=strict" in cookie
        and "path=/admin" in cookie
    )
