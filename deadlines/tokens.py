"""Signed tokens for confirm, unsubscribe, preferences, done and personal-feed links:
unforgeable, optionally expiring, bound to one subscriber's own secret (pure)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import datetime, timedelta

from deadlines.errors import TokenError as TokenError

PURPOSES = ("confirm", "unsubscribe", "preferences", "done", "feed")
_INVALID = "this link is not valid; ask for a new one"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(secret: str, purpose: str, binding: str, payload: str) -> str:
    # The purpose is part of the MAC, so an unsubscribe token can never confirm, or the reverse.
    # So is the subscriber's own secret (`binding`): `forget` deletes it with the row, so a link
    # from before can never act on anyone again, even on a later subscriber given the same id.
    message = f"{purpose}.{binding}.{payload}".encode()
    return _b64(hmac.new(secret.encode(), message, hashlib.sha256).digest()[:20])


def make_token(
    secret: str,
    purpose: str,
    subscriber_id: int,
    *,
    binding: str,
    nonce: str | None = None,
    expires: datetime | None = None,
) -> str:
    """A token for `purpose` naming `subscriber_id`, valid only while that subscriber's secret
    is `binding`."""
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
    return f"{payload}.{_mac(secret, purpose, binding, payload)}"


def _body(payload: str) -> dict[str, object]:
    try:
        body: object = json.loads(_unb64(payload))
    except (ValueError, UnicodeDecodeError) as e:
        raise TokenError(_INVALID) from e
    if not isinstance(body, dict):
        raise TokenError(_INVALID)
    subscriber_id = body.get("s")
    # Ids beyond a 64-bit integer would make PostgreSQL raise instead of finding no one.
    if not isinstance(subscriber_id, int) or isinstance(subscriber_id, bool) or not 0 < subscriber_id < 2**63:
        raise TokenError(_INVALID)
    return body


def token_subscriber(token: str) -> int:
    """The subscriber id a token names, NOT yet verified: only for loading that subscriber's
    secret, which `read_token` then checks the token against."""
    payload, _, mac = token.partition(".")
    if not payload or not mac or len(token) > 1000:
        raise TokenError(_INVALID)
    subscriber_id = _body(payload)["s"]
    assert isinstance(subscriber_id, int)
    return subscriber_id


def read_token(secret: str, purpose: str, token: str, now: datetime, *, binding: str) -> dict[str, object]:
    """The token's payload; raises TokenError saying what is wrong (never which part was forged)."""
    payload, _, mac = token.partition(".")
    expected = _mac(secret, purpose, binding, payload).encode()
    # Compared as bytes: compare_digest refuses str with non-ASCII characters (a TypeError).
    if not payload or not mac or not hmac.compare_digest(mac.encode(errors="replace"), expected):
        raise TokenError(_INVALID)
    body = _body(payload)
    expires = body.get("e")
    if isinstance(expires, int) and now.timestamp() > expires:
        raise TokenError("this link has expired; sign up again to get a new one")
    return body


def expiry(now: datetime, hours: int) -> datetime:
    return now + timedelta(hours=hours)
