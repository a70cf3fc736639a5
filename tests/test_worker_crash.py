"""A worker killed with SIGKILL mid-batch, then started again: nothing lost, duplicates bounded."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import Cli, cli_env, deadlines_command
from tests.reminder_helpers import init_database, rows
from tests.smtp_server import SmtpServer

NOW = datetime(2024, 4, 9, 9, tzinfo=UTC)  # P1D of the poll publication ban (18:00 KST, 10 Apr)
CONCURRENCY = 4
UNRECORDED_MAX = 8


@pytest.mark.slow
def test_sigkill_mid_batch_then_restart(db_url: str, tmp_path: Path, smtp_server: SmtpServer) -> None:
    env = {
        **cli_env(db_url, tmp_path),
        "DEADLINES_SMTP_HOST": "127.0.0.1",
        "DEADLINES_SMTP_PORT": str(smtp_server.port),
        "DEADLINES_QUIET_HOURS": "",
        "DEADLINES_LEASE_SECONDS": "30",
        "DEADLINES_SMTP_CONCURRENCY": str(CONCURRENCY),
        "DEADLINES_UNRECORDED_MAX": str(UNRECORDED_MAX),
        "DEADLINES_UID_DOMAIN": "deadlines.example.org",
    }
    init_database(db_url, tmp_path)
    run = Cli(env)
    csv = tmp_path / "list.csv"
    lines = ["email,language,timezone,election,audiences"]
    lines += [f"m{n}@example.org,en,Asia/Seoul,kr-2024-national-assembly,media" for n in range(1000)]
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert run("subscribers", "import", str(csv), "--confirmed").exit_code == 0

    first = subprocess.Popen(
        [*deadlines_command(), "worker", "--once", "--now", NOW.isoformat()],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while smtp_server.count < 650 and time.monotonic() < deadline and first.poll() is None:
        time.sleep(0.01)
    first.send_signal(signal.SIGKILL)
    first.wait()
    received_before = smtp_server.count
    due = rows_of(env, NOW)
    assert len(due) >= 2000, len(due)
    assert received_before < len(due), "the worker finished before it could be killed"
    leased = [r for r in due if r.state == "sending"]
    assert leased, (
        "some rows must have been left leased by the killed worker",
        Counter(r.state for r in due),
        received_before,
    )

    # Started again after the lease expired: it takes over the dead worker's rows.
    later = NOW + timedelta(seconds=31)
    again = subprocess.run(
        [*deadlines_command(), "worker", "--once", "--now", later.isoformat()],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert again.returncode == 0, again.stderr[-2000:]
    final = rows_of(env, later)
    assert {r.state for r in final} == {"sent"}
    ids = Counter(smtp_server.handler.message_ids())
    expected = {f"<reminder-{r.id}@deadlines.example.org>" for r in final}
    assert set(ids) == expected  # none lost
    duplicates = {mid: n for mid, n in ids.items() if n > 1}
    # Only messages in flight or sent but not yet recorded when the process died can go twice:
    # one per connection plus the recorder's bound.
    assert sum(n - 1 for n in duplicates.values()) <= CONCURRENCY + UNRECORDED_MAX, duplicates
    for mid in duplicates:
        twins = smtp_server.handler.with_message_id(mid)
        # The same reminder to the same person (the time left in the subject may differ).
        assert len({str(m["To"]) for m in twins}) == 1


def rows_of(env: dict[str, str], now: datetime) -> list:  # type: ignore[type-arg]
    """Reminder rows due at `now` that are meant to go out (not superseded)."""
    from deadlines.settings import load_settings

    return [
        r
        for r in rows(load_settings(database_url=env["DEADLINES_DATABASE_URL"]))
        if r.kind == "reminder" and r.state != "skipped" and r.due_at <= now
    ]


@pytest.mark.slow
def test_sigterm_finishes_in_flight_and_releases_the_rest(
    db_url: str, tmp_path: Path, smtp_server: SmtpServer
) -> None:
    from datetime import datetime as dt

    from tests.factories import due_reminders

    now = dt.now(UTC)
    init_database(db_url, tmp_path)
    due_reminders(db_url, 1000, now, now + timedelta(days=1), applied=True)
    env = {
        **cli_env(db_url, tmp_path),
        "DEADLINES_SMTP_HOST": "127.0.0.1",
        "DEADLINES_SMTP_PORT": str(smtp_server.port),
        "DEADLINES_SMTP_RATE_LIMIT": "200",  # slow enough to stop it half-way
        "DEADLINES_BATCH_SIZE": "100",
        "DEADLINES_UID_DOMAIN": "deadlines.example.org",
    }
    worker = subprocess.Popen(
        [*deadlines_command(), "worker"],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while smtp_server.count < 200 and time.monotonic() < deadline:
        time.sleep(0.02)
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=60) == 0
    received = Counter(smtp_server.handler.message_ids())
    states = Counter(r.state for r in rows_of(env, now))
    assert 200 <= len(received) < 1000, "stopped half-way"
    assert states["sending"] == 0, "unclaimed rows were not released"
    assert states["sent"] == len(received) and max(received.values()) == 1  # in-flight sends finished
    # Another pass sends the rest, and nothing twice (at full speed: the limit was only there to
    # stop the first one half-way).
    again = subprocess.run(
        [*deadlines_command(), "worker", "--once"],
        env={**os.environ, **env, "DEADLINES_SMTP_RATE_LIMIT": "0"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert again.returncode == 0, again.stderr[-2000:]
    received = Counter(smtp_server.handler.message_ids())
    assert len(received) == 1000 and max(received.values()) == 1
