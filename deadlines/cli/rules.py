"""Commands for the database schema and the rules: init, rules check/show/apply."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

from deadlines.cli.common import Context, echo_json, parse_day, pass_context
from deadlines.errors import DeadlinesError, NotFound, RuleError, RuleErrors
from deadlines.records import DeadlineRecord, record_to_json
from deadlines.rules import RuleBook, evaluate, evaluate_election, load_rules
from deadlines.rules.model import ELECTION_DAY


@click.command()
@pass_context
def init(ctx: Context) -> None:
    """Create the database, or upgrade it to the latest schema."""
    from deadlines.db.engine import redact, upgrade

    upgrade(ctx.engine)
    click.echo(f"database ready: {redact(ctx.settings.database_url)}")


@click.group()
def rules() -> None:
    """Check, show and apply the rule files."""


@rules.command("check")
@click.argument("directory", required=False, type=click.Path(file_okay=False))
@pass_context
def check(ctx: Context, directory: str | None) -> None:
    """Validate every rule file; one line per error and exit 1 if any."""
    book = load_rules(directory or ctx.settings.rules_dir)
    rules_count = sum(len(rs.rules) for rs in book.rulesets.values())
    click.echo(f"ok: {len(book.rulesets)} rule sets, {rules_count} rules, {len(book.elections)} elections")


def _format_when(record: DeadlineRecord) -> str:
    def part(day: date | None, t: Any) -> str:
        if day is None:
            return ""
        return f"{day:%a %Y-%m-%d}" + (f" {t:%H:%M}" if t else "")

    suffix = " (local time)" if record.local_time else ""
    if record.kind == "period":
        return f"{part(record.opens, record.opens_time)} -> {part(record.closes, record.closes_time)}{suffix}"
    if record.kind == "event":
        hours = ""
        if record.opens_time or record.closes_time:
            start = f"{record.opens_time:%H:%M}" if record.opens_time else ""
            end = f"{record.closes_time:%H:%M}" if record.closes_time else "24:00"
            hours = f" {start}-{end}"
        return f"{part(record.opens, None)}{hours}{suffix}"
    return f"by {part(record.closes, record.closes_time)}{suffix}"


def print_records(records: list[DeadlineRecord]) -> None:
    for r in records:
        status = "" if r.status == "published" else f" [{r.status}]"
        click.echo(f"  {_format_when(r):45} {r.id}{status}")
        click.echo(f"  {'':45} {r.title['en']} / {r.title['ko']}")


def election_json(
    book: RuleBook, election_id: str | None, ruleset_id: str, day: date, anchors: dict[str, date]
) -> dict[str, Any]:
    rs = book.rulesets[ruleset_id]
    election = book.election(election_id) if election_id else None
    return {
        "id": election_id,
        "name": dict(election.name) if election else None,
        "ruleset": ruleset_id,
        "day": day.isoformat(),
        "anchors": {k: v.isoformat() for k, v in anchors.items() if k != ELECTION_DAY},
        "timezone": rs.timezone,
    }


def _parse_anchors(values: tuple[str, ...]) -> dict[str, date]:
    anchors: dict[str, date] = {}
    for value in values:
        name, sep, day = value.partition("=")
        parsed = parse_day(day, "--anchor") if sep else None
        if not sep or parsed is None or not name:
            raise click.BadParameter(f"expected NAME=YYYY-MM-DD, got {value!r}", param_hint="--anchor")
        anchors[name] = parsed
    return anchors


def _live_book(ctx: Context) -> RuleBook:
    from deadlines.db.rulesync import live_rulebook

    with ctx.session() as session:
        book = live_rulebook(session=session)
    if book is None:
        raise NotFound("the database holds no rules yet: run `deadlines rules apply`")
    return book


@rules.command("show")
@click.argument("election", required=False)
@click.option("--ruleset", "ruleset_id", help="What-if: compute a rule set for any day, no database.")
@click.option("--day", help="What-if election day, YYYY-MM-DD (with --ruleset).")
@click.option(
    "--anchor",
    "anchor_values",
    multiple=True,
    metavar="NAME=YYYY-MM-DD",
    help="Another anchor day, e.g. cause=2025-04-04 (with --ruleset).",
)
@click.option("--live", is_flag=True, help="Use the live rules in the database instead of the files.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (shape in the README).")
@pass_context
def show(
    ctx: Context,
    election: str | None,
    ruleset_id: str | None,
    day: str | None,
    anchor_values: tuple[str, ...],
    live: bool,
    as_json: bool,
) -> None:
    """Show the computed deadlines of ELECTION, or of --ruleset on --day (what-if)."""
    if election and ruleset_id:
        raise click.UsageError("give either ELECTION or --ruleset with --day, not both")
    if not election and not ruleset_id:
        raise click.UsageError("give ELECTION, or --ruleset ID --day YYYY-MM-DD")
    if ruleset_id and not day:
        raise click.UsageError("--ruleset needs --day YYYY-MM-DD")
    if election and (day or anchor_values):
        raise click.UsageError("--day and --anchor go with --ruleset")
    book = _live_book(ctx) if live else load_rules(ctx.settings.rules_dir)
    if election:
        records = evaluate_election(book, election)
        e = book.elections[election]
        header = election_json(book, election, e.ruleset, e.day, e.anchor_dates())
    else:
        assert ruleset_id is not None
        rs = book.rulesets.get(ruleset_id)
        if rs is None:
            raise NotFound(f"unknown ruleset {ruleset_id!r}; known: {', '.join(sorted(book.rulesets))}")
        election_day = parse_day(day, "--day")
        assert election_day is not None
        anchors = {ELECTION_DAY: election_day, **_parse_anchors(anchor_values)}
        unknown = [a for a in anchors if a != ELECTION_DAY and a not in rs.anchors]
        if unknown:
            raise RuleErrors(
                [
                    RuleError(
                        f"unknown anchor {unknown[0]!r}; ruleset {rs.id} uses: {', '.join(rs.anchors) or 'none'}",
                        item=f"ruleset {rs.id}",
                        field="--anchor",
                    )
                ]
            )
        records = evaluate(rs, "what-if", anchors)
        header = election_json(book, None, rs.id, election_day, anchors)
    if as_json:
        echo_json({"election": header, "deadlines": [record_to_json(r) for r in records]})
        return
    title = header["name"]["en"] if header["name"] else f"what-if: {header['ruleset']}"
    click.echo(f"{title} — {header['ruleset']}, election day {header['day']} ({header['timezone']})")
    print_records(records)


# The advisory lock of `rules apply`, one per schema: advisory locks are database-wide, and
# services (or test runs) in other schemas of the same database must not wait on each other.
APPLY_LOCK_KEY = "hashtext('deadlines rules apply:' || current_schema())"
APPLY_BUSY = "another `rules apply` is running; try again when it has finished"


def _lock_apply(session: Any, actor: str, now: datetime) -> None:
    """One `rules apply` at a time, held until this transaction ends. Two at once both read the
    old rules and both insert the new ones, and the loser failed with a raw UNIQUE error.
    PostgreSQL: a transaction advisory lock, refused at once if held. SQLite: the first statement
    writes (a row in service_state), which takes the database's write lock; a second apply waits
    the busy timeout for it, then is told."""
    from sqlalchemy import insert, text, update
    from sqlalchemy.exc import OperationalError
    from sqlmodel import col

    from deadlines.db.models import ServiceState

    if session.get_bind().dialect.name == "postgresql":
        if not session.execute(text(f"SELECT pg_try_advisory_xact_lock({APPLY_LOCK_KEY})")).scalar():
            raise DeadlinesError(APPLY_BUSY)
        return
    value = {"by": actor, "at": now.isoformat()}
    try:
        done = session.execute(
            update(ServiceState)
            .where(col(ServiceState.key) == "rules_apply")
            .values(value=value, updated_at=now)
        )
        if not done.rowcount:
            session.execute(insert(ServiceState).values(key="rules_apply", value=value, updated_at=now))
    except OperationalError as e:
        if "locked" in str(e.orig) or "busy" in str(e.orig):
            raise DeadlinesError(APPLY_BUSY) from e
        raise


@rules.command("apply")
@click.option("--force", is_flag=True, help="Let the files overwrite rules edited in the console.")
@click.option("--dry-run", is_flag=True, help="Show what would change and store nothing.")
@pass_context
def apply(ctx: Context, force: bool, dry_run: bool) -> None:
    """Load the rule files into the database: create, update (revision + 1), cancel removed."""
    from deadlines.db.rulesync import apply_rulebook

    book = load_rules(ctx.settings.rules_dir)
    with ctx.session() as session:
        _lock_apply(session, ctx.settings.actor, ctx.now())
        report = apply_rulebook(
            session=session, book=book, actor=ctx.settings.actor, now=ctx.now(), force=force
        )
        if dry_run:
            session.rollback()
    for line in report.revisions:
        click.echo(f"rules     {line}")
    for change in report.changes:
        click.echo(str(change))
    if not report.changed:
        click.echo("no changes: the database already matches the rule files")
    else:
        counts: dict[str, int] = {}
        for change in report.changes:
            counts[change.action] = counts.get(change.action, 0) + 1
        summary = ", ".join(f"{n} {action}" for action, n in sorted(counts.items())) or "rules only"
        click.echo(("would apply: " if dry_run else "applied: ") + summary)
    if not dry_run:
        from deadlines.cli.feeds import publish_feeds

        publish_feeds(ctx)


@rules.command("export")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@pass_context
def export(ctx: Context, directory: Path | None) -> None:
    """Write the live rules (with console edits) back as TOML into DIRECTORY (default: the rules
    directory). Existing files are edited in place: comments and untouched parts stay as they are."""
    from deadlines.db.rulesync import latest_revisions
    from deadlines.rules.export import ELECTIONS_FILE, elections_text, ruleset_text

    out = directory or ctx.settings.rules_dir
    with ctx.session() as session:
        live = [r for r in latest_revisions(session).values() if not r.removed]
    if not live:
        raise NotFound("the database holds no rules yet: run `deadlines rules apply`")
    files: dict[str, tuple[dict[str, Any] | None, list[dict[str, Any]]]] = {}
    for row in sorted(live, key=lambda r: (r.kind, r.key)):
        default = ELECTIONS_FILE if row.kind == "election" else f"{row.key}.toml"
        name = Path(row.source_file).name if row.source_file else default
        ruleset, elections = files.get(name, (None, []))
        if row.kind == "ruleset":
            ruleset = dict(row.document)
        else:
            elections.append(dict(row.document))
        files[name] = (ruleset, elections)
    out.mkdir(parents=True, exist_ok=True)
    for name, (ruleset, elections) in sorted(files.items()):
        path = out / name
        existing = path.read_text(encoding="utf-8") if path.exists() else None
        text = existing
        if ruleset is not None:
            text = ruleset_text(text, ruleset)
        if elections or (text and "[[election]]" in text):
            text = elections_text(text, elections)
        if text == existing:
            click.echo(f"unchanged {path}")
            continue
        tmp = path.with_suffix(".toml.tmp")
        tmp.write_text(text or "", encoding="utf-8")
        tmp.replace(path)
        click.echo(f"{'updated' if existing is not None else 'created'} {path}")
    # What was written must load exactly as the live rules do.
    load_rules(out)
