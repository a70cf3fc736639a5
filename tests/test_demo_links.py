"""`deadlines demo --port N`, run as a newcomer would with the mail catcher's port taken: every
link the site makes (pages, feeds, the QR code, the API, caught emails) points at port N, mail
is caught where the demo says, and the links in the emails work."""

from __future__ import annotations

import mailbox
import os
import re
import signal
import socket
import subprocess
import threading
from collections.abc import Iterator
from email import message_from_bytes, policy
from pathlib import Path
from urllib.parse import unquote, urlsplit

import httpx
import pytest

from deadlines.errors import ConfigError
from deadlines.mailcatcher import MailCatcher
from tests.conftest import RULES_DIR, deadlines_command
from tests.http_wait import wait_for_health
from tests.smtp_server import free_port

ELECTION = "kr-2028-national-assembly"
URL = re.compile(r"""(?:https?|webcal)://[^\s"'<>)\]]+""")
DEFAULT_SMTP_PORT = 1025  # the setting's default, where the catcher would listen


def own_links(text: str) -> list[str]:
    """Absolute links in `text` (also inside another link's query, e.g. Google Calendar's)."""
    text = text.replace("\r\n ", "")  # ICS folds long lines
    found = URL.findall(text) + URL.findall(unquote(text))
    return [u for u in found if urlsplit(u).hostname in ("127.0.0.1", "localhost")]


@pytest.fixture
def taken_port() -> Iterator[int]:
    """The catcher's default port held by someone else (or already held: taken either way)."""
    holder = socket.socket()
    try:
        holder.bind(("127.0.0.1", DEFAULT_SMTP_PORT))
        holder.listen()
    except OSError:
        pass
    yield DEFAULT_SMTP_PORT
    holder.close()


@pytest.mark.slow
def test_demo_links_follow_the_port_and_mail_is_caught(tmp_path: Path, taken_port: int) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEADLINES_")}
    env.update(
        DEADLINES_DATABASE_URL=f"sqlite:///{tmp_path / 'deadlines.db'}",
        DEADLINES_RULES_DIR=str(RULES_DIR),
        DEADLINES_CALENDARS_DIR=str(tmp_path / "calendars"),
        DEADLINES_COOKIE_SECURE="false",
    )
    process = subprocess.Popen(
        [*deadlines_command(), "demo", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(process.stdout or []), daemon=True)
    reader.start()
    base = f"http://127.0.0.1:{port}"
    try:
        up = wait_for_health(
            base,
            seconds=120,
            alive=lambda: process.poll() is None,
            healthy=lambda status: status < 500,
            pause=0.5,
            timeout=2,
        )
        assert up, "".join(lines)
        output = "".join(lines)
        said = re.search(r"mail goes to (\S+)/ \(mail catcher on 127\.0\.0\.1:(\d+)\)", output)
        assert said, output
        assert int(said.group(2)) != taken_port and said.group(1) == "demo-mail"
        assert f"links name {base}" in output and ":8000" not in output
        pages = {
            path: httpx.get(base + path, timeout=10)
            for path in (
                "/",
                f"/elections/{ELECTION}",
                "/calendars/",
                "/calendars/index.json",
                f"/calendars/{ELECTION}.overseas.en.ics",
                f"/elections/{ELECTION}/qr.svg",
                "/api/elections",
                "/subscribe",
            )
        }
        seen = 0
        for path, response in pages.items():
            assert response.status_code == 200, path
            assert ":8000" not in response.text, path
            for link in own_links(response.text):
                assert urlsplit(link).port == port, (path, link)
                seen += 1
        assert f"webcal://127.0.0.1:{port}/calendars/{ELECTION}" in pages[f"/elections/{ELECTION}"].text
        assert f"webcal://127.0.0.1:{port}/calendars/" in pages[f"/elections/{ELECTION}/qr.svg"].text
        assert seen > 20

        box = mailbox.Maildir(tmp_path / "demo-mail", create=False)
        mails = [message_from_bytes(box.get_bytes(k), policy=policy.default) for k in box.iterkeys()]
        assert mails, output
        done_links: list[str] = []
        feed_links: list[str] = []
        for mail in mails:
            for part in mail.walk():
                if part.get_content_maintype() != "text":
                    continue
                text = part.get_content()
                assert ":8000" not in text and "placeholder.invalid" not in text
                for link in own_links(text):
                    assert urlsplit(link).port == port, link
                done_links += re.findall(rf"{re.escape(base)}/done/[^\s\"<]+", text)
                feed_links += re.findall(rf"webcal://127\.0\.0\.1:{port}/feeds/personal/[^\s\"<]+", text)
        assert done_links and feed_links
        for link in done_links[:2]:  # the Korean and the English subscriber's
            ask = httpx.get(link, timeout=10)
            assert ask.status_code == 200 and f'action="{urlsplit(link).path}"' in ask.text
        calendar = httpx.get(feed_links[0].replace("webcal://", "http://"), timeout=10)
        assert calendar.status_code == 200 and "BEGIN:VEVENT" in calendar.text
    finally:
        process.send_signal(signal.SIGINT)  # Ctrl-C: the server stops, and the worker with it
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        reader.join(timeout=10)
        if process.stdout:
            process.stdout.close()


def test_catcher_that_cannot_listen_says_so_in_one_line(tmp_path: Path) -> None:
    # 192.0.2.1 (TEST-NET-1) is no address of this machine: nothing can listen there.
    with pytest.raises(ConfigError) as raised:
        MailCatcher.started(tmp_path / "mail", "192.0.2.1", DEFAULT_SMTP_PORT)
    assert "\n" not in str(raised.value) and "192.0.2.1" in str(raised.value)


def test_catcher_moves_off_a_taken_port(tmp_path: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        taken = holder.getsockname()[1]
        catcher = MailCatcher.started(tmp_path / "mail", "127.0.0.1", taken)
        try:
            assert catcher.port != taken
            with socket.create_connection(("127.0.0.1", catcher.port), timeout=5) as client:
                assert client.recv(100).startswith(b"220")
        finally:
            catcher.stop()
