"""Commands that go with the console: staff accounts and exporting the live rules as TOML."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import Session

from deadlines.db.engine import make_engine
from deadlines.db.revisions import current_revision, publish
from tests.conftest import RULES_DIR, Cli, cli_env
from tests.reminder_helpers import init_database

E2028 = "kr-2028-national-assembly"


def test_staff_add_list_and_reset(run: Cli) -> None:
    assert run("init").exit_code == 0
    added = run("staff", "add", "alice", "--role", "viewer", "--password-stdin", input="long-enough-pw\n")
    assert added.exit_code == 0 and "staff account 'alice' (viewer) created" in added.output
    again = run("staff", "add", "alice", "--password-stdin", input="long-enough-pw\n")
    assert again.exit_code == 1 and "exists; use --reset-password" in again.stderr
    short = run("staff", "add", "bob", "--password-stdin", input="short\n")
    assert short.exit_code == 1 and "at least 10 characters" in short.stderr
    bad = run("staff", "add", "Bob Smith", "--password-stdin", input="long-enough-pw\n")
    assert bad.exit_code == 1 and "username 'Bob Smith'" in bad.stderr
    reset = run(
        "staff",
        "add",
        "alice",
        "--role",
        "editor",
        "--reset-password",
        "--password-stdin",
        input="another-pw-123\n",
    )
    assert reset.exit_code == 0
    listed = run("staff", "list")
    assert "alice" in listed.output and "editor" in listed.output and "never" in listed.output


def test_rules_export_writes_console_edits_back_and_apply_then_agrees(db_url: str, tmp_path: Path) -> None:
    init_database(db_url, tmp_path)
    run = Cli(cli_env(db_url, tmp_path))
    engine = make_engine(db_url)
    with Session(engine) as session:
        current = current_revision(session, "election", E2028)
        publish(
            session=session,
            kind="election",
            key=E2028,
            document={**current.document, "day": "2028-04-19"},
            base_revision=current.revision,
            actor="staff:alice",
            now=datetime.now(UTC),
        )
        session.commit()
    engine.dispose()
    # Files older than the console edit: apply shows the difference and needs --force.
    refused = run("rules", "apply")
    assert refused.exit_code == 1
    assert (
        # The files compute the 2028 day from the term; the console gave one.
        "day: 2028-04-19 in the console, (none) in the files" in refused.stderr
        and "--force" in refused.stderr
    )

    out = tmp_path / "rules-out"
    shutil.copytree(RULES_DIR, out)
    exported = run("rules", "export", str(out))
    assert exported.exit_code == 0, exported.stderr
    assert f"updated {out / 'elections.toml'}" in exported.output
    assert f"unchanged {out / 'kr-national-assembly.toml'}" in exported.output
    before = (RULES_DIR / "elections.toml").read_text(encoding="utf-8").splitlines()
    after = (out / "elections.toml").read_text(encoding="utf-8").splitlines()
    # The one change: the console's day, written where the election's day belongs.
    added = [line for line in after if line not in before]
    assert added == ["day = 2028-04-19"] and len(after) == len(before) + 1

    agreed = Cli({**cli_env(db_url, tmp_path), "DEADLINES_RULES_DIR": str(out)})("rules", "apply")
    assert agreed.exit_code == 0 and "no changes" in agreed.output
    # Into an empty directory, every file is created and loads again.
    empty = tmp_path / "fresh"
    fresh = run("rules", "export", str(empty))
    assert fresh.exit_code == 0 and "created" in fresh.output
    assert (
        Cli({**cli_env(db_url, tmp_path), "DEADLINES_RULES_DIR": str(empty)})("rules", "check").exit_code == 0
    )
