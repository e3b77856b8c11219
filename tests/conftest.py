"""Fixtures shared by every test: databases (SQLite and PostgreSQL), the app, factories."""

from __future__ import annotations

import datetime as dt
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from agora.app import create_app
from agora.core.db import Base, Database
from agora.core.migrate import upgrade
from agora.core.settings import Settings
from agora.events.models import Event
from agora.events.services import create_event
from agora.polls.kinds import QuestionKind
from agora.polls.models import Poll
from agora.polls.schemas import PollIn, QuestionIn
from agora.polls.services import create_poll, open_poll
from tests.services import postgres_answers, redis_answers, throwaway_postgres, throwaway_redis

#: The browser fixtures (a live server, Debian's Chromium) serve every package's tests.
pytest_plugins = ["tests.browser"]


class TestServices(BaseSettings):
    """Where the test suite finds the machine's services (override with AGORA_TEST_*)."""

    __test__ = False
    model_config = SettingsConfigDict(env_prefix="AGORA_TEST_")

    postgres_url: str = Field(
        "postgresql+psycopg://postgres@127.0.0.1:5432/test",
        description="A PostgreSQL database the suite may use to create its own database.",
    )
    redis_url: str = Field(
        "redis://127.0.0.1:6379/0", description="The Redis server of the broker tests."
    )


SERVICES = TestServices()
SECRET = "test-secret-key-that-is-long-enough-for-production-use"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (migrating once keeps the suite fast)."""
    path = tmp_path_factory.mktemp("template") / "agora.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The admin URL of a PostgreSQL server: the machine's, or a throwaway one."""
    if postgres_answers(SERVICES.postgres_url):
        yield SERVICES.postgres_url
        return
    with throwaway_postgres() as url:
        yield url


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """The URL of a Redis server: the machine's, or a throwaway one."""
    if redis_answers(SERVICES.redis_url):
        yield SERVICES.redis_url
        return
    with throwaway_redis() as url:
        yield url


@pytest.fixture(scope="session")
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A fresh PostgreSQL database for this test run, migrated, dropped at the end."""
    admin_url = make_url(postgres_server)
    name = f"agora_test_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin_url.set(database=name).render_as_string(hide_password=False)
    upgrade(url)
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def truncate(url: str) -> None:
    """Empty every table of the PostgreSQL database at ``url`` (ids start again at 1)."""
    engine = create_engine(url)
    with engine.begin() as connection:
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path
) -> Iterator[str]:
    """The URL of an empty, migrated database: each test runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        path = tmp_path / "agora.db"
        shutil.copy(sqlite_template, path)
        yield f"sqlite:///{path}"
    else:
        url: str = request.getfixturevalue("postgres_url")
        truncate(url)
        yield url


@pytest.fixture
def settings(database_url: str) -> Settings:
    """Settings of a test app: its own database, a fixed key, fast live updates."""
    return Settings(
        database_url=database_url,
        secret_key=SECRET,
        live_interval_ms=20,
        heartbeat_s=1.0,
        retention_interval_hours=0,  # tests/privacy runs the purge on its own
        _env_file=None,
    )


@pytest.fixture
def db(settings: Settings) -> Iterator[Database]:
    """The test database, for arranging data and checking what was stored."""
    database = Database(settings.database_url)
    yield database
    database.dispose()


@pytest.fixture
def session(db: Database) -> Iterator[Session]:
    """A session on the test database (committed by the tests that need it)."""
    with db.sessionmaker() as session:
        yield session


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    """An Agora app on the test database."""
    return create_app(settings)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """A client of the running app (lifespan started: group commit and hub work)."""
    with TestClient(app) as test_client:
        yield test_client


EventFactory = Callable[..., Event]
PollFactory = Callable[..., Poll]


@pytest.fixture
def make_event(db: Database) -> EventFactory:
    """Create and commit an event; keyword arguments override the defaults."""

    def factory(**overrides: Any) -> Event:
        values: dict[str, Any] = {
            "title": "Cooperation session",
            "starts_on": dt.date(2023, 10, 10),
            "venue": "Brussels",
            "capacity": 144,
        }
        values.update(overrides)
        with db.session() as session:
            return create_event(session, **values)

    return factory


def question(kind: QuestionKind | str, **fields: Any) -> QuestionIn:
    """Return a question to create, with options where its kind needs them."""
    kind = QuestionKind(kind)
    if kind in {
        QuestionKind.single_choice,
        QuestionKind.multiple_choice,
        QuestionKind.ranking,
        QuestionKind.points,
    }:
        fields.setdefault("options", ["Asia", "Oceania", "Latin America", "North America"])
    fields.setdefault("prompt", f"A {kind.value} question")
    return QuestionIn(kind=kind, **fields)


@pytest.fixture
def make_poll(db: Database) -> PollFactory:
    """Create and commit a poll (open unless ``state='draft'``) for an event."""

    def factory(
        event: Event,
        *questions: QuestionIn,
        state: str = "open",
        **fields: Any,
    ) -> Poll:
        data = PollIn(questions=list(questions) or [question("single_choice")], **fields)
        with db.session() as session:
            stored = session.get(Event, event.id)
            assert stored is not None
            poll = create_poll(session, stored, data)
            if state == "open":
                open_poll(session, poll)
            session.flush()
            session.refresh(poll)
            _ = [q.config for q in poll.questions]  # load before the session closes
            return poll

    return factory


def join(client: TestClient, code: str, **identity: str) -> dict[str, str]:
    """Join an event through the API and return the Authorization header to use."""
    response = client.post(f"/api/v1/events/{code}/join", json=identity)
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['participant_token']}"}


class OrganiserLogin:
    """An organiser created for a test, with an API token issued to them."""

    def __init__(self, id: int, email: str, password: str, token: str) -> None:
        self.id = id
        self.email = email
        self.password = password
        self.token = token

    @property
    def headers(self) -> dict[str, str]:
        """Return the Authorization header that sends the organiser's API token."""
        return {"Authorization": f"Bearer {self.token}"}


OrganiserFactory = Callable[..., OrganiserLogin]


@pytest.fixture
def make_organiser(db: Database) -> OrganiserFactory:
    """Create and commit an organiser with an API token; keyword arguments override defaults."""

    def factory(
        email: str = "organiser@example.org",
        password: str = "a long enough password",
        name: str = "",
    ) -> OrganiserLogin:
        from agora.accounts.services import create_api_token, create_organiser

        with db.session() as session:
            organiser = create_organiser(session, email=email, password=password, name=name)
            token = create_api_token(session, email=email, label="tests")
            return OrganiserLogin(organiser.id, organiser.email, password, token)

    return factory
