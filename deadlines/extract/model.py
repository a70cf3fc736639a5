"""What extraction produces: draft records with provenance, grouped by notice."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from typing import Any, Literal

ExtractedKind = Literal["period", "deadline", "start", "event"]


@dataclass(slots=True, unsafe_hash=True)
class ExtractedRecord:
    """A dated statement found in a notice; `span` locates `quote` in the extracted text."""

    kind: ExtractedKind
    starts: date | None
    ends: date | None
    quote: str
    span: tuple[int, int]
    date_span: tuple[int, int]
    confidence: float
    audiences: tuple[str, ...] = ("all",)
    time_starts: time | None = None
    time_ends: time | None = None
    timezone: str | None = None
    past: bool = False
    warnings: tuple[str, ...] = ()
    headline: str | None = None
    title: str | None = None  # a short label from the sentence or timetable row

    def to_json(self) -> dict[str, Any]:
        times = None
        if self.time_starts or self.time_ends:
            times = {
                "starts": self.time_starts.strftime("%H:%M") if self.time_starts else None,
                "ends": self.time_ends.strftime("%H:%M") if self.time_ends else None,
            }
        return {
            "kind": self.kind,
            "title": self.title,
            "starts": self.starts.isoformat() if self.starts else None,
            "ends": self.ends.isoformat() if self.ends else None,
            "time": times,
            "timezone": self.timezone,
            "audiences": list(self.audiences),
            "past": self.past,
            "quote": self.quote,
            "span": list(self.span),
            "date_span": list(self.date_span),
            "confidence": self.confidence,
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True)
class ExtractedNotice:
    """One notice (a whole page, or one item of a news page such as `9 Nov: Title`)."""

    headline: str | None
    published: date | None
    span: tuple[int, int]
    records: tuple[ExtractedRecord, ...] = ()
    warnings: tuple[str, ...] = field(default_factory=tuple)

    def to_json(self) -> dict[str, Any]:
        return {
            "published": self.published.isoformat() if self.published else None,
            "headline": self.headline,
            "span": list(self.span),
            "warnings": list(self.warnings),
            "records": [r.to_json() for r in self.records],
        }
