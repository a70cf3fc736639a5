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


def prepare(url: str, rules: Path, messages: int) -> None:
    """Rules applied, `messages` active subscribers each with one reminder due now."""
    from sqlalchemy import insert
    from sqlmodel import Session, select

    from deadlines.db.engine import make_engine, upgrade
    from deadlines.db.models import DeadlineRow, OutboxRow, Subscriber, Subscription
    from deadlines.db.store import apply_rulebook
    from deadlines.rules import load_rules

    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as session:
        apply_rulebook(session=session, book=load_rules(rules), actor="bench", now=NOW - timedelta(days=30))
        session.commit()
        deadline = session.exec(
            select(DeadlineRow).where(
                DeadlineRow.slug == "overseas-absentee-report",
                DeadlineRow.election_id == "kr-2024-national-assembly",
            )
        ).one()
    chunk = 5000
    with engine.begin() as conn:
        for start in range(0, messages, chunk):
            ids = range(start + 1, min(start + chunk, messages) + 1)
            conn.execute(
                insert(Subscriber.__table__),
                [  # type: ignore[attr-defined]
                    {
                        "id": i,
                        "email": f"voter{i}@example.org",
                        "language": "en" if i % 2 else "ko",
                        "timezone": "America/Los_Angeles" if i % 2 else "Asia/Seoul",
                        "status": "active",
                        "hard_bounces": 0,
                        "origin": "import",
                        "created_at": NOW,
                    }
                    for i in ids
                ],
            )
            conn.execute(
                insert(Subscription.__table__),
                [  # type: ignore[attr-defined]
                    {
                        "id": i,
                        "subscriber_id": i,
                        "election_id": "kr-2024-national-assembly",
                        "audiences": ["overseas"],
                        "triggers": ["P1D"],
                        "created_at": NOW,
                    }
                    for i in ids
                ],
            )
            conn.execute(
                insert(OutboxRow.__table__),
                [  # type: ignore[attr-defined]
                    {
                        "kind": "reminder",
                        "subscriber_id": i,
                        "subscription_id": i,
                        "deadline_id": deadline.id,
                        "trigger": "P1D",
                        "due_at": NOW,
                        "close_at": CLOSE,
                        "revision": deadline.revision,
                        "state": "pending",
                        "attempts": 0,
                        "created_at": NOW,
                    }
                    for i in ids
                ],
            )
    engine.dispose()


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=20000)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--database", help="SQLAlchemy URL (default: a fresh SQLite file)")
    args = parser.parse_args()

    from deadlines.mail.render import MailJob, Renderer
    from deadlines.reminders.worker import Worker, mail_settings
    from deadlines.rules import evaluate_election, load_rules
    from deadlines.settings import load_settings

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
            prepare(url, ROOT / "rules", args.messages)
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


if __name__ == "__main__":
    main()
