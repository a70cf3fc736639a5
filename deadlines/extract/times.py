"""Times of day and time zones written near a date ("by 4pm", "오후 6시까지", "KST")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time


@dataclass(slots=True, unsafe_hash=True)
class TimeMention:
    start: int
    end: int
    value: time | None  # None means 24:00, the end of the day


_TIME_PATTERNS = [
    # The English forms start with their first digit (the lookbehind reads the character before
    # it), so the regex engine skips to digits in C instead of trying each position.
    re.compile(r"(?P<h>\d(?<![\d:.]\d)\d?)(?:[:.](?P<min>\d{2}))?\s*(?P<ampm>[ap])\.?\s?m\b\.?", re.I),
    re.compile(r"(?P<h>\d(?<![\d:./]\d)(?:(?<=[01])\d|(?<=2)[0-4])?):(?P<min>[0-5]\d)(?![\d/])"),
    re.compile(
        r"(?P<ko>오전|오후)?\s*(?<!\d)(?P<h>\d{1,2})\s*시(?!간|행|작|점|도|군|청|장|민|의회)(?:\s*(?P<min>\d{1,2})\s*분)?"
    ),
    re.compile(r"(?P<noon>\bnoon\b|\bmidday\b|정오)|(?P<midnight>\bmidnight\b|자정)", re.I),
]


# A literal each pattern needs, checked with str.find before the regex runs.
_NEEDS = [("m", "M"), (":",), ("시",), ("oon", "OON", "idday", "IDDAY", "idnight", "IDNIGHT", "정오", "자정")]
_GATED = list(zip(_TIME_PATTERNS, _NEEDS, strict=True))


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
    """Times of day in text[start:end], in text order; where two overlap, the longer wins."""
    found: list[TimeMention] = []
    piece = text[start:end]  # one slice: `in` costs less than a str.find call per literal
    for pattern, needs in _GATED:
        for n in needs:
            if n in piece:
                break
        else:
            continue
        for m in pattern.finditer(text, start, end):
            ok, value = _time_value(m)
            if ok:
                found.append(TimeMention(m.start(), m.end(), value))
    if len(found) < 2:
        return found
    found.sort(key=lambda t: (t.start, -(t.end - t.start)))
    kept: list[TimeMention] = []
    for t in found:
        if not kept or t.start >= kept[-1].end:
            kept.append(t)
    return kept


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


# Every zone pattern contains one of these (case-folded where the pattern ignores case).
_ZONE_HINTS = ("time", "Time", "TIME", "KST", "kst", "시간", "표준시", "시각", "UTC", "GMT")


def find_zone(text: str) -> str | None:
    for hint in _ZONE_HINTS:  # a plain loop: this runs for every dated sentence
        if hint in text:
            break
    else:
        return None
    for pattern, zone in _ZONES:
        if pattern.search(text):
            return zone
    return None
