"""Organisers find one person, export their data or erase it; everyone else is refused."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from agora.accounts.models import EventModerator
from agora.core.db import Database
from agora.events.models import Participant
from agora.registrations.models import Registration
from tests.conftest import OrganiserFactory
from tests.privacy.conftest import Scene, audit_actions, results

FORM = {"name": "Ivana Horvat", "email": "ivana@kzz.hr", "organisation": "KZZ"}


@pytest.fixture
def registered(client: TestClient, db: Database, scene: Scene) -> int:
    """Register Ivana for the scene's event; return her registration's id."""
    client.post(f"/e/{scene.event.code}/register", data=FORM)
    with db.session() as session:
        return session.scalars(select(Registration.id)).one()


def test_the_owner_finds_people_by_email_and_by_name(
    client: TestClient, scene: Scene, registered: int
) -> None:
    owner = scene.owner.headers

    by_email = client.get(f"/e/{scene.event.code}/people", params={"q": "ivana@kzz"}, headers=owner)
    by_name = client.get(f"/e/{scene.event.code}/people", params={"q": "ana"}, headers=owner)

    assert by_email.status_code == 200
    assert f'id="registration-{registered}"' in by_email.text
    assert "Ivana Horvat" in by_email.text
    assert "participant-" not in by_email.text
    assert 'id="participant-' in by_name.text
    assert "Ana" in by_name.text


def test_the_owner_exports_a_registration_and_a_participant_and_it_is_recorded(
    client: TestClient, db: Database, scene: Scene, registered: int
) -> None:
    code = scene.event.code
    with db.session() as session:
        ana_id = session.scalars(select(Participant.id).where(Participant.name == "Ana")).one()

    registration = client.post(
        f"/e/{code}/people/registration/{registered}/export", headers=scene.owner.headers
    )
    participant = client.post(
        f"/e/{code}/people/participant/{ana_id}/export", headers=scene.owner.headers
    )

    assert registration.json()["registration"]["email"] == "ivana@kzz.hr"
    assert participant.json()["takeaways"][0]["lesson"] == "Ana learned."
    with db.session() as session:
        actions = audit_actions(session, scene.event)
    assert actions[-2:] == [
        (
            "Olga Owner <owner@region.example> (API token)",
            "person.exported",
            f"registration {registered}",
        ),
        (
            "Olga Owner <owner@region.example> (API token)",
            "person.exported",
            f"participant {ana_id}",
        ),
    ]


def test_the_owner_erases_a_participant_and_a_registration(
    client: TestClient, db: Database, scene: Scene, registered: int
) -> None:
    code = scene.event.code
    with db.session() as session:
        ben_id = session.scalars(select(Participant.id).where(Participant.name == "Ben")).one()
    assert results(client, scene.question_id, scene.ana)["voters"] == 2
    url = f"/e/{code}/people/participant/{ben_id}/erase"

    refused = client.post(url, data={}, headers=scene.owner.headers)
    assert refused.status_code == 422
    erased = client.post(
        url,
        data={"confirm": "yes", "q": "ben"},
        headers=scene.owner.headers,
        follow_redirects=False,
    )
    client.post(
        f"/e/{code}/people/registration/{registered}/erase",
        data={"confirm": "yes"},
        headers=scene.owner.headers,
    )

    assert erased.status_code == 303
    assert erased.headers["location"] == f"/e/{code.upper()}/people?q=ben"
    assert results(client, scene.question_id, scene.ana)["voters"] == 1
    with db.session() as session:
        assert session.get(Participant, ben_id) is None
        assert session.scalars(select(Registration)).all() == []
        actions = [a[1:] for a in audit_actions(session, scene.event)]
    assert actions[-2:] == [
        ("person.erased", f"participant {ben_id}"),
        ("person.erased", f"registration {registered}"),
    ]


def test_a_co_moderator_signed_in_may_too(
    client: TestClient,
    db: Database,
    scene: Scene,
    registered: int,
    make_organiser: OrganiserFactory,
) -> None:
    colleague = make_organiser(email="colleague@region.example")
    with db.session() as session:
        session.add(EventModerator(event_id=scene.event.id, organiser_id=colleague.id))

    got = client.post(
        f"/e/{scene.event.code}/people/registration/{registered}/export",
        headers=colleague.headers,
    )

    assert got.status_code == 200


def test_anyone_else_is_refused_and_nothing_changes(
    client: TestClient,
    db: Database,
    scene: Scene,
    registered: int,
    make_organiser: OrganiserFactory,
) -> None:
    code = scene.event.code
    stranger = make_organiser(email="stranger@elsewhere.example")
    callers = {
        "anonymous": ({}, 401),
        "participant": (scene.ana, 401),
        "moderator link": ({"X-Moderator-Key": scene.event.moderator_key}, 401),
        "another organiser": (stranger.headers, 403),
    }
    with db.session() as session:
        before = audit_actions(session, scene.event)

    for name, (headers, status) in callers.items():
        client.cookies.clear()
        search = client.get(f"/e/{code}/people", params={"q": "ivana"}, headers=headers)
        export = client.post(f"/e/{code}/people/registration/{registered}/export", headers=headers)
        erase = client.post(
            f"/e/{code}/people/registration/{registered}/erase",
            data={"confirm": "yes"},
            headers=headers,
        )
        assert (search.status_code, export.status_code, erase.status_code) == (status,) * 3, name
        assert "ivana@kzz.hr" not in search.text + export.text + erase.text

    with db.session() as session:
        assert session.get(Registration, registered) is not None
        assert audit_actions(session, scene.event) == before


def test_an_unknown_person_is_not_found(client: TestClient, scene: Scene) -> None:
    got = client.post(
        f"/e/{scene.event.code}/people/participant/999999/export", headers=scene.owner.headers
    )

    assert got.status_code == 404
