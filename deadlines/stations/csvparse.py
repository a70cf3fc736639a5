"""Reads a station CSV into stations, row by row: bad rows are reported (line, field, value) and
skipped, good rows kept. Pure: text and the elections' voting windows in, stations out."""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from deadlines.errors import StationError
from deadlines.stations.model import DEFAULT_HOURS, MAX_DAYS, Station

COLUMNS = (
    "election",
    "station",
    "name_en",
    "name_ko",
    "country",
    "city",
    "timezone",
    "address",
    "opens",
    "closes",
)
OPTIONAL = ("hours",)
REQUIRED_VALUES = ("election", "station", "name_en", "country", "city", "timezone", "opens", "closes")
STATION_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
HOURS = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")
MAX_ROWS = 5000


@dataclass
class Parsed:
    """The outcome of one file: the stations kept, the rows refused and the warnings."""

    stations: list[tuple[int, Station]] = field(default_factory=list)  # (line, station)
    errors: list[StationError] = field(default_factory=list)
    warnings: list[StationError] = field(default_factory=list)


def check_zone(value: str) -> str:
    """A real IANA zone name (`America/Los_Angeles`), not an abbreviation or an offset."""
    if "/" not in value and value != "UTC":
        raise ValueError(f"{value!r} is not an IANA zone name such as America/Los_Angeles")
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as e:
        raise ValueError(f"{value!r} is not a known time zone (IANA names, e.g. Asia/Tokyo)") from e
    return value


def parse_hours(value: str) -> tuple[time, time]:
    m = HOURS.match(value.strip())
    if not m:
        raise ValueError(f"{value!r} is not opening and closing times like 08:00-17:00")
    try:
        start, end = time(int(m[1]), int(m[2])), time(int(m[3]), int(m[4]))
    except ValueError as e:
        raise ValueError(f"{value!r}: {e}") from e
    if start >= end:
        raise ValueError(f"{value!r}: the station must open before it closes")
    return start, end


def check_days(opens: date, closes: date, window: tuple[date, date]) -> tuple[str, str] | None:
    """(field, why) when these voting days are not allowed inside `window` (E-14..E-9), or None."""
    first, last = window
    if opens > closes:
        return "closes", f"opens {opens} is after closes {closes}"
    days = (closes - opens).days + 1
    if days > MAX_DAYS:
        return "closes", f"{days} voting days ({opens}..{closes}); a station may open on at most {MAX_DAYS}"
    outside = f"{opens}..{closes} is outside the overseas voting window {first}..{last} (E-14 to E-9)"
    if opens < first or opens > last:
        return "opens", outside
    if closes > last:
        return "closes", outside
    return None


def validate_station(
    values: Mapping[str, str], windows: Mapping[str, tuple[date, date]], *, file: str | None, line: int | None
) -> Station:
    """One station from its column values, or the first StationError that names what is wrong."""

    def fail(name: str, message: str) -> StationError:
        return StationError(message, file=file, line=line, field=name, value=values.get(name, ""))

    v = {k: (values.get(k) or "").strip() for k in (*COLUMNS, *OPTIONAL)}
    for name in REQUIRED_VALUES:
        if not v[name]:
            raise fail(name, "is empty; every station needs it")
    if v["election"] not in windows:
        raise fail("election", f"unknown election {v['election']!r}, or it has no overseas voting")
    if not STATION_ID.match(v["station"]):
        raise fail("station", f"{v['station']!r}: use lower-case letters, digits and hyphens (los-angeles)")
    try:
        check_zone(v["timezone"])
    except ValueError as e:
        raise fail("timezone", str(e)) from e
    days: dict[str, date] = {}
    for name in ("opens", "closes"):
        try:
            days[name] = date.fromisoformat(v[name])
        except ValueError as e:
            raise fail(name, f"{v[name]!r} is not a date like 2028-03-29") from e
    problem = check_days(days["opens"], days["closes"], windows[v["election"]])
    if problem:
        raise fail(*problem)
    hours = DEFAULT_HOURS
    if v["hours"]:
        try:
            hours = parse_hours(v["hours"])
        except ValueError as e:
            raise fail("hours", str(e)) from e
    return Station(
        election=v["election"],
        station=v["station"],
        name_en=v["name_en"],
        name_ko=v["name_ko"],
        country=v["country"],
        city=v["city"],
        timezone=v["timezone"],
        address=v["address"],
        opens=days["opens"],
        closes=days["closes"],
        hours=hours,
    )


def parse_csv(
    text: str,
    windows: Mapping[str, tuple[date, date]],
    *,
    file: str = "<stations>",
    election: str | None = None,
) -> Parsed:
    """Every row of a station file checked on its own. `windows`: election id -> its overseas
    voting window. `election`: import only that election's rows (an empty cell takes it).

    A file without the required header columns raises StationError: no row could be read."""
    reader = csv.reader(text.lstrip("\ufeff").splitlines())
    header = next(reader, None)
    if header is None:
        raise StationError("the file is empty; expected a header line " + ",".join(COLUMNS), file=file)
    names = [h.strip().lower() for h in header]
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        raise StationError(
            f"missing column(s) {', '.join(missing)}; the header must name " + ",".join(COLUMNS) + "[,hours]",
            file=file,
            line=1,
            field=missing[0],
        )
    out = Parsed()
    for extra in [n for n in names if n not in (*COLUMNS, *OPTIONAL)]:
        out.warnings.append(
            StationError("unknown column ignored", file=file, line=1, field=extra, value=extra)
        )
    seen: dict[tuple[str, str], int] = {}
    for index, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row) or row[0].lstrip().startswith("#"):
            continue
        if index > MAX_ROWS + 1:
            out.errors.append(
                StationError(f"more than {MAX_ROWS} rows; the rest was not read", file=file, line=index)
            )
            break
        if len(row) < len(names):
            absent = names[len(row)]
            if absent in COLUMNS:
                out.errors.append(
                    StationError(
                        f"missing column {absent!r}: the row has {len(row)} of {len(names)} fields",
                        file=file,
                        line=index,
                        field=absent,
                        value="",
                    )
                )
                continue
        if len(row) > len(names):
            out.errors.append(
                StationError(
                    f"{len(row)} fields but the header has {len(names)} (an unquoted comma?)",
                    file=file,
                    line=index,
                    value=",".join(row[len(names) :]),
                )
            )
            continue
        values = dict(zip(names, row, strict=False))
        if election is not None:
            given = values.get("election", "").strip()
            if not given:
                values["election"] = election
            elif given != election:
                out.errors.append(
                    StationError(
                        f"row is for {given!r}; this import is limited to {election!r}",
                        file=file,
                        line=index,
                        field="election",
                        value=given,
                    )
                )
                continue
        try:
            station = validate_station(values, windows, file=file, line=index)
        except StationError as e:
            out.errors.append(e)
            continue
        key = (station.election, station.station)
        if key in seen:
            out.errors.append(
                StationError(
                    f"duplicate station {station.station!r} (first on line {seen[key]})",
                    file=file,
                    line=index,
                    field="station",
                    value=station.station,
                )
            )
            continue
        seen[key] = index
        if not station.name_ko:
            out.warnings.append(
                StationError(
                    "no Korean name; pages show the English one", file=file, line=index, field="name_ko"
                )
            )
        out.stations.append((index, station))
    return out
