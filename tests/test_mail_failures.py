"""SMTP failure classes, the bounce brake and international address forms, as tables (pure)."""

from __future__ import annotations

import aiosmtplib
import pytest

from deadlines.mail.address import ascii_address, envelope_address, header_address
from deadlines.mail.failures import Delivery, Stage, bounce_brake, classify
from deadlines.mail.smtp import _failure

B, T, R, S, F = Delivery.BOUNCE, Delivery.TRANSIENT, Delivery.RELAY, Delivery.SENT, Delivery.FAULT


@pytest.mark.parametrize(
    ("stage", "code", "expected"),
    [
        # Only RCPT TO and DATA speak about the recipient.
        (Stage.RCPT, 550, B),  # no such mailbox
        (Stage.RCPT, 551, B),
        (Stage.RCPT, 553, B),  # mailbox name not allowed
        (Stage.RCPT, 501, B),  # bad address syntax
        (Stage.DATA, 554, B),  # message refused for this recipient
        (Stage.DATA, 552, B),
        (Stage.RCPT, 450, T),  # mailbox busy
        (Stage.RCPT, 452, T),
        (Stage.DATA, 451, T),
        (Stage.DATA, 250, S),
        # Sequence, command and authentication replies are the session's, wherever they come.
        (Stage.RCPT, 503, R),  # "nested MAIL command", "need MAIL first"
        (Stage.DATA, 503, R),
        (Stage.RCPT, 500, R),
        (Stage.RCPT, 502, R),
        (Stage.RCPT, 504, R),
        (Stage.RCPT, 530, R),  # authentication required
        (Stage.DATA, 535, R),
        (Stage.RCPT, 421, R),  # service closing
        (Stage.DATA, 421, R),
        (Stage.RCPT, None, R),  # disconnected, timed out
        (Stage.DATA, None, R),
        (Stage.DATA, 999, R),  # not SMTP at all
        # Everything before the envelope is the relay's.
        (Stage.CONNECT, 554, R),  # 554 banner
        (Stage.CONNECT, 421, R),
        (Stage.CONNECT, None, R),  # refused, TLS failed, timed out
        (Stage.AUTH, 535, R),  # wrong password
        (Stage.AUTH, 534, R),
        (Stage.AUTH, 454, R),
        (Stage.MAIL, 550, R),  # sender refused
        (Stage.MAIL, 553, R),
        (Stage.MAIL, 503, R),  # nested MAIL command
        (Stage.MAIL, 451, R),
        (Stage.MAIL, 530, R),
        (Stage.MAIL, None, R),
        # Our side, before anything is sent: this message alone.
        (Stage.PREPARE, None, F),
        (Stage.PREPARE, 550, F),
    ],
)
def test_classify(stage: Stage, code: int | None, expected: Delivery) -> None:
    assert classify(stage, code) is expected


@pytest.mark.parametrize(
    ("error", "stage", "expected", "code"),
    [
        (aiosmtplib.SMTPRecipientRefused(550, "no such user", "a@b.org"), Stage.RCPT, B, 550),
        (
            aiosmtplib.SMTPRecipientsRefused([aiosmtplib.SMTPRecipientRefused(451, "later", "a@b.org")]),
            Stage.RCPT,
            T,
            451,
        ),
        (aiosmtplib.SMTPRecipientRefused(503, "nested MAIL command", "a@b.org"), Stage.RCPT, R, 503),
        (aiosmtplib.SMTPDataError(554, "spam"), Stage.DATA, B, 554),
        (aiosmtplib.SMTPSenderRefused(550, "sender refused", "n@d.org"), Stage.MAIL, R, 550),
        (aiosmtplib.SMTPAuthenticationError(535, "bad credentials"), Stage.AUTH, R, 535),
        (aiosmtplib.SMTPConnectResponseError(554, "go away"), Stage.CONNECT, R, 554),
        (aiosmtplib.SMTPHeloError(501, "bad HELO"), Stage.CONNECT, R, 501),
        (aiosmtplib.SMTPServerDisconnected("gone"), Stage.DATA, R, None),
        (aiosmtplib.SMTPReadTimeoutError("slow"), Stage.RCPT, R, None),
        (aiosmtplib.SMTPNotSupported("no SMTPUTF8"), Stage.MAIL, R, None),
        (ConnectionRefusedError(111, "refused"), Stage.CONNECT, R, None),
        # Not SMTP and not the network: the message alone (an address that cannot be encoded).
        (UnicodeEncodeError("ascii", "é", 0, 1, "no"), Stage.RCPT, F, None),
        (ValueError("bad address"), Stage.RCPT, F, None),
    ],
)
def test_exceptions_are_classified_by_stage(
    error: Exception, stage: Stage, expected: Delivery, code: int | None
) -> None:
    outcome = _failure(stage, error, Delivery.FAULT)
    assert (outcome.status, outcome.code, outcome.stage) == (expected, code, stage)
    assert outcome.detail.startswith(f"{stage}: ")


@pytest.mark.parametrize(
    ("attempted", "bounced", "trips"),
    [
        (0, 0, False),
        (2, 1, False),  # one bad address in a tiny pass: below the minimum
        (19, 19, False),
        (20, 20, True),  # a relay refusing everything, caught at the minimum
        (60, 60, True),
        (400, 20, False),  # 5 % exactly: not more than the share
        (399, 20, True),
        (1000, 49, False),
        (1000, 51, True),
        (1500, 750, True),  # the reported outage
    ],
)
def test_bounce_brake(attempted: int, bounced: int, trips: bool) -> None:
    assert bounce_brake(attempted=attempted, bounced=bounced, share=0.05, minimum=20) is trips


@pytest.mark.parametrize(
    ("address", "plain", "without_utf8", "with_utf8", "header"),
    [
        ("a@example.org", "a@example.org", "a@example.org", "a@example.org", "a@example.org"),
        (
            "user@пример.рф",
            "user@xn--e1afmkfd.xn--p1ai",
            "user@xn--e1afmkfd.xn--p1ai",
            "user@xn--e1afmkfd.xn--p1ai",
            "user@xn--e1afmkfd.xn--p1ai",
        ),
        ("usér@example.com", None, None, "usér@example.com", "usér@example.com"),
        ("사용자@예시.한국", None, None, "사용자@예시.한국", "사용자@예시.한국"),
        ("no-at-sign-é", None, None, "no-at-sign-é", "no-at-sign-é"),
    ],
)
def test_address_forms(
    address: str, plain: str | None, without_utf8: str | None, with_utf8: str | None, header: str
) -> None:
    assert ascii_address(address) == plain
    assert envelope_address(address, smtputf8=False) == without_utf8
    assert envelope_address(address, smtputf8=True) == with_utf8
    assert header_address(address) == header
