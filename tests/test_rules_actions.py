"""Rule files' `action_url`, `how` and per-election `actions`: good ones load and reach the
records, bad ones give one error naming file, line, item and field; the shipped rules tell
voters how to act on every deadline that is theirs."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from deadlines.errors import RuleErrors
from deadlines.rules import RuleBook, evaluate_election, load_rules
from deadlines.rules.wording import day_words

RULESET = """\
[ruleset]
id = "test-set"
name = { en = "Test", ko = "시험" }
country = "KR"
timezone = "Asia/Seoul"
holiday_policy = "none"
source = "Test Act"

[[rule]]
id = "report"
title = { en = "Report", ko = "신고" }
audiences = ["overseas"]
kind = "period"
opens = "E-150"
closes = "E-60"
citation = "Art. 1"
RULE_EXTRA

[[rule]]
id = "register"
title = { en = "Register", ko = "등록" }
description = { en = "You can register from {report.opens} until {closes}.", ko = "{report.opens}부터 {closes}까지 등록." }
audiences = ["overseas"]
kind = "deadline"
closes = "E-60"
citation = "Art. 2"
"""

ELECTION = """\
[[election]]
id = "test-2030"
name = { en = "Test election", ko = "시험 선거" }
ruleset = "test-set"
day = 2030-04-10
ELECTION_EXTRA
"""

GOOD_RULE = """\
action_url = "https://ok.nec.go.kr"
how = { en = "Report online at {link} by {closes}, or at your embassy or consulate.", ko = "{closes}까지 {link}에서 신고." }"""


def write(tmp_path: Path, rule_extra: str = GOOD_RULE, election_extra: str = "") -> Path:
    (tmp_path / "set.toml").write_text(RULESET.replace("RULE_EXTRA", rule_extra), encoding="utf-8")
    (tmp_path / "elections.toml").write_text(
        ELECTION.replace("ELECTION_EXTRA", election_extra), encoding="utf-8"
    )
    return tmp_path


def errors_of(directory: Path) -> list[str]:
    with pytest.raises(RuleErrors) as info:
        load_rules(directory)
    return [str(e) for e in info.value.errors]


def records(directory: Path) -> dict[str, object]:
    book = load_rules(directory)
    return {r.id: r for r in evaluate_election(book, "test-2030")}


def test_action_and_how_reach_the_records_with_dates_filled(tmp_path: Path) -> None:
    got = records(write(tmp_path))
    report = got["report"]
    # 2030-04-10 minus 60 days is 2030-02-09; minus 150 is 2029-11-11.
    assert report.action_url == "https://ok.nec.go.kr"  # type: ignore[attr-defined]
    assert report.how["en"] == (  # type: ignore[attr-defined]
        "Report online at {link} by 9 Feb 2030, or at your embassy or consulate."
    )
    assert report.how["ko"].startswith("2030년 2월 9일까지 {link}에서")  # type: ignore[attr-defined]
    register = got["register"]
    assert register.description["en"] == "You can register from 11 Nov 2029 until 9 Feb 2030."  # type: ignore[attr-defined]
    assert register.description["ko"] == "2029년 11월 11일부터 2030년 2월 9일까지 등록."  # type: ignore[attr-defined]
    assert register.action_url is None and register.how == {}  # type: ignore[attr-defined]


def test_an_override_moves_the_dates_in_the_words(tmp_path: Path) -> None:
    extra = 'overrides = [{ rule = "report", closes = 2030-02-12, reason = "Extended by notice" }]'
    got = records(write(tmp_path, election_extra=extra))
    assert "by 12 Feb 2030" in got["report"].how["en"]  # type: ignore[attr-defined]


def test_an_election_action_replaces_the_url_and_keeps_the_rules_how(tmp_path: Path) -> None:
    extra = 'actions = [{ rule = "report", action_url = "https://ok.nec.go.kr/special" }]'
    report = records(write(tmp_path, election_extra=extra))["report"]
    assert report.action_url == "https://ok.nec.go.kr/special"  # type: ignore[attr-defined]
    assert report.how["en"].startswith("Report online at {link}")  # type: ignore[attr-defined]


def test_an_election_action_can_add_how_to_a_rule_without_one(tmp_path: Path) -> None:
    extra = (
        'actions = [{ rule = "register", action_url = "https://ok.nec.go.kr",'
        ' how = { en = "Register at {link}.", ko = "{link}에서 등록하십시오." } }]'
    )
    register = records(write(tmp_path, election_extra=extra))["register"]
    assert register.how == {"en": "Register at {link}.", "ko": "{link}에서 등록하십시오."}  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("rule_extra", "line", "field", "expected"),
    [
        ('action_url = "http://ok.nec.go.kr"', 17, "action_url", "expected an https URL"),
        ('action_url = "javascript:alert(1)"', 17, "action_url", "expected an https URL"),
        ('action_url = "https://"', 17, "action_url", "expected an https URL"),
        ('action_url = "https://ok.nec.go.kr/a b"', 17, "action_url", "may not contain spaces"),
        ("action_url = 3", 17, "action_url", "expected a non-empty string"),
        ('how = "Report online"', 17, "how", "expected a table with keys en and ko"),
        ('how = { en = "Report online" }', 17, "how", "missing language 'ko'"),
        ('how = { en = "Report online", ko = " " }', 17, "how", "expected a non-empty string"),
        (
            'how = { en = "At {link}", ko = "{link}" }',
            17,
            "how",
            "says {link} but the rule has no action_url",
        ),
        ('how = { en = "By {on}", ko = "x" }', 17, "how", "en: unknown placeholder {on}"),
        ('how = { en = "By {nope.closes}", ko = "x" }', 17, "how", "unknown placeholder {nope.closes}"),
        ('how = { en = "From {register.opens}", ko = "x" }', 17, "how", "rule register is a deadline"),
        ('description = { en = "At {link}", ko = "x" }', 17, "description", "unknown placeholder {link}"),
    ],
)
def test_bad_action_fields_name_file_line_rule_and_field(
    tmp_path: Path, rule_extra: str, line: int, field: str, expected: str
) -> None:
    [error] = errors_of(write(tmp_path, rule_extra))
    assert error.startswith(f"{tmp_path / 'set.toml'}:{line}: rule report: field '{field}':"), error
    assert expected in error


@pytest.mark.parametrize(
    ("election_extra", "expected"),
    [
        ('actions = [{ rule = "nope", action_url = "https://ok.nec.go.kr" }]', "unknown rule 'nope'"),
        ('actions = [{ rule = "report" }]', "gives neither action_url nor how"),
        ('actions = [{ rule = "report", action_url = "ftp://x" }]', "expected an https URL"),
        (
            'actions = [{ rule = "report", colour = "red", how = { en = "a", ko = "b" } }]',
            "unknown field 'colour'",
        ),
        ('actions = { rule = "report" }', "expected a list"),
        (
            'actions = [{ rule = "register", how = { en = "At {link}", ko = "{link}" } }]',
            "how says {link} but there is no action_url",
        ),
    ],
)
def test_bad_election_actions_name_the_election(tmp_path: Path, election_extra: str, expected: str) -> None:
    errors = errors_of(write(tmp_path, election_extra=election_extra))
    assert any("election test-2030" in e and expected in e for e in errors), errors
    assert all(str(tmp_path / "elections.toml") in e for e in errors)


VOTERS = {"overseas", "domestic", "all"}


def test_every_voter_facing_shipped_rule_says_how_to_act(book: RuleBook) -> None:
    missing = [
        f"{rs.id}/{rule.id}"
        for rs in book.rulesets.values()
        for rule in rs.rules
        if VOTERS & set(rule.audiences) and not (rule.how and rule.action_url)
    ]
    assert missing == []
    for rs in book.rulesets.values():
        for rule in rs.rules:
            if rule.action_url:
                assert rule.action_url.startswith(("https://ok.nec.go.kr", "https://www.nec.go.kr"))


def test_shipped_descriptions_speak_to_voters_not_staff(book: RuleBook) -> None:
    """No offsets ("E-150") in what a voter reads: dates come from the record."""
    for election in book.elections:
        for r in evaluate_election(book, election):
            for text in (*r.description.values(), *r.how.values()):
                assert "E-1" not in text and "E+" not in text and "{opens" not in text, (r.id, text)


def test_registration_says_when_it_opens_from_the_record(book: RuleBook) -> None:
    """22nd National Assembly: reports and registrations were taken from 12 Nov 2023 to 10 Feb
    2024 (NEC, overseas voting notice for the election of 10 Apr 2024: E-150 to E-60)."""
    got = {r.id: r for r in evaluate_election(book, "kr-2024-national-assembly")}
    registration = got["overseas-voter-registration"]
    assert "12 Nov 2023" in registration.description["en"]
    assert "2023년 11월 12일" in registration.description["ko"]
    assert registration.action_url == "https://ok.nec.go.kr"
    assert day_words(date(2024, 2, 10), "en") == "10 Feb 2024"


def test_a_broken_rule_named_by_a_placeholder_gives_one_error_not_two(tmp_path: Path) -> None:
    write(tmp_path)
    path = tmp_path / "set.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('opens = "E-150"', 'opens = "E-15O"'), encoding="utf-8"
    )
    [error] = errors_of(tmp_path)
    assert "rule report: field 'opens'" in error and "'E-15O'" in error


def test_action_fields_are_documented() -> None:
    from deadlines.rules.loader import ACTION_FIELDS
    from tests.conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| `actions` |"))
    for name in ACTION_FIELDS:
        assert f"{name} = " in row
    assert "{link}" in readme and "{overseas-absentee-report.opens}" in readme
