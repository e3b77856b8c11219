"""Choosing the language: the browser's, the event's, or the one the person picks."""

from __future__ import annotations

from fastapi.testclient import TestClient

from agora.app import _accepted
from agora.core.i18n import current_language, set_language, supported
from tests.conftest import EventFactory


def test_supported_languages_fold_regions_and_refuse_others() -> None:
    assert supported("fr-BE") == "fr"
    assert supported("PT_br") == "pt-PT"  # Portuguese is European Portuguese (docs/operating.md)
    assert supported("pt") == "pt-PT"
    assert supported("nl") is None
    assert supported("") is None
    set_language("xx")
    assert current_language() == "en"


def test_accept_language_is_read_by_weight() -> None:
    assert _accepted("nl;q=0.9, hr;q=0.95, en;q=0.1") == ["hr", "nl", "en"]
    assert _accepted("de, *;q=0") == ["de"]


def test_choosing_a_language_sets_a_cookie_and_goes_back(client: TestClient) -> None:
    response = client.get("/language?to=hr&back=/e/ABCD?q=1", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/e/ABCD?q=1"
    assert response.cookies["agora_lang"] == "hr"
    elsewhere = client.get("/language?to=fr&back=//evil.example/x", follow_redirects=False)
    assert elsewhere.headers["location"] == "/"
    unknown = client.get("/language?to=tlh", headers={"accept": "application/json"})
    assert unknown.status_code == 422
    assert "tlh" in unknown.json()["message"]


def test_pages_declare_the_chosen_language(client: TestClient, make_event: EventFactory) -> None:
    event = make_event(language="de")
    assert '<html lang="de">' in client.get(f"/e/{event.code}").text  # the event's language
    client.get("/language?to=ro&back=/")
    assert '<html lang="ro">' in client.get(f"/e/{event.code}").text  # the person's choice
    fresh = TestClient(client.app)
    assert '<html lang="it">' in fresh.get("/", headers={"accept-language": "it-IT,it;q=0.9"}).text
    brazil = fresh.get("/", headers={"accept-language": "pt-BR,pt;q=0.9"}).text
    assert '<html lang="pt-PT">' in brazil  # the European text, not English
