"""`deadlines stations`: import overseas voting stations from a CSV file, and list them."""

from __future__ import annotations

from pathlib import Path

import click

from deadlines.cli.common import Context, echo_json, pass_context
from deadlines.errors import StationError

MAX_BYTES = 2_000_000


@click.group()
def stations() -> None:
    """Overseas voting stations (재외투표소): each station's days and hours in its own zone."""


def read_text(path: str) -> str:
    p = Path(path)
    try:
        data = p.read_bytes()[: MAX_BYTES + 1]
    except FileNotFoundError as e:
        raise StationError("no such file", file=path) from e
    except IsADirectoryError as e:
        raise StationError("is a directory, expected a CSV file", file=path) from e
    except OSError as e:
        raise StationError(f"cannot read: {e.strerror or e}", file=path) from e
    if len(data) > MAX_BYTES:
        raise StationError(f"larger than {MAX_BYTES} bytes", file=path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise StationError(f"not UTF-8 text (byte {e.start})", file=path) from e


@stations.command("import")
@click.argument("path", metavar="FILE.csv")
@click.option("--election", "election", metavar="ID", help="Import only this election's rows.")
@pass_context
def import_command(ctx: Context, path: str, election: str | None) -> None:
    """Add or update stations from FILE.csv (columns election,station,name_en,name_ko,country,
    city,timezone,address,opens,closes[,hours]); bad rows are reported by line and skipped, the
    rest stored, then the feeds are published again. Exits 1 only when no row was usable."""
    from deadlines.cli.feeds import publish_feeds
    from deadlines.db.stations import upsert_station, voting_windows
    from deadlines.stations.csvparse import parse_csv

    text = read_text(path)
    with ctx.session() as session:
        windows = voting_windows(session=session)
        if election is not None and election not in windows:
            raise StationError(
                f"unknown election {election!r}, or it has no overseas voting", field="election"
            )
        parsed = parse_csv(text, windows, file=path, election=election)
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        for line, station in parsed.stations:
            action = upsert_station(session=session, station=station, actor=ctx.settings.actor, now=ctx.now())
            counts[action] += 1
            click.echo(
                f"{action:9} line {line}: {station.key} ({station.opens}..{station.closes} {station.timezone})"
            )
    for warning in parsed.warnings:
        click.echo(f"warning: {warning}", err=True)
    for error in parsed.errors:
        click.echo(f"skipped: {error}", err=True)
    click.echo(
        f"imported {len(parsed.stations)} station(s) ({counts['created']} new, {counts['updated']} updated, "
        f"{counts['unchanged']} unchanged); skipped {len(parsed.errors)} row(s)"
    )
    if parsed.stations:
        publish_feeds(ctx)
    else:
        raise StationError("no usable row; nothing was changed", file=path)


@stations.command("list")
@click.option("--election", "election", metavar="ID", help="Only this election's stations.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_context
def list_command(ctx: Context, election: str | None, as_json: bool) -> None:
    """List stations with their days and hours (local time at each station)."""
    from deadlines.db.stations import list_stations, voting_windows
    from deadlines.stations.csvparse import check_days

    with ctx.session() as session:
        found = list_stations(session=session, election=election)
        windows = voting_windows(session=session)
    # A station checked against an election day that has since moved (a provisional day confirmed
    # otherwise) may now lie outside the window: say so, staff fix it in the console or the file.
    problems = {
        s.key: (problem[1] if (problem := check_days(s.opens, s.closes, window)) else None)
        if (window := windows.get(s.election))
        else "the election has no overseas voting window now"
        for s in found
    }
    if as_json:
        echo_json({"stations": [{**s.as_dict(), "problem": problems[s.key]} for s in found]})
        return
    if not found:
        click.echo("no stations" + (f" for {election}" if election else ""))
        return
    for s in found:
        note = f"  ! {problems[s.key]}" if problems[s.key] else ""
        click.echo(
            f"{s.election}  {s.station:20} {s.country} / {s.city}: {s.opens}..{s.closes} "
            f"{s.hours_text()} {s.timezone}  {s.name_en}{note}"
        )
