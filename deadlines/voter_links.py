"""The links a voter acts through, pure: "I've done it" for one deadline of one subscription,
and the private address of their personal calendar feed. Both are signed tokens bound to the
subscriber's own secret (`deadlines.tokens`), like the preferences and unsubscribe links."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from deadlines.errors import TokenError
from deadlines.tokens import make_token

FEED_PREFIX = "/feeds/personal/"
# The outbox's reason on a reminder cancelled because its deadline was marked done; undoing the
# mark brings back exactly these rows (those whose time has not come).
DONE_REASON = "marked done by the subscriber"
_STALE = "this link no longer applies; open your preferences from a recent email"


@dataclass(frozen=True)
class DoneTarget:
    """What a done link names: one deadline of one subscription."""

    subscription_id: int
    deadline_id: int


def done_token(secret: str, subscriber_id: int, *, binding: str, target: DoneTarget) -> str:
    nonce = f"{target.subscription_id}-{target.deadline_id}"
    return make_token(secret, "done", subscriber_id, binding=binding, nonce=nonce)


def done_target(body: Mapping[str, object]) -> DoneTarget:
    """What a verified done token's payload names."""
    subscription, _, deadline = str(body.get("n", "")).partition("-")
    if not (subscription.isdigit() and deadline.isdigit()) or len(subscription) + len(deadline) > 36:
        raise TokenError(_STALE)
    return DoneTarget(int(subscription), int(deadline))


def feed_token(secret: str, subscriber_id: int, *, binding: str, nonce: str | None) -> str:
    """The personal feed's token: `nonce` is the subscriber's current feed key (None until they
    first revoke), so a new key makes every earlier address invalid."""
    return make_token(secret, "feed", subscriber_id, binding=binding, nonce=nonce)


def feed_nonce_of(body: Mapping[str, object]) -> str | None:
    """The feed key a verified feed token's payload was made with."""
    nonce = body.get("n")
    return nonce if isinstance(nonce, str) else None


def feed_urls(base_url: str, token: str) -> dict[str, str]:
    """The personal feed's addresses: https, and webcal:// for a calendar to subscribe to."""
    https = f"{base_url.rstrip('/')}{FEED_PREFIX}{token}.ics"
    parts = urlsplit(https)
    return {"url": https, "webcal": urlunsplit(("webcal", parts.netloc, parts.path, "", ""))}
