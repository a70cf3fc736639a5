"""Rendered public pages kept for a minute, served in front of the framework like the feeds.

The home page and election pages are the same for every visitor with the same language and
time zone (and the same choice of who they are), apart from the CSRF token in the sign-up form. They are rendered once with a
placeholder for the token and stored per (path, language, zone, audience) for the current feed snapshot;
a visitor's request is answered by swapping in their token. A minute's lifetime bounds how long
"passed" marks and the next deadlines can lag behind the clock; a new snapshot (a rules change)
replaces every page at once.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from http.cookies import SimpleCookie
from typing import Any

from deadlines.web.audience import AUDIENCE_COOKIE, chosen
from deadlines.web.feedcache import FeedCache
from deadlines.web.i18n import LANG_COOKIE, negotiate
from deadlines.web.security import CSRF_COOKIE, new_token, valid_token
from deadlines.web.timeline import valid_zone

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

TOKEN_PLACEHOLDER = "csrf-token-placeholder"  # never sent: replaced by each visitor's token
TZ_COOKIE = "tz"
LIFETIME = timedelta(seconds=60)
MAX_PAGES = 512
PageKey = tuple[str, str, str | None, str | None]


@dataclass(frozen=True)
class Page:
    snapshot: int
    born: datetime
    parts: tuple[bytes, ...]  # the body split where the visitor's CSRF token goes
    status: int


def page_key(path: str, lang: str, zone: str | None, audience: str | None = None) -> PageKey:
    """`audience`: the visitor's choice of who they are (the AUDIENCE_COOKIE, checked)."""
    return (path, lang, zone, chosen(audience))


class PageCache:
    """Pages by (path, language, zone), for the feed cache's current snapshot and a minute of the
    site's clock (the feed cache's: one clock for everything a page shows as past or next)."""

    def __init__(self, feeds: FeedCache) -> None:
        self.feeds = feeds
        self.pages: OrderedDict[PageKey, Page] = OrderedDict()

    def snapshot(self) -> int:
        return id(self.feeds.state)

    def get(self, key: PageKey) -> Page | None:
        page = self.pages.get(key)
        if page is None or page.snapshot != self.snapshot():
            return None
        # A page from the future is stale too: the clock was set back (or a test moved it).
        age = self.feeds.clock() - page.born
        return page if timedelta(0) <= age < LIFETIME else None

    def put(self, key: PageKey, body: bytes, status: int) -> None:
        parts = tuple(body.split(TOKEN_PLACEHOLDER.encode()))
        self.pages[key] = Page(self.snapshot(), self.feeds.clock(), parts, status)
        self.pages.move_to_end(key)
        while len(self.pages) > MAX_PAGES:
            self.pages.popitem(last=False)


def _cookies(headers: list[tuple[bytes, bytes]]) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    for name, value in headers:
        if name == b"cookie":
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # a malformed cookie header: treat as none, the framework will too
                return {}
    return {k: m.value for k, m in jar.items()}


def _cacheable(path: str) -> bool:
    if path == "/":
        return True
    rest = path.removeprefix("/elections/")
    return rest != path and bool(rest) and "/" not in rest


class PageFront:
    """Answers GET / and GET /elections/{id} from the page cache; everything else, and every
    miss, goes to the framework (which renders and fills the cache)."""

    def __init__(self, app: ASGIApp, pages: PageCache, *, secure: bool) -> None:
        self.app = app
        self.pages = pages
        self.secure = secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] not in ("GET", "HEAD")
            or scope.get("query_string")
            or not _cacheable(scope["path"])
        ):
            await self.app(scope, receive, send)
            return
        headers = scope["headers"]
        cookies = _cookies(headers)
        accept = next((v.decode("latin-1") for k, v in headers if k == b"accept-language"), None)
        lang = negotiate(None, cookies.get(LANG_COOKIE), accept)
        # Keyed by host too: without DEADLINES_BASE_URL in development, links follow the host asked.
        host = next((v.decode("latin-1") for k, v in headers if k == b"host"), "")
        path = host + scope["path"]
        key = page_key(path, lang, valid_zone(cookies.get(TZ_COOKIE)), cookies.get(AUDIENCE_COOKIE))
        page = self.pages.get(key)
        if page is None:
            await self.app(scope, receive, send)
            return
        token = cookies.get(CSRF_COOKIE, "")
        extra: list[tuple[bytes, bytes]] = []
        if len(page.parts) > 1 and not valid_token(token):
            token = new_token()
            # The same cookie the framework's pages set (Pages.render).
            flags = "; Secure" if self.secure else ""
            extra.append(
                (b"set-cookie", f"{CSRF_COOKIE}={token}; HttpOnly; Path=/; SameSite=lax{flags}".encode())
            )
        body = token.encode().join(page.parts)
        await send(
            {
                "type": "http.response.start",
                "status": page.status,
                "headers": [
                    (b"content-type", b"text/html; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                    (b"cache-control", b"private, max-age=0"),
                    (b"vary", b"Accept-Language, Cookie"),
                    *extra,
                ],
            }
        )
        await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})
