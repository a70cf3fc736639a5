"""The words of a "voting at your station opens tomorrow" reminder, in English and Korean:
when, where and the station's days, all in the station's local time. Pure."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from deadlines.feeds.stationfeed import page_url, station_feed_id
from deadlines.feeds.text import day_text
from deadlines.stations.model import Station
from deadlines.stations.places import city_name, country_name


def _when(station: Station, now: datetime, lang: str) -> str:
    """ "tomorrow", "today" or the day, as seen at the station at `now`."""
    opening = station.first_opening()
    today = now.astimezone(ZoneInfo(station.timezone)).date()
    gap = (opening.date() - today).days
    if lang == "ko":
        return {0: "오늘", 1: "내일"}.get(gap, day_text(opening.date(), lang))
    return {0: "today", 1: "tomorrow"}.get(gap, f"on {day_text(opening.date(), lang)}")


def station_headline(station: Station, now: datetime, lang: str) -> str:
    opening = f"{station.hours[0]:%H:%M}"
    city = city_name(station.city, lang)
    if lang == "ko":
        return f"재외투표소 투표가 {_when(station, now, lang)} {opening}({city})에 시작됩니다"
    return f"Voting at your station opens {_when(station, now, lang)} at {opening} ({city})"


def station_context(
    station: Station, *, zone: str, election: str, base_url: str, now: datetime, lang: str
) -> dict[str, object]:
    """What the station templates show; `zone` is the voter's, for the opening in their time."""
    opening = station.first_opening()
    mine = opening.astimezone(ZoneInfo(zone))
    feed = f"{base_url.rstrip('/')}/calendars/{station_feed_id(station.election, station.station, lang)}.ics"
    return {
        "headline": station_headline(station, now, lang),
        "name": station.name(lang),
        "address": station.address,
        "place": f"{city_name(station.city, lang)}, {country_name(station.country, lang)}",
        "days": [f"{day_text(d, lang)} {station.hours_text()}" for d in station.days()],
        "zone_name": station.timezone,
        "yours": f"{day_text(mine.date(), lang)} {mine:%H:%M} ({zone})" if zone != station.timezone else "",
        "election": election,
        "url": page_url(base_url, station),
        "feed_url": feed,
        "feed_webcal": "webcal" + feed[feed.index("://") :] if "://" in feed else feed,
    }
