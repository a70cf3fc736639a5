"""Conversions between pure deadline records and their database rows."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from deadlines.db.models import DeadlineRow
from deadlines.records import DeadlineRecord, format_time

# The fields whose change is a new revision of a deadline (what voters see or rely on).
TRACKED = (
    "title_en",
    "title_ko",
    "description_en",
    "description_ko",
    "kind",
    "audiences",
    "opens",
    "closes",
    "opens_time",
    "closes_time",
    "local_time",
    "timezone",
    "source",
    "status",
    "action_url",
    "how_en",
    "how_ko",
)


def record_values(record: DeadlineRecord) -> dict[str, Any]:
    return {
        "election_id": record.election_id,
        "slug": record.id,
        "title_en": record.title["en"],
        "title_ko": record.title["ko"],
        "description_en": record.description.get("en", ""),
        "description_ko": record.description.get("ko", ""),
        "kind": record.kind,
        "audiences": list(record.audiences),
        "opens": record.opens,
        "closes": record.closes,
        "opens_time": format_time(record.opens_time),
        "closes_time": format_time(record.closes_time),
        "local_time": record.local_time,
        "timezone": record.timezone,
        "opens_at": record.opening_instant(),
        "closes_at": record.closing_instant(),
        "source": dict(record.source),
        "status": record.status,
        "action_url": record.action_url,
        "how_en": record.how.get("en", ""),
        "how_ko": record.how.get("ko", ""),
    }


def _time(value: str | None) -> time | None:
    return time.fromisoformat(value) if value else None


def row_to_record(row: DeadlineRow) -> DeadlineRecord:
    description = {k: v for k, v in (("en", row.description_en), ("ko", row.description_ko)) if v}
    return DeadlineRecord(
        election_id=row.election_id,
        id=row.slug,
        title={"en": row.title_en, "ko": row.title_ko},
        description=description,
        kind=row.kind,  # type: ignore[arg-type]
        audiences=tuple(row.audiences),
        opens=row.opens,
        closes=row.closes,
        opens_time=_time(row.opens_time),
        closes_time=_time(row.closes_time),
        local_time=row.local_time,
        timezone=row.timezone,
        source=row.source,
        status=row.status,
        revision=row.revision,
        action_url=row.action_url,
        how={k: v for k, v in (("en", row.how_en), ("ko", row.how_ko)) if v},
    )


def row_snapshot(row: DeadlineRow) -> dict[str, Any]:
    """The tracked fields of a row in JSON form, for the audit log."""
    out: dict[str, Any] = {}
    for name in (*TRACKED, "revision"):
        value = getattr(row, name)
        out[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return out


def span_text(
    opens: date | None, closes: date | None, opens_time: str | None, closes_time: str | None
) -> str:
    """`2023-11-12 .. 2024-02-10`, `- .. 2024-02-10 18:00`: a deadline's dates in one line."""

    def part(d: date | None, t: str | None) -> str:
        return f"{d}{' ' + t if t else ''}" if d else "-"

    return f"{part(opens, opens_time)} .. {part(closes, closes_time)}"


def row_span(row: DeadlineRow) -> str:
    return span_text(row.opens, row.closes, row.opens_time, row.closes_time)
