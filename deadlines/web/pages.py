"""Renders the HTML pages: language, CSRF token and cookies handled once for every template."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from deadlines.feeds.text import AUDIENCE_NAMES
from deadlines.lang_marks import marked
from deadlines.records import LANGUAGES
from deadlines.settings import Settings
from deadlines.web.audience import AUDIENCE_COOKIE
from deadlines.web.i18n import LANG_COOKIE, negotiate, words
from deadlines.web.pagecache import TOKEN_PLACEHOLDER, PageCache, page_key
from deadlines.web.security import CSRF_COOKIE, CSRF_FIELD, csrf_token

TEMPLATES = Path(__file__).resolve().parent / "templates"
YEAR = 365 * 24 * 3600


def language(request: Request) -> str:
    return negotiate(
        request.query_params.get("lang"),
        request.cookies.get(LANG_COOKIE),
        request.headers.get("accept-language"),
    )


def switch_url(request: Request, lang: str) -> str:
    params = dict(request.query_params)
    params["lang"] = "ko" if lang == "en" else "en"
    return f"{request.url.path}?{urlencode(params)}"


class Pages:
    def __init__(self, settings: Settings, cache: PageCache | None = None) -> None:
        self.settings = settings
        self.templates = Jinja2Templates(directory=str(TEMPLATES))
        self.templates.env.filters["marked"] = marked
        self.cache = cache

    def render(
        self,
        request: Request,
        name: str,
        context: dict[str, Any] | None = None,
        status: int = 200,
        lang: str | None = None,
        cache_zone: str | bool | None = False,
    ) -> HTMLResponse:
        """`lang` overrides the negotiated language (the one a visitor just chose in a form).
        `cache_zone` (the visitor's zone, or None for the official one) marks a page that is the
        same for every visitor of that language and zone: it is kept in the page cache."""
        lang = lang if lang in LANGUAGES else language(request)
        token = csrf_token(request)
        if cache_zone is not False and self.cache is not None and not request.url.query:
            zone = cache_zone if isinstance(cache_zone, str) else None
            path = request.headers.get("host", "") + request.url.path  # as PageFront keys it
            key = page_key(path, lang, zone, request.cookies.get(AUDIENCE_COOKIE))
            body = self._body(request, name, lang, TOKEN_PLACEHOLDER, context)
            self.cache.put(key, body.encode(), status)
            response = HTMLResponse(body.replace(TOKEN_PLACEHOLDER, token), status_code=status)
        else:
            response = HTMLResponse(self._body(request, name, lang, token, context), status_code=status)
        response.headers["cache-control"] = "no-store" if name.startswith("admin/") else "private, max-age=0"
        response.headers["vary"] = "Accept-Language, Cookie"
        secure = self.settings.cookie_secure
        if request.query_params.get("lang") == lang:
            response.set_cookie(LANG_COOKIE, lang, max_age=YEAR, secure=secure, httponly=True, samesite="lax")
        if getattr(request.state, "new_csrf", None) == token:
            response.set_cookie(CSRF_COOKIE, token, secure=secure, httponly=True, samesite="lax")
        return response

    def _body(
        self, request: Request, name: str, lang: str, token: str, context: dict[str, Any] | None
    ) -> str:
        full = {
            "lang": lang,
            "t": words(lang),
            "audience_names": AUDIENCE_NAMES[lang],
            "switch_url": switch_url(request, lang),
            "csrf_field": CSRF_FIELD,
            "csrf_token": token,
            "request": request,
            **(context or {}),
        }
        return self.templates.get_template(name).render(full)

    def message(
        self,
        request: Request,
        status: int,
        kind: str,
        *,
        text: str | None = None,
        lang: str | None = None,
        **extra: Any,
    ) -> HTMLResponse:
        """A one-message page: the title is the word `kind`, the text `text` or the word
        `kind_text`, in `lang` or the visitor's language."""
        return self.render(request, "message.html", {"kind": kind, "text": text, **extra}, status, lang=lang)
