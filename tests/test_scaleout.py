"""Scale-out on PostgreSQL: several workers share one outbox; several web processes one database."""

from __future__ import annotations

import os
import subprocess
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from deadlines.db.engine import make_engine
from deadlines.reminders.plan_db import plan_new
from deadlines.settings import load_settings
from tests.conftest import Cli, cli_env, deadlines_command
from tests.factories import due_reminders
from tests.reminder_helpers import init_database, rows
from tests.smtp_server import SmtpServer

NOW = datetime(2024, 2, 9, 15, tzinfo=UTC)
CLOSE = NOW + timedelta(days=1)


@pytest.mark.slow(seconds=150)
def test_four_workers_deliver_20000_reminders_exactly_once(
    postgres_url: str, tmp_path: Path, smtp_server: SmtpServer
) -> None:
    init_database(postgres_url, tmp_path)
    due_reminders(postgres_url, 20000, NOW, CLOSE, applied=True)
    env = {
        **os.environ,
        **cli_env(postgres_url, tmp_path),
        "DEADLINES_SMTP_HOST": "127.0.0.1",
        "DEADLINES_SMTP_PORT": str(smtp_server.port),
        "DEADLINES_SMTP_CONCURRENCY": "2",
        "DEADLINES_BATCH_SIZE": "100",
        "DEADLINES_UID_DOMAIN": "deadlines.example.org",
    }
    # Each worker's log goes to a file: four pipes read one after another could fill and stall.
    logs = [tmp_path / f"worker{n}.log" for n in range(4)]
    workers = []
    for log in logs:
        with log.open("w") as err:
            workers.append(
                subprocess.Popen(
                    [*deadlines_command(), "worker", "--once", "--now", NOW.isoformat()],
                    env=env,
                    stdout=subprocess.PIPE,
                    stderr=err,
                    text=True,
                )
            )
    outputs = [w.communicate(timeout=600)[0] for w in workers]
    assert all(w.returncode == 0 for w in workers), [
        (w.returncode, out, log.read_text()[-2000:])
        for w, out, log in zip(workers, outputs, logs, strict=True)
    ]
    sent_by = [int(o.split("sent ")[1].split(",")[0]) for o in outputs]
    assert sum(sent_by) == 20000
    assert sum(1 for n in sent_by if n > 0) >= 2, f"the work was not shared: {sent_by}"
    ids = Counter(smtp_server.handler.message_ids())
    assert len(ids) == 20000 and max(ids.values()) == 1  # none lost, none twice
    final = rows(load_settings(database_url=postgres_url), kind="reminder")
    due = [r for r in final if r.due_at <= NOW]
    assert {r.state for r in due} == {"sent"} and len(due) == 20000
    # The workers' planning pass adds later reminders; none of them is due yet.
    assert all(r.state == "pending" and r.due_at > NOW for r in final if r.due_at > NOW)


@pytest.mark.slow(seconds=8)
def test_planning_reads_a_fresh_bulk_import_in_linear_time(postgres_url: str, tmp_path: Path) -> None:
    """Found in CI: four workers planning 20,000 new subscriptions all ran past the statement
    timeout on the first FETCH. Before any ANALYZE the server guessed a dozen active subscribers,
    and a cursor is planned for its first tenth by default, so it chose a nested loop over the
    subscriber table for every subscription. Quadratic: reading 10,000 took some 2 s here, planned
    for every row 0.03 s; half a second bounds it with room for a loaded machine."""
    init_database(postgres_url, tmp_path)
    due_reminders(postgres_url, 10000, NOW, CLOSE, applied=True)
    # The factory made the reminders these subscriptions are owed, so planning adds none and
    # the timeout bounds reading them alone.
    engine = make_engine(postgres_url, statement_timeout_ms=500)
    try:
        planned = plan_new(engine, now=NOW, horizon=timedelta(days=30), quiet=None)
    finally:
        engine.dispose()
    assert planned == 0


