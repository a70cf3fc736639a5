"""Commands for notices: extract (pure, no database) and ingest (extract, reconcile, store)."""

from __future__ import annotations

from datetime import date

import click

from deadlines.cli.common import Context, echo_json, parse_day, pass_context, read_input
from deadlines.extract import ExtractedNotice, extract_document, read_notice_bytes
from deadlines.extract.extractor import notices_to_json
from deadlines.extract.model import ExtractedRecord
from deadlines.extract.reconcile import Match
from deadlines.records import format_time


def _when(r: ExtractedRecord) -> str:
    if r.kind == "period":
        text = f"{r.starts} -> {r.ends}"
    elif r.kind == "deadline":
        text = f"by {r.ends}"
    elif r.kind == "start":
        text = f"from {r.starts}"
    else:
        text = f"on {r.starts}"
    if r.time_starts or r.time_ends:
        text += f" {format_time(r.time_starts) or ''}-{format_time(r.time_ends) or ''}"
    return text


def print_notices(notices: list[ExtractedNotice]) -> None:
    for n in notices:
        click.echo(f"{n.published or 'undated'}  {n.headline or '(no headline)'}")
        for r in n.records:
            flags = " past" if r.past else ""
            click.echo(f"  {r.kind:8} {_when(r):28} conf {r.confidence:.2f}{flags}  {', '.join(r.audiences)}")
            if r.title:
                click.echo(f"           title: {r.title}")
            quote = r.quote if len(r.quote) <= 110 else r.quote[:107] + "..."
            click.echo(f'           "{quote}"')
            for w in r.warnings:
                click.echo(f"           warning: {w}")
        for w in n.warnings:
            click.echo(f"  warning: {w}")
        if not n.records:
            click.echo("  (no dated records)")


def _read(
    ctx: Context, path: str, published: str | None
) -> tuple[str, str, list[ExtractedNotice], date | None]:
    data, name = read_input(path, ctx.settings.max_notice_bytes)
    doc = read_notice_bytes(data, name, max_bytes=ctx.settings.max_notice_bytes)
    day = parse_day(published, "--published")
    return name, doc.text, extract_document(doc, published=day), day


@click.command("extract")
@click.argument("path")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (shape in the README).")
@click.option("--published", help="Publication date YYYY-MM-DD, used when the notice gives none.")
@pass_context
def extract_command(ctx: Context, path: str, as_json: bool, published: str | None) -> None:
    """Extract dated records from a notice (PATH or - for stdin). No database."""
    _name, _text, notices, _day = _read(ctx, path, published)
    if as_json:
        echo_json(notices_to_json(notices))
    else:
        print_notices(notices)


def print_matches(notices: list[ExtractedNotice], matches: list[list[Match]]) -> None:
    for notice, notice_matches in zip(notices, matches, strict=True):
        click.echo(f"{notice.published or 'undated'}  {notice.headline or '(no headline)'}")
        for m in notice_matches:
            click.echo(f"  {m.outcome:9} {m.record.kind:8} {_when(m.record):28} {m.message}")
        if not notice_matches:
            click.echo("  (no dated records)")


@click.command()
@click.argument("path")
@click.option("--election", "election_id", help="The election the notice is about (default: guessed).")
@click.option("--published", help="Publication date YYYY-MM-DD, used when the notice gives none.")
@pass_context
def ingest(ctx: Context, path: str, election_id: str | None, published: str | None) -> None:
    """Extract a notice, reconcile it with the rules and store drafts for staff review."""
    from deadlines.db.review import ingest_notice

    name, text, notices, day = _read(ctx, path, published)
    with ctx.session() as session:
        result = ingest_notice(
            session=session,
            source=name,
            text=text,
            notices=notices,
            published=day,
            election_id=election_id,
            actor=ctx.settings.actor,
            now=ctx.now(),
        )
    if result.duplicate:
        click.echo(f"{name}: already ingested (same text); reconciliation shown, nothing stored")
    election = result.election
    about = f"election {election.id}" if election else "no known election"
    click.echo(f"{name}: {sum(len(m) for m in result.matches)} record(s) about {about}")
    print_matches(notices, result.matches)
