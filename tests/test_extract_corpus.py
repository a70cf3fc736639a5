"""The test notices of tests/notices/ (written for this project, reproducing the forms of real
notices; each `.json` names its source): the scores bench/extract.py prints, held to the issue's
targets, and extraction time that grows linearly with the notice."""

from __future__ import annotations

import json
import time
from datetime import date
from pathlib import Path

import pytest

from deadlines.extract import extract, read_notice_bytes
from deadlines.extract.evaluate import corpus_files, score_corpus, score_notice
from deadlines.extract.extractor import extract_document

CORPUS = Path(__file__).parent / "notices"
FILES = corpus_files(CORPUS)


def test_corpus_is_large_and_every_notice_names_its_source() -> None:
    assert len(FILES) >= 80
    for path in FILES:
        meta = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        assert meta["source"].strip(), path.name
        assert {"kind", "starts", "ends"} <= set(meta["records"][0]) if meta["records"] else True


def test_corpus_scores_meet_the_targets() -> None:
    score = score_corpus(CORPUS)
    assert score.recall >= 0.97, score.misses
    assert score.precision >= 0.98, score.extras
    assert score.kind_accuracy >= 0.95, score.wrong_kinds
    assert score.titled == score.matched


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_no_record_on_a_date_that_is_not_one(path: Path) -> None:
    """Eligibility cut-offs, statistics, page stamps and numbers: never an upcoming record."""
    meta = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    published = date.fromisoformat(meta["published"]) if meta.get("published") else None
    doc = read_notice_bytes(path.read_bytes(), path.name)
    records = [r for n in extract_document(doc, published=published) for r in n.records if not r.past]
    days = {d.isoformat() for r in records for d in (r.starts, r.ends) if d}
    assert not days & set(meta.get("not_records", [])), path.name


def test_scoring_reports_misses_extras_and_kinds(tmp_path: Path) -> None:
    (tmp_path / "n.txt").write_text(
        "Date: 01/02/2024\n\nPolling day is 5 March 2024. Register by 1 March 2024.\n"
    )
    expected = {
        "published": None,
        "source": "invented",
        "records": [
            {"kind": "deadline", "starts": None, "ends": "2024-03-05"},
            {"kind": "start", "starts": "2024-02-01", "ends": None},
        ],
    }
    (tmp_path / "n.json").write_text(json.dumps(expected))
    score = score_notice(tmp_path / "n.txt")
    assert (score.expected, score.found, score.matched, score.kinds_right) == (2, 2, 1, 0)
    assert score.misses and score.extras and score.wrong_kinds
    assert (score.recall, score.precision, score.kind_accuracy) == (0.5, 0.5, 0.0)


def _seconds(text: str) -> float:
    """CPU seconds: the other processes of a shared machine do not count."""
    start = time.process_time()
    extract(text, published=date(2024, 1, 15))
    return time.process_time() - start


@pytest.mark.parametrize(
    "unit",
    [
        # One line of dates without a full stop: the shape that used to take quadratic time.
        "registration closes on 10 Feb, 2024, and voting runs from 12 Nov to 10 Dec, 2023 for voters ",
        "신고기간은 2023. 11. 12.(일) ~ 2024. 2. 10.(토)이며 등록은 3월 21일부터 ",
    ],
)
def test_time_grows_linearly_with_the_notice(unit: str) -> None:
    small, large = unit * (40_000 // len(unit)), unit * (320_000 // len(unit))
    _seconds(small)  # warm the regular expressions
    ratio = _seconds(large) / max(_seconds(small), 1e-3)
    # Eight times the text: linear is ~8, quadratic ~64; the margin absorbs a noisy shared machine.
    assert ratio < 20, ratio
