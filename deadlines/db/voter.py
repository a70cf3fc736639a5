"""Done marks and personal feed keys in the database: mark and unmark a deadline done, the
marks the outbox needs, the console's counts, and rotating a subscriber's feed key."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, delete, select, update

from deadlines.db.audit import audit
from deadlines.db.models import DeadlineRow, OutboxRow, Subscription
from deadlines.db.voter_tables import DoneMark, PersonalFeed
from deadlines.errors import TokenError
from deadlines.outbox_state import Kind, State
from deadlines.voter_links import DONE_REASON, DoneTarget

_STALE = "this link no longer applies: you no longer follow that election or deadline"


def done_deadline(*, session: Session, subscriber_id: int, target: DoneTarget) -> DeadlineRow:
    """The deadline a done link or button names, if it still belongs to this subscriber's
    subscription (the election may have been dropped from their preferences since)."""
    sub = session.get(Subscription, target.subscription_id)
    deadline = session.get(DeadlineRow, target.deadline_id)
    if sub is None or deadline is None or sub.subscriber_id != subscriber_id:
        raise TokenError(_STALE)
    if deadline.election_id != sub.election_id:
        raise TokenError(_STALE)
    return deadline


def is_done(*, session: Session, target: DoneTarget) -> bool:
    query = select(DoneMark.id).where(
        DoneMark.subscription_id == target.subscription_id, DoneMark.deadline_id == target.deadline_id
    )
    return session.exec(query).first() is not None


def mark_done(*, session: Session, subscriber_id: int, target: DoneTarget, now: datetime) -> bool:
    """Marks the deadline done for that subscription; False when it already was. Reminders
    already queued stay in the outbox and are cancelled when claimed (`policy.decide`)."""
    done_deadline(session=session, subscriber_id=subscriber_id, target=target)
    if is_done(session=session, target=target):
        return False
    session.add(
        DoneMark(
            subscriber_id=subscriber_id,
            subscription_id=target.subscription_id,
            deadline_id=target.deadline_id,
            at=now,
        )
    )
    _audit(session, "subscriber.done", subscriber_id, target, now)
    return True


def undo_done(*, session: Session, subscriber_id: int, target: DoneTarget, now: datetime) -> bool:
    """Removes the mark; reminders it cancelled whose time has not come go back to pending.
    False when there was no mark."""
    done_deadline(session=session, subscriber_id=subscriber_id, target=target)
    if not is_done(session=session, target=target):
        return False
    session.exec(
        delete(DoneMark).where(
            col(DoneMark.subscription_id) == target.subscription_id,
            col(DoneMark.deadline_id) == target.deadline_id,
        )
    )
    session.exec(
        update(OutboxRow)
        .where(
            col(OutboxRow.subscription_id) == target.subscription_id,
            col(OutboxRow.deadline_id) == target.deadline_id,
            col(OutboxRow.kind) == Kind.REMINDER,
            col(OutboxRow.state) == State.CANCELLED,
            col(OutboxRow.last_error) == DONE_REASON,
            col(OutboxRow.due_at) > now,
        )
        .values(state=State.PENDING, last_error=None, lease_until=None)
    )
    _audit(session, "subscriber.undone", subscriber_id, target, now)
    return True


def _audit(session: Session, action: str, subscriber_id: int, target: DoneTarget, now: datetime) -> None:
    audit(
        session=session,
        actor="link",
        action=action,
        target=f"subscriber/{subscriber_id}",
        after={"subscription": target.subscription_id, "deadline": target.deadline_id},
        now=now,
    )


def done_pairs(*, session: Session, pairs: Iterable[tuple[int | None, int | None]]) -> set[tuple[int, int]]:
    """Which of these (subscription, deadline) pairs are marked done: one query for a batch."""
    wanted = {(s, d) for s, d in pairs if s is not None and d is not None}
    if not wanted:
        return set()
    query = sa_select(col(DoneMark.subscription_id), col(DoneMark.deadline_id)).where(
        col(DoneMark.subscription_id).in_({s for s, _ in wanted})
    )
    return {(int(s), int(d)) for s, d in session.execute(query) if (s, d) in wanted}


def done_of_subscriber(*, session: Session, subscriber_id: int) -> set[tuple[int, int]]:
    query = sa_select(col(DoneMark.subscription_id), col(DoneMark.deadline_id)).where(
        col(DoneMark.subscriber_id) == subscriber_id
    )
    return {(int(s), int(d)) for s, d in session.execute(query)}


def done_counts(*, session: Session) -> list[tuple[str, str, dict[str, str], int]]:
    """(election, deadline slug, titles by language, marks) of every deadline marked done, most first."""
    d = DeadlineRow
    columns = (col(d.id), col(d.election_id), col(d.slug), col(d.title_en), col(d.title_ko))
    query = (
        sa_select(*columns, func.count())
        .join(DoneMark, col(DoneMark.deadline_id) == col(d.id))
        .group_by(*columns)
        .order_by(func.count().desc(), col(d.election_id), col(d.slug))
    )
    return [
        (str(e), str(s), {"en": str(en), "ko": str(ko)}, int(n))
        for _, e, s, en, ko, n in session.execute(query)
    ]


def forget_subscription_marks(*, session: Session, subscription_id: int) -> None:
    """Before a subscription row goes: its marks go with it."""
    session.exec(delete(DoneMark).where(col(DoneMark.subscription_id) == subscription_id))


def forget_subscriber_actions(*, session: Session, subscriber_id: int) -> None:
    """Before a subscriber is forgotten: their marks and their feed key go too."""
    session.exec(delete(DoneMark).where(col(DoneMark.subscriber_id) == subscriber_id))
    session.exec(delete(PersonalFeed).where(col(PersonalFeed.subscriber_id) == subscriber_id))


def feed_nonces(*, session: Session, subscriber_ids: Iterable[int]) -> dict[int, str]:
    """The current feed key of each of these subscribers that ever revoked their feed address."""
    ids = set(subscriber_ids)
    if not ids:
        return {}
    query = sa_select(col(PersonalFeed.subscriber_id), col(PersonalFeed.nonce)).where(
        col(PersonalFeed.subscriber_id).in_(ids)
    )
    return {int(s): str(n) for s, n in session.execute(query)}


def feed_nonce(*, session: Session, subscriber_id: int) -> str | None:
    return feed_nonces(session=session, subscriber_ids=[subscriber_id]).get(subscriber_id)


def revoke_feed(*, session: Session, subscriber_id: int, now: datetime) -> str:
    """A new feed key: the address made with the old one answers 404 from now on."""
    nonce = secrets.token_hex(8)
    row = session.get(PersonalFeed, subscriber_id)
    if row is None:
        row = PersonalFeed(subscriber_id=subscriber_id, nonce=nonce, updated_at=now)
    row.nonce, row.updated_at = nonce, now
    session.add(row)
    audit(
        session=session,
        actor="link",
        action="subscriber.feed_revoked",
        target=f"subscriber/{subscriber_id}",
        now=now,
    )
    return nonce


def followed_deadlines(
    *, session: Session, subscriptions: Iterable[Subscription], now: datetime
) -> list[tuple[Subscription, DeadlineRow]]:
    """The published deadlines still ahead in each subscription's election that match its
    audiences (none chosen: all), soonest first: what a done button can be offered for."""
    subs = {s.election_id: s for s in subscriptions}
    if not subs:
        return []
    query = (
        select(DeadlineRow)
        .where(
            col(DeadlineRow.election_id).in_(subs),
            DeadlineRow.status == "published",
            col(DeadlineRow.closes_at) > now,
        )
        .order_by(col(DeadlineRow.closes_at), col(DeadlineRow.slug))
    )
    out = []
    for row in session.exec(query):
        sub = subs[row.election_id]
        if not sub.audiences or "all" in row.audiences or set(sub.audiences) & set(row.audiences):
            out.append((sub, row))
    return out


def exported_actions(*, session: Session, subscriber_id: int) -> dict[str, object]:
    """What the export of a person's data says about their done marks and feed key."""
    query = (
        sa_select(col(DeadlineRow.election_id), col(DeadlineRow.slug), col(DoneMark.at))
        .join(DoneMark, col(DoneMark.deadline_id) == col(DeadlineRow.id))
        .where(col(DoneMark.subscriber_id) == subscriber_id)
        .order_by(col(DoneMark.at))
    )
    done = [{"election": e, "deadline": s, "at": at.isoformat()} for e, s, at in session.execute(query)]
    feed = session.get(PersonalFeed, subscriber_id)
    return {"done": done, "feed_address_replaced_at": feed.updated_at.isoformat() if feed else None}
