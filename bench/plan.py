"""Reminder planning at scale, against a plain bulk insert of the same rows. Prints figures.

    python bench/plan.py [--subscriptions 1000000] [--database URL]

Sets up N active subscriptions (voters following candidate deadlines, one trigger each), so that
at the chosen instant exactly one reminder per subscription is due. Then, in a fresh process,
times `plan_new` (streaming subscriptions through the pure planner into the outbox) and its
peak memory, and times a plain bulk insert of the same rows into the same table (executemany;
COPY on PostgreSQL). Prints rows per second for each and the ratio.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
NOW = datetime(2024, 3, 21, 9, tzinfo=UTC)  # P1D of candidate registration (18:00 KST, 22 Mar)
CHUNK = 20000


def setup(url: str, n: int) -> None:
    from sqlalchemy import insert
    from sqlmodel import Session

    from deadlines.db.engine import make_engine, upgrade
    from deadlines.db.models import Subscriber, Subscription
    from deadlines.db.rulesync import apply_rulebook
    from deadlines.rules import load_rules

    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as session:
        apply_rulebook(
            session=session, book=load_rules(ROOT / "rules"), actor="bench", now=NOW - timedelta(days=60)
        )
        session.commit()
    zones = ("Asia/Seoul", "America/Los_Angeles", "Europe/Berlin", "Asia/Tokyo")
    with engine.begin() as conn:
        for start in range(0, n, CHUNK):
            ids = range(start + 1, min(start + CHUNK, n) + 1)
            conn.execute(
                insert(Subscriber.__table__),
                [  # type: ignore[attr-defined]
                    {
                        "id": i,
                        "email": f"c{i}@example.org",
                        "language": "ko",
                        "timezone": zones[i % 4],
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
                        "audiences": ["candidates"],
                        "triggers": ["P1D"],
                        "created_at": NOW,
                    }
                    for i in ids
                ],
            )
    engine.dispose()


def measure(url: str) -> dict[str, float]:
    from sqlalchemy import delete, func, insert, select, text

    from deadlines.db.engine import make_engine
    from deadlines.db.models import OutboxRow
    from deadlines.reminders.plan_db import plan_new

    engine = make_engine(url)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    planned = plan_new(engine, now=NOW, horizon=timedelta(days=1), quiet=None)
    plan_seconds = time.perf_counter() - start
    with engine.connect() as conn:
        stored = conn.execute(select(func.count()).select_from(OutboxRow.__table__)).scalar()  # type: ignore[attr-defined]
    assert stored == planned, f"planning reported {planned} rows but stored {stored}"
    rss_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    table = OutboxRow.__table__  # type: ignore[attr-defined]
    columns = [c.name for c in table.columns if c.name != "id"]
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(select(*[table.c[c] for c in columns]))]
    with engine.begin() as conn:
        conn.execute(delete(table))
    start = time.perf_counter()
    if engine.dialect.name == "postgresql":
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            with cursor.copy(f"COPY outbox ({', '.join(columns)}) FROM STDIN") as copy:  # type: ignore[attr-defined]
                for r in rows:
                    copy.write_row(
                        [json.dumps(r[c]) if isinstance(r[c], (dict, list)) else r[c] for c in columns]
                    )
            raw.commit()
        finally:
            raw.close()
        baseline = "COPY"
    else:
        with engine.begin() as conn:
            for i in range(0, len(rows), CHUNK):
                conn.execute(insert(table), rows[i : i + CHUNK])
        baseline = "executemany insert"
    bulk_seconds = time.perf_counter() - start
    with engine.connect() as conn:
        count = conn.execute(select(func.count()).select_from(table)).scalar()
        conn.execute(text("SELECT 1"))
    engine.dispose()
    return {
        "planned": planned,
        "plan_seconds": plan_seconds,
        "bulk_seconds": bulk_seconds,
        "bulk_rows": count,
        "rss_before_mb": rss_before / 1024,
        "rss_peak_mb": rss_peak / 1024,
        "baseline": baseline,
    }  # type: ignore[dict-item]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscriptions", type=int, default=1_000_000)
    parser.add_argument("--database", help="SQLAlchemy URL (default: a fresh SQLite file)")
    parser.add_argument("--measure-only", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure_only:
        print(json.dumps(measure(args.measure_only)))
        return
    with tempfile.TemporaryDirectory(prefix="bench-plan-") as tmp:
        url = args.database or f"sqlite:///{tmp}/plan.db"
        start = time.perf_counter()
        setup(url, args.subscriptions)
        print(
            f"set up {args.subscriptions:,} subscriptions in {time.perf_counter() - start:.1f} s ({url.split(':')[0]})"
        )
        # A fresh process, so its peak memory is planning's own.
        out = subprocess.run(
            [sys.executable, __file__, "--measure-only", url], capture_output=True, text=True, check=True
        ).stdout
        m = json.loads(out)
    plan_rate = m["planned"] / m["plan_seconds"]
    bulk_rate = m["bulk_rows"] / m["bulk_seconds"]
    print(f"planned {m['planned']:,} reminders in {m['plan_seconds']:.1f} s: {plan_rate:,.0f} rows/s")
    print(f"{m['baseline']} of the same rows: {m['bulk_seconds']:.1f} s: {bulk_rate:,.0f} rows/s")
    print(f"ratio planning / bulk insert: {plan_rate / bulk_rate:.2f}")
    print(
        f"peak memory of the planning process: {m['rss_peak_mb']:.0f} MB (at start {m['rss_before_mb']:.0f} MB)"
    )


if __name__ == "__main__":
    main()
