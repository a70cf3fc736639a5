"""Who the visitor is orders the deadlines: their own first, a voter's when they have not said. Pure."""

from __future__ import annotations

import pytest

from deadlines.rules import RuleBook, evaluate_election
from deadlines.web.audience import chosen, first, ordered_choices, signup_first, split


@pytest.mark.parametrize(
    ("who", "leads", "never_leads"),
    [
        (None, {"overseas", "domestic", "all"}, {"candidates", "officials", "media"}),
        ("overseas", {"overseas", "all"}, {"candidates", "domestic"}),
        ("candidates", {"candidates", "all"}, {"overseas", "media"}),
        ("media", {"media", "all"}, {"overseas", "candidates"}),
    ],
)
def test_the_visitors_deadlines_come_first(
    book: RuleBook, who: str | None, leads: set[str], never_leads: set[str]
) -> None:
    records = evaluate_election(book, "kr-2028-national-assembly")
    mine, others = split(records, who, lambda r: r)
    assert mine and others
    assert all(leads & set(r.audiences) for r in mine)
    assert not any(never_leads & set(r.audiences) and not leads & set(r.audiences) for r in mine)
    assert first(records, who, lambda r: r) == mine + others
    # Each part keeps the given order.
    assert [r.id for r in mine] == [r.id for r in records if r in mine]


def test_a_voter_never_sees_resignation_deadlines_first(book: RuleBook) -> None:
    records = evaluate_election(book, "kr-2028-national-assembly")
    mine, _ = split(records, None, lambda r: r)
    assert not {"resignation-local-heads", "resignation-public-officials"} & {r.id for r in mine}


def test_choices_and_the_sign_up() -> None:
    assert chosen("overseas") == "overseas"
    for bad in (None, "", "all", "root", "overseas; drop"):
        assert chosen(bad) is None
    assert signup_first(None) and signup_first("overseas") and not signup_first("candidates")
    assert ordered_choices("media", ["overseas", "domestic", "media"]) == ["media", "overseas", "domestic"]
