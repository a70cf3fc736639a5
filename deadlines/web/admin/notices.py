"""Console pages for notices: paste or upload, see extracted records, approve, edit or reject."""

import time
from datetime import date
from typing import Any

import anyio
import anyio.to_thread
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup, escape
from sqlmodel import col, select
from starlette.datastructures import UploadFile

from deadlines.db.models import DraftRow, ElectionRow, NoticeRow
from deadlines.db.review import (
    ReviewError,
    approve_draft,
    edit_draft,
    ingest_notice,
    pending_counts,
    reject_draft,
)
from deadlines.db.revisions import current_revision, preview
from deadlines.errors import DeadlinesError, RuleError, RuleErrors
from deadlines.extract import extract_document, read_notice_bytes
from deadlines.rules.edit import OverrideInput, edit_election
from deadlines.web.admin.auth import EditorDep, Form, Staff, StaffDep
from deadlines.web.admin.context import Console, ConsoleDep
from deadlines.web.admin.rules import render_preview
from deadlines.web.admin.words import Said, said, say, service
from deadlines.web.site import ClockDep, NowDep

# Seconds a console paste may spend in extraction before the page gives up on it.
EXTRACT_TIME_LIMIT = 30.0


def highlight(content: str, quotes: list[tuple[int, str]]) -> Markup:
    """The notice text, escaped, with each draft's quote marked and numbered by its draft id."""
    spans: list[tuple[int, int, int]] = []
    for draft_id, quote in quotes:
        start = content.find(quote) if quote else -1
        if start >= 0 and not any(s < start + len(quote) and start < e for s, e, _ in spans):
            spans.append((start, start + len(quote), draft_id))
    spans.sort()
    out, pos = [], 0
    for start, end, draft_id in spans:
        out.append(escape(content[pos:start]))
        out.append(Markup('<mark id="q-{0}" title="draft {0}">').format(draft_id))
        out.append(escape(content[start:end]))
        out.append(Markup("</mark>"))
        pos = end
    out.append(escape(content[pos:]))
    return Markup("").join(out)


def _day(value: Any, name: str) -> date | None:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as e:
        raise ReviewError(f"{name}: expected YYYY-MM-DD, got {text!r}") from e


router = APIRouter(prefix="/admin", include_in_schema=False)


def listing(
    console: Console, request: Request, staff: Staff, error: Said | None = None, status: int = 200
) -> HTMLResponse:
    with console.session() as session:
        notices = list(session.exec(select(NoticeRow).order_by(col(NoticeRow.id).desc()).limit(50)))
        pending = pending_counts(session)
        elections = list(session.exec(select(ElectionRow).where(ElectionRow.status == "active")))
    context = {"notices": notices, "pending": pending, "elections": elections, "error": error}
    return console.render(request, staff, "notices.html", context, status)


@router.get("/notices", response_class=HTMLResponse)
def notices(request: Request, console: ConsoleDep, staff: StaffDep) -> HTMLResponse:
    return listing(console, request, staff)


@router.post("/notices", response_class=HTMLResponse)
async def add_notice(
    request: Request, console: ConsoleDep, clock: ClockDep, staff: EditorDep, form: Form
) -> Response:
    upload = form.get("file")
    limit = console.settings.max_notice_bytes
    if isinstance(upload, UploadFile) and upload.filename:
        data, name = await upload.read(limit + 1), upload.filename
    else:
        text = form.get("text")
        data, name = (text if isinstance(text, str) else "").encode("utf-8"), "pasted notice"
    election_id = str(form.get("election") or "") or None
    lang = console.lang(request)
    try:
        published = _day(form.get("published"), "published")
    except ReviewError as e:
        return listing(console, request, staff, service(lang, e), 400)

    def ingest() -> int | None:
        """Decode, extract and store in one worker thread: seconds of CPU and database work
        for a 2 MB paste, none of it on the event loop that serves public pages and feeds."""
        doc = read_notice_bytes(data, name, max_bytes=limit)
        extracted = extract_document(doc, published=published)
        if time.monotonic() > deadline:
            return None  # the page has given up on this paste: store nothing behind its back
        with console.session() as session:
            result = ingest_notice(
                session=session,
                source=name[:200],
                text=doc.text,
                notices=extracted,
                published=published,
                election_id=election_id,
                actor=f"staff:{staff.username}",
                now=clock(),  # when stored, seconds after the request came in
            )
            session.commit()
            return result.stored[0].id if result.stored else None

    deadline = time.monotonic() + EXTRACT_TIME_LIMIT
    try:
        with anyio.fail_after(EXTRACT_TIME_LIMIT):
            notice_id = await anyio.to_thread.run_sync(ingest, abandon_on_cancel=True)
    except TimeoutError:
        message = said(lang, "too_slow", name=name, seconds=f"{EXTRACT_TIME_LIMIT:.0f}")
        return listing(console, request, staff, message, 400)
    except DeadlinesError as e:
        return listing(console, request, staff, service(lang, e), 400)
    if notice_id is None:
        return listing(console, request, staff, said(lang, "nothing_new", name=name), 400)
    return RedirectResponse(f"/admin/notices/{notice_id}", status_code=303)


