"""What each subscriber was last told per deadline: stored when a message is sent, read to decide
corrections. The decisions themselves are pure (`deadlines.corrections`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, and_, bindparam, case, literal
from sqlalchemy import select as sa_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from deadlines.corrections import UNKNOWN, Dates, owed
from deadlines.corrections import Told as ToldFact
from deadlines.db.models import DeadlineRow, OutboxRow, Subscriber, Subscription, Told
from deadlines.db.types import UTCDateTime
from deadlines.outbox_state import Kind
from deadlines.stations.reminder import STATION_TRIGGER

_TOLD = Told.__table__  # type: ignore[attr-defined]
_VALUES = ("opens", "closes", "opens_time", "closes_time")


def dates_of(row: DeadlineRow) -> Dates:
    return Dates(row.opens, row.closes, row.opens_time, row.closes_time, row.status)


def _on_conflict(stmt: Any) -> Any:
    excluded = stmt.excluded
    columns = ("outbox_id", "revision", *_VALUES, "status", "close_at", "at")
    return stmt.on_conflict_do_update(
        index_elements=["subscriber_id", "deadline_id"], set_={c: excluded[c] for c in columns}
    )


def _insert(dialect: str) -> Any:
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(_TOLD)


_O, _D = OutboxRow.__table__, DeadlineRow.__table__  # type: ignore[attr-defined]
_SAME = _O.c.revision == _D.c.revision
_IDS: Any = bindparam("ids", expanding=True)
# Decided for an older revision than the stored one: the exact dates sent are not known here
# any more (only the close instant), so the row is marked unknown and owed a correction.
_PICKED = sa_select(
    _O.c.subscriber_id,
    _O.c.deadline_id,
    _O.c.id,
    _O.c.revision,
    *(case((_SAME, _D.c[c]), else_=None) for c in _VALUES),
    case((_SAME, _D.c.status), else_=literal(UNKNOWN)),
    _O.c.close_at,
    bindparam("now", type_=UTCDateTime),
).where(
    _O.c.id.in_(_IDS),
    _O.c.kind == Kind.REMINDER,
    _D.c.id == _O.c.deadline_id,
    # "Your station opens tomorrow" states the station's days, not the deadline's dates.
    _O.c.trigger != STATION_TRIGGER,
)
_COLUMNS = ["subscriber_id", "deadline_id", "outbox_id", "revision", *_VALUES, "status", "close_at", "at"]
# Built once per dialect: this runs for every batch of sends.
_REMEMBER = {d: _on_conflict(_insert(d).from_select(_COLUMNS, _PICKED)) for d in ("sqlite", "postgresql")}
_CORRECTIONS = sa_select(_O.c.id, _O.c.subscriber_id, _O.c.payload).where(
    _O.c.id.in_(_IDS), _O.c.kind == Kind.CORRECTION
)


def remember_sent(conn: Connection, ids: Sequence[int], now: datetime) -> None:
    """After these outbox rows were sent: each reminder told its subscriber the dates of the
    revision it was decided for (one set-based statement); each correction told the dates listed
    in its payload."""
    if not ids:
        return
    conn.execute(_REMEMBER[conn.dialect.name], {"ids": list(ids), "now": now})
    for outbox_id, subscriber_id, payload in conn.execute(_CORRECTIONS, {"ids": list(ids)}):
        remember_correction(conn, outbox_id, subscriber_id, (payload or {}).get("told", []), now)


def remember_correction(
    conn: Connection, outbox_id: int, subscriber_id: int, told: Iterable[dict[str, Any]], now: datetime
) -> None:
    """A correction told its subscriber the dates listed in its payload (stored when it was
    decided); those are now what they were last told."""
    rows = [
        {
            "subscriber_id": subscriber_id,
            "deadline_id": int(t["deadline_id"]),
            "outbox_id": outbox_id,
            "revision": int(t["revision"]),
            "opens": _day(t.get("opens")),
            "closes": _day(t.get("closes")),
            "opens_time": t.get("opens_time"),
            "closes_time": t.get("closes_time"),
            "status": str(t.get("status", "published")),
            "close_at": _instant(t.get("close_at")),
            "at": now,
        }
        for t in told
    ]
    if rows:
        conn.execute(_on_conflict(_insert(conn.dialect.name).values(rows)))


def told_payload(deadline_id: int, revision: int, dates: Dates, close_at: datetime | None) -> dict[str, Any]:
    return {
        "deadline_id": deadline_id,
        "revision": revision,
        "opens": dates.opens.isoformat() if dates.opens else None,
        "closes": dates.closes.isoformat() if dates.closes else None,
        "opens_time": dates.opens_time,
        "closes_time": dates.closes_time,
        "status": dates.status,
        "close_at": close_at.isoformat() if close_at else None,
    }


def _day(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else None


def _instant(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) else None


def _fact(row: Told) -> ToldFact:
    return ToldFact(
        row.subscriber_id,
        row.deadline_id,
        row.outbox_id,
        Dates(row.opens, row.closes, row.opens_time, row.closes_time, row.status),
        row.close_at,
    )


def told_of_subscriber(session: Session, subscriber_id: int) -> list[ToldFact]:
    return [_fact(r) for r in session.exec(select(Told).where(col(Told.subscriber_id) == subscriber_id))]


def told_about(session: Session, deadline_ids: Iterable[int] | None = None) -> list[ToldFact]:
    """Told rows of active subscribers who still follow the deadline's election, either about
    the given deadlines or (None) about any deadline revised since they were told."""
    query = (
        select(Told)
        .join(DeadlineRow, col(DeadlineRow.id) == col(Told.deadline_id))
        .join(Subscriber, col(Subscriber.id) == col(Told.subscriber_id))
        .join(
            Subscription,
            and_(
                col(Subscription.subscriber_id) == col(Told.subscriber_id),
                col(Subscription.election_id) == col(DeadlineRow.election_id),
            ),
        )
        .where(col(Subscriber.status) == "active")
    )
    if deadline_ids is None:
        query = query.where(col(Told.revision) != col(DeadlineRow.revision))
    else:
        query = query.where(col(Told.deadline_id).in_(list(deadline_ids)))
    return [_fact(r) for r in session.exec(query)]


def correction_recipients(session: Session, changed: dict[int, Dates] | None = None) -> set[int]:
    """Subscribers who are owed a correction: now, or (`changed`: deadline id -> dates about to
    be published) once those dates are published. The preview and publishing both ask this."""
    facts = set(told_about(session))
    if changed:
        facts.update(told_about(session, changed))
    ids = {f.deadline_id for f in facts}
    published = {
        r.id or 0: dates_of(r) for r in session.exec(select(DeadlineRow).where(col(DeadlineRow.id).in_(ids)))
    }
    published.update(changed or {})
    return set(owed(facts, published))
