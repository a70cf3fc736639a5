"""Sorted spans of text asked, date by date, whether they cover a position."""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate


class Spans:
    """(start, end) spans sorted by start: `covers` bisects instead of scanning every span."""

    __slots__ = ("_ends", "_starts")

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self._starts = [a for a, _ in spans]
        # The furthest end among the spans that start at or before each one (they may overlap).
        self._ends = list(accumulate((b for _, b in spans), max))

    def __len__(self) -> int:
        return len(self._starts)

    def covers(self, pos: int) -> bool:
        """Whether some span has start <= pos < end."""
        i = bisect_right(self._starts, pos)
        return i > 0 and self._ends[i - 1] > pos
