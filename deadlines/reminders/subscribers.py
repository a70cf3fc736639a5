"""Subscribers and subscriptions: sign-up with double opt-in, confirm, unsubscribe, privacy."""

from __future__ import annotations

import secrets
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import insert as sa_insert
from sqlalchemy import literal
from sqlalchemy import select as sa_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, delete, select, update

from deadlines.db.audit import audit
from deadlines.db.models import OutboxRow, Subscriber, Subscription
from deadlines.db.types import UTCDateTime
from deadlines.db.voter import forget_subscription_marks
from deadlines.errors import SubscriberError as SubscriberError
from deadlines.outbox_state import OPEN, Kind, State
from deadlines.records import AUDIENCES, LANGUAGES
from deadlines.reminders.triggers import TRIGGERS
from deadlines.tokens import TokenError, make_token, read_token, token_subscriber

# A confirmation email is not sent again to the same address within this time.
RESEND_AFTER = timedelta(minutes=10)


def normalise_email(value: str) -> str:
    if any(c in value for c in "\r\n\x00"):
        raise SubscriberError(field="email", message="line breaks are not allowed in an address")
    try:
        result = validate_email(value.strip(), check_deliverability=False)
    except EmailNotValidError as e:
        raise SubscriberError(field="email", message=f"{value.strip()!r} is not a valid address ({e})") from e
    return str(result.normalized).lower()


def check_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as e:
        raise SubscriberError(
            f"{value!r} is not an IANA time zone such as America/Los_Angeles", field="timezone", value=value
        ) from e
    return value


def check_language(value: str) -> str:
    if value not in LANGUAGES:
        raise SubscriberError(field="language", message=f"{value!r}; expected one of {', '.join(LANGUAGES)}")
    return value


def check_audiences(values: Sequence[str]) -> list[str]:
    for v in values:
        if v not in AUDIENCES:
            raise SubscriberError(
                field="audiences", message=f"{v!r}; expected some of {', '.join(AUDIENCES)}"
            )
    return sorted(set(values))


def check_triggers(values: Sequence[str] | None) -> list[str] | None:
    if values is None:
        return None
    for v in values:
        if v not in TRIGGERS:
            raise SubscriberError(field="triggers", message=f"{v!r}; expected some of {', '.join(TRIGGERS)}")
    return [t for t in TRIGGERS if t in values]


@dataclass(frozen=True)
class SignUp:
    email: str
    language: str
    timezone: str
    elections: tuple[str, ...]
    audiences: tuple[str, ...] = ()
    triggers: tuple[str, ...] | None = None
    station: str | None = None  # "election/station": the overseas station a voter abroad chose
    registry_check: bool = False  # remind yearly to check their overseas voter registration

    def station_for(self, election: str) -> str | None:
        """The chosen station's id when it belongs to `election`."""
        owner, _, station = (self.station or "").partition("/")
        return station if owner == election and station else None


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
        sub.station, sub.registry_check = request.station_for(election), request.registry_check
        session.add(sub)


def check_station(value: str | None, elections: Sequence[str], known: Collection[str] | None) -> str | None:
    """An "election/station" key of a known station of one of the chosen elections, or None."""
    if not value:
        return None
    if known is not None and value not in known:
        raise SubscriberError(
            field="station", message=f"unknown overseas voting station {value!r}", value=value
        )
    if value.partition("/")[0] not in elections:
        raise SubscriberError(
            field="station", message="the station belongs to an election you did not choose"
        )
    return value


def validate_sign_up(
    request: SignUp, known_elections: Sequence[str], known_stations: Collection[str] | None = None
) -> SignUp:
    if not request.elections:
        raise SubscriberError(field="elections", message="choose at least one election")
    for e in request.elections:
        if e not in known_elections:
            raise SubscriberError(field="elections", message=f"unknown election {e!r}")
    triggers = check_triggers(request.triggers)
    return SignUp(
        email=normalise_email(request.email),
        language=check_language(request.language),
        timezone=check_zone(request.timezone),
        elections=tuple(dict.fromkeys(request.elections)),
        audiences=tuple(check_audiences(request.audiences)),
        triggers=tuple(triggers) if triggers is not None else None,
        station=check_station(request.station, request.elections, known_stations),
        registry_check=bool(request.registry_check),
    )


