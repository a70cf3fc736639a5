"""Korean names of the countries and cities stations are listed under (the CSV gives English);
a place not listed here is shown as given. Pure data."""

from __future__ import annotations

COUNTRIES_KO = {
    "Argentina": "아르헨티나",
    "Australia": "호주",
    "Brazil": "브라질",
    "Canada": "캐나다",
    "China": "중국",
    "France": "프랑스",
    "Germany": "독일",
    "India": "인도",
    "Indonesia": "인도네시아",
    "Japan": "일본",
    "Kazakhstan": "카자흐스탄",
    "Malaysia": "말레이시아",
    "Mexico": "멕시코",
    "New Zealand": "뉴질랜드",
    "Philippines": "필리핀",
    "Russia": "러시아",
    "Singapore": "싱가포르",
    "Spain": "스페인",
    "Thailand": "태국",
    "United Arab Emirates": "아랍에미리트",
    "United Kingdom": "영국",
    "United States": "미국",
    "Uzbekistan": "우즈베키스탄",
    "Vietnam": "베트남",
}
CITIES_KO = {
    "Beijing": "베이징",
    "Berlin": "베를린",
    "Frankfurt am Main": "프랑크푸르트",
    "London": "런던",
    "Los Angeles": "로스앤젤레스",
    "New York": "뉴욕",
    "Orange County": "오렌지카운티",
    "Osaka": "오사카",
    "Paris": "파리",
    "Phoenix": "피닉스",
    "San Diego": "샌디에이고",
    "San Francisco": "샌프란시스코",
    "Shanghai": "상하이",
    "Sydney": "시드니",
    "Tokyo": "도쿄",
    "Toronto": "토론토",
    "Vancouver": "밴쿠버",
}


def country_name(country: str, lang: str) -> str:
    return COUNTRIES_KO.get(country, country) if lang == "ko" else country


def city_name(city: str, lang: str) -> str:
    return CITIES_KO.get(city, city) if lang == "ko" else city
