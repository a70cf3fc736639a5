"""Reads rule files (TOML) and validates them into a RuleBook, reporting every error at once."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from deadlines.errors import RuleError, RuleErrors
from deadlines.records import AUDIENCES, KINDS, LANGUAGES
from deadlines.rules.evaluate import FIRST_DAY, LAST_DAY
from deadlines.rules.model import (
    ANCHOR_NAME,
    ELECTION_DAY,
    HOLIDAY_POLICIES,
    SLUG,
    Election,
    Offset,
    Override,
    Rule,
    RuleBook,
    RuleSet,
    parse_time,
)

T = TypeVar("T")

TOP_FIELDS = {"ruleset", "rule", "election"}
RULESET_FIELDS = {
    "id",
    "name",
    "country",
    "subdivision",
    "timezone",
    "holiday_policy",
    "source",
    "source_url",
    "anchors",
}
RULE_FIELDS = {
    "id",
    "title",
    "description",
    "audiences",
    "kind",
    "opens",
    "closes",
    "on",
    "hours",
    "local_time",
    "citation",
    "holiday_policy",
    "notes",
}
ELECTION_FIELDS = {"id", "name", "ruleset", "day", "anchors", "overrides", "aliases", "notes"}
OVERRIDE_FIELDS = {"rule", "opens", "closes", "on", "reason"}

_TOML_LINE = re.compile(r"at line (\d+)")


class _Locator:
    """Finds the line of a field inside the table whose `id` is given: tomllib keeps no positions."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()

    def line_of(self, item_id: str | None, field: str | None = None) -> int | None:
        start = 0
        if item_id is not None:
            pattern = re.compile(rf"""^\s*id\s*=\s*["']{re.escape(item_id)}["']""")
            found = next((i for i, line in enumerate(self.lines) if pattern.match(line)), None)
            if found is None:
                return None
            start = found
            # Search back to the table header so fields written before `id` are found too.
            while start > 0 and not self.lines[start].lstrip().startswith("["):
                start -= 1
        if field is None:
            return start + 1
        key = re.compile(rf"^\s*{re.escape(field)}\s*=")
        for i in range(start, len(self.lines)):
            if i > start and self.lines[i].lstrip().startswith("["):
                break
            if key.match(self.lines[i]):
                return i + 1
        return start + 1 if item_id is not None else None


class _FileChecker:
    """Validates the tables of one file, collecting errors instead of stopping at the first."""

    def __init__(self, file: str, text: str) -> None:
        self.file = file
        self.locate = _Locator(text)
        self.errors: list[RuleError] = []
        # Ids of rule sets that failed validation: elections naming them get no second error.
        self.broken: set[str] = set()

    def error(self, item: str | None, field: str | None, message: str, item_id: str | None = None) -> None:
        self.errors.append(
            RuleError(
                message,
                file=self.file,
                line=self.locate.line_of(item_id, field),
                item=item,
                field=field,
            )
        )

    def unknown_fields(
        self, table: Mapping[str, Any], allowed: set[str], item: str, item_id: str | None
    ) -> None:
        for key in table:
            if key not in allowed:
                self.error(
                    item, key, f"unknown field {key!r}; expected one of {', '.join(sorted(allowed))}", item_id
                )

    def get(
        self,
        table: Mapping[str, Any],
        field: str,
        convert: Callable[[Any], T],
        item: str,
        item_id: str | None,
        *,
        required: bool = True,
    ) -> T | None:
        if field not in table:
            if required:
                self.error(item, field, "missing required field", item_id)
            return None
        try:
            return convert(table[field])
        except (ValueError, TypeError) as e:
            self.error(item, field, str(e), item_id)
            return None


def _string(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"expected a non-empty string, got {value!r}")
    return value.strip()


def _slug(value: Any) -> str:
    text = _string(value)
    if not SLUG.match(text):
        raise ValueError(f"expected a lower-case slug like 'overseas-voting', got {value!r}")
    return text


