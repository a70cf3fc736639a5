"""SMTP delivery against a real server (aiosmtpd) with a self-signed certificate: STARTTLS,
implicit TLS, login; DKIM signatures checked with dkimpy against the public key."""

from __future__ import annotations

import asyncio
import base64
import re
import ssl
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

import dkim  # type: ignore[import-untyped]
import pytest
from aiosmtpd.controller import Controller

from deadlines.mail.failures import Delivery, Stage
from deadlines.mail.smtp import Connection, DkimSigner, Outcome, SmtpSettings
from tests.smtp_server import Behaviour as ServerBehaviour
from tests.smtp_server import Handler, free_port

PASSWORD = "relay-password-1"
SENDER = "noreply@deadlines.example.org"


@dataclass(frozen=True)
class Certificate:
    cert: Path
    key: Path


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    """A self-signed certificate for 127.0.0.1 and localhost, made with openssl for this run."""
    where = tmp_path_factory.mktemp("tls")
    cert, key = where / "cert.pem", where / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-keyout", str(key), "-out", str(cert), "-subj", "/CN=localhost",
            "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return Certificate(cert, key)


@pytest.fixture
def trusted(certificate: Certificate, monkeypatch: pytest.MonkeyPatch) -> Certificate:
    """The client trusts the certificate as it would a public CA (OpenSSL's SSL_CERT_FILE)."""
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate.cert))
    return certificate


class RecordingHandler(Handler):
    """Keeps each message's bytes as received and whether the session was encrypted."""

    def __init__(self) -> None:
        super().__init__(ServerBehaviour(password=PASSWORD))
        self.raw: list[bytes] = []
        self.encrypted: list[bool] = []
        self.logins: list[bytes] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.raw.append(envelope.content)
        tls = server.transport.get_extra_info("ssl_object") if server.transport else None
        self.encrypted.append(tls is not None or session.ssl is not None)
        return await super().handle_DATA(server, session, envelope)

    def authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
        result = super().authenticate(server, session, envelope, mechanism, data)
        if result.success:
            self.logins.append(data.login)
        return result


def _server_context(certificate: Certificate) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certificate.cert, certificate.key)
    return context


@dataclass
class Relay:
    handler: RecordingHandler
    port: int


def _start(handler: RecordingHandler, **kwargs: Any) -> Iterator[Relay]:
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    try:
        yield Relay(handler, port)
    finally:
        controller.stop()


@pytest.fixture
def starttls_relay(certificate: Certificate) -> Iterator[Relay]:
    """A relay that offers STARTTLS and refuses both mail and login before it."""
    handler = RecordingHandler()
    yield from _start(
        handler,
        tls_context=_server_context(certificate),
        require_starttls=True,
        authenticator=handler.authenticate,
    )


@pytest.fixture
def tls_relay(certificate: Certificate) -> Iterator[Relay]:
    """A relay that speaks TLS from the first byte (port 465 style)."""
    yield from _start(RecordingHandler(), ssl_context=_server_context(certificate))


def message(subject: str = "Overseas voter registration closes tomorrow") -> bytes:
    msg = EmailMessage()
    msg["From"] = f"Election deadlines <{SENDER}>"
    msg["To"] = "voter@example.com"
    msg["Subject"] = subject
    msg["Date"] = format_datetime(datetime(2028, 2, 11, 15, 0, tzinfo=UTC))
    msg["Message-ID"] = make_msgid(domain="deadlines.example.org")
    msg["List-Unsubscribe"] = "<https://deadlines.example.org/unsubscribe/abc>"
    msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg.set_content(
        "재외선거 신고·신청 마감: 2028-02-12\nOverseas registration closes on 12 February 2028.\n"
    )
    return msg.as_bytes()


def send(settings: SmtpSettings, data: bytes, recipient: str = "voter@example.com") -> Outcome:
    async def go() -> Outcome:
        connection = Connection(settings)
        try:
            return await connection.send(SENDER, recipient, data)
        finally:
            await connection.close()

    return asyncio.run(go())


def test_starttls_then_login_then_send(trusted: Certificate, starttls_relay: Relay) -> None:
    settings = SmtpSettings(
        "127.0.0.1", starttls_relay.port, tls="starttls", username="deadlines", password=PASSWORD, timeout=5
    )
    outcome = send(settings, message())
    assert outcome.status is Delivery.SENT, outcome
    assert starttls_relay.handler.encrypted == [True]
    assert starttls_relay.handler.logins == [b"deadlines"]
    [received] = starttls_relay.handler.messages
    assert received["Subject"] == "Overseas voter registration closes tomorrow"


