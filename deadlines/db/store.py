"""Notice storage: extracted notices and their drafts, stored pending staff review.

Every function takes the session explicitly and never commits: the caller's transaction
decides, so a failure anywhere stores nothing half-way.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Table, insert
from sqlmodel import Session, select

from deadlines.db.audit import audit
from deadlines.db.models import DraftRow, NoticeRow
from deadlines.extract.model import ExtractedNotice
from deadlines.extract.reconcile import Match


def store_notice(
    *,
    session: Session,
    source: str,
    content: str,
    sha256: str,
    notices: Sequence[ExtractedNotice],
    matches: Sequence[Sequence[Match]],
    election_id: str | None,
    actor: str,
    now: datetime,
) -> list[NoticeRow]:
    """Store each extracted notice and its drafts, pending staff review.

    Every row is built before anything is written, and each table gets one batched insert: a
    2 MB notice has tens of thousands of drafts, and SQLite holds its one write lock (which
    /healthz and every sign-up wait for) from the first insert to the commit."""
    rows = [
        NoticeRow(
            source=source,
            sha256=sha256,
            headline=notice.headline,
            published=notice.published,
            election_id=election_id,
            content=content[notice.span[0] : notice.span[1]],
            ingested_at=now,
        )
        for notice in notices
    ]
    drafts = [[_draft_values(m, election_id, now) for m in notice_matches] for notice_matches in matches]
    table = DraftRow.metadata.tables["draft"]
    # SQLite has one write lock for the whole file, held from the first insert to the commit:
    # there the values are converted for the driver (JSON text, dates) before it is taken. Other
    # databases lock rows, and their drivers adapt values themselves.
    sqlite = session.get_bind().dialect.name == "sqlite"
    if sqlite:
        _bind_values(session, table, [values for notice_drafts in drafts for values in notice_drafts])
    session.add_all(rows)
    session.flush()
    for row, notice_drafts in zip(rows, drafts, strict=True):
        assert row.id is not None
        for values in notice_drafts:
            values["notice_id"] = row.id
    every_draft = [values for notice_drafts in drafts for values in notice_drafts]
    if every_draft and not sqlite:
        # One Core executemany (the ORM's bulk insert splits the rows into a statement per
        # pattern of empty columns: thousands for one paste).
        session.connection().execute(insert(table), every_draft)
    elif every_draft:
        # One executemany straight to the driver: even a Core insert spent most of the lock
        # converting each row.
        sql, order = _insert_sql(session, table, list(every_draft[0]))
        params: list[Any] = every_draft
        if order is not None:
            params = [tuple(values[key] for key in order) for values in every_draft]
        session.connection().exec_driver_sql(sql, params)
    for row, notice, notice_drafts in zip(rows, notices, drafts, strict=True):
        audit(
            session=session,
            actor=actor,
            action="notice.ingest",
            target=f"notice/{row.id}",
            after={"source": source, "headline": notice.headline, "drafts": len(notice_drafts)},
            now=now,
        )
    return rows


def _bind_values(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """Convert each value in place as the column's type would for the database in use."""
    if not rows:
        return
    dialect = session.get_bind().dialect
    # The dialect's own type, as a statement would use: the generic Date has no processor, and
    # a raw date would fall to sqlite3's default adapter, deprecated since Python 3.12.
    processors = [(key, table.c[key].type.dialect_impl(dialect).bind_processor(dialect)) for key in rows[0]]
    active = [(key, process) for key, process in processors if process is not None]
    for values in rows:
        for key, process in active:
            values[key] = process(values[key])


def _insert_sql(session: Session, table: Table, keys: list[str]) -> tuple[str, list[str] | None]:
    """The driver's INSERT statement for these columns, and the order of its parameters when the
    driver takes them by position (None: by name)."""
    compiled = insert(table).compile(dialect=session.get_bind().dialect, column_keys=keys)
    return str(compiled), (list(compiled.positiontup or []) if compiled.positional else None)


def _draft_values(m: Match, election_id: str | None, now: datetime) -> dict[str, Any]:
    """The columns of one draft row (all but notice_id), for a bulk insert."""
    r = m.record
    return {
        "election_id": election_id,
        "kind": r.kind,
        "starts": r.starts,
        "ends": r.ends,
        "time_starts": r.time_starts.strftime("%H:%M") if r.time_starts else None,
        "time_ends": r.time_ends.strftime("%H:%M") if r.time_ends else None,
        "timezone": r.timezone,
        "audiences": list(r.audiences),
        "headline": r.headline,
        "title": r.title[:200] if r.title else None,
        "quote": r.quote,
        "span_start": r.span[0],
        "span_end": r.span[1],
        "confidence": r.confidence,
        "warnings": list(r.warnings),
        "past": r.past,
        "outcome": m.outcome,
        "rule": m.rule,
        "message": m.message,
        "status": "pending",
        "created_at": now,
    }


def notice_seen(*, session: Session, sha256: str) -> bool:
    return session.exec(select(NoticeRow.id).where(NoticeRow.sha256 == sha256)).first() is not None
