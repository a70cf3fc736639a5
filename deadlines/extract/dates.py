"""Finding single dates in English and Korean notice text, none inside an address or number.

Pure and linear: the patterns of `forms.py` run only in windows around digits and ordinal words,
each gated by a literal it needs. Nothing here knows the publication date: relative and year-less
dates are resolved later (`resolve.py`); joining dates into ranges is `ranges.py`.
"""

from __future__ import annotations

import re

from deadlines.extract.forms import (
    EN_WEEKDAYS,
    KO_WEEKDAYS,
    MONTHS,
    NOT_DATES,
    ORDINALS,
    PATTERNS,
    DateMention,
    Relative,
)


def _month_of(name: str) -> int:
    return MONTHS[name[:3].lower()]


def day_of(g: dict[str, str | None]) -> int | None:
    if g.get("d"):
        return int(g["d"] or 0)
    if g.get("d2"):
        return int(g["d2"] or 0)
    if g.get("dw"):
        key = " ".join((g["dw"] or "").lower().split())
        return ORDINALS.get(key) or ORDINALS.get(key.replace(" ", "-"))
    return None


def weekday_of(g: dict[str, str | None]) -> int | None:
    if g.get("wd"):
        return EN_WEEKDAYS[(g["wd"] or "")[:3].lower()]
    if g.get("wdonly"):
        return EN_WEEKDAYS[(g["wdonly"] or "")[:3].lower()]
    ko = g.get("kwd") or g.get("kwd2")
    return KO_WEEKDAYS[ko] if ko else None


def year_of(g: dict[str, str | None]) -> tuple[int | None, bool]:
    if g.get("y"):
        return int(g["y"] or 0), False
    if g.get("yy"):
        yy = int(g["yy"] or 0)
        # Two-digit years in notices are recent or historical: '14 is 2014, '98 is 1998.
        return (1900 + yy if yy >= 70 else 2000 + yy), True
    return None, False


_KO_YEAR_BEFORE = re.compile(
    r"(?:(?<!\d)(?P<y>(?:19|20)\d{2})|[′'’‘`](?P<yy>\d{2}))\s*년\s*$|(?P<yrel>내년|올해|금년|작년|지난해)\s*$"
)
_YREL: dict[str, Relative] = {
    "내년": "next-year",
    "올해": "this-year",
    "금년": "this-year",
    "작년": "last-year",
    "지난해": "last-year",
}


def _mrel(word: str | None) -> Relative:
    word = "".join((word or "").split())
    if word in ("내달", "다음달"):
        return "next-month"
    if word in ("이달", "이번달"):
        return "this-month"
    if word == "지난":
        return "past"
    return "forward" if word == "오는" else ""


_OFFSETS = {"오늘": 0, "내일": 1, "모레": 2, "글피": 3}


def _mention(name: str, m: re.Match[str]) -> DateMention | None:
    g = m.groupdict()
    start, text = m.start(), m.group(0)
    if name == "en-weekday":
        start = m.start("wdonly")
        return DateMention(start, m.end(), 0, 0, None, weekday_of(g), m.group("wdonly"), relative="forward")
    if name == "ko-ymd":
        prefix = _KO_YEAR_BEFORE.search(m.string, max(0, start - 14), start)
        if prefix is not None:
            g = {**g, **{k: v for k, v in prefix.groupdict().items() if v}}
            start, text = prefix.start(), m.string[prefix.start() : m.end()]
    year, two_digit = year_of(g)
    relative: Relative = _YREL.get(g.get("yrel") or "", "") or _mrel(g.get("mrel"))
    if name == "ko-month-end":
        month = int(g["m"]) if g.get("m") else 0
        if month > 12:
            return None
        return DateMention(start, m.end(), month, 0, None, None, text, relative or "", month_end=True)
    month_text = g.get("m") or g.get("m2")
    if g.get("mon"):
        month = _month_of(g["mon"] or "")
    elif month_text:
        month = int(month_text)
    else:
        month = 0
    day = day_of(g)
    if day is None or not 0 <= month <= 12 or not 1 <= day <= 31:
        return None
    offset = _OFFSETS.get(g.get("off") or "")
    if name == "ko-day":
        relative = "nearest"
    if month == 0 and not relative and offset is None:
        return None
    return DateMention(
        start,
        m.end(),
        month,
        day,
        year,
        weekday_of(g),
        text.rstrip(". "),
        relative,
        offset,
        two_digit_year=two_digit,
    )


