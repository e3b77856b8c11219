"""Password links: a new account or a forgotten password, valid once, for a while, hashed."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from agora.accounts.models import LinkPurpose, Organiser, PasswordLink
from agora.accounts.services import (
    LINKS_PER_WINDOW,
    authenticate,
    create_organiser,
    password_link,
    request_password_reset,
    request_signup,
    set_password_by_link,
)
from agora.core.errors import Conflict, InvalidInput, NotAuthenticated, NotFound
from tests.conftest import OrganiserFactory

OLD = "correct horse battery"
NEW = "purple elephant kettle"


def stored_links(session: Session) -> list[PasswordLink]:
    return list(session.scalars(select(PasswordLink).order_by(PasswordLink.id)))


def test_reset_link_is_stored_only_as_a_digest_and_works_once(
    session: Session, make_organiser: OrganiserFactory
) -> None:
    make_organiser(email="staff@region.example", password=OLD)

    issued = request_password_reset(session, email=" Staff@Region.example ")
    assert issued is not None
    session.commit()

    assert issued.purpose is LinkPurpose.reset
    assert len(issued.token) >= 40
    (row,) = stored_links(session)
    assert row.digest == hashlib.sha256(issued.token.encode()).hexdigest()
    assert issued.token not in " ".join(
        str(v) for v in session.execute(select(PasswordLink.__table__)).one()
    )
    assert row.expires_at - row.created_at == dt.timedelta(hours=1)

    organiser = set_password_by_link(session, token=issued.token, password=NEW, confirmation=NEW)
    session.commit()

    assert organiser.password_hash.startswith("$argon2id$")
    assert authenticate(session, email="staff@region.example", password=NEW) == organiser
    with pytest.raises(NotAuthenticated):
        authenticate(session, email="staff@region.example", password=OLD)
    with pytest.raises(Conflict) as used:
        set_password_by_link(session, token=issued.token, password=OLD, confirmation=OLD)
    assert (
        used.value.message == "This link was used already: each link works once. Ask for a new one."
    )


def test_unknown_address_gets_no_link_and_raises_nothing(session: Session) -> None:
    assert request_password_reset(session, email="nobody@region.example") is None
    assert stored_links(session) == []


def test_malformed_address_is_refused_by_field(session: Session) -> None:
    with pytest.raises(InvalidInput) as caught:
        request_password_reset(session, email="staff-at-region")

    assert caught.value.field == "email"
    assert caught.value.message == "'staff-at-region' is not an e-mail address."


def test_expired_link_is_refused_with_a_clear_message(
    session: Session, make_organiser: OrganiserFactory
) -> None:
    make_organiser(email="staff@region.example", password=OLD)
    issued = request_password_reset(session, email="staff@region.example")
    assert issued is not None
    session.execute(
        update(PasswordLink).values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
    )

    with pytest.raises(Conflict) as caught:
        set_password_by_link(session, token=issued.token, password=NEW, confirmation=NEW)

    assert caught.value.message == "This link has expired. Ask for a new one."
    assert authenticate(session, email="staff@region.example", password=OLD)


@pytest.mark.parametrize("token", ["", "x" * 43, "not a link"])
def test_unknown_link_is_not_valid(session: Session, token: str) -> None:
    with pytest.raises(NotFound) as caught:
        password_link(session, token)

    assert caught.value.message.startswith("This link is not valid.")


@pytest.mark.parametrize(
    ("password", "confirmation", "field", "message"),
    [
        ("short one", "short one", "password", "The password must have at least 10 characters."),
        ("x" * 257, "x" * 257, "password", "The password must have at most 256 characters."),
        (
            NEW,
            NEW + "!",
            "confirmation",
            "The two passwords are not the same; type the new password twice.",
        ),
    ],
)
def test_refused_password_changes_nothing_and_keeps_the_link(
    session: Session,
    make_organiser: OrganiserFactory,
    password: str,
    confirmation: str,
    field: str,
    message: str,
) -> None:
    make_organiser(email="staff@region.example", password=OLD)
    issued = request_password_reset(session, email="staff@region.example")
    assert issued is not None

    with pytest.raises(InvalidInput) as caught:
        set_password_by_link(
            session, token=issued.token, password=password, confirmation=confirmation
        )

    assert (caught.value.field, caught.value.message) == (field, message)
    assert password_link(session, issued.token).used_at is None
    assert authenticate(session, email="staff@region.example", password=OLD)


def test_new_password_uses_up_every_other_link_and_changes_the_sign_in_stamp(
    session: Session, make_organiser: OrganiserFactory
) -> None:
    make_organiser(email="staff@region.example", password=OLD)
    first = request_password_reset(session, email="staff@region.example")
    second = request_password_reset(session, email="staff@region.example")
    assert first is not None
    assert second is not None
    organiser = session.scalars(select(Organiser)).one()
    old_hash = organiser.password_hash

    set_password_by_link(session, token=second.token, password=NEW, confirmation=NEW)

    assert organiser.password_hash != old_hash
    with pytest.raises(Conflict):
        password_link(session, first.token)


def test_links_are_limited_so_that_a_form_cannot_flood_an_inbox(
    session: Session, make_organiser: OrganiserFactory
) -> None:
    make_organiser(email="staff@region.example", password=OLD)

    issued = [request_password_reset(session, email="staff@region.example") for _ in range(5)]

    assert sum(link is not None for link in issued) == LINKS_PER_WINDOW
    assert len(stored_links(session)) == LINKS_PER_WINDOW


def test_signup_makes_an_account_that_works_once_its_password_is_chosen(session: Session) -> None:
    issued = request_signup(session, email="Ana@Region.example", name=" Ana Horvat ")
    assert issued is not None

    organiser = session.scalars(select(Organiser)).one()
    assert (organiser.email, organiser.name, organiser.password_hash) == (
        "ana@region.example",
        "Ana Horvat",
        "",
    )
    assert issued.purpose is LinkPurpose.signup
    with pytest.raises(NotAuthenticated):
        authenticate(session, email="ana@region.example", password="")

    set_password_by_link(session, token=issued.token, password=NEW, confirmation=NEW)

    assert authenticate(session, email="ana@region.example", password=NEW) == organiser


def test_signup_for_an_existing_account_sends_a_new_password_link_instead(
    session: Session, make_organiser: OrganiserFactory
) -> None:
    make_organiser(email="staff@region.example", password=OLD, name="Staff")

    issued = request_signup(session, email="staff@region.example", name="Someone else")

    assert issued is not None
    assert (issued.purpose, issued.for_signup) == (LinkPurpose.reset, True)
    assert session.scalars(select(Organiser)).one().name == "Staff"
    assert authenticate(session, email="staff@region.example", password=OLD)


def test_operator_completes_an_account_started_at_signup(session: Session) -> None:
    request_signup(session, email="ana@region.example", name="Ana")

    organiser = create_organiser(session, email="ana@region.example", password=NEW)

    assert organiser.name == "Ana"
    assert authenticate(session, email="ana@region.example", password=NEW) == organiser
    with pytest.raises(Conflict):
        create_organiser(session, email="ana@region.example", password=NEW)


def test_signup_refuses_a_long_name_by_field(session: Session) -> None:
    with pytest.raises(InvalidInput) as caught:
        request_signup(session, email="ana@region.example", name="A" * 201)

    assert caught.value.field == "name"
    assert caught.value.message == "The name is longer than 200 characters."
    assert session.scalars(select(Organiser)).all() == []
