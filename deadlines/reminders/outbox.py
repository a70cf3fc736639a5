"""The outbox in the database: claiming due rows under a lease, deciding, and recording outcomes.

Rows move pending -> sending (leased) -> sent, or to retry, failed, skipped or cancelled. A
worker that dies leaves its rows leased; once the lease expires any worker takes them again.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import Engine, and_, or_, update
from sqlmodel import Session, col, select

from deadlines.db.convert import row_to_record
from deadlines.db.models import DeadlineRow, ElectionRow, OutboxRow, Subscriber
from deadlines.mail.render import MailJob
from deadlines.reminders.planning import replan

OPEN = ("pending", "retry")
MAX_BACKOFF = timedelta(hours=6)


@dataclass(frozen=True)
class Decision:
    outbox_id: int
    state: str  # send, skipped, cancelled, pending (re-planned)
    reason: str = ""
    job: MailJob | None = None


def claim(engine: Engine, *, now: datetime, worker: str, batch: int, lease: timedelta) -> list[int]:
    """Take up to `batch` due rows (and rows whose lease expired) for this worker."""
    due = or_(
        and_(col(OutboxRow.state).in_(OPEN), col(OutboxRow.due_at) <= now),
        and_(col(OutboxRow.state) == "sending", col(OutboxRow.lease_until) < now),
    )
    pick = select(OutboxRow.id).where(due).order_by(col(OutboxRow.due_at), col(OutboxRow.id)).limit(batch)
    if engine.dialect.name == "postgresql":
        # Several workers claim side by side: each skips rows another is claiming right now.
        pick = pick.with_for_update(skip_locked=True)
    stmt = (
        update(OutboxRow)
        .where(col(OutboxRow.id).in_(pick.scalar_subquery()))
        .values(state="sending", lease_until=now + lease, leased_by=worker, attempts=OutboxRow.attempts + 1)
        .returning(col(OutboxRow.id))
    )
    with Session(engine) as session:
        ids = [int(i) for i in session.execute(stmt).scalars()]
        session.commit()
    return sorted(ids)


def _superseded(session: Session, rows: Sequence[OutboxRow], now: datetime) -> dict[int, str]:
    """Reminders with a later trigger already due for the same deadline: after downtime only the
    latest goes out, never a burst of stale ones."""
    pairs = {(r.subscription_id, r.deadline_id) for r in rows if r.kind == "reminder"}
    if not pairs:
        return {}
    subscription_ids = {p[0] for p in pairs}
    others = session.exec(
        select(OutboxRow).where(
            col(OutboxRow.kind) == "reminder",
            col(OutboxRow.subscription_id).in_(subscription_ids),
            col(OutboxRow.due_at) <= now,
            col(OutboxRow.state).in_(("pending", "retry", "sending", "sent")),
        )
    ).all()
    latest: dict[tuple[Any, Any], OutboxRow] = {}
    for o in others:
        key = (o.subscription_id, o.deadline_id)
        if key in pairs and (
            key not in latest or (o.due_at, o.id or 0) > (latest[key].due_at, latest[key].id or 0)
        ):
            latest[key] = o
    out = {}
    for r in rows:
        best = latest.get((r.subscription_id, r.deadline_id))
        if r.kind == "reminder" and best is not None and best.id != r.id and best.due_at > r.due_at:
            out[r.id or 0] = f"superseded by the later {best.trigger} reminder"
    return out


def decide(
    engine: Engine, ids: Sequence[int], *, now: datetime, quiet: tuple[time, time] | None
) -> list[Decision]:
    """Read claimed rows and decide each: send it, skip it (too late, superseded), cancel it
    (unsubscribed, deadline withdrawn) or put it back with a new due time (deadline moved)."""
    decisions: list[Decision] = []
    with Session(engine, expire_on_commit=False) as session:
        rows = session.exec(select(OutboxRow).where(col(OutboxRow.id).in_(ids))).all()
        subscribers = {
            s.id: s
            for s in session.exec(
                select(Subscriber).where(col(Subscriber.id).in_({r.subscriber_id for r in rows}))
            )
        }
        deadline_ids = {r.deadline_id for r in rows if r.deadline_id is not None}
        deadlines = {
            d.id: d for d in session.exec(select(DeadlineRow).where(col(DeadlineRow.id).in_(deadline_ids)))
        }
        names = {e.id: e for e in session.exec(select(ElectionRow))} if deadlines else {}
        superseded = _superseded(session, rows, now)
        for row in rows:
            assert row.id is not None
            sub = subscribers.get(row.subscriber_id)
            decision = _decide_one(row, sub, deadlines.get(row.deadline_id), names, superseded, now, quiet)
            decisions.append(decision)
            if decision.state != "send":
                row.state = decision.state
                row.lease_until = None
                row.last_error = decision.reason or None
                session.add(row)
        session.commit()
    return decisions


def _decide_one(
    row: OutboxRow,
    sub: Subscriber | None,
    deadline: DeadlineRow | None,
    elections: dict[str, ElectionRow],
    superseded: dict[int, str],
    now: datetime,
    quiet: tuple[time, time] | None,
) -> Decision:
    assert row.id is not None
    if sub is None:
        return Decision(row.id, "cancelled", "subscriber removed")
    if row.kind == "confirmation":
        if sub.status != "pending":
            return Decision(row.id, "cancelled", f"subscriber is {sub.status}")
        job = MailJob(
            row.id,
            "confirmation",
            row.trigger,
            sub.email,
            sub.language,
            sub.timezone,
            sub.id or 0,
            nonce=sub.confirm_nonce,
        )
        return Decision(row.id, "send", job=job)
    if sub.status != "active":
        return Decision(row.id, "cancelled", f"subscriber is {sub.status}")
    if deadline is None:
        return Decision(row.id, "cancelled", "deadline removed")
    record = row_to_record(deadline)
    close = row.close_at
    if row.kind == "reminder":
        if record.revision != row.revision:
            moved = replan(record, row.trigger, sub.timezone, quiet, now)
            if moved is None:
                return Decision(row.id, "cancelled", f"deadline changed (revision {record.revision})")
            due, close = moved
            if due > now:
                row.due_at, row.close_at, row.revision = due, close, record.revision
                return Decision(row.id, "pending", f"re-planned for revision {record.revision}")
            row.close_at, row.revision = close, record.revision
        if close is None or close <= now:
            return Decision(row.id, "skipped", "too late: the deadline has closed")
        if row.id in superseded:
            return Decision(row.id, "skipped", superseded[row.id])
    election = elections.get(record.election_id)
    name = (
        (election.name_en if sub.language == "en" else election.name_ko) if election else record.election_id
    )
    job = MailJob(
        row.id,
        row.kind,
        row.trigger,
        sub.email,
        sub.language,
        sub.timezone,
        sub.id or 0,
        record=record,
        election_name=name,
        close_at=close or record.closing_instant(sub.timezone),
        changed_at=deadline.updated_at,
    )
    return Decision(row.id, "send", job=job)


def backoff(attempts: int, base: float, rng: random.Random) -> timedelta:
    """Exponential backoff with jitter, so retries after an outage do not arrive in one wave."""
    delay = base * (2 ** max(0, attempts - 1))
    return min(timedelta(seconds=delay * (0.5 + rng.random())), MAX_BACKOFF)


@dataclass(frozen=True)
class Result:
    outbox_id: int
    status: str  # sent, transient, permanent
    detail: str = ""


def record_results(
    engine: Engine,
    results: Sequence[Result],
    *,
    now: datetime,
    max_attempts: int,
    retry_base: float,
    bounce_limit: int,
    rng: random.Random,
) -> list[tuple[str, str]]:
    """Store outcomes in one transaction; returns (new state, log line) per row."""
    lines: list[tuple[str, str]] = []
    with Session(engine) as session:
        rows = {
            r.id: r
            for r in session.exec(
                select(OutboxRow).where(col(OutboxRow.id).in_([x.outbox_id for x in results]))
            )
        }
        for result in results:
            row = rows.get(result.outbox_id)
            if row is None:
                continue
            row.lease_until = None
            if result.status == "sent":
                row.state, row.sent_at, row.last_error = "sent", now, None
            elif result.status == "transient" and row.attempts < max_attempts:
                row.state = "retry"
                row.due_at = now + backoff(row.attempts, retry_base, rng)
                row.last_error = result.detail[:500]
            else:
                row.state, row.last_error = "failed", result.detail[:500]
                if result.status == "permanent":
                    _bounce(session, row.subscriber_id, bounce_limit, now)
            session.add(row)
            lines.append(
                (
                    row.state,
                    f"outbox={row.id} kind={row.kind} state={row.state} attempts={row.attempts} {result.detail}",
                )
            )
        session.commit()
    return lines


def _bounce(session: Session, subscriber_id: int, limit: int, now: datetime) -> None:
    sub = session.get(Subscriber, subscriber_id)
    if sub is None:
        return
    sub.hard_bounces += 1
    if sub.hard_bounces >= limit and sub.status != "suppressed":
        sub.status = "suppressed"
        session.exec(
            update(OutboxRow)
            .where(col(OutboxRow.subscriber_id) == subscriber_id, col(OutboxRow.state).in_(OPEN))
            .values(state="cancelled", last_error="address suppressed after hard bounces")
        )
    session.add(sub)


def release(engine: Engine, ids: Sequence[int]) -> None:
    """Give back claimed rows that were never attempted (shutdown), without spending an attempt."""
    if not ids:
        return
    with Session(engine) as session:
        session.exec(
            update(OutboxRow)
            .where(col(OutboxRow.id).in_(ids), col(OutboxRow.state) == "sending")
            .values(state="pending", lease_until=None, leased_by=None, attempts=OutboxRow.attempts - 1)
        )
        session.commit()
