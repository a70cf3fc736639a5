"""Finding date expressions in English and Korean notice text: single dates, ranges, pairs, relative days.

Pure and linear: every pattern runs once over the whole text, and joining neighbours into ranges
looks only at the few characters between two dates. Nothing here knows the publication date:
relative and year-less dates are resolved later (`resolve.py`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Literal

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
_ORDINAL_WORDS = [
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
    "twentieth",
]
ORDINALS = {word: n for n, word in enumerate(_ORDINAL_WORDS, 1)}
for _n, _word in enumerate(_ORDINAL_WORDS[:9], 21):
    ORDINALS[f"twenty-{_word}"] = ORDINALS[f"twenty {_word}"] = _n
ORDINALS |= {"thirtieth": 30, "thirty-first": 31, "thirty first": 31}

# Month names: capitalised or upper case anywhere; lower case too ("march 29th"), because every
# pattern below puts a day number or ordinal word beside the month. Lower-case "may" stays out:
# "Article 5 may apply" is far more common than a date.
_MON_NAMES = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_MON_STEMS = _MON_NAMES.split("|")
# Spelled out in each case ("[Mm]arch", "MARCH") rather than ignoring case: a pattern that starts
# with plain letters lets the regex engine skip ahead to them, several times faster on long text.
_MON = "(?P<mon>{}|May|MAY)\\.?".format(
    "|".join(f"[{s[0].upper()}{s[0]}]{s[1:]}|{s.upper()}" for s in _MON_STEMS)
)
_WD_NAMES = r"Mon(?:day)?|Tue(?:s(?:day)?)?|Wed(?:nesday)?|Thu(?:r(?:s(?:day)?)?)?|Fri(?:day)?|Sat(?:urday)?|Sun(?:day)?"
_WD = rf"(?:(?P<wd>{_WD_NAMES})\.?,?\s+(?:the\s+)?)?"
_DAYWORD = "|".join(sorted((re.escape(w) for w in ORDINALS), key=len, reverse=True))
_DAY_NUM = r"(?P<d>\d{1,2})(?:st|nd|rd|th)?"
_DAY_WORD = rf"(?P<dw>(?i:{_DAYWORD}))"
_DAY = rf"(?:{_DAY_NUM}|{_DAY_WORD})"
_YEAR = (
    r"(?:(?:,\s*|\s+|,?\s+in\s+)(?P<y>(?:19|20)\d{2})(?!\d|:\d)"
    r"|,?\s*[′'’‘`](?P<yy>\d{2})(?![\d']))?"
)
_KWD = r"(?:\s*\(\s*(?P<kwd>[월화수목금토일])(?:요일)?\s*\)|\s*(?P<kwd2>[월화수목금토일])요일)?"
_KO_DAY = r"(?P<d>\d{1,2})\s*일(?!\s*간|\s*이내|\s*전|\s*후|\s*동안|\s*째|\s*만에)"

Relative = Literal[
    "", "next-year", "this-year", "last-year", "this-month", "next-month", "forward", "past", "nearest"
]


@dataclass(frozen=True)
class DateMention:
    """One written date. `month`/`day` may be 0 for forms resolved later (a weekday, a month end)."""

    start: int
    end: int
    month: int
    day: int
    year: int | None = None
    weekday: int | None = None
    text: str = ""
    relative: Relative = ""
    day_offset: int | None = None  # 오늘/내일/모레: days after publication
    month_end: bool = False  # 이달 말, 3월 말
    two_digit_year: bool = False


@dataclass(frozen=True)
class DateExpression:
    """A single date, or two dates written as one range ("12 Nov to 10 Feb") or pair ("5 and 6 April")."""

    first: DateMention
    second: DateMention | None = None
    joiner: Literal["", "range", "pair"] = ""

    @property
    def start(self) -> int:
        return self.first.start

    @property
    def end(self) -> int:
        return (self.second or self.first).end


def _pattern(name: str, regex: str) -> tuple[str, re.Pattern[str]]:
    return name, re.compile(regex)


_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    _pattern("en-dmy", rf"(?<![\w.,/:]){_WD}(?:the\s+)?{_DAY_NUM}\s+(?:of\s+)?{_MON}(?![a-z]){_YEAR}"),
    _pattern("en-mdy", rf"\b{_WD}{_MON}(?![a-z])\s+(?:the\s+)?{_DAY_NUM}(?![\d:]|\.\d){_YEAR}"),
    # The same with ordinal words ("May third", "the twentieth of May"), run only where one occurs.
    _pattern("en-dmy-word", rf"(?<![\w.,/:]){_WD}(?:the\s+)?{_DAY_WORD}\s+(?:of\s+)?{_MON}(?![a-z]){_YEAR}"),
    _pattern("en-mdy-word", rf"\b{_WD}{_MON}(?![a-z])\s+(?:the\s+)?{_DAY_WORD}\b{_YEAR}"),
    _pattern(
        "us-slash",
        rf"(?<![\w/])(?P<mon>(?i:{_MON_NAMES}|may))/(?P<d>\d{{1,2}})/(?P<y>(?:19|20)\d{{2}})(?!\d)",
    ),
    _pattern("iso", r"(?<![\d.\-/])(?P<y>(?:19|20)\d{2})([-/])(?P<m>\d{1,2})\2(?P<d>\d{1,2})(?![\d\-/])"),
    _pattern(
        "ko-dot",
        rf"(?<![\d.])(?P<y>(?:19|20)\d{{2}})\s*\.\s*(?P<m>\d{{1,2}})\s*\.\s*(?P<d>\d{{1,2}})(?![\d%])\.?{_KWD}",
    ),
    _pattern(
        "ko-dot-yy",
        rf"[′'’‘`](?P<yy>\d{{2}})\s*\.\s*(?P<m>\d{{1,2}})\s*\.\s*(?P<d>\d{{1,2}})(?!\d)\.?{_KWD}",
    ),
    _pattern(
        "ko-ymd",
        # The year or 내년/올해 before the month is read backwards in _mention: a pattern that
        # starts with the month's digits is much faster to search for.
        rf"(?<!\d)(?P<m>\d{{1,2}})\s*월\s*{_KO_DAY}{_KWD}",
    ),
    # 오는 23일, 내달 5일, 이달 20일, 지난 3일: a day in a month named by its distance from publication.
    _pattern(
        "ko-rel",
        rf"(?P<mrel>오는|내달|다음\s*달|이달|이번\s*달|지난)\s*(?:(?P<m>\d{{1,2}})\s*월\s*)?{_KO_DAY}{_KWD}",
    ),
    # 모레(9일), 내일(3. 5.): the word gives the offset, the brackets the day itself.
    _pattern(
        "ko-offset",
        r"(?P<off>오늘|내일|모레|글피)\s*\(\s*(?:(?P<m>\d{1,2})\s*[월.]\s*)?(?P<d>\d{1,2})\s*[일.]?"
        r"(?:\s*[,.]?\s*(?P<kwd>[월화수목금토일])(?:요일)?)?\s*\)",
    ),
    _pattern(
        "ko-month-end", r"(?P<mrel>이달|이번\s*달|내달|다음\s*달)\s*말|(?<!\d)(?P<m>\d{1,2})\s*월\s*말(?!씀)"
    ),
    # A year-less month.day: with its weekday, or where the context says it is a date, so that
    # decimals such as 66.2 and outline numbers never match: "선거일(4. 10.)", "4. 2. ~", "3. 5.까지".
    _pattern(
        "ko-md",
        r"(?<![\d.′'’‘`])(?P<m>\d{1,2})\s*\.\s*(?P<d>\d{1,2})\s*\.?\s*\(\s*(?P<kwd>[월화수목금토일])(?:요일)?\s*\)",
    ),
    # A bare day where the words say it is one: "27일부터", "23일까지", "21일, 22일 양일간".
    _pattern(
        "ko-day",
        r"(?<![\d월.])(?<!월\s)(?P<d>\d{1,2})\s*일(?:\s*\((?P<kwd>[월화수목금토일])\))?"
        r"(?=\s*(?:부터|까지|[~～〜∼]|[,과와]\s*\d{1,2}\s*일))",
    ),
    _pattern(
        "ko-md-ctx",
        r"(?:(?<=\()|(?<=\(\s))(?P<m>\d{1,2})\s*\.\s*(?P<d>\d{1,2})\s*\.\s*(?=\))"
        r"|(?<![\d.′'’‘`])(?P<m2>\d{1,2})\.\s+(?P<d2>\d{1,2})\.\s*(?=까지|부터|[~～〜∼])",
    ),
    # "closes Thursday", "by next Friday": a weekday alone, resolved after publication.
    _pattern(
        "en-weekday",
        r"(?i:\b(?:ends?|closes?|closing|due|by|until|till|before|deadline\s+is|this|next))\s+(?:on\s+)?"
        rf"(?:(?i:this|next)\s+)?(?P<wdonly>(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day)\b"
        rf"(?!,?\s*(?:the\s+)?\d)(?!,?\s*(?:{_MON_NAMES}|May)\b)(?!\s*\()",
    ),
]

# Two dates written with one month and year: "24 to 27 February 2024", "5 and 6 April": the first
# day, read backwards from the full date.
_DAY_LIST = re.compile(
    r"(?<![\w.,/:-])(?:\d{1,2}(?:st|nd|rd|th)?\s*,\s*)+\d{1,2}(?:st|nd|rd|th)?\s*,?\s*(?i:and|&)\s*$"
)
# More days after a month-first date: "September 10, 11, 12 and 13".
_EN_LIST_AFTER = re.compile(
    r"(?P<days>(?:\s*,\s*\d{1,2}(?:st|nd|rd|th)?(?![\d:]))+\s*,?\s*(?i:and|&)\s*\d{1,2}(?:st|nd|rd|th)?(?![\d:%]))"
    r"(?:,?\s+(?P<y>(?:19|20)\d{2})(?!\d))?"
)
_DAY_FIRST = re.compile(rf"(?:the\s+)?{_DAY}\s+(?:of\s+)?[A-Za-z]")
_LEAD_DAY = re.compile(
    rf"(?<![\w.,/:-])(?:the\s+)?(?P<lead>\d{{1,2}}(?:st|nd|rd|th)?|(?i:{_DAYWORD}))"
    rf"\s*(?P<j>(?i:to|through|thru|until|till|and)|&|[-–—~])\s*$"
)

# The short second end right after a first date: "~ 10.", "- 4. 6.(토)", "부터 30일까지", "to 30, 2027".
_DASH = r"[~～〜∼\-–—]"
_KO_CONT = re.compile(
    rf"\s*(?:(?P<r>{_DASH}|부터|에서)|(?P<p>,|과|와|및))\s*"
    rf"(?:(?:(?P<m>\d{{1,2}})\s*월\s*)?(?P<d>\d{{1,2}})\s*일(?!\s*간|\s*이내|\s*전)"
    r"|(?:(?P<m2>\d{1,2})\s*\.\s*)?(?P<d2>\d{1,2})\s*\.?(?!\s*\d|%))"
    rf"{_KWD}"
)
_EN_CONT = re.compile(
    rf"\s*(?:(?P<r>(?i:to|through|thru|until|till)|{_DASH})|(?P<p>(?i:and)|&))\s*(?:the\s+)?"
    rf"{_DAY}(?!\s*(?:[ap]\.?m\b|:|\d|%|(?i:percent|per|days?|weeks?|months?|years?|hours?|o'clock)\b))"
    rf"(?:,?\s+(?P<y>(?:19|20)\d{{2}})(?!\d|:\d))?"
)
# What may stand between two full dates of one range or pair.
_RANGE_JOIN = re.compile(
    rf"\s*,?\s*(?:\d{{1,2}}(?::\d{{2}})?\s*(?:[ap]\.?m\.?)?\s*|(?:at\s+)?(?:noon|midnight)\s*)?"
    rf"(?:(?P<r>(?i:to|through|thru|until|till)|{_DASH}|부터|에서)|(?P<p>(?i:and)|&))\s*(?:the\s+|on\s+)?",
)
# Korean words between the two ends: "3월 28일부터 선거일 전날인 4월 9일까지".
_KO_WORDS_JOIN = re.compile(r"\s*(?:\([^)\n]{0,12}\)\s*)?부터\s*[^.\n~]{1,30}?\s*")
_KO_UNTIL = re.compile(r"\s*(?:\([^)\n]{0,12}\)\s*)?까지")
# A "기간 :" line whose dash was lost in copying: two dates with only spaces between.
_PERIOD_LINE = re.compile(r"(?:기간|일정|Period|Dates?)\s*[:：]", re.I)

# Numbers that look like dates but are not: addresses, phone numbers, document numbers.
# Each kind of number that only looks like a date, with a literal it needs (checked with str.find
# first, so most sentences run only the phone-number pattern).
_NOT_DATES: list[tuple[tuple[str, ...], re.Pattern[str]]] = [
    (("://", "www."), re.compile(r"(?:https?://|www\.)\S++")),
    (("@",), re.compile(r"[\w.+-]++@[\w-]++\.\w+")),
    ((".",), re.compile(r"(?<![\w-])[\w-]++\.(?:pdf|hwp|hwpx|docx?|xlsx?|jpe?g|png|html?)\b")),
    (
        ("-", ".", " ", "("),
        re.compile(r"(?<![\d.])(?=[+(\d])(?:\+?\d{1,3}[\s.-])?\(?\d{2,4}\)?[\s.-]\d{3,4}[\s.-]\d{4}(?!\d)"),
    ),
    (
        (
            "No",
            "NO",
            "Ref",
            "REF",
            "Doc",
            "File",
            "Order",
            "Case",
            "Bulletin",
            "Circular",
            "Notice",
            "Directive",
            "Resolution",
        ),
        re.compile(
            r"\b(?:No|NO|Ref|REF|Reference|Doc|Document|File|Order|Case|Bulletin|Circular|Notice|Directive|Resolution)"
            r"\s*(?:No\.?|number|#)?\s*[:.]?\s*[A-Z]*[-\d][\w./-]*"
        ),
    ),
    (("호",), re.compile(r"제\s*[\d-]{4,}\s*호")),
    (("-", "/"), re.compile(r"\b[A-Z]{2,}[-/]\d{2,4}[-/][\w-]+")),
]


def _month_of(name: str) -> int:
    return MONTHS[name[:3].lower()]


def _day_of(g: dict[str, str | None]) -> int | None:
    if g.get("d"):
        return int(g["d"] or 0)
    if g.get("d2"):
        return int(g["d2"] or 0)
    if g.get("dw"):
        key = " ".join((g["dw"] or "").lower().split())
        return ORDINALS.get(key) or ORDINALS.get(key.replace(" ", "-"))
    return None


def _weekday(g: dict[str, str | None]) -> int | None:
    if g.get("wd"):
        return EN_WEEKDAYS[(g["wd"] or "")[:3].lower()]
    if g.get("wdonly"):
        return EN_WEEKDAYS[(g["wdonly"] or "")[:3].lower()]
    ko = g.get("kwd") or g.get("kwd2")
    return KO_WEEKDAYS[ko] if ko else None


def _year_of(g: dict[str, str | None]) -> tuple[int | None, bool]:
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
        return DateMention(start, m.end(), 0, 0, None, _weekday(g), m.group("wdonly"), relative="forward")
    if name == "ko-ymd":
        prefix = _KO_YEAR_BEFORE.search(m.string, max(0, start - 14), start)
        if prefix is not None:
            g = {**g, **{k: v for k, v in prefix.groupdict().items() if v}}
            start, text = prefix.start(), m.string[prefix.start() : m.end()]
    year, two_digit = _year_of(g)
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
    day = _day_of(g)
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
        _weekday(g),
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
_GATED = [(name, pattern, _NEEDS.get(name)) for name, pattern in _PATTERNS]
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
        for needs, pattern in _NOT_DATES
        if _present(text, start, stop, needs)
        for m in pattern.finditer(text, start, stop)
    ]
    return _outside(mentions, masks) if masks else mentions


def _outside(mentions: list[DateMention], masks: list[tuple[int, int]]) -> list[DateMention]:
    return [m for m in mentions if not any(a < m.end and m.start < b for a, b in masks)]


def _lead_day(text: str, a: DateMention, lo: int) -> tuple[int, int, str] | None:
    """The first day of "24 to 27 February", written before the full date `a`."""
    if a.month == 0 or not _DAY_FIRST.match(a.text):
        return None
    m = _LEAD_DAY.search(text, max(lo, a.start - 40), a.start)
    if m is None:
        return None
    return m.start("lead"), m.end("lead"), m["j"]


def _listed_days(text: str, a: DateMention, lo: int) -> list[DateMention]:
    """The other days of a list sharing one month: "on 22, 24 and 26 April 2024"."""
    if a.month == 0 or not _DAY_FIRST.match(a.text):
        return []
    m = _DAY_LIST.search(text, max(lo, a.start - 60), a.start)
    if m is None:
        return []
    days = [(d.start(), d.end(), int(d[1])) for d in re.finditer(r"(\d{1,2})(?:st|nd|rd|th)?", m.group(0))]
    return [
        replace(
            a,
            start=m.start() + s,
            end=m.start() + e,
            day=day,
            weekday=None,
            text=text[m.start() + s : m.start() + e],
        )
        for s, e, day in days
        if 1 <= day <= 31
    ]


def _is_pair(word: str) -> bool:
    return word.lower() in ("and", "&", ",", "과", "와", "및")


def _continuation(text: str, first: DateMention, stop: int) -> tuple[DateMention, bool] | None:
    """The short second end after `first` ("~ 10.", "부터 30일", "to 30, 2027"), and if it is a pair."""
    korean = first.text[-1:] in "일)" or "." in first.text or "년" in first.text
    m = (_KO_CONT if korean else _EN_CONT).match(text, first.end, stop)
    if not m:
        return None
    g = m.groupdict()
    day = _day_of(g)
    month_text = g.get("m") or g.get("m2")
    month = int(month_text) if month_text else first.month
    if day is None or not 0 <= month <= 12 or not 1 <= day <= 31 or (month == 0 and first.month != 0):
        return None
    pair = bool(g.get("p"))
    if not korean and (month, day) <= (first.month, first.day):
        return None
    year, _ = _year_of(g)
    if year is None and first.year is not None:
        year = first.year + (1 if (month, day) < (first.month, first.day) else 0)
    joiner = m["r"] or m["p"] or ""
    begin = m.start() + m.group(0).index(joiner) + len(joiner)
    while begin < m.end() and text[begin].isspace():
        begin += 1
    second = replace(
        first,
        start=begin,
        end=m.end(),
        month=month,
        day=day,
        year=year,
        weekday=_weekday(g),
        text=text[begin : m.end()].strip(),
        day_offset=None,
        relative="nearest" if month == 0 else ("" if month_text else first.relative),
    )
    if pair and abs((month, day)[1] - first.day) != 1 and month == first.month:
        return None
    return second, pair


def _pair_kind(a: DateMention, b: DateMention, pair: bool, before: str) -> Literal["", "range", "pair"]:
    if not pair:
        return "range"
    if re.search(r"(?i:\bbetween|\bfrom)\s*(?:the\s+)?$", before):
        return "range"
    # Two days written as a pair ("5 and 6 April", "21일, 22일 양일간") are one two-day period.
    if a.month == b.month and b.day - a.day == 1:
        return "pair"
    return ""


def find_expressions(text: str, start: int = 0, end: int | None = None) -> list[DateExpression]:
    """Dates of text[start:end] grouped into single dates, ranges and pairs, in text order."""
    stop = len(text) if end is None else end
    mentions = find_dates(text, start, stop)
    out: list[DateExpression] = []
    i = 0
    prev_end = start
    while i < len(mentions):
        a = mentions[i]
        nxt = mentions[i + 1] if i + 1 < len(mentions) else None
        listed = _listed_days(text, a, prev_end)
        if listed:
            out += [DateExpression(m) for m in listed]
            out.append(DateExpression(a))
            prev_end, i = a.end, i + 1
            continue
        lead = _lead_day(text, a, prev_end)
        if lead is not None:
            first = replace(a, start=lead[0], end=lead[1], day=0, weekday=None, text=text[lead[0] : lead[1]])
            day = _day_of(
                {"d": re.sub(r"\D", "", first.text)} if first.text[:1].isdigit() else {"dw": first.text}
            )
            if day is not None:
                first = replace(first, day=day)
                kind = _pair_kind(first, a, _is_pair(lead[2]), text[max(start, lead[0] - 12) : lead[0]])
                if kind:
                    out.append(DateExpression(first, a, kind))
                    prev_end = a.end
                    i += 1
                    continue
        before = text[max(prev_end, a.start - 12) : a.start]
        if nxt is not None:
            gap = text[a.end : nxt.start]
            join = _RANGE_JOIN.fullmatch(gap) if len(gap) < 40 else None
            if (
                join is None
                and len(gap) < 50
                and _KO_WORDS_JOIN.fullmatch(gap)
                and _KO_UNTIL.match(text, nxt.end)
            ):
                out.append(DateExpression(a, nxt, "range"))
                prev_end, i = nxt.end, i + 2
                continue
            if join is not None:
                kind = _pair_kind(a, nxt, bool(join["p"]), before)
                if kind:
                    out.append(DateExpression(a, nxt, kind))
                    prev_end, i = nxt.end, i + 2
                    continue
            if not gap.strip() and len(gap) < 6 and _on_period_line(text, a.start):
                out.append(DateExpression(a, nxt, "range"))
                prev_end, i = nxt.end, i + 2
                continue
        more = _EN_LIST_AFTER.match(text, a.end, nxt.start if nxt else stop) if a.month else None
        if more is not None and not _DAY_FIRST.match(a.text):
            if more["y"] and a.year is None:  # "September 10, 11 and 12, 2021": one year for all
                a = replace(a, year=int(more["y"]))
            out.append(DateExpression(a))
            for d in re.finditer(r"\d{1,2}", more["days"]):
                day = int(d.group(0))
                if 1 <= day <= 31:
                    s, e = a.end + d.start(), a.end + d.end()
                    out.append(
                        DateExpression(replace(a, start=s, end=e, day=day, weekday=None, text=d.group(0)))
                    )
            prev_end, i = a.end + more.end() - more.start(), i + 1
            continue
        cont = _continuation(text, a, nxt.start if nxt else stop)
        if cont is not None:
            second, pair = cont
            kind = _pair_kind(a, second, pair, before)
            if kind:
                out.append(DateExpression(a, second, kind))
                prev_end, i = second.end, i + 1
                continue
        out.append(DateExpression(a))
        prev_end, i = a.end, i + 1
    return out


def _on_period_line(text: str, pos: int) -> bool:
    line_start = text.rfind("\n", max(0, pos - 60), pos) + 1
    if line_start == 0 and pos > 60:
        line_start = pos - 60
    return _PERIOD_LINE.search(text, line_start, pos) is not None
