"""Gives elections without a `day` the day the law sets, from their rule set's `election_day`. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from deadlines.errors import RuleError
from deadlines.rules.electionday import ElectionDay, General, by_election_day, term_end_day
from deadlines.rules.model import Election, RuleSet

DEFAULT_OFFICE = "assembly"


def generals(elections: Iterable[Election], rulesets: Mapping[str, RuleSet]) -> list[General]:
    """The general elections known to a rule book, for the merging of by-elections (Art. 203)."""
    out = []
    for e in elections:
        rs = rulesets.get(e.ruleset)
        if rs is None or rs.election_day is None or rs.election_day.general is None:
            continue
        out.append(General(rs.election_day.general, e.day, e.id, e.anchors.get("cause")))
    return out


def compute_day(election: Election, rs: RuleSet, known: list[General]) -> ElectionDay:
    """The day of one election from its term end or cause. Raises RuleError naming the field."""

    def error(field: str, message: str) -> RuleError:
        return RuleError(
            message, file=election.file, line=election.line, item=f"election {election.id}", field=field
        )

    rule = rs.election_day
    if rule is None or rule.method == "announced":
        raise error("day", f"ruleset {rs.id} does not compute its election day from the law: give day")
    if rule.method == "term-end":
        if election.term_ends is None:
            raise error("term_ends", f"ruleset {rs.id} computes the day from the term end: give term_ends")
        assert rule.days_before is not None
        return term_end_day(election.term_ends, rule.days_before, rs.country)
    cause = election.anchors.get("cause")
    if cause is None:
        raise error("anchors", f"ruleset {rs.id} computes the day from the cause: give anchors.cause")
    if election.term_ends is not None:
        raise error("term_ends", f"ruleset {rs.id} holds by-elections: their day follows from the cause")
    return by_election_day(cause, election.office or DEFAULT_OFFICE, known, rs.country)


def resolve_days(
    elections: list[Election], rulesets: Mapping[str, RuleSet]
) -> tuple[list[Election], list[RuleError]]:
    """Computes the day of every provisional election: term-end elections first, then
    by-elections, which may be merged into them."""
    errors: list[RuleError] = []
    done: dict[str, Election] = {}
    failed: set[str] = set()

    def by_election(e: Election) -> bool:
        rs = rulesets.get(e.ruleset)
        return rs is not None and rs.election_day is not None and rs.election_day.method == "by-election"

    for second_pass in (False, True):
        known = generals([e for e in elections if e.id in done or not e.provisional], rulesets)
        for e in elections:
            rs = rulesets.get(e.ruleset)
            if not e.provisional or by_election(e) != second_pass or rs is None:
                continue
            try:
                result = compute_day(replace(e, provisional=False), rs, known if second_pass else [])
            except (RuleError, ValueError) as err:
                errors.append(
                    err if isinstance(err, RuleError) else RuleError(str(err), file=e.file, line=e.line)
                )
                failed.add(e.id)
                continue
            done[e.id] = replace(e, day=result.day, day_steps=result.steps)
    return [done.get(e.id, e) for e in elections if e.id not in failed], errors
