"""Console logins: session cookies naming a session held on the server, roles, CSRF on every form."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, HTTPException, Request
from sqlmodel import Session
from starlette.datastructures import FormData

from deadlines.db.staff import session_user
from deadlines.web.security import CSRF_FIELD, check_csrf
from deadlines.web.site import NowDep, SiteDep

SESSION_COOKIE = "staff_session"


@dataclass(frozen=True)
class Staff:
    id: int
    username: str
    role: str

    @property
    def editor(self) -> bool:
        return self.role == "editor"


class LoginRequired(Exception):
    """Turned into a redirect to the login page by the app's exception handler."""

    def __init__(self, next_path: str) -> None:
        self.next_path = next_path


def login_redirect_target(exc: LoginRequired) -> str:
    return f"/admin/login?next={quote(exc.next_path, safe='/')}"


async def form_data(request: Request) -> AsyncIterator[FormData]:
    """The posted form with its CSRF token checked: every console form goes through here.
    Uploaded files are closed (their temporary files removed) when the request is done."""
    form = await request.form()
    try:
        check_csrf(request, form.get(CSRF_FIELD))
        yield form
    finally:
        await form.close()


Form = Annotated[FormData, Depends(form_data)]


def current_staff(request: Request, site: SiteDep, now: NowDep) -> Staff:
    """The staff member whose session cookie this request carries, judged by the site's clock;
    the login page for anyone else."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise LoginRequired(request.url.path)
    with Session(site.engine) as session:
        user = session_user(session=session, token=token, now=now)
    if user is None:
        raise LoginRequired(request.url.path)
    assert user.id is not None
    return Staff(user.id, user.username, user.role)


StaffDep = Annotated[Staff, Depends(current_staff)]


async def current_editor(staff: StaffDep) -> Staff:
    if not staff.editor:
        raise HTTPException(status_code=403, detail="your account may view but not change anything")
    return staff


EditorDep = Annotated[Staff, Depends(current_editor)]
