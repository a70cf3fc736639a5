"""The site's own address for the links it makes: `DEADLINES_BASE_URL` when it is set (always
in production), else, in development, the address the request came to (scheme, host, port),
so `deadlines serve --port 8123` links to port 8123 without configuration."""

from __future__ import annotations

from fastapi import Request

from deadlines.settings import Settings


def configured(settings: Settings) -> bool:
    """Whether the links follow the setting: it was given, or this is not development."""
    return settings.environment != "development" or "base_url" in settings.model_fields_set


def base_url(request: Request, settings: Settings) -> str:
    if configured(settings):
        return settings.base_url.rstrip("/")
    return f"{request.url.scheme}://{request.url.netloc}"
