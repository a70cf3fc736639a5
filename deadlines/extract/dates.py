"""Finding single dates in English and Korean notice text, none inside an address or number.

Pure and linear: the patterns of `forms.py` run only in windows around digits and ordinal words,
each gated by a literal it needs. Nothing here knows the publication date: relative and year-less
dates are resolved later (`resolve.py`); joining dates into ranges is `ranges.py`.
"""

from __future__ import annotations

import re

from deadlines.extract.forms import (
    ANCHOR_REACH,
    FINDERS,
    NOT_DATES,
    DateMention,
    Finder,
    may_hold_ordinal,
)
from deadlines.extract.mentions import mention as _mention
from deadlines.extract.starts import Literal


def _longest_first(found: list[DateMention]) -> list[DateMention]:
    """Mentions in text order; where two overlap, the earlier then longer one wins."""
    if len(found) < 2:
        return found
    found.sort(key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[DateMention] = []
    for m in found:
        if kept and m.start < kept[-1].end:
            continue
        kept.append(m)
    return kept


# Where dates can be. Patterns run only in windows around these, which keeps long stretches of
# prose from being scanned a dozen times. Each trigger starts with a character class, so the regex
# engine skips to candidates in C instead of trying the whole pattern at every position.
# Runs of digits no more than 2 * _MARGIN apart, whose windows would merge: one match per
# window instead of one per number.
_DIGITS = re.compile(r"\d+(?:\D{0,60}\d+)*")
# The ordinal words of "May third", for the "-word" patterns alone.
_ORDINAL_WORD = re.compile(
    r"[FfSsTtEeNn](?i:(?<=f)(?:ir|our|if)|(?<=s)(?:ec|ix|even)|(?<=t)(?:hir|en|wel|wen)|(?<=e)(?:igh|lev)"
    r"|(?<=n)in)[a-z-]*(?:st|nd|rd|th)\b"
)
# The same, tried only where its stems occur: its first class holds common letters.
_ORDINAL_STEMS = (
    "fir",
    "four",
    "fif",
    "sec",
    "six",
    "seven",
    "thir",
    "ten",
    "twel",
    "twen",
    "eigh",
    "elev",
    "nin",
)
_ORDINAL_FINDER = Literal(_ORDINAL_WORD, _ORDINAL_STEMS)
# A weekday alone ("closes Thursday"): the cue words stand before it, so its window reaches back.
_WEEKDAY = re.compile(r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b")
_MARGIN = 30
_WEEKDAY_REACH = (48, 40)
# Patterns tied to a rarer mark run only within reach of it (characters before, after): the
# slashes of "Mar/02/2019", the bracketed weekday of "4. 10.(수)", the bracket or 까지 that
# follows "(4. 10.)" and "3. 5.까지".
_ANCHORED: dict[str, tuple[re.Pattern[str], int, int]] = {
    "us-slash": (re.compile(r"/\d{1,2}/"), 10, 8),
    "numeric": (re.compile(r"/\d{1,2}/"), 3, 8),
    "ko-md": (re.compile(r"\(\s*[월화수목금토일]"), 30, 12),
    # [)~～〜∼]|까지|부터, written to start with a class (the same matches).
    "ko-md-ctx": (re.compile(r"[)~～〜∼까부](?:(?<=까)지|(?<=부)터|(?<=[)~～〜∼]))"), 30, 2),
}


def _windows(
    text: str,
    start: int,
    stop: int,
    trigger: re.Pattern[str] | Literal,
    before: int = _MARGIN,
    after: int = _MARGIN,
) -> list[tuple[int, int]]:
    windows: list[tuple[int, int]] = []
    for m in trigger.finditer(text, start, stop):
        lo, hi = max(start, m.start() - before), min(stop, m.end() + after)
        if windows and lo <= windows[-1][1]:
            windows[-1] = (windows[-1][0], hi)
        else:
            windows.append((lo, hi))
    return windows


# Each pattern runs only where a literal it needs occurs in the window: a cheap `str.find`
# instead of another regex pass. A month name is checked by its lower-case letters below.
_NEEDS: dict[str, tuple[str, ...]] = {
    "us-slash": ("/",),
    "numeric": ("/",),
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
_GATED = [(name, pattern, _NEEDS.get(name)) for name, pattern in FINDERS]
# (?i:jan|feb|...|dec), written to start with a class (ſ is the one other letter that folds to one
# of theirs), so the regex engine skips to candidates in C: 4 times faster on date-dense text.
_MONTH_HINT = re.compile(
    "[JjFfMmAaSs\u017fOoNnDd](?:(?<=[Jj])(?i:an|un|ul)|(?<=[Ff])(?i:eb)|(?<=[Mm])(?i:ar|ay)|(?<=[Aa])(?i:pr|ug)"
    "|(?<=[Ss\u017f])(?i:ep)|(?<=[Oo])(?i:ct)|(?<=[Nn])(?i:ov)|(?<=[Dd])(?i:ec))"
)


_MONTH_STEMS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _has_month(text: str, start: int, stop: int) -> bool:
    """`_MONTH_HINT.search(text, start, stop)`: a month's first three letters, case ignored, looked
    for in a lower-cased copy (ſ, the one other letter that folds to one of theirs, goes to the regex)."""
    piece = text[start:stop]
    if not piece.isascii() and "\u017f" in piece:
        return _MONTH_HINT.search(text, start, stop) is not None
    lowered = piece.lower()
    for stem in _MONTH_STEMS:  # noqa: SIM110 - a plain loop costs less than a generator here
        if stem in lowered:
            return True
    return False


def _present(text: str, start: int, stop: int, needs: tuple[str, ...]) -> bool:
    # A plain loop: this runs for every pattern of every sentence, and a generator costs more.
    for literal in needs:  # noqa: SIM110
        if text.find(literal, start, stop) >= 0:
            return True
    return False


def _wanted(text: str, start: int, stop: int) -> list[tuple[str, Finder, tuple[str, ...] | None]]:
    """The patterns whose literals occur in text[start:stop]; English ones need a month name."""
    english = _has_month(text, start, stop)
    words = english and may_hold_ordinal(text, start, stop)
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
        wanted.append((name, pattern, needs))
    return wanted


def _scan(scan: str, lo: int, hi: int, real: str, base: int) -> list[DateMention]:
    """Every match of every date pattern in scan[lo:hi], overlapping ones included."""
    digits = _windows(scan, lo, hi, _DIGITS)
    if (
        not digits
        and scan.find("day", lo, hi) < 0
        and scan.find("말", lo, hi) < 0
        and not _ORDINAL_FINDER.finditer(scan, lo, hi)
    ):
        return []
    found: list[DateMention] = []
    english: list[tuple[int, int]] | None = None
    by_needs: dict[tuple[str, ...], list[tuple[int, int]]] = {}
    words: list[tuple[int, int]] | None = None
    for name, pattern, needs in _wanted(scan, lo, hi):
        if name == "en-weekday":
            windows = _windows(scan, lo, hi, _WEEKDAY, *_WEEKDAY_REACH)
        elif name == "ko-month-end":
            windows = [(lo, hi)]
        elif name.endswith("-word"):
            if words is None:
                words = [w for w in _windows(scan, lo, hi, _ORDINAL_FINDER) if _has_month(scan, *w)]
            windows = words
        elif name in _ANCHORED:
            windows = _windows(scan, lo, hi, *_ANCHORED[name])
        elif needs is None:
            # English dates hold a month name: only the windows with one.
            if english is None:
                english = [w for w in digits if _has_month(scan, *w)]
            windows = english
        elif needs in by_needs:  # the windows holding a literal it needs, shared by the patterns needing it
            windows = by_needs[needs]
        else:
            windows = by_needs[needs] = [w for w in digits if _present(scan, w[0], w[1], needs)]
        for w_lo, w_hi in windows:
            for m in pattern.finditer(scan, w_lo, w_hi):
                mention = _mention(name, m, real, base)
                if mention is not None:
                    found.append(mention)
    return found


def _masks(scan: str, lo: int, hi: int, base: int) -> list[tuple[int, int]]:
    """Addresses and numbers that only look like dates, in scan[lo:hi]."""
    masks: list[tuple[int, int]] = []
    for needs, pattern, anchor in NOT_DATES:
        if not _present(scan, lo, hi, needs):
            continue
        windows = [(lo, hi)] if anchor is None else _windows(scan, lo, hi, anchor, ANCHOR_REACH, ANCHOR_REACH)
        for w_lo, w_hi in windows:
            masks += [(m.start() + base, m.end() + base) for m in pattern.finditer(scan, w_lo, w_hi)]
    return masks


def find_dates(text: str, start: int = 0, end: int | None = None) -> list[DateMention]:
    """Every single date written in text[start:end], in text order, none inside an address or number."""
    stop = len(text) if end is None else end
    mentions = _longest_first(_scan(text, start, stop, text, 0))
    if not mentions:
        return []
    masks = _masks(text, start, stop, 0)
    return _outside(mentions, masks) if masks else mentions


# Sentences are scanned together in chunks of about this many characters: one pass of each
# pattern per chunk costs far less than one per sentence, most sentences being short.
CHUNK = 4000
# Stands in a sealed copy for the text between sentences: no pattern matches or looks across it,
# so a chunk scan finds exactly what scanning each sentence alone would.
SEAL = "\x00"


def _sealed(text: str, spans: list[tuple[int, int]]) -> tuple[str, set[int]]:
    """text[spans[0][0]:spans[-1][1]] with everything outside the spans replaced by SEAL, and
    the sentences that must be scanned alone (cut mid-word from the next, with no space to seal)."""
    base = spans[0][0]
    pieces: list[str] = []
    alone: set[int] = set()
    pos = base
    for n, (start, end) in enumerate(spans):
        if start > pos:
            pieces.append(SEAL * (start - pos))
        piece = text[start:end]
        if n + 1 < len(spans) and spans[n + 1][0] == end and piece:
            # A long sentence cut at a space: its last character (the space) becomes the seal.
            if piece[-1].isspace():
                piece = piece[:-1] + SEAL
            else:
                alone.add(n)
                alone.add(n + 1)
        pieces.append(piece)
        pos = end
    return "".join(pieces), alone


def find_dates_in(text: str, spans: list[tuple[int, int]]) -> list[list[DateMention]]:
    """find_dates for each span of `spans` (sentences in text order, not overlapping), with the
    patterns run once per chunk of neighbouring sentences instead of once per sentence."""
    if not spans:
        return []
    base = spans[0][0]
    scan, alone = _sealed(text, spans)
    result: list[list[DateMention]] = []
    i = 0
    while i < len(spans):
        j = i + 1
        while j < len(spans) and spans[j][1] - spans[i][0] < CHUNK:
            j += 1
        lo, hi = spans[i][0] - base, spans[j - 1][1] - base
        found = _scan(scan, lo, hi, text, base)
        masks = _masks(scan, lo, hi, base) if found else []
        # By end: a Korean year read back from the real text may start in the sentence before.
        found.sort(key=lambda m: m.end)
        masks.sort()
        k = q = 0
        for n in range(i, j):
            start, end = spans[n]
            mine: list[DateMention] = []
            while k < len(found) and found[k].end <= end:
                mine.append(found[k])
                k += 1
            while q < len(masks) and masks[q][0] < start:
                q += 1
            if not mine:
                result.append(find_dates(text, start, end) if n in alone else [])
                continue
            if n in alone or min(m.start for m in mine) < start:
                result.append(find_dates(text, start, end))
                continue
            kept = _longest_first(mine)
            r = q  # the masks that start before the sentence ends (sorted by start)
            while r < len(masks) and masks[r][0] < end:
                r += 1
            result.append(_outside(kept, masks[q:r]) if r > q else kept)
        i = j
    return result


def _outside(mentions: list[DateMention], masks: list[tuple[int, int]]) -> list[DateMention]:
    return [m for m in mentions if not any(a < m.end and m.start < b for a, b in masks)]
