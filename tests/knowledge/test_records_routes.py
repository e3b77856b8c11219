"""The knowledge base's record URLs: who may read, change, import, export and promote."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from agora.core.db import Database
from agora.events.models import AuditEntry, Event
from agora.knowledge.models import Cooperation
from agora.takeaways.live import moderation_list
from tests.accounts.conftest import sign_in
from tests.conftest import EventFactory, OrganiserFactory
from tests.knowledge.records_fixtures import ActorFactory, ApprovedFactory, sqlite_only
from tests.knowledge.test_promotion import MURCIA

FILES = Path(__file__).parent / "files"


@pytest.fixture
def database_url(tmp_path: Path, sqlite_template: Path) -> str:
    """Routes are the same on both databases: these tests run on SQLite only."""
    return sqlite_only(tmp_path, sqlite_template)


def test_readers_need_an_organiser_unless_the_knowledge_base_is_public(
    client: TestClient, make_organiser: OrganiserFactory, kb_actor: ActorFactory
) -> None:
    kb_actor("Graz")
    assert client.get("/api/v1/knowledge/actors").status_code == 401
    assert client.get("/api/v1/knowledge/topics").status_code == 401
    organiser = make_organiser()
    listed = client.get("/api/v1/knowledge/actors", headers=organiser.headers)
    assert [a["name"] for a in listed.json()] == ["Graz"]
    topics = client.get("/api/v1/knowledge/topics", headers=organiser.headers).json()
    assert len(topics) == 7
    assert topics[0]["names"]["fr"]


def test_a_public_knowledge_base_is_read_by_anyone_and_changed_by_organisers_only(
    client: TestClient, kb_actor: ActorFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    graz = kb_actor("Graz")
    client.app.state.agora.settings.knowledge_public = True  # type: ignore[attr-defined]
    assert client.get(f"/api/v1/knowledge/actors/{graz.id}").json()["name"] == "Graz"
    refused = client.post("/api/v1/knowledge/actors", json={"name": "Linz", "country": "AT"})
    assert refused.status_code == 401
    assert client.delete(f"/api/v1/knowledge/actors/{graz.id}").status_code == 401
    assert client.post("/api/v1/knowledge/import", content=b"{}").status_code == 401
    assert client.get("/api/v1/knowledge/export").status_code == 401


def test_organisers_create_change_and_delete_records(
    client: TestClient, make_organiser: OrganiserFactory
) -> None:
    h = make_organiser().headers
    lead = client.post(
        "/api/v1/knowledge/actors",
        json={"name": "Sisak-Moslavina", "kind": "region", "country": "HR"},
        headers=h,
    ).json()
    partner = client.post(
        "/api/v1/knowledge/actors", json={"name": "Zhong County", "country": "CN"}, headers=h
    ).json()
    network = client.post(
        "/api/v1/knowledge/actors", json={"name": "EURADA", "kind": "network"}, headers=h
    ).json()
    member = client.post(
        f"/api/v1/knowledge/actors/{lead['id']}/memberships",
        json={"network_id": network["id"], "since": "2010-01-01"},
        headers=h,
    )
    assert member.status_code == 201
    assert member.json()["memberships"][0]["network"] == "EURADA"
    body = {
        "title": "E-sport with Zhong County",
        "actors": [{"actor_id": lead["id"], "role": "lead"}, {"actor_id": partner["id"]}],
        "topics": ["digital_transition"],
        "lessons": [{"text": "Our plans were closer to theirs than we expected."}],
    }
    made = client.post("/api/v1/knowledge/cooperations", json=body, headers=h)
    assert made.status_code == 201, made.text
    cid = made.json()["id"]
    assert made.json()["lessons"][0]["language"] == "en"
    bad = client.put(
        f"/api/v1/knowledge/cooperations/{cid}", json={**body, "topics": ["nope"]}, headers=h
    )
    assert bad.status_code == 422
    assert bad.json()["field"] == "topics[0]"
    wrong = client.post(
        "/api/v1/knowledge/actors", json={"name": "X", "country": "Croatia"}, headers=h
    )
    assert wrong.status_code == 422
    assert wrong.json()["field"] == "country"
    assert client.delete(f"/api/v1/knowledge/cooperations/{cid}", headers=h).status_code == 204
    assert client.get(f"/api/v1/knowledge/cooperations/{cid}", headers=h).status_code == 404


def test_the_speaker_name_is_shown_to_organisers_only(
    client: TestClient,
    db: Database,
    make_event: EventFactory,
    kb_approved: ApprovedFactory,
    make_organiser: OrganiserFactory,
) -> None:
    event = make_event()
    takeaway = kb_approved(event, place="Graz", country="AT", partners=[])
    key = {"X-Moderator-Key": event.moderator_key}
    made = client.post(
        f"/api/v1/events/{event.code}/takeaways/{takeaway.id}/promote", json={}, headers=key
    )
    assert made.status_code == 201, made.text
    url = f"/api/v1/knowledge/cooperations/{made.json()['id']}"
    client.app.state.agora.settings.knowledge_public = True  # type: ignore[attr-defined]
    assert client.get(url).json()["speaker_name"] == ""
    organiser = make_organiser()
    assert client.get(url, headers=organiser.headers).json()["speaker_name"] == "Anna Schmidt"


def test_promotion_is_for_the_events_moderators_and_is_audited(
    client: TestClient,
    db: Database,
    make_event: EventFactory,
    kb_approved: ApprovedFactory,
    make_organiser: OrganiserFactory,
) -> None:
    event = make_event()
    takeaway = kb_approved(event, **MURCIA)
    url = f"/api/v1/events/{event.code}/takeaways/{takeaway.id}/promote"
    other = make_organiser(email="other@example.org")
    assert client.post(url, json={}).status_code == 403
    assert client.post(url, json={}, headers=other.headers).status_code == 403
    key = {"X-Moderator-Key": event.moderator_key}
    draft = client.get(
        f"/api/v1/events/{event.code}/takeaways/{takeaway.id}/promotion", headers=key
    ).json()
    assert draft["needs_review"]
    assert draft["actors"][0]["chosen"] is None
    missing = client.post(url, json={}, headers=key)
    assert missing.status_code == 422
    assert missing.json()["field"] == "lead"
    made = client.post(url, json={"choices": {"lead": "place:geonames:2513416"}}, headers=key)
    assert made.status_code == 201, made.text
    again = client.post(url, json={"choices": {"lead": "place:geonames:2513416"}}, headers=key)
    assert again.status_code == 409
    assert f"/knowledge/cooperations/{made.json()['id']}" in again.json()["message"]
    with db.session() as session:
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert entry is not None
        assert (entry.action, entry.subject) == ("knowledge.promote", f"takeaway {takeaway.id}")


def test_the_review_page_asks_for_a_choice_then_saves(
    client: TestClient, db: Database, make_event: EventFactory, kb_approved: ApprovedFactory
) -> None:
    event = make_event()
    takeaway = kb_approved(event, **MURCIA)
    page_url = f"/e/{event.code}/takeaways/{takeaway.id}/promote"
    assert client.get(page_url).status_code == 403
    client.get(f"/e/{event.code}/moderate?key={event.moderator_key}")  # the moderator's cookie
    page = client.get(page_url)
    assert page.status_code == 200
    assert 'name="choice:lead" value="place:ES-MC"' in page.text
    assert 'name="choice:lead" value="place:geonames:2513416"' in page.text
    refused = client.post(page_url, data={"title": "Murcia and its partner city"})
    assert refused.status_code == 422
    assert "Choose which actor" in refused.text
    assert 'value="Murcia and its partner city"' in refused.text
    saved = client.post(
        page_url,
        data={
            "title": "Murcia and its partner city",
            "choice:lead": "place:ES-MC",
            "topics": ["culture_tourism"],
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303
    with db.session() as session:
        cooperation = session.scalars(select(Cooperation)).one()
        assert cooperation.title == "Murcia and its partner city"
        record = f"/knowledge/cooperations/{cooperation.id}"
    # the shared moderator link does not open the knowledge base: back to moderating
    assert saved.headers["location"] == f"/e/{event.code}/moderate#takeaways"
    back = client.get(page_url, follow_redirects=False)
    assert back.status_code == 303
    assert back.headers["location"] == record


def test_the_moderator_page_offers_promotion_for_approved_takeaways(
    client: TestClient, make_event: EventFactory, kb_approved: ApprovedFactory
) -> None:
    event = make_event()
    takeaway = kb_approved(event)
    page = client.get(f"/e/{event.code}/moderate?key={event.moderator_key}")
    assert f"/e/{event.code}/takeaways/{takeaway.id}/promote" in page.text


def test_the_import_page_lists_problems_and_the_api_reports_them(
    client: TestClient, make_organiser: OrganiserFactory
) -> None:
    organiser = make_organiser()
    assert client.get("/knowledge/import", follow_redirects=False).status_code == 303
    sign_in(client, organiser.email, organiser.password)
    assert client.get("/knowledge/import").status_code == 200
    bad = (FILES / "bad.json").read_bytes()
    page = client.post("/knowledge/import", files={"file": ("bad.json", bad, "application/json")})
    assert page.status_code == 422
    assert "actors[1].country" in page.text
    assert "<td>4</td>" in page.text
    api = client.post(
        "/api/v1/knowledge/import?format=json", content=bad, headers=organiser.headers
    )
    assert api.status_code == 422
    assert {(p["line"], p["path"]) for p in api.json()["problems"]} == {
        (4, "actors[1].kind"),
        (4, "actors[1].country"),
    }
    good = client.post(
        "/knowledge/import",
        files={"file": ("good.json", (FILES / "good.json").read_bytes(), "application/json")},
    )
    assert good.status_code == 200
    assert "new cooperations: 1" in good.text
    exported = client.get("/api/v1/knowledge/export?format=json", headers=organiser.headers)
    assert exported.json()["cooperations"][0]["title"] == "A year-round city"
    zipped = client.get("/knowledge/export?format=csv")
    assert zipped.headers["content-type"] == "application/zip"


def test_organisers_edit_topics_on_their_page(
    client: TestClient, make_organiser: OrganiserFactory
) -> None:
    organiser = make_organiser()
    assert client.get("/knowledge/topics", follow_redirects=False).status_code == 303
    sign_in(client, organiser.email, organiser.password)
    assert "Participatory governance" in client.get("/knowledge/topics").text
    added = client.post(
        "/knowledge/topics",
        data={
            "slug": "urban_water",
            "name_en": "Urban water",
            "name_de": "Stadtwasser",
            "sdgs": "6, 11",
            "s3_domains": "Blue growth",
        },
    )
    assert added.status_code == 200
    assert "Urban water" in added.text
    bad = client.post("/knowledge/topics", data={"slug": "Bad Slug", "name_en": "Bad"})
    assert bad.status_code == 422
    assert "A slug has" in bad.text
    renamed = client.post(
        "/knowledge/topics",
        data={"editing": "urban_water", "slug": "water", "name_en": "Water", "sdgs": "6"},
    )
    assert renamed.status_code == 200
    topics = client.get("/api/v1/knowledge/topics", headers=organiser.headers).json()
    assert {"slug": "water", "sdgs": [6]}.items() <= next(
        t for t in topics if t["slug"] == "water"
    ).items()
    client.post("/knowledge/topics/water/delete")
    topics = client.get("/api/v1/knowledge/topics", headers=organiser.headers).json()
    assert "water" not in {t["slug"] for t in topics}


def test_an_organiser_who_promotes_goes_on_to_the_record(
    client: TestClient,
    db: Database,
    make_event: EventFactory,
    kb_approved: ApprovedFactory,
    make_organiser: OrganiserFactory,
) -> None:
    event = make_event()
    takeaway = kb_approved(event, **MURCIA)
    organiser = make_organiser()
    client.get(f"/e/{event.code}/moderate?key={event.moderator_key}")  # the moderator's cookie
    saved = client.post(
        f"/e/{event.code}/takeaways/{takeaway.id}/promote",
        data={"choice:lead": "place:ES-MC", "topics": ["culture_tourism"]},
        headers=organiser.headers,
        follow_redirects=False,
    )
    assert saved.status_code == 303
    with db.session() as session:
        cooperation = session.scalars(select(Cooperation)).one()
        assert saved.headers["location"] == f"/knowledge/cooperations/{cooperation.id}"


def test_a_promoted_takeaway_links_to_its_record_instead_of_offering_promotion(
    client: TestClient, db: Database, make_event: EventFactory, kb_approved: ApprovedFactory
) -> None:
    event = make_event()
    takeaway = kb_approved(event, place="Graz", country="AT", partners=[])
    other = kb_approved(event, place="Genova", country="IT", partners=[])
    key = {"X-Moderator-Key": event.moderator_key}
    made = client.post(
        f"/api/v1/events/{event.code}/takeaways/{takeaway.id}/promote", json={}, headers=key
    )
    assert made.status_code == 201, made.text
    record = f"/knowledge/cooperations/{made.json()['id']}"

    page = client.get(f"/e/{event.code}/moderate?key={event.moderator_key}")
    assert f'href="{record}"' in page.text
    assert "In the knowledge base" in page.text
    assert f"/e/{event.code}/takeaways/{takeaway.id}/promote" not in page.text
    assert f"/e/{event.code}/takeaways/{other.id}/promote" in page.text  # not promoted yet
    # The moderators' live list says the same (takeaways.js draws it from this).
    with db.session() as session:
        stored = session.get_one(Event, event.id)
        listed = {t["id"]: t["knowledge"] for t in moderation_list(session, stored)["takeaways"]}
    assert listed == {takeaway.id: record, other.id: None}
