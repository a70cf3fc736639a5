"""Feed request options (language, audience, alarms): parsed and validated, with clear errors."""

from __future__ import annotations

import re
from datetime import timedelta

from deadlines.errors import BadFeedOption as BadFeedOption
from deadlines.records import AUDIENCES, LANGUAGES

MAX_ALARMS = 3
MAX_ALARM = timedelta(days=90)
_DURATION = re.compile(r"^P(?:(?P<w>\d+)W)?(?:(?P<d>\d+)D)?(?:T(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?)?$")


def parse_alarms(value: str) -> tuple[timedelta, ...]:
    """`P7D,P1D,PT12H` to durations; at most three, each between one minute and 90 days."""
    items = [v.strip().upper() for v in value.split(",") if v.strip()]
    if len(items) > MAX_ALARMS:
        raise BadFeedOption(f"alarms: at most {MAX_ALARMS} durations, got {len(items)}")
    out: list[timedelta] = []
    for item in items:
        m = _DURATION.match(item)
        if not m or item in ("P", "PT"):
            raise BadFeedOption(f"alarms: {item!r} is not an ISO 8601 duration like P7D, P1D or PT12H")
        try:
            delta = timedelta(
                weeks=int(m["w"] or 0),
                days=int(m["d"] or 0),
                hours=int(m["h"] or 0),
                minutes=int(m["m"] or 0),
            )
        except (OverflowError, ValueError):  # P99999999999D: more than a timedelta (or int) holds
            delta = MAX_ALARM * 2
        if not timedelta(minutes=1) <= delta <= MAX_ALARM:
            raise BadFeedOption(f"alarms: {item} is outside 1 minute to 90 days")
        out.append(delta)
    return tuple(sorted(set(out), reverse=True))


def check_lang(lang: str) -> str:
    if lang not in LANGUAGES:
        raise BadFeedOption(f"lang: {lang!r} is not offered; use one of {', '.join(LANGUAGES)}")
    return lang


def check_audience(audience: str) -> str:
    if audience not in AUDIENCES or audience == "all":
        offered = ", ".join(a for a in AUDIENCES if a != "all")
        raise BadFeedOption(f"audience: {audience!r} is not offered; use one of {offered}")
    return audience
