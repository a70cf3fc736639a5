"""Which language a page behind an email link speaks when the link no longer works (a confirm
link opened twice): the language of the subscriber a genuine link was made for, else the
visitor's own."""

from __future__ import annotations

from fastapi import Request
from sqlmodel import Session

from deadlines.reminders.subscribers import token_owner
from deadlines.tokens import TokenError
from deadlines.web.pages import language
from deadlines.web.site import Site

# The first segment of a link's path names what its token was signed for.
PURPOSES = {
    "confirm": "confirm",
    "unsubscribe": "unsubscribe",
    "preferences": "preferences",
    "done": "done",
}


def link_language(site: Site, request: Request) -> str:
    """Only a token whose signature checks out tells the language: a forged one says nothing
    about who is subscribed."""
    purpose = PURPOSES.get(request.url.path.strip("/").partition("/")[0])
    token = request.path_params.get("token")
    if purpose is None or not isinstance(token, str):
        return language(request)
    try:
        with Session(site.engine) as session:
            subscriber, _ = token_owner(
                session=session,
                secret=site.settings.secret_key,
                purpose=purpose,
                token=token,
                now=site.clock(),
            )
            return subscriber.language
    except TokenError:
        return language(request)
