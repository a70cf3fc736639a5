"""Validation of the tables of one rule file: [ruleset], [[rule]], [[election]] and overrides."""

from __future__ import annotations

from datetime import date
from typing import Any

from deadlines.records import KINDS
from deadlines.rules import fields as f
from deadlines.rules.actions import check_actions, check_wording
from deadlines.rules.fields import FileChecker
from deadlines.rules.model import (
    ANCHOR_NAME,
    ELECTION_DAY,
    ELECTION_DAY_METHODS,
    GENERAL_KINDS,
    HOLIDAY_POLICIES,
    OFFICES,
    RULE_PARTS,
    Election,
    ElectionDayRule,
    Offset,
    Override,
    Rule,
    RuleSet,
)

TOP_FIELDS = {"ruleset", "rule", "election"}
RULESET_FIELDS = {
    "election_day",
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
    "not_before",
    "notes",
    "action_url",
    "how",
}
ELECTION_FIELDS = {
    "id",
    "name",
    "ruleset",
    "day",
    "term_ends",
    "office",
    "anchors",
    "overrides",
    "actions",
    "aliases",
    "notes",
}
ELECTION_DAY_FIELDS = {"method", "days_before", "general", "citation"}
OVERRIDE_FIELDS = {"rule", "opens", "closes", "on", "reason"}


def check_rule(c: FileChecker, table: Any, index: int, ruleset_id: str, anchors: set[str]) -> Rule | None:
    if not isinstance(table, dict):
        c.error(f"rule #{index + 1}", None, "expected a [[rule]] table")
        return None
    raw_id = table.get("id")
    rid = c.get(table, "id", f.slug, f"rule #{index + 1} of {ruleset_id}", None)
    item = f"rule {rid or raw_id or '#' + str(index + 1)}"
    key = raw_id if isinstance(raw_id, str) else None
    c.unknown_fields(table, RULE_FIELDS, item, key)
    title = c.get(table, "title", f.titles, item, key)
    description = c.get(table, "description", f.languages, item, key, required=False) or {}
    audiences = c.get(table, "audiences", f.audiences, item, key)
    kind = c.get(table, "kind", f.choice(KINDS), item, key)
    citation = c.get(table, "citation", f.string, item, key)
    local_time = c.get(table, "local_time", f.boolean, item, key, required=False) or False
    policy = c.get(table, "holiday_policy", f.choice(HOLIDAY_POLICIES), item, key, required=False)
    not_before = c.get(table, "not_before", f.offset, item, key, required=False)
    action_url = c.get(table, "action_url", f.https_url, item, key, required=False)
    how = c.get(table, "how", f.languages, item, key, required=False) or {}
    if not_before is not None and kind == "deadline":
        c.error(item, "not_before", "not_before bounds the first day of a period or an event", key)
    opens = closes = None
    if kind == "event":
        for bad in ("opens", "closes"):
            if bad in table:
                c.error(item, bad, "an event has 'on' (and optional 'hours'), not opens/closes", key)
        on = c.get(table, "on", f.offset, item, key)
        hours = c.get(table, "hours", f.hours, item, key, required=False)
        if on is not None:
            opens = Offset(on.anchor, on.days, hours[0] if hours else on.time)
            closes = Offset(on.anchor, on.days, hours[1] if hours else None)
    elif kind is not None:
        for bad in ("on", "hours"):
            if bad in table:
                c.error(item, bad, f"only events have {bad!r}; a {kind} has opens/closes", key)
        if kind == "deadline" and "opens" in table:
            c.error(item, "opens", "a deadline has only 'closes'; use kind = \"period\" for a window", key)
        opens = c.get(table, "opens", f.offset, item, key) if kind == "period" else None
        closes = c.get(table, "closes", f.offset, item, key)
    for name, off in (("opens", opens), ("closes", closes), ("not_before", not_before)):
        if off is not None and off.rule is None and off.anchor not in anchors:
            field = name if kind != "event" or name == "not_before" else "on"
            c.error(
                item,
                field,
                f"unknown anchor {off.anchor!r}; expected one of {', '.join(sorted(anchors))}",
                key,
            )
    if not_before is not None and not_before.rule is not None:
        c.error(item, "not_before", f"not_before counts from an anchor ({', '.join(sorted(anchors))})", key)
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
        not_before=not_before,
        line=c.locate.line_of(rid),
        action_url=action_url,
        how=how,
    )


