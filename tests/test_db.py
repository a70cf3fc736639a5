"""Storage: aware UTC timestamps, migrations up and down, models and migrations agreeing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.exc import StatementError
from sqlmodel import Session, SQLModel, select

from deadlines.db.engine import alembic_config, make_engine, normalise_url, upgrade
from deadlines.db.models import AuditEntry, ElectionRow


@pytest.fixture
def engine(db_url: str):  # type: ignore[no-untyped-def]
    engine = make_engine(db_url)
    upgrade(engine)
    yield engine
    engine.dispose()


def test_aware_datetimes_come_back_in_utc(engine) -> None:  # type: ignore[no-untyped-def]
    seoul = timezone(timedelta(hours=9))
    with Session(engine) as s:
        s.add(AuditEntry(at=datetime(2024, 2, 10, 23, 59, tzinfo=seoul), actor="t", action="x", target="y"))
        s.commit()
    with Session(engine) as s:
        entry = s.exec(select(AuditEntry)).one()
    assert entry.at == datetime(2024, 2, 10, 14, 59, tzinfo=UTC)
    assert entry.at.tzinfo is not None and entry.at.utcoffset() == timedelta(0)


def test_naive_datetimes_are_refused(engine) -> None:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        s.add(
            ElectionRow(
                id="e",
                name_en="e",
                name_ko="e",
                ruleset_id="r",
                day=date(2024, 4, 10),
                timezone="Asia/Seoul",
                updated_at=datetime(2024, 1, 1),
            )
        )
        with pytest.raises(StatementError, match="naive datetime"):
            s.commit()


def test_migrations_downgrade_and_upgrade_again(engine) -> None:  # type: ignore[no-untyped-def]
    cfg = alembic_config(engine)
    command.downgrade(cfg, "base")
    assert not inspect(engine).has_table("deadline")
    upgrade(engine)
    assert inspect(engine).has_table("deadline")


def test_models_and_migrations_agree(engine) -> None:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, SQLModel.metadata)
    assert diff == []


def test_postgresql_urls_use_psycopg3() -> None:
    assert normalise_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("sqlite:///x.db") == "sqlite:///x.db"
