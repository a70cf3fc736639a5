"""Resolving dates against the notice: the publication date, missing years, relative days, weekdays.

Pure: the only "today" is the publication date found in the notice or passed in.
"""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from deadlines.extract.forms import MONTHS, WEEKDAY_NAMES, DateMention, Finder
from deadlines.extract.starts import Started

_MON = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
# Labelled publication stamps, strongest first. Each gives the date as numbers or with a month name.
_NUMERIC = r"(?P<y>(?:19|20)\d{2})\s*[.\-/년]\s*(?P<m>\d{1,2})\s*[.\-/월]\s*(?P<d>\d{1,2})"
_US = rf"(?P<um>\d{{1,2}}|{_MON})\s*/\s*(?P<ud>\d{{1,2}})\s*/\s*(?P<uy>(?:19|20)\d{{2}})"
_WORDS = (
    rf"(?:(?P<wd>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<wm>{_MON})|(?P<wm2>{_MON})\s+(?P<wd2>\d{{1,2}})(?:st|nd|rd|th)?)"
    r",?\s+(?P<wy>(?:19|20)\d{2})"
)
_WEEKDAY = r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)?"
_ANY_DATE = rf"(?:{_NUMERIC}|{_US}|{_WEEKDAY}{_WORDS})"
_PUBLISHED_LABEL = (
    r"(?:\b(?:first\s+)?published(?:\s+on)?|\bposted(?:\s+on)?|\bwrite|\bwritten|\breleased?(?:\s+on)?"
    r"|\bissued(?:\s+on)?|\bdate\s+of\s+(?:issue|release|publication|(?:this\s+)?notice)|\bdated"
    r"|작성일(?:시|자)?|입력(?:일시?)?|등록일(?:시|자)?|게시일(?:시|자)?|보도일(?:시|자)?|배포일(?:시|자)?|보도\s*시점)"
)
# A label dates the page when it starts a line (after a short "News release -") or takes a colon;
# "will be published on 1 December" in a sentence is a record, not a stamp.
_LINE_START = r"^[ \t]*(?:[^\n]{0,40}?[-–—|·(]\s*|\[[^\]\n]{0,20}\]\s*)?"
_STAMPS: list[tuple[str, re.Pattern[str]]] = [
    ("published", re.compile(rf"(?im){_LINE_START}{_PUBLISHED_LABEL}\s*[:：]?\s*{_ANY_DATE}")),
    ("published", re.compile(rf"(?im)^[ \t]*(?:news|media|press)\s+release\s*[:：\-–—]?\s*{_ANY_DATE}")),
    ("published", re.compile(rf"(?i){_PUBLISHED_LABEL}\s*[:：]\s*{_ANY_DATE}")),
    (
        "dateline",
        re.compile(rf"(?m)^[ \t]*[A-Z][A-Za-z .'-]{{2,30}},(?:\s+[A-Z][A-Za-z.]+,)?\s+{_WORDS}\s*[-–—]"),
    ),
    ("dateline", re.compile(rf"(?m)^[ \t]*[A-Z][A-Za-z .'-]{{2,30}}\s*\(\s*{_WORDS}\s*\)\s*[-–—]")),
    ("page", re.compile(rf"(?i)\bdate\s*[:：]\s*{_ANY_DATE}")),
    (
        "page",
        re.compile(
            rf"(?m)^[ \t]*(?:\[[^\]\n]{{0,20}}\]\s*)?(?:{_NUMERIC}|{_WEEKDAY}{_WORDS})\.?(?:\s*\([월화수목금토일]\))?"
            r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?[ \t]*$"
        ),
    ),
    # Korean prose that says when the notice itself went up: "2024년 3월 15일 게시되었다".
    (
        "published",
        re.compile(rf"{_NUMERIC}일?\s*(?:에\s*)?(?:게시|공고|공포|발표|배포)(?:되었|됐|하였|했|합니다|한다)"),
    ),
    (
        "updated",
        re.compile(
            rf"(?im)(?:\b(?:last\s+)?(?:updated|modified|revised|reviewed)(?:\s+on)?|수정(?:일시|일자|일)?)\s*[:：]?\s*{_ANY_DATE}"
        ),
    ),
]
# Where the unanchored labelled stamps can start, as patterns that begin with one plain character
# class (the regex engine skips ahead to it; a (?i) label or an alternation of classes cannot):
# every first letter that (?i) matches to one of the labels' (checked over every code point), then
# a loose tail. A superset of the labels' starts: each candidate is confirmed by the full pattern,
# so the matches are the same (tests/test_extract_scans.py).
_STARTS: dict[int, re.Pattern[str]] = {
    2: re.compile(
        r"[DFIPRWdfiprw\u0130\u0131작입등게보배]"
        r"(?:(?<=[DFIPRWdfiprw\u0130\u0131])(?i:irst|ublished|osted|rit|elease|ssued|ate)|(?<=[작입등게보배]))"
    ),
    5: re.compile(r"[Dd](?i:ate)"),
    8: re.compile(r"[LMRUlmru수](?:(?<=[LMRUlmru])(?i:ast|pdated|odified|evi)|(?<=수)정)"),
}
_FINDERS: list[tuple[str, Finder]] = [
    (source, Started(pattern, _STARTS[n]) if n in _STARTS else pattern)
    for n, (source, pattern) in enumerate(_STAMPS)
]


