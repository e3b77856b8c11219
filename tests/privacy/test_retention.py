"""The retention purge: personal data goes after the retention period, the aggregates stay."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from agora.app import create_app
from agora.cli import app as cli
from agora.core.db import Database
from agora.core.migrate import upgrade
from agora.core.settings import Settings, get_settings
from agora.events.models import Event, Participant
from agora.events.services import create_event
from agora.floor.models import FloorRequest
from agora.privacy.retention import is_due, purge_due
from agora.qa.models import AudienceQuestion
from agora.registrations.models import Registration
from agora.reports.exports import renderer, report_json
from agora.reports.model import build_report
from agora.takeaways.models import Takeaway
from tests.conftest import SECRET
from tests.privacy.conftest import Scene, audit_actions

FORM = {
    "name": "Ivana Horvat",
    "email": "ivana@kzz.hr",
    "organisation": "KZZ",
    "organisation_type": "region",
    "country": "HR",
    "place": "Krapina",
}
LAST_KEPT = dt.date(2024, 1, 7)  # the scene's event ends 2023-10-10; 90 days later
PURGE_DAY = dt.date(2024, 1, 8)


@pytest.fixture
def registered(client: TestClient, db: Database, scene: Scene) -> str:
    """Register Ivana for the scene's event and check her in; return her registration's link."""
    client.post(f"/e/{scene.event.code}/register", data=FORM)
    with db.session() as session:
        registration = session.scalars(select(Registration)).one()
        token = registration.token
    client.post(
        f"/api/v1/registrations/{registration.id}/check-in",
        headers={"X-Moderator-Key": scene.event.moderator_key},
    )
    return f"/e/{scene.event.code}/registration/{token}"


def report_of(db: Database, event: Event) -> dict[str, Any]:
    """Build the event's report, with its annex, and return it as JSON-ready data."""
    with db.session() as session:
        stored = session.get(Event, event.id)
        assert stored is not None
        built = build_report(session, stored, annex=True)
    for fmt in ("html", "md", "xlsx", "csv"):  # every format still writes
        assert renderer(fmt)(built)
    return report_json(built)


def aggregates(report: dict[str, Any]) -> dict[str, Any]:
    """Return what the purge must leave unchanged: figures, results, questions, lessons."""
    return {
        "participation": report["participation"],
        "polls": [(p["prompt"], p["responses"], p["result"]) for p in report["polls"]],
        "questions": sorted(q["text"] for q in report["audience_questions"]),
        "lessons": sorted(lesson["lesson"] for lesson in report["lessons"]),
        "registrations": len(report["registrations"]),
    }


def test_nothing_is_purged_before_the_date(db: Database, scene: Scene, registered: str) -> None:
    assert purge_due(db, 90, today=LAST_KEPT) == []

    with db.session() as session:
        names = session.scalars(select(Participant.name).order_by(Participant.id)).all()
        assert names == ["Ana", "Ben"]
        assert session.scalars(select(Registration.email)).one() == "ivana@kzz.hr"
        event = session.get(Event, scene.event.id)
        assert event is not None
        assert not is_due(event, 90, LAST_KEPT)
        assert is_due(event, 90, PURGE_DAY)


def test_after_the_date_personal_data_goes_and_the_report_stays(
    client: TestClient, db: Database, scene: Scene, registered: str
) -> None:
    before = report_of(db, scene.event)

    (purged,) = purge_due(db, 90, today=PURGE_DAY)

    assert (purged.code, purged.registrations, purged.participants) == (scene.event.code, 1, 2)
    with db.session() as session:
        registration = session.scalars(select(Registration)).one()
        assert (registration.name, registration.email, registration.organisation) == ("", None, "")
        assert (registration.place, registration.organisation_type.value) == ("", "region")
        assert registration.country == "HR"
        assert registration.checked_in_at is not None
        people = session.execute(select(Participant.name, Participant.organisation)).all()
        assert set(people) == {("", "")}
        assert set(session.scalars(select(AudienceQuestion.author_name))) == {""}
        assert set(session.scalars(select(FloorRequest.name))) == {""}
        assert set(session.scalars(select(Takeaway.speaker_name))) == {""}
        assert set(session.scalars(select(Takeaway.participant_id))) == {None}
        assert sorted(session.scalars(select(Takeaway.lesson))) == ["Ana learned.", "Ben learned."]
        event = session.get(Event, scene.event.id)
        assert event is not None
        assert event.personal_data_purged_at is not None
        (entry,) = [a for a in audit_actions(session, event) if a[1] == "personal_data.purged"]
        assert entry[0] == "Agora (retention)"
        assert entry[2].startswith("1 registrations, 2 participants")
    after = report_of(db, scene.event)
    assert aggregates(after) == aggregates(before)
    assert "Ivana" not in str(after)
    assert "ivana@kzz.hr" not in str(after)
    assert client.get(registered).status_code == 404  # the old link finds nothing
    assert purge_due(db, 90, today=PURGE_DAY) == []  # a second run changes nothing


def test_the_purged_address_may_register_again(
    client: TestClient, db: Database, scene: Scene, registered: str
) -> None:
    purge_due(db, 90, today=PURGE_DAY)

    client.post(f"/e/{scene.event.code}/register", data=FORM)

    with db.session() as session:
        emails = session.scalars(select(Registration.email).order_by(Registration.id)).all()
    assert emails == [None, "ivana@kzz.hr"]


def test_an_events_own_retention_period_wins(db: Database, scene: Scene) -> None:
    with db.session() as session:
        event = session.get(Event, scene.event.id)
        assert event is not None
        event.retention_days = 400

    assert purge_due(db, 90, today=PURGE_DAY) == []
    assert [p.code for p in purge_due(db, 90, today=dt.date(2024, 11, 13))] == [scene.event.code]


@pytest.fixture
def sqlite_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A migrated SQLite database named by AGORA_DATABASE_URL, with a past event's people."""
    url = f"sqlite:///{tmp_path / 'agora.db'}"
    upgrade(url)
    database = Database(url)
    with database.session() as session:
        event = create_event(session, title="Old session", starts_on=dt.date(2023, 3, 1))
        session.add(Participant(event_id=event.id, name="Ana"))
    database.dispose()
    monkeypatch.setenv("AGORA_DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def names(url: str) -> list[str]:
    database = Database(url)
    with database.session() as session:
        found = list(session.scalars(select(Participant.name)))
    database.dispose()
    return found


def test_agora_purge_purges_what_is_due(sqlite_url: str) -> None:
    result = CliRunner().invoke(cli, ["purge"])

    assert result.exit_code == 0, result.output
    assert "0 registrations, 1 participants" in result.output
    assert "1 event(s) purged" in result.output
    assert names(sqlite_url) == [""]


def test_the_server_purges_by_itself_when_it_starts(sqlite_url: str) -> None:
    settings = Settings(
        database_url=sqlite_url, secret_key=SECRET, retention_interval_hours=1, _env_file=None
    )

    with TestClient(create_app(settings)):
        deadline = time.monotonic() + 20
        while names(sqlite_url) != [""] and time.monotonic() < deadline:
            time.sleep(0.05)

    assert names(sqlite_url) == [""]


def test_a_server_told_not_to_purge_leaves_it_to_the_command(sqlite_url: str) -> None:
    settings = Settings(
        database_url=sqlite_url, secret_key=SECRET, retention_interval_hours=0, _env_file=None
    )

    with TestClient(create_app(settings)) as client:
        assert client.get("/e/NOPE99/privacy").status_code == 404

    assert names(sqlite_url) == ["Ana"]
