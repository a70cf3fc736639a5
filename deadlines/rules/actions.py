"""How a voter acts on a deadline: validating `action_url`, `how` and per-election `actions`,
the merging is in evaluate.py. Pure.

Per rule, `action_url` (an https page) and `how` (`{ en, ko }`, may say `{link}`) are the
defaults for every election of the rule set. An election's `actions = [{ rule = "...",
action_url = "...", how = { en, ko } }]` replaces, for that election, each of the two it gives
and keeps the rule's other one (a new page for one election, the same sentence).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from deadlines.rules import fields as f
from deadlines.rules.fields import FileChecker
from deadlines.rules.model import Action, Rule, RuleSet
from deadlines.rules.wording import LINK, OWN_PARTS, placeholder_error

ACTION_FIELDS = {"rule", "action_url", "how"}


def check_wording(c: FileChecker, rules: Iterable[Rule], tables: Any) -> None:
    """Placeholders in descriptions and `how` name days the rule set has; `{link}` has a URL.
    `tables`: the raw [[rule]] tables, so a rule that failed validation gives no second error."""
    checked = list(rules)
    kinds = {r.id: r.kind for r in checked}
    named = {t.get("id") for t in tables if isinstance(t, dict)} if isinstance(tables, list) else set()
    broken = {str(i) for i in named if i not in kinds}
    for rule in checked:
        own = OWN_PARTS[rule.kind]
        for name, texts, link in (("description", rule.description, False), ("how", rule.how, True)):
            for lang, text in texts.items():
                problem = placeholder_error(text, own, kinds, link=link, broken=broken)
                if problem:
                    c.error(f"rule {rule.id}", name, f"{lang}: {problem}", rule.id)
        if any(LINK in text for text in rule.how.values()) and rule.action_url is None:
            c.error(f"rule {rule.id}", "how", "says {link} but the rule has no action_url", rule.id)


def check_actions(c: FileChecker, value: Any, item: str, key: str | None) -> tuple[Action, ...]:
    """An election's `actions` list; the rules they name are checked with the rule set (loader)."""
    if not isinstance(value, list):
        c.error(
            item,
            "actions",
            f"expected a list of {{ rule = ..., action_url = ..., how = ... }}, got {value!r}",
            key,
        )
        return ()
    out: list[Action] = []
    for table in value:
        if not isinstance(table, dict):
            c.error(
                item, "actions", f"expected a table {{ rule = ..., action_url = ... }}, got {table!r}", key
            )
            continue
        c.unknown_fields(table, ACTION_FIELDS, item + " action", key)
        rule = c.get(table, "rule", f.slug, item, key)
        url = c.get(table, "action_url", f.https_url, item, key, required=False)
        how = c.get(table, "how", f.languages, item, key, required=False) or {}
        if "action_url" not in table and "how" not in table:
            c.error(item, "actions", f"action for rule {rule!r} gives neither action_url nor how", key)
            continue
        if rule is not None and (url is not None or how):
            out.append(Action(rule=rule, action_url=url, how=how))
    return tuple(out)


def action_errors(rs: RuleSet, actions: Iterable[Action]) -> list[str]:
    """What is wrong with an election's actions against its rule set (unknown rules, placeholders)."""
    problems: list[str] = []
    kinds = {r.id: r.kind for r in rs.rules}
    for a in actions:
        rule = rs.rule(a.rule)
        if rule is None:
            problems.append(f"action names unknown rule {a.rule!r} of ruleset {rs.id}")
            continue
        for lang, text in a.how.items():
            problem = placeholder_error(text, OWN_PARTS[rule.kind], kinds, link=True)
            if problem:
                problems.append(f"action for rule {a.rule}: how: {lang}: {problem}")
        if any(LINK in t for t in a.how.values()) and (a.action_url or rule.action_url) is None:
            problems.append(f"action for rule {a.rule}: how says {{link}} but there is no action_url")
    return problems