@pytest.mark.slow
def test_a_rule_published_through_one_web_process_is_served_by_the_other(
    postgres_url: str, tmp_path: Path
) -> None:
    import shutil

    from tests.conftest import RULES_DIR
    from tests.test_feeds_http import Server

    rules = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules)
    env = {
        **cli_env(postgres_url, tmp_path),
        "DEADLINES_RULES_DIR": str(rules),
        "DEADLINES_FEED_REFRESH_SECONDS": "1",
    }
    run = Cli(env)
    assert run("init").exit_code == 0 and run("rules", "apply").exit_code == 0
    first, second = Server(env, tmp_path), Server(env, tmp_path)
    try:
        feed = "/calendars/kr-2028-national-assembly.en.ics"
        before = httpx.get(second.url + feed).content
        assert before == httpx.get(first.url + feed).content
        path = rules / "elections.toml"
        path.write_text(
            # The 2028 day is computed from the term; the files now announce another.
            path.read_text(encoding="utf-8").replace(
                "term_ends = 2028-05-29", "day = 2028-04-19\nterm_ends = 2028-05-29"
            ),
            encoding="utf-8",
        )
        assert run("rules", "apply").exit_code == 0
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            a, b = httpx.get(first.url + feed).content, httpx.get(second.url + feed).content
            if a != before and b != before:
                break
            time.sleep(0.2)
        assert a == b != before
        assert b"DTSTART;TZID=Asia/Seoul:20280419T060000" in b
    finally:
        first.stop()
        second.stop()


def _restart_command() -> list[str] | None:
    import shutil

    # Restarting the machine's PostgreSQL cluster cuts off everyone else using it: only when
    # asked (.ci/run asks when it started the cluster itself).
    if os.environ.get("DEADLINES_TEST_RESTART_POSTGRES") != "1":
        return None
    versions = sorted(Path("/etc/postgresql").glob("*")) if Path("/etc/postgresql").exists() else []
    if not versions or not shutil.which("pg_ctlcluster") or os.geteuid() != 0:
        return None
    return ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1].name, "main", "restart"]


@pytest.mark.slow
def test_postgresql_restart_mid_run_loses_nothing(
    postgres_url: str, tmp_path: Path, smtp_server: SmtpServer
) -> None:

    from tests.test_feeds_http import Server

    restart = _restart_command()
    if restart is None:
        pytest.skip(
            "restarts the local PostgreSQL cluster: set DEADLINES_TEST_RESTART_POSTGRES=1 "
            "(needs root and pg_ctlcluster)"
        )
    now = datetime.now(UTC)
    due_reminders(postgres_url, 3000, now, now + timedelta(days=1))
    env = {
        **cli_env(postgres_url, tmp_path),
        "DEADLINES_SMTP_HOST": "127.0.0.1",
        "DEADLINES_SMTP_PORT": str(smtp_server.port),
        "DEADLINES_DISPATCH_INTERVAL_SECONDS": "0.5",
        "DEADLINES_BATCH_SIZE": "50",
        "DEADLINES_SMTP_RATE_LIMIT": "500",
        "DEADLINES_FEED_REFRESH_SECONDS": "0.5",
        "DEADLINES_UID_DOMAIN": "deadlines.example.org",
    }
    web = Server(env, tmp_path)
    worker = subprocess.Popen(
        [*deadlines_command(), "worker"],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while smtp_server.count < 500 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert smtp_server.count >= 500
        subprocess.run(restart, check=True, capture_output=True, timeout=60)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if len(set(smtp_server.handler.message_ids())) >= 3000:
                break
            time.sleep(0.2)
        ids = Counter(smtp_server.handler.message_ids())
        assert len(ids) == 3000, f"{len(ids)} of 3000 arrived"  # nothing lost
        # A send whose outcome could not be stored while the server was down may go twice.
        assert sum(n - 1 for n in ids.values()) <= 100
        assert worker.poll() is None, "the worker must survive the restart"
        health = httpx.get(web.url + "/healthz")
        assert health.status_code == 200 and health.json()["database"] == "ok"
        assert httpx.get(web.url + "/calendars/upcoming.en.ics").status_code == 200
    finally:
        worker.terminate()
        worker.wait(30)
        web.stop()
