"""Notices in and staff review out: ingest a notice, then approve, edit or reject each draft.

Nothing extracted is published without a staff decision. Approving a draft that confirms a rule
adds the notice to that deadline's provenance; a draft that contradicts a rule becomes an
election override (through the console's preview and publish); a draft about something no rule
covers is published as a deadline of its own, which rule changes leave alone.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from deadlines.db.audit import audit
from deadlines.db.convert import record_values
from deadlines.db.models import DeadlineRow, DraftRow, ElectionRow, NoticeRow
from deadlines.db.rulesync import live_rulebook
from deadlines.db.store import notice_seen, store_notice
from deadlines.errors import NotFound
from deadlines.errors import ReviewError as ReviewError
from deadlines.extract import ExtractedNotice
from deadlines.extract.reconcile import Match, guess_election, reconcile
from deadlines.records import AUDIENCES, DeadlineRecord
from deadlines.rules import evaluate_election
from deadlines.rules.model import Election


@dataclass
class Ingested:
    election: Election | None
    notices: list[ExtractedNotice]
    matches: list[list[Match]]
    stored: list[NoticeRow] = field(default_factory=list)
    duplicate: bool = False


def ingest_notice(
    *,
    session: Session,
    source: str,
    text: str,
    notices: list[ExtractedNotice],
    published: date | None,
    election_id: str | None,
    actor: str,
    now: datetime,
) -> Ingested:
    """Reconcile extracted notices with the live rules and store them as drafts for review.

    The same text twice is reconciled but stored once."""
    book = live_rulebook(session=session)
    election = None
    if book is not None:
        if election_id:
            election = book.election(election_id)
            if election is None:
                raise NotFound(
                    f"unknown election {election_id!r}; known: {', '.join(sorted(book.elections))}"
                )
        else:
            first = next((n.published for n in notices if n.published), published)
            election = guess_election(text, book.elections.values(), first)
    elif election_id:
        raise NotFound("the database holds no rules yet: run `deadlines rules apply` first")
    deadlines = evaluate_election(book, election.id) if (book and election) else []
    matches = [reconcile(n.records, deadlines) for n in notices]
    result = Ingested(election, notices, matches)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if notice_seen(session=session, sha256=digest):
        result.duplicate = True
        return result
    result.stored = store_notice(
        session=session,
        source=source,
        content=text,
        sha256=digest,
        notices=notices,
        matches=matches,
        election_id=election.id if election else None,
        actor=actor,
        now=now,
    )
    return result


def _draft(session: Session, draft_id: int) -> DraftRow:
    draft = session.get(DraftRow, draft_id)
    if draft is None:
        raise NotFound(f"no draft {draft_id}")
    return draft


def _decide(session: Session, draft: DraftRow, status: str, actor: str, now: datetime, **after: Any) -> None:
    before = draft.status
    draft.status = status
    session.add(draft)
    audit(
        session=session,
        actor=actor,
        action=f"draft.{status[:-2] if status.endswith('ed') else status}",
        target=f"draft/{draft.id}",
        before={"status": before},
        after={"status": status, **after},
        now=now,
    )


def reject_draft(*, session: Session, draft_id: int, actor: str, now: datetime) -> None:
    _decide(session, _draft(session, draft_id), "rejected", actor, now)


def _notice_record(draft: DraftRow, election: ElectionRow, notice: NoticeRow) -> DeadlineRecord:
    opens: date | None
    closes: date | None
    if draft.kind == "period" and draft.starts and draft.ends:
        kind, opens, closes = "period", draft.starts, draft.ends
    elif draft.kind == "deadline" and draft.ends:
        kind, opens, closes = "deadline", None, draft.ends
    elif draft.starts or draft.ends:
        day = draft.starts or draft.ends
        kind, opens, closes = "event", day, day
    else:
        raise ReviewError(f"draft {draft.id} has no date to publish; edit it first")
    # The extractor's label for the record ("Last day for postal vote applications"), else the
    # notice's headline, else the quote.
    title = (draft.title or draft.headline or draft.quote)[:120]
    audiences = tuple(a for a in draft.audiences if a in AUDIENCES) or ("all",)
    return DeadlineRecord(
        election_id=election.id,
        id=f"notice-{notice.id}-{draft.id}",
        title={"en": title, "ko": title},
        kind=kind,  # type: ignore[arg-type]
        audiences=audiences,
        opens=opens,
        closes=closes,
        timezone=election.timezone,
        source={"type": "notice", "notice": notice.id, "source": notice.source, "quote": draft.quote[:500]},
    )


def approve_draft(*, session: Session, draft_id: int, actor: str, now: datetime) -> str:
    """Publish what a draft says; returns a one-line description of what was done.

    Conflicts are not handled here: they become election overrides through the console's
    preview, which calls this afterwards to mark the draft approved."""
    draft = _draft(session, draft_id)
    if draft.status != "pending":
        raise ReviewError(f"draft {draft_id} is already {draft.status}")
    notice = session.get(NoticeRow, draft.notice_id)
    assert notice is not None
    if draft.election_id is None:
        raise ReviewError(f"draft {draft_id} names no election; edit it and choose one first")
    if draft.outcome in ("confirmed", "conflict") and draft.rule:
        row = session.exec(
            select(DeadlineRow).where(
                DeadlineRow.election_id == draft.election_id, DeadlineRow.slug == draft.rule
            )
        ).first()
        if row is None:
            raise ReviewError(
                f"draft {draft_id}: deadline {draft.rule!r} of {draft.election_id} does not exist"
            )
        if draft.outcome == "confirmed":
            notices = [*row.source.get("notices", []), {"notice": notice.id, "source": notice.source}]
            row.source = {**row.source, "notices": notices}
            row.revision += 1
            row.updated_at = now
            session.add(row)
        _decide(session, draft, "approved", actor, now, deadline=f"{draft.election_id}/{row.slug}")
        return f"draft {draft_id}: {draft.outcome} {draft.election_id}/{row.slug}"
    election = session.get(ElectionRow, draft.election_id)
    if election is None:
        raise ReviewError(f"draft {draft_id}: election {draft.election_id!r} does not exist")
    record = _notice_record(draft, election, notice)
    values = record_values(record)
    existing = session.exec(
        select(DeadlineRow).where(DeadlineRow.election_id == election.id, DeadlineRow.slug == record.id)
    ).first()
    if existing is None:
        session.add(DeadlineRow(**values, revision=1, created_at=now, updated_at=now))
    _decide(session, draft, "approved", actor, now, deadline=f"{election.id}/{record.id}")
    return f"draft {draft_id}: published as {election.id}/{record.id}"


def edit_draft(
    *,
    session: Session,
    draft_id: int,
    kind: str,
    starts: date | None,
    ends: date | None,
    election_id: str | None,
    headline: str | None,
    actor: str,
    now: datetime,
) -> None:
    draft = _draft(session, draft_id)
    if draft.status != "pending":
        raise ReviewError(f"draft {draft_id} is already {draft.status}")
    if kind not in ("period", "deadline", "start", "event"):
        raise ReviewError(f"kind: {kind!r}; expected period, deadline, start or event")
    if starts and ends and ends < starts:
        raise ReviewError(f"ends: {ends} is before starts {starts}")
    if election_id and session.get(ElectionRow, election_id) is None:
        raise ReviewError(f"election: unknown election {election_id!r}")
    before = {
        "kind": draft.kind,
        "starts": str(draft.starts),
        "ends": str(draft.ends),
        "election": draft.election_id,
    }
    draft.kind, draft.starts, draft.ends = kind, starts, ends
    draft.election_id = election_id or None
    draft.headline = headline or draft.headline
    # The console's "Title" field: the staff member's title replaces the extractor's.
    draft.title = headline[:200] if headline else draft.title
    # The staff member's dates now decide the outcome against the rule the draft was matched to.
    if draft.rule and draft.election_id:
        row = session.exec(
            select(DeadlineRow).where(
                DeadlineRow.election_id == draft.election_id, DeadlineRow.slug == draft.rule
            )
        ).first()
        if row is not None:
            same = (starts or row.opens) == (row.opens or starts) and (ends or row.closes) == row.closes
            draft.outcome = "confirmed" if same else "conflict"
    elif draft.outcome != "past":
        draft.outcome = "new"
    session.add(draft)
    after = {"kind": kind, "starts": str(starts), "ends": str(ends), "election": draft.election_id}
    audit(
        session=session,
        actor=actor,
        action="draft.edit",
        target=f"draft/{draft_id}",
        before=before,
        after=after,
        now=now,
    )


def pending_counts(session: Session) -> dict[int, int]:
    from sqlalchemy import func

    rows = session.exec(
        select(DraftRow.notice_id, func.count())
        .where(col(DraftRow.status) == "pending")
        .group_by(col(DraftRow.notice_id))
    ).all()
    return {notice_id: n for notice_id, n in rows}
