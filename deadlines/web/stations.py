"""Pages for voters abroad: an election's overseas voting stations, grouped by country and city,
with each station's days and hours in its local time, its feed and a plain search (`?q=`, no
script); and registration (the permanent overseas voter list, the E-60 deadlines ahead)."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from deadlines.feeds.catalog import FeedData, FeedSpec
from deadlines.feeds.text import day_text
from deadlines.lang_marks import HANGUL_RUN
from deadlines.reminders.planning import REGISTRATION
from deadlines.stations.model import Station
from deadlines.stations.places import city_name, country_name
from deadlines.web.baseurl import base_url
from deadlines.web.links import feed_links
from deadlines.web.pages import language
from deadlines.web.site import NowDep, SiteDep
from deadlines.web.timeline import records_of, upcoming

router = APIRouter(include_in_schema=False)
MAX_QUERY = 100


def written_in(text: str, lang: str) -> str | None:
    """The language to mark a text given as staff typed it (an address, a place with no Korean
    name) when its script is not the page's: Hangul is Korean, anything else read as English."""
    script = "ko" if HANGUL_RUN.search(text) else "en"
    return script if text and script != lang else None


def stations_of(data: FeedData, election_id: str) -> list[Station]:
    return [i.station for i in data.stations if i.station.election == election_id]


def station_view(station: Station, lang: str, base_url: str) -> dict[str, Any]:
    """What the page shows of one station: its name, days and hours (local), its feed links."""
    spec = FeedSpec(station.election, None, lang, station.station)
    return {
        "station": station,
        "name": station.name(lang),
        "other_name": station.name_en if lang == "ko" else station.name_ko,
        "days": [day_text(d, lang) for d in station.days()],
        "first": day_text(station.opens, lang),
        "last": day_text(station.closes, lang),
        "count": len(station.days()),
        "hours": station.hours_text(),
        "feed": feed_links(base_url, spec.path),
        "address_lang": written_in(station.address, lang),
    }


def grouped(stations: list[Station], lang: str, base_url: str) -> list[dict[str, Any]]:
    """Countries, each with its cities, each with its stations; sorted in the page's language."""

    def country(s: Station) -> str:
        return country_name(s.country, lang)

    def city(s: Station) -> str:
        return city_name(s.city, lang)

    out = []
    ordered = sorted(stations, key=lambda s: (country(s), city(s), s.name(lang)))
    for name, in_country in groupby(ordered, key=country):
        cities = [
            {
                "name": town,
                "lang": written_in(town, lang),
                "stations": [station_view(s, lang, base_url) for s in in_city],
            }
            for town, in_city in groupby(in_country, key=city)
        ]
        out.append({"name": name, "lang": written_in(name, lang), "cities": cities})
    return out


@router.get("/elections/{election_id}/stations", response_class=HTMLResponse)
def stations_page(request: Request, site: SiteDep, election_id: str, q: str = "") -> HTMLResponse:
    data = site.feeds.current()
    info = data.election(election_id)
    if info is None:
        return site.pages.message(request, 404, "not_found")
    lang = language(request)
    query = q.strip()[:MAX_QUERY]
    every = stations_of(data, election_id)
    found = [s for s in every if s.matches(query)]
    context = {
        "info": info,
        "q": query,
        "total": len(every),
        "found": len(found),
        "countries": grouped(found, lang, base_url(request, site.settings)),
    }
    return site.pages.render(request, "stations.html", context)


@router.get("/overseas-voters", response_class=HTMLResponse)
def overseas_voters(request: Request, site: SiteDep, now: NowDep) -> HTMLResponse:
    """Registration for voters abroad: the permanent list, the E-60 deadline of each election
    ahead, and the yearly reminder to check one's details."""
    data = site.feeds.current()
    lang = language(request)
    ahead = []
    for e in upcoming(data, now.date()):
        record = next((r for r in records_of(data, e.id) if r.id == REGISTRATION), None)
        if record is not None and record.closes is not None:
            ahead.append(
                {
                    "info": e,
                    "opens": day_text(record.opens, lang) if record.opens else "",
                    "closes": day_text(record.closes, lang),
                    "has_stations": any(i.station.election == e.id for i in data.stations),
                }
            )
    return site.pages.render(request, "overseas.html", {"ahead": ahead})
