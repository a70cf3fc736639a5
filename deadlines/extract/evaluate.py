"""Scoring extraction against a corpus of notices with expected records (recall, precision, kinds).

A corpus is a folder of notices (`.txt` or `.html`), each with a `.json` beside it:
`{"published": "YYYY-MM-DD" | null, "source": "...", "records": [{"kind", "starts", "ends",
"past"?, "title"?}], "not_records": ["YYYY-MM-DD", ...]}`. Only records a reminder would use are
scored: past records on either side are left out, except that a record expected past but
extracted as upcoming counts against precision (a wrong year, a past table read as future).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from deadlines.extract.document import read_notice_bytes
from deadlines.extract.extractor import extract_document
from deadlines.extract.model import ExtractedRecord

Key = tuple[str | None, str | None]


@dataclass
class Score:
    expected: int = 0
    found: int = 0
    matched: int = 0
    kinds_right: int = 0
    titled: int = 0
    misses: list[str] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)
    wrong_kinds: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 1.0

    @property
    def precision(self) -> float:
        return self.matched / self.found if self.found else 1.0

    @property
    def kind_accuracy(self) -> float:
        return self.kinds_right / self.matched if self.matched else 1.0

    def add(self, other: Score) -> None:
        self.expected += other.expected
        self.found += other.found
        self.matched += other.matched
        self.kinds_right += other.kinds_right
        self.titled += other.titled
        self.misses += other.misses
        self.extras += other.extras
        self.wrong_kinds += other.wrong_kinds


def _key(starts: str | None, ends: str | None) -> Key:
    """Dates as a person marks them: a one-day record is one date whatever its kind."""
    if starts is None or ends is None or starts == ends:
        day = starts or ends
        return day, day
    return starts, ends


def _record_key(r: ExtractedRecord) -> Key:
    return _key(r.starts.isoformat() if r.starts else None, r.ends.isoformat() if r.ends else None)


def score_notice(path: Path) -> Score:
    """Extract one corpus notice and compare it with its expected records."""
    meta: dict[str, Any] = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    published = date.fromisoformat(meta["published"]) if meta.get("published") else None
    doc = read_notice_bytes(path.read_bytes(), path.name)
    records = [r for n in extract_document(doc, published=published) for r in n.records]
    expected = [e for e in meta["records"] if not e.get("past")]
    past_keys = {_key(e["starts"], e["ends"]) for e in meta["records"] if e.get("past")}
    found = [r for r in records if not r.past]
    score = Score(expected=len(expected), found=len(found))
    unmatched = list(found)
    for e in expected:
        key = _key(e["starts"], e["ends"])
        hit = next((r for r in unmatched if _record_key(r) == key and r.kind == e["kind"]), None)
        hit = hit or next((r for r in unmatched if _record_key(r) == key), None)
        if hit is None:
            score.misses.append(f"{path.name}: {e['kind']} {key}")
            continue
        unmatched.remove(hit)
        score.matched += 1
        score.titled += bool(hit.title)
        if hit.kind == e["kind"]:
            score.kinds_right += 1
        else:
            score.wrong_kinds.append(f"{path.name}: {key} expected {e['kind']}, got {hit.kind}")
    matched_keys = {(r.kind, _record_key(r)) for r in found if r not in unmatched}
    # The same record stated twice (a headline and its paragraph, a summary and a timetable) is
    # one fact: the repeat is neither a hit nor a false alarm.
    repeats = [r for r in unmatched if (r.kind, _record_key(r)) in matched_keys]
    score.found -= len(repeats)
    unmatched = [r for r in unmatched if r not in repeats]
    for r in unmatched:
        why = " (expected past)" if _record_key(r) in past_keys else ""
        score.extras.append(f"{path.name}: {r.kind} {_record_key(r)}{why} {r.quote[:60]!r}")
    return score


def corpus_files(folder: Path) -> list[Path]:
    return sorted(
        p for p in folder.iterdir() if p.suffix in (".txt", ".html") and p.with_suffix(".json").exists()
    )


def score_corpus(folder: Path) -> Score:
    total = Score()
    for path in corpus_files(folder):
        total.add(score_notice(path))
    return total
