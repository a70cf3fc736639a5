"""Reconciliation of extracted records with the rules of the election a notice is about."""

from __future__ import annotations

from datetime import date

from deadlines.extract import extract
from deadlines.extract.reconcile import guess_election, reconcile, similarity
from deadlines.rules import RuleBook, evaluate_election
from tests.conftest import SAMPLE_NOTICE


def test_sample_notice_confirms_the_overseas_rules(book: RuleBook) -> None:
    text = SAMPLE_NOTICE.read_text(encoding="utf-8")
    election = guess_election(text, book.elections.values())
    assert election is not None and election.id == "kr-2024-national-assembly"
    deadlines = evaluate_election(book, election.id)
    matches = [m for n in extract(text) for m in reconcile(n.records, deadlines)]
    outcomes = {(m.record.kind, m.outcome, m.rule) for m in matches}
    assert ("period", "confirmed", "overseas-absentee-report") in outcomes
    assert ("deadline", "confirmed", "overseas-voter-registration") in outcomes
    assert ("event", "past", None) in outcomes
    assert ("start", "new", None) in outcomes  # the poll rule is not an election-law rule


def test_conflict_names_the_rule_and_both_dates(book: RuleBook) -> None:
    text = (
        "Date :12/13/2023\n\nOverseas absentee reporting for the 22nd National Assembly election "
        "runs from 12 Nov, 2023 to 11 Feb, 2024."
    )
    deadlines = evaluate_election(book, "kr-2024-national-assembly")
    [match] = [m for n in extract(text) for m in reconcile(n.records, deadlines)]
    assert match.outcome == "conflict" and match.rule == "overseas-absentee-report"
    assert "2023-11-12 to 2024-02-11" in match.message and "2023-11-12 to 2024-02-10" in match.message


def test_korean_notice_confirms_early_voting(book: RuleBook) -> None:
    text = "제22대 국회의원선거 사전투표는 2024. 4. 5.(금) ~ 4. 6.(토) 06:00 ~ 18:00 실시합니다."
    deadlines = evaluate_election(book, "kr-2024-national-assembly")
    [match] = [m for n in extract(text) for m in reconcile(n.records, deadlines)]
    assert (match.outcome, match.rule) == ("confirmed", "early-voting")


def test_unrelated_date_is_new(book: RuleBook) -> None:
    deadlines = evaluate_election(book, "kr-2024-national-assembly")
    [match] = [
        m for n in extract("A ceremony takes place on 5 Jan, 2024.") for m in reconcile(n.records, deadlines)
    ]
    assert match.outcome == "new" and match.rule is None


def test_guess_election_by_date_when_no_name(book: RuleBook) -> None:
    # The next election due after the notice's date; the shipped ones run to the 10th local
    # elections (12 June 2030, computed from the term in kr-election-law.md).
    chosen = guess_election("no names here", book.elections.values(), date(2025, 1, 1))
    assert chosen is not None and chosen.id == "kr-2026-local"
    chosen = guess_election("no names here", book.elections.values(), date(2027, 11, 1))
    assert chosen is not None and chosen.id == "kr-2028-national-assembly"
    assert guess_election("no names here", book.elections.values(), date(2030, 7, 1)) is None
    assert guess_election("no names here", book.elections.values()) is None


def test_similarity_matches_word_stems(book: RuleBook) -> None:
    deadlines = {d.id: d for d in evaluate_election(book, "kr-2024-national-assembly")}
    quote = "must report their absence to vote abroad in the overseas election"
    assert similarity(quote, deadlines["overseas-absentee-report"]) > similarity(
        quote, deadlines["early-voting"]
    )
    assert similarity("국외부재자 신고를 하세요", deadlines["overseas-absentee-report"]) == 1.0
