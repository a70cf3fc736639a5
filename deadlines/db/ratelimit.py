"""Rate limits counted in the database, so every web process shares them."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, delete, select

from deadlines.db.models import RateEvent


def bucket(kind: str, value: str) -> str:
    """Rate-limit keys are hashed, so the table holds no addresses."""
    return f"{kind}:{hashlib.sha256(value.encode()).hexdigest()[:40]}"


def allow(*, session: Session, key: str, limit: int, window: timedelta, now: datetime) -> bool:
    """Counts one event under `key` unless `limit` events already fell in the window.

    Shared by every web process through the database; two processes racing may each let one
    more through, which a rate limit can afford.
    """
    since = now - window
    session.exec(delete(RateEvent).where(col(RateEvent.bucket) == key, col(RateEvent.at) < since))
    count = session.exec(
        select(func.count())
        .select_from(RateEvent)
        .where(col(RateEvent.bucket) == key, col(RateEvent.at) >= since)
    ).one()
    if count >= limit:
        return False
    session.add(RateEvent(bucket=key, at=now))
    return True


def prune(*, session: Session, before: datetime) -> int:
    """Drop counted events too old for any window (run by the worker's planning pass)."""
    result = session.exec(delete(RateEvent).where(col(RateEvent.at) < before))
    return int(result.rowcount or 0)
