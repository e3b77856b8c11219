"""Registrations through the services: validation, capacity and waiting list, the door, figures."""

from __future__ import annotations

import threading
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session

from agora.core.db import Database
from agora.core.errors import Conflict, InvalidInput
from agora.registrations import services
from agora.registrations.attendance import Attendance, attendance
from agora.registrations.countries import country_code, fold
from agora.registrations.details import Details, InvalidDetails, clean_details, organisation_type_of
from agora.registrations.models import OrganisationType, RegistrationStatus
from tests.conftest import EventFactory
from tests.registrations.conftest import PersonFactory, details, stored_event

ALLOWED_TYPES = "city, region, network, ngo, company, university, other"


def problems_of(**fields: Any) -> dict[str, str]:
    """Return the message of each bad field of a registration."""
    with pytest.raises(InvalidDetails) as caught:
        clean_details(**fields)
    return {p.field: p.message for p in caught.value.problems}


# -- validation ----------------------------------------------------------------------------


def test_every_bad_field_is_named_with_its_own_message() -> None:
    found = problems_of(
        name="  ",
        email="anna-at-example.org",
        organisation="x" * 301,
        organisation_type="town hall",
        country="Atlantis",
        place="y" * 201,
    )

    assert found == {
        "name": "Please give the name.",
        "email": "'anna-at-example.org' is not an e-mail address.",
        "organisation": "The organisation is longer than 300 characters.",
        "organisation_type": (
            f"'town hall' is not an organisation type; use one of: {ALLOWED_TYPES}."
        ),
        "country": "'Atlantis' is not a country; give its two-letter ISO code (such as DE, FR "
        "or HR) or its English name.",
        "place": "The region or city is longer than 200 characters.",
    }


def test_name_may_have_200_characters_but_not_201() -> None:
    assert clean_details(name="n" * 200, email="a@example.org").name == "n" * 200
    assert problems_of(name="n" * 201, email="a@example.org") == {
        "name": "The name is longer than 200 characters."
    }


def test_email_is_required_on_the_form_but_not_for_walk_ins() -> None:
    assert problems_of(name="Anna") == {"email": "Please give the e-mail address."}
    assert clean_details(name="Anna", email_required=False).email is None


def test_control_characters_are_refused() -> None:
    assert problems_of(name="Anna\x00", email="a@example.org") == {
        "name": "This field contains a control character."
    }


def test_details_are_tidied_email_lower_cased_and_country_code_upper_cased() -> None:
    cleaned = clean_details(
        name="  Anna   Schmidt ",
        email="  Anna.Schmidt@Hamburg.DE ",
        organisation=" Free and Hanseatic City of Hamburg ",
        organisation_type="City",
        country="de",
        place=" Hamburg ",
    )

    assert cleaned == Details(
        name="Anna Schmidt",
        email="anna.schmidt@hamburg.de",
        organisation="Free and Hanseatic City of Hamburg",
        organisation_type=OrganisationType.city,
        country="DE",
        place="Hamburg",
    )


@pytest.mark.parametrize(
    ("given", "code"),
    [("HR", "HR"), ("hr", "HR"), ("Croatia", "HR"), ("EL", "GR"), ("UK", "GB"), ("XK", "XK")],
)
def test_country_is_an_iso_code_an_eu_code_or_an_english_name(given: str, code: str) -> None:
    assert country_code(given) == code


@pytest.mark.parametrize("given", ["XX", "EU", "ZZ", "Europe", "D"])
def test_what_is_not_a_country_is_refused(given: str) -> None:
    assert country_code(given) is None


@pytest.mark.parametrize(
    ("given", "kind"),
    [
        ("", OrganisationType.other),
        ("NGO", OrganisationType.ngo),
        ("Non-profit", OrganisationType.ngo),
        ("Municipality", OrganisationType.city),
        ("University", OrganisationType.university),
        ("Private sector", OrganisationType.company),
    ],
)
def test_organisation_type_accepts_the_types_and_common_words_for_them(
    given: str, kind: OrganisationType
) -> None:
    assert organisation_type_of(given) is kind


# -- registering: duplicates, closing, capacity ---------------------------------------------


def test_same_email_cannot_register_twice_for_one_event(
    session: Session, make_event: EventFactory, person: PersonFactory
) -> None:
    event, other = make_event(), make_event()
    person(event, "Anna", "anna@example.org")

    with pytest.raises(Conflict) as caught:
        person(event, "Anna again", "ANNA@example.org")
    assert caught.value.message == "anna@example.org is already registered for this event."
    assert caught.value.field == "email"
    assert person(other, "Anna", "anna@example.org").status is RegistrationStatus.registered


