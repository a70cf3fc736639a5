"""Feeds over HTTP, through the real server (`deadlines serve`) on a free port."""

from __future__ import annotations

import gzip
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import httpx
import icalendar
import pytest

from tests import pg_databases
from tests.conftest import RULES_DIR, Cli, cli_env, deadlines_command, postgres_unavailable
from tests.http_wait import wait_for_health
from tests.reminder_helpers import init_database
from tests.smtp_server import free_port

FEED = "/calendars/kr-2028-national-assembly.overseas.en.ics"


class Server:
    def __init__(self, env: dict[str, str], tmp_path: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = deadlines_command()
        self.log = (tmp_path / f"server-{self.port}.log").open("w")
        self.process = subprocess.Popen(
            [*command, "serve", "--port", str(self.port)],
            env={**os.environ, **env},
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        if wait_for_health(self.url, alive=lambda: self.process.poll() is None):
            return
        self.stop()
        raise RuntimeError(f"server did not start; log: {Path(self.log.name).read_text()}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


@contextmanager
def _serving(db_url: str, where: Path) -> Iterator[tuple[Server, Cli, Path]]:
    """`deadlines serve` on a database as `init` and `rules apply` leave it, with rule files of
    its own (under `where`) that a test may edit."""
    rules = where / "rules"
    shutil.copytree(RULES_DIR, rules)
    env = {
        **cli_env(db_url, where),
        "DEADLINES_RULES_DIR": str(rules),
        "DEADLINES_FEED_REFRESH_SECONDS": "0.5",
        "DEADLINES_BASE_URL": "https://deadlines.example.org",
    }
    init_database(db_url, where)
    run = Cli(env)
    # The feed files as this site's base URL writes them (the template's were written without).
    assert run("publish").exit_code == 0
    server = Server(env, where)
    try:
        yield server, run, where / "calendars"
    finally:
        server.stop()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Server, Cli, Path]]:
    """One server per engine, shared by the tests that only read from it."""
    where = tmp_path_factory.mktemp(request.param)
    if request.param == "sqlite":
        url = f"sqlite:///{where / 'deadlines.db'}"
    else:
        reason = postgres_unavailable()
        if reason:
            pytest.skip(reason)
        name = pg_databases.new_database()
        request.addfinalizer(lambda: pg_databases.release_database(name))
        url = pg_databases.url_of(name)
    with _serving(url, where) as running:
        yield running


@pytest.fixture
def site(db_url: str, tmp_path: Path) -> Iterator[tuple[Server, Cli, Path]]:
    """A server of the test's own, for a test that changes what it serves."""
    with _serving(db_url, tmp_path) as running:
        yield running


def test_feed_get_head_and_headers(served: tuple[Server, Cli, Path]) -> None:
    server, _run, calendars = served
    r = httpx.get(server.url + FEED)
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/calendar; charset=utf-8"
    assert r.headers["etag"].startswith('"') and not r.headers["etag"].startswith("W/")
    assert "max-age=300" in r.headers["cache-control"]
    assert r.headers["last-modified"].endswith("GMT")
    assert r.content == (calendars / "kr-2028-national-assembly.overseas.en.ics").read_bytes()
    icalendar.Calendar.from_ical(r.content)
    identity = {"Accept-Encoding": "identity"}
    head = httpx.head(server.url + FEED, headers=identity)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == httpx.get(server.url + FEED, headers=identity).headers["etag"]
    assert head.headers["content-length"] == str(len(r.content))


def test_conditional_requests_give_304(served: tuple[Server, Cli, Path]) -> None:
    server, _run, _ = served
    r = httpx.get(server.url + FEED)
    again = httpx.get(server.url + FEED, headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == r.headers["etag"]
    weak = httpx.get(server.url + FEED, headers={"If-None-Match": 'W/"nope", W/' + r.headers["etag"]})
    assert weak.status_code == 304
    stale = httpx.get(server.url + FEED, headers={"If-None-Match": '"something-else"'})
    assert stale.status_code == 200
    since = httpx.get(server.url + FEED, headers={"If-Modified-Since": r.headers["last-modified"]})
    assert since.status_code == 304
    old = format_datetime(datetime.now(UTC) - timedelta(days=3650), usegmt=True)
    assert httpx.get(server.url + FEED, headers={"If-Modified-Since": old}).status_code == 200


def test_gzip_when_asked(served: tuple[Server, Cli, Path]) -> None:
    server, _run, _ = served
    plain = httpx.get(server.url + FEED, headers={"Accept-Encoding": "identity"})
    with httpx.Client() as client:
        raw = client.get(server.url + FEED, headers={"Accept-Encoding": "gzip"})
    assert raw.headers["content-encoding"] == "gzip"
    assert raw.content == plain.content  # httpx decodes
    assert raw.headers["etag"] != plain.headers["etag"]
    assert int(raw.headers["content-length"]) < len(plain.content)
    assert gzip.decompress(gzip.compress(plain.content)) == plain.content


def test_query_options_and_errors(served: tuple[Server, Cli, Path]) -> None:
    server, _run, _ = served
    by_query = httpx.get(server.url + "/calendars/kr-2028-national-assembly.ics?lang=ko&audience=overseas")
    by_name = httpx.get(server.url + "/calendars/kr-2028-national-assembly.overseas.ko.ics")
    assert by_query.status_code == 200 and by_query.content == by_name.content
    alarms = httpx.get(server.url + FEED + "?alarms=P7D,P1D")
    assert alarms.status_code == 200 and alarms.content.count(b"BEGIN:VALARM") > 0
    missing = httpx.get(server.url + "/calendars/kr-1999-nothing.en.ics")
    assert missing.status_code == 404 and "{election}.{lang}.ics" in missing.text
    for bad, message in (
        ("?lang=fr", "lang: 'fr' is not offered"),
        ("?alarms=P1D,P2D,P3D,P4D", "at most 3"),
        ("?alarms=soon", "not an ISO 8601 duration"),
        ("?audience=aliens", "audience: 'aliens'"),
        ("?colour=red", "unknown option 'colour'"),
    ):
        r = httpx.get(server.url + "/calendars/kr-2028-national-assembly.ics" + bad)
        assert r.status_code == 400 and message in r.text, (bad, r.text)
    conflict = httpx.get(server.url + "/calendars/kr-2028-national-assembly.en.ics?lang=ko")
    assert conflict.status_code == 400
    assert httpx.post(server.url + FEED).status_code == 405


def test_index_pages_and_health(served: tuple[Server, Cli, Path]) -> None:
    server, _run, calendars = served
    page = httpx.get(server.url + "/calendars/")
    assert page.status_code == 200
    assert "webcal://deadlines.example.org/calendars/kr-2028-national-assembly.overseas.en.ics" in page.text
    assert "https://calendar.google.com/calendar/render?cid=webcal%3A%2F%2Fdeadlines.example.org" in page.text
    index = httpx.get(server.url + "/calendars/index.json")
    assert index.status_code == 200 and index.content == (calendars / "index.json").read_bytes()
    health = httpx.get(server.url + "/healthz").json()
    assert health["status"] == "ok" and health["feeds"] == "ok"


def test_change_from_another_process_is_served_without_restart(site) -> None:  # type: ignore[no-untyped-def]
    server, run, _ = site
    before = httpx.get(server.url + FEED)
    rules = Path(run.env["DEADLINES_RULES_DIR"])
    path = rules / "elections.toml"
    path.write_text(
        # The 2028 day is computed from the term (12 Apr); staff announce another one.
        path.read_text(encoding="utf-8").replace(
            "term_ends = 2028-05-29", "day = 2028-04-19\nterm_ends = 2028-05-29"
        ),
        encoding="utf-8",
    )
    assert run("rules", "apply").exit_code == 0
    deadline = time.monotonic() + 10
    after = before
    while time.monotonic() < deadline:
        after = httpx.get(server.url + FEED)
        if after.content != before.content:
            break
        time.sleep(0.2)
    assert after.content != before.content
    cal = icalendar.Calendar.from_ical(after.content)
    day = next(e for e in cal.walk("VEVENT") if str(e["uid"]).startswith("election-day.event."))
    assert day["sequence"] == 2
    assert day.decoded("dtstart").date().isoformat() == "2028-04-19"
    assert httpx.get(server.url + FEED, headers={"If-None-Match": before.headers["etag"]}).status_code == 200
