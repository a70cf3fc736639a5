"""What changed, read back from the database on both engines: an override given in the rule
files and applied with `deadlines rules apply` reaches the feed snapshot with its reason."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session

from deadlines.db.engine import make_engine
from deadlines.db.feeddata import load_feed_data
from tests.conftest import RULES_DIR, Cli
from tests.reminder_helpers import init_database

ELECTION = "kr-2028-national-assembly"
REASON = "NEC notice of 30 Nov 2027: overseas reports accepted until 15 Feb 2028"
OVERRIDE = f"""overrides = [{{ rule = "overseas-absentee-report", closes = 2028-02-15, reason = "{REASON}" }}]
"""


@pytest.mark.slow
def test_an_override_applied_from_the_files_is_a_change_with_its_reason(run: Cli, tmp_path: Path) -> None:
    init_database(run.env["DEADLINES_DATABASE_URL"], tmp_path)
    rules = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules)
    elections = rules / "elections.toml"
    text = elections.read_text(encoding="utf-8")
    anchor = "term_ends = 2028-05-29\n"
    assert text.count(anchor) == 1
    elections.write_text(text.replace(anchor, anchor + OVERRIDE), encoding="utf-8")
    applied = Cli({**run.env, "DEADLINES_RULES_DIR": str(rules)})("rules", "apply")
    assert applied.exit_code == 0, applied.output

    engine = make_engine(run.env["DEADLINES_DATABASE_URL"])
    try:
        with Session(engine) as session:
            data = load_feed_data(session=session)
    finally:
        engine.dispose()
    items = {i.record.id: i for i in data.items if i.record.election_id == ELECTION}
    [change] = items["overseas-absentee-report"].changes
    assert (change.was.closes, change.now.closes) == (date(2028, 2, 12), date(2028, 2, 15))
    assert change.reason == REASON and change.title["ko"] == "국외부재자 신고"
    # The other deadlines did not move.
    assert [k for k, i in items.items() if i.changes] == ["overseas-absentee-report"]
