"""Typed settings read from the environment (prefix DEADLINES_), validated at load."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from deadlines.errors import ConfigError

DEV_SECRET = "dev-secret-change-me"


class Settings(BaseSettings):
    """Every option has a default that works on a laptop; see the README's settings table."""

    model_config = SettingsConfigDict(env_prefix="DEADLINES_", extra="ignore")

    environment: str = Field(
        "development", description="development, test or production; production refuses unsafe defaults."
    )
    database_url: str = Field(
        "sqlite:///deadlines.db",
        description="SQLAlchemy URL; a SQLite file by default, postgresql://... for scale-out.",
    )
    rules_dir: Path = Field(Path("rules"), description="Directory of rule files (*.toml).")
    calendars_dir: Path = Field(Path("calendars"), description="Where published feeds are written.")
    base_url: str = Field("http://127.0.0.1:8000", description="Public URL of the site, for links.")
    secret_key: str = Field(DEV_SECRET, description="Signs tokens and sessions; set it in production.")
    max_notice_bytes: int = Field(
        2_000_000, description="Largest notice accepted by extract and ingest, in bytes.", gt=0
    )
    actor: str = Field("cli", description="Name recorded in the audit log for command-line changes.")
    uid_domain: str = Field(
        "deadlines.invalid",
        description="Domain part of feed event UIDs; never change it once feeds are published.",
    )
    feed_ttl_hours: float = Field(
        12, description="How often calendar clients should refresh a feed (REFRESH-INTERVAL).", gt=0
    )
    cancelled_retention_days: int = Field(
        90, description="Days a cancelled deadline stays in feeds as STATUS:CANCELLED.", ge=0
    )
    feed_refresh_seconds: float = Field(
        5, description="How often a web process checks the database for changed feeds.", gt=0
    )
    feed_cache_seconds: int = Field(
        300, description="Cache-Control max-age of feed responses, in seconds.", ge=0
    )

    @field_validator("environment")
    @classmethod
    def _known_environment(cls, value: str) -> str:
        if value not in ("development", "test", "production"):
            raise ValueError(f"expected development, test or production, got {value!r}")
        return value

    @model_validator(mode="after")
    def _refuse_insecure(self) -> Settings:
        if self.environment == "production" and self.secret_key == DEV_SECRET:
            raise ValueError("DEADLINES_SECRET_KEY must be set in production")
        return self


def load_settings(**overrides: object) -> Settings:
    """Build settings from the environment, turning validation errors into one-line ConfigErrors."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as e:
        first = e.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "settings"
        name = f"DEADLINES_{field.upper()}" if first["loc"] else "settings"
        raise ConfigError(f"invalid setting {name}: {first['msg']}") from e
