"""`deadlines publish`: every feed written atomically, only changed files rewritten."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import icalendar
import vobject

from tests.conftest import RULES_DIR, Cli, cli_env
from tests.reminder_helpers import init_database


def test_publish_writes_every_feed_once(run: Cli, tmp_path: Path) -> None:
    assert run("init").exit_code == 0
    applied = run("rules", "apply")
    out = Path(run.env["DEADLINES_CALENDARS_DIR"])
    files = sorted(out.glob("*.ics"))
    assert f"published {len(files)} feeds" in applied.output
    # Every shipped election has its feeds, in both languages (7 elections: 78 feeds today).
    for election in (
        "kr-2024-national-assembly",
        "kr-2026-local",
        "kr-2028-national-assembly",
        "kr-2030-local",
    ):
        assert {f"{election}.en.ics", f"{election}.ko.ics"} <= {p.name for p in files}
    for path in files:
        body = path.read_bytes()
        icalendar.Calendar.from_ical(body)
        vobject.readOne(body.decode("utf-8"))
    index = json.loads((out / "index.json").read_text(encoding="utf-8"))
    assert {f["path"] for f in index["feeds"]} == {p.name for p in files}
    entry = next(f for f in index["feeds"] if f["id"] == "kr-2024-national-assembly.overseas.ko")
    assert entry["language"] == "ko" and entry["audience"] == "overseas" and entry["events"] > 5
    mtimes = {p.name: p.stat().st_mtime_ns for p in files}
    again = run("publish")
    assert again.exit_code == 0 and f"feeds unchanged: {len(files)} feeds" in again.output
    assert {p.name: p.stat().st_mtime_ns for p in out.glob("*.ics")} == mtimes
    assert not list(out.glob(".*.tmp"))


def test_publish_rewrites_only_changed_feeds(db_url: str, tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules)
    init_database(db_url, tmp_path)
    run = Cli({**cli_env(db_url, tmp_path), "DEADLINES_RULES_DIR": str(rules)})
    path = rules / "kr-national-assembly.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace('opens = "E-8"\ncloses = "E-5"', 'opens = "E-8"\ncloses = "E-4"'), encoding="utf-8"
    )
    result = run("rules", "apply")
    assert result.exit_code == 0, result.output
    changed = {line.split()[1] for line in result.output.splitlines() if line.startswith("updated  ")}
    # Shipboard voting is a domestic-audience rule: its feeds change, the overseas ones do not.
    assert "kr-2024-national-assembly.domestic.en.ics" in changed
    assert "kr-2024-national-assembly.overseas.en.ics" not in changed
    assert "index.json" in changed


def test_publish_to_another_directory_and_removal_of_stale_feeds(run_sqlite: Cli, tmp_path: Path) -> None:
    run_sqlite("init")
    run_sqlite("rules", "apply")
    out = tmp_path / "static"
    out.mkdir()
    (out / "old-election.en.ics").write_bytes(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    result = run_sqlite("publish", "--out", str(out))
    assert result.exit_code == 0
    assert "removed  old-election.en.ics" in result.output
    assert (out / "upcoming.en.ics").exists()


def test_publish_to_unwritable_place_is_one_line(run_sqlite: Cli, tmp_path: Path) -> None:
    run_sqlite("init")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run_sqlite("publish", "--out", str(blocker / "sub"))
    assert result.exit_code == 1 and result.output.startswith("error: cannot write feeds to")
