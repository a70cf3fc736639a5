"""The written forms of dates: month, weekday and ordinal names and the patterns that match them.

Pure data: compiled patterns for single dates (English and Korean) and for numbers that only look
like dates. Finding dates with them is `dates.py`; joining them into ranges is `ranges.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from deadlines.extract.starts import STARTS, Started

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


@dataclass(slots=True, unsafe_hash=True)
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
    # "11/05/2024": month and day hold the first and second number until the notice tells which is
    # which (numeric.py); the first may be over 12 then.
    numeric: bool = False


@dataclass(slots=True, unsafe_hash=True)
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


PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    _pattern("en-dmy", rf"(?<![\w.,/:]){_WD}(?:the\s+)?{_DAY_NUM}\s+(?:of\s+)?{_MON}(?![a-z]){_YEAR}"),
    _pattern("en-mdy", rf"\b{_WD}{_MON}(?![a-z])\s+(?:the\s+)?{_DAY_NUM}(?![\d:]|\.\d){_YEAR}"),
    # The same with ordinal words ("May third", "the twentieth of May"), run only where one occurs.
    _pattern("en-dmy-word", rf"(?<![\w.,/:]){_WD}(?:the\s+)?{_DAY_WORD}\s+(?:of\s+)?{_MON}(?![a-z]){_YEAR}"),
    _pattern("en-mdy-word", rf"\b{_WD}{_MON}(?![a-z])\s+(?:the\s+)?{_DAY_WORD}\b{_YEAR}"),
    _pattern(
        "us-slash",
        rf"(?<![\w/])(?P<mon>(?i:{_MON_NAMES}|may))/(?P<d>\d{{1,2}})/(?P<y>(?:19|20)\d{{2}})(?!\d)",
    ),
    # Numbers only, "11/05/2024" (US month first) or "05/11/2024" (day first): see numeric.py.
    _pattern(
        "numeric",
        r"(?<![\w/.:\-])(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>(?:19|20)\d{2})(?![\w/]|[.:\-]\d)",
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
        r"(?<![\d월.])(?<!월[\s\x00])(?P<d>\d{1,2})\s*일(?:\s*\((?P<kwd>[월화수목금토일])\))?"
        r"(?=\s*(?:부터|까지|[~～〜∼]|[,과와]\s*\d{1,2}\s*일))",
    ),
    _pattern(
        "ko-md-ctx",
        r"(?:(?<=\()|(?<=\([\s\x00]))(?P<m>\d{1,2})\s*\.\s*(?P<d>\d{1,2})\s*\.\s*(?=\))"
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

# Numbers that look like dates but are not: addresses, phone numbers, document numbers. Each
# comes with literals it needs (checked with str.find first) and, for the rare ones, an anchor:
# the pattern then runs only within ANCHOR_REACH characters of each anchor. The patterns start
# with a character class where they can, so the regex engine skips to candidates in C.
ANCHOR_REACH = 100
_FILE_TYPES = r"\.(?:pdf|hwp|hwpx|docx?|xlsx?|jpe?g|png|html?)\b"
NOT_DATES: list[tuple[tuple[str, ...], re.Pattern[str], re.Pattern[str] | None]] = [
    (("://", "www."), re.compile(r"(?:https?://|www\.)[^\s\x00]++"), None),
    (("@",), re.compile(r"[\w.+-]++@[\w-]++\.\w+"), re.compile("@")),
    ((".",), re.compile(rf"(?<![\w-])[\w-]++{_FILE_TYPES}"), re.compile(_FILE_TYPES)),
    (
        ("-", ".", " ", "("),
        # (?<![\d.])(?:\+?\d{1,3}[\s.-])?\(?\d{2,4}\)?[\s.-]\d{3,4}[\s.-]\d{4}(?!\d), its first
        # character matched first and the three ways to begin told apart by it.
        re.compile(
            r"[+(\d](?<![\d.][+(\d])"
            r"(?:(?<=\+)\d{1,3}[\s.-]\(?\d{2,4}\)?|(?<=\()\d{2,4}\)?|(?<=\d)(?:\d{0,2}[\s.-]\(?\d{2,4}\)?|\d{1,3}\)?))"
            r"[\s.-]\d{3,4}[\s.-]\d{4}(?!\d)"
        ),
        # Every phone number ends with a digit, a separator and four digits: its anchor.
        re.compile(r"\d[\s.-]\d{4}(?!\d)"),
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
        # \b(?:No|NO|Ref|REF|Reference|Doc|...|Resolution), grouped by first letter in the same order.
        re.compile(
            r"[NRDFOCB](?<!\w[NRDFOCB])"
            r"(?:(?<=N)(?:o|O|otice)|(?<=R)(?:ef|EF|eference|esolution)|(?<=D)(?:oc|ocument|irective)|(?<=F)ile"
            r"|(?<=O)rder|(?<=C)(?:ase|ircular)|(?<=B)ulletin)"
            r"\s*(?:No\.?|number|#)?\s*[:.]?\s*[A-Z]*[-\d][\w./-]*"
        ),
        None,
    ),
    (("호",), re.compile(r"제\s*[\d-]{4,}\s*호"), None),
    (("-", "/"), re.compile(r"[A-Z](?<!\w[A-Z])[A-Z]+[-/]\d{2,4}[-/][\w-]+"), None),
]

# Every ordinal word holds one of these stems (lower case); the few characters that match a Latin
# letter only when case is ignored (İ ı ſ K) send a text back to a regex hint instead.
_ORDINAL_STEMS: tuple[str, ...] = (
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
)
_ORDINAL_STEMS += ("tenth", "eleventh", "twelfth", "teenth", "tieth")
_FOLDS_TO_LATIN = ("\u0130", "\u0131", "\u017f", "\u212a")
_ORDINAL_HINT = re.compile(r"(?i:[a-z](?:st|nd|rd|th)\b)")


def may_hold_ordinal(text: str, start: int, stop: int) -> bool:
    """False where text[start:stop] holds no ordinal word ("May third"): plain substring checks."""
    piece = text[start:stop]
    if any(c in piece for c in _FOLDS_TO_LATIN):
        return _ORDINAL_HINT.search(text, start, stop) is not None
    lowered = piece.lower()
    return any(stem in lowered for stem in _ORDINAL_STEMS)


Finder = re.Pattern[str] | Started
FINDERS: list[tuple[str, Finder]] = [
    (name, Started(pattern, STARTS[name]) if name in STARTS else pattern) for name, pattern in PATTERNS
]

# The pieces `ranges.py` reuses to read the second end of a range.
DAY = _DAY
DAYWORD = _DAYWORD
KO_WEEKDAY = _KWD
