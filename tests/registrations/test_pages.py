"""Registration pages without JavaScript: the public form, the list, the door, walk-ins, import."""

from __future__ import annotations

import logging
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from agora.core.db import Database
from agora.registrations import services
from agora.registrations.models import RegistrationStatus
from tests.conftest import EventFactory
from tests.registrations.conftest import (
    PersonFactory,
    count_registrations,
    csv_file,
    sign_in_as_moderator,
    stored_registrations,
)

FORM = {
    "name": "Ivana Horvat",
    "email": "ivana@kzz.hr",
    "organisation": "Krapina-Zagorje County",
    "organisation_type": "region",
    "country": "HR",
    "place": "Krapina",
}


def notice_of(html: str) -> str:
    """Return the text of the page's notice or error line after an action."""
    found = re.search(r'<p class="(?:notice|error)" role="(?:status|alert)">([^<]*)</p>', html)
    assert found, html
    return found.group(1)


# -- the public form -----------------------------------------------------------------------


def test_form_is_public_and_labels_every_field(
    client: TestClient, make_event: EventFactory
) -> None:
    event = make_event(capacity=144)

    page = client.get(f"/e/{event.code.lower()}/register")

    assert page.status_code == 200
    for field in ("name", "email", "organisation", "organisation_type", "country", "place"):
        assert f'<label for="r-{field}">' in page.text
        assert f'id="r-{field}" name="{field}"' in page.text
    assert '<option value="HR" >Croatia</option>' in page.text
    assert "The room has 144 seats." in page.text


def test_registering_sends_the_link_and_the_link_shows_a_qr_code(
    client: TestClient, db: Database, make_event: EventFactory
) -> None:
    event = make_event()

    sent = client.post(f"/e/{event.code}/register", data=FORM, follow_redirects=False)
    assert sent.status_code == 303
    assert sent.headers["location"] == f"/e/{event.code}/register/sent"
    assert "Check your e-mail" in client.get(sent.headers["location"]).text

    (stored,) = stored_registrations(db, event)
    page = client.get(f"/e/{event.code}/registration/{stored.token}")
    assert (stored.name, stored.country, stored.source) == ("Ivana Horvat", "HR", "form")
    assert "You are registered" in page.text
    assert '<div class="qr ticket-qr" role="img"' in page.text
    assert re.search(r"<svg[^>]*>.*</svg>", page.text, re.S)


def test_what_was_typed_is_shown_inert(client: TestClient, make_event: EventFactory) -> None:
    event = make_event()
    form = {**FORM, "name": "<script>alert(1)</script>", "organisation": '"><img src=x>'}
    form["email"] = "not an address"  # refused: the form comes back with what was typed

    page = client.post(f"/e/{event.code}/register", data=form)

    assert page.status_code == 422
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "<img src=x>" not in page.text


def test_errors_come_back_next_to_the_fields_with_the_values_kept(
    client: TestClient, db: Database, make_event: EventFactory
) -> None:
    event = make_event()
    form = {**FORM, "email": "ivana-at-kzz", "country": "QQ", "name": "Ivana <b>H</b>"}

    page = client.post(f"/e/{event.code}/register", data=form)

    assert page.status_code == 422
    assert 'role="alert"' in page.text
    assert 'aria-invalid="true" aria-describedby="r-email-error"' in page.text
    assert '<p class="error field-error" id="r-email-error">' in page.text
    assert "&#39;ivana-at-kzz&#39; is not an e-mail address." in page.text
    assert 'id="r-country-error"' in page.text
    assert 'value="Ivana &lt;b&gt;H&lt;/b&gt;"' in page.text  # kept, and escaped
    assert 'value="Krapina-Zagorje County"' in page.text
    assert '<option value="region" selected>' in page.text
    assert 'id="r-name-error"' not in page.text
    assert count_registrations(db) == 0