_STAMP_WORDS = {
    "published": "a publication line",
    "dateline": "the press dateline",
    "page": "the page date",
    "updated": "an update line",
}
_HEADER_CHARS = 5000
_FOOTER_CHARS = 3000


@dataclass(frozen=True)
class Stamp:
    """A date that dates the page itself: never a record, maybe the publication date."""

    day: date
    source: str
    span: tuple[int, int]


def _stamp_day(m: re.Match[str]) -> date | None:
    g = m.groupdict()
    try:
        if g.get("y"):
            return date(int(g["y"] or 0), int(g["m"] or 0), int(g["d"] or 0))
        if g.get("uy"):
            um, ud = g["um"] or "", int(g["ud"] or 0)
            if not um.isdigit():
                return date(int(g["uy"] or 0), MONTHS[um[:3].lower()], ud)
            # Month first as US pages and the NEC write it, unless the first number cannot be a
            # month: then it is a British day first (14/07/2023).
            first = int(um)
            month, day = (ud, first) if first > 12 else (first, ud)
            return date(int(g["uy"] or 0), month, day)
        if g.get("wy"):
            month = MONTHS[(g["wm"] or g["wm2"] or "")[:3].lower()]
            return date(int(g["wy"] or 0), month, int(g["wd"] or g["wd2"] or 0))
    except (ValueError, KeyError):
        return None
    return None


def find_stamps(text: str) -> list[Stamp]:
    """Publication, page, dateline and update stamps, in order of how well they date the notice."""
    stamps: list[Stamp] = []
    labelled = False
    # A page dates itself in its header or footer: reading only those keeps this linear and cheap.
    head = min(len(text), _HEADER_CHARS)
    foot = max(head, len(text) - _FOOTER_CHARS)
    parts = [(0, head)] + ([(foot, len(text))] if len(text) > head else [])
    for n, (source, pattern) in enumerate(_FINDERS):
        for lo, hi in parts:
            if source == "dateline" and lo > 0:
                continue
            for m in pattern.finditer(text, lo, hi):
                day = _stamp_day(m)
                if day is not None:
                    stamps.append(Stamp(day, source, m.span()))
                    labelled = labelled or (lo == 0 and n in _LABELLED)
    if not labelled and foot > head:
        deep = _first_labelled_stamp(text, head, foot)
        if deep is not None:
            stamps.insert(
                next((i for i, s in enumerate(stamps) if _RANK[s.source] > _RANK[deep.source]), len(stamps)),
                deep,
            )
    return stamps


# The stamps that carry a label ("Posted:", "Date:", "Updated:"); the other kinds are a dateline or
# a bare date line, which only a page's header makes a stamp.
_LABELLED = (0, 1, 2, 5, 7, 8)
_RANK = {"published": 0, "dateline": 1, "page": 2, "updated": 3}
# Colon-labelled stamps, looked for past the header when it has no labelled stamp: a page whose
# navigation runs longer than _HEADER_CHARS still dates its article. Each colon after a label's last
# word is tried, in reading order, within reach of its label and date: the first stamp found is the
# one nearest the article's start.
_COLON_LABELLED = (2, 5, 8)
_COLON = re.compile("[:：]")
_LABEL_REACH, _DATE_REACH = 40, 80
# How the labels of _COLON_LABELLED end (lower case), checked before their patterns are tried.
_LABEL_ENDS = (
    *("published", "posted", "write", "written", "release", "released", "issued", "issue", "publication"),
    *("notice", "date", "dated", "updated", "modified", "revised", "reviewed", " on"),
    *("일", "시", "자", "력", "점", "정"),
)


