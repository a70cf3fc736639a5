"""The `deadlines` command, run as an operator would, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from deadlines.db.engine import make_engine
from deadlines.db.models import AuditEntry, DeadlineRow, DraftRow, NoticeRow, RuleRevision
from deadlines.rules import load_rules
from tests.conftest import RULES_DIR, SAMPLE_NOTICE, Cli, cli_env, deadlines_command
from tests.test_rules_published_dates import NA22


def count(url: str, model: type) -> int:
    engine = make_engine(url)
    try:
        with Session(engine) as s:
            return int(s.exec(select(func.count()).select_from(model)).one())
    finally:
        engine.dispose()


def test_rules_show_json_gives_every_published_date(run_sqlite: Cli) -> None:
    result = run_sqlite("rules", "show", "kr-2024-national-assembly", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["election"]["day"] == "2024-04-10" and data["election"]["timezone"] == "Asia/Seoul"
    by_id = {d["id"]: d for d in data["deadlines"]}
    for rule, opens, closes in NA22:
        if opens:
            assert by_id[rule]["opens"] == opens
        if closes:
            assert by_id[rule]["closes"] == closes
    assert by_id["poll-publication-ban"]["closes_at"] == "2024-04-10T09:00:00+00:00"
    assert set(by_id["overseas-absentee-report"]) >= {
        "id",
        "title",
        "kind",
        "audiences",
        "opens",
        "closes",
        "opens_at",
        "closes_at",
        "timezone",
        "source",
    }


@pytest.mark.parametrize("ruleset", ["kr-national-assembly", "kr-presidential", "kr-presidential-vacancy"])
def test_rules_show_what_if(run_sqlite: Cli, ruleset: str) -> None:
    args = ["rules", "show", "--ruleset", ruleset, "--day", "2027-03-03", "--json"]
    if ruleset.endswith("vacancy"):
        args += ["--anchor", "cause=2027-01-05"]
    result = run_sqlite(*args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    by_id = {d["id"]: d for d in data["deadlines"]}
    assert by_id["election-day"]["opens"] == "2027-03-03"
    if ruleset.endswith("vacancy"):
        assert by_id["overseas-absentee-report"]["opens"] == "2027-01-05"


def test_what_if_vacancy_without_cause_is_a_clear_error(run_sqlite: Cli) -> None:
    result = run_sqlite("rules", "show", "--ruleset", "kr-presidential-vacancy", "--day", "2027-03-03")
    assert result.exit_code == 1
    assert "anchor 'cause' has no date; give it with --anchor cause=YYYY-MM-DD" in result.output


def test_usage_errors_exit_2(run_sqlite: Cli) -> None:
    assert run_sqlite("rules", "show").exit_code == 2
    assert run_sqlite("rules", "show", "--ruleset", "kr-presidential", "--day", "10-04-2024").exit_code == 2
    assert (
        run_sqlite(
            "rules", "show", "--ruleset", "kr-presidential", "--day", "2024-01-01", "--anchor", "cause"
        ).exit_code
        == 2
    )
    assert run_sqlite("no-such-command").exit_code == 2


def test_unknown_election_is_a_one_line_error(run_sqlite: Cli) -> None:
    result = run_sqlite("rules", "show", "kr-1999-nothing")
    assert result.exit_code == 1
    assert result.output.strip().startswith("error: unknown election 'kr-1999-nothing'; known elections:")


def test_rules_check(run_sqlite: Cli, tmp_path: Path) -> None:
    ok = run_sqlite("rules", "check")
    assert ok.exit_code == 0 and "5 rule sets" in ok.output and "7 elections" in ok.output
    bad = tmp_path / "bad"
    shutil.copytree(RULES_DIR, bad)
    path = bad / "kr-national-assembly.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('closes = "E-60"', 'closes = "E-15O"', 1), encoding="utf-8"
    )
    result = run_sqlite("rules", "check", str(bad))
    assert result.exit_code == 1
    lines = [ln for ln in result.output.splitlines() if ln.startswith("error:")]
    assert len(lines) == 1
    assert "kr-national-assembly.toml:" in lines[0] and "rule overseas-absentee-report" in lines[0]
    assert "field 'closes'" in lines[0] and "'E-15O'" in lines[0]


def test_apply_is_idempotent_and_audited(run: Cli) -> None:
    url = run.env["DEADLINES_DATABASE_URL"]
    assert run("init").exit_code == 0
    first = run("rules", "apply")
    assert first.exit_code == 0, first.output
    # One record per rule of each election's rule set; one revision per rule set and election.
    book = load_rules(RULES_DIR)
    records = sum(len(book.rulesets[e.ruleset].rules) for e in book.elections.values())
    documents = len(book.rulesets) + len(book.elections)
    assert f"applied: {records} created" in first.output
    second = run("rules", "apply")
    assert second.exit_code == 0 and "no changes" in second.output
    assert count(url, DeadlineRow) == records
    assert count(url, RuleRevision) == documents
    assert count(url, AuditEntry) == records + documents


def test_apply_moves_dates_bumps_revision_and_cancels_removed(run: Cli, tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules)
    run.env["DEADLINES_RULES_DIR"] = str(rules)
    run("init")
    run("rules", "apply")
    path = rules / "kr-national-assembly.toml"
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        'closes = "E-60"\ncitation = "Art. 218-4(1)"', 'closes = "E-59"\ncitation = "Art. 218-4(1)"'
    )
    start = text.index('[[rule]]\nid = "shipboard-voting"')
    text = text[:start] + text[text.index("[[rule]]", start + 5) :]
    path.write_text(text, encoding="utf-8")
    result = run("rules", "apply")
    assert result.exit_code == 0, result.output
    assert (
        "updated   kr-2024-national-assembly / overseas-absentee-report: 2023-11-12 .. 2024-02-10 -> 2023-11-12 .. 2024-02-11"
        in result.output
    )
    assert "cancelled kr-2024-national-assembly / shipboard-voting" in result.output
    listed = json.loads(run("list", "--election", "kr-2024-national-assembly", "--json").output)
    by_id = {d["id"]: d for d in listed["deadlines"]}
    assert by_id["overseas-absentee-report"]["revision"] == 2
    assert by_id["overseas-absentee-report"]["closes"] == "2024-02-11"
    assert by_id["shipboard-voting"]["status"] == "cancelled" and by_id["shipboard-voting"]["revision"] == 2
    assert by_id["early-voting"]["revision"] == 1


def test_bad_rules_change_nothing(run: Cli, tmp_path: Path) -> None:
    url = run.env["DEADLINES_DATABASE_URL"]
    run("init")
    run("rules", "apply")
    rules = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules)
    (rules / "elections.toml").write_text(
        (rules / "elections.toml")
        .read_text(encoding="utf-8")
        .replace("day = 2024-04-10", "day = 2024-04-17"),
        encoding="utf-8",
    )
    (rules / "broken.toml").write_text("[ruleset\n", encoding="utf-8")
    run.env["DEADLINES_RULES_DIR"] = str(rules)
    result = run("rules", "apply")
    assert (
        result.exit_code == 1 and "malformed TOML" in result.output and "nothing was changed" in result.output
    )
    listed = json.loads(run("list", "--json").output)
    assert {d["closes"] for d in listed["deadlines"] if d["id"] == "election-day"} == {
        "2024-04-10",
        "2026-06-03",
        "2027-04-07",
        "2027-10-06",
        "2028-04-12",
        "2030-03-27",
        "2030-06-12",
    }
    assert count(url, RuleRevision) == 12


def test_console_edit_is_not_undone_without_force(run: Cli) -> None:
    url = run.env["DEADLINES_DATABASE_URL"]
    run("init")
    run("rules", "apply")
    engine = make_engine(url)
    with Session(engine) as s:
        latest = s.exec(select(RuleRevision).where(RuleRevision.key == "kr-2024-national-assembly")).one()
        doc = dict(latest.document)
        doc["day"] = "2024-04-17"
        s.add(
            RuleRevision(
                kind="election", key=latest.key, revision=2, document=doc, origin="console", actor="staff-kim"
            )
        )
        s.commit()
    engine.dispose()
    refused = run("rules", "apply")
    assert refused.exit_code == 1
    assert "election kr-2024-national-assembly" in refused.output and "staff-kim" in refused.output
    assert "--force" in refused.output
    forced = run("rules", "apply", "--force")
    assert forced.exit_code == 0 and "election kr-2024-national-assembly: revision 3" in forced.output


def test_extract_json_shape(run_sqlite: Cli) -> None:
    result = run_sqlite("extract", str(SAMPLE_NOTICE), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    records = [r for n in data["notices"] for r in n["records"]]
    period = next(r for r in records if r["kind"] == "period")
    assert (period["starts"], period["ends"]) == ("2023-11-12", "2024-02-10")
    assert set(period) >= {
        "kind",
        "starts",
        "ends",
        "time",
        "timezone",
        "audiences",
        "quote",
        "span",
        "confidence",
        "warnings",
    }
    assert {n["published"] for n in data["notices"]} == {
        "2023-11-02",
        "2023-11-03",
        "2023-11-09",
        "2023-11-13",
    }


def test_extract_reads_stdin_and_published(run_sqlite: Cli) -> None:
    result = run_sqlite(
        "extract", "-", "--json", "--published", "2023-12-20", input="Applications close on 5 Jan."
    )
    assert result.exit_code == 0, result.output
    [record] = json.loads(result.output)["notices"][0]["records"]
    assert record["ends"] == "2024-01-05"


def test_extract_needs_no_database(tmp_path: Path) -> None:
    env = {
        "DEADLINES_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none",
        "DEADLINES_RULES_DIR": str(RULES_DIR),
    }
    result = Cli(env)("extract", str(SAMPLE_NOTICE))
    assert result.exit_code == 0 and "2023-11-12 -> 2024-02-10" in result.output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "notice is empty"),
        (b"\x00\x01\x02PK\x03\x04" * 10, "binary"),
        (b"a" * 2_000_001, "over the limit"),
    ],
)
def test_bad_notice_files(run_sqlite: Cli, tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "notice.txt"
    path.write_bytes(content)
    result = run_sqlite("extract", str(path))
    assert result.exit_code == 1
    assert message in result.output and len(result.output.strip().splitlines()) == 1


def test_missing_and_directory_paths(run_sqlite: Cli, tmp_path: Path) -> None:
    missing = run_sqlite("extract", str(tmp_path / "nope.txt"))
    assert missing.exit_code == 1 and "no such file" in missing.output
    directory = run_sqlite("extract", str(tmp_path))
    assert directory.exit_code == 1 and "is a directory" in directory.output


def test_ingest_stores_drafts_once(run: Cli) -> None:
    url = run.env["DEADLINES_DATABASE_URL"]
    run("init")
    run("rules", "apply")
    result = run("ingest", str(SAMPLE_NOTICE))
    assert result.exit_code == 0, result.output
    assert "about election kr-2024-national-assembly" in result.output
    assert "confirmed period   2023-11-12 -> 2024-02-10" in result.output
    assert "confirms rule overseas-voter-registration" in result.output
    assert count(url, NoticeRow) == 4 and count(url, DraftRow) == 5
    again = run("ingest", str(SAMPLE_NOTICE))
    assert again.exit_code == 0 and "already ingested" in again.output
    assert count(url, DraftRow) == 5


def test_ingest_before_init_says_what_to_do(run_sqlite: Cli) -> None:
    result = run_sqlite("ingest", str(SAMPLE_NOTICE))
    assert result.exit_code == 1 and "run `deadlines init` first" in result.output


def test_database_that_does_not_connect(tmp_path: Path) -> None:
    env = {
        "DEADLINES_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none",
        "DEADLINES_RULES_DIR": str(RULES_DIR),
    }
    result = Cli(env)("init")
    assert result.exit_code == 1
    [line] = result.output.strip().splitlines()
    assert line.startswith("error: cannot connect to database postgresql+psycopg://nobody@127.0.0.1:1/none")
    nonsense = Cli({**env, "DEADLINES_DATABASE_URL": "not a url"})("init")
    assert nonsense.exit_code == 1 and "invalid database URL" in nonsense.output


def test_invalid_setting_is_one_line(tmp_path: Path) -> None:
    result = Cli({"DEADLINES_MAX_NOTICE_BYTES": "lots"})("extract", str(SAMPLE_NOTICE))
    assert result.exit_code == 1 and "invalid setting DEADLINES_MAX_NOTICE_BYTES" in result.output


def test_demo_runs_twice(tmp_path: Path, sqlite_url: str) -> None:
    from tests.smtp_server import free_port

    env = {**cli_env(sqlite_url, tmp_path), "DEADLINES_SMTP_PORT": str(free_port())}
    mail = str(tmp_path / "mail")
    first = Cli(env)("demo", "--no-serve", "--mail-dir", mail)
    assert first.exit_code == 0, first.output
    assert "22nd National Assembly Election" in first.output
    assert "confirms rule overseas-absentee-report" in first.output
    assert "webcal://127.0.0.1:8000/calendars/kr-2028-national-assembly.overseas.en.ics" in first.output
    assert (tmp_path / "calendars" / "kr-2028-national-assembly.overseas.en.ics").exists()
    caught = [line for line in first.output.splitlines() if line.strip().startswith("caught:")]
    assert any("voter.la@example.org" in line and "Residents abroad" in line for line in caught)
    assert any("voter.seoul@example.org" in line and "국외부재자 신고" in line for line in caught)
    second = Cli(env)("demo", "--no-serve", "--mail-dir", mail)
    assert second.exit_code == 0 and "no changes" in second.output and "already ingested" in second.output
    assert "feeds unchanged" in second.output
    assert "sent 0" in second.output


def test_console_script_exit_codes_and_help(tmp_path: Path) -> None:
    command = deadlines_command()
    helped = subprocess.run([*command, "--help"], capture_output=True, text=True, check=False)
    assert helped.returncode == 0 and "rules" in helped.stdout and "extract" in helped.stdout
    bad = subprocess.run(
        [*command, "extract", str(tmp_path / "missing.txt")], capture_output=True, text=True, check=False
    )
    assert bad.returncode == 1 and bad.stderr.strip().startswith("error:") and "Traceback" not in bad.stderr
    usage = subprocess.run(
        [*command, "rules", "show", "--bogus"], capture_output=True, text=True, check=False
    )
    assert usage.returncode == 2
