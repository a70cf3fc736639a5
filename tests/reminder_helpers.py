"""Set-up for reminder tests: a database with the shipped rules, subscribers, a worker pass."""

from __future__ import annotations

import asyncio
import atexit
import shutil
import sqlite3
import tempfile
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from deadlines.db.engine import make_engine
from deadlines.db.models import OutboxRow, Subscriber
from deadlines.reminders.plan_db import PlanReport
from deadlines.reminders.recorder import DispatchReport
from deadlines.reminders.subscribers import SignUp, sign_up
from deadlines.reminders.worker import Worker
from deadlines.settings import Settings, load_settings
from tests import pg_databases
from tests.conftest import Cli, cli_env

ELECTION = "kr-2024-national-assembly"


# Built once per test process, then copied per test: `init` + `rules apply` (+ staff accounts)
# cost about a second each time, a file copy a millisecond.
_TEMPLATES: dict[tuple[tuple[str, str], ...], Path] = {}
_TEMPLATE_ROOT: list[Path] = []


def _template_root() -> Path:
    if not _TEMPLATE_ROOT:
        root = Path(tempfile.mkdtemp(prefix="deadlines-templates-"))
        atexit.register(shutil.rmtree, root, True)
        _TEMPLATE_ROOT.append(root)
    return _TEMPLATE_ROOT[0]


def _template(staff: Mapping[str, str]) -> Path:
    """A directory with `deadlines.db` and `calendars/` as `init` and `rules apply` leave them,
    plus a console account per `staff` item (username = role -> password)."""
    key = tuple(sorted(staff.items()))
    if key in _TEMPLATES:
        return _TEMPLATES[key]
    where = _template_root() / f"t{len(_TEMPLATES)}"
    build = where / "build"
    build.mkdir(parents=True)
    _build(f"sqlite:///{build / 'deadlines.db'}", build, staff)
    # The backup API gives one self-contained file (no -wal beside it) to copy from.
    with sqlite3.connect(build / "deadlines.db") as src, sqlite3.connect(where / "deadlines.db") as dst:
        src.backup(dst)
    src.close()
    dst.close()
    if (build / "calendars").exists():
        shutil.copytree(build / "calendars", where / "calendars")
    shutil.rmtree(build)
    _TEMPLATES[key] = where
    return where


def add_staff_accounts(db_url: str, staff: Mapping[str, str]) -> None:
    from deadlines.db.staff import add_staff

    engine = make_engine(db_url)
    try:
        with Session(engine) as session:
            for role, password in staff.items():
                add_staff(
                    session=session,
                    username=role,
                    password=password,
                    role=role,
                    actor="test",
                    now=datetime.now(UTC),
                )
            session.commit()
    finally:
        engine.dispose()


def _sqlite_file(db_url: str) -> Path | None:
    prefix = "sqlite:///"
    return Path(db_url.removeprefix(prefix)) if db_url.startswith(prefix) else None


def init_database(db_url: str, tmp_path: Path, staff: Mapping[str, str] | None = None) -> None:
    """The database at `db_url` as `init` and `rules apply` leave it (feeds published under
    `tmp_path/calendars`), with `staff` accounts: a copy of a template for a new SQLite file or
    a new test database on PostgreSQL, the commands themselves otherwise."""
    path = _sqlite_file(db_url)
    if path is not None and not path.exists():
        template = _template(staff or {})
        shutil.copyfile(template / "deadlines.db", path)
        if (template / "calendars").exists():
            shutil.copytree(template / "calendars", tmp_path / "calendars", dirs_exist_ok=True)
        return
    if pg_databases.is_fresh(db_url):
        template, calendars = _pg_template(staff or {})
        pg_databases.copy_template(template, db_url)
        if calendars.exists():
            shutil.copytree(calendars, tmp_path / "calendars", dirs_exist_ok=True)
        return
    _build(db_url, tmp_path, staff or {})


def _build(db_url: str, where: Path, staff: Mapping[str, str]) -> None:
    run = Cli(cli_env(db_url, where))
    assert run("init").exit_code == 0
    assert run("rules", "apply").exit_code == 0
    if staff:
        add_staff_accounts(db_url, staff)


_PG_TEMPLATES: dict[tuple[tuple[str, str], ...], tuple[str, Path]] = {}


def _pg_template(staff: Mapping[str, str]) -> tuple[str, Path]:
    """A PostgreSQL database as `init`, `rules apply` and `staff` leave it, and the feed files
    they published; built once per test process."""
    key = tuple(sorted(staff.items()))
    if key not in _PG_TEMPLATES:
        name = pg_databases.new_template()
        where = _template_root() / f"pg{len(_PG_TEMPLATES)}"
        where.mkdir()
        _build(pg_databases.url_of(name), where, staff)
        _PG_TEMPLATES[key] = (name, where / "calendars")
    return _PG_TEMPLATES[key]


def prepare(
    db_url: str, tmp_path: Path, smtp_port: int, *, staff: Mapping[str, str] | None = None, **overrides: Any
) -> Settings:
    init_database(db_url, tmp_path, staff)
    values: dict[str, Any] = {
        "database_url": db_url,
        "smtp_port": smtp_port,
        "smtp_host": "127.0.0.1",
        "quiet_hours": "",
        "calendars_dir": tmp_path / "calendars",
        "base_url": "https://deadlines.example.org",
        "uid_domain": "deadlines.example.org",
        "retry_base_seconds": 1,
        # Loopback answers in milliseconds, but a full suite on two cores can stall a thread for
        # seconds; a tighter timeout turned such a stall into a retry and a missing email.
        "smtp_timeout": 20,
        "mail_from": "Election deadlines <noreply@deadlines.example.org>",
        "secret_key": "test-secret",
    }
    values.update(overrides)
    return load_settings(**values)


def add_subscriber(
    settings: Settings,
    email: str,
    zone: str,
    *,
    language: str = "en",
    audiences: tuple[str, ...] = ("overseas",),
    triggers: tuple[str, ...] | None = None,
    active: bool = True,
    now: datetime,
) -> int:
    engine = make_engine(settings.database_url)
    try:
        with Session(engine) as session:
            sign_up(
                session=session,
                request=SignUp(email, language, zone, (ELECTION,), audiences, triggers),
                known_elections=[ELECTION],
                now=now,
            )
            session.commit()
            sub = session.exec(select(Subscriber).where(Subscriber.email == email.lower())).one()
            if active:
                sub.status = "active"
                session.add(sub)
                # The confirmation email is not part of these tests.
                for row in session.exec(select(OutboxRow).where(OutboxRow.subscriber_id == sub.id)):
                    session.delete(row)
            session.commit()
            return int(sub.id or 0)
    finally:
        engine.dispose()


def once(settings: Settings, now: datetime) -> tuple[PlanReport, DispatchReport]:
    worker = Worker(settings)
    try:
        return asyncio.run(worker.once(now))
    finally:
        worker.engine.dispose()


def rows(settings: Settings, **where: Any) -> list[OutboxRow]:
    engine = make_engine(settings.database_url)
    try:
        with Session(engine) as session:
            query = select(OutboxRow).order_by(col(OutboxRow.id))
            for key, value in where.items():
                query = query.where(getattr(OutboxRow, key) == value)
            return list(session.exec(query).all())
    finally:
        engine.dispose()
