"""Running the web app under uvicorn, with a deadline for each request's headers."""

from __future__ import annotations

import asyncio
from typing import Any

import uvicorn
from uvicorn.protocols.http.auto import AutoHTTPProtocol

HEADER_TIMEOUT = 10.0  # seconds a client has to send a request's line and headers


def header_timeout_protocol(seconds: float, inner: type[asyncio.Protocol] = AutoHTTPProtocol) -> Any:
    """An HTTP protocol class for uvicorn that closes a connection whose request line and headers
    have not all arrived within `seconds` of its first byte (or of connecting).

    uvicorn bounds idle keep-alive connections but not a request in progress, so a client that
    sends half a request line and then nothing (or a byte a minute) holds a connection and its
    memory forever; a few thousand of them exhaust the server. The wrapper delegates everything
    to uvicorn's own protocol (httptools or h11) and only watches whether the protocol has a
    request in hand: once the headers are parsed the request has as long as it needs."""

    class HeaderTimeout(asyncio.Protocol):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            self.inner: Any = inner(*args, **kwargs)
            self.loop = asyncio.get_running_loop()
            self.timer: asyncio.TimerHandle | None = None
            self.armed_cycle: object = None

        def _between_requests(self) -> bool:
            cycle = getattr(self.inner, "cycle", None)
            return cycle is None or bool(getattr(cycle, "response_complete", False))

        def _arm(self) -> None:
            self.armed_cycle = getattr(self.inner, "cycle", None)
            self.timer = self.loop.call_later(seconds, self._expired)

        def _expired(self) -> None:
            self.timer = None
            if not self._between_requests():
                return  # headers complete, the app is answering: not ours to cut short
            if getattr(self.inner, "cycle", None) is not self.armed_cycle:
                self._arm()  # a request was answered since: the next one gets its full time
                return
            transport = getattr(self.inner, "transport", None)
            if transport is not None and not transport.is_closing():
                transport.close()

        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            self.inner.connection_made(transport)
            self._arm()

        def data_received(self, data: bytes) -> None:
            if self.timer is None and self._between_requests():
                self._arm()
            self.inner.data_received(data)

        def eof_received(self) -> bool | None:
            result: bool | None = self.inner.eof_received()
            return result

        def connection_lost(self, exc: Exception | None) -> None:
            if self.timer is not None:
                self.timer.cancel()
                self.timer = None
            self.inner.connection_lost(exc)

        def pause_writing(self) -> None:
            self.inner.pause_writing()

        def resume_writing(self) -> None:
            self.inner.resume_writing()

    return HeaderTimeout


def server_config(
    app: Any, *, host: str, port: int, header_timeout: float = HEADER_TIMEOUT
) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="info",
        access_log=False,
        http=header_timeout_protocol(header_timeout),
    )


def serve(app: Any, *, host: str, port: int) -> None:
    """What `deadlines serve` (and so the Procfile and `deadlines demo`) runs."""
    uvicorn.Server(server_config(app, host=host, port=port)).run()
