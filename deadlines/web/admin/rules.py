"""Console pages for the live rules: view, edit an election or a rule, preview, publish, revert."""

import json
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from deadlines.db.confirm import confirm_election_day
from deadlines.db.review import approve_draft
from deadlines.db.revisions import (
    Preview,
    StaleRevision,
    current_revision,
    history,
    live_documents,
    preview,
    publish,
    revision_document,
)
from deadlines.db.rulesync import latest_revisions, live_rulebook
from deadlines.errors import NotFound, RuleError, RuleErrors
from deadlines.rules.edit import RULE_FORM_FIELDS, OverrideInput, edit_election, edit_rule, field_errors
from deadlines.web.admin.auth import EditorDep, Form, Staff, StaffDep
from deadlines.web.admin.context import Console, ConsoleDep
from deadlines.web.admin.words import Said, report_text, said, say, service
from deadlines.web.security import FLASH_COOKIE, read_flash
from deadlines.web.site import NowDep

ELECTION_FIELDS = ("day", "anchors", "overrides")
KINDS = ("election", "ruleset")


def _text(form: Any, name: str) -> str:
    value = form.get(name, "")
    return value if isinstance(value, str) else ""


def render_preview(
    console: Console,
    request: Request,
    staff: Staff,
    result: Preview,
    what: str,
    action: str = "edit",
    draft: int | None = None,
) -> HTMLResponse:
    context = {
        "preview": result,
        "document_json": json.dumps(result.document, ensure_ascii=False),
        "what": what,
        "action": action,
        "draft": draft,
    }
    return console.render(request, staff, "preview.html", context)


router = APIRouter(prefix="/admin", include_in_schema=False)


@router.get("/rules", response_class=HTMLResponse)
def rules_index(request: Request, console: ConsoleDep, staff: StaffDep) -> HTMLResponse:
    with console.session() as session:
        latest = {k: v for k, v in latest_revisions(session).items() if not v.removed}
        book = live_rulebook(session=session)
    context = {"book": book, "latest": latest}
    return console.render(request, staff, "rules.html", context)


def election_form(
    console: Console,
    request: Request,
    staff: Staff,
    election_id: str,
    document: dict[str, Any],
    errors: dict[str, str],
    status: int = 200,
) -> HTMLResponse:
    with console.session() as session:
        docs = live_documents(session)
        book = live_rulebook(session=session)
    live = book.elections.get(election_id) if book else None
    ruleset_id = document.get("ruleset")
    ruleset = docs.get(("ruleset", str(ruleset_id)), ({}, None))[0]
    context = {
        "election_id": election_id,
        "doc": document,
        "anchor_names": ruleset.get("ruleset", {}).get("anchors", []),
        "rule_ids": [r.get("id") for r in ruleset.get("rule", [])],
        "overrides": [*document.get("overrides", []), {}],
        "errors": errors,
        "provisional": live is not None and live.provisional,
        "computed_day": live.day if live is not None else None,
        "day_steps": live.day_steps if live is not None else (),
    }
    return console.render(request, staff, "election_edit.html", context, status)


@router.get("/elections/{election_id}", response_class=HTMLResponse)
def election_edit(request: Request, console: ConsoleDep, staff: StaffDep, election_id: str) -> HTMLResponse:
    with console.session() as session:
        try:
            document = dict(current_revision(session, "election", election_id).document)
        except NotFound as e:
            return console.error(request, staff, service(console.lang(request), e))
    return election_form(console, request, staff, election_id, document, {})


@router.post("/elections/{election_id}/preview", response_class=HTMLResponse)
def election_preview(
    request: Request, console: ConsoleDep, now: NowDep, staff: EditorDep, form: Form, election_id: str
) -> HTMLResponse:
    with console.session() as session:
        try:
            current = dict(current_revision(session, "election", election_id).document)
        except NotFound as e:
            return console.error(request, staff, service(console.lang(request), e))
        anchors = {
            k.removeprefix("anchor."): _text(form, k)
            for k in form
            if isinstance(k, str) and k.startswith("anchor.")
        }
        rows = len(form.getlist("override_rule"))
        overrides = [
            OverrideInput(
                rule=_at(form, "override_rule", i),
                opens=_at(form, "override_opens", i),
                closes=_at(form, "override_closes", i),
                reason=_at(form, "override_reason", i),
            )
            for i in range(rows)
        ]
        document = edit_election(current, day=_text(form, "day"), anchors=anchors, overrides=overrides)
        try:
            result = preview(
                session=session,
                kind="election",
                key=election_id,
                document=document,
                now=now,
            )
        except (RuleErrors, RuleError) as e:
            return election_form(
                console, request, staff, election_id, document, field_errors(e, ELECTION_FIELDS), 400
            )
    what = say(console.lang(request), "what.election", id=election_id)
    return render_preview(console, request, staff, result, what)


