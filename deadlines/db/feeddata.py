"""The feeds' edge of the database: reading what feeds are built from, and publishing from it.

The feeds package stays pure (it builds bytes from a `FeedData` snapshot); this module takes
that snapshot out of the database and hands it over.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import Engine, func
from sqlmodel import Session, select

from deadlines.changes import by_deadline
from deadlines.db.convert import row_to_record
from deadlines.db.history import deadline_changes
from deadlines.db.models import DeadlineRow, ElectionRow, StationRow
from deadlines.db.stations import to_station
from deadlines.feeds.builder import FeedItem
from deadlines.feeds.catalog import UPCOMING, BuiltFeed, ElectionInfo, FeedData, FeedSettings, catalog
from deadlines.feeds.publish import FileChange, build_all, publish
from deadlines.feeds.stationfeed import StationItem


def load_feed_data(*, session: Session) -> FeedData:
    elections = session.exec(select(ElectionRow).where(ElectionRow.status == "active")).all()
    infos = tuple(
        ElectionInfo(e.id, {"en": e.name_en, "ko": e.name_ko}, e.day, e.timezone, e.provisional)
        for e in sorted(elections, key=lambda e: (e.day, e.id))
    )
    names = {e.id: e.name for e in infos}
    provisional = {e.id for e in infos if e.provisional}
    rows = session.exec(select(DeadlineRow).where(DeadlineRow.election_id.in_(list(names)))).all()  # type: ignore[attr-defined]
    changes = by_deadline(deadline_changes(session=session, rows=rows))
    items = tuple(
        FeedItem(
            row_to_record(row),
            row.updated_at,
            names[row.election_id],
            row.election_id in provisional,
            changes=changes.get((row.election_id, row.slug), ()),
        )
        for row in sorted(rows, key=lambda r: (r.election_id, r.slug))
    )
    station_rows = session.exec(select(StationRow).where(StationRow.election_id.in_(list(names)))).all()  # type: ignore[attr-defined]
    stations = tuple(
        StationItem(to_station(r), r.updated_at)
        for r in sorted(station_rows, key=lambda r: (r.election_id, r.country, r.city, r.station))
    )
    return FeedData(infos, items, stations)


def data_version(*, session: Session) -> tuple[object, ...]:
    """A cheap fingerprint that changes whenever any feed could change."""
    deadlines = session.exec(select(func.count(), func.max(DeadlineRow.updated_at))).one()
    elections = session.exec(select(func.count(), func.max(ElectionRow.updated_at))).one()
    stations = session.exec(select(func.count(), func.max(StationRow.updated_at))).one()
    return (*deadlines, *elections, *stations)


def feed_paths(*, session: Session, elections: Collection[str], today: date) -> list[str]:
    """The feeds that exist now for these elections, and the upcoming feeds that list them."""
    specs = catalog(load_feed_data(session=session), today)
    return [s.path for s in specs if s.election in elections or s.election == UPCOMING]


def publish_from_db(
    engine: Engine, *, out_dir: Path, settings: FeedSettings, now: datetime
) -> tuple[list[BuiltFeed], list[FileChange]]:
    """Build every feed from the live records and write the files that changed; returns the
    feeds built and the files changed. The one way the CLI, the worker and the console publish."""
    with Session(engine) as session:
        data = load_feed_data(session=session)
    feeds = build_all(data, settings, now)
    return feeds, publish(out_dir, feeds, settings.base_url)
