"""The outbox in the database, before sending: claiming due rows under a lease and deciding each.

Rows move pending -> sending (leased) -> sent, or to retry, failed, skipped or cancelled. A
worker that dies leaves its rows leased; once the lease expires any worker takes them again.
What happens after the send is stored by `results.py`; the rules themselves are `policy.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import Engine, and_, or_, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from deadlines.corrections import UNKNOWN, Owed, owed, span
from deadlines.db.convert import row_to_record
from deadlines.db.models import DeadlineRow, ElectionRow, OutboxRow, Subscriber
from deadlines.db.stations import chosen_stations
from deadlines.db.told import dates_of, told_of_subscriber, told_payload
from deadlines.db.voter import done_pairs, feed_nonces
from deadlines.mail.render import ChangeLine, MailJob
from deadlines.outbox_state import OPEN, Kind, State
from deadlines.records import DeadlineRecord
from deadlines.reminders import policy
from deadlines.reminders.planning import replan
from deadlines.reminders.policy import RowFacts, Verdict
from deadlines.stations.model import Station
from deadlines.stations.reminder import STATION_TRIGGER
from deadlines.voter_links import DoneTarget


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
        and_(col(OutboxRow.state) == State.SENDING, col(OutboxRow.lease_until) < now),
    )
    pick = select(OutboxRow.id).where(due).order_by(col(OutboxRow.due_at), col(OutboxRow.id)).limit(batch)
    if engine.dialect.name == "postgresql":
        # Several workers claim side by side: each skips rows another is claiming right now.
        pick = pick.with_for_update(skip_locked=True)
    stmt = (
        update(OutboxRow)
        .where(col(OutboxRow.id).in_(pick.scalar_subquery()))
        .values(
            state=State.SENDING, lease_until=now + lease, leased_by=worker, attempts=OutboxRow.attempts + 1
        )
        .returning(col(OutboxRow.id))
    )
    with Session(engine) as session:
        ids = [int(i) for i in session.execute(stmt).scalars()]
        session.commit()
    return sorted(ids)


@dataclass(frozen=True)
class _Marks:
    """What the subscriber did with their reminders: marked this row's deadline done; the key
    of their personal feed (None: never revoked)."""

    done: bool = False
    feed: str | None = None
    station: Station | None = None  # the station of a "your station opens" reminder


@dataclass
class _Row:
    """The columns of an outbox row that deciding needs (plain values, no ORM object)."""

    id: int
    kind: str
    subscriber_id: int
    subscription_id: int | None
    deadline_id: int | None
    trigger: str
    due_at: datetime
    close_at: datetime | None
    revision: int
    payload: dict[str, Any] | None = None
    changed: bool = False  # re-planned for a new revision: write close_at and revision back


_ROW_COLUMNS = tuple(
    col(c)
    for c in (
        OutboxRow.id,
        OutboxRow.kind,
        OutboxRow.subscriber_id,
        OutboxRow.subscription_id,
        OutboxRow.deadline_id,
        OutboxRow.trigger,
        OutboxRow.due_at,
        OutboxRow.close_at,
        OutboxRow.revision,
        OutboxRow.payload,
    )
)


def _superseded(session: Session, rows: Sequence[_Row], now: datetime) -> dict[int, str]:
    """Reminders with a later trigger already due for the same deadline (by row id: that
    trigger): after downtime only the latest goes out, never a burst of stale ones."""
    pairs = {(r.subscription_id, r.deadline_id) for r in rows if r.kind == Kind.REMINDER}
    if not pairs:
        return {}
    others = session.execute(
        sa_select(
            col(OutboxRow.id),
            col(OutboxRow.subscription_id),
            col(OutboxRow.deadline_id),
            col(OutboxRow.due_at),
            col(OutboxRow.trigger),
        ).where(
            col(OutboxRow.kind) == Kind.REMINDER,
            col(OutboxRow.subscription_id).in_({p[0] for p in pairs}),
            col(OutboxRow.due_at) <= now,
            col(OutboxRow.state).in_((*OPEN, State.SENDING, State.SENT)),
        )
    ).all()
    latest: dict[tuple[Any, Any], tuple[datetime, int, str]] = {}
    for oid, subscription_id, deadline_id, due, trigger in others:
        key = (subscription_id, deadline_id)
        if key in pairs and (key not in latest or (due, oid) > latest[key][:2]):
            latest[key] = (due, oid, trigger)
    out = {}
    for r in rows:
        best = latest.get((r.subscription_id, r.deadline_id))
        if r.kind == Kind.REMINDER and best is not None and best[1] != r.id and best[0] > r.due_at:
            out[r.id] = best[2]
    return out


def decide(
    engine: Engine, ids: Sequence[int], *, now: datetime, quiet: tuple[time, time] | None
) -> list[Decision]:
    """Read claimed rows and decide each: send it, skip it (too late, superseded), cancel it
    (unsubscribed, deadline withdrawn) or put it back with a new due time (deadline moved)."""
    decisions: list[Decision] = []
    with Session(engine, expire_on_commit=False) as session:
        rows = [_Row(*r) for r in session.execute(sa_select(*_ROW_COLUMNS).where(col(OutboxRow.id).in_(ids)))]
        subscribers = {
            s.id: s
            for s in session.execute(
                sa_select(
                    col(Subscriber.id),
                    col(Subscriber.email),
                    col(Subscriber.language),
                    col(Subscriber.timezone),
                    col(Subscriber.status),
                    col(Subscriber.confirm_nonce),
                    col(Subscriber.secret),
                ).where(col(Subscriber.id).in_({r.subscriber_id for r in rows}))
            )
        }
        deadline_ids = {r.deadline_id for r in rows if r.deadline_id is not None}
        deadlines = {
            d.id: d for d in session.exec(select(DeadlineRow).where(col(DeadlineRow.id).in_(deadline_ids)))
        }
        records = {i: row_to_record(d) for i, d in deadlines.items()}
        # Reminders and corrections name their elections; confirmations need none.
        wanted = deadlines or any(r.kind == Kind.CORRECTION for r in rows)
        names = {e.id: e for e in session.exec(select(ElectionRow))} if wanted else {}
        superseded = _superseded(session, rows, now)
        done = done_pairs(
            session=session,
            pairs=((r.subscription_id, r.deadline_id) for r in rows if r.kind == Kind.REMINDER),
        )
        feeds = feed_nonces(session=session, subscriber_ids={r.subscriber_id for r in rows})
        station_subs = {r.subscription_id for r in rows if r.trigger == STATION_TRIGGER and r.subscription_id}
        stations = chosen_stations(session=session, subscription_ids=station_subs)
        closed: dict[tuple[str, str], list[int]] = {}
        for row in rows:
            sub = subscribers.get(row.subscriber_id)
            deadline = deadlines.get(row.deadline_id)
            marks = _Marks(
                done=(row.subscription_id, row.deadline_id) in done,
                feed=feeds.get(row.subscriber_id),
                station=stations.get(row.subscription_id or 0),
            )
            decision = _decide_one(
                session,
                row,
                sub,
                deadline,
                records.get(row.deadline_id),
                names,
                superseded,
                now,
                quiet,
                marks,
            )
            decisions.append(decision)
            if decision.state == State.PENDING:
                session.execute(
                    update(OutboxRow)
                    .where(col(OutboxRow.id) == row.id)
                    .values(
                        state=State.PENDING,
                        due_at=row.due_at,
                        close_at=row.close_at,
                        revision=row.revision,
                        lease_until=None,
                        last_error=decision.reason,
                    )
                )
            elif decision.state != Verdict.SEND:
                closed.setdefault((decision.state, decision.reason), []).append(row.id)
            elif row.changed:
                session.execute(
                    update(OutboxRow)
                    .where(col(OutboxRow.id) == row.id)
                    .values(close_at=row.close_at, revision=row.revision)
                )
        for (state, reason), group in closed.items():
            session.execute(
                update(OutboxRow)
                .where(col(OutboxRow.id).in_(group))
                .values(state=state, lease_until=None, last_error=reason or None)
            )
        session.commit()
    return decisions


def _decide_one(
    session: Session,
    row: _Row,
    sub: Any,
    deadline: DeadlineRow | None,
    record: DeadlineRecord | None,
    elections: dict[str, ElectionRow],
    superseded: dict[int, str],
    now: datetime,
    quiet: tuple[time, time] | None,
    marks: _Marks,
) -> Decision:
    """Gather the plain facts of one row, let the pure policy decide, and build its mail."""
    status = sub.status if sub is not None else None
    moved = None
    # A station's reminder follows the station's days (moved by db/stations.py), not the
    # deadline's revisions; it goes when its voter no longer has that station.
    bound = row.trigger != STATION_TRIGGER
    if not bound and marks.station is None:
        return Decision(row.id, State.CANCELLED, "the chosen station is gone")
    if record is not None and row.kind == Kind.REMINDER and record.revision != row.revision and bound:
        moved = replan(record, row.trigger, sub.timezone, quiet, now) if sub is not None else None
    owed: list[Owed] = []
    owed_rows: dict[int, DeadlineRow] = {}
    if row.kind == Kind.CORRECTION and sub is not None and status == "active":
        owed, owed_rows = owed_to(session, sub.id)
    facts = RowFacts(
        kind=Kind(row.kind),
        subscriber_status=status,
        close_at=row.close_at,
        row_revision=row.revision,
        deadline_revision=(record.revision if bound else row.revision) if record is not None else None,
        moved=moved,
        superseded_by=superseded.get(row.id),
        owed=len(owed),
        done=marks.done,
    )
    verdict = policy.decide(facts, now)
    if verdict.revision is not None and verdict.revision != row.revision:
        row.close_at, row.revision, row.changed = verdict.close_at, verdict.revision, True
    if verdict.verdict == Verdict.REPLAN:
        assert verdict.due_at is not None
        row.due_at = verdict.due_at
    if verdict.verdict != Verdict.SEND:
        return Decision(row.id, verdict.verdict.value, verdict.reason)
    if row.kind == Kind.CONFIRMATION:
        job = MailJob(
            row.id,
            Kind.CONFIRMATION,
            row.trigger,
            sub.email,
            sub.language,
            sub.timezone,
            sub.id,
            subscriber_secret=sub.secret,
            nonce=sub.confirm_nonce,
        )
        return Decision(row.id, Verdict.SEND, job=job)
    if row.kind == Kind.CORRECTION:
        job = correction_job(session, row.id, sub, owed, owed_rows, elections, row.payload)
        return Decision(row.id, Verdict.SEND, job=replace(job, feed_nonce=marks.feed))
    assert record is not None and deadline is not None
    job = MailJob(
        row.id,
        row.kind,
        row.trigger,
        sub.email,
        sub.language,
        sub.timezone,
        sub.id,
        subscriber_secret=sub.secret,
        record=record,
        election_name=_election_name(elections.get(record.election_id), sub.language, record.election_id),
        close_at=row.close_at or record.closing_instant(sub.timezone),
        changed_at=deadline.updated_at,
        done=DoneTarget(row.subscription_id, deadline.id or 0) if row.subscription_id else None,
        feed_nonce=marks.feed,
        station=marks.station,
    )
    return Decision(row.id, Verdict.SEND, job=job)


def _election_name(election: ElectionRow | None, lang: str, fallback: str) -> str:
    if election is None:
        return fallback
    return election.name_en if lang == "en" else election.name_ko


def owed_to(session: Session, subscriber_id: int) -> tuple[list[Owed], dict[int, DeadlineRow]]:
    """The deadlines whose dates differ from what this subscriber was last told, and the rows
    of the deadlines they were told about (by id)."""
    facts = told_of_subscriber(session, subscriber_id)
    if not facts:
        return [], {}
    query = select(DeadlineRow).where(col(DeadlineRow.id).in_([f.deadline_id for f in facts]))
    rows = {r.id or 0: r for r in session.exec(query)}
    published = {i: dates_of(r) for i, r in rows.items()}
    return owed(facts, published).get(subscriber_id, []), rows


def correction_job(
    session: Session,
    outbox_id: int,
    sub: Any,
    items: list[Owed],
    rows: dict[int, DeadlineRow],
    elections: dict[str, ElectionRow],
    payload: dict[str, Any] | None,
) -> MailJob:
    """One email listing every deadline whose dates changed since this person was told; the
    dates it states are written to the row, to become what they were told once it is sent."""
    lang = sub.language
    lines: list[ChangeLine] = []
    told: list[dict[str, Any]] = []
    reason = (payload or {}).get("reason") or ""
    for item in items:
        deadline = rows[item.deadline_id]
        record = row_to_record(deadline)
        close = record.closing_instant(sub.timezone) if not item.now.cancelled else None
        told.append(told_payload(item.deadline_id, deadline.revision, item.now, close))
        override = deadline.source.get("override") or {}
        lines.append(
            ChangeLine(
                record=record,
                election_name=_election_name(elections.get(record.election_id), lang, record.election_id),
                was=span(item.was) if item.was.status != UNKNOWN else "",
                was_close_at=item.was_close_at,
                now=span(item.now),
                close_at=close,
                cancelled=item.now.cancelled,
                reason=str(override.get("reason") or reason),
            )
        )
    session.execute(
        update(OutboxRow)
        .where(col(OutboxRow.id) == outbox_id)
        .values(payload={**(payload or {}), "told": told})
    )
    return MailJob(
        outbox_id,
        Kind.CORRECTION,
        "correction",
        sub.email,
        sub.language,
        sub.timezone,
        sub.id,
        subscriber_secret=sub.secret,
        changes=tuple(lines),
        references=tuple(sorted({o.reply_to for o in items})),
    )
