"""Date, time and zone expressions in English and Korean notice text, found by position."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, time
from typing import TypeVar

MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
EN_WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
KO_WEEKDAYS = {"월": 0, "화": 1, "수": 2, "목": 3, "금": 4, "토": 5, "일": 6}
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# Month names must be capitalised: "may" and "march" are also ordinary words.
_MON = (
    r"(?P<mon>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?|JAN|FEB|MAR|APR|MAY|JUNE?"
    r"|JULY?|AUG|SEPT?|OCT|NOV|DEC)\.?"
)
_WD = (
    r"(?:(?P<wd>Mon(?:day)?|Tue(?:s(?:day)?)?|Wed(?:nesday)?|Thu(?:r(?:s(?:day)?)?)?|Fri(?:day)?"
    r"|Sat(?:urday)?|Sun(?:day)?)\.?,?\s+(?:the\s+)?)?"
)
_ORD = r"(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s+(?P<y>(?:19|20)\d{2}))?(?![\d:])"
_KWD = r"(?:\s*\(\s*(?P<kwd>[월화수목금토일])(?:요일)?\s*\)|\s*(?P<kwd2>[월화수목금토일])요일)?"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("en-dmy", re.compile(rf"\b{_WD}(?P<d>\d{{1,2}}){_ORD}\s+(?:of\s+)?{_MON}(?![a-z]){_YEAR}")),
    ("en-mdy", re.compile(rf"\b{_WD}{_MON}(?![a-z])\s+(?P<d>\d{{1,2}}){_ORD}(?![\d:]){_YEAR}")),
    ("iso", re.compile(r"(?<![\d.])(?P<y>(?:19|20)\d{2})-(?P<m>\d{2})-(?P<d>\d{2})(?![\d])")),
    (
        "ko-dot",
        re.compile(
            rf"(?<![\d.])(?P<y>(?:19|20)\d{{2}})\s*\.\s*(?P<m>\d{{1,2}})\s*\.\s*(?P<d>\d{{1,2}})(?!\d)\.?{_KWD}"
        ),
    ),
    (
        "ko-dot-yy",
        re.compile(rf"[′'’‘`](?P<yy>\d{{2}})\s*\.\s*(?P<m>\d{{1,2}})\s*\.\s*(?P<d>\d{{1,2}})(?!\d)\.?{_KWD}"),
    ),
    (
        "ko-ymd",
        re.compile(
            rf"(?:(?P<y>(?:19|20)\d{{2}})\s*년\s*)?(?<!\d)(?P<m>\d{{1,2}})\s*월\s*(?P<d>\d{{1,2}})\s*일(?!\s*간){_KWD}"
        ),
    ),
    # A year-less month.day only with its weekday, so decimals such as 66.2 never match.
    (
        "ko-md",
        re.compile(
            r"(?<![\d.′'’‘`])(?P<m>\d{1,2})\s*\.\s*(?P<d>\d{1,2})\s*\.?\s*\(\s*(?P<kwd>[월화수목금토일])\s*\)"
        ),
    ),
]

# After "A ~", a Korean range may give only the day ("2024. 4. 2. ~ 10.") or month and day.
_CONTINUATION = re.compile(
    rf"\s*[~～〜\-–—]\s*(?:(?P<m>\d{{1,2}})\s*\.\s*)?(?P<d>\d{{1,2}})(?!\d)\s*\.?(?!\s*\d){_KWD}"
)


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    month: int
    day: int
    year: int | None = None
    weekday: int | None = None
    text: str = ""

    def resolve(self, year: int) -> date | None:
        try:
            return date(year, self.month, self.day)
        except ValueError:
            return None


@dataclass(frozen=True)
class TimeMention:
    start: int
    end: int
    value: time | None  # None means 24:00, the end of the day


def _weekday(m: re.Match[str]) -> int | None:
    groups = m.groupdict()
    if groups.get("wd"):
        return EN_WEEKDAYS[groups["wd"][:3].lower()]
    ko = groups.get("kwd") or groups.get("kwd2")
    return KO_WEEKDAYS[ko] if ko else None


def _mention(m: re.Match[str]) -> DateMention | None:
    g = m.groupdict()
    month = MONTHS[g["mon"][:3].lower()] if g.get("mon") else int(g["m"])
    year = int(g["y"]) if g.get("y") else (2000 + int(g["yy"]) if g.get("yy") else None)
    day = int(g["d"])
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        return None
    return DateMention(m.start(), m.end(), month, day, year, _weekday(m), m.group(0).rstrip(". "))


M = TypeVar("M", "DateMention", "TimeMention")


def _longest_first(found: list[M]) -> list[M]:
    """Matches in text order; where two overlap, the longer one wins."""
    found.sort(key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[M] = []
    for m in found:
        if kept and m.start < kept[-1].end:
            continue
        kept.append(m)
    return kept


def find_dates(text: str, start: int = 0, end: int | None = None) -> list[DateMention]:
    """Every date expression in text[start:end], longest first where two overlap."""
    stop = len(text) if end is None else end
    found: list[DateMention] = []
    for _name, pattern in _PATTERNS:
        for m in pattern.finditer(text, start, stop):
            mention = _mention(m)
            if mention:
                found.append(mention)
    return _longest_first(found)


def continuation(text: str, after: DateMention, stop: int) -> DateMention | None:
    """The short second half of a Korean range right after `after`, inheriting year and month."""
    m = _CONTINUATION.match(text, after.end, stop)
    if not m:
        return None
    month = int(m["m"]) if m["m"] else after.month
    day = int(m["d"])
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        return None
    year = after.year
    if year is not None and (month, day) < (after.month, after.day):
        year += 1
    return replace(
        after,
        start=m.start() + len(m.group(0)) - len(m.group(0).lstrip(" ~～〜-–—")),
        end=m.end(),
        month=month,
        day=day,
        year=year,
        weekday=_weekday(m),
        text=m.group(0).strip(),
    )


_TIME_PATTERNS = [
    re.compile(r"(?<![\d:.])(?P<h>\d{1,2})(?::(?P<min>\d{2}))?\s*(?P<ampm>[ap])\.?\s?m\b\.?", re.I),
    re.compile(r"(?<![\d:./])(?P<h>[01]?\d|2[0-4]):(?P<min>[0-5]\d)(?![\d/])"),
    re.compile(
        r"(?P<ko>오전|오후)?\s*(?<!\d)(?P<h>\d{1,2})\s*시(?!간|행|작|점)(?:\s*(?P<min>\d{1,2})\s*분)?"
    ),
    re.compile(r"(?P<noon>\bnoon\b|\bmidday\b|정오)|(?P<midnight>\bmidnight\b|자정)", re.I),
]


def _time_value(m: re.Match[str]) -> tuple[bool, time | None]:
    g = m.groupdict()
    if g.get("noon"):
        return True, time(12)
    if g.get("midnight"):
        return True, None
    hour = int(g["h"])
    minute = int(g["min"]) if g.get("min") else 0
    marker = (g.get("ampm") or "").lower()
    if marker or g.get("ko"):
        if hour > 12:
            return False, None
        afternoon = marker == "p" or g.get("ko") == "오후"
        hour = hour % 12 + (12 if afternoon else 0)
    if hour == 24 and minute == 0:
        return True, None
    if hour > 23 or minute > 59:
        return False, None
    return True, time(hour, minute)


def find_times(text: str, start: int, end: int) -> list[TimeMention]:
    found: list[TimeMention] = []
    for pattern in _TIME_PATTERNS:
        for m in pattern.finditer(text, start, end):
            ok, value = _time_value(m)
            if ok:
                found.append(TimeMention(m.start(), m.end(), value))
    return _longest_first(found)


_ZONES = [
    (
        re.compile(
            r"Seoul time|Korea(?:n)?\s+(?:Standard\s+)?time|\bKST\b|한국\s*시간|대한민국\s*표준시|서울\s*시간",
            re.I,
        ),
        "Asia/Seoul",
    ),
    (re.compile(r"\blocal time\b|현지\s*시간|현지\s*시각", re.I), "local"),
    (re.compile(r"\bUTC\b|\bGMT\b"), "UTC"),
]


def find_zone(text: str) -> str | None:
    for pattern, zone in _ZONES:
        if pattern.search(text):
            return zone
    return None
