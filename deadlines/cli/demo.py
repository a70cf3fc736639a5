"""`deadlines demo`: the whole service on embedded defaults, for a newcomer's first minute."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import click

from deadlines.cli.common import Context, pass_context

# A rehearsal instant: one day before the 23rd election's overseas reporting closes, so the
# demo's subscribers get real reminder emails today.
REHEARSAL = datetime(2028, 2, 11, 15, tzinfo=UTC)
DEMO_SUBSCRIBERS = """email,language,timezone,election,audiences
voter.la@example.org,en,America/Los_Angeles,kr-2028-national-assembly,overseas
voter.seoul@example.org,ko,Asia/Seoul,kr-2028-national-assembly,overseas
"""


@click.command()
@click.option("--serve/--no-serve", default=True, show_default=True, help="Serve the site after setting up.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to serve on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to serve on.")
@click.option(
    "--mail-dir",
    default="demo-mail",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Maildir where the demo's mail catcher files every email.",
)
@click.pass_context
@pass_context
def demo(ctx: Context, click_ctx: click.Context, serve: bool, host: str, port: int, mail_dir: Path) -> None:
    """Set up a SQLite database, apply the shipped rules, ingest the sample notice, send reminder
    emails to a local mail catcher, publish and serve the feeds."""
    from deadlines.cli.feeds import serve as serve_command
    from deadlines.cli.notices import ingest
    from deadlines.cli.records import list_command
    from deadlines.cli.rules import apply, init
    from deadlines.db.engine import session_scope
    from deadlines.mailcatcher import MailCatcher, port_free
    from deadlines.reminders.importer import import_rows, parse_csv
    from deadlines.reminders.worker import Worker
    from deadlines.web.links import feed_links

    sample = resources.files("deadlines") / "samples" / "nec-2023-11.txt"
    click.secho("== 1. database", bold=True)
    click_ctx.invoke(init)
    click.secho(
        f"\n== 2. rules from {ctx.settings.rules_dir}, feeds to {ctx.settings.calendars_dir}", bold=True
    )
    click_ctx.invoke(apply)
    click.secho("\n== 3. deadline records", bold=True)
    click_ctx.invoke(list_command)
    click.secho("\n== 4. the sample notice (NEC press releases, Nov 2023), reconciled", bold=True)
    with resources.as_file(sample) as path:
        click_ctx.invoke(ingest, path=str(path))

    click.secho("\n== 5. reminder emails (a rehearsal at 2028-02-11 15:00 UTC)", bold=True)
    smtp_port = ctx.settings.smtp_port
    catcher = None
    if ctx.settings.smtp_host in ("localhost", "127.0.0.1") and port_free("127.0.0.1", smtp_port):
        catcher = MailCatcher(mail_dir, port=smtp_port)
        catcher.start()
        click.echo(f"  mail catcher on 127.0.0.1:{smtp_port}, filing messages in {mail_dir}/")
    try:
        with session_scope(ctx.engine) as session:
            report = import_rows(
                session=session,
                rows=parse_csv(DEMO_SUBSCRIBERS),
                known_elections=["kr-2028-national-assembly"],
                confirmed=True,
                actor="demo",
                now=ctx.now(),
            )
        click.echo(f"  demo subscribers: {report.imported} new, {report.updated} already there")
        worker = Worker(ctx.settings.model_copy(update={"quiet_hours": ""}), engine=ctx.engine)
        plan, sent = asyncio.run(worker.once(REHEARSAL))
        click.echo(f"  {plan}\n  {sent}")
        if catcher:
            for to, subject in catcher.summary():
                click.echo(f"  caught: {to:26} {subject}")

        base = f"http://{host}:{port}"
        click.secho("\n== 6. calendar feeds", bold=True)
        for name in (
            "kr-2028-national-assembly.overseas.en.ics",
            "kr-2028-national-assembly.ko.ics",
            "upcoming.en.ics",
        ):
            links = feed_links(base, name)
            click.echo(f"  {links['url']}\n    subscribe: {links['webcal']}")
        click.echo(f"  all feeds: {base}/calendars/   health: {base}/healthz")
        if serve:
            # The mail catcher keeps running, so a `deadlines worker` started beside the demo
            # delivers into the same Maildir.
            click.secho(f"\n== serving on {base} (Ctrl-C to stop); mail still goes to {mail_dir}/", bold=True)
            click_ctx.invoke(serve_command, host=host, port=port)
    finally:
        if catcher:
            catcher.stop()
