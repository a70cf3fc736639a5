"""Reads what feeds are built from out of the database (the I/O edge of the feeds)."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from deadlines.db.convert import row_to_record
from deadlines.db.models import DeadlineRow, ElectionRow
from deadlines.feeds.builder import FeedItem
from deadlines.feeds.catalog import ElectionInfo, FeedData


def load_feed_data(*, session: Session) -> FeedData:
    elections = session.exec(select(ElectionRow).where(ElectionRow.status == "active")).all()
    infos = tuple(
        ElectionInfo(e.id, {"en": e.name_en, "ko": e.name_ko}, e.day, e.timezone)
        for e in sorted(elections, key=lambda e: (e.day, e.id))
    )
    names = {e.id: e.name for e in infos}
    rows = session.exec(select(DeadlineRow).where(DeadlineRow.election_id.in_(list(names)))).all()  # type: ignore[attr-defined]
    items = tuple(
        FeedItem(row_to_record(row), row.updated_at, names[row.election_id])
        for row in sorted(rows, key=lambda r: (r.election_id, r.slug))
    )
    return FeedData(infos, items)


def data_version(*, session: Session) -> tuple[object, ...]:
    """A cheap fingerprint that changes whenever any feed could change."""
    deadlines = session.exec(select(func.count(), func.max(DeadlineRow.updated_at))).one()
    elections = session.exec(select(func.count(), func.max(ElectionRow.updated_at))).one()
    return (*deadlines, *elections)
