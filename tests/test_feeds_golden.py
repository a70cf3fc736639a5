"""Golden files: the 22nd election's feeds, byte for byte.

An intended change to feeds is reviewed as a diff of tests/golden/. Regenerate with
`DEADLINES_REGENERATE_GOLDEN=1 pytest tests/test_feeds_golden.py` and commit the result.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from deadlines.feeds.catalog import FeedSpec, build
from deadlines.rules import RuleBook
from tests.feeds_helpers import NOW, SETTINGS, feed_data

GOLDEN = Path(__file__).resolve().parent / "golden"
FEEDS = [
    FeedSpec("kr-2024-national-assembly", None, "en"),
    FeedSpec("kr-2024-national-assembly", None, "ko"),
    FeedSpec("kr-2024-national-assembly", "overseas", "en"),
    FeedSpec("kr-2024-national-assembly", "overseas", "ko"),
]


@pytest.mark.parametrize("spec", FEEDS, ids=lambda s: s.id)
def test_feed_matches_golden_file(book: RuleBook, spec: FeedSpec) -> None:
    body = build(feed_data(book), spec, SETTINGS, NOW).body
    path = GOLDEN / spec.path
    if os.environ.get("DEADLINES_REGENERATE_GOLDEN") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(body)
    assert path.exists(), f"missing {path}; regenerate with DEADLINES_REGENERATE_GOLDEN=1"
    assert body == path.read_bytes(), f"{spec.path} differs from {path}; review the change, then regenerate"