def test_a_wrong_password_is_the_relays_problem_at_login(trusted: Certificate, starttls_relay: Relay) -> None:
    settings = SmtpSettings(
        "127.0.0.1", starttls_relay.port, tls="starttls", username="deadlines", password="wrong", timeout=5
    )
    outcome = send(settings, message())
    assert (outcome.status, outcome.stage, outcome.code) == (Delivery.RELAY, Stage.AUTH, 535)
    assert starttls_relay.handler.messages == []


def test_without_starttls_the_relay_refuses(trusted: Certificate, starttls_relay: Relay) -> None:
    # The relay insists on STARTTLS, so a plain session fails before the envelope.
    outcome = send(SmtpSettings("127.0.0.1", starttls_relay.port, timeout=5), message())
    assert outcome.status is Delivery.RELAY and outcome.code == 530, outcome
    assert starttls_relay.handler.messages == []


def test_implicit_tls(trusted: Certificate, tls_relay: Relay) -> None:
    outcome = send(SmtpSettings("127.0.0.1", tls_relay.port, tls="tls", timeout=5), message())
    assert outcome.status is Delivery.SENT, outcome
    assert tls_relay.handler.encrypted == [True]
    assert len(tls_relay.handler.messages) == 1


def test_an_untrusted_certificate_is_refused(tls_relay: Relay, monkeypatch: pytest.MonkeyPatch) -> None:
    # Without the test certificate among the trusted ones, the client must not go on.
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    outcome = send(SmtpSettings("127.0.0.1", tls_relay.port, tls="tls", timeout=5), message())
    assert (outcome.status, outcome.stage) == (Delivery.RELAY, Stage.CONNECT)
    assert "CERTIFICATE_VERIFY_FAILED" in outcome.detail
    assert tls_relay.handler.messages == []


@pytest.fixture(scope="session")
def dkim_key(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    """A 2048-bit RSA private key (PEM file) and its DNS TXT record."""
    where = tmp_path_factory.mktemp("dkim")
    key = where / "dkim.pem"
    subprocess.run(["openssl", "genrsa", "-out", str(key), "2048"], check=True, capture_output=True)
    public = subprocess.run(
        ["openssl", "rsa", "-in", str(key), "-pubout", "-outform", "DER"], check=True, capture_output=True
    ).stdout
    return key, b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)


def dns(records: dict[bytes, bytes]) -> Any:
    def txt(name: bytes, timeout: int = 5) -> bytes | None:
        return records.get(name)

    return txt


def test_dkim_signature_verifies_with_the_public_key(dkim_key: tuple[Path, bytes]) -> None:
    key, record = dkim_key
    signed = DkimSigner(key, "deadlines", "deadlines.example.org").sign(message())
    assert signed.startswith(b"DKIM-Signature:")
    header = signed.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    assert b"d=deadlines.example.org" in header and b"s=deadlines" in header
    signed_headers = re.search(rb"h=([^;]+);", header.replace(b"\r\n", b"").replace(b"\n", b""))
    assert signed_headers is not None
    assert {h.strip().lower() for h in signed_headers.group(1).split(b":")} >= {
        b"from", b"to", b"subject", b"date", b"message-id", b"list-unsubscribe", b"list-unsubscribe-post"
    }  # fmt: skip
    records = {b"deadlines._domainkey.deadlines.example.org.": record}
    assert dkim.verify(signed, dnsfunc=dns(records))
    # A changed subject, or another domain's key, does not verify.
    tampered = signed.replace(b"closes tomorrow", b"closes next week")
    assert not dkim.verify(tampered, dnsfunc=dns(records))
    assert not dkim.verify(signed, dnsfunc=dns({}))


def test_a_dkim_signed_message_arrives_verifiable(
    dkim_key: tuple[Path, bytes], trusted: Certificate, tls_relay: Relay
) -> None:
    # The bytes the relay received (after TLS and SMTP dot-stuffing) still verify.
    key, record = dkim_key
    signed = DkimSigner(key, "deadlines", "deadlines.example.org").sign(message())
    outcome = send(SmtpSettings("127.0.0.1", tls_relay.port, tls="tls", timeout=5), signed)
    assert outcome.status is Delivery.SENT, outcome
    [raw] = tls_relay.handler.raw
    assert dkim.verify(raw, dnsfunc=dns({b"deadlines._domainkey.deadlines.example.org.": record}))
