"""Takeaways on the pages without JavaScript: the structured form, errors, editing, moderating."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from agora.core.db import Database
from agora.takeaways import services
from agora.takeaways.models import TakeawayState
from tests.conftest import EventFactory
from tests.floor.conftest import RequestFactory, moderator
from tests.takeaways.conftest import TakeawayFactory, stored_takeaway

FORM: dict[str, Any] = {
    "speaker_name": "Ana",
    "organisation": "Sisak-Moslavina County",
    "place": "Sisak",
    "country": "hr",
    "lesson": "We found similar e-sport plans in Zhong county.",
    "topics": "e-sport, VR",
    "partners-0-organisation": "",
    "partners-0-place": "",
    "partners-1-place": "Zhong county, Chongqing",
    "partners-1-country": "CN",
    "partners-1-world_area": "asia",
    "outcomes-0-kind": "memorandum",
    "outcomes-0-description": "An MoU in the near future",
    "outcomes-0-date": "",
    "outcomes-1-kind": "delegation_visit",
    "outcomes-1-description": "Invitation to visit Croatia",
    "outcomes-1-date": "2024-03-01",
}


def test_participant_page_has_the_structured_form_with_three_rows(
    client: TestClient, make_event: EventFactory
) -> None:
    event = make_event()
    page = client.get(f"/e/{event.code}").text
    assert "Share a takeaway" in page
    for i in range(3):
        assert f'name="partners-{i}-world_area"' in page
        assert f'name="outcomes-{i}-kind"' in page
    assert 'name="partners-3-place"' not in page
    assert "<legend>Partners</legend>" in page
    assert "Latin America and the Caribbean" in page
    assert "Memorandum of understanding" in page


def test_participant_shares_a_takeaway_by_form(
    client: TestClient, db: Database, make_event: EventFactory
) -> None:
    event = make_event()
    client.get(f"/e/{event.code}")
    sent = client.post(f"/e/{event.code}/takeaways", data=FORM, follow_redirects=False)
    assert sent.status_code == 303
    assert sent.headers["location"] == f"/e/{event.code}#takeaways"
    with db.session() as session:
        (takeaway,) = services.event_takeaways(session, event.id)
        assert takeaway.country == "HR"
        assert takeaway.topics == ["e-sport", "VR"]
        assert takeaway.partners == [
            {"organisation": "", "place": "Zhong county, Chongqing", "country": "CN",
             "world_area": "asia"}
        ]  # fmt: skip
        assert [o["kind"] for o in takeaway.outcomes] == ["memorandum", "delegation_visit"]
        assert takeaway.state is TakeawayState.pending
    page = client.get(f"/e/{event.code}").text
    assert "Your takeaways" in page
    assert "waiting for the moderator" in page
    assert f"/e/{event.code}/takeaways/{takeaway.id}/edit" in page


def test_form_error_marks_the_field_and_keeps_what_was_typed(
    client: TestClient, db: Database, make_event: EventFactory
) -> None:
    event = make_event()
    client.get(f"/e/{event.code}")
    bad = {**FORM, "partners-1-world_area": "Balkans", "lesson": "Keep <this> text"}
    page = client.post(f"/e/{event.code}/takeaways", data=bad)
    assert page.status_code == 422
    assert 'role="alert"' in page.text
    assert "Partner 2: &#39;Balkans&#39; is not a world area" in page.text
    assert 'name="partners-1-world_area" aria-invalid="true"' in page.text
    assert "Keep &lt;this&gt; text" in page.text
    assert 'value="Zhong county, Chongqing"' in page.text
    assert 'value="e-sport, VR"' in page.text
    assert "error" not in str(page.url.query)
    with db.session() as session:
        assert services.event_takeaways(session, event.id) == []


def test_author_edits_by_form_until_the_event_closes(
    client: TestClient, db: Database, make_event: EventFactory
) -> None:
    event = make_event()
    client.get(f"/e/{event.code}")
    client.post(f"/e/{event.code}/takeaways", data=FORM)
    with db.session() as session:
        takeaway_id = services.event_takeaways(session, event.id)[0].id
    edit = client.get(f"/e/{event.code}/takeaways/{takeaway_id}/edit")
    assert edit.status_code == 200
    assert "We found similar e-sport plans" in edit.text
    assert 'value="Zhong county, Chongqing"' in edit.text
    assert 'name="partners-1-place"' in edit.text  # every filled row and a blank one
    saved = client.post(
        f"/e/{event.code}/takeaways/{takeaway_id}",
        data={**FORM, "lesson": "Now said better."},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert stored_takeaway(db, takeaway_id).lesson == "Now said better."

    closed = client.post(
        f"/e/{event.code}/moderate/takeaways/close",
        headers=moderator(event),
        follow_redirects=False,
    )
    assert closed.status_code == 303
    assert client.get(f"/e/{event.code}/takeaways/{takeaway_id}/edit").status_code == 409
    late = client.post(f"/e/{event.code}/takeaways/{takeaway_id}", data=FORM)
    assert late.status_code == 409
    page = client.get(f"/e/{event.code}").text
    assert "The event is closed" in page
    assert "Share a takeaway" not in page


def test_other_participants_cannot_edit(
    client: TestClient, make_event: EventFactory, make_takeaway: TakeawayFactory
) -> None:
    event = make_event()
    takeaway = make_takeaway(event)
    client.get(f"/e/{event.code}")
    assert client.get(f"/e/{event.code}/takeaways/{takeaway.id}/edit").status_code == 403
    assert client.post(f"/e/{event.code}/takeaways/{takeaway.id}", data=FORM).status_code == 403


def test_moderator_approves_rejects_and_edits_by_form(
    client: TestClient, db: Database, make_event: EventFactory, make_takeaway: TakeawayFactory
) -> None:
    event = make_event()
    takeaway = make_takeaway(event)
    mod = moderator(event)
    page = client.get(f"/e/{event.code}/moderate", headers=mod).text
    assert "All takeaways" in page
    assert "Free and Hanseatic City of Hamburg" in page
    assert "1 pending · 0 approved · 0 rejected" in page
    for action, state in [("approve", "approved"), ("reject", "rejected"), ("restore", "pending")]:
        sent = client.post(
            f"/e/{event.code}/moderate/takeaways/{takeaway.id}/{action}",
            headers=mod,
            follow_redirects=False,
        )
        assert sent.status_code == 303
        assert sent.headers["location"] == f"/e/{event.code}/moderate#takeaways"
        assert stored_takeaway(db, takeaway.id).state.value == state
    refused = client.post(f"/e/{event.code}/moderate/takeaways/{takeaway.id}/restore", headers=mod)
    assert refused.status_code == 409
    assert "Back to the moderator page" in refused.text
    edit = client.get(f"/e/{event.code}/takeaways/{takeaway.id}/edit?back=moderator", headers=mod)
    assert edit.status_code == 200
    saved = client.post(
        f"/e/{event.code}/takeaways/{takeaway.id}",
        data={**FORM, "back": "moderator"},
        headers=mod,
        follow_redirects=False,
    )
    assert saved.headers["location"] == f"/e/{event.code}/moderate#takeaways"


def test_participants_cannot_use_the_moderator_forms(
    client: TestClient, db: Database, make_event: EventFactory, make_takeaway: TakeawayFactory
) -> None:
    event = make_event()
    takeaway = make_takeaway(event)
    client.get(f"/e/{event.code}")
    assert client.post(f"/e/{event.code}/moderate/takeaways/{takeaway.id}/approve").status_code == (
        403
    )
    assert client.post(f"/e/{event.code}/moderate/takeaways/close").status_code == 403
    assert stored_takeaway(db, takeaway.id).state is TakeawayState.pending


def test_moderator_records_the_current_turns_takeaway(
    client: TestClient, db: Database, make_event: EventFactory, make_request: RequestFactory
) -> None:
    event = make_event()
    turn = make_request(event, "Ivana", place="Krapina-Zagorje", state="speaking")
    mod = moderator(event)
    page = client.get(f"/e/{event.code}/moderate", headers=mod).text
    assert "Record a speaker's takeaway" in page
    assert f'<option value="{turn.id}">Ivana (speaking now)</option>' in page
    data = {"turn": str(turn.id), "lesson": "Health IT Academy.", "back": "moderator"}
    sent = client.post(
        f"/e/{event.code}/moderate/takeaways/record", data=data, headers=mod, follow_redirects=False
    )
    assert sent.status_code == 303
    with db.session() as session:
        recorded = services.turn_takeaway(session, turn.id)
        assert recorded is not None
        assert (recorded.speaker_name, recorded.place) == ("Ivana", "Krapina-Zagorje")
    again = client.post(f"/e/{event.code}/moderate/takeaways/record", data=data, headers=mod)
    assert again.status_code == 409  # the quick form never overwrites; edit it instead
    assert (
        "No turn waits for its takeaway"
        in client.get(f"/e/{event.code}/moderate", headers=mod).text
    )
    no_turn = client.post(
        f"/e/{event.code}/moderate/takeaways/record", data={"lesson": "x"}, headers=mod
    )
    assert no_turn.status_code == 422


def test_speaker_is_offered_the_takeaway_of_their_turn(
    client: TestClient, db: Database, make_event: EventFactory
) -> None:
    event = make_event()
    client.get(f"/e/{event.code}")
    client.post(f"/e/{event.code}/floor", data={"name": "Marta", "place": "Murcia"})
    client.post(f"/e/{event.code}/moderate/floor/next", headers=moderator(event))
    page = client.get(f"/e/{event.code}").text
    assert "The takeaway of your turn" in page
    with db.session() as session:
        from agora.floor.services import current_speaker

        speaker = current_speaker(session, event.id)
        assert speaker is not None
        turn_id = speaker.id
    form = client.get(f"/e/{event.code}/floor/{turn_id}/takeaway")
    assert form.status_code == 200
    assert "Marta" in form.text
    assert 'name="speaker_name"' not in form.text  # the who of a turn is the speaker's
    bad = client.post(f"/e/{event.code}/floor/{turn_id}/takeaway", data={"lesson": ""})
    assert bad.status_code == 422
    sent = client.post(
        f"/e/{event.code}/floor/{turn_id}/takeaway",
        data={"lesson": "Adapt local policies.", "topics": "heritage"},
        follow_redirects=False,
    )
    assert sent.status_code == 303
    page = client.get(f"/e/{event.code}").text
    assert "The takeaway of your turn" not in page
    assert "Adapt local policies." in page


def test_strangers_cannot_open_a_turns_form(
    client: TestClient, make_event: EventFactory, make_request: RequestFactory
) -> None:
    event = make_event()
    turn = make_request(event, state="done")
    client.get(f"/e/{event.code}")
    assert client.get(f"/e/{event.code}/floor/{turn.id}/takeaway").status_code == 403
    moderated = client.get(
        f"/e/{event.code}/floor/{turn.id}/takeaway?back=moderator", headers=moderator(event)
    )
    assert moderated.status_code == 200
    assert "Back to the moderator page" in moderated.text


def test_approved_takeaways_show_on_every_page(
    client: TestClient, make_event: EventFactory, make_takeaway: TakeawayFactory
) -> None:
    event = make_event()
    make_takeaway(event, state="approved", lesson="Approved <lesson>")
    make_takeaway(event, state="rejected", lesson="Rejected lesson")
    page = client.get(f"/e/{event.code}").text
    assert "Approved &lt;lesson&gt;" in page
    assert "Rejected lesson" not in page
    screen = client.get(f"/e/{event.code}/screen?key={event.screen_key}").text
    assert "Approved &lt;lesson&gt;" in screen
    assert "Rejected lesson" not in screen


def test_unknown_moderator_button_is_not_found(
    client: TestClient, make_event: EventFactory
) -> None:
    event = make_event()
    page = client.post(f"/e/{event.code}/moderate/takeaways/delete-all", headers=moderator(event))
    assert page.status_code == 404
    assert "Back to the moderator page" in page.text
