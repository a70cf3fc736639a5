"""Station CSV reading and the station's moments: each bad-row family reported by line and
field, good rows kept, real published station days accepted, and voting hours as real instants."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from deadlines.errors import StationError
from deadlines.stations.csvparse import parse_csv
from deadlines.stations.model import Station, window_of
from deadlines.stations.reminder import station_moments

E2028 = "kr-2028-national-assembly"
E2024 = "kr-2024-national-assembly"
# 23rd National Assembly election, Wed 12 Apr 2028: E-14 = 29 Mar, E-9 = 3 Apr 2028.
WINDOWS = {E2028: (date(2028, 3, 29), date(2028, 4, 3)), E2024: (date(2024, 3, 27), date(2024, 4, 1))}
HEADER = "election,station,name_en,name_ko,country,city,timezone,address,opens,closes,hours"
GOOD = f"{E2028},tokyo,Embassy in Japan,주일본 대사관,Japan,Tokyo,Asia/Tokyo,Minato-ku,2028-03-29,2028-04-03,"


def test_the_window_is_e14_to_e9() -> None:
    assert window_of(date(2028, 4, 12)) == (date(2028, 3, 29), date(2028, 4, 3))
    assert window_of(date(2024, 4, 10)) == (date(2024, 3, 27), date(2024, 4, 1))


def test_a_good_row_is_kept_with_the_default_hours() -> None:
    parsed = parse_csv(f"{HEADER}\n{GOOD}\n", WINDOWS, file="s.csv")
    assert parsed.errors == []
    [(line, station)] = parsed.stations
    assert line == 2 and station.hours == (time(8), time(17)) and station.timezone == "Asia/Tokyo"
    assert len(station.days()) == 6


# Each family of bad row: (row, field at fault, words the message must carry).
BAD = [
    pytest.param(
        f"{E2028},paris,Paris,파리,France,Paris,Europe/Paris,,2028-03-27,2028-03-30,",
        "opens",
        "outside the overseas voting window 2028-03-29..2028-04-03",
        id="before-window",
    ),
    pytest.param(
        f"{E2028},paris,Paris,파리,France,Paris,Europe/Paris,,2028-04-01,2028-04-05,",
        "closes",
        "outside the overseas voting window",
        id="after-window",
    ),
    pytest.param(
        f"{E2028},paris,Paris,파리,France,Paris,Europe/Paris,,2028-03-29,2028-04-04,",
        "closes",
        "7 voting days",
        id="more-than-six-days",
    ),
    pytest.param(
        f"{E2028},paris,Paris,파리,France,Paris,Europe/Paros,,2028-03-29,2028-04-03,",
        "timezone",
        "not a known time zone",
        id="unknown-zone",
    ),
    pytest.param(
        f"{E2028},paris,Paris,파리,France,Paris,CET,,2028-03-29,2028-04-03,",
        "timezone",
        "not an IANA zone name",
        id="abbreviated-zone",
    ),
    pytest.param(
        f"{E2028},paris,Paris,파리,France,Paris,Europe/Paris,,2028-03-32,2028-04-03,",
        "opens",
        "not a date",
        id="bad-date",
    ),
    pytest.param(
        f"{E2028},paris,Paris,파리,France,Paris,Europe/Paris,,2028-04-03,2028-03-30,",
        "closes",
        "is after closes",
        id="opens-after-closes",
    ),
    pytest.param(
        f"{E2028},paris,Paris,파리,France,Paris,Europe/Paris,,2028-03-29",
        "closes",
        "missing column 'closes'",
        id="missing-column",
    ),
    pytest.param(
        f"{E2028},paris,Paris,파리,France,Paris,Europe/Paris,,2028-03-29,2028-04-03,17:00-08:00",
        "hours",
        "must open before it closes",
        id="hours-reversed",
    ),
    pytest.param(
        f"{E2028},Paris Station,Paris,파리,France,Paris,Europe/Paris,,2028-03-29,2028-04-03,",
        "station",
        "lower-case letters",
        id="bad-station-id",
    ),
    pytest.param(
        "kr-2026-local,paris,Paris,파리,France,Paris,Europe/Paris,,2026-05-20,2026-05-25,",
        "election",
        "no overseas voting",
        id="election-without-overseas-voting",
    ),
    pytest.param(
        f"{E2028},tokyo,Tokyo again,도쿄,Japan,Tokyo,Asia/Tokyo,,2028-03-30,2028-04-01,",
        "station",
        "duplicate station 'tokyo' (first on line 2)",
        id="duplicate-station",
    ),
]


@pytest.mark.parametrize(("row", "field", "words"), BAD)
def test_a_bad_row_is_reported_by_line_and_field_and_skipped(row: str, field: str, words: str) -> None:
    text = f"{HEADER}\n{GOOD}\n{row}\n"
    parsed = parse_csv(text, WINDOWS, file="stations.csv")
    # The good row before it is kept; the bad one is the only error, on line 3.
    assert [s.station for _, s in parsed.stations] == ["tokyo"]
    [error] = parsed.errors
    assert isinstance(error, StationError)
    assert (error.file, error.line, error.field) == ("stations.csv", 3, field)
    assert words in str(error)
    assert str(error).startswith(f"stations.csv:3: field {field!r}: ")


def test_the_value_at_fault_is_carried() -> None:
    parsed = parse_csv(
        f"{HEADER}\n{E2028},x,X,X,Y,Z,Mars/Olympus,,2028-03-29,2028-04-03,\n", WINDOWS, file="f.csv"
    )
    [error] = parsed.errors
    assert error.value == "Mars/Olympus" and error.line == 2


def test_a_header_without_a_required_column_is_a_file_error() -> None:
    header = HEADER.replace(",timezone", "")
    with pytest.raises(StationError, match=r"s\.csv:1: field 'timezone': missing column\(s\) timezone"):
        parse_csv(f"{header}\n", WINDOWS, file="s.csv")


def test_an_empty_file_is_a_file_error() -> None:
    with pytest.raises(StationError, match="empty"):
        parse_csv("", WINDOWS, file="s.csv")


def test_limiting_to_one_election_fills_empty_cells_and_refuses_others() -> None:
    text = (
        f"{HEADER}\n"
        ",tokyo,Embassy in Japan,주일본 대사관,Japan,Tokyo,Asia/Tokyo,,2028-03-29,2028-04-03,\n"
        f"{E2024},la,LA,LA,United States,Los Angeles,America/Los_Angeles,,2024-03-27,2024-04-01,\n"
    )
    parsed = parse_csv(text, WINDOWS, file="s.csv", election=E2028)
    assert [s.key for _, s in parsed.stations] == [f"{E2028}/tokyo"]
    assert [(e.line, e.field) for e in parsed.errors] == [(3, "election")]


def test_warnings_name_the_line_and_field() -> None:
    text = f"{HEADER},notes\n{GOOD.replace('주일본 대사관', '')},hello\n"
    parsed = parse_csv(text, WINDOWS, file="s.csv")
    assert [(w.line, w.field) for w in parsed.warnings] == [(1, "notes"), (2, "name_ko")]
    assert len(parsed.stations) == 1


def test_stations_of_the_22nd_national_assembly_election_are_accepted() -> None:
    """22nd National Assembly election (10 Apr 2024): overseas voting window 27 Mar - 1 Apr 2024
    (NEC statistics on the 22nd overseas election; the law summary's "Overseas voting by
    station"). The consulate general in Los Angeles was open all six days; its additional
    stations in Orange County, San Diego and Arizona were open 29-31 Mar only."""
    rows = [
        "la,Consulate General in Los Angeles,LA 총영사관,United States,Los Angeles,America/Los_Angeles,2024-03-27,2024-04-01",
        "orange-county,Orange County,오렌지카운티,United States,Orange County,America/Los_Angeles,2024-03-29,2024-03-31",
        "san-diego,San Diego,샌디에이고,United States,San Diego,America/Los_Angeles,2024-03-29,2024-03-31",
        "arizona,Arizona,애리조나,United States,Phoenix,America/Phoenix,2024-03-29,2024-03-31",
    ]
    header = "election,station,name_en,name_ko,country,city,timezone,opens,closes,address"
    text = header + "\n" + "\n".join(f"{E2024},{r}," for r in rows) + "\n"
    parsed = parse_csv(text, WINDOWS, file="2024.csv")
    assert parsed.errors == []
    days = {s.station: len(s.days()) for _, s in parsed.stations}
    assert days == {"la": 6, "orange-county": 3, "san-diego": 3, "arizona": 3}
    # One day more on either side of the window is refused.
    late = text.replace("2024-03-31,", "2024-04-02,", 1)
    assert [e.field for e in parse_csv(late, WINDOWS, file="2024.csv").errors] == ["closes"]


def _station(zone: str, opens: date, closes: date) -> Station:
    return Station(E2028, "x", "X", "엑스", "C", "City", zone, "", opens, closes)


def test_voting_hours_are_instants_in_the_station_zone_across_a_dst_change() -> None:
    # Sydney leaves daylight saving on Sun 2 Apr 2028 at 03:00: 08:00 is 21:00 UTC the day
    # before until then, 22:00 UTC after.
    s = _station("Australia/Sydney", date(2028, 3, 29), date(2028, 4, 3))
    starts = [start.astimezone(UTC) for start, _ in s.sessions()]
    assert starts[0] == datetime(2028, 3, 28, 21, tzinfo=UTC)
    assert starts[3] == datetime(2028, 3, 31, 21, tzinfo=UTC)  # Sat 1 Apr, still AEDT
    assert starts[4] == datetime(2028, 4, 1, 22, tzinfo=UTC)  # Sun 2 Apr, AEST
    # Phoenix keeps MST all year: 17:00 is midnight UTC.
    arizona = _station("America/Phoenix", date(2028, 3, 31), date(2028, 4, 2))
    assert arizona.last_closing() == datetime(2028, 4, 3, 0, tzinfo=UTC)


def test_the_opens_tomorrow_reminder_is_due_the_day_before_and_closes_at_the_opening() -> None:
    s = _station("America/Los_Angeles", date(2028, 3, 29), date(2028, 4, 3))
    due, close = station_moments(s)
    assert due == datetime(2028, 3, 28, 16, tzinfo=UTC)  # 09:00 PDT on Tue 28 Mar
    assert close == datetime(2028, 3, 29, 15, tzinfo=UTC)  # 08:00 PDT on Wed 29 Mar
    assert due < close


def test_search_matches_english_and_korean_names_country_and_city() -> None:
    s = Station(
        E2028,
        "la",
        "Consulate General in Los Angeles",
        "주로스앤젤레스 총영사관",
        "United States",
        "Los Angeles",
        "America/Los_Angeles",
        "",
        date(2028, 3, 29),
        date(2028, 4, 3),
    )
    for query in ("los angeles", "로스앤젤레스", "united", "미국", "CONSULATE", ""):
        assert s.matches(query), query
    assert not s.matches("tokyo")
