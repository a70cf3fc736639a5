"""Staff edits of one election or one rule, as new rule documents validated like files. Pure."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from deadlines.errors import RuleError, RuleErrors
from deadlines.rules.loader import evaluation_errors, rulebook_from_documents
from deadlines.rules.model import RuleBook

Key = tuple[str, str]  # (kind, key): ("election", id) or ("ruleset", id)


@dataclass(frozen=True)
class OverrideInput:
    rule: str
    opens: str
    closes: str
    reason: str

    def empty(self) -> bool:
        return not (self.rule or self.opens or self.closes or self.reason)


def edit_election(
    document: Mapping[str, Any], *, day: str, anchors: Mapping[str, str], overrides: Iterable[OverrideInput]
) -> dict[str, Any]:
    """The election document with a new day, anchors and overrides; other fields kept as they are.

    A blank day on an election whose day is computed (from its term or cause) keeps it computed
    and provisional; a day given confirms it."""
    new = copy.deepcopy(dict(document))
    if day.strip() or "day" in new:
        new["day"] = day.strip()
    kept = {k: v.strip() for k, v in anchors.items() if v.strip()}
    if kept:
        new["anchors"] = kept
    else:
        new.pop("anchors", None)
    tables = []
    for o in overrides:
        if o.empty():
            continue
        table: dict[str, Any] = {"rule": o.rule.strip()}
        if o.opens.strip():
            table["opens"] = o.opens.strip()
        if o.closes.strip():
            table["closes"] = o.closes.strip()
        table["reason"] = o.reason.strip()
        tables.append(table)
    if tables:
        new["overrides"] = tables
    else:
        new.pop("overrides", None)
    return new


RULE_FORM_FIELDS = ("opens", "closes", "on", "hours", "title_en", "title_ko", "citation")


def edit_rule(document: Mapping[str, Any], rule_id: str, values: Mapping[str, str]) -> dict[str, Any]:
    """The rule set document with one rule's offsets, times and titles changed."""
    new = copy.deepcopy(dict(document))
    rules = new.get("rule", [])
    rule = next((r for r in rules if isinstance(r, dict) and r.get("id") == rule_id), None)
    if rule is None:
        raise RuleErrors([RuleError(f"no rule {rule_id!r} in this rule set", field="id")])
    for name in ("opens", "closes", "on", "hours", "citation"):
        if name not in values:
            continue
        value = values[name].strip()
        if value:
            rule[name] = value
        else:
            rule.pop(name, None)
    title = dict(rule.get("title", {}))
    for lang in ("en", "ko"):
        if f"title_{lang}" in values:
            title[lang] = values[f"title_{lang}"].strip()
    rule["title"] = title
    return new


def replaced(
    documents: Mapping[Key, tuple[Mapping[str, Any], str | None]], key: Key, document: Mapping[str, Any]
) -> RuleBook:
    """Validates the live documents with one replaced, exactly as `rules apply` validates files.

    Raises RuleErrors; every election is evaluated, so a change that makes a window close before
    it opens is caught here, not after publishing."""
    merged = dict(documents)
    merged[key] = (document, documents[key][1] if key in documents else None)
    book = rulebook_from_documents((kind, doc, file) for (kind, _), (doc, file) in merged.items())
    errors = evaluation_errors(book)
    if errors:
        raise RuleErrors(errors)
    return book


def field_errors(error: RuleErrors | RuleError, fields: Sequence[str]) -> dict[str, str]:
    """Errors keyed by the form field they belong to; others under "" (shown above the form)."""
    out: dict[str, str] = {}
    for e in error.errors if isinstance(error, RuleErrors) else [error]:
        name = e.field if e.field is not None and e.field in fields else ""
        message = e.message if name else str(e)
        out[name] = f"{out[name]}; {message}" if name in out else message
    return out
