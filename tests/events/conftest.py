"""Fixtures of the organiser's pages: a signed-in organiser's browser-like client."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from tests.conftest import OrganiserFactory, OrganiserLogin

SignIn = Callable[..., OrganiserLogin]


@pytest.fixture
def sign_in(client: TestClient, make_organiser: OrganiserFactory) -> SignIn:
    """Create an organiser and sign the client in as them (the page cookie, not a token)."""

    def factory(email: str = "staff@region.example") -> OrganiserLogin:
        organiser = make_organiser(email=email)
        client.cookies.clear()
        response = client.post(
            "/login",
            data={"email": organiser.email, "password": organiser.password},
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text
        return organiser

    return factory
