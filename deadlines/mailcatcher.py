"""A local mail catcher for the demo: an SMTP server that files every message in a Maildir."""

from __future__ import annotations

import mailbox
import socket
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from deadlines.errors import ConfigError


class _MaildirHandler:
    def __init__(self, directory: Path) -> None:
        self.box = mailbox.Maildir(directory, create=True)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.box.add(envelope.content)
        return "250 OK caught"


def port_free(host: str, port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def free_port(host: str) -> int:
    """A port nobody listens on now (the system picks it)."""
    with socket.socket() as s:
        try:
            s.bind((host, 0))
        except OSError as e:
            raise ConfigError(f"the demo's mail catcher cannot listen on {host}: {e.strerror or e}") from e
        return int(s.getsockname()[1])


class MailCatcher:
    def __init__(self, directory: Path, host: str = "127.0.0.1", port: int = 1025) -> None:
        self.directory = directory
        self.host, self.port = host, port
        self.controller = Controller(_MaildirHandler(directory), hostname=host, port=port)

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()

    @classmethod
    def started(cls, directory: Path, host: str, port: int) -> MailCatcher:
        """A running catcher on `port`, or on a free port when that one is taken; ConfigError
        (one line) when it cannot listen at all."""
        chosen = port if port_free(host, port) else free_port(host)
        catcher = cls(directory, host=host, port=chosen)
        try:
            catcher.start()
        except Exception as e:  # aiosmtpd raises OSError, RuntimeError or its own timeout
            raise ConfigError(
                f"the demo's mail catcher cannot listen on {host}:{chosen} ({e}); "
                "set DEADLINES_SMTP_PORT to a free port"
            ) from e
        return catcher

    def summary(self) -> list[tuple[str, str]]:
        """(recipient, subject) of every caught message, oldest first."""
        box = mailbox.Maildir(self.directory, create=True)
        out = []
        for key in sorted(box.keys()):
            msg = message_from_bytes(box.get_bytes(key), policy=policy.default)
            out.append((str(msg["To"]), str(msg["Subject"])))
        return out