def test_registering_an_address_again_looks_the_same_and_mails_the_existing_link(
    client: TestClient, db: Database, make_event: EventFactory, caplog: pytest.LogCaptureFixture
) -> None:
    event = make_event()
    caplog.set_level(logging.WARNING, logger="agora.accounts.mail")
    first = client.post(f"/e/{event.code}/register", data=FORM)

    again = client.post(f"/e/{event.code}/register", data={**FORM, "name": "Someone Else"})

    assert (again.status_code, again.url, again.text) == (first.status_code, first.url, first.text)
    (stored,) = stored_registrations(db, event)
    assert stored.name == "Ivana Horvat"
    mails = [r.getMessage() for r in caplog.records if "ivana@kzz.hr" in r.getMessage()]
    assert len(mails) == 2
    assert "registered already" in mails[1]
    assert f"/e/{event.code}/registration/{stored.token}" in mails[1]


def test_a_full_event_puts_people_on_the_waiting_list_and_says_so(
    client: TestClient, db: Database, make_event: EventFactory
) -> None:
    event = make_event(capacity=1)
    client.post(f"/e/{event.code}/register", data={**FORM, "email": "first@example.org"})
    client.post(f"/e/{event.code}/register", data=FORM)

    waiting = stored_registrations(db, event)[1]
    page = client.get(f"/e/{event.code}/registration/{waiting.token}")

    assert "You are on the waiting list" in page.text
    assert "You are number 1 on the waiting list." in page.text


def test_closed_registration_shows_no_form(
    client: TestClient, session: Session, make_event: EventFactory
) -> None:
    event = make_event()
    client.post(f"/e/{event.code}/registrations/close")  # not a moderator: refused
    sign_in_as_moderator(client, event)
    client.post(f"/e/{event.code}/registrations/close")

    page = client.get(f"/e/{event.code}/register")
    refused = client.post(f"/e/{event.code}/register", data=FORM)

    assert "Registration for this event is closed." in page.text
    assert 'action="/e/' not in page.text.split("<main", 1)[1]
    assert refused.status_code == 409


def test_unknown_confirmation_is_not_found(client: TestClient, make_event: EventFactory) -> None:
    event = make_event()
    assert client.get(f"/e/{event.code}/registration/not-a-token").status_code == 404


# -- the moderators' list ------------------------------------------------------------------


def test_only_moderators_see_the_list(
    client: TestClient, session: Session, make_event: EventFactory, person: PersonFactory
) -> None:
    event = make_event()
    person(event, "Secret Person")
    session.commit()

    refused = client.get(f"/e/{event.code}/registrations")

    assert refused.status_code == 403
    assert "Only the event&#39;s moderators may do this." in refused.text
    assert "Secret Person" not in refused.text
    sign_in_as_moderator(client, event)
    assert "Secret Person" in client.get(f"/e/{event.code}/registrations").text


def test_list_shows_figures_and_finds_people_without_accents(
    client: TestClient, session: Session, make_event: EventFactory, person: PersonFactory
) -> None:
    event = make_event(capacity=144)
    person(event, "José Pérez", organisation="Región de Murcia", country="ES")
    person(event, "Anna Schmidt", organisation="Hamburg")
    session.commit()
    sign_in_as_moderator(client, event)

    page = client.get(f"/e/{event.code}/registrations", params={"q": "jose"})

    assert '<dd data-figure="registered">2</dd>' in page.text
    assert '<dd data-figure="seats">144</dd>' in page.text
    assert "José Pérez" in page.text
    assert "Spain" in page.text
    assert "Anna Schmidt" not in page.text
    assert 'data-search="jose perez region de murcia' in page.text


def test_check_in_from_the_list_and_a_second_click_says_when(
    client: TestClient,
    db: Database,
    session: Session,
    make_event: EventFactory,
    person: PersonFactory,
) -> None:
    event = make_event()
    ana = person(event, "Ana")
    session.commit()
    sign_in_as_moderator(client, event)
    url = f"/e/{event.code}/registrations/{ana.id}/check-in"

    first = client.post(url, data={"q": "an"})
    second = client.post(url, data={"q": "an"})

    assert first.url.path == f"/e/{event.code}/registrations"
    assert first.url.params["q"] == "an"
    assert notice_of(first.text) == "Ana is checked in."
    assert notice_of(second.text).startswith("Ana was already checked in at ")
    assert "Undo check-in" in second.text
    assert "Ana is checked in." not in client.get(f"/e/{event.code}/registrations").text  # once
    undone = client.post(f"/e/{event.code}/registrations/{ana.id}/undo-check-in")
    assert notice_of(undone.text) == "The check-in of Ana is undone."
    assert stored_registrations(db, event)[0].checked_in_at is None


