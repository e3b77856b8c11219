"""Settings: every one is documented in docs/configuration.md, and production needs a real key."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from agora.core.settings import Settings

DOC = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"


def documented_rows() -> dict[str, str]:
    """Return each setting row of the table in docs/configuration.md, by environment variable."""
    rows: dict[str, str] = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\|\s*`(AGORA_[A-Z0-9_]+)`\s*\|", line)
        if match:
            rows[match.group(1)] = line
    return rows


@pytest.fixture(autouse=True)
def no_agora_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the machine's AGORA_* variables out of these tests."""
    for name in list(os.environ):
        if name.startswith("AGORA_"):
            monkeypatch.delenv(name)


@pytest.mark.parametrize("name", list(Settings.model_fields))
def test_every_setting_is_documented_with_its_default(name: str) -> None:
    rows = documented_rows()
    variable = f"AGORA_{name.upper()}"

    assert variable in rows, f"{variable} is missing from the table in docs/configuration.md"
    default = Settings.model_fields[name].default
    shown = "*(empty)*" if default == "" else f"`{default}`"
    cells = [cell.strip() for cell in rows[variable].strip("|").split("|")]
    assert cells[1] == shown, f"{variable}: the documented default is not {shown}"
    assert cells[2], f"{variable} has no description"
    assert Settings.model_fields[name].description, f"{name} has no description in the code"


def test_documentation_lists_no_setting_that_does_not_exist() -> None:
    known = {f"AGORA_{name.upper()}" for name in Settings.model_fields}

    assert set(documented_rows()) - known == set()


def test_documentation_explains_the_database_and_the_secret_key() -> None:
    text = DOC.read_text(encoding="utf-8")

    assert "## Database" in text
    assert "## Secret key" in text
    assert "./instance/" in text
    assert "postgresql+psycopg://user@host:5432/name" in text
    assert "agora db upgrade" in text


def test_settings_work_without_any_configuration() -> None:
    settings = Settings(_env_file=None)

    assert settings.environment == "development"
    assert settings.database_url == "sqlite:///instance/agora.db"
    assert settings.is_sqlite


def test_settings_are_read_from_agora_environment_variables(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AGORA_PORT", "8123")
    monkeypatch.setenv("AGORA_DATABASE_URL", "postgresql+psycopg://agora@db:5432/agora")

    settings = Settings(_env_file=None)

    assert settings.port == 8123
    assert not settings.is_sqlite


@pytest.mark.parametrize("key", ["", "short", "x" * 31])
def test_production_refuses_a_short_secret_key(key: str) -> None:
    with pytest.raises(ValidationError, match="AGORA_SECRET_KEY must be set to at least 32"):
        Settings(environment="production", secret_key=key, _env_file=None)


def test_production_accepts_a_long_secret_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGORA_ENVIRONMENT", "production")
    monkeypatch.setenv("AGORA_SECRET_KEY", "k" * 32)

    settings = Settings(_env_file=None)

    assert settings.signing_key() == "k" * 32


@pytest.mark.parametrize(
    ("name", "value"),
    [("port", 0), ("commit_batch_size", 0), ("live_interval_ms", 5), ("heartbeat_s", 0)],
)
def test_out_of_range_setting_is_refused_by_name(name: str, value: int) -> None:
    overrides: dict[str, Any] = {name: value}

    with pytest.raises(ValidationError, match=name):
        Settings(_env_file=None, **overrides)
