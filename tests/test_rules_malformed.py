"""A table of malformed rule files: each gives one clear error naming what was wrong."""

from __future__ import annotations

import pytest

from deadlines.rules.loader import parse_rules_text, rulebook_from_documents

HEAD = """[ruleset]
id = "s"
name = { en = "S", ko = "에스" }
country = "KR"
timezone = "Asia/Seoul"
holiday_policy = "none"
source = "Act"
"""
RULE = """
[[rule]]
id = "r"
title = { en = "R", ko = "알" }
audiences = ["all"]
kind = "period"
opens = "E-10"
closes = "E-5"
citation = "Art. 1"
"""


def only_error(text: str) -> str:
    parsed = parse_rules_text(text, "f.toml")
    assert len(parsed.errors) >= 1, parsed
    return str(parsed.errors[0])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (HEAD.replace('id = "s"', 'id = ""') + RULE, "expected a non-empty string"),
        (HEAD.replace('id = "s"', 'id = "Bad Id"') + RULE, "expected a lower-case slug"),
        (
            HEAD.replace('name = { en = "S", ko = "에스" }', 'name = "S"') + RULE,
            "expected a table with keys en and ko",
        ),
        (HEAD.replace('ko = "에스"', 'ko = "에스", fr = "S"') + RULE, "unknown language 'fr'"),
        (
            HEAD + RULE.replace('audiences = ["all"]', "audiences = []"),
            "expected a non-empty list of audiences",
        ),
        (HEAD + RULE.replace('opens = "E-10"', "opens = 10"), "expected an offset string"),
        (HEAD + RULE.replace('opens = "E-10"', 'opens = "E-10 25:00"'), "between 00:00 and 24:00"),
        (HEAD + RULE.replace('opens = "E-10"', 'opens = "E-10 9h"'), "expected an offset like"),
        (
            HEAD.replace('source = "Act"', 'source = "Act"\nanchors = "cause"') + RULE,
            "expected a list of strings",
        ),
        (HEAD.replace('source = "Act"', 'source = "Act"\nanchors = ["E"]') + RULE, "bad anchor name 'E'"),
        (HEAD, "a rule set needs at least one [[rule]]"),
        ("rule = 3\n" + HEAD, "expected [[rule]] tables"),
        ("rule = [3]\n" + HEAD, "expected a [[rule]] table"),
        ("ruleset = 3\n", "expected a [ruleset] table"),
        (RULE, "[[rule]] tables need a [ruleset] table"),
        ("election = 3\n", "expected [[election]] tables"),
        ("election = [3]\n", "expected an [[election]] table"),
        (HEAD + RULE.replace('kind = "period"', 'kind = "event"'), "an event has 'on'"),
        (HEAD + RULE.replace('kind = "period"', 'kind = "deadline"'), "a deadline has only 'closes'"),
        (
            HEAD
            + RULE.replace('opens = "E-10"\ncloses = "E-5"', 'on = "E+0"\nhours = "6-18"').replace(
                'kind = "period"', 'kind = "event"'
            ),
            "expected a time HH:MM",
        ),
        (
            HEAD
            + RULE.replace('opens = "E-10"\ncloses = "E-5"', 'on = "E+0"\nhours = "06:00"').replace(
                'kind = "period"', 'kind = "event"'
            ),
            "expected hours like '06:00-18:00'",
        ),
        (
            HEAD
            + RULE.replace('opens = "E-10"', 'opens = "E-5 18:00"').replace(
                'closes = "E-5"', 'closes = "E-5 09:00"'
            ),
            "before it opens",
        ),
    ],
)
def test_malformed(text: str, expected: str) -> None:
    assert expected in only_error(text)


ELECTION = """
[[election]]
id = "e"
name = { en = "E", ko = "이" }
ruleset = "s"
day = 2030-01-31
"""


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ("anchors = 3", "expected a table of anchor = date"),
        ('anchors = { cause = "soon" }', "expected a date YYYY-MM-DD, got 'soon'"),
        ("overrides = 3", "expected a list of override tables"),
        ("overrides = [3]", "expected a table { rule = ..., reason = ... }"),
        ('overrides = [{ rule = "r", reason = "x" }]', "sets no date"),
        (
            'overrides = [{ rule = "r", reason = "x", opens = 2030-01-10, closes = 2030-01-01 }]',
            "before it opens",
        ),
        ('overrides = [{ rule = "r", reason = "x", when = 2030-01-10 }]', "unknown field 'when'"),
        ('aliases = "x"', "expected a list of strings"),
    ],
)
def test_malformed_elections(extra: str, expected: str) -> None:
    text = HEAD + RULE + ELECTION.replace("day = 2030-01-31", "day = 2030-01-31\n" + extra)
    assert expected in only_error(text)


def test_election_day_as_string_and_override_on() -> None:
    from deadlines.rules import evaluate_election
    from deadlines.rules.loader import build_rulebook

    text = (
        HEAD
        + RULE
        + ELECTION.replace(
            "day = 2030-01-31",
            'day = "2030-01-31"\noverrides = [{ rule = "r", on = 2030-01-20, reason = "one day" }]',
        )
    )
    parsed = parse_rules_text(text, "f.toml")
    assert parsed.errors == []
    book, errors = build_rulebook(parsed.rulesets, parsed.elections)
    assert errors == []
    [record] = evaluate_election(book, "e")
    assert record.opens == record.closes and str(record.opens) == "2030-01-20"


def test_stored_documents_are_revalidated() -> None:
    parsed = parse_rules_text(HEAD + RULE + ELECTION, "f.toml")
    docs = [
        ("ruleset", parsed.rulesets[0].document, "f.toml"),
        ("election", parsed.elections[0].document, "f.toml"),
    ]
    book = rulebook_from_documents(docs)
    assert list(book.elections) == ["e"]
    from deadlines.errors import RuleErrors

    broken = dict(parsed.elections[0].document, day="someday")
    with pytest.raises(RuleErrors, match="expected a date"):
        rulebook_from_documents([docs[0], ("election", broken, None)])


def test_duplicate_ruleset_ids() -> None:
    from deadlines.rules.loader import build_rulebook

    parsed = parse_rules_text(HEAD + RULE, "a.toml")
    again = parse_rules_text(HEAD + RULE, "b.toml")
    _book, errors = build_rulebook(parsed.rulesets + again.rulesets, [])
    assert "duplicate ruleset id 's' (also in a.toml)" in str(errors[0])


def test_unreadable_rule_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from deadlines.errors import RuleErrors
    from deadlines.rules import load_rules

    (tmp_path / "latin1.toml").write_bytes("# caf\xe9\n".encode("latin-1"))
    with pytest.raises(RuleErrors, match="cannot read file"):
        load_rules(tmp_path)
