"""The sign-up form's optional choice of an overseas voting station: the choices per election
(shown only for elections that have stations) and the keys a form may send back."""

from __future__ import annotations

from typing import Any

from deadlines.feeds.catalog import FeedData
from deadlines.records import LANGUAGES
from deadlines.stations.model import Station
from deadlines.stations.places import city_name, country_name


def station_keys(data: FeedData) -> set[str]:
    """Every "election/station" key the form accepts."""
    return {i.station.key for i in data.stations}


def _label(s: Station, lang: str) -> str:
    return (
        f"{country_name(s.country, lang)} · {city_name(s.city, lang)} · {s.name(lang)} "
        f"({s.opens:%m-%d}..{s.closes:%m-%d})"
    )


def station_choices(data: FeedData, elections: list[Any]) -> list[dict[str, Any]]:
    """Per election that has stations: the election and its stations, each with its key and a
    label per language (country, city, name, days), in the order of the English labels."""
    out = []
    for e in elections:
        stations = [i.station for i in data.stations if i.station.election == e.id]
        if stations:
            options = [
                {"key": s.key, "label": {lang: _label(s, lang) for lang in LANGUAGES}}
                for s in sorted(stations, key=lambda s: _label(s, "en"))
            ]
            out.append({"election": e, "options": options})
    return out
