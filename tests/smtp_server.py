"""A real SMTP server for tests (aiosmtpd on a free port) that can misbehave on purpose."""

from __future__ import annotations

import random
import re
import socket
import sys
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

_MESSAGE_ID = re.compile(rb"^Message-ID:[ \t]*(.*?)\r?$", re.IGNORECASE | re.MULTILINE)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Behaviour:
    temporary_failure_rate: float = 0.0  # share of DATA commands answered 451
    refuse: set[str] = field(default_factory=set)  # addresses answered 550 at RCPT
    seed: int = 7
    refuse_all: bool = False  # 550 to every RCPT (a blocked sender, a broken relay)
    smtputf8: bool = True  # offer SMTPUTF8 (RFC 6531)
    password: str | None = None  # require AUTH with user "deadlines" and this password (else 535)
    greeting: str | None = None  # answer the connection with this instead of 220 (e.g. a 554 banner)
    mail_reply: str | None = None  # answer MAIL FROM with this (e.g. 550 sender refused, 503)
    rcpt_reply: str | None = None  # answer every RCPT with this (e.g. 503 bad sequence)


class Handler:
    def __init__(self, behaviour: Behaviour) -> None:
        self.behaviour = behaviour
        self.rng = random.Random(behaviour.seed)
        # Raw bytes are kept as they arrive and parsed when a test reads them, so a server taking
        # thousands of messages spends its time on SMTP, not on parsing MIME.
        self._received: list[bytes] = []
        self._parsed: list[EmailMessage] = []
        self._to: list[str] = []
        self.envelopes: list[tuple[list[str], bool]] = []  # RCPT TO addresses, SMTPUTF8 used
        self.temporary_failures = 0
        self.lock = threading.Lock()

    async def handle_MAIL(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if self.behaviour.mail_reply:
            return self.behaviour.mail_reply
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if self.behaviour.rcpt_reply:
            return self.behaviour.rcpt_reply
        if self.behaviour.refuse_all or address.lower() in self.behaviour.refuse:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            if self.rng.random() < self.behaviour.temporary_failure_rate:
                self.temporary_failures += 1
                return "451 4.3.0 try again later"
            self._received.append(envelope.content)
            self.envelopes.append((list(envelope.rcpt_tos), bool(envelope.smtp_utf8)))
        return "250 OK"

    @property
    def messages(self) -> list[EmailMessage]:
        with self.lock:
            for data in self._received[len(self._parsed) :]:
                msg = message_from_bytes(data, policy=policy.default)
                assert isinstance(msg, EmailMessage)
                self._parsed.append(msg)
                # Reading a header parses it again each time: the To of each message once.
                self._to.append(str(msg["To"]))
            return self._parsed

    def to(self, address: str) -> list[EmailMessage]:
        messages = self.messages
        with self.lock:
            return [m for m, to in zip(messages, self._to, strict=True) if to == address]

    @property
    def count(self) -> int:
        """How many messages were accepted, without parsing any (for tests that poll)."""
        with self.lock:
            return len(self._received)

    def message_ids(self) -> list[str]:
        """Each received message's Message-ID, read from its header block without parsing MIME
        (for tests that count thousands of messages)."""
        with self.lock:
            received = list(self._received)
        ids = []
        for data in received:
            head = data.split(b"\r\n\r\n", 1)[0]
            found = _MESSAGE_ID.search(head)
            ids.append(found.group(1).decode("ascii", "replace").strip() if found else "")
        return ids

    def with_message_id(self, message_id: str) -> list[EmailMessage]:
        """The received messages carrying `message_id`, parsing only those."""
        with self.lock:
            received = list(self._received)
        found = []
        for data, mid in zip(received, self.message_ids(), strict=False):
            if mid == message_id:
                msg = message_from_bytes(data, policy=policy.default)
                assert isinstance(msg, EmailMessage)
                found.append(msg)
        return found

    def authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        ok = (
            isinstance(data, LoginPassword)
            and data.login == b"deadlines"
            and data.password == (self.behaviour.password or "").encode()
        )
        return AuthResult(success=ok, handled=False)


class _Server(SMTP):
    """aiosmtpd's server, able to refuse the connection at the greeting."""

    def __init__(self, handler: Handler, **kwargs: Any) -> None:
        super().__init__(handler, **kwargs)
        self.greeting = handler.behaviour.greeting

    async def _handle_client(self) -> None:
        if self.greeting is None:
            await super()._handle_client()
            return
        await self.push(self.greeting)
        if self.transport is not None:
            self.transport.close()


class _Controller(Controller):
    def factory(self) -> SMTP:
        return _Server(self.handler, **self.SMTP_kwargs)

    def _run(self, ready_event: threading.Event) -> None:
        # Coverage traces every thread started after it, and none of this thread's code is in
        # the measured package: untraced, the server takes a message in about half the time,
        # which the tests sending thousands of them wait for.
        sys.settrace(None)
        super()._run(ready_event)


class SmtpServer:
    def __init__(self, behaviour: Behaviour | None = None) -> None:
        self.port = free_port()
        self.handler = Handler(behaviour or Behaviour())
        self.controller: Controller | None = None

    def start(self) -> None:
        b = self.handler.behaviour
        auth: dict[str, Any] = {}
        if b.password is not None:
            # Offered without TLS (a test on loopback); not required, so a client that does not
            # log in still could send: the tests here always log in.
            auth = {"auth_require_tls": False, "authenticator": self.handler.authenticate}
        self.controller = _Controller(
            self.handler, hostname="127.0.0.1", port=self.port, enable_SMTPUTF8=b.smtputf8, **auth
        )
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self) -> list[EmailMessage]:
        return self.handler.messages

    @property
    def count(self) -> int:
        return self.handler.count

    def to(self, address: str) -> list[EmailMessage]:
        return self.handler.to(address)
