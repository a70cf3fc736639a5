"""Console pages for overseas voting stations: the list, one station's row to edit or delete
(editors only, CSRF-checked, audited), then the feeds are published again."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from deadlines.db.stations import delete_station, get_station, list_stations, upsert_station, voting_windows
from deadlines.errors import StationError
from deadlines.stations.csvparse import COLUMNS, check_days, validate_station
from deadlines.web.admin.auth import EditorDep, Form, Staff, StaffDep
from deadlines.web.admin.context import Console, ConsoleDep
from deadlines.web.security import FLASH_COOKIE, read_flash
from deadlines.web.site import NowDep

router = APIRouter(prefix="/admin", include_in_schema=False)
EDITABLE = tuple(c for c in (*COLUMNS, "hours") if c not in ("election", "station"))
WORDS = {
    "en": {
        "stations": "Overseas stations",
        "lead": "Stations come from `deadlines stations import FILE.csv`; edit or delete one here.",
        "none": "No stations yet.",
        "station": "Station",
        "place": "Country / city",
        "days": "Days",
        "hours": "Hours",
        "zone": "Zone",
        "edit": "Edit",
        "view": "View",
        "save": "Save",
        "delete": "Delete this station",
        "delete_note": "Voters who chose it keep their other reminders; its own are cancelled.",
        "saved": "Station {key} {action}; feeds published again.",
        "deleted": "Station {key} deleted; feeds published again.",
        "no_station": "There is no station {key}.",
        "fix": "Please correct the marked field.",
        "all": "All stations",
        "filter": "Election",
    },
    "ko": {
        "stations": "재외투표소",
        "lead": "투표소는 `deadlines stations import FILE.csv`로 가져옵니다. 여기서 하나씩 고치거나 지울 수 있습니다.",
        "none": "아직 투표소가 없습니다.",
        "station": "투표소",
        "place": "국가 / 도시",
        "days": "투표일",
        "hours": "시간",
        "zone": "시간대",
        "edit": "편집",
        "view": "보기",
        "save": "저장",
        "delete": "이 투표소 삭제",
        "delete_note": "이 투표소를 고른 유권자의 다른 알림은 그대로이고, 이 투표소 알림만 취소됩니다.",
        "saved": "투표소 {key}: {action}. 피드를 다시 게시했습니다.",
        "deleted": "투표소 {key}를 삭제했습니다. 피드를 다시 게시했습니다.",
        "no_station": "투표소 {key}가 없습니다.",
        "fix": "표시된 항목을 고쳐 주세요.",
        "all": "모든 투표소",
        "filter": "선거",
    },
}


def _words(console: Console, request: Request) -> dict[str, str]:
    return WORDS.get(console.lang(request), WORDS["en"])


@router.get("/stations", response_class=HTMLResponse)
def stations_index(
    request: Request, console: ConsoleDep, staff: StaffDep, election: str | None = None
) -> HTMLResponse:
    with console.session() as session:
        found = list_stations(session=session, election=election or None)
        windows = voting_windows(session=session)
    # Days outside the current window (the election day moved since): shown so staff fix them.
    problems = {}
    for s in found:
        window = windows.get(s.election)
        problem = check_days(s.opens, s.closes, window) if window else ("opens", "no overseas voting window")
        if problem:
            problems[s.key] = problem[1]
    flash = read_flash(console.settings.secret_key, request.cookies.get(FLASH_COOKIE))
    context = {
        "stations": found,
        "problems": problems,
        "w": _words(console, request),
        "election": election or "",
        "note": flash,
    }
    return console.render(request, staff, "stations.html", context)


def _form(
    console: Console,
    request: Request,
    staff: Staff,
    election: str,
    station: str,
    values: dict[str, str],
    errors: dict[str, str],
    status: int = 200,
) -> HTMLResponse:
    context = {
        "key": f"{election}/{station}",
        "election": election,
        "station_id": station,
        "values": values,
        "fields": EDITABLE,
        "errors": errors,
        "w": _words(console, request),
    }
    return console.render(request, staff, "station_edit.html", context, status)


@router.get("/stations/{election}/{station}", response_class=HTMLResponse)
def station_edit(
    request: Request, console: ConsoleDep, staff: StaffDep, election: str, station: str
) -> HTMLResponse:
    with console.session() as session:
        found = get_station(session=session, election=election, station=station)
    if found is None:
        return console.error(
            request, staff, _words(console, request)["no_station"].format(key=f"{election}/{station}")
        )
    return _form(console, request, staff, election, station, found.as_dict(), {})


@router.post("/stations/{election}/{station}", response_class=HTMLResponse)
def station_save(
    request: Request,
    console: ConsoleDep,
    now: NowDep,
    staff: EditorDep,
    form: Form,
    election: str,
    station: str,
) -> Response:
    w = _words(console, request)
    values = {name: str(form.get(name, "")) for name in EDITABLE}
    values.update(election=election, station=station)
    with console.session() as session:
        if get_station(session=session, election=election, station=station) is None:
            return console.error(request, staff, w["no_station"].format(key=f"{election}/{station}"))
        try:
            checked = validate_station(values, voting_windows(session=session), file=None, line=None)
        except StationError as e:
            errors = {e.field or "station": f"{w['fix']} {e.message}"}
            return _form(console, request, staff, election, station, values, errors, 400)
        action = upsert_station(session=session, station=checked, actor=f"staff:{staff.username}", now=now)
        session.commit()
    console.republish(now)
    return console.redirect_with_note("/admin/stations", w["saved"].format(key=checked.key, action=action))


@router.post("/stations/{election}/{station}/delete", response_class=HTMLResponse)
def station_delete(
    request: Request,
    console: ConsoleDep,
    now: NowDep,
    staff: EditorDep,
    form: Form,
    election: str,
    station: str,
) -> Response:
    w = _words(console, request)
    key = f"{election}/{station}"
    with console.session() as session:
        if not delete_station(
            session=session, election=election, station=station, actor=f"staff:{staff.username}", now=now
        ):
            return console.error(request, staff, w["no_station"].format(key=key))
        session.commit()
    console.republish(now)
    return console.redirect_with_note("/admin/stations", w["deleted"].format(key=key))
