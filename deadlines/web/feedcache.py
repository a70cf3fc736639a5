"""In-memory feed cache that follows database changes made by any process."""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import hashlib
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import anyio
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from deadlines.db.feeddata import data_version, load_feed_data
from deadlines.feeds.catalog import (
    BuiltFeed,
    FeedData,
    FeedSettings,
    FeedSpec,
    build,
    catalog,
    index_json,
)
from deadlines.web.clock import Clock, system_clock
from deadlines.web.security import SECURITY_HEADERS

log = logging.getLogger("deadlines.web.feeds")
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
MAX_VARIANTS = 256


@dataclass(frozen=True)
class Entry:
    """A feed ready to send: bytes, gzip bytes, validators, and every response's headers built
    once (security headers included), so a request, a 304 above all, does no work but compare."""

    body: bytes
    gzipped: bytes
    etag: bytes
    etag_gz: bytes
    last_modified: datetime
    last_modified_text: bytes  # the Last-Modified header's value
    headers: list[tuple[bytes, bytes]]
    headers_gz: list[tuple[bytes, bytes]]
    not_modified: list[tuple[bytes, bytes]]  # a 304's: no length, no encoding
    not_modified_gz: list[tuple[bytes, bytes]]


def make_entry(body: bytes, last_modified: datetime, content_type: bytes, max_age: int) -> Entry:
    digest = hashlib.sha256(body).hexdigest()[:32]
    etag = f'"{digest}"'.encode()
    etag_gz = f'"{digest}-gz"'.encode()
    # mtime=0 keeps the gzip bytes (and so their ETag) identical across processes.
    gzipped = gzip.compress(body, compresslevel=6, mtime=0)
    modified = format_datetime(last_modified.astimezone(UTC), usegmt=True).encode()
    common = [
        (b"content-type", content_type),
        (b"last-modified", modified),
        (b"cache-control", f"public, max-age={max_age}".encode()),
        (b"vary", b"Accept-Encoding"),
    ]
    return Entry(
        body,
        gzipped,
        etag,
        etag_gz,
        last_modified.replace(microsecond=0),
        modified,
        headers=[*common, (b"etag", etag), (b"content-length", b"%d" % len(body)), *SECURITY_HEADERS],
        headers_gz=[
            *common,
            (b"etag", etag_gz),
            (b"content-encoding", b"gzip"),
            (b"content-length", b"%d" % len(gzipped)),
            *SECURITY_HEADERS,
        ],
        not_modified=[*common, (b"etag", etag), *SECURITY_HEADERS],
        not_modified_gz=[*common, (b"etag", etag_gz), *SECURITY_HEADERS],
    )


@dataclass
class _State:
    version: tuple[object, ...] | None = None
    data: FeedData | None = None
    entries: dict[tuple[str, tuple[timedelta, ...]], Entry] = field(default_factory=dict)
    error: str | None = None
    index: tuple[Entry, list[BuiltFeed]] | None = None
    # (path, query string) -> the entry it named, so a repeated request skips parsing its name.
    routes: dict[tuple[str, bytes], Entry] = field(default_factory=dict)


class FeedCache:
    """Feeds built lazily from one snapshot of the database, replaced when the data changes."""

    def __init__(
        self,
        engine: Engine,
        settings: FeedSettings,
        *,
        refresh_seconds: float,
        max_age: int,
        clock: Clock = system_clock,
    ) -> None:
        self.engine = engine
        self.settings = settings
        self.refresh_seconds = refresh_seconds
        self.max_age = max_age
        self.clock = clock  # the site's clock: "now" of the feeds and the day they follow
        self.state = _State()
        self._task: asyncio.Task[None] | None = None

    def refresh(self) -> bool:
        """Reload if the database changed (or the day did). Returns whether anything changed."""
        now = self.clock()
        try:
            with Session(self.engine) as session:
                version = (*data_version(session=session), now.date())
                if version == self.state.version:
                    return False
                data = load_feed_data(session=session)
        except SQLAlchemyError as e:
            reason = str(getattr(e, "orig", e)).strip().splitlines()[0]
            if self.state.error != reason:
                log.warning("feeds: cannot read the database, serving what is cached: %s", reason)
            self.state.error = reason
            return False
        # Swapped whole, so a request sees either the old snapshot or the new one.
        self.state = _State(version=version, data=data)
        log.info("feeds: reloaded (%d deadlines)", len(data.items))
        return True

    async def run(self) -> None:
        while True:
            await anyio.to_thread.run_sync(self.refresh)
            await asyncio.sleep(self.refresh_seconds)

    async def start(self) -> None:
        await anyio.to_thread.run_sync(self.refresh)
        self._task = asyncio.create_task(self.run())

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    @property
    def data(self) -> FeedData | None:
        return self.state.data

    def current(self) -> FeedData:
        """The snapshot for pages and the API: loaded now if the background refresh has not yet
        (an app used without its lifespan), empty while the database cannot be read."""
        if self.state.data is None:
            self.refresh()
        return self.state.data or FeedData((), ())

    def feed(self, spec: FeedSpec, alarms: tuple[timedelta, ...] = ()) -> Entry | None:
        state = self.state
        if state.data is None:
            return None
        key = (spec.id, alarms)
        entry = state.entries.get(key)
        if entry is None:
            built = build(state.data, spec, self.settings, self.clock(), alarms)
            entry = make_entry(
                built.body, built.last_change or EPOCH, b"text/calendar; charset=utf-8", self.max_age
            )
            if len(state.entries) >= MAX_VARIANTS:
                state.entries.clear()
            state.entries[key] = entry
        return entry

    def index(self) -> tuple[Entry, list[BuiltFeed]] | None:
        state = self.state
        if state.data is None:
            return None
        if state.index is None:
            # Built once per snapshot (the date is part of its version), not per request.
            now = self.clock()
            feeds = [build(state.data, spec, self.settings, now) for spec in catalog(state.data, now.date())]
            last = max((f.last_change for f in feeds if f.last_change), default=EPOCH)
            body = index_json(feeds, self.settings.base_url)
            state.index = (make_entry(body, last, b"application/json", self.max_age), feeds)
        return state.index