def test_closed_registration_refuses_the_form(
    session: Session, make_event: EventFactory, person: PersonFactory
) -> None:
    event = make_event()
    services.set_registration_open(session, stored_event(session, event), False)

    with pytest.raises(Conflict, match=r"Registration for this event is closed\."):
        person(event, "Anna")


def test_registrations_beyond_capacity_join_the_waiting_list_in_order(
    session: Session, make_event: EventFactory, person: PersonFactory
) -> None:
    event = make_event(capacity=2)
    people = [person(event, name) for name in ("Ana", "Ben", "Cem", "Dan")]

    assert [p.status for p in people] == [
        RegistrationStatus.registered,
        RegistrationStatus.registered,
        RegistrationStatus.waitlisted,
        RegistrationStatus.waitlisted,
    ]
    assert [services.waitlist_position(session, p) for p in people] == [None, None, 1, 2]


def test_without_capacity_everyone_gets_a_seat(
    session: Session, make_event: EventFactory, person: PersonFactory
) -> None:
    event = make_event(capacity=None)
    people = [person(event, f"Person {i}") for i in range(5)]

    assert {p.status for p in people} == {RegistrationStatus.registered}


def test_cancelling_a_seat_promotes_the_first_person_waiting(
    session: Session, make_event: EventFactory, person: PersonFactory
) -> None:
    event = make_event(capacity=1)
    ana, ben, cem = (person(event, name) for name in ("Ana", "Ben", "Cem"))

    outcome = services.cancel(session, ana)

    assert ana.status is RegistrationStatus.cancelled
    assert [p.name for p in outcome.promoted] == ["Ben"]
    assert (ben.status, cem.status) == (
        RegistrationStatus.registered,
        RegistrationStatus.waitlisted,
    )
    assert outcome.message == (
        "The registration of Ana is cancelled. Ben gets the seat from the waiting list."
    )
    assert services.waitlist_position(session, cem) == 1


def test_cancelling_someone_waiting_gives_no_seat_away(
    session: Session, make_event: EventFactory, person: PersonFactory
) -> None:
    event = make_event(capacity=1)
    ana, ben, cem = (person(event, name) for name in ("Ana", "Ben", "Cem"))

    outcome = services.cancel(session, ben)

    assert outcome.promoted == ()
    assert (ana.status, cem.status) == (
        RegistrationStatus.registered,
        RegistrationStatus.waitlisted,
    )
    assert services.cancel(session, ben).changed is False  # a second click changes nothing


def test_someone_checked_in_cannot_be_cancelled(
    session: Session, make_event: EventFactory, person: PersonFactory
) -> None:
    ana = person(make_event(), "Ana")
    services.check_in(session, ana)

    with pytest.raises(Conflict, match=r"Ana is checked in; undo the check-in first\."):
        services.cancel(session, ana)


def test_restoring_a_cancellation_gives_the_seat_back_when_it_is_free(
    session: Session, make_event: EventFactory, person: PersonFactory
) -> None:
    event = make_event(capacity=2)
    ana = person(event, "Ana")
    services.cancel(session, ana)

    outcome = services.restore(session, ana)

    assert outcome.message == "The registration of Ana is restored."
    assert ana.status is RegistrationStatus.registered


def test_restoring_when_the_seat_went_on_puts_them_first_in_line(
    session: Session, make_event: EventFactory, person: PersonFactory
) -> None:
    event = make_event(capacity=1)
    ana, ben, cem = (person(event, name) for name in ("Ana", "Ben", "Cem"))
    services.cancel(session, ana)  # Ben gets the seat

    outcome = services.restore(session, ana)

    assert ben.status is RegistrationStatus.registered
    assert ana.status is RegistrationStatus.waitlisted
    assert outcome.message == (
        "The registration of Ana is restored on the waiting list: all seats are taken."
    )
    assert services.waitlist_position(session, ana) == 1
    assert services.waitlist_position(session, cem) == 2


