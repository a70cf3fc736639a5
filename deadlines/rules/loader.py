"""Reads rule files (TOML) and validates them into a RuleBook, reporting every error at once."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from deadlines.errors import RuleError, RuleErrors
from deadlines.rules.actions import ACTION_FIELDS, action_errors
from deadlines.rules.dayresolve import resolve_days
from deadlines.rules.fields import FileChecker
from deadlines.rules.model import Election, RuleBook, RuleSet
from deadlines.rules.tables import (
    ELECTION_DAY_FIELDS,
    ELECTION_FIELDS,
    OVERRIDE_FIELDS,
    RULE_FIELDS,
    RULESET_FIELDS,
    TOP_FIELDS,
    check_election,
    check_ruleset,
)

__all__ = [
    "ACTION_FIELDS",
    "ELECTION_DAY_FIELDS",
    "ELECTION_FIELDS",
    "OVERRIDE_FIELDS",
    "RULESET_FIELDS",
    "RULE_FIELDS",
    "Parsed",
    "build_rulebook",
    "evaluation_errors",
    "load_rules",
    "parse_rules_data",
    "parse_rules_text",
    "rulebook_from_documents",
]

_TOML_LINE = re.compile(r"at line (\d+)")


def jsonable(value: Any) -> Any:
    """TOML data to JSON data: dates become ISO strings, which the validators accept back."""
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


@dataclass
class Parsed:
    """What one document yielded: the valid parts, every error, and rule sets that failed."""

    rulesets: list[RuleSet] = field(default_factory=list)
    elections: list[Election] = field(default_factory=list)
    errors: list[RuleError] = field(default_factory=list)
    broken: set[str] = field(default_factory=set)


def parse_rules_text(text: str, file: str) -> Parsed:
    """Validate one TOML document; returns what was valid and every error found."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        m = _TOML_LINE.search(str(e))
        return Parsed(errors=[RuleError(f"malformed TOML: {e}", file=file, line=int(m[1]) if m else None)])
    except RecursionError:
        # tomllib recurses once per level of nested arrays or tables: thousands of `[` would
        # otherwise end in a traceback thousands of lines long.
        return Parsed(errors=[RuleError("malformed TOML: arrays or tables nested too deeply", file=file)])
    return parse_rules_data(data, file, text)


def parse_rules_data(data: Mapping[str, Any], file: str, text: str = "") -> Parsed:
    """Validate parsed rule data (from a file, or a document stored in the database)."""
    c = FileChecker(file, text)
    for key in data:
        if key not in TOP_FIELDS:
            c.error(
                None, key, f"unknown top-level field {key!r}; expected [ruleset], [[rule]] or [[election]]"
            )
    rulesets: list[RuleSet] = []
    if "ruleset" in data:
        rs = check_ruleset(c, data["ruleset"], data.get("rule"))
        if rs:
            document = jsonable({"ruleset": data["ruleset"], "rule": data.get("rule", [])})
            rulesets.append(replace(rs, document=document))
    elif "rule" in data:
        c.error(None, "rule", "[[rule]] tables need a [ruleset] table in the same file")
    elections: list[Election] = []
    raw_elections = data.get("election", [])
    if not isinstance(raw_elections, list):
        c.error(None, "election", "expected [[election]] tables")
        raw_elections = []
    for i, table in enumerate(raw_elections):
        election = check_election(c, table, i)
        if election:
            elections.append(replace(election, document=jsonable(table)))
    return Parsed(rulesets, elections, c.errors, c.broken)


