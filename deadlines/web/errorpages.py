"""How failures become answers: the login redirect, service errors, 503 when the database cannot
take the request, 400 for values it cannot hold. Installed on the app by `install`."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import DataError, InternalError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from deadlines.errors import DeadlinesError, StorageError
from deadlines.web.admin.auth import LoginRequired, login_redirect_target
from deadlines.web.site import Site

RETRY_AFTER = 30  # seconds, in the Retry-After of a 503
# The database cannot take a write (or be reached) right now: a held lock, a read-only file or
# server, PostgreSQL down, no free connection. StorageError is the service's own word for it.
UNAVAILABLE = (OperationalError, InternalError, PoolTimeout, StorageError)
# A value the database or the calendar cannot hold: a number in the address too large
# (/admin/audit?before=99999999999999999999999 is an OverflowError on SQLite, a DataError on
# PostgreSQL), a NUL byte in a string on PostgreSQL, data nested thousands deep.
OUT_OF_RANGE = (OverflowError, DataError, RecursionError)
log = logging.getLogger("deadlines.web")


def reason(exc: BaseException) -> str:
    """The first line of what the database (or the error) said."""
    lines = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return request.url.path.startswith("/api/") or (
        "application/json" in accept and "text/html" not in accept
    )


def _site(request: Request) -> Site:
    site: Site = request.app.state.site
    return site


async def to_login(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, LoginRequired)
    return RedirectResponse(login_redirect_target(exc), status_code=303)


async def service_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DeadlinesError)
    return _site(request).pages.message(request, exc.status, "error", text=str(exc))


async def unavailable(request: Request, exc: Exception) -> Response:
    """The one answer to "the database cannot take this now": 503 and Retry-After, a short
    page in the visitor's language (JSON for the API), one log line; never a traceback."""
    log.warning("503 for %s %s: database unavailable: %s", request.method, request.url.path, reason(exc))
    headers = {"retry-after": str(RETRY_AFTER), "cache-control": "no-store"}
    if wants_json(request):
        detail = "the service cannot store or read data right now; try again shortly"
        return JSONResponse({"detail": detail}, status_code=503, headers=headers)
    response = _site(request).pages.message(request, 503, "unavailable")
    response.headers.update(headers)
    return response


async def out_of_range(request: Request, exc: Exception) -> Response:
    # The request's fault, not the server's: a 400 and one log line, not a 500 and a traceback.
    log.info("400 for %s %s: %s", request.method, request.url.path, reason(exc))
    text = "a value in the request is out of range or cannot be stored"
    if wants_json(request):
        return JSONResponse({"detail": text}, status_code=400)
    return _site(request).pages.message(request, 400, "error", text=text)


def install(app: FastAPI) -> None:
    app.add_exception_handler(LoginRequired, to_login)
    app.add_exception_handler(DeadlinesError, service_error)
    for kind in UNAVAILABLE:
        app.add_exception_handler(kind, unavailable)
    for bad_value in OUT_OF_RANGE:
        app.add_exception_handler(bad_value, out_of_range)