def test_list_buttons_are_refused_to_others(
    client: TestClient,
    db: Database,
    session: Session,
    make_event: EventFactory,
    person: PersonFactory,
) -> None:
    event, other = make_event(), make_event()
    ana = person(event, "Ana")
    session.commit()

    assert client.post(f"/e/{event.code}/registrations/{ana.id}/check-in").status_code == 403
    sign_in_as_moderator(client, other)
    assert client.post(f"/e/{other.code}/registrations/{ana.id}/check-in").status_code == 403
    assert stored_registrations(db, event)[0].checked_in_at is None


def test_cancel_is_undone_by_restore(
    client: TestClient,
    db: Database,
    session: Session,
    make_event: EventFactory,
    person: PersonFactory,
) -> None:
    event = make_event()
    ana = person(event, "Ana")
    session.commit()
    sign_in_as_moderator(client, event)

    cancelled = client.post(f"/e/{event.code}/registrations/{ana.id}/cancel")
    assert notice_of(cancelled.text) == "The registration of Ana is cancelled."
    assert "Restore" in cancelled.text
    restored = client.post(f"/e/{event.code}/registrations/{ana.id}/restore")
    assert notice_of(restored.text) == "The registration of Ana is restored."
    assert stored_registrations(db, event)[0].status is RegistrationStatus.registered


def test_walk_in_form_registers_and_checks_in(
    client: TestClient, db: Database, make_event: EventFactory
) -> None:
    event = make_event()
    sign_in_as_moderator(client, event)

    page = client.post(f"/e/{event.code}/walk-ins", data={"name": "Walt <i>", "country": "BE"})

    assert notice_of(page.text) == "Walt &lt;i&gt; is registered as a walk-in and checked in."
    (walt,) = stored_registrations(db, event)
    assert (walt.walk_in, walt.country, walt.checked_in_at is not None) == (True, "BE", True)


def test_walk_in_form_errors_come_back_next_to_the_fields(
    client: TestClient, db: Database, make_event: EventFactory
) -> None:
    event = make_event()
    sign_in_as_moderator(client, event)

    page = client.post(
        f"/e/{event.code}/walk-ins", data={"name": "", "email": "x", "place": "Gent"}
    )

    assert page.status_code == 422
    assert 'id="w-name-error">Please give the name.' in page.text
    assert 'id="w-email-error">&#39;x&#39; is not an e-mail address.' in page.text
    assert 'value="Gent"' in page.text
    assert count_registrations(db) == 0


def test_import_form_shows_the_report_as_a_table_with_line_numbers(
    client: TestClient, db: Database, make_event: EventFactory
) -> None:
    event = make_event()
    sign_in_as_moderator(client, event)
    data = csv_file("Name,Email", "Ana,ana@example.org", "<b>Ben</b>,not-mail")

    page = client.post(
        f"/e/{event.code}/registrations/import", files={"file": ("p.csv", data, "text/csv")}
    )

    assert page.status_code == 422
    assert "1 row has problems; nothing was imported." in page.text
    assert (
        "<tr><td>3</td><td>Email</td><td>&#39;not-mail&#39; is not an e-mail address.</td></tr>"
        in page.text
    )
    assert count_registrations(db) == 0


def test_import_form_imports_a_good_file(
    client: TestClient, db: Database, make_event: EventFactory
) -> None:
    event = make_event()
    sign_in_as_moderator(client, event)
    data = csv_file("Name;E-mail;Badge", "Ana;ana@example.org;A1")

    page = client.post(
        f"/e/{event.code}/registrations/import", files={"file": ("p.csv", data, "text/csv")}
    )

    assert notice_of(page.text) == (
        "1 registration imported: 1 with a seat, 0 on the waiting list. Columns not used: Badge."
    )
    assert count_registrations(db, event) == 1