def _languages(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        raise ValueError(f"expected a table with keys en and ko, got {value!r}")
    extra = set(value) - set(LANGUAGES)
    if extra:
        raise ValueError(f"unknown language {sorted(extra)[0]!r}; expected en and ko")
    missing = [lang for lang in LANGUAGES if lang not in value]
    if missing:
        raise ValueError(f"missing language {missing[0]!r}; expected both en and ko")
    return {lang: _string(value[lang]) for lang in LANGUAGES}


def _titles(value: Any) -> dict[str, str]:
    """Names and titles end up in email subjects and calendar summaries: one line each."""
    titles = _languages(value)
    for lang, text in titles.items():
        if any(c in text for c in "\r\n\x00"):
            raise ValueError(f"{lang}: line breaks are not allowed in a name or title, got {text!r}")
    return titles


def _zone(value: Any) -> str:
    text = _string(value)
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError) as e:
        raise ValueError(f"unknown time zone {text!r}; expected an IANA name like 'Asia/Seoul'") from e
    return text


def _choice(choices: Iterable[str]) -> Callable[[Any], str]:
    options = tuple(choices)

    def convert(value: Any) -> str:
        if value not in options:
            raise ValueError(f"got {value!r}; expected one of {', '.join(options)}")
        return str(value)

    return convert


def _audiences(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise ValueError(f"expected a non-empty list of audiences, got {value!r}")
    for item in value:
        if item not in AUDIENCES:
            raise ValueError(f"unknown audience {item!r}; expected one of {', '.join(AUDIENCES)}")
    return tuple(value)


def _offset(value: Any) -> Offset:
    if not isinstance(value, str):
        raise ValueError(f"expected an offset string like 'E-150', got {value!r}")
    return Offset.parse(value)


def _date(value: Any) -> date:
    if isinstance(value, date) and not hasattr(value, "hour"):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"expected a date YYYY-MM-DD, got {value!r}")


def _election_date(value: Any) -> date:
    """An election day or anchor: a date whose deadlines, days or months around it, still fit in
    the calendar (an election on 9999-12-31 overflowed when its deadlines were computed)."""
    day = _date(value)
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(f"{day} is outside the dates this service computes ({FIRST_DAY} to {LAST_DAY})")
    return day


def _hours(value: Any) -> tuple[Any, Any]:
    text = _string(value)
    parts = text.split("-")
    if len(parts) != 2:
        raise ValueError(f"expected hours like '06:00-18:00', got {value!r}")
    return parse_time(parts[0]), parse_time(parts[1])


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {value!r}")
    return value


