"""Bulk import of subscribers from CSV: good rows in, bad rows reported with their line numbers."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, select

from deadlines.db.audit import audit
from deadlines.db.models import Subscriber, Subscription
from deadlines.errors import DeadlinesError
from deadlines.reminders.subscribers import (
    SubscriberError,
    check_audiences,
    check_language,
    check_zone,
    new_secret,
    normalise_email,
    queue_confirmation,
)

COLUMNS = ("email", "language", "timezone", "election", "audiences")


@dataclass
class ImportReport:
    imported: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)


def parse_csv(text: str) -> Iterable[tuple[int, dict[str, str]]]:
    """The rows with their line numbers. A file the csv module cannot read (a field over its
    131,072-character limit, a broken quote) stops with one line naming where, before anything
    is stored."""
    reader = csv.DictReader(io.StringIO(text))
    try:
        fieldnames = reader.fieldnames or []
        missing = [c for c in COLUMNS if c not in fieldnames]
        if missing:
            raise DeadlinesError(
                f"CSV header lacks column(s) {', '.join(missing)}; expected {','.join(COLUMNS)}"
            )
        for row in reader:
            yield reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}
    except csv.Error as e:
        raise DeadlinesError(f"CSV line {reader.reader.line_num}: {e}; nothing was imported") from e


def import_rows(
    *,
    session: Session,
    rows: Iterable[tuple[int, dict[str, str]]],
    known_elections: Sequence[str],
    confirmed: bool,
    actor: str,
    now: datetime,
    progress: Callable[[int], None] = lambda n: None,
) -> ImportReport:
    report = ImportReport()
    for line, row in rows:
        progress(1)
        try:
            email = normalise_email(row["email"])
            language = check_language(row["language"])
            zone = check_zone(row["timezone"])
            election = row["election"]
            if election not in known_elections:
                raise SubscriberError(field="election", message=f"unknown election {election!r}")
            audiences = check_audiences(row["audiences"].replace(";", " ").split())
        except SubscriberError as e:
            report.errors.append(f"line {line}: {e}")
            continue
        sub = session.exec(select(Subscriber).where(Subscriber.email == email)).first()
        if sub is None:
            sub = Subscriber(
                email=email,
                secret=new_secret(),
                language=language,
                timezone=zone,
                origin="import",
                created_at=now,
            )
            session.add(sub)
            session.flush()
            report.imported += 1
        else:
            report.updated += 1
        assert sub.id is not None
        if sub.status in ("suppressed", "unsubscribed"):
            report.errors.append(f"line {line}: {email} is {sub.status}; left as it is")
            continue
        existing = session.exec(
            select(Subscription).where(
                Subscription.subscriber_id == sub.id, Subscription.election_id == election
            )
        ).first()
        subscription = existing or Subscription(subscriber_id=sub.id, election_id=election, created_at=now)
        subscription.audiences = audiences
        session.add(subscription)
        if confirmed and sub.status == "pending":
            sub.status, sub.confirmed_at = "active", now
            session.add(sub)
        elif sub.status == "pending":
            queue_confirmation(session=session, subscriber=sub, now=now)
    audit(
        session=session,
        actor=actor,
        action="subscribers.import",
        target="subscribers",
        after={
            "imported": report.imported,
            "updated": report.updated,
            "rejected": len(report.errors),
            "confirmed": confirmed,
        },
        now=now,
    )
    return report
