"""The zone picker's list, read once from the zone database (the `tzdata` package, or the
system's), and what a typed city, country or key means."""

from __future__ import annotations

import functools
import importlib.resources
import zoneinfo
from dataclasses import dataclass
from pathlib import Path

from deadlines.web.timeline import valid_zone
from deadlines.web.zonenames import ZoneName, build_names, find_zones

SYSTEM_ZONEINFO = Path("/usr/share/zoneinfo")


def _table(name: str) -> str:
    """A table shipped with the zone database (zone.tab, iso3166.tab); "" when there is none."""
    try:
        return importlib.resources.files("tzdata").joinpath("zoneinfo", name).read_text(encoding="utf-8")
    except (ModuleNotFoundError, OSError):
        pass
    try:
        return (SYSTEM_ZONEINFO / name).read_text(encoding="utf-8")
    except OSError:
        return ""


def _columns(text: str) -> list[list[str]]:
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]


@functools.cache
def zone_names() -> tuple[ZoneName, ...]:
    """Every picker entry, sorted by English city name."""
    zone_countries = {cols[2]: cols[0] for cols in _columns(_table("zone.tab")) if len(cols) >= 3}
    countries = {cols[0]: cols[1] for cols in _columns(_table("iso3166.tab")) if len(cols) >= 2}
    return build_names(zoneinfo.available_timezones(), zone_countries, countries)


@functools.cache
def labels(lang: str) -> tuple[str, ...]:
    """The picker's options in one language (each names one zone)."""
    return tuple(dict.fromkeys(z.label(lang) for z in zone_names()))


@dataclass(frozen=True)
class Resolved:
    """What a typed place meant: one zone, or the zones to choose from (a country with several),
    or nothing."""

    zone: str | None
    choices: tuple[ZoneName, ...] = ()


def resolve(text: str | None) -> Resolved:
    """A zone key is taken as it is; anything else is looked up by city or country name."""
    text = (text or "").strip()
    key = valid_zone(text)
    if key is not None:
        return Resolved(key)
    found = find_zones(text, zone_names())
    if len(found) == 1:
        return Resolved(found[0])
    first = {z.key: z for z in reversed(zone_names()) if z.key in found}
    return Resolved(None, tuple(first[k] for k in found))


def zone_from_text(text: str) -> str:
    """For a form's zone field: the zone a city or country name means, else the text as typed
    (which the form's own check then refuses, naming it)."""
    return resolve(text).zone or text.strip()