def _strings(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise ValueError(f"expected a list of strings, got {value!r}")
    return tuple(_string(v) for v in value)


def _check_rule(c: _FileChecker, table: Any, index: int, ruleset_id: str, anchors: set[str]) -> Rule | None:
    if not isinstance(table, dict):
        c.error(f"rule #{index + 1}", None, "expected a [[rule]] table")
        return None
    raw_id = table.get("id")
    rid = c.get(table, "id", _slug, f"rule #{index + 1} of {ruleset_id}", None)
    item = f"rule {rid or raw_id or '#' + str(index + 1)}"
    key = raw_id if isinstance(raw_id, str) else None
    c.unknown_fields(table, RULE_FIELDS, item, key)
    title = c.get(table, "title", _titles, item, key)
    description = c.get(table, "description", _languages, item, key, required=False) or {}
    audiences = c.get(table, "audiences", _audiences, item, key)
    kind = c.get(table, "kind", _choice(KINDS), item, key)
    citation = c.get(table, "citation", _string, item, key)
    local_time = c.get(table, "local_time", _bool, item, key, required=False) or False
    policy = c.get(table, "holiday_policy", _choice(HOLIDAY_POLICIES), item, key, required=False)
    opens = closes = None
    if kind == "event":
        for bad in ("opens", "closes"):
            if bad in table:
                c.error(item, bad, "an event has 'on' (and optional 'hours'), not opens/closes", key)
        on = c.get(table, "on", _offset, item, key)
        hours = c.get(table, "hours", _hours, item, key, required=False)
        if on is not None:
            opens = Offset(on.anchor, on.days, hours[0] if hours else on.time)
            closes = Offset(on.anchor, on.days, hours[1] if hours else None)
    elif kind is not None:
        for bad in ("on", "hours"):
            if bad in table:
                c.error(item, bad, f"only events have {bad!r}; a {kind} has opens/closes", key)
        if kind == "deadline" and "opens" in table:
            c.error(item, "opens", "a deadline has only 'closes'; use kind = \"period\" for a window", key)
        opens = c.get(table, "opens", _offset, item, key) if kind == "period" else None
        closes = c.get(table, "closes", _offset, item, key)
    for name, off in (("opens", opens), ("closes", closes)):
        if off is not None and off.anchor not in anchors:
            field = name if kind != "event" else "on"
            c.error(
                item,
                field,
                f"unknown anchor {off.anchor!r}; expected one of {', '.join(sorted(anchors))}",
                key,
            )
    if opens and closes and opens.anchor == closes.anchor:
        start = (opens.days, opens.time.isoformat() if opens.time else "")
        end = (closes.days, closes.time.isoformat() if closes.time else "99")
        if end < start:
            c.error(item, "closes", f"window closes ({closes}) before it opens ({opens})", key)
    if rid is None or title is None or audiences is None or kind is None or citation is None:
        return None
    if kind == "event" and opens is None:
        return None
    if kind in ("period", "deadline") and closes is None:
        return None
    if kind == "period" and opens is None:
        return None
    return Rule(
        id=rid,
        title=title,
        kind=kind,  # type: ignore[arg-type]
        audiences=audiences,
        citation=citation,
        opens=opens,
        closes=closes,
        description=description,
        local_time=local_time,
        holiday_policy=policy,
        line=c.locate.line_of(rid),
    )


def _check_ruleset(c: _FileChecker, table: Any, rules: Any) -> RuleSet | None:
    if not isinstance(table, dict):
        c.error("ruleset", None, "expected a [ruleset] table")
        return None
    raw_id = table.get("id") if isinstance(table.get("id"), str) else None
    rsid = c.get(table, "id", _slug, "ruleset", None)
    item = f"ruleset {rsid or raw_id or '?'}"
    c.unknown_fields(table, RULESET_FIELDS, item, raw_id)
    name = c.get(table, "name", _titles, item, raw_id)
    country = c.get(table, "country", _string, item, raw_id)
    subdivision = c.get(table, "subdivision", _string, item, raw_id, required=False)
    zone = c.get(table, "timezone", _zone, item, raw_id)
    policy = c.get(table, "holiday_policy", _choice(HOLIDAY_POLICIES), item, raw_id)
    source = c.get(table, "source", _string, item, raw_id)
    source_url = c.get(table, "source_url", _string, item, raw_id, required=False)
    extra = c.get(table, "anchors", _strings, item, raw_id, required=False) or ()
    for a in extra:
        if not ANCHOR_NAME.match(a) or a == ELECTION_DAY:
            c.error(item, "anchors", f"bad anchor name {a!r}; expected a name like 'cause' (not 'E')", raw_id)
    if country is not None:
        import holidays

        if country not in holidays.list_supported_countries():
            c.error(
                item, "country", f"unknown country {country!r}; expected an ISO code such as 'KR'", raw_id
            )
    if rules is None:
        rules = []
    if not isinstance(rules, list):
        c.error(item, "rule", "expected [[rule]] tables")
        rules = []
    checked: list[Rule] = []
    seen: set[str] = set()
    anchors = {ELECTION_DAY, *extra}
    for i, rule_table in enumerate(rules):
        rule = _check_rule(c, rule_table, i, rsid or "?", anchors)
        if rule is None:
            continue
        if rule.id in seen:
            c.error(f"rule {rule.id}", "id", f"duplicate rule id {rule.id!r} in ruleset {rsid}", rule.id)
            continue
        seen.add(rule.id)
        checked.append(rule)
    if not rules:
        c.error(item, "rule", "a rule set needs at least one [[rule]]", raw_id)
    if None in (rsid, name, country, zone, policy, source):
        if raw_id:
            c.broken.add(raw_id)
        return None
    return RuleSet(
        id=rsid,  # type: ignore[arg-type]
        name=name,  # type: ignore[arg-type]
        country=country,  # type: ignore[arg-type]
        subdivision=subdivision,
        timezone=zone,  # type: ignore[arg-type]
        holiday_policy=policy,  # type: ignore[arg-type]
        source=source,  # type: ignore[arg-type]
        source_url=source_url,
        anchors=tuple(extra),
        rules=tuple(checked),
        file=c.file,
    )


def _anchor_dates(value: Any) -> dict[str, date]:
    if not isinstance(value, dict):
        raise ValueError(f"expected a table of anchor = date, got {value!r}")
    return {str(k): _election_date(v) for k, v in value.items()}


def _check_override(c: _FileChecker, table: Any, item: str, key: str | None) -> Override | None:
    if not isinstance(table, dict):
        c.error(item, "overrides", f"expected a table {{ rule = ..., reason = ... }}, got {table!r}", key)
        return None
    c.unknown_fields(table, OVERRIDE_FIELDS, item + " override", key)
    rule = c.get(table, "rule", _slug, item, key)
    reason = c.get(table, "reason", _string, item, key)
    opens = c.get(table, "opens", _date, item, key, required=False)
    closes = c.get(table, "closes", _date, item, key, required=False)
    on = c.get(table, "on", _date, item, key, required=False)
    if on is not None:
        opens = closes = on
    if opens is None and closes is None:
        c.error(item, "overrides", f"override of rule {rule!r} sets no date (opens, closes or on)", key)
        return None
    if opens and closes and closes < opens:
        c.error(item, "overrides", f"override of rule {rule!r} closes {closes} before it opens {opens}", key)
        return None
    if rule is None or reason is None:
        return None
    return Override(rule=rule, reason=reason, opens=opens, closes=closes)


def _check_election(c: _FileChecker, table: Any, index: int) -> Election | None:
    if not isinstance(table, dict):
        c.error(f"election #{index + 1}", None, "expected an [[election]] table")
        return None
    raw_id = table.get("id") if isinstance(table.get("id"), str) else None
    eid = c.get(table, "id", _slug, f"election #{index + 1}", None)
    item = f"election {eid or raw_id or '#' + str(index + 1)}"
    c.unknown_fields(table, ELECTION_FIELDS, item, raw_id)
    name = c.get(table, "name", _titles, item, raw_id)
    ruleset = c.get(table, "ruleset", _slug, item, raw_id)
    day = c.get(table, "day", _election_date, item, raw_id)
    anchors = c.get(table, "anchors", _anchor_dates, item, raw_id, required=False) or {}
    aliases = c.get(table, "aliases", _strings, item, raw_id, required=False) or ()
    raw_overrides = table.get("overrides", [])
    overrides: list[Override] = []
    if not isinstance(raw_overrides, list):
        c.error(item, "overrides", "expected a list of override tables", raw_id)
    else:
        for o in raw_overrides:
            checked = _check_override(c, o, item, raw_id)
            if checked:
                overrides.append(checked)
    if None in (eid, name, ruleset, day):
        return None
    return Election(
        id=eid,  # type: ignore[arg-type]
        name=name,  # type: ignore[arg-type]
        ruleset=ruleset,  # type: ignore[arg-type]
        day=day,  # type: ignore[arg-type]
        anchors=anchors,
        overrides=tuple(overrides),
        aliases=aliases,
        file=c.file,
        line=c.locate.line_of(eid),
    )


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
    c = _FileChecker(file, text)
    for key in data:
        if key not in TOP_FIELDS:
            c.error(
                None, key, f"unknown top-level field {key!r}; expected [ruleset], [[rule]] or [[election]]"
            )
    rulesets: list[RuleSet] = []
    if "ruleset" in data:
        rs = _check_ruleset(c, data["ruleset"], data.get("rule"))
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
        election = _check_election(c, table, i)
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
    for e in elections:

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