@router.get("/rulesets/{ruleset_id}/rules/{rule_id}", response_class=HTMLResponse)
def rule_edit(
    request: Request, console: ConsoleDep, staff: StaffDep, ruleset_id: str, rule_id: str
) -> HTMLResponse:
    with console.session() as session:
        try:
            document = dict(current_revision(session, "ruleset", ruleset_id).document)
        except NotFound as e:
            return console.error(request, staff, service(console.lang(request), e))
    rule = next((r for r in document.get("rule", []) if r.get("id") == rule_id), None)
    if rule is None:
        message = said(console.lang(request), "no_rule", rule=rule_id, ruleset=ruleset_id)
        return console.error(request, staff, message)
    return rule_form(console, request, staff, ruleset_id, rule, {})


def rule_form(
    console: Console,
    request: Request,
    staff: Staff,
    ruleset_id: str,
    rule: dict[str, Any],
    errors: dict[str, str],
    status: int = 200,
) -> HTMLResponse:
    context = {"ruleset_id": ruleset_id, "rule": rule, "errors": errors}
    return console.render(request, staff, "rule_edit.html", context, status)


@router.post("/rulesets/{ruleset_id}/rules/{rule_id}/preview", response_class=HTMLResponse)
def rule_preview(
    request: Request,
    console: ConsoleDep,
    now: NowDep,
    staff: EditorDep,
    form: Form,
    ruleset_id: str,
    rule_id: str,
) -> HTMLResponse:
    values = {name: _text(form, name) for name in RULE_FORM_FIELDS if name in form}
    lang = console.lang(request)
    with console.session() as session:
        try:
            current = dict(current_revision(session, "ruleset", ruleset_id).document)
            document = edit_rule(current, rule_id, values)
        except (NotFound, RuleErrors) as e:
            return console.error(request, staff, service(lang, e))
        try:
            result = preview(session=session, kind="ruleset", key=ruleset_id, document=document, now=now)
        except (RuleErrors, RuleError) as e:
            rule = next(r for r in document["rule"] if r.get("id") == rule_id)
            errors = field_errors(e, ("opens", "closes", "on", "hours", "title", "citation"))
            return rule_form(console, request, staff, ruleset_id, rule, errors, 400)
    return render_preview(
        console, request, staff, result, say(lang, "what.rule", rule=rule_id, ruleset=ruleset_id)
    )


@router.post("/publish", response_class=HTMLResponse)
def publish_revision(
    request: Request, console: ConsoleDep, now: NowDep, staff: EditorDep, form: Form
) -> Response:
    kind, key = _text(form, "kind"), _text(form, "key")
    lang = console.lang(request)
    try:
        document = json.loads(_text(form, "document"))
        base = int(_text(form, "base_revision"))
    except ValueError:
        return console.error(request, staff, said(lang, "damaged"), 400)
    if kind not in KINDS or not isinstance(document, dict):
        return console.error(request, staff, said(lang, "unknown_kind", kind=kind), 400)
    action = "revert" if _text(form, "action") == "revert" else "edit"
    with console.session() as session:
        try:
            revision, changes = publish(
                session=session,
                kind=kind,
                key=key,
                document=document,
                base_revision=base,
                actor=f"staff:{staff.username}",
                now=now,
                action=action,
            )
        except StaleRevision as e:
            return console.error(request, staff, service(lang, e), 409)
        except NotFound as e:
            return console.error(request, staff, service(lang, e))
        except (RuleErrors, RuleError) as e:
            return console.error(request, staff, service(lang, e), 400)
        draft = _text(form, "draft")
        if draft.isdigit():
            approve_draft(session=session, draft_id=int(draft), actor=f"staff:{staff.username}", now=now)
        session.commit()
    report = console.after_rules_change(now)
    note = say(lang, "published_note", rev=revision, n=len(changes), report=report_text(lang, report))
    return console.redirect_with_note(f"/admin/history/{kind}/{key}?published={revision}", note)


