"""When a voter who chose a station hears that it opens: the day before its first voting day,
at 09:00 in the station's zone, and never once it has opened. Pure date maths."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from deadlines.stations.model import Station

STATION_TRIGGER = "station-opens"
NOTICE_AT = time(9, 0)  # station-local: a working-hours nudge, not a wake-up call


def station_moments(station: Station) -> tuple[datetime, datetime]:
    """(due, close) of the "opens tomorrow" reminder: due 09:00 station-local the day before the
    first voting day; close is the first opening, after which the message is no longer true.
    Should the station open before 09:00 plus a day (hours starting late the evening before are
    impossible, but odd hours are not), the reminder is due one day earlier still."""
    tz = ZoneInfo(station.timezone)
    opening = station.first_opening()
    due = datetime.combine(station.opens - timedelta(days=1), NOTICE_AT, tz)
    if due >= opening:
        due -= timedelta(days=1)
    return due, opening
