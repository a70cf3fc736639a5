"""The API documentation pages (/docs, /redoc), served with their scripts from this site.

FastAPI's own pages load Swagger UI and ReDoc from a CDN, which the site's policy
(`script-src 'self'`) blocks, so they came up blank. Here the same pages load the copies the
fastapi-offline package ships (Swagger UI and ReDoc under their own licences), and carry a policy
of their own: still scripts from this site only, plus the one inline script that starts Swagger
UI (allowed by its hash, not by 'unsafe-inline'), the inline styles both tools write, and the
blob: workers ReDoc starts.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = Path(fastapi_offline.__file__).resolve().parent / "static"
ASSETS_URL = "/static/apidocs"
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)


def _policy(inline_scripts: list[str]) -> str:
    hashes = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'" for s in inline_scripts
    )
    return (
        f"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        f"script-src 'self' {hashes}".rstrip()
        + "; worker-src 'self' blob:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    )


def _page(html: HTMLResponse) -> tuple[str, dict[str, str]]:
    body = bytes(html.body).decode()
    return body, {"content-security-policy": _policy(_INLINE_SCRIPT.findall(body))}


def add_api_docs(app: FastAPI) -> None:
    """Adds /docs and /redoc; the app must be built with docs_url=None and redoc_url=None."""
    openapi_url = app.openapi_url or "/openapi.json"
    app.mount(ASSETS_URL, StaticFiles(directory=str(ASSETS)), name="apidocs")
    swagger = _page(
        get_swagger_ui_html(
            openapi_url=openapi_url,
            title=f"{app.title}: API",
            swagger_js_url=f"{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS_URL}/favicon.png",
        )
    )
    redoc = _page(
        get_redoc_html(
            openapi_url=openapi_url,
            title=f"{app.title}: API",
            redoc_js_url=f"{ASSETS_URL}/redoc.standalone.js",
            redoc_favicon_url=f"{ASSETS_URL}/favicon.png",
            with_google_fonts=False,
        )
    )

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(swagger[0], headers=swagger[1])

    @app.get("/redoc", include_in_schema=False)
    def redoc_page() -> HTMLResponse:
        return HTMLResponse(redoc[0], headers=redoc[1])
