"""Reconciliation: extracted drafts matched against the rule-computed deadlines of an election."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from deadlines.extract.model import ExtractedRecord
from deadlines.records import DeadlineRecord
from deadlines.rules.model import Election

Outcome = Literal["confirmed", "conflict", "new", "past"]

_STOP = {
    "the",
    "and",
    "for",
    "with",
    "from",
    "their",
    "who",
    "of",
    "to",
    "in",
    "on",
    "at",
    "by",
    "election",
    "elections",
    "day",
    "days",
    "national",
    "assembly",
    "period",
    "list",
}
# How close the words of a quote and a rule must be to call different dates a conflict
# rather than an unrelated new item.
NEAR_MATCH = 0.75
_RULE_KIND = {"period": "period", "deadline": "deadline", "start": "period", "event": "event"}


@dataclass(frozen=True)
class Match:
    record: ExtractedRecord
    outcome: Outcome
    rule: str | None = None
    rule_dates: tuple[date | None, date | None] = (None, None)
    score: float = 0.0
    message: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome,
            "rule": self.rule,
            "rule_opens": self.rule_dates[0].isoformat() if self.rule_dates[0] else None,
            "rule_closes": self.rule_dates[1].isoformat() if self.rule_dates[1] else None,
            "score": round(self.score, 2),
            "message": self.message,
            "record": self.record.to_json(),
        }


_WORD = re.compile(r"[A-Za-z]{3,}|[가-힣]{2,}")
# A rule key word is found in a quote when a quote word starts with its stem (the first five
# letters, "absence" ~ "absentee"), or for Korean holds its first two syllables.
_STEM = 5


def _words(text: str) -> set[str]:
    words = {w.lower() for w in _WORD.findall(text)}
    return {w for w in words if w not in _STOP}


def _stems(key: str) -> tuple[str, bool]:
    return (key[:_STEM], True) if key.isascii() else (key[:2], False)


@functools.lru_cache(maxsize=1024)
def _keyword_sets(deadline_id: str, titles: tuple[str, ...]) -> list[list[tuple[str, bool]]]:
    # The slug is the curated key ("overseas-absentee-report"); titles catch other wordings.
    sets = [_words(deadline_id.replace("-", " ")), *(_words(t) for t in titles)]
    return [[_stems(key) for key in keys] for keys in sets]


@dataclass(frozen=True)
class _QuoteWords:
    """What a quote's words can match: every 3- to 5-letter prefix of its words, and every pair of
    Korean syllables in them (so each key is one set lookup instead of a walk over the words)."""

    prefixes: frozenset[str]
    pairs: frozenset[str]


def _quote_words(words: set[str]) -> _QuoteWords:
    prefixes = {w[:n] for w in words for n in range(3, _STEM + 1)}
    pairs = {w[i : i + 2] for w in words if not w.isascii() for i in range(len(w) - 1)}
    return _QuoteWords(frozenset(prefixes), frozenset(pairs))


def _share(keys: list[tuple[str, bool]], quote: _QuoteWords) -> float:
    if not keys:
        return 0.0
    hits = sum(1 for stem, ascii_key in keys if stem in (quote.prefixes if ascii_key else quote.pairs))
    return hits / len(keys)


def _similarity(quote: _QuoteWords, deadline: DeadlineRecord) -> float:
    keyword_sets = _keyword_sets(deadline.id, tuple(deadline.title.values()))
    return max(_share(keys, quote) for keys in keyword_sets)


def similarity(quote: str, deadline: DeadlineRecord) -> float:
    """Best share of a rule's key words found in the quote; prefixes match ("absence" ~ "absentee")."""
    return _similarity(_quote_words(_words(quote)), deadline)


@functools.lru_cache(maxsize=256)
def _headline_words(headline: str) -> frozenset[str]:
    return frozenset(_words(headline))


def _same_dates(record: ExtractedRecord, deadline: DeadlineRecord) -> bool:
    if record.kind == "period":
        return record.starts == deadline.opens and record.ends == deadline.closes
    if record.kind == "deadline":
        return record.ends == deadline.closes
    if record.kind == "start":
        return record.starts == deadline.opens
    return record.starts in (deadline.opens, deadline.closes)


def _compatible(record: ExtractedRecord, deadline: DeadlineRecord) -> bool:
    if record.kind == "period":
        return deadline.kind == "period"
    if record.kind == "deadline":
        return deadline.closes is not None
    if record.kind == "start":
        return deadline.opens is not None
    return True


def _fmt(deadline: DeadlineRecord) -> str:
    if deadline.kind == "period":
        return f"{deadline.opens} to {deadline.closes}"
    return str(deadline.closes or deadline.opens)


def _fmt_record(record: ExtractedRecord) -> str:
    if record.kind == "period":
        return f"{record.starts} to {record.ends}"
    return str(record.ends or record.starts)


def reconcile_one(record: ExtractedRecord, deadlines: Sequence[DeadlineRecord]) -> Match:
    if record.past:
        return Match(record, "past", message="past event: kept for the record, never reminded")
    # Rank by the sentence's own words first: a page headline often names a neighbouring item.
    own = _words(record.quote)
    quote = _quote_words(own)
    with_headline = _quote_words(own | _headline_words(record.headline or "")) if record.headline else quote
    scored = sorted(
        (
            (
                _similarity(quote, d),
                d.kind == _RULE_KIND[record.kind],
                _similarity(with_headline, d),
                d,
            )
            for d in deadlines
        ),
        key=lambda t: (-t[0], not t[1], -t[2], t[3].id),
    )
    exact = [(s, d) for s, _k, _h, d in scored if _compatible(record, d) and _same_dates(record, d)]
    if exact and (exact[0][0] > 0 or len(exact) == 1):
        score, d = exact[0]
        return Match(
            record, "confirmed", d.id, (d.opens, d.closes), score, f"confirms rule {d.id} ({_fmt(d)})"
        )
    near = [(s, d) for s, _k, _h, d in scored if s >= NEAR_MATCH and _compatible(record, d)]
    if near:
        score, d = near[0]
        return Match(
            record,
            "conflict",
            d.id,
            (d.opens, d.closes),
            score,
            f"notice says {_fmt_record(record)} but rule {d.id} gives {_fmt(d)}",
        )
    return Match(record, "new", message="no matching rule")


def reconcile(records: Iterable[ExtractedRecord], deadlines: Sequence[DeadlineRecord]) -> list[Match]:
    return [reconcile_one(r, deadlines) for r in records]


def guess_election(
    text: str, elections: Iterable[Election], published: date | None = None
) -> Election | None:
    """The election a notice is about: by an alias or name in the text, else the next one due."""
    candidates = list(elections)
    lowered = text.lower()
    named = [
        e for e in candidates if any(alias.lower() in lowered for alias in (*e.aliases, *e.name.values()))
    ]
    if len(named) >= 1:
        return sorted(named, key=lambda e: e.day)[0]
    if published is not None:
        upcoming = [e for e in candidates if e.day >= published]
        if upcoming:
            return min(upcoming, key=lambda e: e.day)
    return None
