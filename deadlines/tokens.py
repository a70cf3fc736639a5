"""Signed tokens for confirm, unsubscribe and preferences links: unforgeable, optionally expiring."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import datetime, timedelta

from deadlines.errors import DeadlinesError

PURPOSES = ("confirm", "unsubscribe", "preferences", "staff-session")


class TokenError(DeadlinesError):
    """A link token that is malformed, forged, expired or for another purpose."""

    status = 400


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(secret: str, purpose: str, payload: str) -> str:
    # The purpose is part of the MAC, so an unsubscribe token can never confirm, or the reverse.
    digest = hmac.new(secret.encode(), f"{purpose}.{payload}".encode(), hashlib.sha256).digest()
    return _b64(digest[:20])


def make_token(
    secret: str,
    purpose: str,
    subscriber_id: int,
    *,
    nonce: str | None = None,
    expires: datetime | None = None,
) -> str:
    if purpose not in PURPOSES:
        raise ValueError(f"unknown token purpose {purpose!r}")
    if nonce is None and expires is None:
        # Every email carries two of these; the fixed JSON shape is written out directly.
        payload = _b64(b'{"s":%d}' % subscriber_id)
    else:
        body: dict[str, object] = {"s": subscriber_id}
        if nonce:
            body["n"] = nonce
        if expires:
            body["e"] = int(expires.timestamp())
        payload = _b64(json.dumps(body, separators=(",", ":")).encode())
    return f"{payload}.{_mac(secret, purpose, payload)}"


def read_token(secret: str, purpose: str, token: str, now: datetime) -> dict[str, object]:
    """The token's payload; raises TokenError saying what is wrong (never which part was forged)."""
    payload, _, mac = token.partition(".")
    if not payload or not mac or not hmac.compare_digest(mac, _mac(secret, purpose, payload)):
        raise TokenError("this link is not valid; ask for a new one")
    try:
        body = json.loads(_unb64(payload))
    except (ValueError, UnicodeDecodeError) as e:
        raise TokenError("this link is not valid; ask for a new one") from e
    if not isinstance(body, dict) or not isinstance(body.get("s"), int):
        raise TokenError("this link is not valid; ask for a new one")
    expires = body.get("e")
    if isinstance(expires, int) and now.timestamp() > expires:
        raise TokenError("this link has expired; sign up again to get a new one")
    return body


def expiry(now: datetime, hours: int) -> datetime:
    return now + timedelta(hours=hours)
