"""The feed endpoint as raw ASGI: the hot path, kept clear of framework overhead.

Calendar clients poll feeds constantly, and most of their requests end in a 304: a bare ASGI
handler, outermost, serves a cached feed (or a 304) without building request objects, routing or
dependency injection, with every header prebuilt (security headers included) and an address
already resolved looked up by its bytes. Everything else passes on, through the security headers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from datetime import UTC
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import parse_qs

from deadlines.feeds.catalog import UPCOMING, FeedSpec, known, parse_feed_name
from deadlines.feeds.options import BadFeedOption, check_audience, check_lang, parse_alarms
from deadlines.feeds.stationfeed import parse_station_feed_name
from deadlines.web.feedcache import MAX_VARIANTS, Entry, FeedCache
from deadlines.web.security import SECURITY_HEADERS, SecurityHeaders

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
PREFIX = "/calendars/"


async def _plain(send: Send, status: int, text: str, extra: list[tuple[bytes, bytes]] | None = None) -> None:
    body = (text + "\n").encode()
    headers = [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
        *(extra or []),
        *SECURITY_HEADERS,
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _not_modified(entry: Entry, etag: bytes, inm: bytes | None, ims: bytes | None) -> bool:
    if inm is not None:
        if inm == etag:  # what a client sends back nearly every time: the ETag it was given
            return True
        if inm.strip() == b"*":
            return True
        tags = {t.strip().removeprefix(b"W/") for t in inm.split(b",")}
        return etag in tags or entry.etag in tags
    if ims is not None:
        if ims == entry.last_modified_text:
            return True
        try:
            since = parsedate_to_datetime(ims.decode("latin-1"))
        except (TypeError, ValueError):
            return False
        if since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        return entry.last_modified <= since
    return False


class FeedEndpoint:
    """Serves `/calendars/*.ics` and `/calendars/index.json`; passes anything else on to `app`
    wrapped in the security headers."""

    def __init__(self, app: ASGIApp, cache: FeedCache, framework: Any = None) -> None:
        self.app = SecurityHeaders(app)
        self.cache = cache
        # The FastAPI app inside the middleware, for its route table and OpenAPI document.
        self.framework = framework

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not path.startswith(PREFIX):
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        query_string = scope.get("query_string", b"")
        routes = self.cache.state.routes
        entry = routes.get((path, query_string))
        if entry is None or method not in ("GET", "HEAD"):
            name = path[len(PREFIX) :]
            if not (name.endswith(".ics") or name == "index.json"):
                await self.app(scope, receive, send)
                return
            if method not in ("GET", "HEAD"):
                await _plain(send, 405, "feeds are read-only: use GET or HEAD", [(b"allow", b"GET, HEAD")])
                return
            try:
                entry = self._index() if name == "index.json" else self._feed(name, query_string)
            except BadFeedOption as e:
                await _plain(send, 400, str(e))
                return
            if entry is None:
                await _plain(
                    send,
                    404,
                    f"no feed {name!r}. Feeds are named {{election}}.{{lang}}.ics or "
                    f"{{election}}.{{audience}}.{{lang}}.ics, e.g. {UPCOMING}.en.ics; see the list at {PREFIX}",
                )
                return
            if len(routes) >= MAX_VARIANTS:
                routes.clear()
            routes[(path, query_string)] = entry
        inm = ims = accept = None
        for key, value in scope["headers"]:
            if key == b"if-none-match":
                inm = value
            elif key == b"if-modified-since":
                ims = value
            elif key == b"accept-encoding":
                accept = value
        gz = accept is not None and b"gzip" in accept
        if (inm is not None or ims is not None) and _not_modified(
            entry, entry.etag_gz if gz else entry.etag, inm, ims
        ):
            await send(
                {
                    "type": "http.response.start",
                    "status": 304,
                    "headers": entry.not_modified_gz if gz else entry.not_modified,
                }
            )
            await send({"type": "http.response.body", "body": b""})
            return
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": entry.headers_gz if gz else entry.headers,
            }
        )
        body = b"" if method == "HEAD" else (entry.gzipped if gz else entry.body)
        await send({"type": "http.response.body", "body": body})

    def _index(self) -> Entry | None:
        built = self.cache.index()
        return built[0] if built else None

    def _feed(self, name: str, query_string: bytes) -> Entry | None:
        station = parse_station_feed_name(name)
        if station is not None:
            if query_string:
                raise BadFeedOption(
                    "a station's feed takes no options: its name gives election, station and lang"
                )
            spec = FeedSpec(station[0], None, check_lang(station[2]), station[1])
            data = self.cache.data
            return self.cache.feed(spec) if data is not None and known(data, spec) else None
        parsed = parse_feed_name(name)
        if parsed is None:
            return None
        election, audience, lang = parsed
        alarms: tuple[Any, ...] = ()
        if query_string:
            query = parse_qs(query_string.decode("latin-1"), keep_blank_values=True)
            for option in query:
                if option not in ("lang", "audience", "alarms"):
                    raise BadFeedOption(f"unknown option {option!r}; feeds take lang, audience and alarms")
            q_lang, q_audience = query.get("lang", [None])[-1], query.get("audience", [None])[-1]
            if q_lang and lang and q_lang != lang:
                raise BadFeedOption(f"lang: the name says {lang!r}, the query says {q_lang!r}")
            if q_audience and audience and q_audience != audience:
                raise BadFeedOption(f"audience: the name says {audience!r}, the query says {q_audience!r}")
            lang = lang or q_lang
            audience = audience or q_audience or None
            if "alarms" in query:
                alarms = parse_alarms(query["alarms"][-1])
        spec = FeedSpec(election, check_audience(audience) if audience else None, check_lang(lang or "en"))
        data = self.cache.data
        if data is None or not known(data, spec):
            return None
        return self.cache.feed(spec, alarms)
