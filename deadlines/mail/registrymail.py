"""The words of the yearly "check your overseas voter registration" reminder (재외선거인 영구명부),
in English and Korean. Pure. It never mentions the removal after two elections without voting:
that rule was abolished in January 2022."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from deadlines.feeds.text import day_text
from deadlines.records import DeadlineRecord

REGISTRY_TEMPLATE = "registry"
# Its triggers: `registry-check-2027` is the reminder of 2027 (reminders/triggers.py times it).
REGISTRY_CHECK = "registry-check-"


def registry_headline(record: DeadlineRecord, lang: str) -> str:
    assert record.closes is not None
    day = day_text(record.closes, lang)
    if lang == "ko":
        return f"재외선거인 등록정보를 확인하세요: 변경신청 마감 {day}"
    return f"Check your overseas voter registration: changes close {day}"


def _moment(instant: datetime, zone: str, lang: str) -> str:
    local = instant.astimezone(ZoneInfo(zone))
    day, clock = local.date(), f"{local:%H:%M}"
    if clock == "00:00":  # an end-of-day close reads better as 24:00 of the day before
        day, clock = day - timedelta(days=1), "24:00"
    return f"{day_text(day, lang)} {clock} ({zone})"


def registry_context(
    record: DeadlineRecord, *, close_at: datetime, zone: str, election: str, base_url: str, lang: str
) -> dict[str, object]:
    """`close_at`: when registration (and registering a change) closes; shown in the voter's
    zone beside the official time in Korea."""
    return {
        "headline": registry_headline(record, lang),
        "election": election,
        "official_close": _moment(close_at, record.timezone, lang),
        "local_close": _moment(close_at, zone, lang),
        "opens": day_text(record.opens, lang) if record.opens else "",
        "url": f"{base_url.rstrip('/')}/overseas-voters",
    }
