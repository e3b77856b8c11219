"""The registrations JSON API: public registration, moderators' list, actions, import, figures."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from agora.core.db import Database
from agora.registrations import live, services
from agora.registrations.models import RegistrationStatus
from tests.conftest import EventFactory, OrganiserFactory, join
from tests.registrations.conftest import (
    PersonFactory,
    count_registrations,
    csv_file,
    error_of,
    moderator,
    stored_event,
    stored_registrations,
)

NOT_A_MODERATOR = "Only the event's moderators may do this."


def upload(data: bytes, name: str = "people.csv") -> dict[str, tuple[str, bytes, str]]:
    """Return the multipart files argument that sends ``data`` as the import's file."""
    return {"file": (name, data, "text/csv")}


# -- registering ---------------------------------------------------------------------------


def test_anyone_registers_without_signing_in_and_gets_the_link_by_email(
    client: TestClient, db: Database, make_event: EventFactory
) -> None:
    event = make_event(capacity=1)
    body = {
        "name": "Anna Schmidt",
        "email": "Anna@Hamburg.de",
        "organisation": "Hamburg",
        "organisation_type": "city",
        "country": "de",
        "place": "Hamburg",
    }

    first = client.post(f"/api/v1/events/{event.code.lower()}/registrations", json=body)
    client.post(
        f"/api/v1/events/{event.code}/registrations",
        json={"name": "Ben", "email": "ben@example.org"},
    )

    assert first.status_code == 202, first.text
    assert first.json()["email"] == "anna@hamburg.de"
    assert "token" not in first.json()  # the link goes by e-mail only
    with db.session() as session:
        anna, ben = services.event_registrations(session, event.id)
        assert (anna.status.value, anna.email, anna.country, anna.source) == (
            "registered",
            "anna@hamburg.de",
            "DE",
            "form",
        )
        assert ben.status is RegistrationStatus.waitlisted
        assert services.waitlist_position(session, ben) == 1


def test_bad_registration_names_every_bad_field(
    client: TestClient, db: Database, make_event: EventFactory
) -> None:
    event = make_event()

    body = error_of(
        client.post(
            f"/api/v1/events/{event.code}/registrations",
            json={"name": "", "email": "nope", "organisation_type": "guild"},
        ),
        422,
    )

    assert body["field"] == "name"
    assert [e["field"] for e in body["errors"]] == ["name", "email", "organisation_type"]
    assert count_registrations(db) == 0


def test_registering_an_address_again_answers_as_for_a_new_one(
    client: TestClient, db: Database, make_event: EventFactory
) -> None:
    event = make_event()
    url = f"/api/v1/events/{event.code}/registrations"
    new = client.post(url, json={"name": "Ana", "email": "ana@example.org"})

    again = client.post(url, json={"name": "Someone", "email": "ANA@example.org"})

    assert (again.status_code, again.json()) == (new.status_code, new.json())
    assert count_registrations(db) == 1
    with db.session() as session:
        (stored,) = services.event_registrations(session, event.id)
        assert stored.name == "Ana"  # nothing changed by the second call


def test_closing_registration_refuses_the_form_and_reopening_accepts_it(
    client: TestClient, make_event: EventFactory
) -> None:
    event = make_event()
    url = f"/api/v1/events/{event.code}/registrations"

    assert error_of(client.post(f"{url}/close"), 403)["message"] == NOT_A_MODERATOR
    closed = client.post(f"{url}/close", headers=moderator(event))
    assert closed.json() == {"registration_open": False}
    refused = error_of(client.post(url, json={"name": "Ana", "email": "a@example.org"}), 409)
    assert refused["message"] == "Registration for this event is closed."
    client.post(f"{url}/open", headers=moderator(event))
    assert client.post(url, json={"name": "Ana", "email": "a@example.org"}).status_code == 202


def test_unknown_event_is_not_found(client: TestClient) -> None:
    body = error_of(
        client.post("/api/v1/events/NOPE99/registrations", json={"name": "A", "email": "a@b.cd"}),
        404,
    )
    assert body["message"] == "No event has the code NOPE99."


# -- the moderators' side ------------------------------------------------------------------


