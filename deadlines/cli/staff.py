"""Commands for console accounts: staff add, staff list."""

from __future__ import annotations

import sys

import click

from deadlines.cli.common import Context, pass_context


@click.group()
def staff() -> None:
    """Create and list staff accounts of the console (/admin/)."""


@staff.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(["editor", "viewer"]), default="editor", show_default=True)
@click.option("--email", help="Address for test reminders (optional).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (for scripts).")
@click.option(
    "--reset-password",
    is_flag=True,
    help="The account exists: set a new password and role, and end every login made with the old one.",
)
@pass_context
def add(
    ctx: Context, username: str, role: str, email: str | None, password_stdin: bool, reset_password: bool
) -> None:
    """Create a staff account USERNAME; the password is asked for (never an argument, which
    would end up in shell history and process lists)."""
    from deadlines.db.staff import add_staff

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    with ctx.session() as session:
        user = add_staff(
            session=session,
            username=username,
            password=password,
            role=role,
            actor=ctx.settings.actor,
            now=ctx.now(),
            replace=reset_password,
        )
        if email:
            user.email = email
            session.add(user)
    if reset_password:
        click.echo(f"staff account {username!r} ({role}) updated; its existing logins are ended")
    else:
        click.echo(f"staff account {username!r} ({role}) created")


@staff.command("list")
@pass_context
def list_staff(ctx: Context) -> None:
    """Every staff account with its role and last login."""
    from sqlmodel import select

    from deadlines.db.models import StaffUser

    with ctx.session() as session:
        for user in session.exec(select(StaffUser).order_by(StaffUser.username)):
            last = f"{user.last_login_at:%Y-%m-%d %H:%M} UTC" if user.last_login_at else "never"
            state = "" if user.active else " (disabled)"
            click.echo(f"{user.username:24} {user.role:7} last login {last}{state}")
