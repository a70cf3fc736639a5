"""Law citations in the reader's language (pure): `Art. 218-4(1)` is `제218조의4제1항` in Korean."""

from __future__ import annotations

import re

# One article reference: Art. 218-4(1)2 = article 218, branch article 4, paragraph 1, item 2.
ARTICLE = re.compile(r"Art\.\s*(\d+)(?:-(\d+))?(?:\((\d+)\))?(\d+)?")
# A law's name given as "English name (한국어 이름)", as the rule files do.
BILINGUAL_NAME = re.compile(r"^(?P<en>[^(]*?)\s*\((?P<ko>[^)]*[가-힣][^)]*)\)\s*$")


def korean_article(reference: str) -> str | None:
    """`Art. 60-2(1)2` -> `제60조의2제1항제2호`; None when it is not one article reference."""
    m = ARTICLE.fullmatch(reference.strip())
    if m is None:
        return None
    article, branch, paragraph, item = m.groups()
    out = f"제{article}조"
    if branch:
        out += f"의{branch}"
    if paragraph:
        out += f"제{paragraph}항"
    if item:
        out += f"제{item}호"
    return out


def korean_citation(citation: str) -> str:
    """Every reference of `Art. 148(1), Art. 155(2)` in the Korean form; a citation that is not
    made of article references is returned as it is."""
    parts = [p.strip() for p in citation.split(",") if p.strip()]
    converted = [korean_article(p) for p in parts]
    if not parts or any(c is None for c in converted):
        return citation
    return ", ".join(c for c in converted if c)


def law_name(law: str, lang: str) -> str:
    """The law's name in `lang` from "Public Official Election Act (공직선거법)"."""
    m = BILINGUAL_NAME.match(law)
    if m is None:
        return law
    return m.group("ko") if lang == "ko" else m.group("en")


def cite(law: str | None, citation: str | None, lang: str) -> str:
    """`Public Official Election Act, Art. 218-4(1)` in English,
    `공직선거법 제218조의4제1항` in Korean; either part may be missing."""
    name = law_name(law, lang) if law else ""
    if lang != "ko":
        return ", ".join(p for p in (name, citation) if p)
    return " ".join(p for p in (name, korean_citation(citation) if citation else "") if p)
