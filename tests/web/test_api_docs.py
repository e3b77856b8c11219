"""The API's documentation page: Swagger UI from Agora's own files, under the strict CSP."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.browser import LiveServer, watch_errors


def test_the_docs_page_loads_only_agoras_own_files(client: TestClient) -> None:
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sources
    assert all(s.startswith("/") and not s.startswith("//") for s in sources), sources
    assert "<script>" not in page.text  # nothing inline: the CSP forbids it
    for source in sources:
        assert client.get(source).status_code == 200, source


@pytest.mark.browser
def test_swagger_ui_draws_every_operation_in_chromium(
    live_server: LiveServer, browser: Any
) -> None:
    page = browser.new_page()
    errors = watch_errors(page)
    foreign: list[str] = []
    page.on(
        "request",
        lambda request: (
            foreign.append(request.url) if not request.url.startswith(live_server.url) else None
        ),
    )
    page.goto(f"{live_server.url}/api/v1/docs")
    page.wait_for_selector(".opblock")
    assert page.locator(".opblock").count() > 30
    assert not errors
    assert not foreign
