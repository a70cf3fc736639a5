"""Holiday policies: moving a computed date off weekends and public holidays, or not at all."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache
from typing import Any

import holidays


@lru_cache(maxsize=64)
def _calendar(country: str, subdivision: str | None, year: int) -> Any:
    # Three years around the date: a move across New Year needs the neighbouring year's holidays.
    return holidays.country_holidays(country, subdiv=subdivision, years=range(year - 1, year + 2))


def is_business_day(day: date, country: str, subdivision: str | None = None) -> bool:
    return day.weekday() < 5 and day not in _calendar(country, subdivision, day.year)


def apply_policy(day: date, policy: str, country: str, subdivision: str | None = None) -> date:
    """`none` keeps the day (Korean election law); the others step to the nearest business day."""
    if policy == "none":
        return day
    step = timedelta(days=1 if policy == "next-business-day" else -1)
    if policy not in ("next-business-day", "previous-business-day"):
        raise ValueError(f"unknown holiday policy {policy!r}")
    while not is_business_day(day, country, subdivision):
        day += step
    return day
