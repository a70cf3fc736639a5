"""International addresses: which form of an address can go over SMTP and in a header (pure).

A domain in Unicode (`user@пример.рф`) always has an ASCII form (IDNA A-labels); a local part
in Unicode (`usér@example.com`) needs a relay that offers SMTPUTF8 (RFC 6531).
"""

from __future__ import annotations


def ascii_address(address: str) -> str | None:
    """The address with its domain in IDNA A-labels; None when the local part is not ASCII."""
    if address.isascii():
        return address
    local, at, domain = address.rpartition("@")
    if not at or not local.isascii():
        return None
    try:
        encoded = domain.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    return f"{local}@{encoded}"


def envelope_address(address: str, *, smtputf8: bool) -> str | None:
    """The address to give RCPT TO: ASCII when it can be, UTF-8 when the relay offers SMTPUTF8,
    None when neither (the message cannot go over this relay)."""
    plain = ascii_address(address)
    if plain is not None:
        return plain
    return address if smtputf8 else None


def header_address(address: str) -> str:
    """The address for the To header: ASCII when it can be, else as given (RFC 6532, sent only
    with SMTPUTF8)."""
    return ascii_address(address) or address
