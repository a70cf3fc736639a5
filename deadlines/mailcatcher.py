"""A local mail catcher for the demo: an SMTP server that files every message in a Maildir."""

from __future__ import annotations

import mailbox
import socket
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller


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


class MailCatcher:
    def __init__(self, directory: Path, host: str = "127.0.0.1", port: int = 1025) -> None:
        self.directory = directory
        self.host, self.port = host, port
        self.controller = Controller(_MaildirHandler(directory), hostname=host, port=port)

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()

    def summary(self) -> list[tuple[str, str]]:
        """(recipient, subject) of every caught message, oldest first."""
        box = mailbox.Maildir(self.directory, create=True)
        out = []
        for key in sorted(box.keys()):
            msg = message_from_bytes(box.get_bytes(key), policy=policy.default)
            out.append((str(msg["To"]), str(msg["Subject"])))
        return out
