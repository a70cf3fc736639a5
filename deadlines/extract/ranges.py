"""Joining single dates into ranges, pairs and lists: "24 to 27 February", "5 and 6 April",
"3월 27일부터 30일까지", "September 10, 11 and 12".

Pure and linear: each join looks only at the few characters between two dates of one sentence.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Literal

from deadlines.extract.dates import find_dates
from deadlines.extract.forms import DAY, DAYWORD, KO_WEEKDAY, DateExpression, DateMention
from deadlines.extract.mentions import day_of, weekday_of, year_of
from deadlines.extract.numeric import orient

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
_DAY_FIRST = re.compile(rf"(?:the\s+)?{DAY}\s+(?:of\s+)?[A-Za-z]")
_LEAD_DAY = re.compile(
    rf"(?<![\w.,/:-])(?:the\s+)?(?P<lead>\d{{1,2}}(?:st|nd|rd|th)?|(?i:{DAYWORD}))"
    rf"\s*(?P<j>(?i:to|through|thru|until|till|and)|&|[-–—~])\s*$"
)

# The short second end right after a first date: "~ 10.", "- 4. 6.(토)", "부터 30일까지", "to 30, 2027".
_DASH = r"[~～〜∼\-–—]"
_KO_CONT = re.compile(
    rf"\s*(?:(?P<r>{_DASH}|부터|에서)|(?P<p>,|과|와|및))\s*"
    rf"(?:(?:(?P<m>\d{{1,2}})\s*월\s*)?(?P<d>\d{{1,2}})\s*일(?!\s*간|\s*이내|\s*전)"
    r"|(?:(?P<m2>\d{1,2})\s*\.\s*)?(?P<d2>\d{1,2})\s*\.?(?!\s*\d|%))"
    rf"{KO_WEEKDAY}"
)
_EN_CONT = re.compile(
    rf"\s*(?:(?P<r>(?i:to|through|thru|until|till)|{_DASH})|(?P<p>(?i:and)|&))\s*(?:the\s+)?"
    rf"{DAY}(?!\s*(?:[ap]\.?m\b|:|\d|%|(?i:percent|per|days?|weeks?|months?|years?|hours?|o'clock)\b))"
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


_LEAD_JOINERS = ("to", "through", "thru", "until", "till", "and", "&", "-", "–", "—", "~")


_LEAD_LAST = "ohuld&-–—~"  # the last characters of _LEAD_JOINERS


def _ends_like(text: str, begin: int, end: int, last: str) -> bool:
    """False only where text[begin:end].rstrip().lower() cannot end with a word whose last
    character is in `last`: a cheap look at the last character before the slicing and lowering."""
    if begin < end and not text[end - 1].isspace():  # the common case: no space before the date
        return text[end - 1].lower()[-1:] in last
    stripped = text[begin:end].rstrip()  # str.rstrip drops what str.isspace calls whitespace, in C
    return bool(stripped) and stripped[-1].lower()[-1:] in last


def _lead_day(text: str, a: DateMention, lo: int) -> tuple[int, int, str] | None:
    """The first day of "24 to 27 February", written before the full date `a`."""
    if (
        a.month == 0
        or not _ends_like(text, max(lo, a.start - 40), a.start, _LEAD_LAST)
        or not _DAY_FIRST.match(a.text)
    ):
        return None
    begin = max(lo, a.start - 40)
    # The end-anchored search only where the words before end with a joiner ("to", "and", "-").
    if not text[begin : a.start].rstrip().lower().endswith(_LEAD_JOINERS):
        return None
    m = _LEAD_DAY.search(text, begin, a.start)
    if m is None:
        return None
    return m.start("lead"), m.end("lead"), m["j"]


def _listed_days(text: str, a: DateMention, lo: int) -> list[DateMention]:
    """The other days of a list sharing one month: "on 22, 24 and 26 April 2024"."""
    if (
        a.month == 0
        or not _ends_like(text, max(lo, a.start - 60), a.start, "d&")
        or not _DAY_FIRST.match(a.text)
    ):
        return []
    begin = max(lo, a.start - 60)
    if not text[begin : a.start].rstrip().lower().endswith(("and", "&")):
        return []
    m = _DAY_LIST.search(text, begin, a.start)
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
    day = day_of(g)
    month_text = g.get("m") or g.get("m2")
    month = int(month_text) if month_text else first.month
    if day is None or not 0 <= month <= 12 or not 1 <= day <= 31 or (month == 0 and first.month != 0):
        return None
    pair = bool(g.get("p"))
    if not korean and (month, day) <= (first.month, first.day):
        return None
    year, _ = year_of(g)
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
        weekday=weekday_of(g),
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


def find_expressions(
    text: str, start: int = 0, end: int | None = None, mentions: list[DateMention] | None = None
) -> list[DateExpression]:
    """Dates of text[start:end] grouped into single dates, ranges and pairs, in text order.
    `mentions` are the sentence's dates when already found (`dates.find_dates_in`)."""
    stop = len(text) if end is None else end
    if mentions is None:
        mentions = find_dates(text, start, stop)
        # Numeric dates take their order from the text read (the extractor gives a whole notice's).
        orient(text, (start, stop), [mentions], lambda _: False)
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
            day = day_of(
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
