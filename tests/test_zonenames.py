"""The zone picker's list: cities and countries in English and Korean, built from the zone
database, and what a typed name means. The builder is pure; the last tests read the real tables."""

from __future__ import annotations

import zoneinfo

import pytest

from deadlines.web.zonenames import (
    CITIES,
    SAME_ZONE_CITIES,
    ZoneName,
    build_names,
    city_name,
    derived_city,
    find_zones,
)
from deadlines.web.zones import labels, resolve, zone_from_text, zone_names

# A small zone table in zone.tab's shape (key -> country), with its country names.
TABLE = {
    "America/Los_Angeles": "US",
    "America/New_York": "US",
    "America/Indiana/Vevay": "US",
    "Asia/Tokyo": "JP",
    "Asia/Seoul": "KR",
    "America/Sao_Paulo": "BR",
}
COUNTRIES = {"US": "United States", "JP": "Japan", "KR": "Korea (South)", "BR": "Brazil"}
KEYS = set(TABLE) | {"US/Pacific", "UTC"}


def names() -> tuple[ZoneName, ...]:
    return build_names(KEYS, TABLE, COUNTRIES)


def test_entries_are_labelled_by_city_and_country_in_both_languages() -> None:
    by_label = {z.label("en"): z for z in names()}
    assert by_label["Los Angeles (United States)"].label("ko") == "로스앤젤레스 (미국)"
    assert by_label["Seoul (South Korea)"].label("ko") == "서울 (대한민국)"
    # A city without a Korean name keeps its English one, with the country in Korean.
    assert by_label["Vevay, Indiana (United States)"].label("ko") == "Vevay, Indiana (미국)"
    # Cities that share a zone are entries of their own, pointing at it.
    assert by_label["Seattle (United States)"].key == "America/Los_Angeles"
    assert by_label["Osaka (Japan)"].label("ko") == "오사카 (일본)"
    # Old aliases (US/Pacific) are not listed; UTC is.
    assert "US/Pacific" not in {z.key for z in names()} and "UTC" in by_label


@pytest.mark.parametrize(
    ("typed", "zones"),
    [
        ("Los Angeles", ["America/Los_Angeles"]),
        ("로스앤젤레스", ["America/Los_Angeles"]),
        ("los angeles (united states)", ["America/Los_Angeles"]),
        ("로스앤젤레스 (미국)", ["America/Los_Angeles"]),
        ("seattle", ["America/Los_Angeles"]),
        ("시애틀", ["America/Los_Angeles"]),
        ("America/New_York", ["America/New_York"]),
        ("sao paulo", ["America/Sao_Paulo"]),  # accents and case do not matter
        ("Japan", ["Asia/Tokyo"]),  # a country with one zone
        ("일본", ["Asia/Tokyo"]),
        ("오사", ["Asia/Tokyo"]),  # the start of a city's name
        ("Korea", ["Asia/Seoul"]),  # part of a country's name
        ("Atlantis", []),
        ("", []),
        ("   ", []),
        ("x" * 200, []),
    ],
)
def test_typed_names_find_their_zones(typed: str, zones: list[str]) -> None:
    assert find_zones(typed, names()) == zones


def test_a_country_with_several_zones_offers_them_with_the_big_cities_first() -> None:
    found = find_zones("미국", names())
    assert set(found) == {"America/Los_Angeles", "America/New_York", "America/Indiana/Vevay"}
    assert found[-1] == "America/Indiana/Vevay"  # no Korean name: after the cities voters live in


def test_derived_and_korean_city_names() -> None:
    assert derived_city("America/Argentina/Buenos_Aires") == "Buenos Aires, Argentina"
    assert derived_city("Europe/Isle_of_Man") == "Isle of Man"
    assert city_name("America/Argentina/Buenos_Aires", "en") == "Buenos Aires"
    assert city_name("America/Los_Angeles", "ko") == "로스앤젤레스"
    assert city_name("America/Boise", "ko") == "Boise"


def test_the_korean_table_covers_where_voters_abroad_live() -> None:
    # Every hand-written key is a real zone, and the table is big enough to matter.
    known = zoneinfo.available_timezones()
    assert set(CITIES) <= known and {key for _, _, key in SAME_ZONE_CITIES} <= known
    assert len(CITIES) + len(SAME_ZONE_CITIES) >= 100
    for key in ("America/Los_Angeles", "America/New_York", "America/Toronto", "America/Vancouver", "Asia/Tokyo",
                "Asia/Shanghai", "Asia/Ho_Chi_Minh", "Australia/Sydney", "Pacific/Auckland", "Europe/London",
                "Europe/Berlin", "Europe/Paris"):  # fmt: skip
        assert key in CITIES


def test_the_real_list_has_one_label_per_entry_in_each_language() -> None:
    entries = zone_names()
    assert len(entries) > 400
    for lang in ("en", "ko"):
        assert len(labels(lang)) == len({z.label(lang) for z in entries}) == len(entries)
    assert "로스앤젤레스 (미국)" in labels("ko") and "Los Angeles (United States)" in labels("en")


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("Los Angeles", "America/Los_Angeles"),
        ("밴쿠버", "America/Vancouver"),
        ("호찌민", "Asia/Ho_Chi_Minh"),
        ("Hanoi", "Asia/Ho_Chi_Minh"),
        ("대한민국", "Asia/Seoul"),
        ("Auckland (New Zealand)", "Pacific/Auckland"),
        ("US/Pacific", "US/Pacific"),  # a valid key is taken as it is
        ("Frankfurt (Germany)", "Europe/Berlin"),
    ],
)
def test_resolve_against_the_zone_database(typed: str, zone: str) -> None:
    assert resolve(typed).zone == zone
    assert zone_from_text(typed) == zone


def test_resolve_offers_choices_or_nothing() -> None:
    several = resolve("캐나다")
    assert several.zone is None and "America/Toronto" in {z.key for z in several.choices}
    assert several.choices[0].key in CITIES
    assert resolve("Mars/Olympus") == resolve("") == type(several)(None, ())
    assert zone_from_text("  Mars/Olympus ") == "Mars/Olympus"  # the form's check names it