def _longest_first(found: list[DateMention]) -> list[DateMention]:
    """Mentions in text order; where two overlap, the earlier then longer one wins."""
    found.sort(key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[DateMention] = []
    for m in found:
        if kept and m.start < kept[-1].end:
            continue
        kept.append(m)
    return kept


# Where dates can be: digits, and the ordinal words of "May third". Patterns run only in windows
# around these, which keeps long stretches of prose from being scanned fourteen times.
_TRIGGER = re.compile(
    r"\d+|(?:[Ff]ir|[Ss]ec|[Tt]hir|[Ff]our|[Ff]if|[Ss]ix|[Ss]even|[Ee]igh|[Nn]in|[Tt]en|[Ee]lev|[Tt]wel|[Tt]wen)"
    r"[a-z-]*(?:st|nd|rd|th)\b"
)
_MARGIN = 30
# Dates written without digits at all: weekdays alone and month ends.
_NO_DIGIT_PATTERNS = {"en-weekday", "ko-month-end"}


def _windows(text: str, start: int, stop: int) -> list[tuple[int, int]]:
    windows: list[tuple[int, int]] = []
    for m in _TRIGGER.finditer(text, start, stop):
        lo, hi = max(start, m.start() - _MARGIN), min(stop, m.end() + _MARGIN)
        if windows and lo <= windows[-1][1]:
            windows[-1] = (windows[-1][0], hi)
        else:
            windows.append((lo, hi))
    return windows


# Each pattern runs only where a literal it needs occurs in the window: a cheap `str.find`
# instead of another regex pass. A month name is checked by its lower-case letters below.
_NEEDS: dict[str, tuple[str, ...]] = {
    "us-slash": ("/",),
    "iso": ("-", "/"),
    "ko-dot": (".",),
    "ko-dot-yy": (".",),
    "ko-ymd": ("월",),
    "ko-rel": ("일",),
    "ko-day": ("일",),
    "ko-offset": ("(",),
    "ko-md": ("(",),
    "ko-md-ctx": (".",),
    "ko-month-end": ("말",),
    "en-weekday": ("day",),
}
_GATED = [(name, pattern, _NEEDS.get(name)) for name, pattern in PATTERNS]
_ORDINAL_HINT = re.compile(r"(?i:[a-z](?:st|nd|rd|th)\b)")
_MONTH_HINT = re.compile(r"(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)")


def _present(text: str, start: int, stop: int, needs: tuple[str, ...]) -> bool:
    # A plain loop: this runs for every pattern of every sentence, and a generator costs more.
    for literal in needs:  # noqa: SIM110
        if text.find(literal, start, stop) >= 0:
            return True
    return False


def _wanted(text: str, start: int, stop: int) -> list[tuple[str, re.Pattern[str]]]:
    """The patterns whose literals occur in text[start:stop]; English ones need a month name."""
    english = _MONTH_HINT.search(text, start, stop) is not None
    words = english and _ORDINAL_HINT.search(text, start, stop) is not None
    found: dict[tuple[str, ...], bool] = {}
    wanted = []
    for name, pattern, needs in _GATED:
        if needs is None:
            if not english or (not words and name.endswith("-word")):
                continue
        else:
            present = found.get(needs)
            if present is None:
                present = found[needs] = _present(text, start, stop, needs)
            if not present:
                continue
        wanted.append((name, pattern))
    return wanted


def find_dates(text: str, start: int = 0, end: int | None = None) -> list[DateMention]:
    """Every single date written in text[start:end], in text order, none inside an address or number."""
    stop = len(text) if end is None else end
    windows = _windows(text, start, stop)
    if not windows and text.find("day", start, stop) < 0 and text.find("말", start, stop) < 0:
        return []
    found: list[DateMention] = []
    for name, pattern in _wanted(text, start, stop):
        for lo, hi in [(start, stop)] if name in _NO_DIGIT_PATTERNS else windows:
            for m in pattern.finditer(text, lo, hi):
                mention = _mention(name, m)
                if mention is not None:
                    found.append(mention)
    mentions = _longest_first(found)
    if not mentions:
        return []
    masks = [
        m.span()
        for needs, pattern in NOT_DATES
        if _present(text, start, stop, needs)
        for m in pattern.finditer(text, start, stop)
    ]
    return _outside(mentions, masks) if masks else mentions


def _outside(mentions: list[DateMention], masks: list[tuple[int, int]]) -> list[DateMention]:
    return [m for m in mentions if not any(a < m.end and m.start < b for a, b in masks)]