def _upsert(session: Session, table: Any) -> Any:
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def sign_up(
    *,
    session: Session,
    request: SignUp,
    known_elections: Sequence[str],
    now: datetime,
    resend_after: timedelta = RESEND_AFTER,
    known_stations: Collection[str] | None = None,
) -> None:
    """Double opt-in. The outcome is the same whatever the address's state, so a response built on
    it never reveals whether an address was already known; so is the work. New, pending, active,
    unsubscribed and suppressed addresses run the same statements in the same order (one read,
    one upsert of the subscriber, one upsert per election, one insert of a confirmation), and
    only values and a WHERE flag differ: the time a sign-up takes does not tell who subscribed."""
    request = validate_sign_up(request, known_elections, known_stations)
    s, t, o = (m.__table__ for m in (Subscriber, Subscription, OutboxRow))  # type: ignore[union-attr]
    found = session.execute(
        sa_select(s.c.status, s.c.language, s.c.timezone, s.c.confirm_nonce, s.c.confirmation_sent_at).where(
            s.c.email == request.email
        )
    ).first()
    # Both made every time, used or not, so the work does not depend on the state.
    nonce, secret = secrets.token_hex(8), new_secret()
    status = found.status if found else "pending"
    # Suppressed: the address bounced, never mail it again. Active: changes wait for the
    # preferences link, and nothing is sent, so the form cannot be used to mail someone repeatedly.
    live = status in ("pending", "unsubscribed")
    sent_at = found.confirmation_sent_at if found else None
    queue = live and (sent_at is None or now - sent_at >= resend_after)
    upsert = _upsert(session, s).values(
        email=request.email,
        secret=secret,
        origin="signup",
        hard_bounces=0,
        created_at=now,
        language=request.language if live or not found else found.language,
        timezone=request.timezone if live or not found else found.timezone,
        status="pending" if live else status,
        confirm_nonce=nonce if queue else (found.confirm_nonce if found else None),
        confirmation_sent_at=now if queue else sent_at,
    )
    kept = ("language", "timezone", "status", "confirm_nonce", "confirmation_sent_at")
    subscriber_id = session.execute(
        upsert.on_conflict_do_update(
            index_elements=["email"], set_={c: upsert.excluded[c] for c in kept}
        ).returning(s.c.id)
    ).scalar_one()
    for election in request.elections:
        chosen = sa_select(
            literal(subscriber_id),
            literal(election),
            literal(list(request.audiences), t.c.audiences.type),
            literal(list(request.triggers) if request.triggers is not None else None, t.c.triggers.type),
            literal(request.station_for(election), t.c.station.type),
            literal(request.registry_check),
            literal(now, UTCDateTime),
        ).where(literal(live))
        columns = ["subscriber_id", "election_id", "audiences", "triggers", "station", "registry_check"]
        insert_ = _upsert(session, t).from_select([*columns, "created_at"], chosen)
        excluded = insert_.excluded
        session.execute(
            insert_.on_conflict_do_update(
                index_elements=["subscriber_id", "election_id"],
                set_={c: excluded[c] for c in columns[2:]},
            )
        )
    confirmation = sa_select(
        literal("confirmation"),
        literal(subscriber_id),
        literal("confirm"),
        literal(now, UTCDateTime),
        literal(now, UTCDateTime),
        literal("pending"),
        literal(0),
        literal(0),
    ).where(literal(queue))
    columns = ["kind", "subscriber_id", "trigger", "due_at", "created_at", "state", "attempts", "revision"]
    session.execute(sa_insert(o).from_select(columns, confirmation))
    # Objects of this subscriber already in the session would not see the statements above.
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Subscriber | Subscription) and subscriber_id in (
            obj.id,
            getattr(obj, "subscriber_id", None),
        ):
            session.expire(obj)


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
            kind=Kind.CONFIRMATION, subscriber_id=subscriber.id, trigger="confirm", due_at=now, created_at=now
        )
    )
    return True