def test_only_the_event_s_moderators_see_registrations_and_figures(
    client: TestClient, make_event: EventFactory, make_organiser: OrganiserFactory
) -> None:
    owner = make_organiser()
    stranger = make_organiser(email="other@example.org")
    event = make_event(organiser_id=owner.id)
    other_event = make_event()
    participant = join(client, event.code)
    for path in ("registrations", "attendance"):
        url = f"/api/v1/events/{event.code}/{path}"
        assert error_of(client.get(url), 403)["message"] == NOT_A_MODERATOR
        assert error_of(client.get(url, headers=participant), 403)["message"] == NOT_A_MODERATOR
        assert error_of(client.get(url, headers=stranger.headers), 403)
        assert error_of(client.get(url, headers=moderator(other_event)), 403)
        assert client.get(url, headers=owner.headers).status_code == 200
        assert client.get(url, headers=moderator(event)).status_code == 200


def test_moderators_list_and_search_registrations_with_the_figures(
    client: TestClient, session: Session, make_event: EventFactory, person: PersonFactory
) -> None:
    event = make_event(capacity=144)
    person(event, "José Pérez", organisation="Región de Murcia")
    person(event, "Anna Schmidt", organisation="Hamburg")
    session.commit()

    everyone = client.get(f"/api/v1/events/{event.code}/registrations", headers=moderator(event))
    found = client.get(
        f"/api/v1/events/{event.code}/registrations",
        params={"q": "murcia"},
        headers=moderator(event),
    )

    assert [r["name"] for r in everyone.json()["registrations"]] == ["Anna Schmidt", "José Pérez"]
    assert everyone.json()["attendance"]["registered"] == 2
    assert everyone.json()["attendance"]["no_shows"] == 2
    assert [r["name"] for r in found.json()["registrations"]] == ["José Pérez"]
    assert "token" not in found.json()["registrations"][0]


