"""Cutting a notice into items and sentences, and reading timetable rows and headline lines.

Pure and linear: a sentence longer than MAX_SENTENCE is cut at a clause boundary, so every date
reads a bounded quote however long the page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from deadlines.extract.forms import MONTHS
from deadlines.extract.times import TimeMention

# Full stops that do not end a sentence: "5 p.m. Friday, Oct. 11", "Mr. Kim", "No. 5". Every
# sentence end starts with a space or newline, matched first so that the regex engine skips to
# whitespace in C; the lookbehinds then read the full stop before it.
_ABBREVIATION = (
    r"(?!(?<=[ap]\.m\.\s)\s*(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec))"
    r"(?<!\b(?:Mr|Dr|St|No|Mt|Ft)\.\s)"
)
# Every branch follows a full stop, ! or ? or is a newline: checked first, once, so the spaces
# inside sentences fail on two lookbehinds instead of one per branch.
_SENTENCE_END = re.compile(
    rf"\s(?:(?<=[.!?]\s)|(?<=\n))(?:(?<=[^\s\d.][.!?]\s){_ABBREVIATION}\s*(?=[A-Z\"“(])|(?<=\d{{4}}[.]\s)\s*(?=[A-Z])"
    r"|(?:(?<=\s\d[.]\s)|(?<=\s\d\d[.]\s))\s*(?=[A-Z][a-z])|(?<=다\.\s)\s*|(?<=\n)\n*)"
)
# A sentence longer than this is cut at a clause boundary, so each date reads a bounded quote.
MAX_SENTENCE = 600
_CLAUSE_BREAK = re.compile(r"[;,]\s|\s")
# A timetable row: a label, then its date (and time) in a column of its own.
# \s*(?:\|\s*|\t+\s*|\s{2,}|\s[-–—]\s|[:：]\s*), written to start with a class (a match starts at a
# bar, a colon or whitespace) so the regex engine skips to candidates in C; after whitespace, the
# branches follow the order in which the plain pattern backtracks (fuzzed equal to it).
_ROW_SEPARATOR = re.compile(
    r"[\s|:：](?:(?<=[|:：])\s*|(?<=\s)(?:\s*+(?:\|\s*|[:：]\s*)|\s*+(?<=\t)|\s*+[-–—]\s|\s++))"
)
_TIME_WORDS = r"(?:at\s+)?(?:\d{1,2}(?:[:.]\d{2})?\s*[ap]\.?\s?m\.?|\d{1,2}:\d{2}|noon|midnight)"
_ROW_TAIL = re.compile(
    rf"(?i:\s*(?:(?:not|no)\s+later\s+than|on\s+or\s+before|by|from|until|before|after)?\s*{_TIME_WORDS}?"
    r"\s*(?:on\s+)?[-–—,]?\s*)$"
)


# A _ROW_TAIL match holds only spaces, digits, [:.,-–—] and the letters of its words and times (İ
# and ı fold to i): it starts after the last other character, and is searched for only from there.
_NOT_IN_TAIL = re.compile(r"(?s:.*)[^\s\d:.,\-–—ABDEFGHILMNOPRTUYabdefghilmnoprtuy\u0130\u0131]")


def strip_row_tail(label: str) -> str:
    """`_ROW_TAIL.sub("", label)`: the end-anchored pattern, which can match empty anywhere, searched
    for only where it can start instead of at every position."""
    last = _NOT_IN_TAIL.match(label)
    tail = _ROW_TAIL.search(label, last.end() if last else 0)
    return label[: tail.start()] if tail else label


def sentences(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    pos = start
    for m in _SENTENCE_END.finditer(text, start, end):
        if m.start() > pos:
            yield from bounded(text, pos, m.start())
        pos = m.end()
    if pos < end:
        yield from bounded(text, pos, end)


def bounded(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Cut an overlong sentence (a page with no full stops) into pieces of at most MAX_SENTENCE."""
    while end - start > MAX_SENTENCE:
        cut = -1
        for m in _CLAUSE_BREAK.finditer(text, start + MAX_SENTENCE // 2, start + MAX_SENTENCE):
            cut = m.end()
        if cut <= start:
            cut = start + MAX_SENTENCE
        yield start, cut
        start = cut
    yield start, end


def strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    piece = text[start:end]  # str.strip drops what str.isspace calls whitespace, in C
    stripped = piece.lstrip()
    start += len(piece) - len(stripped)
    return start, start + len(stripped.rstrip())


# Every _ROW_SEPARATOR match holds a bar, a tab, a colon, or two whitespace characters (the second
# maybe after a dash): checked before the search, which a pattern starting with \s* makes slow.
_SEPARATOR_MARKS = ("|", "\t", ":", "：")
_TWO_SPACES = re.compile(r"\s(?:\s|[-–—]\s)")


def _may_separate(head: str) -> bool:
    for mark in _SEPARATOR_MARKS:  # a plain loop costs less than a generator here
        if mark in head:
            return True
    return _TWO_SPACES.search(head) is not None


def row_label(text: str, start: int, first: int, times: list[TimeMention]) -> str | None:
    """The label of a timetable row ("Last day for postal vote applications    5pm - 12 April")."""
    label_end = first
    for t in times:  # the earliest of the date and the times before it
        if t.start < label_end:
            label_end = t.start
    head = text[start:label_end]
    if "\n" in head or not _may_separate(head):
        return None
    column = _ROW_SEPARATOR.search(head, 1)
    # After the column break only a few words may stand before the date: "Not later than", "By 4pm on".
    if column is None or label_end - (start + column.end()) > 40:
        return None
    label = strip_row_tail(head[: column.start()]).strip(" \t|:-–—,")
    if len(label.split()) < 2 or re.search(r"[.!?]\s", label) or len(label) > 120:
        return None
    return label


_HEADLINE_END = re.compile(r"[.!?。:：|]\s*$|다\.?\s*$")


def headline_like(text: str, start: int, end: int, notice_start: int) -> bool:
    """A title line near the top ("사전투표, 4월 5일과 6일 이틀간 실시"): its dates repeat the body's."""
    if start - notice_start > 600 or end - start > 100 or (start > 0 and text[start - 1] != "\n"):
        return False
    line = text[start:end]
    return "\n" not in line and ":" not in line and "|" not in line and not _HEADLINE_END.search(line)


# An item of a news page: "12 March: Notice of election", "3월 12일: 후보자 등록".
ITEM_HEAD = re.compile(
    r"^[ \t]*(?:(?P<d>\d{1,2})[ \t]+(?P<mon>[A-Z][a-z]{2,8})|(?P<mon2>[A-Z][a-z]{2,8})[ \t]+(?P<d2>\d{1,2})"
    r"|(?P<km>\d{1,2})월[ \t]*(?P<kd>\d{1,2})일)[ \t]*[:：][ \t]*(?P<title>\S.*)$",
    re.M,
)


def _month_number(name: str | None) -> int | None:
    if not name:
        return None
    return MONTHS.get(name[:3].lower())


def item_date(m: re.Match[str], page: date | None) -> date | None:
    if m["km"]:
        month, day = int(m["km"]), int(m["kd"])
    else:
        month = _month_number(m["mon"] or m["mon2"])  # type: ignore[assignment]
        day = int(m["d"] or m["d2"])
    if month is None or page is None:
        return None
    try:
        item = date(page.year, month, day)
    except ValueError:
        return None
    # Items are listed on a page published after them: a later date belongs to the year before.
    if item > page:
        try:
            item = date(page.year - 1, month, day)
        except ValueError:
            return None
    return item
