"""The recorder stores outcomes that arrive close together in one commit, never more than its
bound at once, and never sits on a lone outcome longer than its short wait."""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, event
from sqlmodel import Session, col, select

from deadlines.db.engine import make_engine
from deadlines.db.models import OutboxRow
from deadlines.mail.failures import Delivery
from deadlines.outbox_state import State
from deadlines.reminders.recorder import LINGER, DispatchReport, Recorder
from deadlines.reminders.results import Result
from deadlines.settings import load_settings
from tests.factories import due_reminders

NOW = datetime(2024, 2, 9, 15, tzinfo=UTC)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    url = f"sqlite:///{tmp_path / 'recorder.db'}"
    due_reminders(url, 30, NOW, NOW + timedelta(days=1))
    engine = make_engine(url)
    yield engine
    engine.dispose()


def _recorder(engine: Engine, backlog: int) -> tuple[Recorder, list[int]]:
    commits: list[int] = []
    event.listen(engine, "commit", lambda conn: commits.append(1))
    settings = load_settings(database_url=str(engine.url))
    recorder = Recorder(
        engine, settings, lambda: NOW, random.Random(1), DispatchReport(), fixed_now=NOW, backlog=backlog
    )
    recorder.start()
    return recorder, commits


def _reminder_ids(engine: Engine) -> list[int]:
    with Session(engine) as session:
        return list(
            session.exec(
                select(OutboxRow.id).where(OutboxRow.kind == "reminder").order_by(col(OutboxRow.id))
            ).all()
        )


def _sent(engine: Engine) -> int:
    with Session(engine) as session:
        return len(session.exec(select(OutboxRow.id).where(OutboxRow.state == State.SENT)).all())


def test_outcomes_arriving_together_share_a_commit(engine: Engine) -> None:
    ids = _reminder_ids(engine)[:20]
    recorder, commits = _recorder(engine, backlog=100)
    for outbox_id in ids:  # a relay answering about once a millisecond
        recorder.put(Result(outbox_id, Delivery.SENT))
        time.sleep(0.0005)
    recorder.finish()
    assert _sent(engine) == 20 and recorder.report.sent == 20
    # One transaction per outcome before the wait was added; now a handful at most.
    assert len(commits) <= 5, len(commits)


def test_a_batch_never_exceeds_the_bound(engine: Engine) -> None:
    ids = _reminder_ids(engine)[:30]
    recorder, commits = _recorder(engine, backlog=4)
    for outbox_id in ids:
        recorder.put(Result(outbox_id, Delivery.SENT))
    recorder.finish()
    assert _sent(engine) == 30
    assert len(commits) >= 30 // 4, len(commits)


def test_a_lone_outcome_is_stored_after_the_short_wait(engine: Engine) -> None:
    outbox_id = _reminder_ids(engine)[0]
    recorder, _ = _recorder(engine, backlog=100)
    started = time.monotonic()
    recorder.put(Result(outbox_id, Delivery.SENT))
    while recorder.report.sent == 0 and time.monotonic() - started < 5:
        time.sleep(0.002)
    waited = time.monotonic() - started
    recorder.finish()
    assert recorder.report.sent == 1 and _sent(engine) == 1
    assert waited < LINGER + 1.0, waited  # the wait, plus room for a busy machine
