"""Who the visitor is ("I live abroad", "I am a candidate" ...), remembered in a cookie, and how
that orders what the pages show: their own deadlines first, the rest after. Pure."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import TypeVar

from deadlines.records import DeadlineRecord
from deadlines.web.timeline import Row, next_deadlines

AUDIENCE_COOKIE = "who"
# The choices, in the order the pages offer them, and the rule audiences each one reads first.
# Everyone gets the deadlines for "all" too. No choice means a voter, at home or abroad: the
# site is for voters first, so candidates' and officials' deadlines never lead for them.
CHOICES: tuple[str, ...] = ("overseas", "domestic", "candidates", "media", "officials")
VOTERS: frozenset[str] = frozenset({"overseas", "domestic", "all"})
LABELS = {
    "en": {
        "overseas": "I live abroad",
        "domestic": "I live in Korea",
        "candidates": "I am a candidate",
        "media": "Media",
        "officials": "Public officials",
        "question": "Show deadlines for",
        "yours": "Your deadlines",
        "others": "Other deadlines",
        "next": "Next deadlines for you",
        "voters": "voters",
    },
    "ko": {
        "overseas": "해외에 살아요",
        "domestic": "국내에 살아요",
        "candidates": "후보자예요",
        "media": "언론",
        "officials": "공무원",
        "question": "누구의 일정을 먼저 볼까요",
        "yours": "나의 일정",
        "others": "다른 일정",
        "next": "나의 다음 마감",
        "voters": "유권자",
    },
}
T = TypeVar("T")


def chosen(value: str | None) -> str | None:
    """The cookie's choice, or None when it is missing or not one of the choices."""
    return value if value in CHOICES else None


def audiences_for(who: str | None) -> frozenset[str]:
    return VOTERS if who is None else frozenset({who, "all"})


def is_for(record: DeadlineRecord, who: str | None) -> bool:
    return not audiences_for(who).isdisjoint(record.audiences)


def split(
    items: Iterable[T], who: str | None, record: Callable[[T], DeadlineRecord]
) -> tuple[list[T], list[T]]:
    """(the visitor's, the others), each in the order given."""
    mine: list[T] = []
    others: list[T] = []
    for item in items:
        (mine if is_for(record(item), who) else others).append(item)
    return mine, others


def first(items: Sequence[T], who: str | None, record: Callable[[T], DeadlineRecord]) -> list[T]:
    """The visitor's own first, then the rest, each in the order given."""
    mine, others = split(items, who, record)
    return mine + others


def soonest(rows: Sequence[Row], now: datetime, count: int = 3) -> list[Row]:
    """The rows still open, soonest close first: what "next deadlines for you" lists."""
    by_id = {row.record.id: row for row in rows}
    return [by_id[r.id] for r in next_deadlines([row.record for row in rows], now, count)]


def signup_first(who: str | None) -> bool:
    """Voters (and visitors who have not said) get the sign-up form near the top of an election's
    page: reminders are what they came for, and on a phone the candidates' and officials'
    deadlines would otherwise push it 9,000 px down."""
    return who in (None, "overseas", "domestic")


def ordered_choices(who: str | None, choices: Sequence[str]) -> list[str]:
    """The sign-up form's audience boxes with the visitor's own first."""
    return sorted(choices, key=lambda a: a != who)
