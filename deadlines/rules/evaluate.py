"""Rule evaluation: an election day (and its anchors) plus a rule set give deadline records."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from deadlines.errors import NotFound, RuleError
from deadlines.records import DeadlineRecord
from deadlines.rules.businessdays import apply_policy
from deadlines.rules.model import Action, Election, Offset, Override, Rule, RuleBook, RuleSet
from deadlines.rules.wording import fill

# The dates a deadline may fall on: one day of margin each side of what `date` holds, since a
# deadline closing at 24:00 ends on the next day (an election on 9999-12-31 overflowed there).
FIRST_DAY = date(1, 1, 2)
LAST_DAY = date(9998, 12, 31)


def _in_range(day: date | None, where: RuleError) -> date | None:
    if day is not None and not FIRST_DAY <= day <= LAST_DAY:
        raise where
    return day


def _rule_anchors(rs: RuleSet, anchors: Mapping[str, date], election_id: str) -> dict[str, date]:
    """The days of rules other rules count from (`campaign-period.opens`), computed in the order
    they are needed; the loader has refused unknown rules and cycles."""
    known = dict(anchors)
    wanted = {
        off.anchor
        for r in rs.rules
        for off in (r.opens, r.closes)
        if off is not None and off.rule is not None
    }

    def resolve(name: str, depth: int = 0) -> None:
        if name in known or depth > len(rs.rules):
            return
        rule_id, part = name.split(".", 1)
        rule = rs.rule(rule_id)
        if rule is None:
            return
        off = rule.closes if part == "closes" else rule.opens
        if off is None:
            return
        if off.rule is not None:
            resolve(off.anchor, depth + 1)
        field = "on" if rule.kind == "event" else part
        known[name] = _day(off, known, rs, rule, election_id, field)

    for name in sorted(wanted):
        resolve(name)
    return known


def _day(
    offset: Offset, anchors: Mapping[str, date], rs: RuleSet, rule: Rule, election_id: str, field: str
) -> date:
    base = anchors.get(offset.anchor)
    if base is None:
        raise RuleError(
            f"anchor {offset.anchor!r} has no date; give it with --anchor {offset.anchor}=YYYY-MM-DD"
            f" or in the election's anchors",
            file=rs.file,
            line=rule.line,
            item=f"election {election_id}, rule {rule.id}",
            field="anchors",
        )
    policy = rule.holiday_policy or rs.holiday_policy

    def out_of_range(day: date | None) -> RuleError:
        gives = f"gives {day}, " if day else "gives a date "
        return RuleError(
            f"{offset} with {offset.anchor} = {base} {gives}outside the dates this service computes"
            f" ({FIRST_DAY} to {LAST_DAY}); check the election's day and anchors",
            file=rs.file,
            line=rule.line,
            item=f"election {election_id}, rule {rule.id}",
            field=field,
        )

    try:
        day = apply_policy(base + timedelta(days=offset.days), policy, rs.country, rs.subdivision)
    except OverflowError as e:
        raise out_of_range(None) from e
    return _in_range(day, out_of_range(day)) or day


def evaluate(
    ruleset: RuleSet,
    election_id: str,
    anchors: Mapping[str, date],
    overrides: tuple[Override, ...] = (),
    *,
    election_file: str | None = None,
    actions: tuple[Action, ...] = (),
) -> list[DeadlineRecord]:
    """Compute every deadline of one election. Pure: no clock, no I/O."""
    by_rule = {o.rule: o for o in overrides}
    own_actions = {a.rule: a for a in actions}
    records: list[DeadlineRecord] = []
    anchors = _rule_anchors(ruleset, anchors, election_id)
    for rule in ruleset.rules:
        opens = _day(rule.opens, anchors, ruleset, rule, election_id, "opens") if rule.opens else None
        bound = anchors.get(rule.not_before.anchor) if rule.not_before else None
        later = None
        if opens is not None and bound is not None and rule.not_before is not None:
            # A not_before anchor the election does not give (a what-if) leaves the usual offset.
            floor = _day(rule.not_before, anchors, ruleset, rule, election_id, "not_before")
            if floor > opens:
                opens, later = floor, str(rule.not_before)
        closes = _day(rule.closes, anchors, ruleset, rule, election_id, "closes") if rule.closes else None
        if later and rule.kind == "event":
            closes = opens
        source: dict[str, object] = {
            "type": "rule",
            "file": f"rules/{Path(ruleset.file).name}" if ruleset.file else None,
            "ruleset": ruleset.id,
            "rule": rule.id,
            "citation": rule.citation,
            "law": ruleset.source,
            "opens": str(rule.opens) if rule.opens else None,
            "closes": str(rule.closes) if rule.closes else None,
        }
        if rule.not_before is not None:
            source["not_before"] = str(rule.not_before)
            if later:
                source["opened_by"] = later
        override = by_rule.get(rule.id)
        if override:
            bad_override = RuleError(
                f"override of rule {rule.id} falls outside the dates this service computes"
                f" ({FIRST_DAY} to {LAST_DAY})",
                file=election_file,
                item=f"election {election_id}",
                field="overrides",
            )
            opens = _in_range(override.opens, bad_override) or opens
            closes = _in_range(override.closes, bad_override) or closes
            source["override"] = {"reason": override.reason, "file": election_file}
        if opens and closes and closes < opens:
            raise RuleError(
                f"window closes {closes} before it opens {opens}",
                file=ruleset.file,
                line=rule.line,
                item=f"election {election_id}, rule {rule.id}",
                field="closes",
            )
        records.append(
            DeadlineRecord(
                election_id=election_id,
                id=rule.id,
                title=rule.title,
                description=rule.description,
                kind=rule.kind,
                audiences=rule.audiences,
                opens=opens,
                closes=closes,
                opens_time=rule.opens.time if rule.opens else None,
                closes_time=rule.closes.time if rule.closes else None,
                local_time=rule.local_time,
                timezone=ruleset.timezone,
                source=source,
                action_url=_merged(rule, own_actions)[0],
                how=_merged(rule, own_actions)[1],
            )
        )
    records = _worded(records)
    records.sort(key=lambda r: (r.opens or r.closes or date.max, r.closes or date.max, r.id))
    return records


def _merged(rule: Rule, actions: Mapping[str, Action]) -> tuple[str | None, Mapping[str, str]]:
    """The rule's (action_url, how) for one election: the election's own action given over the
    rule's, each of the two separately."""
    own = actions.get(rule.id)
    if own is None:
        return rule.action_url, rule.how
    return own.action_url or rule.action_url, own.how or rule.how