def notice_page(
    console: Console,
    request: Request,
    staff: Staff,
    notice_id: int,
    message: Said | None = None,
    status: int = 200,
) -> HTMLResponse:
    with console.session() as session:
        notice = session.get(NoticeRow, notice_id)
        if notice is None:
            return console.error(request, staff, said(console.lang(request), "no_notice", id=notice_id))
        drafts = list(
            session.exec(select(DraftRow).where(DraftRow.notice_id == notice_id).order_by(col(DraftRow.id)))
        )
        elections = list(session.exec(select(ElectionRow).where(ElectionRow.status == "active")))
    text = highlight(notice.content, [(d.id or 0, d.quote) for d in drafts])
    context = {
        "notice": notice,
        "drafts": drafts,
        "text": text,
        "elections": elections,
        "message": message,
    }
    return console.render(request, staff, "notice.html", context, status)


@router.get("/notices/{notice_id}", response_class=HTMLResponse)
def notice(request: Request, console: ConsoleDep, staff: StaffDep, notice_id: int) -> HTMLResponse:
    return notice_page(console, request, staff, notice_id)


@router.post("/drafts/{draft_id}/approve", response_class=HTMLResponse)
def approve(
    request: Request, console: ConsoleDep, now: NowDep, staff: EditorDep, form: Form, draft_id: int
) -> Response:
    actor = f"staff:{staff.username}"
    lang = console.lang(request)
    with console.session() as session:
        draft = session.get(DraftRow, draft_id)
        if draft is None:
            return console.error(request, staff, said(lang, "no_draft", id=draft_id))
        if draft.status == "pending" and draft.outcome == "conflict" and draft.rule and draft.election_id:
            # The notice disagrees with the rule: publishing it is an election override, shown
            # in the same preview as any console edit before anything changes.
            current = dict(current_revision(session, "election", draft.election_id).document)
            overrides = [
                OverrideInput(o.get("rule", ""), o.get("opens", ""), o.get("closes", ""), o.get("reason", ""))
                for o in current.get("overrides", [])
                if o.get("rule") != draft.rule
            ]
            reason = f"notice {draft.notice_id}: {draft.quote[:150]}"
            overrides.append(
                OverrideInput(draft.rule, str(draft.starts or ""), str(draft.ends or ""), reason)
            )
            document = edit_election(
                current,
                day=str(current.get("day", "")),
                anchors=current.get("anchors", {}),
                overrides=overrides,
            )
            try:
                result = preview(
                    session=session, kind="election", key=draft.election_id, document=document, now=now
                )
            except (RuleErrors, RuleError) as e:
                message = said(lang, "cannot_apply", e, id=draft_id)
                return notice_page(console, request, staff, draft.notice_id, message, 400)
            what = say(lang, "what.override", id=draft.election_id, rule=draft.rule, notice=draft.notice_id)
            return render_preview(console, request, staff, result, what, draft=draft_id)
        try:
            done = approve_draft(session=session, draft_id=draft_id, actor=actor, now=now)
        except ReviewError as e:
            return notice_page(console, request, staff, draft.notice_id, service(lang, e), 400)
        notice_id = draft.notice_id
        session.commit()
    console.after_rules_change(now)
    return notice_page(console, request, staff, notice_id, service(lang, done))


@router.post("/drafts/{draft_id}/reject", response_class=HTMLResponse)
def reject(
    request: Request, console: ConsoleDep, now: NowDep, staff: EditorDep, form: Form, draft_id: int
) -> Response:
    lang = console.lang(request)
    with console.session() as session:
        draft = session.get(DraftRow, draft_id)
        if draft is None:
            return console.error(request, staff, said(lang, "no_draft", id=draft_id))
        reject_draft(session=session, draft_id=draft_id, actor=f"staff:{staff.username}", now=now)
        notice_id = draft.notice_id
        session.commit()
    return notice_page(console, request, staff, notice_id, said(lang, "draft_rejected", id=draft_id))


@router.post("/drafts/{draft_id}/edit", response_class=HTMLResponse)
def edit(
    request: Request, console: ConsoleDep, now: NowDep, staff: EditorDep, form: Form, draft_id: int
) -> Response:
    lang = console.lang(request)
    with console.session() as session:
        draft = session.get(DraftRow, draft_id)
        if draft is None:
            return console.error(request, staff, said(lang, "no_draft", id=draft_id))
        notice_id = draft.notice_id
        try:
            edit_draft(
                session=session,
                draft_id=draft_id,
                kind=str(form.get("kind", draft.kind)),
                starts=_day(form.get("starts"), "starts"),
                ends=_day(form.get("ends"), "ends"),
                election_id=str(form.get("election") or "") or None,
                headline=str(form.get("headline") or "")[:300] or None,
                actor=f"staff:{staff.username}",
                now=now,
            )
        except ReviewError as e:
            return notice_page(console, request, staff, notice_id, service(lang, e), 400)
        session.commit()
    return notice_page(console, request, staff, notice_id, said(lang, "draft_saved", id=draft_id))
