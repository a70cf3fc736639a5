"""The operator's ways back from suppression: an address brought back to active, dispatch resumed
after the bounce brake. Both audited; like `db/`, functions take the session and never commit."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select, update

from deadlines.db import service_state
from deadlines.db.audit import audit
from deadlines.db.models import OutboxRow, Subscriber
from deadlines.errors import NotFound
from deadlines.errors import NotSuppressed as NotSuppressed
from deadlines.reminders.results import SUPPRESSED
from deadlines.reminders.subscribers import normalise_email


def unsuppress(*, session: Session, email: str, actor: str, now: datetime) -> Subscriber:
    """Bring a suppressed address back: active again (pending if it never confirmed, so double
    opt-in still holds), bounces reset, and the emails its suppression cancelled re-opened (the
    worker skips those whose deadline has passed)."""
    address = normalise_email(email)
    subscriber = session.exec(select(Subscriber).where(col(Subscriber.email) == address)).first()
    if subscriber is None:
        raise NotFound(f"no subscriber with address {address!r}")
    if subscriber.status != "suppressed":
        raise NotSuppressed(f"{address}: is {subscriber.status}, not suppressed; nothing changed")
    before = {"status": subscriber.status, "hard_bounces": subscriber.hard_bounces}
    subscriber.status = "active" if subscriber.confirmed_at is not None else "pending"
    subscriber.hard_bounces = 0
    session.add(subscriber)
    session.exec(
        update(OutboxRow)
        .where(
            col(OutboxRow.subscriber_id) == subscriber.id,
            col(OutboxRow.state) == "cancelled",
            col(OutboxRow.last_error) == SUPPRESSED,
        )
        .values(
            state="pending", attempts=0, lease_until=None, leased_by=None, last_error="address unsuppressed"
        )
    )
    audit(
        session=session,
        actor=actor,
        action="subscriber.unsuppress",
        target=f"subscriber/{subscriber.id}",
        before=before,
        after={"status": subscriber.status, "hard_bounces": 0},
        now=now,
    )
    return subscriber


def resume_dispatch(*, session: Session, actor: str, now: datetime) -> dict[str, Any] | None:
    """Lift the bounce brake's pause; returns what the pause said, None when there was none."""
    paused = service_state.get_state(session=session, key=service_state.DISPATCH_PAUSED)
    if paused is None:
        return None
    service_state.clear_state(session=session, key=service_state.DISPATCH_PAUSED)
    audit(
        session=session,
        actor=actor,
        action="dispatch.resume",
        target="service/dispatch",
        before=paused,
        after=None,
        now=now,
    )
    return paused