def test_check_in_undo_cancel_and_restore_through_the_api(
    client: TestClient, session: Session, make_event: EventFactory, person: PersonFactory
) -> None:
    event = make_event(capacity=1)
    ana, ben = person(event, "Ana"), person(event, "Ben")
    session.commit()

    def act(registration_id: int, action: str) -> dict[str, Any]:
        response = client.post(
            f"/api/v1/registrations/{registration_id}/{action}", headers=moderator(event)
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    checked = act(ana.id, "check-in")
    again = act(ana.id, "check-in")
    undone = act(ana.id, "undo-check-in")
    cancelled = act(ana.id, "cancel")
    restored = act(ana.id, "restore")

    assert (checked["changed"], checked["message"]) == (True, "Ana is checked in.")
    assert again["changed"] is False
    assert again["message"].startswith("Ana was already checked in at ")
    assert undone["message"] == "The check-in of Ana is undone."
    assert [p["name"] for p in cancelled["promoted"]] == ["Ben"]
    assert restored["registration"]["status"] == "waitlisted"
    figures = client.get(f"/api/v1/events/{event.code}/attendance", headers=moderator(event))
    assert figures.json()["registered"] == 1
    assert figures.json()["waitlisted"] == 1
    assert ben.id in {p["id"] for p in cancelled["promoted"]}


def test_actions_are_refused_to_others_and_checked(
    client: TestClient, session: Session, make_event: EventFactory, person: PersonFactory
) -> None:
    event, other = make_event(), make_event()
    ana = person(event, "Ana")
    session.commit()

    assert error_of(client.post(f"/api/v1/registrations/{ana.id}/check-in"), 403)
    assert error_of(
        client.post(f"/api/v1/registrations/{ana.id}/check-in", headers=moderator(other)), 403
    )
    assert error_of(
        client.post(f"/api/v1/registrations/{ana.id}/explode", headers=moderator(event)), 422
    )
    missing = client.post("/api/v1/registrations/424242/check-in", headers=moderator(event))
    assert error_of(missing, 404)["message"] == "There is no registration 424242."
    cancel = client.post(f"/api/v1/registrations/{ana.id}/cancel", headers=moderator(event))
    assert cancel.status_code == 200
    refused = client.post(f"/api/v1/registrations/{ana.id}/check-in", headers=moderator(event))
    assert error_of(refused, 409)["message"].startswith("The registration of Ana was cancelled")


def test_walk_ins_are_registered_and_checked_in_by_moderators_only(
    client: TestClient, session: Session, make_event: EventFactory, person: PersonFactory
) -> None:
    event = make_event(capacity=1)
    person(event, "Ana")
    session.commit()
    url = f"/api/v1/events/{event.code}/walk-ins"

    assert error_of(client.post(url, json={"name": "Walt"}), 403)
    walked = client.post(url, json={"name": "Walt", "country": "BE"}, headers=moderator(event))
    nameless = client.post(url, json={"name": " "}, headers=moderator(event))

    assert walked.status_code == 201, walked.text
    assert (walked.json()["walk_in"], walked.json()["source"], walked.json()["email"]) == (
        True,
        "walk-in",
        None,
    )
    assert walked.json()["checked_in_at"] is not None
    assert error_of(nameless, 422)["message"] == "Please give the name."
    figures = client.get(f"/api/v1/events/{event.code}/attendance", headers=moderator(event))
    assert {k: figures.json()[k] for k in ("registered", "walk_ins", "present", "occupancy")} == {
        "registered": 1,
        "walk_ins": 1,
        "present": 1,
        "occupancy": 1.0,
    }


# -- import --------------------------------------------------------------------------------


def test_good_file_is_imported(client: TestClient, db: Database, make_event: EventFactory) -> None:
    event = make_event(capacity=1)
    data = csv_file(
        "Name;E-mail;Country;Notes", "Ana;ana@example.org;HR;x", "Ben;ben@example.org;;"
    )

    response = client.post(
        f"/api/v1/events/{event.code}/registrations/import",
        files=upload(data),
        headers=moderator(event),
    )

    assert response.status_code == 201, response.text
    assert response.json() == {
        "imported": 2,
        "registered": 1,
        "waitlisted": 1,
        "delimiter": ";",
        "ignored_columns": ["Notes"],
    }
    assert [r.status for r in stored_registrations(db, event)] == [
        RegistrationStatus.registered,
        RegistrationStatus.waitlisted,
    ]


def test_bad_file_gets_the_row_report_and_nothing_is_imported(
    client: TestClient, db: Database, make_event: EventFactory
) -> None:
    event = make_event()
    data = csv_file("Name,Email", "Ana,ana@example.org", ",ben@example.org", "Cem,cem")

    response = client.post(
        f"/api/v1/events/{event.code}/registrations/import",
        files=upload(data),
        headers=moderator(event),
    )

    body = error_of(response, 422)
    assert body["message"] == "2 rows have problems; nothing was imported."
    assert body["problems"] == [
        {"line": 3, "column": "Name", "message": "Please give the name."},
        {"line": 4, "column": "Email", "message": "'cem' is not an e-mail address."},
    ]
    assert count_registrations(db) == 0


def test_import_is_for_moderators_and_needs_a_file(
    client: TestClient, db: Database, make_event: EventFactory
) -> None:
    event = make_event()
    url = f"/api/v1/events/{event.code}/registrations/import"
    data = csv_file("Name,Email", "Ana,ana@example.org")

    assert error_of(client.post(url, files=upload(data)), 403)["message"] == NOT_A_MODERATOR
    no_file = client.post(url, data={"other": "x"}, headers=moderator(event))
    assert error_of(no_file, 422)["message"] == "Choose a CSV or XLSX file to import."
    assert count_registrations(db) == 0


def test_upload_larger_than_the_limit_is_refused_before_it_is_read(
    client: TestClient, db: Database, make_event: EventFactory
) -> None:
    event = make_event()
    data = csv_file("Name,Email", *(f"P{i},{'p' * 300}{i}@example.org" for i in range(8000)))

    response = client.post(
        f"/api/v1/events/{event.code}/registrations/import",
        files=upload(data),
        headers=moderator(event),
    )

    assert error_of(response, 422)["message"] == (
        "The file is larger than 2 MB; split it into several files."
    )
    assert count_registrations(db) == 0


def test_import_documents_its_multipart_body_and_its_report(client: TestClient) -> None:
    operation = client.get("/api/v1/openapi.json").json()["paths"][
        "/api/v1/events/{code}/registrations/import"
    ]["post"]

    assert "multipart/form-data" in operation["requestBody"]["content"]
    assert "422" in operation["responses"]


# -- the live section ----------------------------------------------------------------------


def test_live_section_sends_the_figures_to_moderators_only(
    db: Database, session: Session, make_event: EventFactory, person: PersonFactory
) -> None:
    event = make_event(capacity=10)
    services.check_in(session, person(event, "Ana"))
    session.commit()

    messages = live.render(db, event.id)
    stored = stored_event(session, event)

    assert messages == [
        (
            "attendance",
            {
                "registered": 1,
                "waitlisted": 0,
                "cancelled": 0,
                "checked_in": 1,
                "walk_ins": 0,
                "present": 1,
                "no_shows": 0,
                "seats": 10,
                "free_seats": 9,
                "occupancy": 0.1,
            },
            False,
        )
    ]
    assert live.render(db, 424242) == []
    assert live.page_context(session, stored, None, "moderator")["attendance"].present == 1
    assert live.page_context(session, stored, 1, "participant") == {}
    assert live.page_context(session, stored, None, "screen") == {}
