"""SMTP failure classes: what a reply at each stage of the conversation says, and about whom (pure).

Only a 5xx refusal of RCPT TO or of DATA speaks about the recipient (a bounce). Everything
before the envelope (connection, TLS, greeting, EHLO, AUTH, MAIL FROM) and any sequence or
authentication reply is about the relay or our account with it: no subscriber is charged for it.
"""

from __future__ import annotations

from enum import StrEnum


class Stage(StrEnum):
    """Where in the conversation a reply (or an error) came."""

    CONNECT = "connect"  # TCP, TLS, greeting, EHLO, STARTTLS
    AUTH = "auth"
    PREPARE = "prepare"  # our side: rendering, encoding the envelope, before anything is sent
    MAIL = "mail"
    RCPT = "rcpt"
    DATA = "data"


class Delivery(StrEnum):
    """The outcome of sending one message, and so what happens to its outbox row."""

    SENT = "sent"
    TRANSIENT = "transient"  # 4xx to RCPT or DATA: this message, later
    BOUNCE = "bounce"  # 5xx to RCPT or DATA: this address refused; counts toward suppression
    RELAY = "relay"  # the relay's problem: stop the pass, put rows back, charge no one
    UNDELIVERABLE = "undeliverable"  # the address cannot go over this relay (no SMTPUTF8): fail, no bounce
    FAULT = "fault"  # this message could not be built or sent on our side: fail it alone, no bounce


# Replies about the session rather than the recipient, wherever they come: 421 closing,
# 500/502/504 command or parameter not understood, 503 bad sequence ("nested MAIL command"),
# 530/534/535/538 authentication.
SESSION_CODES = frozenset({421, 500, 502, 503, 504, 530, 534, 535, 538})


def classify(stage: Stage, code: int | None) -> Delivery:
    """The class of a reply `code` (None: no reply, the connection broke or timed out) at `stage`."""
    if stage is Stage.PREPARE:
        return Delivery.FAULT
    if stage not in (Stage.RCPT, Stage.DATA) or code is None:
        return Delivery.RELAY
    if 200 <= code < 300:
        return Delivery.SENT
    if code in SESSION_CODES:
        return Delivery.RELAY
    if 400 <= code < 500:
        return Delivery.TRANSIENT
    if 500 <= code < 600:
        return Delivery.BOUNCE
    return Delivery.RELAY  # a reply outside the protocol: the relay is confused, not the address


def bounce_brake(*, attempted: int, bounced: int, share: float, minimum: int) -> bool:
    """True when a pass's bounces look like the relay refusing everything rather than bad
    addresses: at least `minimum` of them and more than `share` of the recipients attempted."""
    return bounced >= minimum and bounced > share * attempted
