"""Hostile input: markup comes back escaped, no header injection, big bodies and forged forms
are refused, and schemathesis finds nothing in the JSON API."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from sqlmodel import Session, select

from deadlines.db.models import OutboxRow, Subscriber
from deadlines.mail.mime import HeaderInjection, build_message
from tests.web_helpers import ELECTION_2028, Site, hidden, make_settings

SCRIPT = '<script>alert("x")</script>'
ESCAPED = "&lt;script&gt;alert("


def _clean(html: str) -> None:
    assert SCRIPT not in html and "<script>alert" not in html


def test_script_in_every_sign_up_field_comes_back_escaped(site: Site) -> None:
    response = site.post(
        "/subscribe",
        {
            "email": SCRIPT,
            "language": SCRIPT,
            "timezone": SCRIPT,
            "elections": [SCRIPT],
            "audiences": [SCRIPT],
            "triggers": [SCRIPT],
        },
    )
    assert response.status_code == 400
    _clean(response.text)
    assert ESCAPED in response.text
    for path in (
        f"/elections/{ELECTION_2028}?tz={SCRIPT}",
        f"/subscribe?election={SCRIPT}&tz={SCRIPT}",
        f"/?lang={SCRIPT}",
    ):
        page = site.client.get(path)
        assert page.status_code == 200
        _clean(page.text)
    assert site.client.get(f"/elections/{SCRIPT}").status_code == 404
    with Session(site.engine) as session:
        assert session.exec(select(Subscriber)).first() is None


def test_script_in_console_fields_comes_back_escaped(site: Site) -> None:
    site.login("editor")
    notice = (
        f"Date :11/01/2027\n1 Nov: {SCRIPT}\n{SCRIPT} Voters must register from 14 Nov, 2027 to 13 Feb, 2028."
    )
    created = site.post("/admin/notices", {"text": notice, "election": ELECTION_2028})
    assert created.status_code == 303
    page = site.client.get(created.headers["location"])
    _clean(page.text)
    assert ESCAPED in page.text
    preview = site.post(
        f"/admin/elections/{ELECTION_2028}/preview",
        {
            "day": "2028-04-12",
            "override_rule": "overseas-absentee-report",
            "override_opens": "2027-11-14",
            "override_closes": "2028-02-13",
            "override_reason": SCRIPT,
        },
    )
    assert preview.status_code == 200
    _clean(preview.text)
    # Kept as data (JSON in a hidden field), never as markup.
    assert json.loads(hidden(preview.text, "document"))["overrides"][0]["reason"] == SCRIPT
    bad_day = site.post(f"/admin/elections/{ELECTION_2028}/preview", {"day": SCRIPT})
    assert bad_day.status_code == 400
    _clean(bad_day.text)
    login = site.client.get(f"/admin/login?next={SCRIPT}")
    _clean(login.text)


@pytest.mark.parametrize(
    "address",
    [
        "voter@example.org\r\nBcc: victim@example.org",
        "voter@example.org\nSubject: hi",
        "voter@example.org\x00",
    ],
)
def test_line_breaks_in_addresses_cannot_inject_headers(site: Site, address: str) -> None:
    response = site.post(
        "/subscribe",
        {"email": address, "language": "en", "timezone": "Asia/Seoul", "elections": [ELECTION_2028]},
    )
    assert response.status_code == 400 and "line breaks are not allowed" in response.text
    with Session(site.engine) as session:
        assert session.exec(select(OutboxRow)).first() is None


def test_the_message_builder_refuses_line_breaks_in_header_values() -> None:
    from datetime import UTC, datetime

    for field, value in (
        ("recipient", "a@example.org\r\nBcc: b@example.org"),
        ("subject", "Hi\r\nBcc: b@example.org"),
    ):
        kwargs: dict[str, Any] = {
            "sender": "noreply@example.org",
            "recipient": "a@example.org",
            "subject": "Hi",
            "text": "t",
            "html": "<p>t</p>",
            "message_id": "<1@example.org>",
            "date": datetime.now(UTC),
        }
        kwargs[field] = value
        with pytest.raises(HeaderInjection):
            build_message(**kwargs)


def test_oversized_bodies_are_refused_before_they_are_read(site: Site) -> None:
    big = {"email": "a@example.org", "timezone": "x" * 70_000}
    response = site.post("/subscribe", big)
    assert response.status_code == 413 and "too large" in response.text

    def chunks() -> Iterator[bytes]:
        yield b"csrf_token=" + site.csrf().encode() + b"&email="
        for _ in range(100):
            yield b"x" * 1024

    streamed = site.client.post(
        "/subscribe", content=chunks(), headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert streamed.status_code == 413
    # The console's notice upload may be bigger than a form.
    site.login("editor")
    text = "Date :11/01/2027\n1 Nov: Long\n" + (
        "Voters must register from 14 Nov, 2027 to 13 Feb, 2028. " * 2000
    )
    assert len(text) > 65536
    assert site.post("/admin/notices", {"text": text, "election": ELECTION_2028}).status_code == 303


def test_missing_or_wrong_csrf_token_gives_403(site: Site) -> None:
    form = {
        "email": "a@example.org",
        "language": "en",
        "timezone": "Asia/Seoul",
        "elections": [ELECTION_2028],
    }
    site.client.get("/subscribe")
    assert site.client.post("/subscribe", data=form).status_code == 403
    assert site.client.post("/subscribe", data={**form, "csrf_token": "0" * 32}).status_code == 403
    site.login("editor")
    assert (
        site.client.post(f"/admin/elections/{ELECTION_2028}/preview", data={"day": "2028-04-19"}).status_code
        == 403
    )
    # A login form posted from elsewhere (no cookie) is refused too.
    site.client.cookies.clear()
    assert site.client.post("/admin/login", data={"username": "editor", "password": "x"}).status_code == 403


def test_security_headers_on_pages(site: Site) -> None:
    page = site.client.get("/")
    assert page.headers["x-frame-options"] == "DENY"
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"


@pytest.fixture
def api_app(tmp_path: Path) -> Any:
    from deadlines.web.app import create_app

    app = create_app(make_settings(f"sqlite:///{tmp_path / 'api.db'}", tmp_path))
    yield app
    app.cache.engine.dispose()


def test_api_conforms_to_its_openapi_document(api_app: Any) -> None:
    """Schemathesis generates requests from /openapi.json and checks every answer against it
    (status codes, content types, response schemas, no server errors)."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", api_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.path for op in operations} == {"/api/elections", "/api/elections/{election_id}/deadlines"}
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
        def check(case: Any) -> None:
            case.call_and_validate()

        check()
    # Random ids are all unknown (404); known ones must validate too.
    deadlines = next(op for op in operations if "{election_id}" in op.path)
    for election in ("kr-2024-national-assembly", ELECTION_2028):
        deadlines.Case(path_parameters={"election_id": election}).call_and_validate()