def check_ruleset(c: FileChecker, table: Any, rules: Any) -> RuleSet | None:
    if not isinstance(table, dict):
        c.error("ruleset", None, "expected a [ruleset] table")
        return None
    raw_id = table.get("id") if isinstance(table.get("id"), str) else None
    rsid = c.get(table, "id", f.slug, "ruleset", None)
    item = f"ruleset {rsid or raw_id or '?'}"
    c.unknown_fields(table, RULESET_FIELDS, item, raw_id)
    name = c.get(table, "name", f.titles, item, raw_id)
    country = c.get(table, "country", f.string, item, raw_id)
    subdivision = c.get(table, "subdivision", f.string, item, raw_id, required=False)
    zone = c.get(table, "timezone", f.zone, item, raw_id)
    policy = c.get(table, "holiday_policy", f.choice(HOLIDAY_POLICIES), item, raw_id)
    source = c.get(table, "source", f.string, item, raw_id)
    source_url = c.get(table, "source_url", f.string, item, raw_id, required=False)
    extra = c.get(table, "anchors", f.strings, item, raw_id, required=False) or ()
    for a in extra:
        if not ANCHOR_NAME.match(a) or a == ELECTION_DAY:
            c.error(item, "anchors", f"bad anchor name {a!r}; expected a name like 'cause' (not 'E')", raw_id)
    if country is not None:
        import holidays

        if country not in holidays.list_supported_countries():
            c.error(
                item, "country", f"unknown country {country!r}; expected an ISO code such as 'KR'", raw_id
            )
    day_rule = c.get(table, "election_day", _election_day_rule, item, raw_id, required=False)
    if rules is None:
        rules = []
    if not isinstance(rules, list):
        c.error(item, "rule", "expected [[rule]] tables")
        rules = []
    checked: list[Rule] = []
    seen: set[str] = set()
    anchors = {ELECTION_DAY, *extra}
    for i, rule_table in enumerate(rules):
        rule = check_rule(c, rule_table, i, rsid or "?", anchors)
        if rule is None:
            continue
        if rule.id in seen:
            c.error(f"rule {rule.id}", "id", f"duplicate rule id {rule.id!r} in ruleset {rsid}", rule.id)
            continue
        seen.add(rule.id)
        checked.append(rule)
    if not rules:
        c.error(item, "rule", "a rule set needs at least one [[rule]]", raw_id)
    _check_references(c, checked)
    check_wording(c, checked, rules)
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
        election_day=day_rule,
        rules=tuple(checked),
        file=c.file,
    )


def _anchor_dates(value: Any) -> dict[str, date]:
    if not isinstance(value, dict):
        raise ValueError(f"expected a table of anchor = date, got {value!r}")
    return {str(k): f.election_date(v) for k, v in value.items()}


def check_override(c: FileChecker, table: Any, item: str, key: str | None) -> Override | None:
    if not isinstance(table, dict):
        c.error(item, "overrides", f"expected a table {{ rule = ..., reason = ... }}, got {table!r}", key)
        return None
    c.unknown_fields(table, OVERRIDE_FIELDS, item + " override", key)
    rule = c.get(table, "rule", f.slug, item, key)
    reason = c.get(table, "reason", f.string, item, key)
    opens = c.get(table, "opens", f.date_value, item, key, required=False)
    closes = c.get(table, "closes", f.date_value, item, key, required=False)
    on = c.get(table, "on", f.date_value, item, key, required=False)
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


