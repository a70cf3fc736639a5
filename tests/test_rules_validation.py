"""Rule file validation: every error is one line naming file, line, item, field and value."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from deadlines.errors import RuleErrors
from deadlines.rules import load_rules
from tests.conftest import RULES_DIR

RULESET = """\
[ruleset]
id = "test-set"
name = {{ en = "Test", ko = "시험" }}
country = "KR"
timezone = "{zone}"
holiday_policy = "none"
source = "Test Act"

[[rule]]
id = "{rule_id}"
title = {{ en = "Report", ko = "신고" }}
audiences = ["overseas"]
kind = "period"
opens = "{opens}"
closes = "{closes}"
citation = "Art. 1"
{extra}
"""

ELECTION = """\
[[election]]
id = "test-2030"
name = {{ en = "Test election", ko = "시험 선거" }}
ruleset = "{ruleset}"
day = 2030-04-10
{extra}
"""


def write(
    tmp_path: Path,
    *,
    zone: str = "Asia/Seoul",
    rule_id: str = "report",
    opens: str = "E-150",
    closes: str = "E-60",
    extra: str = "",
    ruleset: str = "test-set",
    election_extra: str = "",
) -> Path:
    (tmp_path / "set.toml").write_text(
        RULESET.format(zone=zone, rule_id=rule_id, opens=opens, closes=closes, extra=extra), encoding="utf-8"
    )
    (tmp_path / "elections.toml").write_text(
        ELECTION.format(ruleset=ruleset, extra=election_extra), encoding="utf-8"
    )
    return tmp_path


def errors_of(directory: Path) -> list[str]:
    with pytest.raises(RuleErrors) as info:
        load_rules(directory)
    return [str(e) for e in info.value.errors]


def test_valid_files_load(tmp_path: Path) -> None:
    book = load_rules(write(tmp_path))
    assert list(book.rulesets) == ["test-set"]
    assert list(book.elections) == ["test-2030"]


def test_shipped_rule_files_all_load() -> None:
    book = load_rules(RULES_DIR)
    assert set(book.rulesets) == {
        "kr-national-assembly",
        "kr-presidential",
        "kr-presidential-vacancy",
        "kr-local",
        "kr-by-election",
    }
    assert {"kr-2024-national-assembly", "kr-2028-national-assembly"} <= set(book.elections)
    for rs in book.rulesets.values():
        for rule in rs.rules:
            assert rule.citation.startswith("Art."), f"{rs.id}/{rule.id} has no article"


def test_malformed_offset_names_file_line_rule_field_and_value(tmp_path: Path) -> None:
    [error] = errors_of(write(tmp_path, closes="E-15O"))
    assert error.startswith(f"{tmp_path / 'set.toml'}:15: rule report: field 'closes':")
    assert "'E-15O'" in error and "expected an offset like 'E-150'" in error


def test_unknown_field_is_an_error_not_silently_dropped(tmp_path: Path) -> None:
    [error] = errors_of(write(tmp_path, extra='closess = "E-10"'))
    assert "rule report" in error and "field 'closess'" in error and "unknown field" in error
    assert ":17:" in error


def test_window_closing_before_it_opens(tmp_path: Path) -> None:
    [error] = errors_of(write(tmp_path, opens="E-60", closes="E-150"))
    assert "field 'closes'" in error and "before it opens" in error and "E-150" in error


def test_unknown_ruleset(tmp_path: Path) -> None:
    [error] = errors_of(write(tmp_path, ruleset="no-such-set"))
    assert "election test-2030" in error and "field 'ruleset'" in error and "'no-such-set'" in error
    assert "test-set" in error  # says what was expected


def test_unknown_anchor(tmp_path: Path) -> None:
    [error] = errors_of(write(tmp_path, opens="cause+0"))
    assert "field 'opens'" in error and "unknown anchor 'cause'" in error and "expected one of E" in error


def test_unknown_time_zone(tmp_path: Path) -> None:
    [error] = errors_of(write(tmp_path, zone="Asia/Seul"))
    assert "ruleset test-set" in error and "field 'timezone'" in error and "'Asia/Seul'" in error
    assert ":5:" in error


def test_duplicate_rule_ids(tmp_path: Path) -> None:
    write(tmp_path)
    text = (tmp_path / "set.toml").read_text(encoding="utf-8")
    rule = text[text.index("[[rule]]") :]
    (tmp_path / "set.toml").write_text(text + "\n" + rule, encoding="utf-8")
    [error] = errors_of(tmp_path)
    assert "duplicate rule id 'report'" in error


def test_duplicate_election_ids_across_files(tmp_path: Path) -> None:
    write(tmp_path)
    shutil.copy(tmp_path / "elections.toml", tmp_path / "more.toml")
    [error] = errors_of(tmp_path)
    assert "duplicate election id 'test-2030'" in error


def test_malformed_toml_names_the_line(tmp_path: Path) -> None:
    write(tmp_path)
    (tmp_path / "broken.toml").write_text('[ruleset]\nid = "x\n', encoding="utf-8")
    [error] = errors_of(tmp_path)
    assert error.startswith(f"{tmp_path / 'broken.toml'}:2: malformed TOML")


def test_every_error_is_reported_at_once(tmp_path: Path) -> None:
    errors = errors_of(write(tmp_path, zone="Nowhere/City", closes="E-15O", extra="colour = 1"))
    assert len(errors) == 3
    assert all("\n" not in e for e in errors)


@pytest.mark.parametrize(
    ("extra", "field", "expected"),
    [
        ('holiday_policy = "sometimes"', "holiday_policy", "next-business-day"),
        ('local_time = "yes"', "local_time", "true or false"),
        ('on = "E+0"', "on", "only events"),
    ],
)
def test_bad_rule_fields(tmp_path: Path, extra: str, field: str, expected: str) -> None:
    [error] = errors_of(write(tmp_path, extra=extra))
    assert f"field '{field}'" in error and expected in error


def test_missing_language_and_bad_audience(tmp_path: Path) -> None:
    write(tmp_path)
    path = tmp_path / "set.toml"
    text = path.read_text(encoding="utf-8")
    text = text.replace('title = { en = "Report", ko = "신고" }', 'title = { en = "Report" }')
    text = text.replace('audiences = ["overseas"]', 'audiences = ["aliens"]')
    path.write_text(text, encoding="utf-8")
    errors = errors_of(tmp_path)
    assert any("field 'title'" in e and "missing language 'ko'" in e for e in errors)
    assert any("field 'audiences'" in e and "'aliens'" in e for e in errors)


def test_override_needs_a_reason_and_a_known_rule(tmp_path: Path) -> None:
    errors = errors_of(write(tmp_path, election_extra='overrides = [{ rule = "nope", closes = 2030-02-01 }]'))
    assert any("field 'reason'" in e and "missing" in e for e in errors)
    write(tmp_path, election_extra='overrides = [{ rule = "nope", closes = 2030-02-01, reason = "x" }]')
    [error] = errors_of(tmp_path)
    assert "unknown rule 'nope'" in error


def test_override_replaces_a_date_and_records_its_reason(tmp_path: Path) -> None:
    from deadlines.rules import evaluate_election

    write(
        tmp_path,
        election_extra=(
            'overrides = [{ rule = "report", closes = 2030-02-12, reason = "moved by special act" }]'
        ),
    )
    [record] = evaluate_election(load_rules(tmp_path), "test-2030")
    assert str(record.closes) == "2030-02-12"
    assert record.source["override"]["reason"] == "moved by special act"


def test_event_rules_and_anchor_requirements(tmp_path: Path) -> None:
    write(tmp_path)
    path = tmp_path / "set.toml"
    text = path.read_text(encoding="utf-8").replace(
        'source = "Test Act"', 'source = "Test Act"\nanchors = ["cause"]'
    )
    path.write_text(text, encoding="utf-8")
    [error] = errors_of(tmp_path)
    assert "missing anchor 'cause'" in error
    (tmp_path / "elections.toml").write_text(
        ELECTION.format(ruleset="test-set", extra="anchors = { cause = 2030-03-01, other = 2030-01-01 }"),
        encoding="utf-8",
    )
    [error] = errors_of(tmp_path)
    assert "unknown anchor 'other'" in error


def test_cross_anchor_window_checked_once_dates_are_known(tmp_path: Path) -> None:
    write(tmp_path, opens="cause+0", closes="E-60")
    path = tmp_path / "set.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            'source = "Test Act"', 'source = "Test Act"\nanchors = ["cause"]'
        ),
        encoding="utf-8",
    )
    (tmp_path / "elections.toml").write_text(
        ELECTION.format(ruleset="test-set", extra="anchors = { cause = 2030-03-01 }"), encoding="utf-8"
    )
    [error] = errors_of(tmp_path)
    assert (
        "election test-2030, rule report" in error and "closes 2030-02-09 before it opens 2030-03-01" in error
    )


def test_empty_or_missing_directory(tmp_path: Path) -> None:
    assert "no *.toml rule files" in errors_of(tmp_path)[0]
    assert "rules directory not found" in errors_of(tmp_path / "nope")[0]


def test_unknown_top_level_table_and_bad_country(tmp_path: Path) -> None:
    write(tmp_path)
    path = tmp_path / "set.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('country = "KR"', 'country = "XX"') + "\n[extras]\nx = 1\n",
        encoding="utf-8",
    )
    errors = errors_of(tmp_path)
    assert any("field 'country'" in e and "'XX'" in e for e in errors)
    assert any("unknown top-level field 'extras'" in e for e in errors)
