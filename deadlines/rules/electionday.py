"""Election days from the law: Art. 34 (term end), Art. 35(2) (by-elections), Art. 203 (merging).

Pure: the dates in, the day and the steps that led to it out. Holidays come from the `holidays`
package, the only outside knowledge; past election days listed there as holidays never count
as a holiday beside the day being computed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays

WEDNESDAY = 2
# By-election offices: heads of local government (and education superintendents) are elected
# twice a year; National Assembly and local council seats once a year (Art. 35(2)1).
TWICE_A_YEAR = "head"


@dataclass(frozen=True)
class General:
    """A general election that by-elections may be merged into (Art. 203)."""

    kind: str  # national-assembly, local, presidential, presidential-vacancy
    day: date
    id: str = ""
    cause: date | None = None  # presidential-vacancy: the day the vacancy was finalised


@dataclass(frozen=True)
class Shift:
    """One Art. 34(2) move: the Wednesday, the holiday that moved it and where it went."""

    wednesday: date
    holiday: date
    name: str
    to: date


@dataclass(frozen=True)
class ElectionDay:
    day: date
    raw: date  # the Wednesday before any holiday shift or merge
    steps: tuple[str, ...]
    shifts: tuple[Shift, ...] = ()
    merged_into: General | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "day": self.day.isoformat(),
            "raw_wednesday": self.raw.isoformat(),
            "shifts": [
                {
                    "wednesday": s.wednesday.isoformat(),
                    "holiday": s.holiday.isoformat(),
                    "name": s.name,
                    "to": s.to.isoformat(),
                }
                for s in self.shifts
            ],
            "merged_into": (
                {"kind": self.merged_into.kind, "id": self.merged_into.id or None}
                if self.merged_into
                else None
            ),
            "steps": list(self.steps),
        }


@lru_cache(maxsize=256)
def _holidays(country: str, year: int) -> dict[date, str]:
    calendar = holidays.country_holidays(country, years=range(year - 1, year + 2), language="en_US")
    return {day: str(name) for day, name in calendar.items()}


def _holiday_name(day: date, country: str, wednesday: date) -> str | None:
    """The holiday on `day`, if any. Election days the package lists (it lists past and expected
    ones) are not holidays of the Wednesday being computed: that day is the election itself."""
    name = _holidays(country, day.year).get(day)
    if name is None:
        return None
    if day == wednesday:
        kept = [n for n in name.split("; ") if "Election Day" not in n]
        return "; ".join(kept) or None
    return name


def first_wednesday_on_or_after(day: date) -> date:
    return day + timedelta(days=(WEDNESDAY - day.weekday()) % 7)


def holiday_shift(wednesday: date, country: str = "KR") -> tuple[date, tuple[Shift, ...]]:
    """Art. 34(2): a Wednesday that is a public holiday or folk festival day, or whose day before
    or after is a public holiday, becomes the next week's Wednesday; applied again to that one
    (10 Oct 2024 by-elections: 2 Oct sat between Armed Forces Day and Foundation Day, 9 Oct was
    Hangul Day; the election was held on 16 Oct)."""
    shifts: list[Shift] = []
    day = wednesday
    for _ in range(10):
        blocking = next(
            (
                (d, name)
                for d in (day, day - timedelta(days=1), day + timedelta(days=1))
                if (name := _holiday_name(d, country, day)) is not None
            ),
            None,
        )
        if blocking is None:
            return day, tuple(shifts)
        moved = day + timedelta(days=7)
        shifts.append(Shift(day, blocking[0], blocking[1], moved))
        day = moved
    raise ValueError(f"no Wednesday free of holidays within ten weeks of {wednesday}")


def _shift_steps(shifts: Sequence[Shift]) -> list[str]:
    steps = []
    for s in shifts:
        where = "is" if s.holiday == s.wednesday else f"is next to {s.holiday:%a %Y-%m-%d},"
        steps.append(
            f"{s.wednesday:%a %Y-%m-%d} {where} a public holiday ({s.name}):"
            f" moved to the next week's Wednesday {s.to:%a %Y-%m-%d} (Art. 34(2))"
        )
    return steps


def term_end_day(term_ends: date, days_before: int, country: str = "KR") -> ElectionDay:
    """Art. 34(1): the first Wednesday on or after `days_before` days before the term ends."""
    start = term_ends - timedelta(days=days_before)
    raw = first_wednesday_on_or_after(start)
    day, shifts = holiday_shift(raw, country)
    steps = [
        f"term ends {term_ends:%a %Y-%m-%d}; minus {days_before} days = {start:%a %Y-%m-%d} (Art. 34(1))",
        f"first Wednesday on or after it: {raw:%a %Y-%m-%d}",
        *_shift_steps(shifts),
    ]
    if not shifts:
        steps.append("no public holiday on it or beside it (Art. 34(2))")
    steps.append(f"election day: {day:%a %Y-%m-%d}")
    return ElectionDay(day, raw, tuple(steps), shifts)


def _round(cause: date, office: str) -> tuple[date, str]:
    """The first day of the by-election month a cause falls into (Art. 35(2)1)."""
    if office == TWICE_A_YEAR:
        if 3 <= cause.month <= 8:
            return date(cause.year, 10, 1), "cause from 1 Mar to 31 Aug: first Wednesday of October"
        year = cause.year + 1 if cause.month >= 9 else cause.year
        return date(year, 4, 1), "cause from 1 Sep to the end of Feb: first Wednesday of April"
    if cause.month >= 3:
        return date(cause.year + 1, 4, 1), "cause from 1 Mar: first Wednesday of April of the next year"
    return date(cause.year, 4, 1), "cause in Jan or Feb: first Wednesday of April of this year"


def _merge(cause: date, regular: date, generals: Sequence[General]) -> tuple[General, str] | None:
    """Art. 203: the general election a by-election is held with, if any (earliest first)."""
    candidates: list[tuple[General, str]] = []
    for g in generals:
        y = g.day.year
        if g.kind == "presidential" and regular.year == y and cause <= date(y, 1, 31) and g.day <= regular:
            candidates.append((g, "presidential term-end year, cause finalised by 31 Jan (Art. 203)"))
        elif g.kind == "national-assembly" and regular.year == y and regular.month == 4:
            candidates.append((g, "general election year: April by-elections held on its day (Art. 203)"))
        elif g.kind == "local" and cause <= date(y, 4, 30) and regular >= date(y, 4, 1):
            candidates.append((g, "nationwide local election year, cause finalised by 30 Apr (Art. 203)"))
        elif (
            g.kind == "presidential-vacancy"
            and g.cause is not None
            and cause <= g.day <= regular
            and g.cause < regular - timedelta(days=20)
        ):
            candidates.append((g, "presidential vacancy election called before registration (Art. 203)"))
    return min(candidates, key=lambda c: c[0].day) if candidates else None


def by_election_day(
    cause: date, office: str, generals: Sequence[General] = (), country: str = "KR"
) -> ElectionDay:
    """The day of a by-election whose cause was finalised on `cause` (Art. 35(2)1, 34(2), 203)."""
    month, why = _round(cause, office)
    raw = first_wednesday_on_or_after(month)
    regular, shifts = holiday_shift(raw, country)
    steps = [
        f"cause finalised {cause:%a %Y-%m-%d}, office {office}: {why} (Art. 35(2)1)",
        f"first Wednesday of {month:%B %Y}: {raw:%a %Y-%m-%d}",
        *_shift_steps(shifts),
    ]
    merged = _merge(cause, regular, generals)
    if merged is None:
        steps.append(f"election day: {regular:%a %Y-%m-%d}")
        return ElectionDay(regular, raw, tuple(steps), shifts)
    general, reason = merged
    name = f" {general.id}" if general.id else ""
    steps.append(f"held with the {general.kind} election{name} on {general.day:%a %Y-%m-%d}: {reason}")
    steps.append(f"election day: {general.day:%a %Y-%m-%d}")
    return ElectionDay(general.day, raw, tuple(steps), shifts, general)