def check_election(c: FileChecker, table: Any, index: int) -> Election | None:
    if not isinstance(table, dict):
        c.error(f"election #{index + 1}", None, "expected an [[election]] table")
        return None
    raw_id = table.get("id") if isinstance(table.get("id"), str) else None
    eid = c.get(table, "id", f.slug, f"election #{index + 1}", None)
    item = f"election {eid or raw_id or '#' + str(index + 1)}"
    c.unknown_fields(table, ELECTION_FIELDS, item, raw_id)
    name = c.get(table, "name", f.titles, item, raw_id)
    ruleset = c.get(table, "ruleset", f.slug, item, raw_id)
    day = c.get(table, "day", f.election_date, item, raw_id, required=False)
    term_ends = c.get(table, "term_ends", f.election_date, item, raw_id, required=False)
    office = c.get(table, "office", f.choice(OFFICES), item, raw_id, required=False)
    anchors = c.get(table, "anchors", _anchor_dates, item, raw_id, required=False) or {}
    aliases = c.get(table, "aliases", f.strings, item, raw_id, required=False) or ()
    actions = check_actions(c, table["actions"], item, raw_id) if "actions" in table else ()
    raw_overrides = table.get("overrides", [])
    overrides: list[Override] = []
    if not isinstance(raw_overrides, list):
        c.error(item, "overrides", "expected a list of override tables", raw_id)
    else:
        for o in raw_overrides:
            checked = check_override(c, o, item, raw_id)
            if checked:
                overrides.append(checked)
    if None in (eid, name, ruleset):
        return None
    # Without `day`, the day is computed from the law once the rule set is known (loader); until
    # then it holds the term end or the cause, and the election is provisional.
    placeholder = term_ends or anchors.get("cause")
    if day is None and placeholder is None:
        if "day" not in table:
            c.error(
                item,
                "day",
                "missing required field: give day, or term_ends (or anchors.cause at a by-election)"
                " to compute it from the law",
                raw_id,
            )
        return None
    return Election(
        id=eid,  # type: ignore[arg-type]
        name=name,  # type: ignore[arg-type]
        ruleset=ruleset,  # type: ignore[arg-type]
        day=day or placeholder,  # type: ignore[arg-type]
        provisional=day is None,
        term_ends=term_ends,
        office=office,
        anchors=anchors,
        overrides=tuple(overrides),
        actions=actions,
        aliases=aliases,
        file=c.file,
        line=c.locate.line_of(eid),
    )


def _election_day_rule(value: Any) -> ElectionDayRule:
    if not isinstance(value, dict):
        raise ValueError(f"expected a table {{ method = ..., citation = ... }}, got {value!r}")
    unknown = sorted(set(value) - ELECTION_DAY_FIELDS)
    if unknown:
        raise ValueError(f"unknown key {unknown[0]!r}; expected {', '.join(sorted(ELECTION_DAY_FIELDS))}")
    method = f.choice(ELECTION_DAY_METHODS)(value.get("method"))
    citation = f.string(value.get("citation"))
    general = value.get("general")
    if general is not None:
        general = f.choice(GENERAL_KINDS)(general)
    days = value.get("days_before")
    if method == "term-end":
        if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= 400:
            raise ValueError(f"method term-end needs days_before, a number of days 0-400, got {days!r}")
    elif days is not None:
        raise ValueError(f"days_before goes with method term-end, not {method}")
    return ElectionDayRule(method=method, citation=citation, days_before=days, general=general)


def _check_references(c: FileChecker, rules: list[Rule]) -> None:
    """Offsets counting from another rule's day (`campaign-period.opens-90`): that rule exists,
    has that part, and no rule counts (through others) from itself."""
    by_id = {r.id: r for r in rules}
    refs: dict[str, list[str]] = {}
    for rule in rules:
        for field, off in (("opens", rule.opens), ("closes", rule.closes)):
            target = off.rule if off else None
            if target is None:
                continue
            name = field if rule.kind != "event" else "on"
            other = by_id.get(target[0])
            if other is None:
                c.error(f"rule {rule.id}", name, f"counts from unknown rule {target[0]!r}", rule.id)
                continue
            has = {"period": ("opens", "closes"), "deadline": ("closes",), "event": ("on",)}[other.kind]
            if target[1] not in has or target[1] not in RULE_PARTS:
                c.error(
                    f"rule {rule.id}",
                    name,
                    f"rule {other.id} is a {other.kind}: count from {' or '.join(other.id + '.' + p for p in has)}",
                    rule.id,
                )
                continue
            refs.setdefault(rule.id, []).append(other.id)
    for start in refs:
        seen, todo = set(), list(refs[start])
        while todo:
            current = todo.pop()
            if current == start:
                c.error(f"rule {start}", "opens", "counts from itself through other rules (a cycle)", start)
                break
            if current not in seen:
                seen.add(current)
                todo += refs.get(current, [])
