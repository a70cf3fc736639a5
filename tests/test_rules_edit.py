"""Console edits as rule documents, and the live rules written back as TOML. Pure."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path
from typing import Any

import pytest

from deadlines.errors import RuleError, RuleErrors
from deadlines.rules import RuleBook, evaluate_election
from deadlines.rules.edit import OverrideInput, edit_election, edit_rule, field_errors, replaced
from deadlines.rules.export import elections_text, ruleset_text
from tests.conftest import RULES_DIR

E2028 = "kr-2028-national-assembly"


def _documents(book: RuleBook) -> dict[tuple[str, str], tuple[dict[str, Any], str | None]]:
    docs: dict[tuple[str, str], tuple[dict[str, Any], str | None]] = {}
    for rs in book.rulesets.values():
        docs[("ruleset", rs.id)] = (copy.deepcopy(dict(rs.document)), rs.file)
    for e in book.elections.values():
        docs[("election", e.id)] = (copy.deepcopy(dict(e.document)), e.file)
    return docs


def _absentee(book: RuleBook, election: str) -> tuple[Any, Any]:
    record = next(r for r in evaluate_election(book, election) if r.id == "overseas-absentee-report")
    return record.opens, record.closes


def test_moving_election_day_moves_every_offset(book: RuleBook) -> None:
    docs = _documents(book)
    new = edit_election(docs[("election", E2028)][0], day="2028-04-19", anchors={}, overrides=[])
    moved = replaced(docs, ("election", E2028), new)
    assert [str(d) for d in _absentee(moved, E2028)] == ["2027-11-21", "2028-02-19"]
    assert [str(d) for d in _absentee(book, E2028)] == ["2027-11-14", "2028-02-12"]


def test_override_with_reason_replaces_a_computed_date(book: RuleBook) -> None:
    docs = _documents(book)
    new = edit_election(
        docs[("election", E2028)][0],
        day="2028-04-12",
        anchors={"unused": "  "},
        overrides=[
            OverrideInput("overseas-absentee-report", "", "2028-02-14", "notice 7: extended"),
            OverrideInput("", "", "", ""),
        ],
    )
    assert new["overrides"] == [
        {"rule": "overseas-absentee-report", "closes": "2028-02-14", "reason": "notice 7: extended"}
    ]
    assert "anchors" not in new
    assert str(_absentee(replaced(docs, ("election", E2028), new), E2028)[1]) == "2028-02-14"
    # Removing every override removes the key.
    assert "overrides" not in edit_election(new, day="2028-04-12", anchors={}, overrides=[])


def test_vacancy_election_anchor_is_edited_like_the_day(book: RuleBook) -> None:
    docs = _documents(book)
    # The 21st presidential election (a vacancy): cause finalised 4 Apr 2025, election 3 Jun 2025;
    # overseas absentee reporting ran 4 Apr to 24 Apr 2025.
    key = ("election", "kr-2025-presidential")
    docs[key] = (
        {
            "id": "kr-2025-presidential",
            "name": {"en": "21st Presidential Election", "ko": "제21대 대통령선거"},
            "ruleset": "kr-presidential-vacancy",
            "day": "2025-06-03",
            "anchors": {"cause": "2025-04-04"},
        },
        None,
    )
    assert [str(d) for d in _absentee(replaced(docs, key, docs[key][0]), key[1])] == [
        "2025-04-04",
        "2025-04-24",
    ]
    moved = edit_election(docs[key][0], day="2025-06-03", anchors={"cause": "2025-04-07"}, overrides=[])
    assert [str(d) for d in _absentee(replaced(docs, key, moved), key[1])] == ["2025-04-07", "2025-04-24"]
    missing = edit_election(docs[key][0], day="2025-06-03", anchors={}, overrides=[])
    with pytest.raises(RuleErrors) as caught:
        replaced(docs, key, missing)
    assert "missing anchor 'cause'" in field_errors(caught.value, ("anchors",))["anchors"]


@pytest.mark.parametrize(
    ("day", "field", "words"),
    [("2028-02-30", "day", "2028-02-30"), ("next spring", "day", "next spring")],
)
def test_bad_election_day_names_the_field_and_value(book: RuleBook, day: str, field: str, words: str) -> None:
    docs = _documents(book)
    new = edit_election(docs[("election", E2028)][0], day=day, anchors={}, overrides=[])
    with pytest.raises(RuleErrors) as caught:
        replaced(docs, ("election", E2028), new)
    errors = field_errors(caught.value, ("day", "anchors", "overrides"))
    assert field in errors and words in errors[field]


def test_rule_edit_changes_offsets_and_titles(book: RuleBook) -> None:
    docs = _documents(book)
    key = ("ruleset", "kr-national-assembly")
    new = edit_rule(
        docs[key][0],
        "overseas-absentee-report",
        {"opens": "E-150", "closes": "E-61", "title_en": " Report absence ", "citation": ""},
    )
    rule = next(r for r in new["rule"] if r["id"] == "overseas-absentee-report")
    assert rule["closes"] == "E-61" and rule["title"]["en"] == "Report absence" and "citation" not in rule
    with pytest.raises(RuleErrors) as caught:
        replaced(docs, key, new)  # a rule needs its citation
    assert "citation" in str(caught.value)
    fixed = edit_rule(new, "overseas-absentee-report", {"citation": "Art. 218-4(1)"})
    changed = replaced(docs, key, fixed)
    assert str(_absentee(changed, "kr-2024-national-assembly")[1]) == "2024-02-09"  # E-61 of 10 Apr 2024


def test_rule_edit_errors(book: RuleBook) -> None:
    docs = _documents(book)
    key = ("ruleset", "kr-national-assembly")
    with pytest.raises(RuleErrors, match="no rule 'nope'"):
        edit_rule(docs[key][0], "nope", {})
    bad = edit_rule(docs[key][0], "overseas-absentee-report", {"opens": "E-15O"})
    with pytest.raises(RuleErrors) as caught:
        replaced(docs, key, bad)
    errors = field_errors(caught.value, ("opens", "closes"))
    assert "E-15O" in errors["opens"]
    # A window that closes before it opens is caught when every election is evaluated.
    backwards = edit_rule(docs[key][0], "overseas-absentee-report", {"opens": "E-50", "closes": "E-60"})
    with pytest.raises(RuleErrors):
        replaced(docs, key, backwards)


def test_field_errors_put_unplaced_messages_on_top() -> None:
    single = RuleError("something odd", file="f.toml", field="ruleset")
    assert field_errors(single, ("day",)) == {"": "f.toml: field 'ruleset': something odd"}
    two = RuleErrors([RuleError("a", field="day"), RuleError("b", field="day")])
    assert field_errors(two, ("day",)) == {"day": "a; b"}


def test_export_of_unchanged_rules_gives_the_files_back_byte_for_byte(book: RuleBook) -> None:
    for rs in book.rulesets.values():
        assert rs.file
        text = Path(rs.file).read_text(encoding="utf-8")
        assert ruleset_text(text, rs.document) == text
    text = (RULES_DIR / "elections.toml").read_text(encoding="utf-8")
    assert elections_text(text, [e.document for e in book.elections.values()]) == text


def test_export_changes_only_what_changed_and_keeps_comments(book: RuleBook) -> None:
    text = (RULES_DIR / "elections.toml").read_text(encoding="utf-8")
    docs = [copy.deepcopy(dict(e.document)) for e in book.elections.values()]
    docs[-1]["day"] = "2028-04-19"
    docs[-1]["overrides"] = [
        {"rule": "overseas-absentee-report", "closes": "2028-02-14", "reason": "extended"}
    ]
    out = elections_text(text, docs)
    changed = [line for line in out.splitlines() if line not in text.splitlines()]
    assert changed[0] == "day = 2028-04-19" and any("overrides" in line for line in changed)
    assert out.startswith("# Elections:")  # the file's comment is still there
    parsed = tomllib.loads(out)["election"][-1]
    assert str(parsed["day"]) == "2028-04-19" and str(parsed["overrides"][0]["closes"]) == "2028-02-14"
    # A removed election goes; a new one is appended.
    fewer = elections_text(out, docs[:1])
    assert len(tomllib.loads(fewer)["election"]) == 1


def test_export_writes_new_files(book: RuleBook) -> None:
    rs = book.rulesets["kr-national-assembly"]
    fresh = tomllib.loads(ruleset_text(None, rs.document))
    assert fresh["ruleset"]["id"] == rs.id and len(fresh["rule"]) == len(rs.rules)
    docs = [dict(e.document) for e in book.elections.values()]
    assert len(tomllib.loads(elections_text(None, docs))["election"]) == len(docs)
    # Changing a rule set table and adding and removing rules.
    doc = copy.deepcopy(dict(rs.document))
    doc["ruleset"]["holiday_policy"] = "next-business-day"
    doc["rule"] = [*doc["rule"][1:], {**doc["rule"][0], "id": "added-rule"}]
    out = tomllib.loads(ruleset_text(Path(rs.file or "").read_text(encoding="utf-8"), doc))
    assert out["ruleset"]["holiday_policy"] == "next-business-day"
    assert [r["id"] for r in out["rule"]][-1] == "added-rule" and rs.rules[0].id not in [
        r["id"] for r in out["rule"]
    ]


def test_line_breaks_in_titles_are_refused(book: RuleBook) -> None:
    docs = _documents(book)
    key = ("ruleset", "kr-national-assembly")
    bad = edit_rule(
        docs[key][0], "overseas-absentee-report", {"title_en": "Report\r\nBcc: victim@example.org"}
    )
    with pytest.raises(RuleErrors) as caught:
        replaced(docs, key, bad)
    assert "line breaks are not allowed" in field_errors(caught.value, ("title",))["title"]
    election = copy.deepcopy(docs[("election", E2028)][0])
    election["name"] = {"en": "23rd\nelection", "ko": "제23대"}
    with pytest.raises(RuleErrors, match="line breaks"):
        replaced(docs, ("election", E2028), election)
