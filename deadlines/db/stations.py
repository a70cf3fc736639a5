"""Overseas voting stations in the database: upsert, list, get and delete, each change audited;
the elections' overseas voting windows that stations are checked against. Never commits."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from deadlines.db.audit import audit
from deadlines.db.models import DeadlineRow, ElectionRow, OutboxRow, StationRow, Subscription
from deadlines.outbox_state import OPEN, Kind, State
from deadlines.stations.csvparse import parse_hours
from deadlines.stations.model import Station, window_of
from deadlines.stations.reminder import STATION_TRIGGER, station_moments

OVERSEAS_VOTING = "overseas-voting"


def to_station(row: StationRow) -> Station:
    return Station(
        election=row.election_id,
        station=row.station,
        name_en=row.name_en,
        name_ko=row.name_ko,
        country=row.country,
        city=row.city,
        timezone=row.timezone,
        address=row.address,
        opens=row.opens,
        closes=row.closes,
        hours=parse_hours(row.hours),
    )


def voting_windows(*, session: Session) -> dict[str, tuple[date, date]]:
    """Election id -> the days its stations may open: the computed `overseas-voting` period,
    or E-14..E-9 of its day. Only active elections whose rule set has overseas voting."""
    elections = {e.id: e for e in session.exec(select(ElectionRow).where(ElectionRow.status == "active"))}
    windows: dict[str, tuple[date, date]] = {}
    rows = session.exec(
        select(DeadlineRow).where(
            DeadlineRow.slug == OVERSEAS_VOTING, col(DeadlineRow.election_id).in_(list(elections))
        )
    )
    for row in rows:
        if row.status == "cancelled":
            continue
        day = elections[row.election_id].day
        default = window_of(day)
        windows[row.election_id] = (row.opens or default[0], row.closes or default[1])
    return windows


def _row(session: Session, election: str, station: str) -> StationRow | None:
    return session.exec(
        select(StationRow).where(StationRow.election_id == election, StationRow.station == station)
    ).first()


def get_station(*, session: Session, election: str, station: str) -> Station | None:
    row = _row(session, election, station)
    return to_station(row) if row else None


def list_stations(*, session: Session, election: str | None = None) -> list[Station]:
    query = select(StationRow)
    if election is not None:
        query = query.where(StationRow.election_id == election)
    rows = session.exec(
        query.order_by(col(StationRow.election_id), col(StationRow.country), col(StationRow.city))
    )
    return sorted((to_station(r) for r in rows), key=lambda s: (s.election, s.country, s.city, s.station))


def upsert_station(*, session: Session, station: Station, actor: str, now: datetime) -> str:
    """Store a station; returns created, updated or unchanged. A change of days or zone moves
    the pending "opens tomorrow" reminders of the voters who chose it."""
    values = station.as_dict()
    row = _row(session, station.election, station.station)
    if row is not None:
        before = to_station(row)
        if before == station:
            return "unchanged"
        action = "updated"
        old: dict[str, str] | None = before.as_dict()
    else:
        row = StationRow(
            election_id=station.election,
            station=station.station,
            name_en=station.name_en,
            country=station.country,
            city=station.city,
            timezone=station.timezone,
            opens=station.opens,
            closes=station.closes,
        )
        action, old = "created", None
    row.name_en, row.name_ko = station.name_en, station.name_ko
    row.country, row.city, row.timezone, row.address = (
        station.country,
        station.city,
        station.timezone,
        station.address,
    )
    row.opens, row.closes, row.hours, row.updated_at = station.opens, station.closes, values["hours"], now
    session.add(row)
    audit(
        session=session,
        actor=actor,
        action=f"station.{action}",
        target=f"station/{station.key}",
        before=old,
        after=values,
        now=now,
    )
    if action == "updated":
        replan_station_reminders(session=session, station=station)
    return action


def delete_station(*, session: Session, election: str, station: str, actor: str, now: datetime) -> bool:
    """Remove a station; voters who chose it keep their other reminders, its own are cancelled."""
    row = _row(session, election, station)
    if row is None:
        return False
    before = to_station(row).as_dict()
    subs = select(Subscription.id).where(
        Subscription.election_id == election, Subscription.station == station
    )
    session.execute(
        update(OutboxRow)
        .where(
            col(OutboxRow.subscription_id).in_(subs),
            col(OutboxRow.trigger) == STATION_TRIGGER,
            col(OutboxRow.state).in_(OPEN),
        )
        .values(state=State.CANCELLED, last_error="station removed")
    )
    session.execute(
        update(Subscription)
        .where(col(Subscription.election_id) == election, col(Subscription.station) == station)
        .values(station=None)
    )
    session.delete(row)
    audit(
        session=session,
        actor=actor,
        action="station.deleted",
        target=f"station/{election}/{station}",
        before=before,
        now=now,
    )
    return True


def replan_station_reminders(*, session: Session, station: Station) -> int:
    """Pending "opens tomorrow" reminders of this station's voters follow its new days."""
    due, close = station_moments(station)
    subs = select(Subscription.id).where(
        Subscription.election_id == station.election, Subscription.station == station.station
    )
    result = session.execute(
        update(OutboxRow)
        .where(
            col(OutboxRow.kind) == Kind.REMINDER,
            col(OutboxRow.subscription_id).in_(subs),
            col(OutboxRow.trigger) == STATION_TRIGGER,
            col(OutboxRow.state).in_(OPEN),
        )
        .values(due_at=due, close_at=close)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def chosen_stations(*, session: Session, subscription_ids: Collection[int]) -> dict[int, Station]:
    """Subscription id -> the station its voter chose (for the stations that still exist)."""
    if not subscription_ids:
        return {}
    rows = session.exec(
        select(Subscription.id, StationRow).where(
            col(Subscription.id).in_(list(subscription_ids)),
            col(StationRow.election_id) == col(Subscription.election_id),
            col(StationRow.station) == col(Subscription.station),
        )
    ).all()
    return {int(sid or 0): to_station(row) for sid, row in rows}
