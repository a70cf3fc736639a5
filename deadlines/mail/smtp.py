"""SMTP delivery with aiosmtplib: kept-open connections, TLS, login, DKIM, failures classified."""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass
from pathlib import Path

import aiosmtplib

TRANSIENT = "transient"
PERMANENT = "permanent"
SENT = "sent"


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
    status: str  # sent, transient, permanent
    code: int | None = None
    detail: str = ""


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
    """One SMTP connection, opened on first use and reopened after any failure."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self.client: aiosmtplib.SMTP | None = None

    async def _connect(self) -> aiosmtplib.SMTP:
        s = self.settings
        client = aiosmtplib.SMTP(
            hostname=s.host,
            port=s.port,
            timeout=s.timeout,
            use_tls=s.tls == "tls",
            start_tls=s.tls == "starttls",
        )
        await client.connect()
        if s.username:
            await client.login(s.username, s.password or "")
        return client

    async def send(self, sender: str, recipient: str, data: bytes) -> Outcome:
        try:
            if self.client is None or not self.client.is_connected:
                self.client = await self._connect()
            errors, response = await self.client.sendmail(sender, [recipient], data)
        except aiosmtplib.SMTPRecipientsRefused as e:
            refused = e.recipients[0]
            return self._response(refused.code, refused.message)
        except aiosmtplib.SMTPResponseException as e:
            await self._drop()
            return self._response(e.code, e.message)
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as e:
            await self._drop()
            return Outcome(TRANSIENT, None, f"{type(e).__name__}: {e}")
        if errors:
            code, message = next(iter(errors.values()))
            return self._response(code, message)
        return Outcome(SENT, 250, response)

    @staticmethod
    def _response(code: int, message: str) -> Outcome:
        # 5xx is permanent (the address or message is refused for good); anything else may pass later.
        status = PERMANENT if 500 <= code < 600 else TRANSIENT
        return Outcome(status, code, f"{code} {message}".strip())

    async def _drop(self) -> None:
        client, self.client = self.client, None
        if client is not None:
            # Closing an already broken connection must never raise.
            with contextlib.suppress(Exception):
                client.close()

    async def close(self) -> None:
        if self.client is not None and self.client.is_connected:
            with contextlib.suppress(aiosmtplib.SMTPException, OSError):
                await self.client.quit()
        await self._drop()
