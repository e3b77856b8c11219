"""Helpers of the account and team tests: apps with sign-up open or a mail server, links."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import httpx2 as httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from agora.app import create_app
from agora.core.settings import Settings

LINK = re.compile(r"https?://\S+/(?:password/link|invitations)/[A-Za-z0-9_-]+(?:\?next=\S+)?")


def logged_links(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Return every link Agora wrote to the log instead of e-mailing it, oldest first."""
    return [
        link
        for record in caplog.records
        if record.name == "agora.accounts.mail"
        for link in LINK.findall(record.getMessage())
    ]


def path_of(url: str) -> str:
    """Return the path (and query) of an absolute link, for a test client."""
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


AppFactory = Callable[..., FastAPI]


@pytest.fixture
def make_app(settings: Settings) -> AppFactory:
    """Create an app on the test database with some settings changed (sign-up, SMTP)."""

    def factory(**changes: Any) -> FastAPI:
        return create_app(Settings(**{**settings.model_dump(), **changes, "_env_file": None}))

    return factory


ClientFactory = Callable[[FastAPI], TestClient]


@pytest.fixture
def client_of() -> Iterator[ClientFactory]:
    """Start an app made by ``make_app`` and return its client (stopped after the test)."""
    opened: list[TestClient] = []

    def factory(app: FastAPI) -> TestClient:
        client = TestClient(app)
        client.__enter__()
        opened.append(client)
        return client

    yield factory
    for client in reversed(opened):
        client.__exit__(None, None, None)


class Browser:
    """Another person's browser on the same running app: the client with its own cookies."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.cookies = httpx.Cookies()

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """Send a request with this browser's cookies, and keep the ones it sets."""
        saved = self.client.cookies
        self.client.cookies = self.cookies
        try:
            return self.client.request(method, url, **kwargs)
        finally:
            self.cookies = self.client.cookies
            self.client.cookies = saved

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        """GET ``url`` from this browser."""
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        """POST to ``url`` from this browser."""
        return self.request("POST", url, **kwargs)


def sign_in(client: TestClient | Browser, email: str, password: str) -> None:
    """Sign ``client`` in as an organiser through the sign-in form."""
    response = client.post(
        "/login", data={"email": email, "password": password}, follow_redirects=False
    )
    assert response.status_code == 303, response.text
