"""The ICS of one overseas voting station: one event per voting day, 08:00-17:00 (or the
station's hours) as real instants in the station's own zone, with its VTIMEZONE. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event

from deadlines import __version__
from deadlines.feeds.builder import ics_duration, vtimezone
from deadlines.feeds.text import day_text
from deadlines.stations.model import Station

PRODID = f"-//deadlines//Election deadlines {__version__}//EN"
SEGMENT = "station"  # feed names: {election}.station.{station}.{lang}.ics


@dataclass(frozen=True)
class StationItem:
    """A stored station as a feed needs it, with when it last changed."""

    station: Station
    updated_at: datetime


def station_feed_id(election: str, station: str, lang: str) -> str:
    return f"{election}.{SEGMENT}.{station}.{lang}"


def parse_station_feed_name(name: str) -> tuple[str, str, str] | None:
    """`kr-2028-national-assembly.station.los-angeles.en.ics` to (election, station, lang)."""
    if not name.endswith(".ics") or "/" in name:
        return None
    parts = name[: -len(".ics")].split(".")
    if len(parts) != 4 or parts[1] != SEGMENT or not all(parts):
        return None
    return parts[0], parts[2], parts[3]


def page_url(base_url: str, station: Station) -> str:
    return f"{base_url.rstrip('/')}/elections/{station.election}/stations#{station.station}"


def _summary(station: Station, lang: str) -> str:
    if lang == "ko":
        return f"재외투표: {station.name('ko')}"
    return f"Overseas voting: {station.name('en')}"


def _description(
    station: Station, day_index: int, election_name: str, lang: str, provisional: bool, url: str
) -> str:
    days = station.days()
    hours = station.hours_text()
    if lang == "ko":
        lines = [
            f"투표일 {day_index + 1}/{len(days)}: {day_text(days[day_index], lang)} {hours} (현지시간, {station.timezone})",
            f"투표소 운영: {day_text(days[0], lang)} - {day_text(days[-1], lang)}",
            "재외선거인과 국외부재자는 어느 재외투표소에서나 투표할 수 있습니다. 여권 등 신분증을 가져오세요.",
            "근거: 공직선거법 제218조의17",
        ]
        if provisional:
            lines.append("잠정: 선거일은 법에 따라 계산한 날이며 아직 공고되지 않았습니다.")
        lines.append(f"선거: {election_name}")
    else:
        lines = [
            f"Voting day {day_index + 1} of {len(days)}: {day_text(days[day_index], lang)} {hours} "
            f"local time ({station.timezone})",
            f"This station is open {day_text(days[0], lang)} to {day_text(days[-1], lang)}.",
            "Registered voters abroad may vote at any overseas station; bring your passport or ID.",
            "Law: Public Official Election Act, Art. 218-17",
        ]
        if provisional:
            lines.append("Provisional: the election day is computed from the law and not yet announced.")
        lines.append(f"Election: {election_name}")
    lines.append(url)
    return "\n".join(lines)


def build_station_feed(
    item: StationItem,
    *,
    election_name: Mapping[str, str],
    lang: str,
    uid_domain: str,
    base_url: str,
    ttl: timedelta,
    provisional: bool = False,
) -> bytes:
    """One station's feed as bytes; the same inputs always give the same bytes."""
    s = item.station
    name = election_name.get(lang, s.election)
    title = f"{s.name(lang)} — {name}"
    url = page_url(base_url, s)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("name", title)
    cal.add("x-wr-calname", title)
    description = (
        "Overseas voting days at this station, in its local time."
        if lang == "en"
        else "이 재외투표소의 투표일과 시간(현지시간)입니다."
    )
    cal.add("description", description)
    cal.add("x-wr-caldesc", description)
    cal.add("x-wr-timezone", s.timezone)
    cal.add("refresh-interval", ttl, parameters={"VALUE": "DURATION"})
    # Outlook and Google read this one; RFC 7986 clients the line above (as the other feeds do).
    cal.add("x-published-ttl", ics_duration(ttl))
    # A year either side covers every transition a client needs around the voting days.
    cal.add_component(vtimezone(s.timezone, s.opens - timedelta(days=366), s.closes + timedelta(days=366)))
    stamp = item.updated_at.astimezone(UTC)
    for index, (start, end) in enumerate(s.sessions()):
        event = Event()
        event.add("uid", f"overseas-voting.{s.station}.{start.date().isoformat()}.{s.election}@{uid_domain}")
        event.add("dtstamp", stamp)
        event.add("dtstart", start)
        event.add("dtend", end)
        event.add("summary", _summary(s, lang))
        event.add("location", ", ".join(p for p in (s.address, s.city, s.country) if p))
        event.add("description", _description(s, index, name, lang, provisional, url))
        event.add("url", url)
        event.add("categories", ["overseas"])
        event.add("transp", "TRANSPARENT")
        event.add("status", "TENTATIVE" if provisional else "CONFIRMED")
        event.add("last-modified", stamp)
        cal.add_component(event)
    return bytes(cal.to_ical())
