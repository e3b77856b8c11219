"""The ``agora`` command: database upgrade, organisers and tokens; the reference session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, inspect, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from agora.accounts.models import ApiToken, Organiser
from agora.app import create_app
from agora.cli import app as cli
from agora.core.settings import Settings, get_settings
from agora.demo.reference import create_reference_session, reference_polls
from agora.events.models import Event, Participant
from agora.polls.kinds import QuestionKind
from agora.polls.models import Poll, PollState, Response
from agora.polls.responses import load_answers
from tests.conftest import SECRET

PASSWORD = "correct horse battery"


@pytest.fixture
def cli_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Point the command at a fresh SQLite file through AGORA_DATABASE_URL."""
    url = f"sqlite:///{tmp_path / 'cli' / 'agora.db'}"
    monkeypatch.setenv("AGORA_DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def run(*args: str, input: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), input=input)
    return result.exit_code, result.output


def test_db_upgrade_creates_the_tables(cli_database: str) -> None:
    code, output = run("db", "upgrade")

    assert code == 0, output
    assert "database is up to date" in output
    engine = create_engine(cli_database)
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert {
        "alembic_version",
        "organisers",
        "api_tokens",
        "events",
        "participants",
        "polls",
        "questions",
        "responses",
        "submission_keys",
    } <= tables
    assert run("db", "upgrade")[0] == 0  # and again: nothing to do


def test_organiser_and_token_from_the_command_line_authenticate_against_the_app(
    cli_database: str,
) -> None:
    assert run("db", "upgrade")[0] == 0

    code, output = run(
        *("organiser", "create", "--email", "Staff@Region.example", "--name", "Ana"),
        input=f"{PASSWORD}\n{PASSWORD}\n",  # the password is asked twice, hidden
    )
    assert code == 0, output
    assert "organiser Staff@Region.example created" in output
    code, output = run("token", "create", "--email", "staff@region.example", "--label", "ci")
    assert code == 0, output
    token = output.strip().splitlines()[-1]
    assert token.startswith("agora_")

    engine = create_engine(cli_database)
    with Session(engine) as session:
        organiser = session.scalars(select(Organiser)).one()
        assert (organiser.email, organiser.name) == ("staff@region.example", "Ana")
        assert organiser.password_hash.startswith("$argon2id$")
        assert session.scalars(select(ApiToken.label)).all() == ["ci"]
    engine.dispose()

    app = create_app(
        Settings(
            database_url=cli_database, secret_key=SECRET, retention_interval_hours=0, _env_file=None
        )
    )
    with TestClient(app) as client:
        event = {"title": "Partners day", "starts_on": "2024-05-01"}
        accepted = client.post(
            "/api/v1/events", json=event, headers={"Authorization": f"Bearer {token}"}
        )
        refused = client.post(
            "/api/v1/events", json=event, headers={"Authorization": f"Bearer {token[:-2]}"}
        )
    assert accepted.status_code == 201, accepted.text
    assert refused.status_code == 401


def test_token_for_an_unknown_email_fails_with_a_message(cli_database: str) -> None:
    assert run("db", "upgrade")[0] == 0

    code, output = run("token", "create", "--email", "nobody@region.example")

    assert code == 1
    assert "No organiser has the e-mail address nobody@region.example." in output
    assert "agora_" not in output


def test_organiser_with_a_short_password_fails_with_a_message(cli_database: str) -> None:
    assert run("db", "upgrade")[0] == 0

    code, output = run("organiser", "create", "--email", "a@region.example", "--password", "short")

    assert code == 1
    assert "The password must have at least 10 characters." in output
    engine = create_engine(cli_database)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Organiser)) == 0
    engine.dispose()


def test_second_organiser_with_the_same_email_fails_with_a_message(cli_database: str) -> None:
    assert run("db", "upgrade")[0] == 0
    args = ("organiser", "create", "--email", "a@region.example", "--password", PASSWORD)
    assert run(*args)[0] == 0

    code, output = run(*args)

    assert code == 1
    assert "An account with this e-mail address exists already." in output


# -- the reference session (EU Regions Week 2023) -------------------------------------------

#: The six answers of the open-text poll, as the room typed them (typos included).
SIX_ANSWERS = [
    "Diferrence beetwen international region or country laws and strategic development was "
    "the biggest challenge",
    "Connection of very locally specific projects in an interreg project and receiving great "
    "tagible outputs with the help of exchange and embedding into something bigger.",
    "Learning exchanges between cities and regions on sustainable energy and climate actions "
    "under Horizon 2020 programme",
    "City Science Initiative",
    "inspired new insight for research and for cities on how to do research on cities",
    "Urban mobility plan for large companies.",
]


def test_reference_session_has_the_ranking_poll_open_and_the_six_answers(
    session: Session,
) -> None:
    event = create_reference_session(session)
    session.commit()

    assert event.code == "EUREG23"
    assert (event.capacity, event.starts_on.isoformat()) == (144, "2023-10-10")
    ranking, experiences = reference_polls(session, event)
    assert ranking.state is PollState.open
    [ranking_question] = ranking.questions
    assert ranking_question.kind == QuestionKind.ranking
    assert [o["label"] for o in ranking_question.config["options"]] == [
        "Asia",
        "Australia and Oceania",
        "Latin America and the Caribbean",
        "North America",
        "Africa",
    ]
    assert load_answers(session, ranking_question.id) == []
    assert experiences.state is PollState.closed
    [open_text] = experiences.questions
    assert open_text.kind == QuestionKind.open_text
    assert load_answers(session, open_text.id) == [{"texts": [text]} for text in SIX_ANSWERS]


def test_reference_session_is_created_only_once(session: Session) -> None:
    first = create_reference_session(session)
    session.commit()

    again = create_reference_session(session)
    session.commit()

    assert again.id == first.id
    counts = [
        session.scalar(select(func.count()).select_from(model))
        for model in (Event, Poll, Participant, Response)
    ]
    # 6 participants answered the open-text poll; 3 asked and 10 upvoted audience questions
    assert counts == [1, 2, 19, 6]


def test_several_workers_without_redis_are_refused(cli_database: str) -> None:
    code, output = run("serve", "--workers", "2", "--no-migrate")

    assert code == 2
    assert "AGORA_BROKER=redis" in output


def test_serve_with_two_workers_serves_and_keeps_keys_out_of_every_log(
    tmp_path: Path, redis_url: str
) -> None:
    import os
    import subprocess
    import sys
    import time
    import urllib.error
    import urllib.request

    from tests.services import free_port

    database = f"sqlite:///{tmp_path / 'agora.db'}"
    port = free_port()
    env = {
        **os.environ,
        "AGORA_DATABASE_URL": database,
        "AGORA_BROKER": "redis",
        "AGORA_REDIS_URL": redis_url,
        "AGORA_SECRET_KEY": SECRET,
    }
    agora = str(Path(sys.executable).parent / "agora")  # the installed command
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [agora, "serve", "--workers", "2", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        answered: list[int] = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(answered) < 20:
            address = f"http://127.0.0.1:{port}/e/ABCDEF/moderate?key=SecretKey123"
            try:
                urllib.request.urlopen(address, timeout=5)
            except urllib.error.HTTPError as refused:
                answered.append(refused.code)
            except OSError:  # not listening yet
                time.sleep(0.2)
        assert answered == [404] * 20  # no such event, answered by the workers
        server.terminate()
        server.wait(timeout=30)
    finally:
        if server.poll() is None:
            server.kill()
    written = log.read_text()
    assert written.count("Started server process") == 2  # two workers started
    assert "SecretKey123" not in written
    assert "key=[redacted]" in written
