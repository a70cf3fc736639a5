"""`deadlines demo`: the whole service on embedded defaults, for a newcomer's first minute."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
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
    emails to a local mail catcher, publish the feeds, then serve the site and the staff console
    with a worker beside them."""
    from deadlines.cli.feeds import serve as serve_command
    from deadlines.cli.notices import ingest
    from deadlines.cli.records import list_command
    from deadlines.cli.rules import apply, init
    from deadlines.cli.stations import import_command as import_stations
    from deadlines.mailcatcher import MailCatcher
    from deadlines.reminders.importer import import_rows, parse_csv
    from deadlines.reminders.worker import Worker
    from deadlines.web.links import feed_links

    sample = resources.files("deadlines") / "samples" / "nec-2023-11.txt"
    # Every link (pages, feeds, QR codes, emails) names the port served on, unless
    # DEADLINES_BASE_URL says otherwise; the catcher starts first, so a port problem stops the
    # demo before anything is set up.
    base = demo_base_url(ctx, host, port)
    catcher = None
    if ctx.settings.smtp_host in ("localhost", "127.0.0.1"):
        catcher = MailCatcher.started(mail_dir, "127.0.0.1", ctx.settings.smtp_port)
    try:
        ctx.settings = ctx.settings.model_copy(
            update={"base_url": base}
            | ({"smtp_host": "127.0.0.1", "smtp_port": catcher.port} if catcher else {})
        )
        mail_to = (
            f"{mail_dir}/ (mail catcher on 127.0.0.1:{catcher.port})"
            if catcher
            else f"the SMTP server {ctx.settings.smtp_host}:{ctx.settings.smtp_port}"
        )
        click.echo(f"links name {base}; mail goes to {mail_to}")
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
        click.secho("\n== 4b. overseas voting stations (a sample for the 2028 election)", bold=True)
        stations_csv = resources.files("deadlines") / "samples" / "stations-kr-2028-national-assembly.csv"
        with resources.as_file(stations_csv) as path:
            click_ctx.invoke(import_stations, path=str(path), election=None)

        click.secho("\n== 5. reminder emails (a rehearsal at 2028-02-11 15:00 UTC)", bold=True)
        with ctx.session() as session:
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

        click.secho("\n== 6. calendar feeds", bold=True)
        for name in (
            "kr-2028-national-assembly.overseas.en.ics",
            "kr-2028-national-assembly.ko.ics",
            "upcoming.en.ics",
        ):
            links = feed_links(base, name)
            click.echo(f"  {links['url']}\n    subscribe: {links['webcal']}")
        click.echo(f"  all feeds: {base}/calendars/   health: {base}/healthz")

        click.secho("\n== 7. web pages and the staff console", bold=True)
        password = _demo_staff(ctx)
        click.echo(f"  site:     {base}/   (English or Korean; sign up at {base}/subscribe)")
        click.echo(f"  election: {base}/elections/kr-2028-national-assembly")
        click.echo(f"  stations: {base}/elections/kr-2028-national-assembly/stations")
        click.echo(f"  console:  {base}/admin/   user {DEMO_STAFF!r}, password {password!r} (new each run)")
        click.echo(f"  API:      {base}/api/elections   documented at {base}/docs")
        if serve:
            worker_process = _start_worker(ctx)
            click.secho(
                f"\n== serving on {base} with a worker beside it (Ctrl-C stops both); mail goes to {mail_to}",
                bold=True,
            )
            try:
                click_ctx.invoke(serve_command, host=host, port=port)
            finally:
                worker_process.terminate()
                worker_process.wait(timeout=30)
    finally:
        if catcher:
            catcher.stop()


DEMO_STAFF = "demo"


def _demo_staff(ctx: Context) -> str:
    """A demo editor account with a fresh random password, printed for the newcomer."""
    import secrets

    from sqlmodel import select

    from deadlines.db.models import StaffUser
    from deadlines.db.staff import add_staff

    password = secrets.token_urlsafe(12)
    with ctx.session() as session:
        query = select(StaffUser).where(StaffUser.username == DEMO_STAFF)
        exists = session.exec(query).first() is not None
        add_staff(
            session=session,
            username=DEMO_STAFF,
            password=password,
            role="editor",
            actor="demo",
            now=ctx.now(),
            replace=exists,
        )
    return password


def demo_base_url(ctx: Context, host: str, port: int) -> str:
    """DEADLINES_BASE_URL when it is set, else the address served on (a wildcard address
    becomes 127.0.0.1, which a browser on this machine can open)."""
    if "base_url" in ctx.settings.model_fields_set:
        return ctx.settings.base_url.rstrip("/")
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    return f"http://[{shown}]:{port}" if ":" in shown else f"http://{shown}:{port}"


def _start_worker(ctx: Context) -> subprocess.Popen[bytes]:
    """`deadlines worker` in its own process, as the Procfile runs it, on the same settings
    (inherited from the environment), sending to the demo's mail catcher with the demo's links."""
    env = {
        **os.environ,
        "DEADLINES_QUIET_HOURS": "",
        "DEADLINES_DISPATCH_INTERVAL_SECONDS": "2",
        "DEADLINES_BASE_URL": ctx.settings.base_url,
        "DEADLINES_SMTP_HOST": ctx.settings.smtp_host,
        "DEADLINES_SMTP_PORT": str(ctx.settings.smtp_port),
    }
    return subprocess.Popen([sys.executable, "-m", "deadlines", "worker"], env=env)
