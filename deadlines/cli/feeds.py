"""Commands for feeds: publish (static files) and serve (HTTP)."""

from __future__ import annotations

from pathlib import Path

import click

from deadlines.cli.common import Context, pass_context


def publish_feeds(ctx: Context, out: Path | None = None) -> None:
    from deadlines.adapters import feed_settings
    from deadlines.db.feeddata import publish_from_db

    out_dir = out or ctx.settings.calendars_dir
    ctx.require_database()
    feeds, changes = publish_from_db(
        ctx.engine, out_dir=out_dir, settings=feed_settings(ctx.settings), now=ctx.now()
    )
    for change in changes:
        click.echo(f"{change}  ({out_dir / change.path})" if change.action != "removed" else str(change))
    if not changes:
        click.echo(f"feeds unchanged: {len(feeds)} feeds in {out_dir}")
    else:
        click.echo(f"published {len(feeds)} feeds to {out_dir}: {len(changes)} file(s) changed")


@click.command("publish")
@click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), help="Directory (default: calendars/)."
)
@pass_context
def publish_command(ctx: Context, out: Path | None) -> None:
    """Write every feed and index.json atomically; only changed files are rewritten."""
    publish_feeds(ctx, out)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port (0 picks a free one).")
@pass_context
def serve(ctx: Context, host: str, port: int) -> None:
    """Serve the site and feeds over HTTP (uvicorn, one process)."""
    from deadlines.web.app import create_app
    from deadlines.web.server import serve as run_server

    run_server(create_app(ctx.settings), host=host, port=port)
