"""Reading one pattern match (`forms.py`) into a DateMention: its month, day, year and weekday.

Pure: nothing here knows the publication date or the notice around the match, except that a
Korean year written before the month ("2024년 3월 5일") is read back from the real text.
"""

from __future__ import annotations

import re

from deadlines.extract.forms import EN_WEEKDAYS, KO_WEEKDAYS, MONTHS, ORDINALS, DateMention, Relative


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
_EN_NUMERIC = frozenset(("en-dmy", "en-mdy"))


def mention(name: str, m: re.Match[str], real: str, base: int) -> DateMention | None:
    """The date a pattern matched in a sealed copy of `real` that starts at `base` (see find_dates_in)."""
    if name in _EN_NUMERIC:
        # The common English forms, read by position (no dict of groups): see the general case below.
        wd, d, mon, y, yy = m.group("wd", "d", "mon", "y", "yy")
        number = int(d)
        if not 1 <= number <= 31:
            return None
        two_digit = False
        if y:
            year: int | None = int(y)
        elif yy:
            year, two_digit = int(yy), True
            year += 1900 if year >= 70 else 2000
        else:
            year = None
        return DateMention(
            m.start() + base,
            m.end() + base,
            MONTHS[mon[:3].lower()],
            number,
            year,
            EN_WEEKDAYS[wd[:3].lower()] if wd else None,
            m.group(0).rstrip(". "),
            "",
            None,
            two_digit_year=two_digit,
        )
    if name == "ko-dot" or name == "iso":
        # Year, month and day numbers (and a Korean weekday): the general case below, read by name.
        number_m, number_d = int(m["m"]), int(m["d"])
        if not (1 <= number_m <= 12 and 1 <= number_d <= 31):
            return None
        weekday = (m["kwd"] or m["kwd2"]) if name == "ko-dot" else None
        return DateMention(
            m.start() + base,
            m.end() + base,
            number_m,
            number_d,
            int(m["y"]),
            KO_WEEKDAYS[weekday] if weekday else None,
            m.group(0).rstrip(". "),
        )
    if name == "numeric":
        first, second = int(m["a"]), int(m["b"])
        if not (1 <= first <= 31 and 1 <= second <= 31) or (first > 12 and second > 12):
            return None
        return DateMention(
            m.start() + base, m.end() + base, first, second, int(m["y"]), text=m.group(0), numeric=True
        )
    g = m.groupdict()
    start, end, text = m.start() + base, m.end() + base, m.group(0)
    if name == "en-weekday":
        start = m.start("wdonly") + base
        return DateMention(start, end, 0, 0, None, weekday_of(g), m.group("wdonly"), relative="forward")
    if name == "ko-ymd":
        # Read from the real text, as a scan of this sentence alone would.
        prefix = _KO_YEAR_BEFORE.search(real, max(0, start - 14), start)
        if prefix is not None:
            g = {**g, **{k: v for k, v in prefix.groupdict().items() if v}}
            start, text = prefix.start(), real[prefix.start() : end]
    year, two_digit = year_of(g)
    relative: Relative = _YREL.get(g.get("yrel") or "", "") or _mrel(g.get("mrel"))
    if name == "ko-month-end":
        month = int(g["m"]) if g.get("m") else 0
        if month > 12:
            return None
        return DateMention(start, end, month, 0, None, None, text, relative or "", month_end=True)
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
        end,
        month,
        day,
        year,
        weekday_of(g),
        text.rstrip(". "),
        relative,
        offset,
        two_digit_year=two_digit,
    )
