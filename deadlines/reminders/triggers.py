"""When each reminder is due: triggers, the day-of rule and quiet hours. Pure date maths."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from deadlines.mail.registrymail import REGISTRY_CHECK
from deadlines.records import DeadlineRecord

TRIGGERS: tuple[str, ...] = ("opens", "P7D", "P1D", "day-of")
DAY_OF = time(9, 0)
DEFAULT_TRIGGERS: dict[str, tuple[str, ...]] = {
    # Voters abroad act through missions and the post: they need the opening and every nudge.
    "overseas": ("opens", "P7D", "P1D", "day-of"),
}
FALLBACK_TRIGGERS: tuple[str, ...] = ("P7D", "P1D", "day-of")
# The yearly "check your overseas voter registration" reminder (`registry-check-2027`: the one
# of 2027) is due on the anniversary of two months before the registration closes (E-60).
REGISTRY_LEAD = timedelta(days=60)


def default_triggers(audiences: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    for audience in audiences:
        if audience in DEFAULT_TRIGGERS:
            return DEFAULT_TRIGGERS[audience]
    return FALLBACK_TRIGGERS


def closing(record: DeadlineRecord, zone: str) -> datetime | None:
    """The instant reminders count back from; local-time records close in the voter's zone."""
    return record.closing_instant(zone if record.local_time else None)


def _in_quiet(local: datetime, quiet: tuple[time, time]) -> bool:
    start, end = quiet
    t = local.timetz().replace(tzinfo=None)
    if start <= end:
        return start <= t < end
    return t >= start or t < end


def _out_of_quiet(due: datetime, tz: ZoneInfo, quiet: tuple[time, time] | None, close: datetime) -> datetime:
    if quiet is None:
        return due
    local = due.astimezone(tz)
    if not _in_quiet(local, quiet):
        return due
    morning = datetime.combine(local.date(), quiet[1], tz)
    if morning <= local:
        morning = datetime.combine(local.date() + timedelta(days=1), quiet[1], tz)
    # Waking someone is better than telling them too late.
    return morning if morning < close else due


def due_at(
    record: DeadlineRecord, trigger: str, zone: str, quiet: tuple[time, time] | None = None
) -> datetime | None:
    """When `trigger` fires for a subscriber in `zone`; None if it has no moment before the close.

    - `opens`: when the record opens (periods only).
    - `P7D`, `P1D`: that long before the official closing instant.
    - `day-of`: 09:00 local on the last local day that still lies before the close (a Korean
      end-of-day close is 07:00 in Los Angeles, so there it is 09:00 the day before).
    No trigger ever falls on or after the closing instant.
    """
    close = closing(record, zone)
    if close is None:
        return None
    tz = ZoneInfo(zone)
    if trigger == "opens":
        if record.kind != "period":
            return None
        due = record.opening_instant(zone if record.local_time else None)
    elif trigger in ("P7D", "P1D"):
        due = close - timedelta(days=7 if trigger == "P7D" else 1)
    elif trigger.startswith(REGISTRY_CHECK) and trigger[len(REGISTRY_CHECK) :].isdigit():
        due = registry_check_due(close, tz, int(trigger[len(REGISTRY_CHECK) :]))
    elif trigger == "day-of":
        local_close = close.astimezone(tz)
        due = datetime.combine(local_close.date(), DAY_OF, tz)
        if due >= close:
            due = datetime.combine(local_close.date() - timedelta(days=1), DAY_OF, tz)
        return due if due < close else None
    else:
        raise ValueError(f"unknown trigger {trigger!r}; expected one of {', '.join(TRIGGERS)}")
    if due is None or due >= close:
        return None
    return _out_of_quiet(due, tz, quiet, close)


def registry_check_due(close: datetime, tz: ZoneInfo, year: int) -> datetime:
    """09:00 local, in `year`, on the day 60 days before the last local day of the deadline (a
    close at the end of a day belongs to that day; 29 Feb becomes 28)."""
    target = (close - timedelta(microseconds=1)).astimezone(tz).date() - REGISTRY_LEAD
    day = target.replace(year=year, day=min(target.day, 28 if target.month == 2 else 31))
    return datetime.combine(day, DAY_OF, tz)