def new_secret() -> str:
    """A subscriber's own secret, bound into every link made for them (see `deadlines.tokens`)."""
    return secrets.token_hex(16)


def token_owner(
    *, session: Session, secret: str, purpose: str, token: str, now: datetime
) -> tuple[Subscriber, dict[str, object]]:
    """The subscriber a link token was made for, checked against their own secret; a removed
    subscriber (or one whose id was somehow given again) makes every old link invalid."""
    subscriber = session.get(Subscriber, token_subscriber(token))
    if subscriber is None:
        # Checked against a throwaway secret, so this costs what a known id costs.
        read_token(secret, purpose, token, now, binding=secrets.token_hex(16))
        raise TokenError("this link is not valid; ask for a new one")
    return subscriber, read_token(secret, purpose, token, now, binding=subscriber.secret)


def pending_confirmation(*, session: Session, secret: str, token: str, now: datetime) -> Subscriber:
    """The subscriber a confirmation link would confirm, without confirming (what a GET shows)."""
    subscriber, body = token_owner(session=session, secret=secret, purpose="confirm", token=token, now=now)
    if subscriber.status != "pending" or subscriber.confirm_nonce != body.get("n"):
        raise TokenError("this confirmation link has already been used or replaced")
    return subscriber


def confirm(*, session: Session, secret: str, token: str, now: datetime) -> Subscriber:
    subscriber = pending_confirmation(session=session, secret=secret, token=token, now=now)
    subscriber.status = "active"
    subscriber.confirmed_at = now
    subscriber.confirm_nonce = None
    session.add(subscriber)
    return subscriber


def subscriber_for_token(
    *, session: Session, secret: str, purpose: str, token: str, now: datetime
) -> Subscriber:
    subscriber, _ = token_owner(session=session, secret=secret, purpose=purpose, token=token, now=now)
    if subscriber.status in ("unsubscribed", "suppressed"):
        raise TokenError("this link is no longer valid: the address receives no reminders")
    return subscriber


def link_token(secret: str, purpose: str, subscriber: Subscriber) -> str:
    """A preferences or unsubscribe token for this subscriber, bound to their secret."""
    assert subscriber.id is not None
    return make_token(secret, purpose, subscriber.id, binding=subscriber.secret)


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
    known_stations: Collection[str] | None = None,
) -> None:
    """Change language, zone and what is followed. Reminders not yet sent are dropped and planned
    again by the worker from the new choices (nothing sent is touched)."""
    assert subscriber.id is not None
    request = validate_sign_up(replace(request, email=subscriber.email), known_elections, known_stations)
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
            col(OutboxRow.kind) == Kind.REMINDER,
            col(OutboxRow.state).in_(OPEN),
        )
    )
    for sub in subscriptions_of(session=session, subscriber_id=subscriber.id):
        if sub.election_id not in request.elections:
            session.exec(
                update(OutboxRow).where(col(OutboxRow.subscription_id) == sub.id).values(subscription_id=None)
            )
            assert sub.id is not None
            forget_subscription_marks(session=session, subscription_id=sub.id)
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
        .where(col(OutboxRow.subscriber_id) == subscriber.id, col(OutboxRow.state).in_(OPEN))
        .values(state=State.CANCELLED, last_error="unsubscribed")
    )


def unsubscribe(*, session: Session, secret: str, token: str, now: datetime) -> Subscriber:
    subscriber, _ = token_owner(session=session, secret=secret, purpose="unsubscribe", token=token, now=now)
    unsubscribe_subscriber(session=session, subscriber=subscriber, now=now, actor="link")
    return subscriber
