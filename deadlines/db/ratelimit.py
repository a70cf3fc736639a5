"""Rate limits and login back-off counted in the database, so every web process shares them."""

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


def backoff_delay(failures: int, *, free: int, cap: timedelta) -> timedelta:
    """How long to wait after the last of `failures` failed attempts before another is heard:
    nothing for the first `free`, then 2, 4, 8 ... seconds, never more than `cap`. It slows a
    guesser to a crawl while the owner, who gets it right within a few tries, barely notices."""
    if failures < free:
        return timedelta(0)
    exponent = min(failures - free + 1, 32)  # 2**32 s is past any cap; keeps the number small
    return min(timedelta(seconds=2**exponent), cap)


def failures(*, session: Session, key: str, since: datetime) -> tuple[int, datetime | None]:
    """How many events `key` has had since `since`, and when the last one was."""
    count, last = session.exec(
        select(func.count(), func.max(col(RateEvent.at))).where(
            col(RateEvent.bucket) == key, col(RateEvent.at) >= since
        )
    ).one()
    return int(count), last


def record(*, session: Session, key: str, now: datetime) -> None:
    session.add(RateEvent(bucket=key, at=now))


def clear(*, session: Session, key: str) -> None:
    """Forget every event of `key` (a login that succeeded ends its back-off)."""
    session.exec(delete(RateEvent).where(col(RateEvent.bucket) == key))


def prune(*, session: Session, before: datetime) -> int:
    """Drop counted events too old for any window (run by the worker's planning pass)."""
    result = session.exec(delete(RateEvent).where(col(RateEvent.at) < before))
    return int(result.rowcount or 0)
