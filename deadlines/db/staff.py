"""Staff accounts of the console: argon2 password hashes, roles, login checks."""

from __future__ import annotations

import re
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, select

from deadlines.db.models import StaffUser
from deadlines.db.store import audit
from deadlines.errors import DeadlinesError

ROLES = ("editor", "viewer")
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSWORD = 10
_hasher = PasswordHasher()
# Verified against when the username is unknown, so a login takes as long either way and the
# timing does not tell which usernames exist.
_DUMMY_HASH = _hasher.hash("not a real password, only for equal timing")


class StaffError(DeadlinesError):
    """A bad username, password or role; the message names which."""


def check_new_account(username: str, password: str, role: str) -> None:
    if not USERNAME.match(username):
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
        user.session_epoch += 1  # a new password ends every existing login
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
