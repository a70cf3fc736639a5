"""Words for voters in rule files: `{opens}`-style date placeholders and the `{link}` of a `how`. Pure.

A description or `how` written for voters says "You can register from {opens}" rather than
"Accepted from E-150": the placeholder is filled with the record's own date (after overrides),
so the text follows when a date moves. Placeholders:

- `{opens}`, `{closes}` (periods), `{closes}` (deadlines), `{on}` (events): this rule's days;
- `{rule-id.opens}`, `{rule-id.closes}`, `{rule-id.on}`: another rule of the same rule set;
- `{link}` (in `how` only): the rule's `action_url`, a link on pages, the address in text.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from datetime import date

PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
LINK = "{link}"
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
OWN_PARTS: Mapping[str, tuple[str, ...]] = {
    "period": ("opens", "closes"),
    "deadline": ("closes",),
    "event": ("on",),
}


def placeholders(text: str) -> list[str]:
    return PLACEHOLDER.findall(text)


def day_words(day: date, lang: str) -> str:
    """`12 Nov 2027` / `2027년 11월 12일`: a date as a sentence says it."""
    if lang == "ko":
        return f"{day.year}년 {day.month}월 {day.day}일"
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def placeholder_error(
    text: str, own: Collection[str], rules: Mapping[str, str], *, link: bool, broken: Collection[str] = ()
) -> str | None:
    """Why `text` names a placeholder it cannot have, or None. `own`: this rule's parts;
    `rules`: the kind of every rule of the set by id; `link`: whether `{link}` is allowed;
    `broken`: rules that failed validation (already reported: no second error about them)."""
    for name in placeholders(text):
        if name == "link" and link:
            continue
        if name in own:
            continue
        rule_id, dot, part = name.partition(".")
        if dot and rule_id in broken:
            continue
        kind = rules.get(rule_id) if dot else None
        if kind is not None and part in OWN_PARTS[kind]:
            continue
        allowed = [f"{{{p}}}" for p in own] + (["{link}"] if link else []) + ["{rule-id.opens}"]
        if kind is not None:
            return f"rule {rule_id} is a {kind}: it has {', '.join('.' + p for p in OWN_PARTS[kind])}"
        return f"unknown placeholder {{{name}}}; expected {', '.join(allowed)} (another rule's day)"
    return None


def fill(text: str, lang: str, days: Mapping[str, date | None], link: str | None = None) -> str:
    """Replace the date placeholders by the days (`opens`, `rule-id.closes`, ...) in `lang`;
    `{link}` by `link` when given, else it stays for the page to make an anchor of."""

    def one(m: re.Match[str]) -> str:
        name = m[1]
        if name == "link":
            return link if link is not None else m[0]
        day = days.get(name)
        return day_words(day, lang) if day is not None else m[0]

    return PLACEHOLDER.sub(one, text)
