"""How failures become answers: the login redirect, service errors, 503 when the database cannot
take the request, 400 for values it cannot hold. Installed on the app by `install`."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import DataError, InternalError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

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
    # The service's message names the field and value in English; marked so on Korean pages.
    return _site(request).pages.message(request, exc.status, "error", text=str(exc), text_lang="en")


# The page (a kind in the public words) for a refusal with this status.
HTTP_KINDS = {400: "bad_request", 403: "forbidden", 404: "not_found", 405: "not_allowed", 422: "bad_request"}


async def http_error(request: Request, exc: Exception) -> Response:
    """404, 403, 405 and the like as a page in the visitor's language (JSON for the API and for
    clients asking for JSON), with the status and headers the refusal carries."""
    assert isinstance(exc, StarletteHTTPException)
    if wants_json(request):
        return await http_exception_handler(request, exc)
    kind = HTTP_KINDS.get(exc.status_code, "error")
    text = None if kind != "error" or not isinstance(exc.detail, str) else exc.detail
    if exc.status_code == 403 and "CSRF" in str(exc.detail):
        kind, text = "csrf", None
    response = _site(request).pages.message(request, exc.status_code, kind, text=text, text_lang="en")
    response.headers.update(exc.headers or {})
    return response


async def bad_form(request: Request, exc: Exception) -> Response:
    """A request the routes cannot read (a word where a number goes): 422 as a page."""
    assert isinstance(exc, RequestValidationError)
    if wants_json(request):
        return await request_validation_exception_handler(request, exc)
    return _site(request).pages.message(request, 422, "bad_request")


async def server_error(request: Request, _exc: Exception) -> Response:
    """The last resort: a short page in the visitor's language instead of a bare text."""
    if wants_json(request):
        return JSONResponse({"detail": "internal error; it is logged"}, status_code=500)
    return _site(request).pages.message(request, 500, "server_error")


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
    return _site(request).pages.message(request, 400, "bad_request")


def install(app: FastAPI) -> None:
    app.add_exception_handler(LoginRequired, to_login)
    app.add_exception_handler(DeadlinesError, service_error)
    for kind in UNAVAILABLE:
        app.add_exception_handler(kind, unavailable)
    for bad_value in OUT_OF_RANGE:
        app.add_exception_handler(bad_value, out_of_range)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, bad_form)
    app.add_exception_handler(500, server_error)
