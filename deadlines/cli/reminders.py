"""Commands for reminders: worker, subscribers import/export/forget, outbox."""

from __future__ import annotations

import asyncio
import logging
import sys
from datetime import UTC, datetime
from pathlib import Path

import click

from deadlines.cli.common import Context, echo_json, pass_context
from deadlines.errors import DeadlinesError


def _instant(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as e:
        raise click.BadParameter(
            f"expected an ISO 8601 instant such as 2024-02-09T00:00:00Z, got {value!r}", param_hint="--now"
        ) from e
    if parsed.tzinfo is None:
        raise click.BadParameter(
            "give a zone or offset (Z, +09:00): naive times are ambiguous", param_hint="--now"
        )
    return parsed.astimezone(UTC)


@click.command()
@click.option("--once", is_flag=True, help="Run one planning and dispatch pass, then exit.")
@click.option("--now", "now_text", help="With --once: act as if it were this instant (ISO 8601 with zone).")
@pass_context
def worker(ctx: Context, once: bool, now_text: str | None) -> None:
    """Plan and send reminder emails; publish feeds. Runs until SIGTERM unless --once."""
    from deadlines.reminders.worker import Worker

    now = _instant(now_text)
    if now and not once:
        raise click.UsageError("--now goes with --once")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    # APScheduler logs every run of every job at INFO (a dispatch pass every few seconds): its
    # warnings (missed runs) matter, the rest drowns the worker's own decision lines.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    ctx.require_database()
    w = Worker(ctx.settings, engine=ctx.engine)
    if once:
        plan, sent = asyncio.run(w.once(now))
        click.echo(f"{plan}\n{sent}")
    else:
        asyncio.run(w.run())


@click.group()
def subscribers() -> None:
    """Import, export and forget subscribers."""


def _elections(ctx: Context) -> list[str]:
    from deadlines.db.rulesync import list_elections

    with ctx.session() as session:
        return [e.id for e in list_elections(session=session) if e.status == "active"]


@subscribers.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--confirmed",
    is_flag=True,
    help="The list already opted in: activate without a confirmation email (audited).",
)
@pass_context
def import_command(ctx: Context, file: Path, confirmed: bool) -> None:
    """Import FILE.csv with columns email,language,timezone,election,audiences."""
    from deadlines.reminders.importer import import_rows, parse_csv

    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise DeadlinesError(f"{file}: cannot read as UTF-8 CSV ({e})") from e
    ctx.require_database()
    rows = list(parse_csv(text))
    known = _elections(ctx)
    stderr = sys.stderr
    progress = click.progressbar(length=len(rows), label="importing", file=stderr)
    with ctx.session() as session, progress:
        report = import_rows(
            session=session,
            rows=rows,
            known_elections=known,
            confirmed=confirmed,
            actor=ctx.settings.actor,
            now=ctx.now(),
            progress=progress.update,
        )
    for error in report.errors:
        click.echo(f"skipped {error}", err=True)
    click.echo(
        f"imported {report.imported} new, updated {report.updated}, skipped {len(report.errors)} row(s)"
    )


@subscribers.command("export")
@click.argument("email")
@pass_context
def export_command(ctx: Context, email: str) -> None:
    """Print everything stored about EMAIL, as JSON (privacy requests)."""
    from deadlines.reminders.privacy import export_subscriber

    with ctx.session() as session:
        echo_json(export_subscriber(session=session, email=email))


@subscribers.command("forget")
@click.argument("email")
@pass_context
def forget_command(ctx: Context, email: str) -> None:
    """Erase EMAIL and everything planned for it (privacy requests)."""
    from deadlines.reminders.privacy import forget_subscriber

    with ctx.session() as session:
        forget_subscriber(session=session, email=email, actor=ctx.settings.actor, now=ctx.now())
    click.echo(f"forgot {email}")


@subscribers.command("unsuppress")
@click.argument("email")
@pass_context
def unsuppress_command(ctx: Context, email: str) -> None:
    """Bring a suppressed EMAIL back: active, bounces reset (audited)."""
    from deadlines.reminders.suppression import unsuppress

    with ctx.session() as session:
        subscriber = unsuppress(session=session, email=email, actor=ctx.settings.actor, now=ctx.now())
        address, status = subscriber.email, subscriber.status
    click.echo(f"{address} is {status} again; its bounce count is reset")


@click.group("outbox", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def outbox_command(click_ctx: click.Context, as_json: bool) -> None:
    """Counts by state, the next due email, recent failures with reasons, relay problems."""
    if click_ctx.invoked_subcommand is None:
        _outbox_status(click_ctx.ensure_object(Context), as_json)


@outbox_command.command("resume")
@pass_context
def resume_command(ctx: Context) -> None:
    """Resume dispatch after the bounce brake paused it (audited)."""
    from deadlines.reminders.suppression import resume_dispatch

    with ctx.session() as session:
        paused = resume_dispatch(session=session, actor=ctx.settings.actor, now=ctx.now())
    click.echo("dispatch resumed" if paused else "dispatch was not paused")


def _outbox_status(ctx: Context, as_json: bool) -> None:
    from sqlmodel import col, select

    from deadlines.db.models import OutboxRow
    from deadlines.db.service_state import describe, problems
    from deadlines.reminders.plan_db import counts

    with ctx.session() as session:
        by_state = dict(counts(ctx.engine))
        upcoming = session.exec(
            select(OutboxRow)
            .where(col(OutboxRow.state).in_(("pending", "retry")))
            .order_by(col(OutboxRow.due_at))
        ).first()
        failures = session.exec(
            select(OutboxRow)
            .where(col(OutboxRow.state).in_(("failed", "retry")))
            .order_by(col(OutboxRow.id).desc())
            .limit(10)
        ).all()
        found = problems(session=session)
    recent: list[dict[str, object]] = [
        {
            "id": f.id,
            "kind": f.kind,
            "trigger": f.trigger,
            "state": f.state,
            "attempts": f.attempts,
            "reason": f.last_error,
        }
        for f in failures
    ]
    data = {
        "counts": by_state,
        "next_due": upcoming.due_at.isoformat() if upcoming else None,
        "recent_failures": recent,
        "problems": found,
    }
    if as_json:
        echo_json(data)
        return
    for problem in found:
        click.echo(f"PROBLEM: {describe(problem)}")
    click.echo("  ".join(f"{k}={v}" for k, v in sorted(by_state.items())) or "outbox is empty")
    click.echo(f"next due: {data['next_due'] or '-'}")
    for f in recent:
        click.echo(
            f"  #{f['id']} {f['kind']}/{f['trigger']} {f['state']} after {f['attempts']}: {f['reason']}"
        )
