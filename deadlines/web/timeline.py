"""What the election pages show: each deadline in the visitor's zone and the official one. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from deadlines.citations import cite
from deadlines.feeds.catalog import ElectionInfo, FeedData
from deadlines.feeds.text import KO_WEEKDAYS, official_text
from deadlines.records import DeadlineRecord


def valid_zone(value: str | None) -> str | None:
    if not value or len(value) > 64:
        return None
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a folder such as "Canada"
        return None
    return value


def moment_text(instant: datetime, zone: str, lang: str, *, closing: bool = False) -> str:
    """A moment in a zone; a close at midnight reads as 24:00 of the day before, the last day
    on which the voter can still act."""
    local = instant.astimezone(ZoneInfo(zone))
    day, clock = local.date(), f"{local:%H:%M}"
    if closing and clock == "00:00":
        day, clock = day - timedelta(days=1), "24:00"
    if lang == "ko":
        return f"{day.year}. {day.month}. {day.day}.({KO_WEEKDAYS[day.weekday()]}) {clock} {local.tzname()}"
    return f"{day:%a} {day.day} {day:%b %Y}, {clock} {local.tzname()}"


@dataclass(frozen=True)
class Row:
    record: DeadlineRecord
    title: str
    description: str
    official: str
    opens_local: str | None
    closes_local: str | None
    passed: bool
    cancelled: bool
    source: str | None
    source_url: str | None


def _source(record: DeadlineRecord, lang: str) -> tuple[str | None, str | None]:
    src = record.source
    law, citation = src.get("law"), src.get("citation")
    cited = cite(str(law) if law else None, str(citation) if citation else None, lang)
    parts = [cited] if cited else []
    notices = src.get("notices")
    if isinstance(notices, list) and notices:
        parts.append(f"{len(notices)} notice(s)" if lang == "en" else f"공고 {len(notices)}건")
    url = src.get("url")
    return (", ".join(parts) or None, url if isinstance(url, str) and url.startswith("https://") else None)


def rows(
    records: Iterable[DeadlineRecord],
    zone: str,
    lang: str,
    now: datetime,
    *,
    include_cancelled: bool = False,
    chronological: bool = True,
) -> list[Row]:
    """Display rows; chronological sorts by when each starts (a timeline), otherwise the given
    order is kept (the soonest closes first, for "next deadlines")."""
    out: list[Row] = []
    for r in records:
        if r.status == "cancelled" and not include_cancelled:
            continue
        # Local-time records (polling at missions) happen at the same clock time everywhere.
        opens = r.opening_instant(zone)
        closes = r.closing_instant(zone)
        source, url = _source(r, lang)
        out.append(
            Row(
                record=r,
                title=r.title.get(lang) or r.title["en"],
                description=r.description.get(lang, ""),
                official=official_text(r, lang),
                opens_local=moment_text(opens, zone, lang) if opens and r.kind == "period" else None,
                closes_local=moment_text(closes, zone, lang, closing=True) if closes else None,
                passed=closes is not None and closes <= now,
                cancelled=r.status == "cancelled",
                source=source,
                source_url=url,
            )
        )
    if chronological:
        out.sort(key=lambda row: (row.record.opens or row.record.closes or date.max, row.record.id))
    return out


def upcoming(data: FeedData, today: date) -> list[ElectionInfo]:
    return [e for e in data.elections if e.day >= today]


def records_of(data: FeedData, election_id: str) -> list[DeadlineRecord]:
    return [item.record for item in data.items if item.record.election_id == election_id]


def next_deadlines(records: Sequence[DeadlineRecord], now: datetime, count: int = 3) -> list[DeadlineRecord]:
    """The deadlines still ahead, soonest close first (what a visitor must act on next)."""
    ahead = []
    for r in records:
        close = r.closing_instant("Etc/GMT+12" if r.local_time else None)
        if r.status != "cancelled" and close is not None and close > now:
            ahead.append((close, r.id, r))
    ahead.sort(key=lambda t: (t[0], t[1]))
    return [r for _, _, r in ahead[:count]]
