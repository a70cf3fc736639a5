"""Issue 10's hostile-input reproductions, replayed: an unwritable database answers 503 (never a
bare 500) and /healthz says so; huge numbers, far dates, deep nesting and huge CSV fields get one
clear line; two `rules apply` at once; security headers everywhere; /docs works; console status
messages come from the server; slow clients lose their connection."""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
import uvicorn
from sqlmodel import Session

from deadlines.db.models import ServiceState, Subscriber
from deadlines.web.app import create_app
from deadlines.web.server import server_config
from tests.conftest import RULES_DIR, Cli, cli_env, deadlines_command
from tests.reminder_helpers import add_subscriber
from tests.web_helpers import ELECTION_2028, PASSWORDS, Site, hidden, make_settings, running_site

NOW = datetime(2027, 11, 20, 9, tzinfo=UTC)
SECURITY = ("x-content-type-options", "x-frame-options", "referrer-policy", "content-security-policy")


def _no_traceback(text: str) -> None:
    assert "Traceback" not in text and "Internal Server Error" not in text


def _secured(response: Any) -> None:
    for name in SECURITY:
        assert name in response.headers, f"{name} missing on {response.request.url}"
    assert response.headers["x-content-type-options"] == "nosniff"


@pytest.fixture
def quick(monkeypatch: pytest.MonkeyPatch) -> None:
    """Web requests give up on a held write lock after 0.3 s instead of 3, to keep tests short."""
    monkeypatch.setattr("deadlines.web.app.WEB_LOCK_WAIT_MS", 300)


def _unsubscribe_token(site: Site, subscriber_id: int) -> str:
    from deadlines.reminders import subscribers
    from deadlines.tokens import make_token

    with Session(site.engine) as session:
        subscriber = session.get(Subscriber, subscriber_id)
        assert subscriber is not None
        if hasattr(subscriber, "secret") and hasattr(subscribers, "link_token"):
            return str(subscribers.link_token(site.settings.secret_key, "unsubscribe", subscriber))
    return make_token(site.settings.secret_key, "unsubscribe", subscriber_id)


