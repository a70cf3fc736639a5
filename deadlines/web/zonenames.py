"""Time zones by city and country name, in English and Korean, so a visitor picks "Los Angeles"
or "로스앤젤레스" instead of typing an IANA key. Pure: the zone keys and the country table come in
as arguments (`web/zones.py` reads them from the zone database)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# Korean names of the cities where most Korean voters abroad live, and of a few places whose
# zone key is not the city's English name. key -> (English name or "" to derive it, Korean name).
CITIES: Mapping[str, tuple[str, str]] = {
    "Asia/Seoul": ("", "서울"),
    "Asia/Tokyo": ("", "도쿄"),
    "Asia/Shanghai": ("", "상하이"),
    "Asia/Hong_Kong": ("", "홍콩"),
    "Asia/Taipei": ("", "타이베이"),
    "Asia/Macau": ("", "마카오"),
    "Asia/Ho_Chi_Minh": ("Ho Chi Minh City", "호찌민"),
    "Asia/Bangkok": ("", "방콕"),
    "Asia/Manila": ("", "마닐라"),
    "Asia/Singapore": ("", "싱가포르"),
    "Asia/Kuala_Lumpur": ("", "쿠알라룸푸르"),
    "Asia/Jakarta": ("", "자카르타"),
    "Asia/Phnom_Penh": ("", "프놈펜"),
    "Asia/Vientiane": ("", "비엔티안"),
    "Asia/Yangon": ("", "양곤"),
    "Asia/Kolkata": ("", "콜카타"),
    "Asia/Dhaka": ("", "다카"),
    "Asia/Kathmandu": ("", "카트만두"),
    "Asia/Karachi": ("", "카라치"),
    "Asia/Ulaanbaatar": ("", "울란바토르"),
    "Asia/Almaty": ("", "알마티"),
    "Asia/Tashkent": ("", "타슈켄트"),
    "Asia/Bishkek": ("", "비슈케크"),
    "Asia/Dubai": ("", "두바이"),
    "Asia/Riyadh": ("", "리야드"),
    "Asia/Qatar": ("Doha", "도하"),
    "Asia/Kuwait": ("Kuwait City", "쿠웨이트시티"),
    "Asia/Tehran": ("", "테헤란"),
    "Asia/Baghdad": ("", "바그다드"),
    "Asia/Jerusalem": ("", "예루살렘"),
    "Asia/Vladivostok": ("", "블라디보스토크"),
    "Asia/Sakhalin": ("Yuzhno-Sakhalinsk", "유즈노사할린스크"),
    "Asia/Irkutsk": ("", "이르쿠츠크"),
    "Asia/Novosibirsk": ("", "노보시비르스크"),
    "Europe/Moscow": ("", "모스크바"),
    "Europe/Istanbul": ("", "이스탄불"),
    "Europe/London": ("", "런던"),
    "Europe/Dublin": ("", "더블린"),
    "Europe/Paris": ("", "파리"),
    "Europe/Berlin": ("", "베를린"),
    "Europe/Amsterdam": ("", "암스테르담"),
    "Europe/Brussels": ("", "브뤼셀"),
    "Europe/Madrid": ("", "마드리드"),
    "Europe/Lisbon": ("", "리스본"),
    "Europe/Rome": ("", "로마"),
    "Europe/Zurich": ("", "취리히"),
    "Europe/Vienna": ("", "빈"),
    "Europe/Prague": ("", "프라하"),
    "Europe/Warsaw": ("", "바르샤바"),
    "Europe/Budapest": ("", "부다페스트"),
    "Europe/Stockholm": ("", "스톡홀름"),
    "Europe/Oslo": ("", "오슬로"),
    "Europe/Copenhagen": ("", "코펜하겐"),
    "Europe/Helsinki": ("", "헬싱키"),
    "Europe/Athens": ("", "아테네"),
    "Europe/Kyiv": ("", "키이우"),
    "Europe/Bucharest": ("", "부쿠레슈티"),
    "Africa/Cairo": ("", "카이로"),
    "Africa/Nairobi": ("", "나이로비"),
    "Africa/Johannesburg": ("", "요하네스버그"),
    "Africa/Lagos": ("", "라고스"),
    "Africa/Accra": ("", "아크라"),
    "Africa/Addis_Ababa": ("", "아디스아바바"),
    "Africa/Casablanca": ("", "카사블랑카"),
    "Australia/Sydney": ("", "시드니"),
    "Australia/Melbourne": ("", "멜버른"),
    "Australia/Brisbane": ("", "브리즈번"),
    "Australia/Perth": ("", "퍼스"),
    "Australia/Adelaide": ("", "애들레이드"),
    "Australia/Darwin": ("", "다윈"),
    "Australia/Hobart": ("", "호바트"),
    "Pacific/Auckland": ("", "오클랜드"),
    "Pacific/Guam": ("", "괌"),
    "Pacific/Saipan": ("", "사이판"),
    "Pacific/Fiji": ("Suva", "수바"),
    "Pacific/Honolulu": ("", "호놀룰루"),
    "America/Anchorage": ("", "앵커리지"),
    "America/Los_Angeles": ("", "로스앤젤레스"),
    "America/Denver": ("", "덴버"),
    "America/Phoenix": ("", "피닉스"),
    "America/Chicago": ("", "시카고"),
    "America/New_York": ("", "뉴욕"),
    "America/Detroit": ("", "디트로이트"),
    "America/Toronto": ("", "토론토"),
    "America/Vancouver": ("", "밴쿠버"),
    "America/Edmonton": ("", "에드먼턴"),
    "America/Winnipeg": ("", "위니펙"),
    "America/Halifax": ("", "핼리팩스"),
    "America/Mexico_City": ("", "멕시코시티"),
    "America/Guatemala": ("Guatemala City", "과테말라시티"),
    "America/Panama": ("Panama City", "파나마시티"),
    "America/Costa_Rica": ("San José", "산호세"),
    "America/Bogota": ("Bogotá", "보고타"),
    "America/Lima": ("", "리마"),
    "America/Santiago": ("", "산티아고"),
    "America/Argentina/Buenos_Aires": ("Buenos Aires", "부에노스아이레스"),
    "America/Sao_Paulo": ("São Paulo", "상파울루"),
    "America/Asuncion": ("Asunción", "아순시온"),
    "America/Montevideo": ("", "몬테비데오"),
    "America/Caracas": ("", "카라카스"),
    "America/Havana": ("", "아바나"),
    "America/Santo_Domingo": ("", "산토도밍고"),
    "America/Guayaquil": ("", "과야킬"),
    "America/La_Paz": ("", "라파스"),
}

# Cities with a Korean mission or many Korean residents that share another city's zone:
# (English, Korean, zone key).
SAME_ZONE_CITIES: tuple[tuple[str, str, str], ...] = (
    ("San Francisco", "샌프란시스코", "America/Los_Angeles"),
    ("Seattle", "시애틀", "America/Los_Angeles"),
    ("San Diego", "샌디에이고", "America/Los_Angeles"),
    ("Las Vegas", "라스베이거스", "America/Los_Angeles"),
    ("Salt Lake City", "솔트레이크시티", "America/Denver"),
    ("Dallas", "댈러스", "America/Chicago"),
    ("Houston", "휴스턴", "America/Chicago"),
    ("Minneapolis", "미니애폴리스", "America/Chicago"),
    ("Washington, D.C.", "워싱턴 D.C.", "America/New_York"),
    ("Boston", "보스턴", "America/New_York"),
    ("Atlanta", "애틀랜타", "America/New_York"),
    ("Philadelphia", "필라델피아", "America/New_York"),
    ("Miami", "마이애미", "America/New_York"),
    ("Ottawa", "오타와", "America/Toronto"),
    ("Montréal", "몬트리올", "America/Toronto"),
    ("Calgary", "캘거리", "America/Edmonton"),
    ("Osaka", "오사카", "Asia/Tokyo"),
    ("Fukuoka", "후쿠오카", "Asia/Tokyo"),
    ("Sapporo", "삿포로", "Asia/Tokyo"),
    ("Beijing", "베이징", "Asia/Shanghai"),
    ("Qingdao", "칭다오", "Asia/Shanghai"),
    ("Shenyang", "선양", "Asia/Shanghai"),
    ("Guangzhou", "광저우", "Asia/Shanghai"),
    ("Hanoi", "하노이", "Asia/Ho_Chi_Minh"),
    ("New Delhi", "뉴델리", "Asia/Kolkata"),
    ("Mumbai", "뭄바이", "Asia/Kolkata"),
    ("Tel Aviv", "텔아비브", "Asia/Jerusalem"),
    ("Frankfurt", "프랑크푸르트", "Europe/Berlin"),
    ("Munich", "뮌헨", "Europe/Berlin"),
    ("Hamburg", "함부르크", "Europe/Berlin"),
    ("Milan", "밀라노", "Europe/Rome"),
    ("Geneva", "제네바", "Europe/Zurich"),
    ("Canberra", "캔버라", "Australia/Sydney"),
    ("Wellington", "웰링턴", "Pacific/Auckland"),
    ("Christchurch", "크라이스트처치", "Pacific/Auckland"),
    ("Quito", "키토", "America/Guayaquil"),
)

# Korean names of countries (ISO 3166 codes), and English ones clearer than the zone database's.
COUNTRIES_KO: Mapping[str, str] = {
    "KR": "대한민국", "US": "미국", "CA": "캐나다", "MX": "멕시코", "GT": "과테말라", "PA": "파나마",
    "CR": "코스타리카", "CO": "콜롬비아", "PE": "페루", "CL": "칠레", "AR": "아르헨티나", "BR": "브라질",
    "PY": "파라과이", "UY": "우루과이", "VE": "베네수엘라", "CU": "쿠바", "DO": "도미니카공화국",
    "EC": "에콰도르", "BO": "볼리비아", "JP": "일본", "CN": "중국", "HK": "홍콩", "TW": "대만",
    "MO": "마카오", "VN": "베트남", "TH": "태국", "PH": "필리핀", "SG": "싱가포르", "MY": "말레이시아",
    "ID": "인도네시아", "KH": "캄보디아", "LA": "라오스", "MM": "미얀마", "IN": "인도", "BD": "방글라데시",
    "NP": "네팔", "PK": "파키스탄", "MN": "몽골", "KZ": "카자흐스탄", "UZ": "우즈베키스탄",
    "KG": "키르기스스탄", "AE": "아랍에미리트", "SA": "사우디아라비아", "QA": "카타르", "KW": "쿠웨이트",
    "IR": "이란", "IQ": "이라크", "IL": "이스라엘", "TR": "튀르키예", "RU": "러시아", "GB": "영국",
    "IE": "아일랜드", "FR": "프랑스", "DE": "독일", "NL": "네덜란드", "BE": "벨기에", "ES": "스페인",
    "PT": "포르투갈", "IT": "이탈리아", "CH": "스위스", "AT": "오스트리아", "CZ": "체코", "PL": "폴란드",
    "HU": "헝가리", "SE": "스웨덴", "NO": "노르웨이", "DK": "덴마크", "FI": "핀란드", "GR": "그리스",
    "UA": "우크라이나", "RO": "루마니아", "EG": "이집트", "KE": "케냐", "ZA": "남아프리카공화국",
    "NG": "나이지리아", "GH": "가나", "ET": "에티오피아", "MA": "모로코", "AU": "호주", "NZ": "뉴질랜드",
    "GU": "괌", "MP": "북마리아나 제도", "FJ": "피지",
}  # fmt: skip
COUNTRIES_EN: Mapping[str, str] = {"GB": "United Kingdom", "KR": "South Korea", "KP": "North Korea"}


@dataclass(frozen=True)
class ZoneName:
    """One entry of the picker: a city (or a city sharing another's zone) and its zone."""

    key: str
    city: Mapping[str, str]  # lang -> city name
    country: Mapping[str, str]  # lang -> country name ("" when the zone has none)

    def label(self, lang: str) -> str:
        """What the picker lists: "Los Angeles (United States)", "로스앤젤레스 (미국)"."""
        city, country = self.city.get(lang) or self.city["en"], self.country.get(lang) or self.country["en"]
        return f"{city} ({country})" if country else city


def derived_city(key: str) -> str:
    """ "America/Argentina/Buenos_Aires" -> "Buenos Aires"; "America/Indiana/Vevay" -> "Vevay,
    Indiana" (the middle part names the state or province)."""
    parts = key.replace("_", " ").split("/")
    return f"{parts[-1]}, {parts[1]}" if len(parts) == 3 and parts[0] == "America" else parts[-1]


def city_name(key: str, lang: str) -> str:
    """The name a page shows for a zone: "Los Angeles", "로스앤젤레스" (English where there is no
    Korean name)."""
    en, ko = CITIES.get(key, ("", ""))
    english = en or derived_city(key)
    return ko if lang == "ko" and ko else english


def build_names(
    keys: Iterable[str], zone_countries: Mapping[str, str], country_names: Mapping[str, str]
) -> tuple[ZoneName, ...]:
    """Every picker entry: one per zone of the zone table (`zone_countries`: key -> ISO code, as
    in zone.tab; zones not in it are left out, which drops the old aliases such as US/Pacific),
    plus the cities that share a zone. `keys` are the zones this machine knows."""
    known = set(keys)
    out: list[ZoneName] = []

    def country(code: str) -> dict[str, str]:
        en = COUNTRIES_EN.get(code) or country_names.get(code, "")
        return {"en": en, "ko": COUNTRIES_KO.get(code, en)}

    for key in sorted(k for k in zone_countries if k in known):
        out.append(
            ZoneName(
                key, {"en": city_name(key, "en"), "ko": city_name(key, "ko")}, country(zone_countries[key])
            )
        )
    for en, ko, key in SAME_ZONE_CITIES:
        if key in known and key in zone_countries:
            out.append(ZoneName(key, {"en": en, "ko": ko}, country(zone_countries[key])))
    if "UTC" in known:
        out.append(ZoneName("UTC", {"en": "UTC", "ko": "UTC (협정 세계시)"}, {"en": "", "ko": ""}))
    out.sort(key=lambda z: (_fold(z.city["en"]), z.key))
    return tuple(out)


def _fold(text: str) -> str:
    """Case, accents, spaces and punctuation do not matter: "sao paulo" finds "São Paulo"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[\s_.,()/'’-]+", "", plain)


def find_zones(text: str, names: Iterable[ZoneName]) -> list[str]:
    """The zone keys a typed text means, best first: an exact key, label, city or country name
    in either language; otherwise the cities whose name starts with it. Several keys mean the
    text was a country with several zones, or too short; none means no such place."""
    wanted = _fold(text)
    if not wanted or len(text) > 100:
        return []
    entries = list(names)
    exact: dict[str, None] = {}
    for z in entries:
        forms = {z.key, *z.city.values(), *z.country.values(), z.label("en"), z.label("ko")}
        if wanted in {_fold(f) for f in forms if f}:
            exact[z.key] = None
    if exact:
        return sorted(exact, key=lambda key: key not in CITIES)
    starts: dict[str, None] = {}
    for z in entries:
        if any(_fold(c).startswith(wanted) for c in z.city.values()) or (
            len(wanted) >= 3 and any(wanted in _fold(c) for c in z.country.values() if c)
        ):
            starts[z.key] = None
    # Cities with a Korean name (where most voters abroad live) first.
    return sorted(starts, key=lambda key: key not in CITIES)
