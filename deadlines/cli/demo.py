"""`deadlines demo`: the whole service on embedded defaults, for a newcomer's first minute."""

from __future__ import annotations

from importlib import resources

import click

from deadlines.cli.common import Context, pass_context


@click.command()
@click.option("--serve/--no-serve", default=True, show_default=True, help="Serve the site after setting up.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to serve on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to serve on.")
@click.pass_context
@pass_context
def demo(ctx: Context, click_ctx: click.Context, serve: bool, host: str, port: int) -> None:
    """Set up a SQLite database, apply the shipped rules, ingest the sample notice, publish and
    serve the feeds."""
    from deadlines.cli.feeds import serve as serve_command
    from deadlines.cli.notices import ingest
    from deadlines.cli.records import list_command
    from deadlines.cli.rules import apply, init
    from deadlines.web.app import feed_links

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
    base = f"http://{host}:{port}"
    click.secho("\n== 5. calendar feeds", bold=True)
    for name in (
        "kr-2028-national-assembly.overseas.en.ics",
        "kr-2028-national-assembly.ko.ics",
        "upcoming.en.ics",
    ):
        links = feed_links(base, name)
        click.echo(f"  {links['url']}\n    subscribe: {links['webcal']}")
    click.echo(f"  all feeds: {base}/calendars/   health: {base}/healthz")
    if serve:
        click.secho(f"\n== serving on {base} (Ctrl-C to stop)", bold=True)
        click_ctx.invoke(serve_command, host=host, port=port)
