"""Confirming a computed (provisional) election day: a new console revision, audited, republished."""

from __future__ import annotations

import copy
from datetime import date, datetime

from sqlmodel import Session

from deadlines.db.revisions import add_revision
from deadlines.db.rulesync import Change, latest_revisions, sync_elections
from deadlines.errors import NotFound
from deadlines.rules.edit import replaced


def confirm_election_day(
    *, session: Session, election_id: str, day: date | None, actor: str, now: datetime
) -> tuple[date, list[Change]]:
    """Write the day into the live election document (the computed day, or `day` when the
    announced one differs): the election stops being provisional and its deadlines follow.
    Validated like any staff edit; recorded as a console revision, so `rules apply` from older
    files will not silently undo it."""
    latest = latest_revisions(session)
    key = ("election", election_id)
    current = latest.get(key)
    if current is None or current.removed:
        known = ", ".join(
            sorted(k for (kind, k), r in latest.items() if kind == "election" and not r.removed)
        )
        raise NotFound(f"no live election {election_id!r}; live: {known or 'none'}")
    documents = {k: (r.document, r.source_file) for k, r in latest.items() if not r.removed}
    book = replaced(documents, key, current.document)
    chosen = day or book.elections[election_id].day
    document = copy.deepcopy(dict(current.document))
    document["day"] = chosen.isoformat()
    book = replaced(documents, key, document)
    add_revision(
        session=session, current=current, document=document, actor=actor, now=now, action="confirm-day"
    )
    changes = sync_elections(session=session, book=book, election_ids=[election_id], actor=actor, now=now)
    return chosen, changes
