"""`deadlines demo`: the whole service on embedded defaults, for a newcomer's first minute."""

from __future__ import annotations

from importlib import resources

import click

from deadlines.cli.common import Context, pass_context


@click.command()
@click.pass_context
@pass_context
def demo(ctx: Context, click_ctx: click.Context) -> None:
    """Set up a SQLite database, apply the shipped rules, ingest the sample notice and show all."""
    from deadlines.cli.notices import ingest
    from deadlines.cli.records import list_command
    from deadlines.cli.rules import apply, init

    sample = resources.files("deadlines") / "samples" / "nec-2023-11.txt"
    click.secho("== 1. database", bold=True)
    click_ctx.invoke(init)
    click.secho("\n== 2. rules from " + str(ctx.settings.rules_dir), bold=True)
    click_ctx.invoke(apply)
    click.secho("\n== 3. deadline records", bold=True)
    click_ctx.invoke(list_command)
    click.secho("\n== 4. the sample notice (NEC press releases, Nov 2023), reconciled", bold=True)
    with resources.as_file(sample) as path:
        click_ctx.invoke(ingest, path=str(path))
    click.echo("\nNext: `deadlines rules show kr-2024-national-assembly --json`, `deadlines extract FILE`.")
