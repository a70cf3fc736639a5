"""Console passwords with the production argon2 parameters (the rest of the suite uses cheap ones)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from argon2.profiles import RFC_9106_LOW_MEMORY
from sqlmodel import Session, select

from deadlines.db import staff
from deadlines.db.engine import make_engine, upgrade
from deadlines.db.models import StaffUser
from tests.conftest import CHEAP_HASHER, PRODUCTION_HASHER

NOW = datetime(2028, 2, 11, 15, 0, tzinfo=UTC)


@pytest.fixture
def production_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(staff, "_hasher", PRODUCTION_HASHER)


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    engine = make_engine(f"sqlite:///{tmp_path / 'deadlines.db'}")
    upgrade(engine)
    with Session(engine) as s:
        yield s
    engine.dispose()


def test_the_service_hashes_with_rfc_9106_parameters() -> None:
    # argon2-cffi's default is RFC 9106's low-memory profile: argon2id, t=3, 64 MiB, p=4.
    assert isinstance(PRODUCTION_HASHER, PasswordHasher)
    assert PRODUCTION_HASHER._parameters == RFC_9106_LOW_MEMORY


def test_a_password_is_stored_and_checked_with_production_parameters(
    production_hashes: None, session: Session
) -> None:
    staff.add_staff(
        session=session, username="ed", password="a long password", role="editor", actor="t", now=NOW
    )
    session.commit()
    stored = session.exec(select(StaffUser)).one().password_hash
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert staff.authenticate(session=session, username="ed", password="a long password", now=NOW)
    assert staff.authenticate(session=session, username="ed", password="wrong password", now=NOW) is None
    assert staff.authenticate(session=session, username="nobody", password="a long password", now=NOW) is None


def test_a_weaker_hash_is_upgraded_at_the_next_login(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(staff, "_hasher", CHEAP_HASHER)
    staff.add_staff(
        session=session, username="ed", password="a long password", role="editor", actor="t", now=NOW
    )
    session.commit()
    monkeypatch.setattr(staff, "_hasher", PRODUCTION_HASHER)
    assert staff.authenticate(session=session, username="ed", password="a long password", now=NOW)
    session.commit()
    assert session.exec(select(StaffUser)).one().password_hash.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