def _first_labelled_stamp(text: str, lo: int, hi: int) -> Stamp | None:
    """The first colon-labelled stamp in text[lo:hi] whose label ends right before its colon."""
    pos = lo
    while (colon := _COLON.search(text, pos, hi)) is not None:
        c = colon.start()
        pos = c + 1
        j = c - 1  # the label's last character, spaces before the colon skipped
        while j >= lo and text[j] in " \t":
            j -= 1
        if j < lo or not text[max(0, j - 11) : j + 1].lower().endswith(_LABEL_ENDS):
            continue
        window = (max(0, c - _LABEL_REACH), min(len(text), c + _DATE_REACH))
        for n in _COLON_LABELLED:
            source, finder = _FINDERS[n]
            for m in finder.finditer(text, *window):
                day = _stamp_day(m) if m.start() <= c < m.end() else None
                if day is not None:
                    return Stamp(day, source, m.span())
    return None


def parse_meta_date(value: str | None) -> date | None:
    """A date from an HTML attribute such as `2024-03-15T09:00:00+09:00`."""
    m = re.match(r"\s*((?:19|20)\d{2})-(\d{2})-(\d{2})", value or "")
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


@dataclass
class Publication:
    """The date a notice speaks from, where it came from, and what else claimed to be it."""

    day: date | None
    source: str
    warnings: list[str] = field(default_factory=list)


def publication(stamps: list[Stamp], meta: list[tuple[str, str]], given: date | None) -> Publication:
    """Choose the date that dates the item: a publication line, a dateline, the page date, HTML
    metadata, then an update line, then the date given by the caller."""
    candidates: list[tuple[date, str]] = [
        (s.day, _STAMP_WORDS[s.source]) for s in stamps if s.source != "updated"
    ]
    ordered = sorted(meta, key=lambda item: not item[0].startswith("meta"))
    candidates += [
        (d, f"the HTML {name}") for name, value in ordered if (d := parse_meta_date(value)) is not None
    ]
    candidates += [(s.day, _STAMP_WORDS[s.source]) for s in stamps if s.source == "updated"]
    if not candidates:
        return Publication(given, "the publication date")
    day, source = candidates[0]
    others = sorted({d for d, _ in candidates if d != day})
    warnings = []
    if others:
        listed = ", ".join(d.isoformat() for d in others[:3])
        warnings.append(f"publication date {day} taken from {source}; the page also gives {listed}")
    return Publication(day, source, warnings)


@dataclass
class Resolved:
    day: date
    warnings: list[str]
    inferred: bool


@functools.lru_cache(maxsize=4096)  # pure, and asked for the same few days again and again
def closest_year(month: int, day: int, reference: date) -> date | None:
    """The year that puts month/day closest to the reference (Jan in a December notice: next year)."""
    candidates = []
    for year in (reference.year - 1, reference.year, reference.year + 1):
        try:
            candidates.append(date(year, month, day))
        except ValueError:
            continue
    if not candidates:
        return None
    return min(candidates, key=lambda d: (abs((d - reference).days), d))


def _month_shift(ref: date, months: int) -> tuple[int, int]:
    total = ref.year * 12 + ref.month - 1 + months
    return total // 12, total % 12 + 1


