"""The staff console under /admin/: the dashboard and the audit log here; sign-in, the rules,
notices and the outbox each in its own module. `routers` lists them all for `create_app`."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlmodel import col, select

from deadlines.db.models import AuditEntry
from deadlines.web.admin import login, notices, outbox, rules, stations
from deadlines.web.admin.auth import StaffDep
from deadlines.web.admin.context import ConsoleDep

router = APIRouter(prefix="/admin", include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request, console: ConsoleDep, staff: StaffDep) -> HTMLResponse:
    return console.render(request, staff, "dashboard.html")


@router.get("/audit", response_class=HTMLResponse)
def audit_log(
    request: Request, console: ConsoleDep, staff: StaffDep, before: int | None = None
) -> HTMLResponse:
    query = select(AuditEntry).order_by(col(AuditEntry.id).desc()).limit(100)
    if before is not None:
        query = query.where(col(AuditEntry.id) < before)
    with console.session() as session:
        entries = list(session.exec(query))
    return console.render(request, staff, "audit.html", {"entries": entries})


# Included one by one (not nested under one router), so each route's path is its full address.
routers = (router, login.router, rules.router, notices.router, outbox.router, stations.router)
