"""Drafts go to SQLite in one executemany straight to the driver, so each value must already be
in the form SQLAlchemy would bind: a date handed to sqlite3 raw falls to its default adapter,
deprecated since Python 3.12 (a warning there, an error under this suite's warning filter)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlmodel import Session

from deadlines.db.engine import make_engine, upgrade
from deadlines.db.models import DraftRow
from deadlines.db.store import _bind_values


def test_dates_and_lists_are_bound_as_sqlite_stores_them(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'bind.db'}")
    upgrade(engine)
    table = DraftRow.metadata.tables["draft"]
    rows = [{"starts": date(2023, 11, 12), "ends": None, "audiences": ["overseas"]}]
    try:
        with Session(engine) as session:
            _bind_values(session, table, rows)
    finally:
        engine.dispose()
    assert rows == [{"starts": "2023-11-12", "ends": None, "audiences": '["overseas"]'}]
