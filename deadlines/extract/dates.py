"""Finding single dates in English and Korean notice text, none inside an address or number.

Pure and linear: the patterns of `forms.py` run only in windows around digits and ordinal words,
each gated by a literal it needs. Nothing here knows the publication date: relative and year-less
dates are resolved later (`resolve.py`); joining dates into ranges is `ranges.py`.
"""

from __future__ import annotations

import re

from deadlines.extract.forms import (
    ANCHOR_REACH,
    EN_WEEKDAYS,
    FINDERS,
    KO_WEEKDAYS,
    MONTHS,
    NOT_DATES,
    ORDINALS,
    DateMention,
    Finder,
    Relative,
    may_hold_ordinal,
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
_EN_NUMERIC = frozenset(("en-dmy", "en-mdy"))


def _mention(name: str, m: re.Match[str], real: str, base: int) -> DateMention | None:
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


def _longest_first(found: list[DateMention]) -> list[DateMention]:
    """Mentions in text order; where two overlap, the earlier then longer one wins."""
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
# A weekday alone ("closes Thursday"): the cue words stand before it, so its window reaches back.
_WEEKDAY = re.compile(r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b")
_MARGIN = 30
_WEEKDAY_REACH = (48, 40)
# Patterns tied to a rarer mark run only within reach of it (characters before, after): the
# slashes of "Mar/02/2019", the bracketed weekday of "4. 10.(수)", the bracket or 까지 that
# follows "(4. 10.)" and "3. 5.까지".
_ANCHORED: dict[str, tuple[re.Pattern[str], int, int]] = {
    "us-slash": (re.compile(r"/\d{1,2}/"), 10, 8),
    "ko-md": (re.compile(r"\(\s*[월화수목금토일]"), 30, 12),
    # [)~～〜∼]|까지|부터, written to start with a class (the same matches).
    "ko-md-ctx": (re.compile(r"[)~～〜∼까부](?:(?<=까)지|(?<=부)터|(?<=[)~～〜∼]))"), 30, 2),
}


def _windows(
    text: str, start: int, stop: int, trigger: re.Pattern[str], before: int = _MARGIN, after: int = _MARGIN
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


def _present(text: str, start: int, stop: int, needs: tuple[str, ...]) -> bool:
    # A plain loop: this runs for every pattern of every sentence, and a generator costs more.
    for literal in needs:  # noqa: SIM110
        if text.find(literal, start, stop) >= 0:
            return True
    return False


def _wanted(text: str, start: int, stop: int) -> list[tuple[str, Finder, tuple[str, ...] | None]]:
    """The patterns whose literals occur in text[start:stop]; English ones need a month name."""
    english = _MONTH_HINT.search(text, start, stop) is not None
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
        and _ORDINAL_WORD.search(scan, lo, hi) is None
    ):
        return []
    found: list[DateMention] = []
    english: list[tuple[int, int]] | None = None
    words: list[tuple[int, int]] | None = None
    for name, pattern, needs in _wanted(scan, lo, hi):
        if name == "en-weekday":
            windows = _windows(scan, lo, hi, _WEEKDAY, *_WEEKDAY_REACH)
        elif name == "ko-month-end":
            windows = [(lo, hi)]
        elif name.endswith("-word"):
            if words is None:
                words = [w for w in _windows(scan, lo, hi, _ORDINAL_WORD) if _MONTH_HINT.search(scan, *w)]
            windows = words
        elif name in _ANCHORED:
            windows = _windows(scan, lo, hi, *_ANCHORED[name])
        elif needs is None:
            # English dates hold a month name: only the windows with one.
            if english is None:
                english = [w for w in digits if _MONTH_HINT.search(scan, *w)]
            windows = english
        else:
            windows = [w for w in digits if _present(scan, w[0], w[1], needs)]
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
            if n in alone or any(m.start < start for m in mine):
                result.append(find_dates(text, start, end))
                continue
            if not mine:
                result.append([])
                continue
            kept = _longest_first(mine)
            near = [(a, b) for a, b in masks[q:] if a < end]
            result.append(_outside(kept, near) if near else kept)
        i = j
    return result


def _outside(mentions: list[DateMention], masks: list[tuple[int, int]]) -> list[DateMention]:
    return [m for m in mentions if not any(a < m.end and m.start < b for a, b in masks)]
