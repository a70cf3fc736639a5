"""Bulk factories for tests and benchmarks: many subscribers with reminders due at one instant."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import insert
from sqlmodel import Session, select

from deadlines.db.engine import make_engine, upgrade
from deadlines.db.models import DeadlineRow, OutboxRow, Subscriber, Subscription
from deadlines.db.rulesync import apply_rulebook
from deadlines.rules import load_rules

ROOT = Path(__file__).resolve().parent.parent
CHUNK = 5000


def due_reminders(
    url: str, n: int, now: datetime, close: datetime, *, rules: Path = ROOT / "rules", applied: bool = False
) -> None:
    """The shipped rules applied, and `n` active subscribers each with one P1D reminder of the
    22nd election's overseas reporting due at `now` (closing at `close`). The subscriptions
    follow media deadlines, none of which a planning pass near `now` adds, so the rows made
    here are exactly what is due. With `applied`, the database already holds the shipped rules
    (a test's copy of the template database)."""
    engine = make_engine(url)
    if not applied:
        upgrade(engine)
        with Session(engine) as session:
            apply_rulebook(
                session=session, book=load_rules(rules), actor="factory", now=now - timedelta(days=30)
            )
            session.commit()
    with Session(engine) as session:
        deadline = session.exec(
            select(DeadlineRow).where(
                DeadlineRow.slug == "overseas-absentee-report",
                DeadlineRow.election_id == "kr-2024-national-assembly",
            )
        ).one()
    with engine.begin() as conn:
        for start in range(0, n, CHUNK):
            ids = range(start + 1, min(start + CHUNK, n) + 1)
            conn.execute(
                insert(Subscriber.__table__),  # type: ignore[attr-defined]
                [
                    {
                        "id": i,
                        "email": f"voter{i}@example.org",
                        "language": "en" if i % 2 else "ko",
                        "timezone": "America/Los_Angeles" if i % 2 else "Asia/Seoul",
                        "status": "active",
                        "hard_bounces": 0,
                        "origin": "import",
                        "created_at": now,
                    }
                    for i in ids
                ],
            )
            conn.execute(
                insert(Subscription.__table__),  # type: ignore[attr-defined]
                [
                    {
                        "id": i,
                        "subscriber_id": i,
                        "election_id": "kr-2024-national-assembly",
                        "audiences": ["media"],
                        "triggers": ["P1D"],
                        "created_at": now,
                    }
                    for i in ids
                ],
            )
            conn.execute(
                insert(OutboxRow.__table__),  # type: ignore[attr-defined]
                [
                    {
                        "kind": "reminder",
                        "subscriber_id": i,
                        "subscription_id": i,
                        "deadline_id": deadline.id,
                        "trigger": "P1D",
                        "due_at": now,
                        "close_at": close,
                        "revision": deadline.revision,
                        "state": "pending",
                        "attempts": 0,
                        "created_at": now,
                    }
                    for i in ids
                ],
            )
        if engine.dialect.name == "postgresql":
            # Explicit ids above leave the sequences behind; later inserts must not collide.
            for table in ("subscriber", "subscription"):
                conn.exec_driver_sql(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))")
    engine.dispose()
