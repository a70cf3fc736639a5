"""Corrections as pure decisions: what a subscriber was told against what is published now.

A subscriber is owed a correction for a deadline when the dates (or the status) in the last
message that told them about it differ from the published ones: not when the deadline changed
since the first reminder. Move a date and move it back before anyone was told, and nobody is
owed anything; move it twice after they were told, and they are owed the latest.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

# A told row written while the deadline was already being revised again: the dates in that
# message are not known exactly, only its closing instant, so any published state differs.
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Dates:
    """The dates of a deadline as a message states them (and whether it still stands)."""

    opens: date | None
    closes: date | None
    opens_time: str | None
    closes_time: str | None
    status: str = "published"

    @property
    def cancelled(self) -> bool:
        return self.status == "cancelled"


@dataclass(frozen=True)
class Told:
    """What one subscriber was last told about one deadline, and by which message."""

    subscriber_id: int
    deadline_id: int
    outbox_id: int
    dates: Dates
    close_at: datetime | None = None


@dataclass(frozen=True)
class Owed:
    """One deadline a correction must put right: what they were told, what holds now."""

    deadline_id: int
    was: Dates
    now: Dates
    was_close_at: datetime | None
    reply_to: int  # outbox id of the message that told them the old dates


def differs(told: Dates, published: Dates) -> bool:
    """True when a message that said `told` is wrong about `published`."""
    if told.status == UNKNOWN:
        return True
    if told.cancelled or published.cancelled:
        return told.cancelled != published.cancelled
    return (told.opens, told.closes, told.opens_time, told.closes_time) != (
        published.opens,
        published.closes,
        published.opens_time,
        published.closes_time,
    )


def owed(told: Iterable[Told], published: Mapping[int, Dates]) -> dict[int, list[Owed]]:
    """Per subscriber, the deadlines whose last-told dates differ from the published ones.

    A deadline missing from `published` (deleted outright) is owed as withdrawn."""
    gone = Dates(None, None, None, None, "cancelled")
    out: dict[int, list[Owed]] = {}
    for t in told:
        now = published.get(t.deadline_id, gone)
        if differs(t.dates, now):
            out.setdefault(t.subscriber_id, []).append(
                Owed(t.deadline_id, t.dates, now, t.close_at, t.outbox_id)
            )
    for items in out.values():
        items.sort(key=lambda o: o.deadline_id)
    return out


def span(dates: Dates) -> str:
    """`2023-11-12 .. 2024-02-10 18:00`, or `2024-02-10` for a deadline with only a close."""

    def part(d: date | None, t: str | None) -> str:
        return f"{d}{' ' + t if t else ''}" if d else ""

    opening, closing = part(dates.opens, dates.opens_time), part(dates.closes, dates.closes_time)
    if opening and closing and opening != closing:
        return f"{opening} .. {closing}"
    return closing or opening or "-"
