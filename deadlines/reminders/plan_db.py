"""The planning shell: streams subscriptions through the pure planner into the outbox."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import Engine, Text, cast, text
from sqlalchemy import select as sa_select
from sqlalchemy.dialects import sqlite
from sqlmodel import Session, col, select

from deadlines.db.convert import row_to_record
from deadlines.db.models import DeadlineRow, ElectionRow, OutboxRow, Subscriber, Subscription
from deadlines.db.stations import OVERSEAS_VOTING, list_stations
from deadlines.db.told import correction_recipients
from deadlines.outbox_state import OPEN, Kind, State
from deadlines.reminders.planning import (
    DeadlineView,
    Moments,
    Planned,
    SubscriptionView,
    plan_station,
    plan_subscription,
    replan,
)
from deadlines.stations.model import Station
from deadlines.stations.reminder import STATION_TRIGGER

CHUNK = 10000


@dataclass
class PlanReport:
    planned: int = 0
    replanned: int = 0
    cancelled: int = 0
    corrections: int = 0

    def __str__(self) -> str:
        return (
            f"planned {self.planned} new reminder(s), re-planned {self.replanned}, "
            f"cancelled {self.cancelled}, {self.corrections} correction(s)"
        )


_COLUMNS = (
    "kind",
    "subscriber_id",
    "subscription_id",
    "deadline_id",
    "trigger",
    "due_at",
    "close_at",
    "revision",
    "state",
    "attempts",
    "created_at",
)


def _insert_ignoring_duplicates(engine: Engine, rows: list[dict[str, Any]]) -> int:
    """Insert, skipping rows that exist (unique per subscription, deadline, trigger); returns how
    many were new."""
    if not rows:
        return 0
    if engine.dialect.name == "postgresql":
        return _copy_ignoring_duplicates(engine, rows)
    table = OutboxRow.__table__  # type: ignore[attr-defined]
    stmt = sqlite.insert(table).on_conflict_do_nothing()
    with engine.begin() as conn:
        before = conn.execute(text("SELECT total_changes()")).scalar_one()
        conn.execute(stmt, rows)
        return int(conn.execute(text("SELECT total_changes()")).scalar_one() - before)


def _copy_ignoring_duplicates(engine: Engine, rows: list[dict[str, Any]]) -> int:
    """PostgreSQL: COPY into a temporary table, then one INSERT ... SELECT ... ON CONFLICT DO
    NOTHING. Row-by-row inserts cost several times a COPY of the same rows."""
    columns = ", ".join(_COLUMNS)
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(
            "CREATE TEMPORARY TABLE IF NOT EXISTS outbox_stage "
            "(LIKE outbox INCLUDING DEFAULTS EXCLUDING IDENTITY) ON COMMIT DELETE ROWS"
        )
        with cursor.copy(f"COPY outbox_stage ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row[c] for c in _COLUMNS])
        cursor.execute(
            f"INSERT INTO outbox ({columns}) SELECT {columns} FROM outbox_stage "
            "ON CONFLICT (subscription_id, deadline_id, trigger) DO NOTHING"
        )
        inserted = cursor.rowcount
        raw.commit()
    except BaseException:
        raw.rollback()
        raise
    finally:
        raw.close()
    return max(int(inserted), 0)


def _deadline_views(session: Session) -> list[DeadlineView]:
    active = select(ElectionRow.id).where(ElectionRow.status == "active")
    rows = session.exec(select(DeadlineRow).where(col(DeadlineRow.election_id).in_(active))).all()
    return [DeadlineView(r.id or 0, row_to_record(r)) for r in rows]


def _subscriptions(engine: Engine) -> Iterator[SubscriptionView]:
    """Active subscriptions, streamed in chunks (never all in memory), as plain columns.

    Audiences and triggers come as JSON text and are parsed once per distinct value: a million
    subscriptions repeat a few dozen combinations."""
    query = (
        sa_select(
            col(Subscription.id),
            col(Subscription.subscriber_id),
            col(Subscriber.timezone),
            col(Subscription.election_id),
            cast(col(Subscription.audiences), Text),
            cast(col(Subscription.triggers), Text),
            col(Subscription.station),
            col(Subscription.registry_check),
        )
        .join(Subscriber, col(Subscriber.id) == col(Subscription.subscriber_id))
        .where(col(Subscriber.status) == "active")
        .order_by(col(Subscription.id))
        .execution_options(yield_per=CHUNK)
    )
    parsed: dict[str | None, tuple[str, ...] | None] = {None: None, "null": None}

    def values(text: str | None) -> tuple[str, ...] | None:
        if text not in parsed:
            parsed[text] = tuple(json.loads(text))  # type: ignore[arg-type]
        return parsed[text]

    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            # A cursor is planned for its first tenth by default, which after a bulk import
            # (before any ANALYZE: "13 active subscribers") chose a nested loop over the
            # subscriber table for every subscription, quadratic: 20,000 took 8 s a worker and
            # ran past the statement timeout under load. Every row is read, so plan for all.
            conn.exec_driver_sql("SET LOCAL cursor_tuple_fraction = 1.0")
        for sid, subscriber_id, zone, election, audiences, triggers, station, check in conn.execute(query):
            yield SubscriptionView(
                sid or 0,
                subscriber_id,
                zone,
                election,
                values(audiences) or (),
                values(triggers),
                station,
                check,
            )


def _row(p: Planned, now: datetime, subscription_id: int, subscriber_id: int) -> dict[str, Any]:
    return {
        "kind": "reminder",
        "subscriber_id": subscriber_id,
        "subscription_id": subscription_id,
        "deadline_id": p.deadline_id,
        "trigger": p.trigger,
        "due_at": p.due_at,
        "close_at": p.close_at,
        "revision": p.revision,
        "state": "pending",
        "attempts": 0,
        "created_at": now,
    }


def plan_new(engine: Engine, *, now: datetime, horizon: timedelta, quiet: tuple[time, time] | None) -> int:
    """Materialise reminders due within the horizon; planning twice never duplicates.

    Subscriptions with the same election, audiences, triggers and zone get the same reminders,
    and there are few such shapes among millions of subscriptions: each shape is planned once
    by the pure planner, then stamped out per subscription.
    """
    with Session(engine) as session:
        deadlines = _deadline_views(session)
        stations: dict[tuple[str, str], Station] = {
            (s.election, s.station): s for s in list_stations(session=session)
        }
    voting = {d.record.election_id: d for d in deadlines if d.record.id == OVERSEAS_VOTING}
    by_election: dict[str, list[DeadlineView]] = {}
    for d in deadlines:
        by_election.setdefault(d.record.election_id, []).append(d)
    planned = 0
    batch: list[dict[str, Any]] = []
    moments = Moments(quiet)
    shapes: dict[tuple[Any, ...], list[Planned]] = {}
    for sub in _subscriptions(engine):
        shape = (sub.election_id, sub.audiences, sub.triggers, sub.zone, sub.station, sub.registry_check)
        template = shapes.get(shape)
        if template is None:
            probe = replace(sub, subscription_id=0, subscriber_id=0)
            template = list(
                plan_subscription(probe, by_election.get(sub.election_id, ()), now, horizon, quiet, moments)
            )
            chosen = stations.get((sub.election_id, sub.station or ""))
            if chosen is not None and sub.election_id in voting:
                opens = plan_station(probe, chosen, voting[sub.election_id], now, horizon)
                template += [opens] if opens is not None else []
            shapes[shape] = template
        for p in template:
            batch.append(_row(p, now, sub.subscription_id, sub.subscriber_id))
        if len(batch) >= CHUNK:
            planned += _insert_ignoring_duplicates(engine, batch)
            batch = []
    planned += _insert_ignoring_duplicates(engine, batch)
    return planned


def follow_changes(
    engine: Engine,
    report: PlanReport,
    *,
    now: datetime,
    quiet: tuple[time, time] | None,
    reason: str = "",
) -> None:
    """Deadlines that changed: re-plan or cancel pending reminders, and queue one correction per
    subscriber whose last-told dates differ from the published ones (`reason`: what staff or
    the notice gave as the cause)."""
    with Session(engine) as session:
        stale = session.exec(
            select(OutboxRow, DeadlineRow, Subscriber.timezone)
            .join(DeadlineRow, col(DeadlineRow.id) == col(OutboxRow.deadline_id))
            .join(Subscriber, col(Subscriber.id) == col(OutboxRow.subscriber_id))
            .where(
                col(OutboxRow.kind) == Kind.REMINDER,
                col(OutboxRow.revision) != col(DeadlineRow.revision),
                col(OutboxRow.state).in_(OPEN),
                # A station's reminder follows the station's days (db/stations.py moves it).
                col(OutboxRow.trigger) != STATION_TRIGGER,
            )
        ).all()
        for row, deadline, zone in stale:
            record = row_to_record(deadline)
            moved = replan(record, row.trigger, zone, quiet, now)
            if moved is None:
                row.state, row.last_error = State.CANCELLED, f"deadline changed (revision {record.revision})"
                report.cancelled += 1
            else:
                row.due_at, row.close_at, row.revision = moved[0], moved[1], record.revision
                report.replanned += 1
            session.add(row)
        report.corrections += queue_corrections(session, now=now, reason=reason)
        session.commit()


def queue_corrections(session: Session, *, now: datetime, reason: str = "") -> int:
    """One correction row per subscriber owed one, unless one is already waiting (it works out
    what to say when it is sent, so it covers this change too)."""
    owed_to = correction_recipients(session)
    if not owed_to:
        return 0
    waiting = set(
        session.exec(
            select(OutboxRow.subscriber_id).where(
                col(OutboxRow.kind) == Kind.CORRECTION,
                col(OutboxRow.state).in_((*OPEN, State.SENDING)),
                col(OutboxRow.subscriber_id).in_(owed_to),
            )
        )
    )
    new = sorted(owed_to - waiting)
    for subscriber_id in new:
        session.add(
            OutboxRow(
                kind=Kind.CORRECTION,
                subscriber_id=subscriber_id,
                trigger="correction",
                due_at=now,
                revision=0,
                state=State.PENDING,
                payload={"reason": reason} if reason else None,
                created_at=now,
            )
        )
    return len(new)


def plan_all(
    engine: Engine, *, now: datetime, horizon: timedelta, quiet: tuple[time, time] | None
) -> PlanReport:
    report = PlanReport()
    follow_changes(engine, report, now=now, quiet=quiet)
    report.planned = plan_new(engine, now=now, horizon=horizon, quiet=quiet)
    return report


def counts(engine: Engine) -> Sequence[tuple[str, int]]:
    from sqlalchemy import func

    with Session(engine) as session:
        return list(session.exec(select(OutboxRow.state, func.count()).group_by(OutboxRow.state)).all())
