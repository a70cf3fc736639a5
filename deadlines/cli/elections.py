"""Commands for election days: `rules election-day` (computed from the law) and `rules confirm-day`."""

from __future__ import annotations

import click

from deadlines.cli.common import Context, echo_json, parse_day, pass_context
from deadlines.errors import NotFound, RuleError, RuleErrors
from deadlines.rules import load_rules
from deadlines.rules.dayresolve import DEFAULT_OFFICE, generals
from deadlines.rules.electionday import ElectionDay, by_election_day, term_end_day
from deadlines.rules.model import OFFICES


def _refuse(ruleset: str, message: str) -> RuleErrors:
    return RuleErrors([RuleError(message, item=f"ruleset {ruleset}", field="election_day")])


@click.command("election-day")
@click.option("--ruleset", "ruleset_id", required=True, help="The rule set, e.g. kr-local.")
@click.option("--term-ends", help="The day the current term ends, YYYY-MM-DD (Art. 34).")
@click.option("--cause", help="By-elections: the day the cause was finalised, YYYY-MM-DD.")
@click.option(
    "--office",
    type=click.Choice(OFFICES),
    default=DEFAULT_OFFICE,
    show_default=True,
    help="By-elections: head (April or October), council or assembly (April).",
)
@click.option(
    "--json", "as_json", is_flag=True, help="Print JSON: the day, the raw Wednesday, shifts, steps."
)
@pass_context
def election_day(
    ctx: Context, ruleset_id: str, term_ends: str | None, cause: str | None, office: str, as_json: bool
) -> None:
    """Compute an election day from the law and print the steps that led to it."""
    book = load_rules(ctx.settings.rules_dir)
    rs = book.rulesets.get(ruleset_id)
    if rs is None:
        raise NotFound(f"unknown ruleset {ruleset_id!r}; known: {', '.join(sorted(book.rulesets))}")
    rule = rs.election_day
    if rule is None or rule.method == "announced":
        raise _refuse(rs.id, f"ruleset {rs.id} does not compute its election day from the law")
    result: ElectionDay
    if rule.method == "term-end":
        if cause or not term_ends:
            raise click.UsageError(f"ruleset {rs.id} counts from the term end: give --term-ends YYYY-MM-DD")
        assert rule.days_before is not None
        ends = parse_day(term_ends, "--term-ends")
        assert ends is not None
        result = term_end_day(ends, rule.days_before, rs.country)
        given = {"term_ends": ends.isoformat()}
    else:
        if term_ends or not cause:
            raise click.UsageError(f"ruleset {rs.id} holds by-elections: give --cause YYYY-MM-DD")
        day = parse_day(cause, "--cause")
        assert day is not None
        result = by_election_day(day, office, generals(book.elections.values(), book.rulesets), rs.country)
        given = {"cause": day.isoformat(), "office": office}
    if as_json:
        echo_json({"ruleset": rs.id, **given, **result.to_json(), "citation": rule.citation})
        return
    for step in result.steps:
        click.echo(step)


@click.command("confirm-day")
@click.argument("election")
@click.option("--day", help="The announced day, when it differs from the computed one (YYYY-MM-DD).")
@pass_context
def confirm_day(ctx: Context, election: str, day: str | None) -> None:
    """Confirm the day of a provisional ELECTION (audited), then republish the feeds."""
    from deadlines.cli.feeds import publish_feeds
    from deadlines.db.confirm import confirm_election_day

    chosen = parse_day(day, "--day") if day else None
    with ctx.session() as session:
        confirmed, changes = confirm_election_day(
            session=session, election_id=election, day=chosen, actor=ctx.settings.actor, now=ctx.now()
        )
    click.echo(f"confirmed {election}: election day {confirmed} (no longer provisional)")
    for change in changes:
        click.echo(str(change))
    publish_feeds(ctx)
