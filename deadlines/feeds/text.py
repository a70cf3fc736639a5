"""Localised words for feeds: summaries, official times, calendar names."""

from __future__ import annotations

from datetime import date, time

from deadlines.records import DeadlineRecord

KO_WEEKDAYS = "월화수목금토일"
AUDIENCE_NAMES = {
    "en": {
        "overseas": "voters abroad",
        "domestic": "voters in Korea",
        "candidates": "candidates",
        "media": "media",
        "officials": "public officials",
        "all": "everyone",
    },
    "ko": {
        "overseas": "재외 유권자",
        "domestic": "국내 유권자",
        "candidates": "후보자",
        "media": "언론",
        "officials": "공무원",
        "all": "모두",
    },
}
PART_PREFIX = {
    "en": {"opens": "Opens: ", "closes": "Closes: ", "deadline": "Deadline: ", "period": "", "event": ""},
    "ko": {"opens": "시작: ", "closes": "마감: ", "deadline": "마감: ", "period": "", "event": ""},
}
CANCELLED = {"en": "Cancelled: ", "ko": "취소: "}


def day_text(day: date, lang: str) -> str:
    if lang == "ko":
        return f"{day.year}. {day.month}. {day.day}.({KO_WEEKDAYS[day.weekday()]})"
    return f"{day:%a} {day.day} {day:%b %Y}"


def _clock(t: time | None, end: bool) -> str:
    if t is None:
        return "24:00" if end else "00:00"
    return f"{t:%H:%M}"


def official_text(record: DeadlineRecord, lang: str) -> str:
    """The official date and time in the election's zone, as the law counts it."""
    zone = "local time at each mission" if lang == "en" else "각 공관 현지시간"
    if not record.local_time:
        zone = record.timezone
    parts = []
    if record.opens and (record.kind != "event" or record.opens_time):
        parts.append(f"{day_text(record.opens, lang)} {_clock(record.opens_time, end=False)}")
    if record.closes:
        clock = _clock(record.closes_time, end=True)
        # An event with hours is one day: "Wed 10 Apr 2024 06:00 – 18:00".
        parts.append(
            clock
            if record.kind == "event" and record.opens_time
            else f"{day_text(record.closes, lang)} {clock}"
        )
    joined = " – ".join(parts)
    if record.kind == "deadline":
        joined = f"until {joined}" if lang == "en" else f"{joined}까지"
    return f"{joined} ({zone})"


def summary(record: DeadlineRecord, part: str, lang: str) -> str:
    text = PART_PREFIX[lang][part] + record.title[lang]
    if record.status == "cancelled":
        text = CANCELLED[lang] + text
    return text
