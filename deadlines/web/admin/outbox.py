"""Console page for email: the outbox by state, relay problems and the bounce brake (resume),
recent failures, suppressed addresses (bring one back), a test send."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import func
from sqlmodel import col, select

from deadlines.adapters import mail_settings, smtp_settings
from deadlines.db.models import OutboxRow, Subscriber
from deadlines.db.service_state import describe, problems
from deadlines.db.voter import done_counts
from deadlines.errors import DeadlinesError
from deadlines.mail.render import MailJob, Renderer
from deadlines.mail.smtp import SENT, Connection
from deadlines.reminders.subscribers import SubscriberError, normalise_email
from deadlines.reminders.suppression import resume_dispatch, unsuppress
from deadlines.web.admin.auth import EditorDep, Form, Staff, StaffDep
from deadlines.web.admin.context import Console, ConsoleDep
from deadlines.web.admin.words import Said, said, service
from deadlines.web.site import NowDep
from deadlines.web.timeline import next_deadlines

router = APIRouter(prefix="/admin", include_in_schema=False)


def page(
    console: Console, request: Request, staff: Staff, message: Said | None = None, status: int = 200
) -> HTMLResponse:
    with console.session() as session:
        counts = session.exec(
            select(OutboxRow.kind, OutboxRow.state, func.count()).group_by(OutboxRow.kind, OutboxRow.state)
        ).all()
        failures = session.exec(
            select(OutboxRow, Subscriber.email)
            .join(Subscriber, col(Subscriber.id) == col(OutboxRow.subscriber_id))
            .where(col(OutboxRow.state).in_(("failed", "retry")))
            .order_by(col(OutboxRow.id).desc())
            .limit(25)
        ).all()
        suppressed = session.exec(
            select(Subscriber)
            .where(Subscriber.status == "suppressed")
            .order_by(col(Subscriber.id).desc())
            .limit(50)
        ).all()
        found = problems(session=session)
        done_marks = done_counts(session=session)
    context = {
        "counts": counts,
        "failures": failures,
        "suppressed": suppressed,
        "done_marks": done_marks,  # "I've done it" marks per deadline
        "message": message,
        "problems": [(p["problem"], describe(p)) for p in found],
    }
    return console.render(request, staff, "outbox.html", context, status)


@router.get("/outbox", response_class=HTMLResponse)
def outbox(request: Request, console: ConsoleDep, staff: StaffDep) -> HTMLResponse:
    return page(console, request, staff)


@router.post("/outbox/resume", response_class=HTMLResponse)
def resume(request: Request, console: ConsoleDep, now: NowDep, staff: EditorDep, form: Form) -> HTMLResponse:
    """Lift the bounce brake's pause (audited under the staff member's name)."""
    with console.session() as session:
        paused = resume_dispatch(session=session, actor=staff.username, now=now)
        session.commit()
    return page(console, request, staff, said(console.lang(request), "resumed" if paused else "not_paused"))


@router.post("/outbox/unsuppress", response_class=HTMLResponse)
def unsuppress_address(
    request: Request, console: ConsoleDep, now: NowDep, staff: EditorDep, form: Form
) -> HTMLResponse:
    """Bring a suppressed address back to active, bounces reset (audited)."""
    lang = console.lang(request)
    try:
        with console.session() as session:
            subscriber = unsuppress(
                session=session,
                email=str(form.get("email", "")),
                actor=staff.username,
                now=now,
            )
            session.commit()
            done = said(lang, "unsuppressed", email=subscriber.email, status=subscriber.status)
    except DeadlinesError as e:
        return page(console, request, staff, service(lang, e), e.status)
    return page(console, request, staff, done)


@router.post("/outbox/test", response_class=HTMLResponse)
async def test_reminder(
    request: Request, console: ConsoleDep, now: NowDep, staff: EditorDep, form: Form
) -> HTMLResponse:
    """Renders a real reminder for the soonest deadline and sends it now, so staff can see the
    message a voter gets and check that the SMTP settings work, without touching the outbox."""
    lang = console.lang(request)
    try:
        address = normalise_email(str(form.get("email", "")))
    except SubscriberError as e:
        return page(console, request, staff, service(lang, e), 400)
    language = "ko" if form.get("language") == "ko" else "en"
    data = console.cache.current()
    upcoming = next_deadlines([i.record for i in data.items], now, count=1)
    if not upcoming:
        return page(console, request, staff, said(lang, "nothing_ahead"), 400)
    record = upcoming[0]
    names = {e.id: e.name for e in data.elections}
    zone = record.timezone
    job = MailJob(
        # Message-IDs of real reminders come from outbox ids; a test's from the clock.
        outbox_id=int(now.timestamp() * 1000),
        kind="reminder",
        trigger="P1D",
        email=address,
        language=language,
        zone=zone,
        subscriber_id=0,
        record=record,
        election_name=names[record.election_id][language],
        close_at=record.closing_instant(zone),
    )
    renderer = Renderer(mail_settings(console.settings))
    message = renderer.render(job, now)
    connection = Connection(smtp_settings(console.settings))
    try:
        outcome = await connection.send(renderer.sender_address, address, message)
    finally:
        await connection.close()
    if outcome.status != SENT:
        return page(console, request, staff, said(lang, "not_sent", outcome.detail, email=address), 502)
    return page(console, request, staff, said(lang, "test_sent", email=address, id=record.id))
