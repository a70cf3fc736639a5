"""The `list` command: deadline records as stored in the database."""

from __future__ import annotations

import click

from deadlines.cli.common import Context, echo_json, pass_context
from deadlines.cli.rules import print_records
from deadlines.records import record_to_json


@click.command("list")
@click.option("--election", "election_id", help="Only this election.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (shape in the README).")
@pass_context
def list_command(ctx: Context, election_id: str | None, as_json: bool) -> None:
    """List the stored deadline records, with status and revision."""
    from deadlines.db.rulesync import list_deadlines, list_elections

    with ctx.session() as session:
        elections = {e.id: e for e in list_elections(session=session)}
        if election_id and election_id not in elections:
            from deadlines.errors import NotFound

            raise NotFound(f"no stored election {election_id!r}; stored: {', '.join(elections) or 'none'}")
        pairs = list_deadlines(session=session, election_id=election_id)
    if as_json:
        echo_json(
            {
                "deadlines": [
                    {
                        **record_to_json(record),
                        "provisional": elections[record.election_id].provisional,
                        "updated_at": row.updated_at.isoformat(),
                    }
                    for record, row in pairs
                ]
            }
        )
        return
    for eid, e in elections.items():
        if election_id and eid != election_id:
            continue
        click.echo(
            f"{e.name_en} ({eid}), election day {e.day}{' (provisional)' if e.provisional else ''} [{e.status}]"
        )
        print_records([r for r, _row in pairs if r.election_id == eid])
