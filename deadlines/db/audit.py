"""The audit log: who changed what, when, before and after. The caller's transaction commits."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from deadlines.db.models import AuditEntry


def audit(
    *,
    session: Session,
    actor: str,
    action: str,
    target: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    now: datetime,
) -> None:
    session.add(AuditEntry(at=now, actor=actor, action=action, target=target, before=before, after=after))