def _writes_refused(site: Site, token: str) -> None:
    """Sign-up, login and one-click unsubscribe each answer 503 with Retry-After, in the
    visitor's language; the API answers JSON; /healthz is not ok."""
    csrf = site.csrf()
    signup = site.client.post(
        "/subscribe",
        data={"csrf_token": csrf, "email": "new@example.org", "language": "en", "elections": [ELECTION_2028]},
    )
    assert signup.status_code == 503, signup.text[:300]
    assert int(signup.headers["retry-after"]) > 0
    assert "Please try again shortly" in signup.text
    _no_traceback(signup.text)
    _secured(signup)
    korean = site.client.post(
        "/subscribe",
        data={"csrf_token": csrf, "email": "new@example.org", "language": "ko", "elections": [ELECTION_2028]},
        headers={"accept-language": "ko-KR,ko;q=0.9"},
    )
    assert korean.status_code == 503 and "잠시 후 다시 시도해 주세요" in korean.text
    login = site.client.post(
        "/admin/login",
        data={"csrf_token": csrf, "username": "editor", "password": PASSWORDS["editor"]},
        follow_redirects=False,
    )
    assert login.status_code == 503 and "retry-after" in login.headers, login.text[:300]
    _no_traceback(login.text)
    one_click = site.client.post(f"/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 503 and "retry-after" in one_click.headers, one_click.text[:300]
    json_answer = site.client.post(
        f"/unsubscribe/{token}",
        headers={"accept": "application/json"},
        data={"List-Unsubscribe": "One-Click"},
    )
    assert json_answer.status_code == 503 and "detail" in json_answer.json()
    health = site.client.get("/healthz")
    assert health.status_code == 503 and health.json()["status"] == "error", health.text
    # Reading still works while writing does not.
    assert site.client.get(f"/elections/{ELECTION_2028}").status_code == 200


@contextmanager
def _site(db_url: str, tmp_path: Path, **changes: Any) -> Iterator[Site]:
    settings = make_settings(db_url, tmp_path)
    if changes:
        settings = settings.model_copy(update=changes)
    with running_site(settings) as site:
        yield site


def _subscriber(site: Site) -> int:
    return add_subscriber(site.settings, "voter@example.org", "Asia/Seoul", now=NOW)


@contextmanager
def _held_write_lock(db_url: str) -> Iterator[None]:
    """Another connection holds the database's write lock (a long write elsewhere)."""
    if db_url.startswith("sqlite"):
        conn = sqlite3.connect(db_url.removeprefix("sqlite:///"), isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            conn.execute("ROLLBACK")
            conn.close()
        return
    with psycopg.connect(db_url.replace("postgresql+psycopg://", "postgresql://")) as pg:
        # EXCLUSIVE mode lets others read these tables but not write them, like a long write.
        pg.execute("LOCK TABLE rate_event, subscriber, service_state IN EXCLUSIVE MODE")
        yield
        pg.rollback()


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


@pytest.mark.usefixtures("quick")
def test_held_write_lock_gives_503_with_retry_after_not_500(db_url: str, tmp_path: Path) -> None:
    with _site(db_url, tmp_path) as site:
        token = _unsubscribe_token(site, _subscriber(site))
        site.csrf()
        with _held_write_lock(_libpq(db_url)):
            started = time.monotonic()
            _writes_refused(site, token)
            assert time.monotonic() - started < 30  # quick answers, no hang
        # Once the lock is gone, everything works again.
        assert site.client.get("/healthz").json()["status"] == "ok"
        assert site.client.post(f"/unsubscribe/{token}").status_code == 200


@pytest.mark.usefixtures("quick")
def test_read_only_database_gives_503_and_healthz_says_so(db_url: str, tmp_path: Path) -> None:
    if db_url.startswith("sqlite"):
        read_only = f"sqlite:///file:{db_url.removeprefix('sqlite:///')}?mode=ro&uri=true"
    else:
        read_only = db_url + ("&" if "?" in db_url else "?") + "options=-cdefault_transaction_read_only%3Don"
    settings = make_settings(db_url, tmp_path)
    token_site = running_site(settings)
    with token_site as writable:
        token = _unsubscribe_token(writable, _subscriber(writable))
    with running_site(settings.model_copy(update={"database_url": read_only})) as site:
        _writes_refused(site, token)


def test_postgresql_down_gives_503(postgres_url: str, tmp_path: Path) -> None:
    settings = make_settings(postgres_url, tmp_path)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once closed
    down = settings.model_copy(update={"database_url": f"postgresql://postgres@127.0.0.1:{port}/test"})
    with running_site(down) as site:
        health = site.client.get("/healthz")
        assert health.status_code == 503 and health.json()["status"] == "error"
        signup = site.client.post(
            "/subscribe", data={"csrf_token": site.csrf(), "email": "a@example.org", "language": "ko"}
        )
        assert signup.status_code == 503 and "retry-after" in signup.headers
        _no_traceback(signup.text)
        api = site.client.get(f"/api/elections/{ELECTION_2028}/deadlines")
        assert api.status_code in (200, 404, 503)


def test_healthz_names_a_relay_problem(site_any_db: Site) -> None:
    site = site_any_db
    assert site.client.get("/healthz").json()["status"] == "ok"
    with Session(site.engine) as session:
        detail = "5.7.8 Error: authentication failed"
        value = {"state": "error", "stage": "auth", "code": 535, "detail": detail, "at": NOW.isoformat()}
        session.add(ServiceState(key="relay", value=value, updated_at=NOW))
        session.commit()
    health = site.client.get("/healthz")
    body = health.json()
    assert body["status"] != "ok" and body["database"] == "ok"
    assert "535" in health.text and "authentication failed" in health.text


@contextmanager
def _serving(site: Site, header_timeout: float = 10) -> Iterator[int]:
    """The app under uvicorn as `deadlines serve` runs it, on a free port (yielded)."""
    config = server_config(create_app(site.settings), host="127.0.0.1", port=0, header_timeout=header_timeout)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        yield server.servers[0].sockets[0].getsockname()[1]
    finally:
        server.should_exit = True
        thread.join(10)


def test_slow_client_that_never_finishes_its_headers_is_disconnected(site: Site) -> None:
    with _serving(site, header_timeout=1) as port:
        with socket.create_connection(("127.0.0.1", port)) as client:
            client.settimeout(10)
            client.sendall(b"GET /healthz HT")
            started = time.monotonic()
            assert client.recv(100) == b""  # closed by the server, nothing answered
            assert time.monotonic() - started < 5
        with socket.create_connection(("127.0.0.1", port)) as client:  # a byte at a time
            client.settimeout(10)
            started = time.monotonic()
            closed = False
            for byte in b"GET /healthz HTTP/1.1\r\nHost: x\r\n":
                try:
                    client.sendall(bytes([byte]))
                except OSError:
                    closed = True
                    break
                time.sleep(0.1)
            closed = closed or client.recv(100) == b""
            assert closed and time.monotonic() - started < 6
        with socket.create_connection(("127.0.0.1", port)) as client:  # a whole request still works
            client.settimeout(10)
            client.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            answer = b""
            while chunk := client.recv(4096):
                answer += chunk
            assert answer.startswith(b"HTTP/1.1 200")


@pytest.mark.parametrize("alarms", ["P99999999999D", "PT99999999999999999999H", "P" + "9" * 5000 + "W"])
def test_huge_feed_alarm_is_a_400(site: Site, alarms: str) -> None:
    response = site.client.get(f"/calendars/upcoming.en.ics?alarms={alarms}")
    assert response.status_code == 400 and "outside 1 minute to 90 days" in response.text
    _secured(response)


def test_huge_numbers_in_console_addresses_are_not_500s(site_any_db: Site) -> None:
    site = site_any_db
    site.login("editor")
    huge = "99999999999999999999999"
    for path in (f"/admin/audit?before={huge}", f"/admin/notices/{huge}", f"/admin/audit?before=-{huge}"):
        response = site.client.get(path)
        assert response.status_code in (200, 400, 404, 422), (path, response.status_code)
        _no_traceback(response.text)
        _secured(response)


def _rules_copy(tmp_path: Path) -> Path:
    rules = tmp_path / "rules-copy"
    shutil.copytree(RULES_DIR, rules)
    return rules


def _one_line_error(result: Any) -> str:
    assert result.exit_code == 1, result.output
    _no_traceback(result.output)
    assert len(result.output.strip().splitlines()) <= 3, result.output
    return str(result.output)


def test_election_day_9999_12_31_is_a_rule_error_naming_file_and_field(
    run_sqlite: Cli, tmp_path: Path
) -> None:
    rules = _rules_copy(tmp_path)
    elections = rules / "elections.toml"
    elections.write_text(
        elections.read_text(encoding="utf-8").replace("term_ends = 2028-05-29", "day = 9999-12-31")
    )
    output = _one_line_error(run_sqlite("rules", "check", str(rules)))
    assert "elections.toml" in output and ELECTION_2028 in output and "'day'" in output
    # A what-if day that the law's offsets push past the calendar names the rule and its field.
    what_if = run_sqlite("rules", "show", "--ruleset", "kr-national-assembly", "--day", "9999-12-31")
    output = _one_line_error(what_if)
    assert ("kr-national-assembly.toml" in output and "field 'closes'" in output) or "field 'opens'" in output


def test_election_day_9999_12_31_in_the_console_preview_is_a_400(site: Site) -> None:
    site.login("editor")
    response = site.post(
        f"/admin/elections/{ELECTION_2028}/preview",
        {
            "day": "9999-12-31",
            "override_rule": "",
            "override_opens": "",
            "override_closes": "",
            "override_reason": "",
        },
    )
    assert response.status_code == 400, response.text[:300]
    assert "outside the dates this service computes" in response.text
    _no_traceback(response.text)


def test_deeply_nested_toml_is_one_line(run_sqlite: Cli, tmp_path: Path) -> None:
    rules = _rules_copy(tmp_path)
    (rules / "deep.toml").write_text("x = " + "[" * 100_000 + "]" * 100_000 + "\n")
    output = _one_line_error(run_sqlite("rules", "check", str(rules)))
    assert "deep.toml" in output and "nested too deeply" in output


def test_csv_field_over_the_csv_limit_is_one_line_naming_the_line(run_sqlite: Cli, tmp_path: Path) -> None:
    assert run_sqlite("init").exit_code == 0
    file = tmp_path / "list.csv"
    file.write_text(
        "email,language,timezone,election,audiences\n"
        f"a@example.org,en,Asia/Seoul,{ELECTION_2028},\n"
        f"b@example.org,en,Asia/Seoul,{'x' * 140_000},\n"
    )
    output = _one_line_error(run_sqlite("subscribers", "import", str(file)))
    assert "line 3" in output and "nothing was imported" in output


@contextmanager
def _apply_running(db_url: str) -> Iterator[None]:
    """What a `rules apply` in another process holds while it runs."""
    if db_url.startswith("sqlite"):
        with _held_write_lock(db_url):
            yield
        return
    from deadlines.cli.rules import APPLY_LOCK_KEY

    with psycopg.connect(_libpq(db_url)) as pg:
        pg.execute(f"SELECT pg_advisory_xact_lock({APPLY_LOCK_KEY})")
        yield
        pg.rollback()


def test_second_rules_apply_is_told_another_is_running(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("deadlines.db.engine.LOCK_WAIT_MS", 300)
    run = Cli(cli_env(db_url, tmp_path))
    assert run("init").exit_code == 0
    with _apply_running(db_url):
        result = run("rules", "apply")
    output = _one_line_error(result)
    assert "another `rules apply` is running" in output and "UNIQUE" not in output
    assert run("rules", "apply").exit_code == 0


def test_two_rules_apply_at_once_never_give_a_raw_unique_error(db_url: str, tmp_path: Path) -> None:
    env = cli_env(db_url, tmp_path)
    assert Cli(env)("init").exit_code == 0
    command = [*deadlines_command(), "rules", "apply"]
    processes = [
        subprocess.Popen(
            command, env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        for _ in range(2)
    ]
    outputs = [(p.wait(120), p.communicate()[0]) for p in processes]
    for code, output in outputs:
        assert code == 0 or "another `rules apply` is running" in output, output
        _no_traceback(output)
        assert "UNIQUE" not in output and "duplicate key" not in output
    assert any(code == 0 for code, _ in outputs)


def test_security_headers_on_every_kind_of_response(site: Site) -> None:
    client = site.client
    feed = client.get("/calendars/upcoming.en.ics")
    assert feed.status_code == 200
    responses = [
        feed,
        client.get("/calendars/upcoming.en.ics", headers={"if-none-match": feed.headers["etag"]}),
        client.get("/calendars/no-such-election.en.ics"),
        client.get("/calendars/upcoming.en.ics?colour=red"),
        client.post("/calendars/upcoming.en.ics"),
        client.get("/calendars/index.json"),
        client.get("/api/elections"),
        client.get("/no/such/page"),
        client.get("/static/site.css"),
        client.get("/healthz"),
        client.get("/"),
    ]
    assert [r.status_code for r in responses[:5]] == [200, 304, 404, 400, 405]
    for response in responses:
        _secured(response)


def test_api_docs_are_served_from_this_site_with_their_own_policy(site: Site) -> None:
    import base64
    import hashlib
    import re

    for path, asset in (("/docs", "swagger-ui-bundle.js"), ("/redoc", "redoc.standalone.js")):
        page = site.client.get(path)
        assert page.status_code == 200
        policy = page.headers["content-security-policy"]
        assert (
            "cdn" not in page.text
            and "http" not in policy
            and "'unsafe-inline'" not in policy.split("script-src")[1]
        )
        src = re.search(r'<script src="([^"]+)"', page.text)
        assert src and src.group(1).endswith(asset)
        assert site.client.get(src.group(1)).status_code == 200
        for inline in re.findall(r"<script>(.*?)</script>", page.text, re.S):
            digest = base64.b64encode(hashlib.sha256(inline.encode()).digest()).decode()
            assert f"'sha256-{digest}'" in policy
    assert site.client.get("/openapi.json").status_code == 200


def test_console_status_message_never_comes_from_the_query_string(site: Site) -> None:
    site.login("editor")
    forged = "Your password expired: sign in at evil.example"
    page = site.client.get(f"/admin/history/election/{ELECTION_2028}?note={forged}")
    # (The text comes back only inside the escaped language-switch link, as any query does.)
    assert (
        page.status_code == 200 and 'role="status"' not in page.text and "password expired" not in page.text
    )
    site.client.cookies.set("flash", "WW91ciBwYXNzd29yZA.0123456789", path="/admin")
    assert "Your password" not in site.client.get(f"/admin/history/election/{ELECTION_2028}").text
    site.client.cookies.delete("flash", path="/admin")
    preview = site.post(
        f"/admin/elections/{ELECTION_2028}/preview",
        {
            "day": "2028-04-19",
            "override_rule": "",
            "override_opens": "",
            "override_closes": "",
            "override_reason": "",
        },
    )
    published = site.post(
        "/admin/publish",
        {
            "kind": "election",
            "key": ELECTION_2028,
            "document": hidden(preview.text, "document"),
            "base_revision": hidden(preview.text, "base_revision"),
            "action": "edit",
        },
    )
    assert published.status_code == 303 and "note" not in published.headers["location"]
    history = site.client.get(published.headers["location"])
    assert "published revision" in history.text  # the server's own message, once
    assert "published revision" not in site.client.get(published.headers["location"]).text


@pytest.mark.skipif(
    not (Path("/usr/bin/chromium").exists() and Path("/usr/bin/chromedriver").exists()),
    reason="needs Debian's chromium and chromedriver (.ci/run installs them)",
)
def test_api_docs_render_in_a_browser_under_their_policy(site: Site, tmp_path: Path) -> None:
    """/docs and /redoc came up blank: the site's policy blocked the CDN they load from."""
    from tests.test_browser import _browser

    browser: Any = _browser(tmp_path, "en")
    try:
        with _serving(site) as port:
            for path, selector in (("/docs", ".opblock"), ("/redoc", "[data-section-id]")):
                browser.get(f"http://127.0.0.1:{port}{path}")
                deadline = time.monotonic() + 20
                while not browser.find_elements("css selector", selector) and time.monotonic() < deadline:
                    time.sleep(0.2)
                assert browser.find_elements("css selector", selector), f"{path} rendered nothing"
                assert "/api/elections" in browser.page_source
    finally:
        browser.quit()
