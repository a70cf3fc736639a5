"""A person's own data: everything stored about an address (export), and forgetting it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from deadlines.db.audit import audit
from deadlines.db.models import AuditEntry, OutboxRow, Subscriber, Subscription, Told
from deadlines.db.voter import exported_actions, forget_subscriber_actions
from deadlines.errors import NotFound
from deadlines.reminders.subscribers import normalise_email


def export_subscriber(*, session: Session, email: str) -> dict[str, Any]:
    subscriber = session.exec(select(Subscriber).where(Subscriber.email == normalise_email(email))).first()
    if subscriber is None:
        raise NotFound(f"no subscriber with address {email!r}")
    subs = session.exec(select(Subscription).where(Subscription.subscriber_id == subscriber.id)).all()
    mails = session.exec(select(OutboxRow).where(OutboxRow.subscriber_id == subscriber.id)).all()
    return {
        "email": subscriber.email,
        "language": subscriber.language,
        "timezone": subscriber.timezone,
        "status": subscriber.status,
        "created_at": subscriber.created_at.isoformat(),
        "confirmed_at": subscriber.confirmed_at.isoformat() if subscriber.confirmed_at else None,
        "subscriptions": [
            {"election": s.election_id, "audiences": s.audiences, "triggers": s.triggers} for s in subs
        ],
        "emails": [
            {
                "kind": m.kind,
                "trigger": m.trigger,
                "state": m.state,
                "due_at": m.due_at.isoformat(),
                "sent_at": m.sent_at.isoformat() if m.sent_at else None,
            }
            for m in mails
        ],
        **exported_actions(session=session, subscriber_id=subscriber.id or 0),
    }


def forget_subscriber(*, session: Session, email: str, actor: str, now: datetime) -> None:
    """Erases the address and everything planned for it; the audit log keeps only that it happened."""
    subscriber = session.exec(select(Subscriber).where(Subscriber.email == normalise_email(email))).first()
    if subscriber is None:
        raise NotFound(f"no subscriber with address {email!r}")
    sid = subscriber.id
    assert sid is not None
    forget_subscriber_actions(session=session, subscriber_id=sid)  # done marks, feed key
    for model in (Told, OutboxRow, Subscription):  # what they were told goes too
        for row in session.exec(select(model).where(model.subscriber_id == sid)):
            session.delete(row)
    session.flush()
    session.delete(subscriber)
    for entry in session.exec(select(AuditEntry).where(AuditEntry.target == f"subscriber/{sid}")):
        entry.before = entry.after = None
        session.add(entry)
    audit(session=session, actor=actor, action="subscriber.forget", target=f"subscriber/{sid}", now=now)
