"""Where each costly date pattern can begin, so that it is tried only there. Pure data and one class.

A pattern that starts with a lookbehind, an optional group or an alternation of groups gives the
regex engine no first character to skip ahead to in C: it is tried at every position. Each
pattern here starts with a plain character class (checked over every code point where case is
ignored), then lookbehinds and lookaheads that a match must pass: a superset of the places a match
begins. `Started` confirms each with the whole pattern, so the matches are exactly those of
`finditer` (tests/test_extract_scans.py fuzzes each against it).
"""

from __future__ import annotations

import re

# The first letters of every month spelling the date patterns accept (upper and lower case).
_MONTH_FIRST = "[JjFfMmAaSsOoNnDd]"
# en-mdy, "November 5" or "Tue, Nov. 5": a month name (each spelling `_MON` allows) followed by a
# day number of one or two digits, or a weekday name followed by a month name, at a word start.
_EN_MDY = re.compile(
    r"[JjFfMmAaSsOoNnDdTW](?<!\w(?s:.))"
    r"(?:(?:(?<=[Jj])(?:an|un|ul)|(?<=J)(?:AN|UN|UL)|(?<=[Ff])eb|(?<=F)EB|(?<=[Mm])ar|(?<=M)(?:AR|ay|AY)"
    r"|(?<=[Aa])(?:pr|ug)|(?<=A)(?:PR|UG)|(?<=[Ss])ep|(?<=S)EP|(?<=[Oo])ct|(?<=O)CT|(?<=[Nn])ov|(?<=N)OV"
    r"|(?<=[Dd])ec|(?<=D)EC)(?=[A-Za-z]*\.?\s+(?:the\s+)?\d\d?(?!\d))"
    r"|(?:(?<=F)ri|(?<=M)on|(?<=S)(?:at|un)|(?<=T)(?:ue|hu)|(?<=W)ed)"
    rf"(?=[a-z]*\.?,?\s+(?:the\s+)?{_MONTH_FIRST}))"
)
# en-dmy, "5 November", "the 5th of May", "Tuesday, 5 Nov": a day number followed by a month's
# first letter, "the" and a day number, or a weekday name and then one, none after [\w.,/:].
_EN_DMY = re.compile(
    r"[\dMTWFSt](?<![\w.,/:](?s:.))"
    rf"(?:(?<=\d)\d?(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH_FIRST}|(?<=t)he\s+\d"
    r"|(?:(?<=M)on|(?<=T)(?:ue|hu)|(?<=W)ed|(?<=F)ri|(?<=S)(?:at|un))[a-z]*\.?,?\s+(?:the\s+){0,2}\d)"
)
# iso and ko-dot: a year 19xx or 20xx not after a digit or [.-/], then its separator.
_ISO = re.compile(r"[12](?<![\d.\-/][12])(?:(?<=1)9|(?<=2)0)\d\d[-/]")
_KO_DOT = re.compile(r"[12](?<![\d.][12])(?:(?<=1)9|(?<=2)0)\d\d\s*\.")
# ko-month-end, "이달 말", "3월 말": the whole pattern, written to start with a class.
_KO_MONTH_END = re.compile(
    r"[이내다\d](?:(?<=이)(?:달|번\s*달)\s*말|(?<=내)달\s*말|(?<=다)음\s*달\s*말|(?<=\d)(?<!\d\d)\d?\s*월\s*말(?!씀))"
)
# en-weekday, "closes Thursday": one of its cue words at a word start, then a space.
_EN_WEEKDAY = re.compile(
    r"[EeCcDdBbUuTtNn](?<!\w(?s:.))(?i:(?<=[Ee])nds?|(?<=[Cc])los(?:es?|ing)|(?<=[Dd])(?:ue|eadline\s+is)"
    r"|(?<=[Bb])(?:y|efore)|(?<=[Uu])ntil|(?<=[Tt])(?:ill|his)|(?<=[Nn])ext)\s"
)
STARTS: dict[str, re.Pattern[str]] = {
    "en-weekday": _EN_WEEKDAY,
    "en-mdy": _EN_MDY,
    "en-dmy": _EN_DMY,
    "iso": _ISO,
    "ko-dot": _KO_DOT,
    "ko-month-end": _KO_MONTH_END,
}


class Started:
    """A pattern tried only where `starts` finds a place a match can begin (a superset of them):
    `finditer` gives exactly the matches of `pattern.finditer`."""

    __slots__ = ("pattern", "starts")

    def __init__(self, pattern: re.Pattern[str], starts: re.Pattern[str]) -> None:
        self.pattern = pattern
        self.starts = starts

    def finditer(self, text: str, lo: int, hi: int) -> list[re.Match[str]]:
        found: list[re.Match[str]] = []
        pos = lo
        while (c := self.starts.search(text, pos, hi)) is not None:
            m = self.pattern.match(text, c.start(), hi)
            if m is None:
                pos = c.start() + 1
                continue
            found.append(m)
            pos = m.end()
        return found


# The characters that match a Latin letter only when case is ignored; İ is also the one character
# whose lower case is longer than itself, which would shift positions in a lower-cased copy.
_FOLDS = ("\u0130", "\u0131", "\u017f", "\u212a")


class Literal:
    """A pattern tried only where one of `literals` (lower case) occurs in a lower-cased copy of the
    text, each match beginning at one: `finditer` gives exactly the matches of `pattern.finditer`
    when every match starts with one of them, case ignored. A text holding one of İ ı ſ K is left
    to the plain pattern."""

    __slots__ = ("literals", "pattern")

    def __init__(self, pattern: re.Pattern[str], literals: tuple[str, ...]) -> None:
        self.pattern = pattern
        self.literals = literals

    def finditer(self, text: str, lo: int, hi: int) -> list[re.Match[str]]:
        piece = text[lo:hi]
        if not piece.isascii() and any(c in piece for c in _FOLDS):
            return list(self.pattern.finditer(text, lo, hi))
        lowered = piece.lower()
        starts: set[int] = set()
        for literal in self.literals:
            at = lowered.find(literal)
            while at >= 0:
                starts.add(at)
                at = lowered.find(literal, at + 1)
        found: list[re.Match[str]] = []
        pos = lo
        for at in sorted(starts):
            if at + lo < pos:
                continue
            m = self.pattern.match(text, at + lo, hi)
            if m is not None:
                found.append(m)
                pos = m.end()
        return found
