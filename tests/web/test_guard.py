"""The edge of every request: size limits applied while reading, NUL and deep JSON refused."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from agora.core.db import Database
from agora.events.models import Event, Participant
from tests.conftest import EventFactory
from tests.routes import flat_routes

LIMIT = 256 * 1024


def _body_routes() -> list[tuple[str, str]]:
    """Return (method, path) of every route that takes a body, with sample path values."""
    out = []
    for route in flat_routes():
        for method in sorted((route.methods or set()) - {"GET", "HEAD", "OPTIONS"}):
            path = route.path
            for name in route.param_convertors:
                path = path.replace("{" + name + "}", "1" if name.endswith("id") else "X1")
            path = path.replace("{code}", "X1")
            out.append((method, path))
    return out


def test_every_route_refuses_a_body_over_the_limit_before_reading_it(client: TestClient) -> None:
    routes = _body_routes()
    assert len(routes) > 100  # included routers' too (the editor, the console, the themes)
    big = b"x" * (LIMIT + 1)
    for method, path in routes:
        for media in ("application/json", "application/x-www-form-urlencoded"):
            response = client.request(method, path, content=big, headers={"content-type": media})
            assert response.status_code == 413, (method, path, media, response.status_code)


def test_a_body_without_its_length_is_stopped_once_it_passes_the_limit(
    client: TestClient,
) -> None:
    def chunks() -> Iterator[bytes]:  # sent chunked: no Content-Length to refuse it by
        for _n in range(100):
            yield b"y" * 65536

    response = client.post(
        "/api/v1/events/X1/join",
        content=chunks(),
        headers={"content-type": "application/json", "accept": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["error"] == "PayloadTooLarge"
    assert "256 KB" in response.json()["message"]


def test_an_upload_may_be_larger_than_a_form_but_not_without_limit(client: TestClient) -> None:
    boundary = "agoratest"
    huge = b"x" * (3 * 1024 * 1024 + 1)
    response = client.post(
        "/e/X1/registrations/import",
        content=huge,
        headers={"content-type": f"multipart/form-data; boundary={boundary}"},
    )
    assert response.status_code == 413


@pytest.mark.parametrize(
    ("path", "body", "media"),
    [
        ("/api/v1/events/ABC234/join", b'{"name": "A\\u0000B"}', "application/json"),
        ("/api/v1/events/ABC234/join", b'{"name": "A\x00B"}', "application/json"),
        ("/e/ABC234/join", b"name=A%00B", "application/x-www-form-urlencoded"),
    ],
)
def test_nul_is_refused_with_422_and_changes_nothing(
    client: TestClient, db: Database, make_event: EventFactory, path: str, body: bytes, media: str
) -> None:
    make_event(code="ABC234")
    response = client.post(path, content=body, headers={"content-type": media})
    assert response.status_code == 422
    assert "NUL" in response.text
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Participant)) == 0
        assert session.scalar(select(func.count()).select_from(Event)) == 1


def test_an_escaped_backslash_before_u0000_is_text_not_nul(client: TestClient) -> None:
    response = client.post(
        "/api/v1/events/X1/join",
        content=b'{"name": "\\\\u0000"}',
        headers={"content-type": "application/json"},
    )
    assert response.status_code != 422 or "NUL" not in response.text


def test_nul_in_the_address_is_refused(client: TestClient) -> None:
    assert client.get("/e/AB%00C").status_code == 422
    assert client.get("/e/ABC?key=%00").status_code == 422


def test_json_nested_thousands_deep_is_a_422_not_a_500(client: TestClient) -> None:
    body = b"[" * 5000 + b"]" * 5000
    response = client.post(
        "/api/v1/events/X1/join", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert "nested more than 64 levels" in response.json()["message"]


def test_json_depth_skips_brackets_inside_strings() -> None:
    from agora.web.guard import json_depth

    assert json_depth(b'{"a": [1, {"b": "[[[[{{"}]}') == 3
    assert json_depth(b'"\\"[["') == 0
    assert json_depth(b"[" * 70 + b"]" * 70) == 70


def test_a_form_post_with_cookies_from_another_site_is_refused(
    client: TestClient, make_event: EventFactory, db: Database
) -> None:
    make_event(code="ABC234")
    client.cookies.set("agora_lang", "en")  # any cookie: the browser would send them all
    foreign = client.post(
        "/e/ABC234/join", data={"name": "Ana"}, headers={"origin": "https://evil.example"}
    )
    assert foreign.status_code == 403
    assert "another site" in foreign.text
    by_referer = client.post(
        "/e/ABC234/join",
        data={"name": "Ana"},
        headers={"referer": "https://evil.example/page"},
    )
    assert by_referer.status_code == 403
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Participant)) == 0
    same = client.post(
        "/e/ABC234/join",
        data={"name": "Ana"},
        headers={"origin": "http://testserver"},
        follow_redirects=False,
    )
    assert same.status_code in {200, 303}


def test_a_client_without_cookies_or_origin_is_not_checked(client: TestClient) -> None:
    response = client.post(
        "/api/v1/events/X1/join", json={}, headers={"origin": "https://evil.example"}
    )
    assert response.status_code != 403  # an API client authenticates by token, not cookie
