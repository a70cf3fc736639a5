"""Deadline records: the structure at the centre of the service, and their closing instants."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

Kind = Literal["period", "deadline", "event"]
KINDS: tuple[str, ...] = ("period", "deadline", "event")
AUDIENCES: tuple[str, ...] = ("all", "overseas", "domestic", "candidates", "media", "officials")
LANGUAGES: tuple[str, ...] = ("en", "ko")


@dataclass(frozen=True)
class DeadlineRecord:
    """One deadline of one election, computed from a rule or taken from a notice.

    Dates are calendar dates in the election's zone. A time, when set, is a clock time in that
    zone, or in every voter's own zone when `local_time` is true (overseas polling hours).
    """

    election_id: str
    id: str
    title: Mapping[str, str]
    kind: Kind
    audiences: tuple[str, ...]
    opens: date | None
    closes: date | None
    timezone: str
    description: Mapping[str, str] = field(default_factory=dict)
    opens_time: time | None = None
    closes_time: time | None = None
    local_time: bool = False
    source: Mapping[str, Any] = field(default_factory=dict)
    status: str = "published"
    revision: int = 1
    # Where and how a voter acts: an https page and a sentence per language, which may say
    # `{link}` where the page goes (deadlines/howto.py renders both).
    action_url: str | None = None
    how: Mapping[str, str] = field(default_factory=dict)

    def opening_instant(self, zone: str | None = None) -> datetime | None:
        """The aware instant the record opens: the start of its day unless a time is set."""
        if self.opens is None:
            return None
        tz = self._zone(zone)
        if tz is None:
            return None
        return datetime.combine(self.opens, self.opens_time or time(0), tz).astimezone(UTC)

    def closing_instant(self, zone: str | None = None) -> datetime | None:
        """What reminders count back from: the end of the closing day unless a time is set.

        For local-time records the instant depends on where the voter is, so a zone must be
        given; without one the answer is None.
        """
        if self.closes is None:
            return None
        tz = self._zone(zone)
        if tz is None:
            return None
        if self.closes_time is None:
            return datetime.combine(self.closes + timedelta(days=1), time(0), tz).astimezone(UTC)
        return datetime.combine(self.closes, self.closes_time, tz).astimezone(UTC)

    def _zone(self, zone: str | None) -> ZoneInfo | None:
        if self.local_time:
            return ZoneInfo(zone) if zone else None
        return ZoneInfo(self.timezone)


def format_time(value: time | None) -> str | None:
    return value.strftime("%H:%M") if value is not None else None


def record_to_json(record: DeadlineRecord) -> dict[str, Any]:
    """The stable JSON shape of a deadline (documented in the README)."""
    opens_at = record.opening_instant()
    closes_at = record.closing_instant()
    return {
        "id": record.id,
        "election": record.election_id,
        "title": dict(record.title),
        "description": dict(record.description),
        "kind": record.kind,
        "audiences": list(record.audiences),
        "opens": record.opens.isoformat() if record.opens else None,
        "closes": record.closes.isoformat() if record.closes else None,
        "opens_time": format_time(record.opens_time),
        "closes_time": format_time(record.closes_time),
        "local_time": record.local_time,
        "opens_at": opens_at.isoformat() if opens_at else None,
        "closes_at": closes_at.isoformat() if closes_at else None,
        "timezone": record.timezone,
        "status": record.status,
        "revision": record.revision,
        "source": dict(record.source),
        "action_url": record.action_url,
        "how": dict(record.how),
    }
