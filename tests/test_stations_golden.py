"""Golden files of station feeds, byte for byte: the sample's Los Angeles station (six days,
PDT) and Sydney (daylight saving ends on its fifth voting day), built through the catalog from
the sample CSV. Regenerate with `DEADLINES_REGENERATE_GOLDEN=1 pytest tests/test_stations_golden.py`
and review the diff."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from deadlines.feeds.catalog import ElectionInfo, FeedData, FeedSpec, build, catalog
from deadlines.feeds.stationfeed import StationItem
from deadlines.rules import RuleBook
from deadlines.stations.csvparse import parse_csv
from deadlines.stations.model import window_of
from tests.conftest import ROOT
from tests.feeds_helpers import CHANGED, NOW, SETTINGS

GOLDEN = Path(__file__).resolve().parent / "golden"
E2028 = "kr-2028-national-assembly"
SAMPLE = ROOT / "deadlines" / "samples" / "stations-kr-2028-national-assembly.csv"


def _data(book: RuleBook) -> FeedData:
    e = book.elections[E2028]
    parsed = parse_csv(SAMPLE.read_text(encoding="utf-8"), {E2028: window_of(e.day)}, file=str(SAMPLE))
    assert parsed.errors == [] and len(parsed.stations) == 7
    info = ElectionInfo(e.id, e.name, e.day, "Asia/Seoul", provisional=True)
    return FeedData((info,), (), tuple(StationItem(s, CHANGED) for _, s in parsed.stations))


def test_every_sample_station_has_a_feed_per_language(book: RuleBook) -> None:
    specs = [s for s in catalog(_data(book), NOW.date()) if s.station]
    assert len(specs) == 14
    assert FeedSpec(E2028, None, "ko", "arizona").path == f"{E2028}.station.arizona.ko.ics"


@pytest.mark.parametrize(("station", "lang"), [("los-angeles", "en"), ("sydney", "ko")])
def test_station_feed_matches_golden_file(book: RuleBook, station: str, lang: str) -> None:
    spec = FeedSpec(E2028, None, lang, station)
    body = build(_data(book), spec, SETTINGS, NOW).body
    path = GOLDEN / spec.path
    if os.environ.get("DEADLINES_REGENERATE_GOLDEN") == "1":
        path.write_bytes(body)
    assert path.exists(), f"missing {path}; regenerate with DEADLINES_REGENERATE_GOLDEN=1"
    assert body == path.read_bytes(), f"{spec.path} differs from {path}; review the change, then regenerate"
