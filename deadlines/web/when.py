"""How a deadline's time reads for one visitor: when it closes where they are ("Closes for you:
Sat 12 Feb 2028, 07:00 (Los Angeles)"), beside the official time in the election's zone. Events
keep their whole span, a day without hours stays a date, and hours kept at each mission's own
clock are not converted. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from deadlines.feeds.text import KO_WEEKDAYS
from deadlines.records import DeadlineRecord

WORDS = {
    "en": {
        "closes": "Closes for you",
        "opens": "Opens for you",
        "span": "Your time",
        "day": "Day",
        "hours": "When",
        "official": "Official time",
        "closes_official": "Closes",
        "until": "until {}",
        "mission": "local time at each mission",
    },
    "ko": {
        "closes": "마감 (내 시간)",
        "opens": "시작 (내 시간)",
        "span": "내 시간",
        "day": "날짜",
        "hours": "일시",
        "official": "공식 시각",
        "closes_official": "마감",
        "until": "{}까지",
        "mission": "각 공관 현지시간",
    },
}


@dataclass(frozen=True)
class When:
    """The lines a deadline shows: `yours` (label, text) first, then the official time (None when
    it would say the same: a date, or hours local at each mission), and `lead`, the one line a
    list shows ("Closes for you: Sat 12 Feb 2028, 07:00 (Los Angeles)")."""

    yours: tuple[tuple[str, str], ...]
    official: str | None
    official_label: str
    lead: str


def day_text(day: date, lang: str) -> str:
    if lang == "ko":
        return f"{day.year}년 {day.month}월 {day.day}일 ({KO_WEEKDAYS[day.weekday()]})"
    return f"{day:%a} {day.day} {day:%b %Y}"


def _moment(day: date, clock: str, lang: str) -> str:
    return f"{day_text(day, lang)} {clock}" if lang == "ko" else f"{day_text(day, lang)}, {clock}"


def _local(instant: datetime, zone: str, *, closing: bool) -> tuple[date, str]:
    """The day and clock of an instant in a zone; a close at midnight is 24:00 of the day before,
    the last day on which the voter can still act."""
    local = instant.astimezone(ZoneInfo(zone))
    if closing and (local.hour, local.minute) == (0, 0):
        return local.date() - timedelta(days=1), "24:00"
    return local.date(), f"{local:%H:%M}"


def _span(start: tuple[date, str], end: tuple[date, str], lang: str) -> str:
    """ "Wed 12 Apr 2028, 06:00–18:00" on one day, "Tue 11 Apr 2028, 14:00 – Wed 12 Apr 2028, 02:00"
    across two."""
    if start[0] == end[0]:
        return f"{_moment(start[0], start[1], lang)}–{end[1]}"
    return f"{_moment(*start, lang)} – {_moment(*end, lang)}"


def _clock(value: time | None, *, end: bool) -> str:
    if value is None:
        return "24:00" if end else "00:00"
    return f"{value:%H:%M}"


def _official(record: DeadlineRecord, lang: str) -> str:
    """The law's own count in the election's zone: "until Sat 12 Feb 2028, 24:00 KST"."""
    instant = record.closing_instant() or record.opening_instant()
    abbreviation = instant.astimezone(ZoneInfo(record.timezone)).tzname() if instant else record.timezone
    w = WORDS[lang]
    end = (record.closes, _clock(record.closes_time, end=True)) if record.closes else None
    start = (record.opens, _clock(record.opens_time, end=False)) if record.opens else None
    if record.kind == "deadline" or start is None:
        assert end is not None
        return w["until"].format(f"{_moment(*end, lang)} {abbreviation}")
    if end is None:
        return f"{_moment(*start, lang)} {abbreviation}"
    return f"{_span(start, end, lang)} {abbreviation}"


def _at_missions(record: DeadlineRecord, lang: str) -> str:
    """Hours kept by each mission's own clock: the dates and hours as the law gives them."""
    w = WORDS[lang]
    days = [d for d in (record.opens, record.closes) if d is not None]
    dates = " – ".join(day_text(d, lang) for d in dict.fromkeys(days))
    if record.opens_time and record.closes_time:
        hours = f"{record.opens_time:%H:%M}–{record.closes_time:%H:%M}"
    else:
        hours = w["until"].format(_clock(record.closes_time or record.opens_time, end=True))
    return f"{dates}, {w['mission']} {hours}" if lang == "ko" else f"{dates}, {hours} {w['mission']}"


def when(record: DeadlineRecord, zone: str | None, place: str, lang: str) -> When:
    """`zone` is the visitor's (None when not known: only the official time is shown), `place`
    its city name in `lang`."""
    w = WORDS[lang if lang in WORDS else "en"]
    lang = lang if lang in WORDS else "en"
    if record.local_time:
        text = _at_missions(record, lang)
        return When(((w["hours"], text),), None, w["official"], f"{w['hours']}: {text}")
    if record.kind == "event" and record.opens_time is None and record.closes_time is None:
        day = record.closes or record.opens
        assert day is not None
        return When(
            ((w["day"], day_text(day, lang)),), None, w["official"], f"{w['day']}: {day_text(day, lang)}"
        )
    official = _official(record, lang)
    opens, closes = record.opening_instant(), record.closing_instant()
    if zone is None:
        if record.kind == "event" or closes is None:
            return When((), official, w["official"], f"{w['official']}: {official}")
        # Lists lead with the close in the law's own zone.
        close_text = _moment(*_local(closes, record.timezone, closing=True), lang)
        zone_name = closes.astimezone(ZoneInfo(record.timezone)).tzname()
        return When((), official, w["official"], f"{w['closes_official']}: {close_text} {zone_name}")
    yours: list[tuple[str, str]] = []
    if record.kind == "event" and opens and closes:
        start, end = _local(opens, zone, closing=False), _local(closes, zone, closing=True)
        yours.append((w["span"], f"{_span(start, end, lang)} ({place})"))
    else:
        if closes:
            yours.append((w["closes"], f"{_moment(*_local(closes, zone, closing=True), lang)} ({place})"))
        if opens and record.kind == "period":
            yours.append((w["opens"], f"{_moment(*_local(opens, zone, closing=False), lang)} ({place})"))
    lead = f"{yours[0][0]}: {yours[0][1]}" if yours else f"{w['official']}: {official}"
    return When(tuple(yours), official, w["official"], lead)
