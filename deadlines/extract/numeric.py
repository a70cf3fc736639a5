"""Numeric dates ("11/05/2024"): which number is the month, from the notice's own conventions.

US notices write month first (11/05/2024 is 5 November); British, Australian, New Zealand and
Irish ones write day first (05/11/2024 is 5 November). A date reads itself when one number is over
12 or both are equal. Otherwise the notice decides, in this order:

1. its other numeric dates, when those with a number over 12 all put the day on the same side;
2. words that place it: US state names, "Secretary of State", "County Clerk" for month first;
   "Electoral Commission", "returning officer", "polling day", "enrolment" for day first;
3. how it writes dates with month names: "November 5, 2024" only, or "5 November 2024" only.

Where these are missing or disagree, the date is not read: no record, and a warning with the
date and its place, so that staff read it themselves. A wrong deadline costs more than a missing
one. Pure and linear: the cue words are searched once per notice, and only when it holds a
numeric date that needs them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Literal

from deadlines.extract.forms import DateMention

Order = Literal["mdy", "dmy"]

_US_STATES = (
    "Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Georgia|Hawaii|Idaho"
    "|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|Michigan|Minnesota"
    "|Mississippi|Missouri|Montana|Nebraska|Nevada|New Hampshire|New Jersey|New Mexico|New York"
    "|North Carolina|North Dakota|Ohio|Oklahoma|Oregon|Pennsylvania|Rhode Island|South Carolina"
    "|South Dakota|Tennessee|Texas|Utah|Vermont|Virginia|Washington|West Virginia|Wisconsin|Wyoming"
)
# Plain alternations of literals (no leading \b), so the regex engine skips to their first letters in C.
_MONTH_FIRST_CUES = re.compile(
    rf"(?:{_US_STATES}|Secretary of State|County Clerk|county clerk|Board of Elections?|Supervisor of Elections"
    r"|Registrar of Voters|United States|U\.S\.)(?![a-z])"
)
_DAY_FIRST_CUES = re.compile(
    r"(?:Electoral Commission|Returning Officer|returning officer|polling day|Polling day|polling station"
    r"|electoral roll|[Ee]nrolment|Australian?|New Zealand|United Kingdom|England|Scotland|Wales"
    r"|Northern Ireland|Ireland|AEC)(?![a-z])"
)
_WEEKDAY = r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\.?,?\s+)?"
_WRITTEN_MONTH_FIRST = re.compile(rf"{_WEEKDAY}[A-Za-z]{{3}}")
_WRITTEN_DAY_FIRST = re.compile(rf"{_WEEKDAY}(?:the\s+)?\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?[A-Za-z]{{3}}")
_NAMES = {"mdy": "month first (US)", "dmy": "day first"}


def _one_side(month_first: object, day_first: object) -> Order | None:
    if month_first and not day_first:
        return "mdy"
    if day_first and not month_first:
        return "dmy"
    return None


def notice_order(text: str, start: int, end: int, found: list[DateMention]) -> tuple[Order | None, str]:
    """How text[start:end] writes numeric dates, and why; (None, why not) when it does not say."""
    numeric = [m for m in found if m.numeric]
    day_over = next((m for m in numeric if m.month > 12), None)
    month_over = next((m for m in numeric if m.day > 12), None)
    order = _one_side(month_over, day_over)
    if order is not None:
        return order, f"as its date {(month_over or day_over or numeric[0]).text!r} does"
    if day_over and month_over:
        return None, f"the notice writes both {month_over.text!r} and {day_over.text!r}"
    us = _MONTH_FIRST_CUES.search(text, start, end)
    other = _DAY_FIRST_CUES.search(text, start, end)
    order = _one_side(us, other)
    if order is not None:
        return order, f"the notice names {(us or other).group(0)!r}"  # type: ignore[union-attr]
    if us and other:
        return None, f"the notice names both {us.group(0)!r} and {other.group(0)!r}"
    written = [m for m in found if not m.numeric and m.month and m.text[:1].isascii()]
    month_first = next((m for m in written if _WRITTEN_MONTH_FIRST.match(m.text)), None)
    day_first = next((m for m in written if _WRITTEN_DAY_FIRST.match(m.text)), None)
    order = _one_side(month_first, day_first)
    if order is not None:
        return order, f"the notice writes {(month_first or day_first).text!r}"  # type: ignore[union-attr]
    return None, "nothing in the notice says whether the month or the day comes first"


def orient(
    text: str, span: tuple[int, int], found: list[list[DateMention]], stamped: Callable[[int], bool]
) -> list[str]:
    """Give each numeric date of the notice text[span] (its sentences' dates, `found`) its month and
    day, in place; drop those whose order the notice does not settle, and those inside a page stamp
    (`stamped`: the stamp is read apart). Returns the warnings to show."""
    mentions = [m for sentence in found for m in sentence]
    if not any(m.numeric for m in mentions):
        return []
    for sentence in found:
        sentence[:] = [m for m in sentence if not (m.numeric and stamped(m.start))]
    mentions = [m for sentence in found for m in sentence]
    start, end = span
    ambiguous = [m for m in mentions if m.numeric and m.month <= 12 and m.day <= 12 and m.month != m.day]
    order, why = notice_order(text, start, end, mentions) if ambiguous else (None, "")
    warnings = []
    if ambiguous and order is not None:
        warnings.append(f"numeric dates such as {ambiguous[0].text!r} read {_NAMES[order]}: {why}")
    for sentence in found:
        if not any(m.numeric for m in sentence):
            continue
        kept = []
        for m in sentence:
            if not m.numeric:
                kept.append(m)
                continue
            reading = "dmy" if m.month > 12 else "mdy" if m.day > 12 or m.month == m.day else order
            if reading is None:
                warnings.append(f"numeric date {m.text!r} at {m.start} not read: {why}")
                continue
            month, day = (m.day, m.month) if reading == "dmy" else (m.month, m.day)
            # Built directly: dataclasses.replace costs several times more, once per numeric date.
            kept.append(DateMention(m.start, m.end, month, day, m.year, m.weekday, m.text, m.relative))
        sentence[:] = kept
    return warnings