@router.post("/elections/{election_id}/confirm", response_class=HTMLResponse)
def election_confirm(
    request: Request, console: ConsoleDep, now: NowDep, staff: EditorDep, form: Form, election_id: str
) -> Response:
    """Confirm a provisional (computed) election day as shown on the edit page; then the same
    follow-up as a publish: re-plan, corrections, feeds, cache."""
    shown = _text(form, "day")
    lang = console.lang(request)
    with console.session() as session:
        book = live_rulebook(session=session)
        election = book.elections.get(election_id) if book else None
        if election is None:
            return console.error(request, staff, said(lang, "no_live_election", id=election_id))
        if not election.provisional:
            return console.error(request, staff, said(lang, "already_confirmed", id=election_id), 409)
        if shown != election.day.isoformat():
            shown_text = shown or say(lang, "blank")
            message = said(lang, "day_moved", id=election_id, day=election.day, shown=shown_text)
            return console.error(request, staff, message, 409)
        try:
            day, changes = confirm_election_day(
                session=session,
                election_id=election_id,
                day=date.fromisoformat(shown),
                actor=f"staff:{staff.username}",
                now=now,
            )
        except NotFound as e:
            return console.error(request, staff, service(lang, e))
        except (RuleErrors, RuleError) as e:
            return console.error(request, staff, service(lang, e), 400)
        session.commit()
    report = console.after_rules_change(now)
    note = say(
        lang, "confirmed_note", day=day, id=election_id, n=len(changes), report=report_text(lang, report)
    )
    return console.redirect_with_note(f"/admin/history/election/{election_id}", note)


@router.get("/history/{kind}/{key}", response_class=HTMLResponse)
def revisions(request: Request, console: ConsoleDep, staff: StaffDep, kind: str, key: str) -> HTMLResponse:
    lang = console.lang(request)
    if kind not in KINDS:
        return console.error(request, staff, said(lang, "unknown_kind", kind=kind))
    with console.session() as session:
        rows = history(session=session, kind=kind, key=key)
    if not rows:
        return console.error(
            request, staff, said(lang, "no_history", kind=say(lang, f"kind.{kind}"), key=key)
        )
    # The note was written in the language of the page that published, the same staff member's.
    flash = read_flash(console.settings.secret_key, request.cookies.get(FLASH_COOKIE))
    note = Said(flash, lang) if flash else None
    response = console.render(
        request, staff, "history.html", {"kind": kind, "key": key, "rows": rows, "note": note}
    )
    if FLASH_COOKIE in request.cookies:
        response.delete_cookie(
            FLASH_COOKIE, path="/admin", secure=console.settings.cookie_secure, httponly=True
        )
    return response


@router.post("/history/{kind}/{key}/{revision}/preview", response_class=HTMLResponse)
def revert_preview(
    request: Request,
    console: ConsoleDep,
    now: NowDep,
    staff: EditorDep,
    form: Form,
    kind: str,
    key: str,
    revision: int,
) -> HTMLResponse:
    lang = console.lang(request)
    if kind not in KINDS:
        return console.error(request, staff, said(lang, "unknown_kind", kind=kind))
    with console.session() as session:
        try:
            document = revision_document(session=session, kind=kind, key=key, revision=revision)
            result = preview(session=session, kind=kind, key=key, document=document, now=now)
        except NotFound as e:
            return console.error(request, staff, service(lang, e))
        except (RuleErrors, RuleError) as e:
            return console.error(request, staff, said(lang, "revision_misfits", e, revision=revision), 400)
    what = say(lang, "what.revert", kind=say(lang, f"kind.{kind}"), key=key, revision=revision)
    return render_preview(console, request, staff, result, what, action="revert")


def _at(form: Any, name: str, index: int) -> str:
    values = form.getlist(name)
    value = values[index] if index < len(values) else ""
    return value if isinstance(value, str) else ""
