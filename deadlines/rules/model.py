"""The validated, immutable form of rule sets, rules and elections."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time
from typing import Any

from deadlines.records import Kind

ELECTION_DAY = "E"
ANCHOR_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
HOLIDAY_POLICIES: tuple[str, ...] = ("none", "next-business-day", "previous-business-day")

# Parts of another rule an offset may count from: `campaign-period.opens-90`.
RULE_PARTS: tuple[str, ...] = ("opens", "closes", "on")
_OFFSET = re.compile(
    r"^\s*(?P<anchor>[A-Za-z][A-Za-z0-9_]*|[a-z0-9]+(?:-[a-z0-9]+)*\.(?:opens|closes|on))"
    r"\s*(?P<sign>[+-])\s*(?P<days>\d{1,4})"
    r"(?:\s+(?P<time>\d{1,2}:\d{2}))?\s*$"
)
_TIME = re.compile(r"^(?P<h>\d{1,2}):(?P<m>\d{2})$")


def parse_time(text: str) -> time | None:
    """`HH:MM` to a time; `24:00` means the end of the day and gives None. Raises ValueError."""
    m = _TIME.match(text.strip())
    if not m:
        raise ValueError(f"expected a time HH:MM, got {text!r}")
    hour, minute = int(m["h"]), int(m["m"])
    if hour == 24 and minute == 0:
        return None
    if hour > 23 or minute > 59:
        raise ValueError(f"expected a time between 00:00 and 24:00, got {text!r}")
    return time(hour, minute)


@dataclass(frozen=True)
class Offset:
    """A day counted from a named anchor: `E-150`, `cause+0`, optionally with a time `E+0 18:00`."""

    anchor: str
    days: int
    time: time | None = None

    @classmethod
    def parse(cls, text: str) -> Offset:
        m = _OFFSET.match(text)
        if not m:
            raise ValueError(
                "expected an offset like 'E-150', 'cause+0', 'E+0 18:00' or"
                f" 'campaign-period.opens-90', got {text!r}"
            )
        days = int(m["days"]) * (-1 if m["sign"] == "-" else 1)
        return cls(anchor=m["anchor"], days=days, time=parse_time(m["time"]) if m["time"] else None)

    @property
    def rule(self) -> tuple[str, str] | None:
        """(rule id, part) when this offset counts from another rule's day, else None."""
        rule_id, dot, part = self.anchor.partition(".")
        return (rule_id, part) if dot else None

    def __str__(self) -> str:
        sign = "-" if self.days < 0 else "+"
        base = f"{self.anchor}{sign}{abs(self.days)}"
        return f"{base} {self.time:%H:%M}" if self.time else base


@dataclass(frozen=True)
class Rule:
    id: str
    title: Mapping[str, str]
    kind: Kind
    audiences: tuple[str, ...]
    citation: str
    opens: Offset | None = None
    closes: Offset | None = None
    description: Mapping[str, str] = field(default_factory=dict)
    local_time: bool = False
    holiday_policy: str | None = None
    # The later of two: the first day (opens, or on) never falls before this one (by-elections:
    # preliminary registration opens at the usual offset or on the cause's day, whichever is later).
    not_before: Offset | None = None
    line: int | None = None
    # Where and how a voter acts: an https page, and a sentence per language (may hold `{link}`).
    action_url: str | None = None
    how: Mapping[str, str] = field(default_factory=dict)


ELECTION_DAY_METHODS: tuple[str, ...] = ("term-end", "by-election", "announced")
GENERAL_KINDS: tuple[str, ...] = ("national-assembly", "local", "presidential", "presidential-vacancy")
OFFICES: tuple[str, ...] = ("head", "council", "assembly")


@dataclass(frozen=True)
class ElectionDayRule:
    """How a rule set's election day follows from the law (Art. 34, 35, 203)."""

    method: str  # term-end, by-election or announced
    citation: str
    days_before: int | None = None  # term-end: first Wednesday on or after term end minus N days
    general: str | None = None  # which general election this is, for the merging of by-elections


@dataclass(frozen=True)
class RuleSet:
    id: str
    name: Mapping[str, str]
    country: str
    timezone: str
    holiday_policy: str
    source: str
    rules: tuple[Rule, ...]
    anchors: tuple[str, ...] = ()
    subdivision: str | None = None
    election_day: ElectionDayRule | None = None
    source_url: str | None = None
    file: str | None = None
    # The validated TOML tables in JSON form, as stored in the database's rule revisions.
    document: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def rule(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)


@dataclass(frozen=True)
class Override:
    """An absolute date replacing what a rule computes, for one election, with its reason."""

    rule: str
    reason: str
    opens: date | None = None
    closes: date | None = None


@dataclass(frozen=True)
class Action:
    """One election's own `action_url` and/or `how` for one rule: each one given replaces the
    rule's, the other is kept from the rule."""

    rule: str
    action_url: str | None = None
    how: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Election:
    id: str
    name: Mapping[str, str]
    ruleset: str
    day: date
    anchors: Mapping[str, date] = field(default_factory=dict)
    overrides: tuple[Override, ...] = ()
    actions: tuple[Action, ...] = ()
    aliases: tuple[str, ...] = ()
    # A day computed from the law (term end or cause), not yet confirmed by staff.
    provisional: bool = False
    term_ends: date | None = None
    office: str | None = None
    # How a computed day was found, one line per step (Art. 34(2) shifts, Art. 203 merges).
    day_steps: tuple[str, ...] = ()
    file: str | None = None
    line: int | None = None
    document: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def anchor_dates(self) -> dict[str, date]:
        return {ELECTION_DAY: self.day, **self.anchors}


@dataclass(frozen=True)
class RuleBook:
    """Every rule set and election loaded from one rules directory (or the database)."""

    rulesets: Mapping[str, RuleSet]
    elections: Mapping[str, Election]

    def election(self, election_id: str) -> Election | None:
        return self.elections.get(election_id)