def _worded(records: list[DeadlineRecord]) -> list[DeadlineRecord]:
    """Descriptions and `how` with their date placeholders filled from the computed records
    (overrides included), so "You can register from {opens}" follows a moved date."""
    days: dict[str, date | None] = {}
    for r in records:
        on = r.opens if r.kind == "event" else None
        days.update({f"{r.id}.opens": r.opens, f"{r.id}.closes": r.closes, f"{r.id}.on": on})
    out = []
    for r in records:
        own = {"opens": r.opens, "closes": r.closes, "on": r.opens if r.kind == "event" else None}
        mine = {**days, **own}
        out.append(
            replace(
                r,
                description={lang: fill(t, lang, mine) for lang, t in r.description.items()},
                how={lang: fill(t, lang, mine) for lang, t in r.how.items()},
            )
        )
    return out


def evaluate_election(book: RuleBook, election_id: str) -> list[DeadlineRecord]:
    election: Election | None = book.election(election_id)
    if election is None:
        known = ", ".join(sorted(book.elections)) or "none"
        raise NotFound(f"unknown election {election_id!r}; known elections: {known}")
    ruleset = book.rulesets[election.ruleset]
    return evaluate(
        ruleset,
        election.id,
        election.anchor_dates(),
        election.overrides,
        election_file=election.file,
        actions=election.actions,
    )
