"""SMTP delivery with aiosmtplib: kept-open connections, TLS, login, DKIM, SMTPUTF8; each outcome
classified by the stage of the conversation it came from (see `failures`)."""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass
from pathlib import Path

import aiosmtplib

from deadlines.mail.address import envelope_address
from deadlines.mail.failures import Delivery, Stage, classify

SENT = Delivery.SENT


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    tls: str = "none"  # none, starttls, tls
    username: str | None = None
    password: str | None = None
    timeout: float = 30
    dkim_key_file: Path | None = None
    dkim_selector: str = "deadlines"
    dkim_domain: str | None = None


@dataclass(frozen=True)
class Outcome:
    status: Delivery
    code: int | None = None
    detail: str = ""
    stage: Stage | None = None


class DkimSigner:
    def __init__(self, key_file: Path, selector: str, domain: str) -> None:
        self.key = key_file.read_bytes()
        self.selector = selector.encode()
        self.domain = domain.encode()

    def sign(self, message: bytes) -> bytes:
        import dkim  # type: ignore[import-untyped]

        headers = [
            b"from",
            b"to",
            b"subject",
            b"date",
            b"message-id",
            b"list-unsubscribe",
            b"list-unsubscribe-post",
        ]
        signature: bytes = dkim.sign(message, self.selector, self.domain, self.key, include_headers=headers)
        return signature + message


class RateLimiter:
    """At most `rate` sends per second across every connection (0: no limit)."""

    def __init__(self, rate: float) -> None:
        self.interval = 1 / rate if rate > 0 else 0.0
        self.next = 0.0
        self.lock = asyncio.Lock()

    async def wait(self) -> None:
        if not self.interval:
            return
        async with self.lock:
            now = time.monotonic()
            if self.next > now:
                await asyncio.sleep(self.next - now)
            self.next = max(now, self.next) + self.interval


class Connection:
    """One SMTP connection, opened on first use, reset after a failed message and rebuilt after
    a relay problem."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self.client: aiosmtplib.SMTP | None = None

    @property
    def ready(self) -> bool:
        return self.client is not None and self.client.is_connected

    async def open(self) -> Outcome | None:
        """Connect and log in unless already connected; None when ready, else the relay's failure."""
        stage = Stage.CONNECT
        try:
            if not self.ready:
                await self._drop()
                s = self.settings
                client = aiosmtplib.SMTP(
                    hostname=s.host,
                    port=s.port,
                    timeout=s.timeout,
                    use_tls=s.tls == "tls",
                    start_tls=s.tls == "starttls",
                )
                await client.connect()
                self.client = client
                if client.is_ehlo_or_helo_needed:
                    # aiosmtplib greets lazily, on the first MAIL; the envelope is built before
                    # that from what the relay offers (SMTPUTF8, SIZE), so greet now.
                    await _greet(client)
                if s.username:
                    stage = Stage.AUTH
                    await client.login(s.username, s.password or "")
        except Exception as e:  # whatever stops us connecting or logging in is the relay's problem
            await self._drop()
            return _failure(stage, e, Delivery.RELAY)
        return None

    async def send(self, sender: str, recipient: str, data: bytes) -> Outcome:
        reused = self.ready
        outcome = await self._send_once(sender, recipient, data)
        if (
            reused
            and outcome.status is Delivery.RELAY
            and outcome.code is None
            and outcome.stage is Stage.MAIL
        ):
            # A kept-open connection the server had closed in the meantime: one try on a new one
            # before calling it the relay's problem.
            outcome = await self._send_once(sender, recipient, data)
        return outcome

    async def _send_once(self, sender: str, recipient: str, data: bytes) -> Outcome:
        failed = await self.open()
        if failed is not None:
            return failed
        client = self.client
        assert client is not None
        envelope = envelope_address(recipient, smtputf8=client.supports_extension("smtputf8"))
        if envelope is None:
            return Outcome(
                Delivery.UNDELIVERABLE,
                None,
                f"{recipient!r}: the part before @ is not ASCII and the SMTP server does not offer "
                "SMTPUTF8 (RFC 6531); not a bounce",
                Stage.PREPARE,
            )
        utf8 = not envelope.isascii()
        options = ["SMTPUTF8"] if utf8 else []
        if client.supports_extension("size"):
            options.insert(0, f"SIZE={len(data)}")
        encoding = "utf-8" if utf8 else "ascii"
        stage = Stage.MAIL
        try:
            await client.mail(sender, options=options, encoding=encoding)
            stage = Stage.RCPT
            await client.rcpt(envelope, encoding=encoding)
            stage = Stage.DATA
            response = await client.data(data)
        except Exception as e:
            # Anything but an SMTP or network error (an address that cannot be encoded, a bug)
            # is about this message alone.
            outcome = _failure(stage, e, Delivery.FAULT)
            if outcome.status is Delivery.RELAY or (outcome.status is Delivery.FAULT and stage is Stage.DATA):
                # A fault in the middle of DATA leaves the server reading a message: an RSET now
                # would become part of it, so the connection is rebuilt instead.
                await self._drop()
            else:
                await self._reset()
            return outcome
        return Outcome(Delivery.SENT, response.code, response.message, Stage.DATA)

    async def _reset(self) -> None:
        """End the failed transaction (RSET), so the next message does not meet "503 nested MAIL
        command"; a connection that cannot even do that is rebuilt."""
        client = self.client
        if client is None or not client.is_connected:
            await self._drop()
            return
        try:
            await client.rset()
        except Exception:
            await self._drop()

    async def _drop(self) -> None:
        client, self.client = self.client, None
        if client is not None:
            # Closing an already broken connection must never raise. Abort rather than close: a
            # TLS close waits for the relay's goodbye, which a failed connection does not owe us
            # and which can outlast a short run's event loop (the socket then leaks).
            with contextlib.suppress(Exception):
                if isinstance(client.transport, asyncio.Transport):
                    client.transport.abort()
                client.close()

    async def close(self) -> None:
        if self.client is not None and self.client.is_connected:
            with contextlib.suppress(aiosmtplib.SMTPException, OSError):
                # QUIT, then the same abort as a failed connection: aiosmtplib's quit() closes
                # gracefully, which over TLS waits for the relay's goodbye and could leak the
                # socket past a short run's event loop just as a failure did.
                await self.client.execute_command(b"QUIT")
        await self._drop()


async def _greet(client: aiosmtplib.SMTP) -> None:
    """EHLO, or HELO from a relay that refuses EHLO but keeps the connection open."""
    try:
        await client.ehlo()
    except aiosmtplib.SMTPHeloError:
        if not client.is_connected:
            raise
        await client.helo()


def _failure(stage: Stage, error: Exception, other: Delivery) -> Outcome:
    """The outcome of `error` at `stage`: SMTP replies and network errors are classified by
    stage and code; any other exception is `other`."""
    if isinstance(error, aiosmtplib.SMTPRecipientsRefused) and error.recipients:
        error = error.recipients[0]
    if isinstance(error, aiosmtplib.SMTPResponseException):
        code: int | None = error.code
        text = f"{error.code} {error.message}".strip()
        status = classify(stage, code)
    elif isinstance(error, (aiosmtplib.SMTPException, OSError, TimeoutError)):
        code, text = None, f"{type(error).__name__}: {error}"
        status = classify(stage, None)
    else:
        code, text = None, f"{type(error).__name__}: {error}"
        status = other
    return Outcome(status, code, f"{stage}: {text}", stage)
