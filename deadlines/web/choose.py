"""The visitor's two choices, their time zone and who they are, read from cookies for the pages
and set by plain GET links and forms (`/zone`, `/audience`) that work without scripts.

The page's script (static/site.js) sets the zone cookie from the browser and marks it as its own
with a second cookie, so a zone the visitor picked by hand is never overwritten by the browser's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import partial
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from deadlines.records import DeadlineRecord
from deadlines.web.audience import AUDIENCE_COOKIE, CHOICES, LABELS, chosen
from deadlines.web.pagecache import TZ_COOKIE
from deadlines.web.pages import language
from deadlines.web.site import SiteDep
from deadlines.web.timeline import valid_zone
from deadlines.web.when import When, when
from deadlines.web.zonenames import city_name
from deadlines.web.zones import labels, resolve

ZONE_AUTO_COOKIE = "tzauto"  # the zone the script set; absent or different when the visitor chose
YEAR = 365 * 24 * 3600
_SAFE_PATH = re.compile(r"^/(?!/)[A-Za-z0-9/_.~-]*$")

WORDS = {
    "en": {
        "zone_shown": "Times for you are shown for {place}.",
        "zone_unknown": "Times are shown in Korea's official time. Choose your city to see them in yours.",
        "pick": "Your city or country",
        "pick_hint": "In English or Korean, for example Los Angeles, 로스앤젤레스, Japan.",
        "pick_button": "Show my times",
        "not_found": "We know no place called “{}”. Try the nearest large city.",
        "several": "“{}” has several time zones. Choose the city nearest to you:",
        "title": "Your time zone",
    },
    "ko": {
        "zone_shown": "내 시간은 {place} 기준으로 표시합니다.",
        "zone_unknown": "대한민국 공식 시각으로 표시합니다. 도시를 고르면 내 시간으로 보여 드립니다.",
        "pick": "사는 도시 또는 나라",
        "pick_hint": "한국어나 영어로 입력하세요. 예: 로스앤젤레스, Los Angeles, 일본.",
        "pick_button": "내 시간으로 보기",
        "not_found": "‘{}’(이)라는 곳을 찾지 못했습니다. 가까운 큰 도시를 입력해 보세요.",
        "several": "‘{}’에는 시간대가 여러 개 있습니다. 가장 가까운 도시를 고르세요.",
        "title": "내 시간대",
    },
}

router = APIRouter(include_in_schema=False)


def safe_next(value: str | None) -> str:
    """Where to go back to: a path on this site, never another host."""
    return value if value and len(value) <= 300 and _SAFE_PATH.match(value) else "/"


@dataclass(frozen=True)
class Viewer:
    """Who is looking: their zone (None when not known), its city name, who they are."""

    zone: str | None
    place: str
    who: str | None
    lang: str
    path: str

    def when(self, record: DeadlineRecord) -> When:
        return when(record, self.zone, self.place, self.lang)


def viewer_of(request: Request, lang: str, zone: str | None = None) -> Viewer:
    """`zone` is one the page already settled on (a `?tz=`); otherwise the cookie's, if valid."""
    zone = zone or valid_zone(request.cookies.get(TZ_COOKIE))
    place = city_name(zone, lang) if zone else ""
    return Viewer(
        zone, place, chosen(request.cookies.get(AUDIENCE_COOKIE)), lang, safe_next(request.url.path)
    )


def viewer_context(viewer: Viewer) -> dict[str, Any]:
    """What `_viewer.html` and `_when.html` need."""
    return {
        "viewer": viewer,
        "when_of": partial(when, zone=viewer.zone, place=viewer.place, lang=viewer.lang),
        "who_words": LABELS[viewer.lang],
        "who_choices": CHOICES,
        "zone_words": WORDS[viewer.lang],
        "zone_labels": labels(viewer.lang),
    }


def set_zone(response: Response, zone: str, *, secure: bool) -> None:
    """The visitor's own choice: kept, and no longer the script's to replace."""
    response.set_cookie(TZ_COOKIE, zone, max_age=YEAR, secure=secure, samesite="lax")
    response.delete_cookie(ZONE_AUTO_COOKIE)


@router.get("/zone", response_class=HTMLResponse)
def pick_zone(request: Request, site: SiteDep, zone: str = "", next: str = "/") -> Response:
    """The picker without scripts: a city, country or zone key; one match sets the zone and goes
    back, several are offered as links, none says so."""
    lang = language(request)
    back = safe_next(next)
    found = resolve(zone) if zone.strip() else None
    if found is not None and found.zone is not None:
        response = RedirectResponse(back, status_code=303)
        set_zone(response, found.zone, secure=site.settings.cookie_secure)
        return response
    viewer = viewer_of(request, lang)
    context = {
        **viewer_context(viewer),
        "typed": zone.strip()[:100],
        "choices": found.choices if found else (),
        "back": back,
    }
    status = 400 if found is not None and not found.choices else 200
    return site.pages.render(request, "zone.html", context, status)


@router.get("/audience")
def pick_audience(site: SiteDep, who: str = "", next: str = "/") -> Response:
    """ "I live abroad" and the others: remembered for a year; anything else forgets the choice."""
    response = RedirectResponse(safe_next(next), status_code=303)
    if chosen(who):
        response.set_cookie(
            AUDIENCE_COOKIE,
            who,
            max_age=YEAR,
            secure=site.settings.cookie_secure,
            httponly=True,
            samesite="lax",
        )
    else:
        response.delete_cookie(AUDIENCE_COOKIE)
    return response
