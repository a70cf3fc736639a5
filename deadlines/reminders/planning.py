"""Reminder planning: (subscription x deadline x trigger) to due instants. Pure: no I/O, no clock."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from deadlines.mail.registrymail import REGISTRY_CHECK
from deadlines.records import DeadlineRecord
from deadlines.reminders.triggers import closing, default_triggers, due_at
from deadlines.stations.model import Station
from deadlines.stations.reminder import STATION_TRIGGER, station_moments

# How long an "it is now open" reminder stays worth sending (late sign-ups, downtime).
OPENING_NEWS = timedelta(days=1)
# The deadline the yearly registry check counts to: citizens abroad register, or register a
# change of their details, by E-60 (Art. 218-5).
REGISTRATION = "overseas-voter-registration"


@dataclass(frozen=True)
class SubscriptionView:
    subscription_id: int
    subscriber_id: int
    zone: str
    election_id: str
    audiences: tuple[str, ...] = ()
    triggers: tuple[str, ...] | None = None
    station: str | None = None  # the overseas voting station the voter chose
    registry_check: bool = False  # a yearly reminder to check their overseas voter registration


@dataclass(frozen=True)
class DeadlineView:
    deadline_id: int
    record: DeadlineRecord


@dataclass(frozen=True)
class Planned:
    subscription_id: int
    subscriber_id: int
    deadline_id: int
    trigger: str
    due_at: datetime
    close_at: datetime
    revision: int


def follows(sub: SubscriptionView, record: DeadlineRecord) -> bool:
    if record.election_id != sub.election_id:
        return False
    if not sub.audiences or "all" in record.audiences:
        return True
    return any(a in record.audiences for a in sub.audiences)


class Moments:
    """Closing and due instants per (deadline, trigger, zone), computed once: a million
    subscribers share a handful of zones, so planning reuses the date maths."""

    def __init__(self, quiet: tuple[time, time] | None) -> None:
        self.quiet = quiet
        self._close: dict[tuple[int, str], datetime | None] = {}
        self._due: dict[tuple[int, str, str], datetime | None] = {}

    def close(self, d: DeadlineView, zone: str) -> datetime | None:
        key = (d.deadline_id, zone)
        if key not in self._close:
            self._close[key] = closing(d.record, zone)
        return self._close[key]

    def due(self, d: DeadlineView, trigger: str, zone: str) -> datetime | None:
        key = (d.deadline_id, trigger, zone)
        if key not in self._due:
            self._due[key] = due_at(d.record, trigger, zone, self.quiet)
        return self._due[key]


def plan_subscription(
    sub: SubscriptionView,
    deadlines: Iterable[DeadlineView],
    now: datetime,
    horizon: timedelta,
    quiet: tuple[time, time] | None,
    moments: Moments | None = None,
) -> Iterator[Planned]:
    """Reminders due before `now + horizon` for deadlines that have not closed yet.

    Rows already due (after downtime, or a late sign-up) are planned too: dispatch sends only the
    latest of them per deadline, and only while the deadline is still open.
    """
    until = now + horizon
    stale_opening = now - OPENING_NEWS
    moments = moments or Moments(quiet)
    for d in deadlines:
        r = d.record
        if r.status != "published" or not follows(sub, r):
            continue
        close = moments.close(d, sub.zone)
        if close is None or close <= now:
            continue
        triggers = list(sub.triggers or default_triggers(r.audiences))
        if sub.registry_check and r.id == REGISTRATION:
            triggers += [f"{REGISTRY_CHECK}{year}" for year in range(now.year, close.year + 1)]
        for trigger in triggers:
            due = moments.due(d, trigger, sub.zone)
            if due is None or due > until:
                continue
            if trigger == "opens" and due < stale_opening:
                continue  # "now open" weeks later is noise; the closing reminders still come
            if trigger.startswith(REGISTRY_CHECK) and due < stale_opening:
                continue  # a past year's check: this year's (or the closing reminders) will do
            yield Planned(
                sub.subscription_id, sub.subscriber_id, d.deadline_id, trigger, due, close, r.revision
            )


def plan_station(
    sub: SubscriptionView, station: Station, voting: DeadlineView, now: datetime, horizon: timedelta
) -> Planned | None:
    """The "your station opens tomorrow" reminder of a voter who chose `station`, filed under the
    election's overseas voting deadline: due 09:00 station-local the day before the first voting
    day, within the horizon, and only while the station has not opened."""
    if voting.record.status != "published" or station.election != sub.election_id:
        return None
    due, opening = station_moments(station)
    if opening <= now or due > now + horizon:
        return None
    return Planned(
        sub.subscription_id,
        sub.subscriber_id,
        voting.deadline_id,
        STATION_TRIGGER,
        due,
        opening,
        voting.record.revision,
    )


def replan(
    record: DeadlineRecord, trigger: str, zone: str, quiet: tuple[time, time] | None, now: datetime
) -> tuple[datetime, datetime] | None:
    """The new (due, close) of a pending reminder whose deadline changed; None: cancel it."""
    if record.status != "published":
        return None
    close = closing(record, zone)
    if close is None or close <= now:
        return None
    due = due_at(record, trigger, zone, quiet)
    return (due, close) if due is not None else None