def test_import_form_refuses_an_empty_file_with_a_message(
    client: TestClient, make_event: EventFactory
) -> None:
    event = make_event()
    sign_in_as_moderator(client, event)

    page = client.post(
        f"/e/{event.code}/registrations/import", files={"file": ("p.csv", b"", "text/csv")}
    )

    assert page.status_code == 422
    assert "Choose a CSV or XLSX file to import." in page.text


# -- the door ------------------------------------------------------------------------------


def test_scanned_code_is_refused_to_non_moderators_with_a_message(
    client: TestClient,
    db: Database,
    session: Session,
    make_event: EventFactory,
    person: PersonFactory,
) -> None:
    event = make_event()
    ana = person(event, "Ana")
    session.commit()

    for method in ("get", "post"):
        page = client.request(method, f"/e/{event.code}/checkin/{ana.token}")
        assert page.status_code == 403
        assert "Only the event&#39;s moderators can check people in." in page.text
        assert "Ana" not in page.text
    assert stored_registrations(db, event)[0].checked_in_at is None


def test_door_shows_the_person_and_checks_in_only_after_the_button(
    client: TestClient,
    db: Database,
    session: Session,
    make_event: EventFactory,
    person: PersonFactory,
) -> None:
    event = make_event()
    ana = person(event, "Ana Schmidt", organisation="Hamburg", country="DE")
    session.commit()
    sign_in_as_moderator(client, event)
    url = f"/e/{event.code}/checkin/{ana.token}"

    shown = client.get(url)
    assert "Check in Ana Schmidt" in shown.text
    assert "Germany" in shown.text
    assert stored_registrations(db, event)[0].checked_in_at is None

    checked = client.post(url)
    assert notice_of(checked.text) == "Ana Schmidt is checked in."
    assert '<dd data-figure="present">1</dd>' in checked.text
    again = client.post(url)
    assert notice_of(again.text).startswith("Ana Schmidt was already checked in at ")

    undone = client.post(
        f"/e/{event.code}/registrations/{ana.id}/undo-check-in", data={"back": "checkin"}
    )
    assert undone.url.path == url
    assert "Check in Ana Schmidt" in undone.text


def test_door_refuses_someone_waiting_when_the_room_is_full(
    client: TestClient, session: Session, make_event: EventFactory, person: PersonFactory
) -> None:
    event = make_event(capacity=1)
    ana, ben = person(event, "Ana"), person(event, "Ben")
    services.check_in(session, ana)
    session.commit()
    sign_in_as_moderator(client, event)

    page = client.post(f"/e/{event.code}/checkin/{ben.token}")

    assert notice_of(page.text).startswith("Ben is on the waiting list and the only seat is taken")
    assert 'class="error" role="alert"' in page.text


def test_unknown_code_at_the_door_is_not_found(
    client: TestClient, make_event: EventFactory
) -> None:
    event = make_event()
    sign_in_as_moderator(client, event)

    assert client.get(f"/e/{event.code}/checkin/{'x' * 22}").status_code == 404


# -- the live pages ------------------------------------------------------------------------


def test_moderator_page_has_the_attendance_card_and_others_do_not(
    client: TestClient, session: Session, make_event: EventFactory, person: PersonFactory
) -> None:
    event = make_event(capacity=144)
    services.check_in(session, person(event, "Ana"))
    session.commit()

    participant = client.get(f"/e/{event.code}")
    screen = client.get(f"/e/{event.code}/screen?key={event.screen_key}")
    sign_in_as_moderator(client, event)
    moderator = client.get(f"/e/{event.code}/moderate")

    assert '<h2 id="attendance-title">Attendance</h2>' in moderator.text
    assert '<dd data-figure="present">1</dd>' in moderator.text
    assert '<dd data-figure="occupancy">1 %</dd>' in moderator.text
    assert f'href="/e/{event.code}/registrations"' in moderator.text
    for page in (participant, screen):
        assert "data-attendance" not in page.text
        assert "Ana" not in page.text