def build_rulebook(
    rulesets: Iterable[RuleSet],
    elections: Iterable[Election],
    broken: set[str] | frozenset[str] = frozenset(),
) -> tuple[RuleBook, list[RuleError]]:
    """Cross-file checks: duplicate ids, elections naming unknown rule sets, rules or anchors."""
    errors: list[RuleError] = []
    by_id: dict[str, RuleSet] = {}
    for rs in rulesets:
        if rs.id in by_id:
            errors.append(
                RuleError(
                    f"duplicate ruleset id {rs.id!r} (also in {by_id[rs.id].file})",
                    file=rs.file,
                    item=f"ruleset {rs.id}",
                    field="id",
                )
            )
            continue
        by_id[rs.id] = rs
    elections_by_id: dict[str, Election] = {}
    # Elections given by term end or cause get the day the law sets (provisional until confirmed).
    resolved, day_errors = resolve_days(list(elections), by_id)
    errors += day_errors
    for e in resolved:

        def err(field: str, message: str, e: Election = e) -> None:
            errors.append(RuleError(message, file=e.file, line=e.line, item=f"election {e.id}", field=field))

        if e.id in elections_by_id:
            err("id", f"duplicate election id {e.id!r} (also in {elections_by_id[e.id].file})")
            continue
        named = by_id.get(e.ruleset)
        if named is None and e.ruleset in broken:
            continue
        if named is None:
            known = ", ".join(sorted(by_id)) or "none loaded"
            err("ruleset", f"unknown ruleset {e.ruleset!r}; expected one of: {known}")
            continue
        rs = named
        for anchor in e.anchors:
            if anchor not in rs.anchors:
                err(
                    "anchors",
                    f"unknown anchor {anchor!r}; ruleset {rs.id} uses: {', '.join(rs.anchors) or 'none'}",
                )
        for needed in rs.anchors:
            if needed not in e.anchors:
                err("anchors", f"missing anchor {needed!r} required by ruleset {rs.id}")
        for o in e.overrides:
            if rs.rule(o.rule) is None:
                err("overrides", f"override names unknown rule {o.rule!r} of ruleset {rs.id}")
        for problem in action_errors(rs, e.actions):
            err("actions", problem)
        elections_by_id[e.id] = e
    return RuleBook(rulesets=by_id, elections=elections_by_id), errors


def load_rules(directory: str | Path) -> RuleBook:
    """Load and validate every `*.toml` under a directory; raise RuleErrors listing all problems."""
    root = Path(directory)
    if not root.is_dir():
        raise RuleErrors([RuleError(f"rules directory not found: {root}")])
    files = sorted(root.glob("*.toml"))
    if not files:
        raise RuleErrors([RuleError(f"no *.toml rule files in {root}")])
    everything = Parsed()
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            everything.errors.append(RuleError(f"cannot read file: {e}", file=str(path)))
            continue
        _merge(everything, parse_rules_text(text, str(path)))
    errors = everything.errors
    book, cross_errors = build_rulebook(everything.rulesets, everything.elections, everything.broken)
    errors += cross_errors
    if not errors:
        errors = evaluation_errors(book)
    if errors:
        raise RuleErrors(errors)
    return book


def evaluation_errors(book: RuleBook) -> list[RuleError]:
    """Evaluate every election once: a window that closes before it opens across anchors (cause
    vs election day) only shows once the dates are known."""
    from deadlines.rules.evaluate import evaluate_election

    errors: list[RuleError] = []
    for election in book.elections.values():
        try:
            evaluate_election(book, election.id)
        except RuleError as e:
            errors.append(e)
    return errors


def rulebook_from_documents(documents: Iterable[tuple[str, Mapping[str, Any], str | None]]) -> RuleBook:
    """Rebuild and re-validate a RuleBook from stored (kind, document, file) rows."""
    everything = Parsed()
    for kind, document, file in documents:
        data = document if kind == "ruleset" else {"election": [document]}
        _merge(everything, parse_rules_data(data, file or f"<database {kind}>"))
    book, cross = build_rulebook(everything.rulesets, everything.elections, everything.broken)
    if everything.errors or cross:
        raise RuleErrors(everything.errors + cross)
    return book


def _merge(into: Parsed, part: Parsed) -> None:
    into.rulesets += part.rulesets
    into.elections += part.elections
    into.errors += part.errors
    into.broken |= part.broken
