"""The outbox in the database, after sending: storing each outcome as the policy decides.

Successes are one plain UPDATE per batch; failures go through the ORM (backoff, bounces). Rows
claimed but never attempted go back uncharged (`release`), and the bounce brake can take a
pass's bounces back (`unbounce`).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, bindparam, update
from sqlmodel import Session, col, select

from deadlines.db.models import OutboxRow, Subscriber
from deadlines.db.told import remember_sent
from deadlines.mail.failures import Delivery
from deadlines.outbox_state import OPEN, State
from deadlines.reminders import policy

_OUTBOX = OutboxRow.__table__  # type: ignore[attr-defined]
_MARK_SENT = (
    update(_OUTBOX)
    .where(_OUTBOX.c.id.in_(bindparam("ids", expanding=True)))
    .values(state=State.SENT, sent_at=bindparam("now"), lease_until=None, last_error=None)
)


SUPPRESSED = "address suppressed after hard bounces"


@dataclass(frozen=True)
class Result:
    outbox_id: int
    status: Delivery
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
    charge_bounces: bool = True,
) -> list[tuple[str, str]]:
    """Store outcomes as `policy.after_send` decides; returns (new state, log line) per row.
    Failures are rare and go through the ORM (backoff, bounces); successes are one plain UPDATE.

    Only a bounce is charged to the address (with `charge_bounces=False` the caller charges
    later with `charge_bounces` or takes it back with `unbounce`). A relay problem puts the row
    back to `retry` without spending its attempt; an undeliverable address or a fault of ours
    fails the row alone."""
    lines: list[tuple[str, str]] = []
    sent = [r.outbox_id for r in results if r.status == Delivery.SENT]
    others = [r for r in results if r.status != Delivery.SENT]
    if sent:
        # The common case: one statement on a plain connection (no ORM session), because it
        # runs once per SMTP transaction.
        with engine.begin() as conn:
            conn.execute(_MARK_SENT, {"ids": sent, "now": now})
            remember_sent(conn, sent, now)
        lines += [(State.SENT, f"outbox={i} state=sent") for i in sent]
    if not others:
        return lines
    with Session(engine) as session:
        rows = {
            r.id: r
            for r in session.exec(
                select(OutboxRow).where(col(OutboxRow.id).in_([x.outbox_id for x in others]))
            )
        }
        for result in others:
            row = rows.get(result.outbox_id)
            if row is None:
                continue
            row.lease_until = None
            after = policy.after_send(
                Delivery(result.status),
                attempts=row.attempts,
                max_attempts=max_attempts,
                now=now,
                retry_base=retry_base,
                rng=rng,
            )
            row.state = after.state
            if after.due_at is not None:
                row.due_at = after.due_at
            if after.refund:
                row.attempts = max(0, row.attempts - 1)
            if after.bounce and charge_bounces:
                _bounce(session, row.subscriber_id, bounce_limit, now)
            row.last_error = result.detail[:500]
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
            .values(state=State.CANCELLED, last_error=SUPPRESSED)
        )
    session.add(sub)


def charge_bounces(engine: Engine, ids: Sequence[int], *, limit: int, now: datetime) -> None:
    """Charge the addresses of bounced rows stored with `charge_bounces=False`."""
    if not ids:
        return
    with Session(engine) as session:
        subscribers = session.exec(
            select(OutboxRow.subscriber_id).where(
                col(OutboxRow.id).in_(ids), col(OutboxRow.state) == State.FAILED
            )
        ).all()
        for subscriber_id in subscribers:
            _bounce(session, subscriber_id, limit, now)
        session.commit()


def unbounce(engine: Engine, ids: Sequence[int], *, reason: str) -> None:
    """Put bounced rows stored with `charge_bounces=False` back to `retry`, their attempt not
    spent and nobody charged (the bounce brake: the relay refused them, not the addresses)."""
    if not ids:
        return
    with Session(engine) as session:
        session.exec(
            update(OutboxRow)
            .where(col(OutboxRow.id).in_(ids), col(OutboxRow.state) == State.FAILED)
            .values(state=State.RETRY, attempts=OutboxRow.attempts - 1, last_error=reason[:500])
        )
        session.commit()


def release(
    engine: Engine, ids: Sequence[int], *, state: State = State.PENDING, reason: str | None = None
) -> None:
    """Give back claimed rows never attempted (shutdown, or a relay problem or the bounce brake
    stopping the pass), without spending an attempt or charging anyone."""
    if not ids:
        return
    values: dict[str, Any] = {"state": state, "lease_until": None, "leased_by": None}
    if reason is not None:
        values["last_error"] = reason[:500]
    with Session(engine) as session:
        session.exec(
            update(OutboxRow)
            .where(col(OutboxRow.id).in_(ids), col(OutboxRow.state) == State.SENDING)
            .values(attempts=OutboxRow.attempts - 1, **values)
        )
        session.commit()
