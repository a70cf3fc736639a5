"""Law citations in Korean legal form (제N조의M제P항제I호), from the rule files' English form."""

from __future__ import annotations

import pytest

from deadlines.citations import cite, korean_article, korean_citation, law_name

LAW = "Public Official Election Act (공직선거법)"


@pytest.mark.parametrize(
    ("english", "korean"),
    [
        ("Art. 218-4(1)", "제218조의4제1항"),
        ("Art. 60-2(1)2", "제60조의2제1항제2호"),
        ("Art. 155(1)", "제155조제1항"),
        ("Art. 218-17", "제218조의17"),
        ("Art. 59", "제59조"),
        ("Art. 33(3)1", "제33조제3항제1호"),
        ("Art. 148(1), Art. 155(2)", "제148조제1항, 제155조제2항"),
        ("Art. 34, Art. 15(2)3, Art. 155(1)", "제34조, 제15조제2항제3호, 제155조제1항"),
        # Not article references: kept as written rather than half converted.
        ("Notice of 2027-12-01", "Notice of 2027-12-01"),
        ("Art. 34, see the notice", "Art. 34, see the notice"),
        ("", ""),
    ],
)
def test_korean_citation(english: str, korean: str) -> None:
    assert korean_citation(english) == korean


def test_one_article_or_none() -> None:
    assert korean_article("Art. 218-4(1)") == "제218조의4제1항"
    assert korean_article("Article 7") is None


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "Public Official Election Act, Art. 218-4(1)"),
        ("ko", "공직선거법 제218조의4제1항"),
    ],
)
def test_cite_in_each_language(lang: str, expected: str) -> None:
    assert cite(LAW, "Art. 218-4(1)", lang) == expected


def test_cite_with_a_part_missing() -> None:
    assert cite(None, "Art. 155(1)", "ko") == "제155조제1항"
    assert cite(LAW, None, "ko") == "공직선거법"
    assert cite("Local Act", "Art. 3", "en") == "Local Act, Art. 3"
    assert law_name("공직선거법", "en") == "공직선거법"


def test_every_shipped_citation_converts() -> None:
    """Every citation in rules/ reads in the Korean form, none left half English."""
    from deadlines.rules.loader import load_rules
    from tests.conftest import ROOT

    book = load_rules(ROOT / "rules")
    citations = {r.citation for rs in book.rulesets.values() for r in rs.rules}
    assert citations
    for c in citations:
        assert "Art." not in korean_citation(c), c
