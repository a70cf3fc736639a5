"""Builds MIME messages straight into bytes.

Building an `email.message.EmailMessage` per reminder costs several times the SMTP send itself,
so messages are assembled from ASCII headers and base64 bodies here. Every value that can come
from a user (the recipient address) is checked for line breaks before it reaches a header.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.header import Header
from email.utils import format_datetime
from functools import lru_cache

from deadlines.errors import HeaderInjection as HeaderInjection


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes


def _clean(value: str, name: str) -> str:
    if "\r" in value or "\n" in value or "\x00" in value:
        raise HeaderInjection(f"{name}: line breaks are not allowed in a header value")
    return value


@lru_cache(maxsize=1024)
def encode_header(value: str) -> str:
    """RFC 2047 for non-ASCII text (Korean subjects); plain ASCII stays readable."""
    _clean(value, "header")
    if value.isascii():
        return value
    return Header(value, "utf-8").encode(maxlinelen=76)


@lru_cache(maxsize=4)
def _date_header(date: datetime) -> str:
    return format_datetime(date)


def _b64_lines(data: bytes) -> bytes:
    """Base64 in 76-character lines (RFC 2045), from one C call rather than one per line."""
    encoded = base64.b64encode(data)
    return b"".join(encoded[i : i + 76] + b"\r\n" for i in range(0, len(encoded), 76))


def _part(content_type: str, data: bytes, extra: str = "") -> bytes:
    head = f"Content-Type: {content_type}\r\nContent-Transfer-Encoding: base64\r\n{extra}\r\n"
    return head.encode() + _b64_lines(data)


def build_message(
    *,
    sender: str,
    recipient: str,
    subject: str,
    text: str,
    html: str,
    message_id: str,
    date: datetime,
    headers: Sequence[tuple[str, str]] = (),
    attachments: Sequence[Attachment] = (),
) -> bytes:
    boundary = "=_alt_" + message_id.strip("<>").split("@")[0].replace(".", "_")
    lines = [
        f"From: {_clean(sender, 'From')}",
        f"To: {_clean(recipient, 'To')}",
        f"Subject: {encode_header(subject)}",
        f"Date: {_date_header(date.replace(microsecond=0))}",
        f"Message-ID: {_clean(message_id, 'Message-ID')}",
        "MIME-Version: 1.0",
        *(f"{_clean(k, 'header name')}: {_clean(v, k)}" for k, v in headers),
    ]
    alternative = b"".join(
        [
            f"--{boundary}\r\n".encode(),
            _part("text/plain; charset=utf-8", text.encode()),
            f"--{boundary}\r\n".encode(),
            _part("text/html; charset=utf-8", html.encode()),
            f"--{boundary}--\r\n".encode(),
        ]
    )
    if not attachments:
        lines.append(f'Content-Type: multipart/alternative; boundary="{boundary}"')
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + alternative
    mixed = "=_mix_" + boundary[6:]
    lines.append(f'Content-Type: multipart/mixed; boundary="{mixed}"')
    body = [
        f"--{mixed}\r\n".encode(),
        f'Content-Type: multipart/alternative; boundary="{boundary}"\r\n\r\n'.encode(),
        alternative,
    ]
    for a in attachments:
        name = _clean(a.filename, "filename")
        body += [
            f"--{mixed}\r\n".encode(),
            _part(a.content_type, a.data, f'Content-Disposition: attachment; filename="{name}"\r\n'),
        ]
    body.append(f"--{mixed}--\r\n".encode())
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + b"".join(body)
