"""One typed settings object, read from ``AGORA_*`` environment variables (and ``.env``)."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

INSTANCE_DIR = Path("instance")


class Settings(BaseSettings):
    """Every setting Agora reads; each one is documented in ``docs/configuration.md``."""

    model_config = SettingsConfigDict(
        env_prefix="AGORA_", env_file=".env", extra="ignore", validate_default=True
    )

    environment: Literal["development", "production"] = Field(
        "development",
        description="`production` refuses to start without a real secret key.",
    )
    database_url: str = Field(
        f"sqlite:///{INSTANCE_DIR / 'agora.db'}",
        description="SQLAlchemy URL of the database; SQLite under ./instance/ by default, "
        "PostgreSQL as postgresql+psycopg://user@host:5432/name.",
    )
    secret_key: str = Field(
        "",
        description="Key that signs participant and moderator cookies. Empty in development "
        "means: generate one and keep it in ./instance/secret_key.",
    )
    host: str = Field("127.0.0.1", description="Address `agora serve` listens on.")
    port: int = Field(8000, ge=1, le=65535, description="Port `agora serve` listens on.")
    workers: int = Field(
        1,
        ge=1,
        le=64,
        description="Processes `agora serve` starts on one port; more than one needs "
        "broker `redis`.",
    )
    public_url: str = Field(
        "",
        description="Address participants use to reach Agora (for links and QR codes), "
        "e.g. https://agora.example.org. Empty: taken from each request.",
    )
    default_language: str = Field(
        "en", description="Language of pages when neither the event nor the browser sets one."
    )
    broker: Literal["memory", "redis"] = Field(
        "memory",
        description="How live updates travel between processes: `memory` for one process, "
        "`redis` when several processes serve the same events.",
    )
    redis_url: str = Field(
        "redis://127.0.0.1:6379/0", description="Redis server used when broker is `redis`."
    )
    redis_prefix: str = Field(
        "agora",
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9_.:-]+$",
        description="What this Agora's names in Redis start with: the live channel "
        "`<prefix>:live` and the rate limits' keys `<prefix>:limits`. Two Agoras sharing "
        "one Redis need different prefixes.",
    )
    commit_batch_size: int = Field(
        500, ge=1, le=10_000, description="Most responses written in one database transaction."
    )
    live_interval_ms: int = Field(
        200,
        ge=20,
        le=5_000,
        description="Shortest time between two live updates of one event (coalescing "
        "window); a busy event's window stretches to twice its last fan-out, at most 2 s.",
    )
    rate_limits: bool = Field(
        True,
        description="Refuse floods with 429: per participant (answers, questions, upvotes, "
        "floor requests, takeaways) and per address (registrations, sign-in, code guessing).",
    )
    knowledge_public: bool = Field(
        False,
        description="Whether anyone may read the knowledge base (directory, actors, "
        "cooperations, search, map); by default only signed-in organisers may. Writing "
        "always needs an organiser.",
    )
    retention_days: int = Field(
        90,
        ge=1,
        le=36500,
        description="Days after an event's last day that its personal data is kept; then "
        "the retention purge anonymises it (an event's settings may say otherwise).",
    )
    retention_interval_hours: float = Field(
        6.0,
        ge=0,
        le=24 * 7,
        description="Hours between two retention purges the server runs by itself (the first "
        "at start); 0: only `agora purge` purges.",
    )
    max_body_bytes: int = Field(
        256 * 1024,
        ge=16 * 1024,
        le=64 * 1024 * 1024,
        description="Largest request body a route accepts (413 beyond), checked while reading.",
    )
    max_upload_bytes: int = Field(
        3 * 1024 * 1024,
        ge=64 * 1024,
        le=1024 * 1024 * 1024,
        description="Largest form upload (the registration import), checked while reading.",
    )
    replay_buffer: int = Field(
        512,
        ge=16,
        le=100_000,
        description="Live messages kept per event for clients reconnecting with Last-Event-ID.",
    )
    heartbeat_s: float = Field(
        15.0, gt=0, le=300, description="Seconds between keep-alive comments on live streams."
    )
    signup: Literal["open", "closed"] = Field(
        "closed",
        description="`open`: anyone may create an organiser account at /signup (the address is "
        "confirmed by a link); `closed`: accounts come from `agora organiser create`.",
    )
    smtp_host: str = Field(
        "",
        description="Mail server for password and invitation links. Empty: links are written "
        "to the server's log instead of being e-mailed.",
    )
    smtp_port: int = Field(587, ge=1, le=65535, description="Port of the mail server.")
    smtp_tls: Literal["starttls", "ssl", "none"] = Field(
        "starttls",
        description="How the connection to the mail server is encrypted: `starttls` (port 587), "
        "`ssl` (port 465) or `none` (a relay on the same machine only).",
    )
    smtp_user: str = Field("", description="User name at the mail server; empty: no sign-in.")
    smtp_password: str = Field("", description="Password at the mail server.")
    smtp_sender: str = Field(
        "",
        description="From address of Agora's e-mails, e.g. `Agora <agora@example.org>`; "
        "required with a mail server.",
    )

    @model_validator(mode="after")
    def _refuse_missing_secret_in_production(self) -> Settings:
        if self.environment == "production" and len(self.secret_key) < 32:
            raise ValueError(
                "AGORA_SECRET_KEY must be set to at least 32 random characters in production"
            )
        return self

    @model_validator(mode="after")
    def _refuse_mail_server_without_sender(self) -> Settings:
        if self.smtp_host and not self.smtp_sender:
            raise ValueError("AGORA_SMTP_SENDER must be set when AGORA_SMTP_HOST is")
        return self

    @property
    def is_sqlite(self) -> bool:
        """Whether the configured database is SQLite."""
        return self.database_url.startswith("sqlite")

    def signing_key(self) -> str:
        """Return the secret key, creating a development key under ./instance/ if none is set."""
        if self.secret_key:
            return self.secret_key
        path = INSTANCE_DIR / "secret_key"
        if path.exists():
            return path.read_text().strip()
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        path.write_text(key)
        path.chmod(0o600)
        return key


@lru_cache
def get_settings() -> Settings:
    """Return the process-wide settings read from the environment."""
    return Settings()
