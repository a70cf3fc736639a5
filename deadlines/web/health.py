"""GET /healthz: whether the database takes writes, the feeds are loaded and mail is flowing."""

from __future__ import annotations

import importlib
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from deadlines import __version__
from deadlines.db.engine import check_writable
from deadlines.db.models import ServiceState
from deadlines.web.errorpages import RETRY_AFTER, reason
from deadlines.web.site import SiteDep

router = APIRouter(include_in_schema=False)


def _mail_problem(session: Session) -> dict[str, Any] | None:
    """What the mail side reports as wrong (the relay refusing us, dispatch paused by the bounce
    brake), from the shared service state; None when mail is flowing."""
    try:
        state: Any = importlib.import_module("deadlines.db.service_state")
    except ImportError:  # the module that owns these rows; read them directly without it
        state = None
    if state is not None and hasattr(state, "relay_problem"):
        problem: dict[str, Any] | None = state.relay_problem(session=session)
        if problem and hasattr(state, "describe"):
            problem = {**problem, "text": state.describe(problem)}
        return problem
    for key in ("dispatch_paused", "relay"):
        row = session.get(ServiceState, key)
        if row is not None and row.value.get("state") != "ok":
            return {"problem": key, **row.value}
    return None


@router.get("/healthz")
def healthz(site: SiteDep) -> JSONResponse:
    """503 when the database cannot take a write (what sign-ups and unsubscribes need);
    200 with status "degraded" and the problem named when the mail relay refuses us or
    dispatch is paused: the site still serves, so a load balancer should keep it, but the
    operator must look."""
    try:
        check_writable(site.engine)
        with Session(site.engine) as session:
            mail = _mail_problem(session)
    except SQLAlchemyError as e:
        return JSONResponse(
            {"status": "error", "database": reason(e), "version": __version__},
            status_code=503,
            headers={"retry-after": str(RETRY_AFTER), "cache-control": "no-store"},
        )
    loaded = site.feeds.data is not None
    body = {
        "status": "degraded" if mail or not loaded else "ok",
        "database": "ok",
        "feeds": "ok" if loaded else "not loaded",
        "mail": mail or "ok",
        "version": __version__,
    }
    return JSONResponse(body, headers={"cache-control": "no-store"})
