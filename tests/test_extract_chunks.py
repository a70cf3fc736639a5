"""Scanning sentences together in chunks finds exactly the dates a scan of each sentence alone finds."""

from __future__ import annotations

from pathlib import Path

import pytest

from deadlines.extract.dates import find_dates, find_dates_in
from deadlines.extract.document import to_document
from deadlines.extract.sentences import MAX_SENTENCE, sentences

CORPUS = Path(__file__).parent / "notices"


def _texts() -> list[str]:
    notices = sorted(p for p in CORPUS.iterdir() if p.suffix in (".txt", ".html"))
    return ["\n\n".join(to_document(p.read_text(encoding="utf-8")).text for p in notices)]


EDGES = [
    # A lookahead at a sentence end must not read the next sentence: "23일" then "까지" on the next line.
    "공지\n3월\n15일부터 접수합니다\n23일\n까지 마감",
    # A long sentence cut at a space between a day and its list: "21일, " | "22일 양일간".
    "사전투표는 " + "가" * (MAX_SENTENCE - 20) + " 4월 21일, 22일 양일간 실시합니다.",
    # A URL running up to the next sentence, and a sentence cut mid-word (no space to seal).
    "See https://example.org/2024-05-01\nVote on 12 May 2024. " + "x" * (MAX_SENTENCE + 50) + " 3 June 2024",
    "Polls close at 8pm on Nov. 5. Mr. Kim said on 5 p.m. Friday, Oct. 11 the count ends (4. 10.)",
    # Masks (phone numbers) in one sentence, dates in the next: each sentence keeps its own dates.
    "Call 555-123-4567 or 555-765-4321 by 3 June 2024. Vote on 12 May 2024. Count on 13 May 2024.",
]


@pytest.mark.parametrize("text", _texts() + EDGES)
def test_chunked_scan_finds_what_each_sentence_alone_finds(text: str) -> None:
    spans = list(sentences(text, 0, len(text)))
    assert find_dates_in(text, spans) == [find_dates(text, s, e) for s, e in spans]