def _safe(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _relative(m: DateMention, ref: date) -> tuple[date | None, str]:
    """Dates written relative to publication: 오는 23일, 내달 5일, 모레(9일), 이달 말, ends Thursday."""
    day: date | None
    if m.month == 0 and m.day == 0 and m.weekday is not None and not m.month_end:
        ahead = (m.weekday - ref.weekday()) % 7 or 7
        day = ref + timedelta(days=ahead)
        return day, f"{m.text!r} read as the next {WEEKDAY_NAMES[m.weekday]} after {ref}, {day}"
    if m.day_offset is not None:
        expected = ref + timedelta(days=m.day_offset)
        month = m.month or expected.month
        day = _safe(expected.year, month, m.day) or closest_year(month, m.day, expected)
        if day is not None and day != expected:
            return day, f"{m.text!r} says {m.day_offset} days after {ref}, which is {expected}, not {day}"
        return day, ""
    shifts = {"this-month": 0, "next-month": 1}
    if m.month_end:
        if m.month:
            year = m.year or (closest_year(m.month, 1, ref) or ref).year
            return _safe(year, m.month, calendar.monthrange(year, m.month)[1]), ""
        year, month = _month_shift(ref, shifts.get(m.relative, 0))
        return _safe(year, month, calendar.monthrange(year, month)[1]), ""
    if m.relative in shifts and not m.month:
        year, month = _month_shift(ref, shifts[m.relative])
        return _safe(year, month, m.day), ""
    if m.relative in ("next-year", "this-year", "last-year"):
        year = ref.year + {"next-year": 1, "this-year": 0, "last-year": -1}[m.relative]
        return _safe(year, m.month, m.day), ""
    if m.relative == "nearest":
        options = [_safe(*_month_shift(ref, shift), m.day) for shift in (-1, 0, 1)]
        days = [d for d in options if d is not None]
        return (min(days, key=lambda d: abs((d - ref).days)) if days else None), ""
    if m.relative in ("forward", "past"):
        step = 1 if m.relative == "forward" else -1
        if m.month:
            for shift in (0, step):
                day = _safe(ref.year + shift, m.month, m.day)
                if day is not None and (day >= ref if step == 1 else day <= ref):
                    return day, ""
            return None, ""
        for shift in (0, step):
            year, month = _month_shift(ref, shift)
            day = _safe(year, month, m.day)
            if day is not None and (day >= ref if step == 1 else day <= ref):
                return day, ""
        return None, ""
    return None, ""


def day_after(first: Resolved, day: int) -> Resolved | None:
    """The end of "19일부터 23일까지": the next such day of the month on or after the start."""
    year, month = first.day.year, first.day.month
    if day < first.day.day:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    try:
        return Resolved(date(year, month, day), [], True)
    except ValueError:
        return None


def needs_reference(m: DateMention) -> bool:
    return m.year is None


def resolve(mention: DateMention, year: int | None, reference: date | None, source: str) -> Resolved | None:
    """The calendar date of a mention: its own year, a year given by the other end of its range,
    or one inferred from the reference date (with a warning saying so)."""
    warnings: list[str] = []
    inferred = False
    day: date | None
    relative = mention.relative or mention.day_offset is not None or mention.month_end or mention.month == 0
    if mention.year is not None and not mention.month_end:
        day = _safe(mention.year, mention.month, mention.day)
    elif year is not None and mention.month:
        day = _safe(year, mention.month, mention.day)
        inferred = True
    elif reference is not None and relative:
        day, note = _relative(mention, reference)
        inferred = True
        if day is not None:
            warnings.append(note or f"{mention.text!r} read as {day} relative to {source} {reference}")
    elif reference is not None:
        day = closest_year(mention.month, mention.day, reference)
        inferred = True
        if day is not None:
            warnings.append(f"year of {mention.text!r} inferred as {day.year} from {source}")
    else:
        return None
    if day is None:
        return None
    if mention.weekday is not None and mention.month and day.weekday() != mention.weekday:
        stated = WEEKDAY_NAMES[mention.weekday]
        hint = ""
        if mention.year is None:
            others = [
                d
                for d in (
                    _safe(day.year - 1, mention.month, mention.day),
                    _safe(day.year + 1, mention.month, mention.day),
                )
                if d is not None and d.weekday() == mention.weekday
            ]
            if others:
                hint = f"; {others[0].isoformat()} would be a {stated}"
        warnings.append(
            f"stated weekday {stated} does not match {day.isoformat()}, a {WEEKDAY_NAMES[day.weekday()]}{hint}"
        )
    return Resolved(day, warnings, inferred)


def is_valid(mention: DateMention) -> bool:
    """Whether month/day can exist in some year (29 Feb can; 31 Nov cannot)."""
    if mention.month == 0 or mention.month_end:
        return True
    return _safe(2004, mention.month, mention.day) is not None
