"""Set-up for reminder tests: a database with the shipped rules, subscribers, a worker pass."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from deadlines.db.engine import make_engine
from deadlines.db.models import OutboxRow, Subscriber
from deadlines.reminders.plan_db import PlanReport
from deadlines.reminders.subscribers import SignUp, sign_up
from deadlines.reminders.worker import DispatchReport, Worker
from deadlines.settings import Settings, load_settings
from tests.conftest import Cli, cli_env

ELECTION = "kr-2024-national-assembly"


def prepare(db_url: str, tmp_path: Path, smtp_port: int, **overrides: Any) -> Settings:
    run = Cli(cli_env(db_url, tmp_path))
    assert run("init").exit_code == 0
    assert run("rules", "apply").exit_code == 0
    values: dict[str, Any] = {
        "database_url": db_url,
        "smtp_port": smtp_port,
        "smtp_host": "127.0.0.1",
        "quiet_hours": "",
        "calendars_dir": tmp_path / "calendars",
        "base_url": "https://deadlines.example.org",
        "uid_domain": "deadlines.example.org",
        "retry_base_seconds": 1,
        "smtp_timeout": 5,
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
