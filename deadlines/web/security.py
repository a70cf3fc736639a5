"""Protection for a site on the open internet: body limits, headers, CSRF tokens, rate limits."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from typing import Any

from fastapi import HTTPException, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSRF_COOKIE = "csrf"
CSRF_FIELD = "csrf_token"
FLASH_COOKIE = "flash"
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
    """Adds the security headers to every response that passes through it: pages, the API,
    feeds, errors, 304s and 404s alike. The outermost layer of the app, so nothing answers
    around it. A response that sets one of these headers itself keeps its own (the API
    documentation pages have a policy of their own)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    def __getattr__(self, name: str) -> Any:
        # The wrapped app's attributes (the feed endpoint's cache and framework) stay reachable.
        if name == "app":  # not set yet (a copy being built): no recursion
            raise AttributeError(name)
        return getattr(self.app, name)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [h for h in SECURITY_HEADERS if h[0] not in present]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


def sign_flash(secret: str, text: str) -> str:
    """A console status message as a cookie value the server alone can make: shown on the next
    page only if the signature holds, so a link cannot put words in the console's mouth."""
    payload = base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")
    return f"{payload}.{_flash_mac(secret, payload)}"


def read_flash(secret: str, value: str | None) -> str | None:
    payload, _, mac = (value or "").partition(".")
    if not payload or not hmac.compare_digest(mac, _flash_mac(secret, payload)):
        return None
    try:
        return base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        return None


def _flash_mac(secret: str, payload: str) -> str:
    return hmac.new(secret.encode(), f"flash.{payload}".encode(), hashlib.sha256).hexdigest()[:40]


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