def test_registering_again_after_cancelling_renews_the_registration_at_the_end(
    session: Session, make_event: EventFactory, person: PersonFactory
) -> None:
    event = make_event(capacity=1)
    ana = person(event, "Ana", "ana@example.org")
    old_link = ana.token
    ben = person(event, "Ben")
    services.cancel(session, ana)

    again = person(event, "Ana Again", "ana@example.org", organisation="Murcia")

    assert again.id == ana.id
    assert again.token != old_link  # whoever kept the cancelled link sees nothing new
    assert (again.name, again.organisation) == ("Ana Again", "Murcia")
    assert again.status is RegistrationStatus.waitlisted
    assert ben.status is RegistrationStatus.registered


def test_registrations_sent_at_once_never_take_more_seats_than_there_are(
    db: Database, make_event: EventFactory
) -> None:
    event = make_event(capacity=5)
    errors: list[BaseException] = []

    def register(index: int) -> None:
        try:
            with db.session() as session:
                stored = stored_event(session, event)
                services.register(session, stored, details(f"Person {index}"))
        except BaseException as exc:  # collected: the assertion below shows them all
            errors.append(exc)

    threads = [threading.Thread(target=register, args=(i,)) for i in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    with db.session() as session:
        figures = attendance(session, stored_event(session, event))
    assert (figures.registered, figures.waitlisted) == (5, 7)


# -- the door ------------------------------------------------------------------------------


def test_second_check_in_says_when_the_first_was_and_changes_nothing(
    session: Session, make_event: EventFactory, person: PersonFactory
) -> None:
    event = make_event(time_zone="America/Argentina/Buenos_Aires")
    ana = person(event, "Ana")
    first = services.check_in(session, ana)
    checked_at = ana.checked_in_at
    assert checked_at is not None

    second = services.check_in(session, ana)

    assert (first.changed, first.message) == (True, "Ana is checked in.")
    assert second.changed is False
    local = checked_at.astimezone(ZoneInfo("America/Argentina/Buenos_Aires"))
    when = local.strftime("%H:%M") if local.date() == event.starts_on else f"{local:%Y-%m-%d %H:%M}"
    assert (
        second.message == f"Ana was already checked in at {when} (America/Argentina/Buenos_Aires)."
    )
    assert ana.checked_in_at == checked_at


def test_undoing_a_check_in_loses_nothing(
    session: Session, make_event: EventFactory, person: PersonFactory
) -> None:
    ana = person(make_event(), "Ana")
    services.check_in(session, ana)

    undone = services.undo_check_in(session, ana)

    assert (undone.changed, undone.message) == (True, "The check-in of Ana is undone.")
    assert ana.checked_in_at is None
    assert ana.status is RegistrationStatus.registered
    assert services.undo_check_in(session, ana).message == "Ana was not checked in."


def test_someone_waiting_may_come_in_while_the_room_has_free_seats(
    session: Session, make_event: EventFactory, person: PersonFactory
) -> None:
    event = make_event(capacity=1)
    ana, ben = person(event, "Ana"), person(event, "Ben")

    assert services.check_in(session, ben).changed  # Ana has not come (yet): one seat is free
    assert ben.status is RegistrationStatus.waitlisted
    with pytest.raises(Conflict) as caught:
        services.check_in(session, person(event, "Cem"))
    assert caught.value.message == (
        "Cem is on the waiting list and the only seat is taken; let them in as a walk-in if "
        "the room allows."
    )
    assert services.check_in(session, ana).changed  # a seat holder always comes in


def test_a_cancelled_registration_cannot_check_in(
    session: Session, make_event: EventFactory, person: PersonFactory
) -> None:
    ana = person(make_event(), "Ana")
    services.cancel(session, ana)

    with pytest.raises(Conflict, match="The registration of Ana was cancelled"):
        services.check_in(session, ana)


def test_unknown_action_is_refused_with_the_list_of_actions(
    session: Session, make_event: EventFactory, person: PersonFactory
) -> None:
    ana = person(make_event(), "Ana")

    with pytest.raises(InvalidInput) as caught:
        services.run_action(session, ana, "explode")
    assert caught.value.message == (
        "'explode' is not a registration action; use one of: check-in, undo-check-in, "
        "cancel, restore."
    )


def test_walk_ins_are_registered_and_checked_in_whatever_the_capacity(
    session: Session, make_event: EventFactory, person: PersonFactory
) -> None:
    event = make_event(capacity=1)
    person(event, "Ana")

    walker = services.register_walk_in(
        session,
        stored_event(session, event),
        clean_details(name="Walt", email_required=False),
    )

    assert walker.status is RegistrationStatus.registered
    assert (walker.walk_in, walker.source, walker.email) == (True, "walk-in", None)
    assert walker.checked_in_at is not None
    figures = attendance(session, stored_event(session, event))
    assert (figures.registered, figures.walk_ins, figures.present) == (1, 1, 1)


def test_a_walk_in_with_the_email_of_a_registration_is_sent_to_check_in(
    session: Session, make_event: EventFactory, person: PersonFactory
) -> None:
    event = make_event()
    person(event, "Ana", "ana@example.org")

    with pytest.raises(Conflict) as caught:
        services.register_walk_in(
            session, stored_event(session, event), details("Ana", "ana@example.org")
        )
    assert caught.value.message == (
        "ana@example.org is already registered (Ana); check them in instead."
    )


def test_search_ignores_case_and_accents_and_needs_every_word(
    session: Session, make_event: EventFactory, person: PersonFactory
) -> None:
    event = make_event()
    person(event, "José Pérez", organisation="Región de Murcia")
    person(event, "Łucja Nowak", "lucja@lodz.pl", organisation="Łódź")
    person(event, "Jörg Weiß", organisation="Hamburg")
    stored = stored_event(session, event)

    def names(query: str) -> list[str]:
        return [r.name for r in services.search(session, stored, query)]

    assert names("jose") == ["José Pérez"]
    assert names("REGION murcia") == ["José Pérez"]
    assert names("lodz") == ["Łucja Nowak"]
    assert names("weiss") == ["Jörg Weiß"]
    assert names("@lodz.pl") == ["Łucja Nowak"]
    assert names("jose hamburg") == []
    assert names("") == ["Jörg Weiß", "José Pérez", "Łucja Nowak"]  # everyone, by name


def test_fold_removes_case_and_accents() -> None:
    assert fold("Krapina-Zagorje ŽUPANIJA") == "krapina-zagorje zupanija"
    assert fold("Ærø Øresund") == "aero oresund"


# -- attendance ----------------------------------------------------------------------------


def test_attendance_of_the_reference_session(
    session: Session, make_event: EventFactory, person: PersonFactory
) -> None:
    """128 registered, 110 of them came, 34 walked in: 144 present in 144 seats."""
    event = make_event(capacity=144)
    stored = stored_event(session, event)
    registered = [person(event, f"Registered {i}") for i in range(128)]
    for registration in registered[:110]:
        services.check_in(session, registration)
    for i in range(34):
        services.register_walk_in(
            session, stored, clean_details(name=f"Walk-in {i}", email_required=False)
        )

    figures = attendance(session, stored)

    assert figures == Attendance(
        registered=128,
        waitlisted=0,
        cancelled=0,
        checked_in=110,
        walk_ins=34,
        present=144,
        no_shows=18,
        seats=144,
        free_seats=0,
        occupancy=1.0,
    )


def test_attendance_counts_cancellations_and_waiting_apart(
    session: Session, make_event: EventFactory, person: PersonFactory
) -> None:
    event = make_event(capacity=2)
    ana, ben, cem, dan = (person(event, name) for name in ("Ana", "Ben", "Cem", "Dan"))
    services.check_in(session, ana)
    services.cancel(session, ben)  # Cem moves up
    services.check_in(session, dan)  # waiting, but a seat in the room is free

    figures = attendance(session, stored_event(session, event))

    assert figures.as_dict() == {
        "registered": 2,
        "waitlisted": 1,
        "cancelled": 1,
        "checked_in": 2,
        "walk_ins": 0,
        "present": 2,
        "no_shows": 1,
        "seats": 2,
        "free_seats": 0,
        "occupancy": 1.0,
    }
    assert cem.status is RegistrationStatus.registered


def test_without_seats_there_is_no_occupancy(
    session: Session, make_event: EventFactory, person: PersonFactory
) -> None:
    event = make_event(capacity=None)
    services.check_in(session, person(event, "Ana"))

    figures = attendance(session, stored_event(session, event))

    assert (figures.present, figures.seats, figures.free_seats, figures.occupancy) == (
        1,
        None,
        None,
        None,
    )


def test_details_are_kept_in_nfc() -> None:
    """A name typed with a combining accent is stored as the one character shown (as every
    other field is), so searching and the report find it."""
    person = details("Cafe\u0301 Zagreb", email="cafe@example.org", organisation="Ko\u0301d")
    assert (person.name, person.organisation) == ("Café Zagreb", "Kód")
