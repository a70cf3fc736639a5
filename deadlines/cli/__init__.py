"""The `deadlines` command: one entry point, errors mapped to exit codes in one place."""

from __future__ import annotations

import sys
from typing import Any

import click
from sqlalchemy.exc import SQLAlchemyError

from deadlines.cli.common import Context
from deadlines.errors import DeadlinesError, RuleErrors


class _Group(click.Group):
    """Turns service errors into one line on stderr and exit 1; click keeps exit 2 for usage."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except RuleErrors as e:
            for error in e.errors:
                click.echo(f"error: {error}", err=True)
            click.echo(f"{len(e.errors)} error(s); nothing was changed.", err=True)
            sys.exit(e.exit_code)
        except DeadlinesError as e:
            click.echo(f"error: {e}", err=True)
            sys.exit(e.exit_code)
        except SQLAlchemyError as e:
            from deadlines.db.engine import error_reason

            reason = error_reason(e)
            click.echo(f"error: database: {reason}; nothing was changed", err=True)
            sys.exit(1)
        finally:
            if isinstance(ctx.obj, Context):
                ctx.obj.close()


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="deadlines")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Election deadlines: rules, notice extraction, feeds and reminders.

    Settings come from the environment (DEADLINES_DATABASE_URL, DEADLINES_RULES_DIR, ...);
    see the README.
    """
    ctx.obj = Context()


def _register() -> None:
    from deadlines.cli import demo, elections, feeds, notices, records, reminders, rules, staff, stations

    cli.add_command(rules.init)
    cli.add_command(rules.rules)
    rules.rules.add_command(elections.election_day)
    rules.rules.add_command(elections.confirm_day)
    cli.add_command(notices.extract_command)
    cli.add_command(notices.ingest)
    cli.add_command(records.list_command)
    cli.add_command(feeds.publish_command)
    cli.add_command(feeds.serve)
    cli.add_command(reminders.worker)
    cli.add_command(reminders.subscribers)
    cli.add_command(reminders.outbox_command)
    cli.add_command(staff.staff)
    cli.add_command(stations.stations)
    cli.add_command(demo.demo)


_register()


def main() -> None:
    cli(prog_name="deadlines")
