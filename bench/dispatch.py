"""Reminder dispatch against Postfix's smtp-sink. Prints figures; asserts nothing.

    python bench/dispatch.py [--messages 20000] [--connections 8] [--database URL]

(a) baseline: a raw aiosmtplib loop sending pre-rendered messages over N connections;
(b) the full pipeline: the same number of due reminders in the database, claimed, decided,
    rendered, sent and recorded by the worker over N connections.
Both run back to back against one smtp-sink on loopback; the ratio b/a is the figure that
matters on a shared, noisy machine. Needs smtp-sink (Debian package postfix).
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NOW = datetime(2024, 2, 9, 15, tzinfo=UTC)
CLOSE = NOW + timedelta(days=1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_sink(port: int) -> subprocess.Popen[bytes]:
    sink = shutil.which("smtp-sink") or "/usr/sbin/smtp-sink"
    if not Path(sink).exists():
        raise SystemExit("smtp-sink not found: apt-get install postfix")
    process = subprocess.Popen(
        [sink, "-u", "nobody", f"127.0.0.1:{port}", "1024"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return process
        time.sleep(0.05)
    raise SystemExit("smtp-sink did not start")


async def raw_baseline(port: int, payloads: list[tuple[str, bytes]], connections: int) -> float:
    import aiosmtplib

    queue: asyncio.Queue[tuple[str, bytes]] = asyncio.Queue()
    for item in payloads:
        queue.put_nowait(item)

    async def run() -> None:
        client = aiosmtplib.SMTP(hostname="127.0.0.1", port=port)
        await client.connect()
        while not queue.empty():
            to, data = queue.get_nowait()
            await client.sendmail("noreply@deadlines.example.org", [to], data)
        await client.quit()

    start = time.perf_counter()
    await asyncio.gather(*(run() for _ in range(connections)))
    return len(payloads) / (time.perf_counter() - start)


def worker_processes(url: str, port: int, messages: int, workers: int, connections: int, tmp: str) -> float:
    """`workers` processes running `deadlines worker --once` on a fresh copy of the due rows."""
    import os

    from sqlalchemy import text

    from deadlines.db.engine import make_engine
    from tests.factories import due_reminders

    engine = make_engine(url)
    with engine.begin() as conn:
        for table in ("outbox", "subscription", "subscriber"):
            conn.execute(text(f"DELETE FROM {table}"))
    engine.dispose()
    due_reminders(url, messages, NOW, CLOSE)
    env = {
        **os.environ,
        "DEADLINES_DATABASE_URL": url,
        "DEADLINES_SMTP_HOST": "127.0.0.1",
        "DEADLINES_SMTP_PORT": str(port),
        "DEADLINES_SMTP_CONCURRENCY": str(connections),
        "DEADLINES_BATCH_SIZE": "500",
        "DEADLINES_QUIET_HOURS": "",
        "DEADLINES_CALENDARS_DIR": f"{tmp}/cal",
        "DEADLINES_SECRET_KEY": "bench-secret",
    }
    exe = shutil.which("deadlines") or sys.exit("the deadlines command is not installed")
    start = time.perf_counter()
    procs = [
        subprocess.Popen(
            [exe, "worker", "--once", "--now", NOW.isoformat()],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        for _ in range(workers)
    ]
    outputs = [p.communicate()[0] for p in procs]
    elapsed = time.perf_counter() - start
    sent = sum(int(o.split("sent ")[1].split(",")[0]) for o in outputs if "sent " in o)
    if sent != messages:
        raise SystemExit(f"{workers} workers sent {sent} of {messages}")
    return sent / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=20000)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--database", help="SQLAlchemy URL (default: a fresh SQLite file)")
    parser.add_argument(
        "--workers", default="", help="Also time N worker processes side by side, e.g. 1,2,4 (PostgreSQL)"
    )
    args = parser.parse_args()

    from deadlines.adapters import mail_settings
    from deadlines.mail.render import MailJob, Renderer
    from deadlines.reminders.worker import Worker
    from deadlines.rules import evaluate_election, load_rules
    from deadlines.settings import load_settings
    from tests.factories import due_reminders

    port = free_port()
    sink = start_sink(port)
    with tempfile.TemporaryDirectory(prefix="bench-dispatch-") as tmp:
        url = args.database or f"sqlite:///{tmp}/bench.db"
        settings = load_settings(
            database_url=url,
            smtp_host="127.0.0.1",
            smtp_port=port,
            smtp_concurrency=args.connections,
            quiet_hours="",
            batch_size=500,
            calendars_dir=Path(tmp) / "calendars",
            uid_domain="deadlines.example.org",
            mail_from="Election deadlines <noreply@deadlines.example.org>",
            secret_key="bench-secret",
        )
        try:
            # (a) pre-rendered messages, raw aiosmtplib
            book = load_rules(ROOT / "rules")
            record = next(
                r
                for r in evaluate_election(book, "kr-2024-national-assembly")
                if r.id == "overseas-absentee-report"
            )
            renderer = Renderer(mail_settings(settings))
            payloads = []
            for i in range(1, args.messages + 1):
                job = MailJob(
                    i,
                    "reminder",
                    "P1D",
                    f"voter{i}@example.org",
                    "en" if i % 2 else "ko",
                    "America/Los_Angeles" if i % 2 else "Asia/Seoul",
                    i,
                    record=record,
                    election_name="22nd National Assembly Election",
                    close_at=CLOSE,
                )
                payloads.append((job.email, renderer.render(job, NOW)))
            rate_a = asyncio.run(raw_baseline(port, payloads, args.connections))

            # (b) the full pipeline from the database
            due_reminders(url, args.messages, NOW, CLOSE)
            worker = Worker(settings)

            async def pipeline() -> tuple[object, float]:
                start = time.perf_counter()
                report = await worker.dispatch(NOW)
                elapsed = time.perf_counter() - start
                await worker.close()
                return report, elapsed

            report, elapsed = asyncio.run(pipeline())
            worker.engine.dispose()
            rate_b = report.sent / elapsed  # type: ignore[attr-defined]
            scaling = [
                (n, worker_processes(url, port, args.messages, n, args.connections, tmp))
                for n in (int(w) for w in args.workers.split(",") if w)
            ]
        finally:
            sink.terminate()
            sink.wait(10)
        engine_name = url.split(":", 1)[0]
        print(f"messages: {args.messages}, connections: {args.connections}, database: {engine_name}")
        print(f"(a) raw aiosmtplib, pre-rendered: {rate_a:8.0f} msg/s")
        print(
            f"(b) full pipeline (claim, decide, render, send, record): {rate_b:8.0f} msg/s "
            f"({report.sent} sent in {elapsed:.1f} s; {report})"
        )
        print(f"ratio b/a: {rate_b / rate_a:.2f}")
        for n, rate in scaling:
            print(
                f"{n} worker process(es), {args.connections} connections each: {rate:8.0f} msg/s "
                f"(x{rate / scaling[0][1]:.2f} of {scaling[0][0]})"
            )


if __name__ == "__main__":
    main()
