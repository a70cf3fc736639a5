"""Staff accounts of the console: argon2 password hashes, roles, login checks, server-side sessions."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, col, delete, select, update

from deadlines.db.audit import audit
from deadlines.db.models import StaffSession, StaffUser
from deadlines.errors import StaffError as StaffError

ROLES = ("editor", "viewer")
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSWORD = 10
_hasher = PasswordHasher()
# Verified against when the username is unknown, so a login takes as long either way and the
# timing does not tell which usernames exist.
_DUMMY_HASH = _hasher.hash("not a real password, only for equal timing")


def check_new_account(username: str, password: str, role: str) -> None:
    if not USERNAME.fullmatch(username):
        raise StaffError(
            f"username {username!r}: use 2-64 lower-case letters, digits, dots, dashes or underscores"
        )
    if role not in ROLES:
        raise StaffError(f"role {role!r}: expected one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD:
        raise StaffError(f"password: at least {MIN_PASSWORD} characters")


def add_staff(
    *,
    session: Session,
    username: str,
    password: str,
    role: str,
    actor: str,
    now: datetime,
    replace: bool = False,
) -> StaffUser:
    check_new_account(username, password, role)
    user = session.exec(select(StaffUser).where(StaffUser.username == username)).first()
    if user is not None and not replace:
        raise StaffError(f"username {username!r} exists; use --reset-password to set a new password")
    if user is None:
        user = StaffUser(username=username, password_hash="", role=role, created_at=now)
    else:
        user.session_epoch += 1
        # A new password ends every existing login: whoever knew the old one is logged out.
        assert user.id is not None
        revoke_user_sessions(session=session, user_id=user.id, now=now)
    user.password_hash = _hasher.hash(password)
    user.role = role
    user.active = True
    session.add(user)
    audit(
        session=session,
        actor=actor,
        action="staff.add" if user.id is None else "staff.reset",
        target=f"staff/{username}",
        after={"role": role},
        now=now,
    )
    session.flush()
    return user


def authenticate(*, session: Session, username: str, password: str, now: datetime) -> StaffUser | None:
    user = session.exec(select(StaffUser).where(StaffUser.username == username.strip().lower())).first()
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    user.last_login_at = now
    session.add(user)
    return user


def session_id(token: str) -> str:
    """What the server keeps of a session cookie: its hash, so a copy of the table logs no one in."""
    return hashlib.sha256(token.encode(errors="replace")).hexdigest()


def open_session(*, session: Session, user: StaffUser, now: datetime, lifetime: timedelta) -> str:
    """A new login of `user`: the random token for the cookie (the server stores its hash)."""
    assert user.id is not None
    # The user's sessions that have expired are of no further use; drop them as new ones come.
    session.exec(
        delete(StaffSession).where(col(StaffSession.user_id) == user.id, col(StaffSession.expires_at) < now)
    )
    token = secrets.token_urlsafe(32)
    session.add(
        StaffSession(id=session_id(token), user_id=user.id, created_at=now, expires_at=now + lifetime)
    )
    return token


def session_user(*, session: Session, token: str, now: datetime) -> StaffUser | None:
    """The active account a session cookie belongs to, or None if the session is unknown,
    revoked (logout, password reset) or expired."""
    if not token or len(token) > 100:
        return None
    row = session.exec(
        select(StaffSession, StaffUser)
        .join(StaffUser, col(StaffUser.id) == col(StaffSession.user_id))
        .where(col(StaffSession.id) == session_id(token))
    ).first()
    if row is None:
        return None
    staff_session, user = row
    if staff_session.revoked_at is not None or staff_session.expires_at <= now or not user.active:
        return None
    return user


def revoke_session(*, session: Session, token: str, now: datetime) -> None:
    """Logout: the cookie stops working at once, whatever copies of it exist."""
    session.exec(
        update(StaffSession)
        .where(col(StaffSession.id) == session_id(token), col(StaffSession.revoked_at).is_(None))
        .values(revoked_at=now)
    )


def revoke_user_sessions(*, session: Session, user_id: int, now: datetime) -> int:
    """Every login of one account ends (password reset)."""
    result = session.exec(
        update(StaffSession)
        .where(col(StaffSession.user_id) == user_id, col(StaffSession.revoked_at).is_(None))
        .values(revoked_at=now)
    )
    return int(result.rowcount or 0)
