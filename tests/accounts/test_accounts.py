"""Organiser accounts: argon2 passwords, e-mail rules, API tokens stored only as digests."""

from __future__ import annotations

import hashlib

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from agora.accounts.models import ApiToken, Organiser
from agora.accounts.services import (
    authenticate,
    create_api_token,
    create_organiser,
    organiser_for_token,
)
from agora.core.errors import Conflict, InvalidInput, NotAuthenticated, NotFound
from tests.conftest import OrganiserFactory

PASSWORD = "correct horse battery"


def count(session: Session, model: type[Organiser] | type[ApiToken]) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_password_is_stored_as_an_argon2id_hash_and_checked(session: Session) -> None:
    organiser = create_organiser(
        session, email=" Staff@Region.Example ", password=PASSWORD, name=" Ana "
    )
    session.commit()

    assert organiser.email == "staff@region.example"
    assert organiser.name == "Ana"
    assert organiser.password_hash.startswith("$argon2id$")
    assert PASSWORD not in organiser.password_hash
    assert authenticate(session, email="STAFF@region.example ", password=PASSWORD) == organiser


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("staff@region.example", "correct horse battery!"),
        ("staff@region.example", ""),
        ("someone@region.example", PASSWORD),
    ],
)
def test_wrong_password_or_unknown_address_is_refused_alike(
    session: Session, email: str, password: str
) -> None:
    create_organiser(session, email="staff@region.example", password=PASSWORD)

    with pytest.raises(NotAuthenticated) as caught:
        authenticate(session, email=email, password=password)

    assert caught.value.message == "The e-mail address or the password is wrong."


def test_short_password_is_refused(session: Session) -> None:
    with pytest.raises(InvalidInput) as caught:
        create_organiser(session, email="staff@region.example", password="123456789")

    assert caught.value.field == "password"
    assert caught.value.message == "The password must have at least 10 characters."
    assert count(session, Organiser) == 0


@pytest.mark.parametrize("email", ["staff", "staff@region", "two words@region.example", ""])
def test_malformed_email_is_refused(session: Session, email: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        create_organiser(session, email=email, password=PASSWORD)

    assert caught.value.field == "email"
    assert "is not an e-mail address" in caught.value.message


def test_second_account_with_the_same_email_is_a_conflict(
    session: Session, make_organiser: OrganiserFactory
) -> None:
    make_organiser(email="staff@region.example")

    with pytest.raises(Conflict) as caught:
        create_organiser(session, email="STAFF@region.example", password="another password")

    assert caught.value.field == "email"
    assert caught.value.message == "An account with this e-mail address exists already."
    assert count(session, Organiser) == 1


def test_api_token_is_shown_once_and_only_its_digest_is_stored(
    session: Session, make_organiser: OrganiserFactory
) -> None:
    organiser = make_organiser(email="staff@region.example")

    token = create_api_token(session, email="Staff@Region.example", label="laptop")
    session.commit()

    assert token.startswith("agora_")
    assert len(token) > 40
    row = session.scalars(select(ApiToken).where(ApiToken.label == "laptop")).one()
    assert row.digest == hashlib.sha256(token.encode()).hexdigest()
    stored = [str(value) for value in session.execute(select(ApiToken.__table__)).all()]
    assert not any(token in value or token.removeprefix("agora_") in value for value in stored)
    found = organiser_for_token(session, token)
    assert found is not None
    assert found.id == organiser.id


def test_each_token_is_new_and_unknown_tokens_match_nobody(
    session: Session, make_organiser: OrganiserFactory
) -> None:
    organiser = make_organiser()

    second = create_api_token(session, email=organiser.email)

    assert second != organiser.token
    assert organiser_for_token(session, "agora_" + "x" * 43) is None
    assert organiser_for_token(session, organiser.token[:-1]) is None
    assert organiser_for_token(session, hashlib.sha256(second.encode()).hexdigest()) is None


def test_token_for_an_unknown_organiser_is_refused(session: Session) -> None:
    with pytest.raises(NotFound) as caught:
        create_api_token(session, email="nobody@region.example")

    assert caught.value.message == "No organiser has the e-mail address nobody@region.example."
    assert count(session, ApiToken) == 0


def test_token_authenticates_api_calls(
    client: TestClient, make_organiser: OrganiserFactory
) -> None:
    organiser = make_organiser()
    event = {"title": "Partners day", "starts_on": "2024-05-01"}

    accepted = client.post("/api/v1/events", json=event, headers=organiser.headers)
    refused = client.post(
        "/api/v1/events",
        json=event,
        headers={"Authorization": f"Bearer {organiser.token}x"},
    )

    assert accepted.status_code == 201, accepted.text
    assert refused.status_code == 401
    assert refused.json()["message"] == "Send an organiser API token (agora token create)."
