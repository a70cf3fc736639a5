"""Which feeds exist (per election, audience and language) and what goes into each. Pure."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import Any

from deadlines.feeds.builder import FeedItem, FeedOptions, build_feed, event_count
from deadlines.feeds.stationfeed import StationItem, build_station_feed, station_feed_id
from deadlines.feeds.text import AUDIENCE_NAMES
from deadlines.records import LANGUAGES

UPCOMING = "upcoming"


@dataclass(frozen=True)
class ElectionInfo:
    id: str
    name: Mapping[str, str]
    day: date
    timezone: str
    provisional: bool = False  # the day is computed from the law, not yet confirmed


@dataclass(frozen=True)
class FeedData:
    """Everything feeds are built from, read from the database in one go."""

    elections: tuple[ElectionInfo, ...]
    items: tuple[FeedItem, ...]
    stations: tuple[StationItem, ...] = ()  # overseas voting stations, each with its own feed

    @cached_property
    def election_ids(self) -> frozenset[str]:
        return frozenset(e.id for e in self.elections)

    def election(self, election_id: str) -> ElectionInfo | None:
        return next((e for e in self.elections if e.id == election_id), None)

    def station(self, election_id: str, station: str) -> StationItem | None:
        return next(
            (s for s in self.stations if s.station.election == election_id and s.station.station == station),
            None,
        )


@dataclass(frozen=True)
class FeedSettings:
    uid_domain: str
    base_url: str
    ttl: timedelta
    retention: timedelta


@dataclass(frozen=True)
class FeedSpec:
    election: str  # an election id, or "upcoming"
    audience: str | None
    lang: str
    station: str | None = None  # an overseas voting station's own feed

    @property
    def id(self) -> str:
        if self.station:
            return station_feed_id(self.election, self.station, self.lang)
        return ".".join(p for p in (self.election, self.audience, self.lang) if p)

    @property
    def path(self) -> str:
        return f"{self.id}.ics"


def parse_feed_name(name: str) -> tuple[str, str | None, str | None] | None:
    """`kr-2024-national-assembly.overseas.en.ics` to (election, audience, lang); None if malformed.

    The short forms `{election}.ics` and `{election}.{lang}.ics` leave the rest to the query.
    """
    if not name.endswith(".ics") or "/" in name:
        return None
    parts = name[: -len(".ics")].split(".")
    if not all(parts):
        return None
    if len(parts) == 1:
        return parts[0], None, None
    if len(parts) == 2:
        return parts[0], None, parts[1]
    if len(parts) == 3:
        return parts[0], parts[1], parts[2]
    return None


def _upcoming(data: FeedData, today: date) -> list[ElectionInfo]:
    return [e for e in data.elections if e.day >= today]


def feed_audiences(data: FeedData, election_id: str) -> list[str]:
    """The audiences with a feed of their own for an election: those its deadlines name."""
    named = {a for i in data.items if i.record.election_id == election_id for a in i.record.audiences}
    return sorted(named - {"all"})


def catalog(data: FeedData, today: date) -> list[FeedSpec]:
    specs: list[FeedSpec] = []
    for lang in LANGUAGES:
        specs.append(FeedSpec(UPCOMING, None, lang))
    for election in sorted(data.elections, key=lambda e: e.id):
        audiences = feed_audiences(data, election.id)
        for lang in LANGUAGES:
            specs.append(FeedSpec(election.id, None, lang))
            specs.extend(FeedSpec(election.id, audience, lang) for audience in audiences)
    for item in sorted(data.stations, key=lambda i: (i.station.election, i.station.station)):
        if item.station.election in data.election_ids:
            specs.extend(
                FeedSpec(item.station.election, None, lang, item.station.station) for lang in LANGUAGES
            )
    return specs


def known(data: FeedData, spec: FeedSpec) -> bool:
    if spec.lang not in LANGUAGES:
        return False
    if spec.election != UPCOMING and spec.election not in data.election_ids:
        return False
    if spec.station is not None:
        return data.station(spec.election, spec.station) is not None
    return spec.audience is None or spec.audience in AUDIENCE_NAMES["en"]


def select(data: FeedData, spec: FeedSpec, now: datetime, retention: timedelta) -> list[FeedItem]:
    """The items of a feed: cancelled records stay for the retention period, then leave."""
    upcoming = spec.election == UPCOMING
    elections = {e.id for e in _upcoming(data, now.date())} if upcoming else {spec.election}
    chosen = []
    for item in data.items:
        r = item.record
        if r.election_id not in elections:
            continue
        if spec.audience and spec.audience not in r.audiences and "all" not in r.audiences:
            continue
        if r.status == "cancelled" and now - item.updated_at > retention:
            continue
        if r.status not in ("published", "cancelled"):
            continue
        chosen.append(item)
    return chosen


def _names(data: FeedData, spec: FeedSpec) -> tuple[str, str, str]:
    lang = spec.lang
    if spec.election == UPCOMING:
        name = "Upcoming election deadlines" if lang == "en" else "다가오는 선거일정"
        zone = data.elections[0].timezone if data.elections else "UTC"
    else:
        election = next(e for e in data.elections if e.id == spec.election)
        name = f"{election.name[lang]} — deadlines" if lang == "en" else f"{election.name[lang]} 선거일정"
        zone = election.timezone
    if spec.audience:
        who = AUDIENCE_NAMES[lang][spec.audience]
        name += f" for {who}" if lang == "en" else f" ({who})"
    description = (
        "Official deadlines computed from election law and published notices. Times are shown in "
        "your calendar's zone; each event gives the official date."
        if lang == "en"
        else "선거법과 공고에 따른 공식 일정입니다. 시간은 달력의 시간대로 표시되며, 각 일정에 공식 일시가 있습니다."
    )
    return name, description, zone


def feed_options(
    data: FeedData, spec: FeedSpec, settings: FeedSettings, alarms: tuple[timedelta, ...] = ()
) -> FeedOptions:
    name, description, zone = _names(data, spec)
    return FeedOptions(
        lang=spec.lang,
        name=name,
        description=description,
        timezone=zone,
        uid_domain=settings.uid_domain,
        base_url=settings.base_url,
        ttl=settings.ttl,
        # Voters abroad need the real moment a Korean date-only deadline ends in their zone.
        abroad=spec.audience == "overseas",
        alarms=alarms,
    )


@dataclass(frozen=True)
class BuiltFeed:
    spec: FeedSpec
    body: bytes
    name: str
    events: int
    last_change: datetime | None


def build(
    data: FeedData, spec: FeedSpec, settings: FeedSettings, now: datetime, alarms: tuple[timedelta, ...] = ()
) -> BuiltFeed:
    if spec.station is not None:
        return _build_station(data, spec, settings)
    items = select(data, spec, now, settings.retention)
    options = feed_options(data, spec, settings, alarms)
    body = build_feed(items, options)
    last = max((i.updated_at for i in items), default=None)
    return BuiltFeed(spec, body, options.name, event_count(body), last)


def _build_station(data: FeedData, spec: FeedSpec, settings: FeedSettings) -> BuiltFeed:
    item = data.station(spec.election, spec.station or "")
    election = data.election(spec.election)
    assert item is not None and election is not None
    body = build_station_feed(
        item,
        election_name=election.name,
        lang=spec.lang,
        uid_domain=settings.uid_domain,
        base_url=settings.base_url,
        ttl=settings.ttl,
        provisional=election.provisional,
    )
    name = f"{item.station.name(spec.lang)} — {election.name[spec.lang]}"
    return BuiltFeed(spec, body, name, event_count(body), item.updated_at)


def index_json(feeds: Sequence[BuiltFeed], base_url: str) -> bytes:
    entries: list[dict[str, Any]] = [
        {
            "id": f.spec.id,
            "title": f.name,
            "language": f.spec.lang,
            "election": f.spec.election,
            "audience": f.spec.audience,
            "path": f.spec.path,
            "url": f"{base_url.rstrip('/')}/calendars/{f.spec.path}",
            "events": f.events,
            "last_change": f.last_change.isoformat() if f.last_change else None,
            **({"station": f.spec.station} if f.spec.station else {}),
        }
        for f in feeds
    ]
    return (json.dumps({"feeds": entries}, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()
