"""A real SMTP server for tests (aiosmtpd on a free port) that can misbehave on purpose."""

from __future__ import annotations

import random
import socket
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Behaviour:
    temporary_failure_rate: float = 0.0  # share of DATA commands answered 451
    refuse: set[str] = field(default_factory=set)  # addresses answered 550 at RCPT
    seed: int = 7


class Handler:
    def __init__(self, behaviour: Behaviour) -> None:
        self.behaviour = behaviour
        self.rng = random.Random(behaviour.seed)
        self.messages: list[EmailMessage] = []
        self.temporary_failures = 0
        self.lock = threading.Lock()

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address.lower() in self.behaviour.refuse:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            if self.rng.random() < self.behaviour.temporary_failure_rate:
                self.temporary_failures += 1
                return "451 4.3.0 try again later"
            msg = message_from_bytes(envelope.content, policy=policy.default)
            assert isinstance(msg, EmailMessage)
            self.messages.append(msg)
        return "250 OK"


class SmtpServer:
    def __init__(self, behaviour: Behaviour | None = None) -> None:
        self.port = free_port()
        self.handler = Handler(behaviour or Behaviour())
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self) -> list[EmailMessage]:
        return self.handler.messages

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]
