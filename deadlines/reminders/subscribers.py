"""Subscribers and subscriptions: sign-up with double opt-in, confirm, unsubscribe, privacy."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from email_validator import EmailNotValidError, validate_email
from sqlmodel import Session, col, delete, select, update

from deadlines.db.models import AuditEntry, OutboxRow, Subscriber, Subscription
from deadlines.db.store import audit
from deadlines.errors import DeadlinesError, NotFound
from deadlines.records import AUDIENCES, LANGUAGES
from deadlines.reminders.triggers import TRIGGERS
from deadlines.tokens import TokenError, read_token

# A confirmation email is not sent again to the same address within this time.
RESEND_AFTER = timedelta(minutes=10)
OPEN_STATES = ("pending", "retry", "sending")


class SubscriberError(DeadlinesError):
    """Bad sign-up or import data: the message names the field and value."""


def normalise_email(value: str) -> str:
    if any(c in value for c in "\r\n\x00"):
        raise SubscriberError("email: line breaks are not allowed in an address")
    try:
        result = validate_email(value.strip(), check_deliverability=False)
    except EmailNotValidError as e:
        raise SubscriberError(f"email: {value.strip()!r} is not a valid address ({e})") from e
    return str(result.normalized).lower()


def check_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as e:
        raise SubscriberError(
            f"timezone: {value!r} is not an IANA time zone such as America/Los_Angeles"
        ) from e
    return value


def check_language(value: str) -> str:
    if value not in LANGUAGES:
        raise SubscriberError(f"language: {value!r}; expected one of {', '.join(LANGUAGES)}")
    return value


def check_audiences(values: Sequence[str]) -> list[str]:
    for v in values:
        if v not in AUDIENCES:
            raise SubscriberError(f"audiences: {v!r}; expected some of {', '.join(AUDIENCES)}")
    return sorted(set(values))


def check_triggers(values: Sequence[str] | None) -> list[str] | None:
    if values is None:
        return None
    for v in values:
        if v not in TRIGGERS:
            raise SubscriberError(f"triggers: {v!r}; expected some of {', '.join(TRIGGERS)}")
    return [t for t in TRIGGERS if t in values]


@dataclass(frozen=True)
class SignUp:
    email: str
    language: str
    timezone: str
    elections: tuple[str, ...]
    audiences: tuple[str, ...] = ()
    triggers: tuple[str, ...] | None = None


def _subscriber(session: Session, email: str) -> Subscriber | None:
    return session.exec(select(Subscriber).where(Subscriber.email == email)).first()


def _upsert_subscriptions(session: Session, subscriber_id: int, request: SignUp, now: datetime) -> None:
    existing = {
        s.election_id: s
        for s in session.exec(select(Subscription).where(Subscription.subscriber_id == subscriber_id))
    }
    for election in request.elections:
        sub = existing.get(election) or Subscription(
            subscriber_id=subscriber_id, election_id=election, created_at=now
        )
        sub.audiences = list(request.audiences)
        sub.triggers = list(request.triggers) if request.triggers is not None else None
        session.add(sub)


def validate_sign_up(request: SignUp, known_elections: Sequence[str]) -> SignUp:
    if not request.elections:
        raise SubscriberError("elections: choose at least one election")
    for e in request.elections:
        if e not in known_elections:
            raise SubscriberError(f"elections: unknown election {e!r}")
    triggers = check_triggers(request.triggers)
    return SignUp(
        email=normalise_email(request.email),
        language=check_language(request.language),
        timezone=check_zone(request.timezone),
        elections=tuple(dict.fromkeys(request.elections)),
        audiences=tuple(check_audiences(request.audiences)),
        triggers=tuple(triggers) if triggers is not None else None,
    )


def sign_up(
    *,
    session: Session,
    request: SignUp,
    known_elections: Sequence[str],
    now: datetime,
    resend_after: timedelta = RESEND_AFTER,
) -> None:
    """Double opt-in. The outcome is the same whatever the address's state, so a response built on
    it never reveals whether an address was already known."""
    request = validate_sign_up(request, known_elections)
    subscriber = _subscriber(session, request.email)
    if subscriber is None:
        subscriber = Subscriber(
            email=request.email, language=request.language, timezone=request.timezone, created_at=now
        )
        session.add(subscriber)
        session.flush()
    assert subscriber.id is not None
    if subscriber.status == "suppressed":
        return  # the address bounced: never mail it again, and say nothing different
    if subscriber.status in ("pending", "unsubscribed"):
        subscriber.language, subscriber.timezone = request.language, request.timezone
        _upsert_subscriptions(session, subscriber.id, request, now)
        if subscriber.status == "unsubscribed":
            subscriber.status = "pending"
        queue_confirmation(session=session, subscriber=subscriber, now=now, resend_after=resend_after)
        session.add(subscriber)
        return
    # Already active: changes wait for the preferences link; nothing is sent here, so the
    # sign-up form cannot be used to mail someone repeatedly.


def queue_confirmation(
    *, session: Session, subscriber: Subscriber, now: datetime, resend_after: timedelta = RESEND_AFTER
) -> bool:
    assert subscriber.id is not None
    if subscriber.confirmation_sent_at and now - subscriber.confirmation_sent_at < resend_after:
        return False
    subscriber.confirm_nonce = secrets.token_hex(8)
    subscriber.confirmation_sent_at = now
    session.add(subscriber)
    session.add(
        OutboxRow(
            kind="confirmation", subscriber_id=subscriber.id, trigger="confirm", due_at=now, created_at=now
        )
    )
    return True


def confirm(*, session: Session, secret: str, token: str, now: datetime) -> Subscriber:
    body = read_token(secret, "confirm", token, now)
    subscriber = session.get(Subscriber, body["s"])
    if subscriber is None or subscriber.status != "pending" or subscriber.confirm_nonce != body.get("n"):
        raise TokenError("this confirmation link has already been used or replaced")
    subscriber.status = "active"
    subscriber.confirmed_at = now
    subscriber.confirm_nonce = None
    session.add(subscriber)
    return subscriber


def subscriber_for_token(
    *, session: Session, secret: str, purpose: str, token: str, now: datetime
) -> Subscriber:
    body = read_token(secret, purpose, token, now)
    subscriber = session.get(Subscriber, body["s"])
    if subscriber is None or subscriber.status in ("unsubscribed", "suppressed"):
        raise TokenError("this link is no longer valid: the address receives no reminders")
    return subscriber


def subscriptions_of(*, session: Session, subscriber_id: int) -> list[Subscription]:
    query = select(Subscription).where(Subscription.subscriber_id == subscriber_id)
    return list(session.exec(query.order_by(col(Subscription.election_id))))


def update_preferences(
    *,
    session: Session,
    subscriber: Subscriber,
    request: SignUp,
    known_elections: Sequence[str],
    now: datetime,
) -> None:
    """Change language, zone and what is followed. Reminders not yet sent are dropped and planned
    again by the worker from the new choices (nothing sent is touched)."""
    assert subscriber.id is not None
    request = validate_sign_up(replace(request, email=subscriber.email), known_elections)
    before = {
        "language": subscriber.language,
        "timezone": subscriber.timezone,
        "elections": [s.election_id for s in subscriptions_of(session=session, subscriber_id=subscriber.id)],
    }
    subscriber.language, subscriber.timezone = request.language, request.timezone
    session.add(subscriber)
    session.exec(
        delete(OutboxRow).where(
            col(OutboxRow.subscriber_id) == subscriber.id,
            col(OutboxRow.kind) == "reminder",
            col(OutboxRow.state).in_(("pending", "retry")),
        )
    )
    for sub in subscriptions_of(session=session, subscriber_id=subscriber.id):
        if sub.election_id not in request.elections:
            session.exec(
                update(OutboxRow).where(col(OutboxRow.subscription_id) == sub.id).values(subscription_id=None)
            )
            session.delete(sub)
    session.flush()
    _upsert_subscriptions(session, subscriber.id, request, now)
    audit(
        session=session,
        actor="link",
        action="subscriber.preferences",
        target=f"subscriber/{subscriber.id}",
        before=before,
        after={
            "language": request.language,
            "timezone": request.timezone,
            "elections": list(request.elections),
        },
        now=now,
    )


def unsubscribe_subscriber(*, session: Session, subscriber: Subscriber, now: datetime, actor: str) -> None:
    """Stops every further email at once: pending and retrying rows are cancelled in the same commit."""
    assert subscriber.id is not None
    if subscriber.status != "unsubscribed":
        subscriber.status = "unsubscribed"
        subscriber.unsubscribed_at = now
        session.add(subscriber)
        audit(
            session=session,
            actor=actor,
            action="subscriber.unsubscribe",
            target=f"subscriber/{subscriber.id}",
            now=now,
        )
    session.exec(
        update(OutboxRow)
        .where(col(OutboxRow.subscriber_id) == subscriber.id, col(OutboxRow.state).in_(("pending", "retry")))
        .values(state="cancelled", last_error="unsubscribed")
    )


def unsubscribe(*, session: Session, secret: str, token: str, now: datetime) -> Subscriber:
    body = read_token(secret, "unsubscribe", token, now)
    subscriber = session.get(Subscriber, body["s"])
    if subscriber is None:
        raise TokenError("this link is not valid; the address may have been removed")
    unsubscribe_subscriber(session=session, subscriber=subscriber, now=now, actor="link")
    return subscriber


def export_subscriber(*, session: Session, email: str) -> dict[str, Any]:
    subscriber = _subscriber(session, normalise_email(email))
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
    }


def forget_subscriber(*, session: Session, email: str, actor: str, now: datetime) -> None:
    """Erases the address and everything planned for it; the audit log keeps only that it happened."""
    subscriber = _subscriber(session, normalise_email(email))
    if subscriber is None:
        raise NotFound(f"no subscriber with address {email!r}")
    sid = subscriber.id
    for model in (OutboxRow, Subscription):
        for row in session.exec(select(model).where(model.subscriber_id == sid)):
            session.delete(row)
    session.flush()
    session.delete(subscriber)
    for entry in session.exec(select(AuditEntry).where(AuditEntry.target == f"subscriber/{sid}")):
        entry.before = entry.after = None
        session.add(entry)
    audit(session=session, actor=actor, action="subscriber.forget", target=f"subscriber/{sid}", now=now)
