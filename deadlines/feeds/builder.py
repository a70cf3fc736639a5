"""The pure ICS builder: records and options in, RFC 5545 bytes out, the same bytes every time."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event, Timezone

from deadlines import __version__
from deadlines.changes import DateChange, change_line
from deadlines.citations import cite
from deadlines.feeds.text import official_text, summary
from deadlines.howto import how_line
from deadlines.records import DeadlineRecord

PRODID = f"-//deadlines//Election deadlines {__version__}//EN"
_END = b"END:VCALENDAR\r\n"
# Periods longer than this become two events (opens, closes), so a 90-day window does not
# sit across a voter's calendar for three months.
LONG_PERIOD_DAYS = 7
MARK = timedelta(hours=1)  # length of the block shown for a timed opening or closing moment


@dataclass(frozen=True)
class FeedItem:
    """A stored deadline as a feed needs it: the record, when it last changed, its election."""

    record: DeadlineRecord
    updated_at: datetime
    election_name: Mapping[str, str]
    # The election day is computed from the law and not yet confirmed: dates may still move.
    provisional: bool = False
    # Its changes of dates or standing, newest first (deadlines/changes.py).
    changes: tuple[DateChange, ...] = ()


@dataclass(frozen=True)
class FeedOptions:
    lang: str
    name: str
    description: str
    timezone: str
    uid_domain: str
    base_url: str
    ttl: timedelta = timedelta(hours=12)
    abroad: bool = False
    alarms: tuple[timedelta, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Part:
    """One calendar event of a record: the whole period, or its opening or closing."""

    name: str  # period, opens, closes, deadline, event
    first: date
    last: date
    start_time: time | None
    end_time: time | None


def parts_of(record: DeadlineRecord) -> list[Part]:
    if record.kind == "period":
        assert record.opens and record.closes
        if (record.closes - record.opens).days + 1 > LONG_PERIOD_DAYS:
            return [
                Part("opens", record.opens, record.opens, record.opens_time, None),
                Part("closes", record.closes, record.closes, None, record.closes_time),
            ]
        return [Part("period", record.opens, record.closes, record.opens_time, record.closes_time)]
    if record.kind == "deadline":
        assert record.closes
        return [Part("deadline", record.closes, record.closes, None, record.closes_time)]
    assert record.opens
    return [Part("event", record.opens, record.closes or record.opens, record.opens_time, record.closes_time)]


def _span(record: DeadlineRecord, part: Part, abroad: bool) -> tuple[date | datetime, date | datetime]:
    """DTSTART and DTEND (exclusive) of a part."""
    timed = part.start_time is not None or part.end_time is not None
    if not timed and not (abroad and not record.local_time):
        return part.first, part.last + timedelta(days=1)
    # Local times are floating (no zone): 08:00 means 08:00 wherever the calendar is.
    tz = None if record.local_time else ZoneInfo(record.timezone)
    end_of_last = datetime.combine(part.last + timedelta(days=1), time(0), tz)
    if part.name in ("closes", "deadline") and part.end_time is not None:
        end = datetime.combine(part.last, part.end_time, tz)
        return end - MARK, end
    if part.name == "opens" and part.start_time is not None:
        start = datetime.combine(part.first, part.start_time, tz)
        return start, start + MARK
    start = datetime.combine(part.first, part.start_time or time(0), tz)
    end = datetime.combine(part.last, part.end_time, tz) if part.end_time else end_of_last
    return start, end


def _description(item: FeedItem, options: FeedOptions, url: str) -> str:
    r, lang = item.record, options.lang
    lines = []
    if r.description.get(lang):
        lines.append(r.description[lang])
    acting = how_line(r, lang)
    if acting:
        lines.append(acting)
    lines.append(("Official: " if lang == "en" else "공식 일시: ") + official_text(r, lang))
    if item.changes:
        lines.append(change_line(item.changes[0], lang, r.timezone))
    source = r.source
    if source.get("type") == "notice" and source.get("quote"):
        lines.append(("Notice: " if lang == "en" else "공고: ") + f"“{source['quote']}”")
    elif source.get("citation"):
        law = source.get("law") or None
        lines.append(("Law: " if lang == "en" else "근거: ") + cite(law, str(source["citation"]), lang))
    if r.status == "cancelled":
        lines.append("This deadline was withdrawn." if lang == "en" else "이 일정은 취소되었습니다.")
    elif item.provisional:
        lines.append(
            "Provisional: the election day is computed from the law and not yet announced."
            if lang == "en"
            else "잠정: 선거일은 법에 따라 계산한 날이며 아직 공고되지 않았습니다."
        )
    lines.append(("Election: " if lang == "en" else "선거: ") + item.election_name.get(lang, r.election_id))
    lines.append(url)
    return "\n".join(lines)


def _event(item: FeedItem, part: Part, options: FeedOptions) -> Event:
    r = item.record
    url = f"{options.base_url.rstrip('/')}/elections/{r.election_id}#{r.id}"
    event = Event()
    event.add("uid", f"{r.id}.{part.name}.{r.election_id}@{options.uid_domain}")
    event.add("dtstamp", item.updated_at.astimezone(UTC))
    start, end = _span(r, part, options.abroad)
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", summary(r, part.name, options.lang))
    event.add("description", _description(item, options, url))
    # Where the voter acts, when the rules say; the page stays the description's last line.
    event.add("url", r.action_url or url)
    event.add("categories", list(r.audiences))
    event.add("transp", "TRANSPARENT")
    confirmed = "TENTATIVE" if item.provisional else "CONFIRMED"
    event.add("status", "CANCELLED" if r.status == "cancelled" else confirmed)
    event.add("sequence", r.revision)
    event.add("last-modified", item.updated_at.astimezone(UTC))
    if r.status != "cancelled":
        for before in options.alarms:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", summary(r, part.name, options.lang))
            related = "START" if part.name in ("opens", "event") else "END"
            alarm.add("trigger", -before, parameters={"RELATED": related})
            event.add_component(alarm)
    return event


# Working out a zone's transitions costs icalendar about 60 ms per call, and a publish asks for
# a few dozen ranges (each feed spans its own days); a few hundred bytes each, so keep many.
@lru_cache(maxsize=1024)
def vtimezone(tzid: str, first: date, last: date) -> Timezone:
    """The VTIMEZONE of `tzid` from `first` to `last`; shared, so callers must not change it."""
    return Timezone.from_tzinfo(ZoneInfo(tzid), tzid, first, last)


@lru_cache(maxsize=1024)
def _vtimezone(tzid: str, first: date, last: date) -> bytes:
    return bytes(vtimezone(tzid, first, last).to_ical())


class _EventCache:
    """Serialised events by what they are made of. Serialising one costs about a millisecond;
    the same event goes into several feeds (its election's, each audience's, the upcoming one,
    every reminder email's attachment) and each publish builds every feed again, while few
    events change between two publishes."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._bytes: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            found = self._bytes.get(key)
            if found is not None:
                self._bytes.move_to_end(key)
            return found

    def put(self, key: str, body: bytes) -> None:
        with self._lock:
            self._bytes[key] = body
            while len(self._bytes) > self.size:
                self._bytes.popitem(last=False)


_EVENTS = _EventCache(4096)


def _event_ics(item: FeedItem, part: Part, options: FeedOptions) -> bytes:
    # Every input of _event, in full: the record, its changes and election name are frozen
    # values whose repr shows each field.
    key = repr(
        (item, part, options.lang, options.abroad, options.uid_domain, options.base_url, options.alarms)
    )
    body = _EVENTS.get(key)
    if body is None:
        body = bytes(_event(item, part, options).to_ical())
        _EVENTS.put(key, body)
    return body


def ics_duration(value: timedelta) -> str:
    """An RFC 5545 duration such as PT12H or P1DT6H."""
    days, rest = divmod(int(value.total_seconds()), 86400)
    hours, rest = divmod(rest, 3600)
    clock = (f"{hours}H" if hours else "") + (f"{rest // 60}M" if rest >= 60 else "")
    text = "P" + (f"{days}D" if days else "") + (f"T{clock}" if clock else "")
    return text if text != "P" else "PT0S"


def build_feed(items: Sequence[FeedItem], options: FeedOptions) -> bytes:
    """One feed as bytes. Pure: the same items and options always give the same bytes."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("name", options.name)
    cal.add("x-wr-calname", options.name)
    cal.add("description", options.description)
    cal.add("x-wr-caldesc", options.description)
    cal.add("x-wr-timezone", options.timezone)
    cal.add("refresh-interval", options.ttl, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", ics_duration(options.ttl))
    events: list[tuple[tuple[str, str], bytes]] = []
    zones: dict[str, list[date]] = {}
    for item in items:
        r = item.record
        for part in parts_of(r):
            start, _end = _span(r, part, options.abroad)
            uid = f"{r.id}.{part.name}.{r.election_id}@{options.uid_domain}"
            events.append(((start.isoformat(), uid), _event_ics(item, part, options)))
            if isinstance(start, datetime) and not r.local_time:
                zones.setdefault(r.timezone, []).extend([part.first, part.last])
    # The calendar's own lines, then its components in the order to_ical would write them.
    head = bytes(cal.to_ical())
    assert head.endswith(_END)
    body = [head[: -len(_END)]]
    for tzid in sorted(zones):
        days = zones[tzid]
        # A year either side covers every transition a client needs around the events.
        body.append(_vtimezone(tzid, min(days) - timedelta(days=366), max(days) + timedelta(days=366)))
    body.extend(ics for _key, ics in sorted(events, key=lambda pair: pair[0]))
    body.append(_END)
    return b"".join(body)


def event_count(data: bytes) -> int:
    return data.count(b"\r\nBEGIN:VEVENT\r\n")
