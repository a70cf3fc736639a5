"""The pages behind the links in every email: confirm, unsubscribe (with RFC 8058 one-click)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy import Engine
from sqlmodel import Session

from deadlines.reminders.subscribers import confirm, unsubscribe
from deadlines.tokens import TokenError, read_token


def links_router(engine: Engine, secret: str, templates: Jinja2Templates) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    def page(request: Request, status: int, **context: Any) -> HTMLResponse:
        return templates.TemplateResponse(request, "message.html", context, status_code=status)

    @router.get("/confirm/{token}", response_class=HTMLResponse)
    def confirm_page(request: Request, token: str) -> HTMLResponse:
        try:
            with Session(engine) as session:
                subscriber = confirm(session=session, secret=secret, token=token, now=datetime.now(UTC))
                session.commit()
                korean = subscriber.language == "ko"
        except TokenError as e:
            return page(request, 400, title="Link not valid", text=str(e))
        title = "신청이 확인되었습니다" if korean else "Your reminders are on"
        text = "마감 전에 알림 메일을 보내 드립니다." if korean else "We will email you before each deadline."
        return page(request, 200, title=title, text=text)

    @router.get("/unsubscribe/{token}", response_class=HTMLResponse)
    def unsubscribe_page(request: Request, token: str) -> HTMLResponse:
        try:
            read_token(secret, "unsubscribe", token, datetime.now(UTC))
        except TokenError as e:
            return page(request, 400, title="Link not valid", text=str(e))
        # A GET never changes anything (mail scanners follow links); the button POSTs.
        return page(
            request,
            200,
            title="Stop all reminders?",
            text="One click and we will not email you again.",
            action=f"/unsubscribe/{token}",
            button="Unsubscribe",
        )

    @router.post("/unsubscribe/{token}")
    def unsubscribe_post(request: Request, token: str) -> Response:
        """Both the page's button and RFC 8058 one-click POSTs (`List-Unsubscribe=One-Click`)."""
        try:
            with Session(engine) as session:
                unsubscribe(session=session, secret=secret, token=token, now=datetime.now(UTC))
                session.commit()
        except TokenError as e:
            return page(request, 400, title="Link not valid", text=str(e))
        return page(request, 200, title="Unsubscribed", text="You will get no more reminders from us.")

    return router
