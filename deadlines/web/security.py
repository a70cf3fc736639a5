"""Protection for a site on the open internet: body limits, headers, CSRF tokens, rate limits."""

from __future__ import annotations

import hmac
import re
import secrets
from typing import Any

from fastapi import HTTPException, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSRF_COOKIE = "csrf"
CSRF_FIELD = "csrf_token"
_TOKEN = re.compile(r"^[0-9a-f]{32}$")
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        b"form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    ),
]


class LimitBody:
    """Refuses bodies over the limit with 413, by Content-Length or while streaming, before a
    form parser or handler holds them in memory."""

    def __init__(self, app: ASGIApp, *, default: int, larger: dict[str, int]) -> None:
        self.app = app
        self.default = default
        self.larger = larger  # path prefix -> limit (notice uploads)

    def limit_for(self, path: str) -> int:
        return next((n for prefix, n in self.larger.items() if path.startswith(prefix)), self.default)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = None
        for name, value in scope["headers"]:
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = limit + 1
        if declared is not None:
            if declared > limit:
                await _refuse(send, limit)
                return
            await self.app(scope, receive, send)
            return
        # No length given (chunked): read up to the limit first, since an error raised while the
        # framework parses a form would come out as a 400, not a 413.
        messages: list[Message] = []
        seen = 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            seen += len(message.get("body", b""))
            if seen > limit:
                await _refuse(send, limit)
                return
            if not message.get("more_body", False):
                break

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)


async def _refuse(send: Send, limit: int) -> None:
    body = f"request body too large: the limit here is {limit} bytes\n".encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", b"%d" % len(body)),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class SecurityHeaders:
    """Adds the headers every HTML page and API answer should carry."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, with_headers)


def valid_token(value: str) -> bool:
    return bool(_TOKEN.match(value))


def new_token() -> str:
    return secrets.token_hex(16)


def csrf_token(request: Request) -> str:
    """The visitor's CSRF token: the cookie's, or a new one that the response will set."""
    current = request.cookies.get(CSRF_COOKIE, "")
    if valid_token(current):
        return current
    token: str | None = getattr(request.state, "new_csrf", None)
    if token is None:
        token = new_token()
        request.state.new_csrf = token
    return token


def check_csrf(request: Request, submitted: Any) -> None:
    """Double-submit check: the form's hidden token must equal the cookie (which another site can
    neither read nor set); a missing or different token is refused with 403."""
    cookie = request.cookies.get(CSRF_COOKIE, "")
    if (
        not isinstance(submitted, str)
        or not valid_token(cookie)
        or not hmac.compare_digest(cookie, submitted)
    ):
        raise HTTPException(
            status_code=403, detail="missing or wrong CSRF token: reload the page and try again"
        )


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"
