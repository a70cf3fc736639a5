"""The staff console under /admin/: login, rules, notices, outbox and the audit log."""

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import col, select

from deadlines.db.models import AuditEntry
from deadlines.db.ratelimit import allow, bucket
from deadlines.db.staff import authenticate
from deadlines.web.admin.auth import SESSION_COOKIE, Form, Staff, session_token
from deadlines.web.admin.context import Console
from deadlines.web.admin.notices import notices_routes
from deadlines.web.admin.outbox import outbox_routes
from deadlines.web.admin.rules import rules_routes
from deadlines.web.security import client_address

LOGIN_LIMIT = 10  # failed or not, per username and per client, in LOGIN_WINDOW
LOGIN_WINDOW = timedelta(minutes=15)


def _safe_next(value: object) -> str:
    text = value if isinstance(value, str) else ""
    # Only console paths: an open redirect to another site would help phishing.
    return text if text.startswith("/admin/") and "//" not in text and "\\" not in text else "/admin/"


def admin_router(console: Console) -> APIRouter:
    router = APIRouter(prefix="/admin", include_in_schema=False)
    StaffDep = Annotated[Staff, Depends(console.current_staff)]

    @router.get("/login", response_class=HTMLResponse)
    def login_form(request: Request, next: str = "/admin/") -> HTMLResponse:
        return console.render(request, None, "login.html", {"next": _safe_next(next), "error": None})

    @router.post("/login", response_class=HTMLResponse)
    def login(request: Request, form: Form) -> Response:
        username = str(form.get("username", "")).strip().lower()[:64]
        password = str(form.get("password", ""))[:1024]
        target = _safe_next(form.get("next"))
        now = datetime.now(UTC)
        with console.session() as session:
            allowed = allow(
                session=session,
                key=bucket("login-client", client_address(request)),
                limit=LOGIN_LIMIT * 3,
                window=LOGIN_WINDOW,
                now=now,
            ) and allow(
                session=session,
                key=bucket("login-user", username),
                limit=LOGIN_LIMIT,
                window=LOGIN_WINDOW,
                now=now,
            )
            user = (
                authenticate(session=session, username=username, password=password, now=now)
                if allowed
                else None
            )
            session.commit()
            if user is not None:
                token = session_token(console.settings.secret_key, user, console.settings.session_hours, now)
        if not allowed:
            context = {"next": target, "error": "Too many attempts; wait 15 minutes."}
            return console.render(request, None, "login.html", context, 429)
        if user is None:
            context = {"next": target, "error": "Wrong username or password."}
            return console.render(request, None, "login.html", context, 401)
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(
            SESSION_COOKIE,
            token,
            max_age=int(console.settings.session_hours * 3600),
            path="/admin",
            secure=console.settings.cookie_secure,
            httponly=True,
            samesite="strict",
        )
        return response

    @router.post("/logout")
    def logout(request: Request, staff: StaffDep, form: Form) -> Response:
        response = RedirectResponse("/admin/login", status_code=303)
        response.delete_cookie(
            SESSION_COOKIE, path="/admin", secure=console.settings.cookie_secure, httponly=True
        )
        return response

    @router.get("/", response_class=HTMLResponse)
    def dashboard(request: Request, staff: StaffDep) -> HTMLResponse:
        return console.render(request, staff, "dashboard.html")

    @router.get("/audit", response_class=HTMLResponse)
    def audit_log(request: Request, staff: StaffDep, before: int | None = None) -> HTMLResponse:
        query = select(AuditEntry).order_by(col(AuditEntry.id).desc()).limit(100)
        if before is not None:
            query = query.where(col(AuditEntry.id) < before)
        with console.session() as session:
            entries = list(session.exec(query))
        return console.render(request, staff, "audit.html", {"entries": entries})

    rules_routes(router, console)
    notices_routes(router, console)
    outbox_routes(router, console)
    return router
