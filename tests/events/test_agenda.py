"""The agenda: items in order, "now" moving through them, and the screen pane it calls for."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from agora.core.db import Database
from agora.core.errors import Conflict, InvalidInput, NotFound
from agora.events import agenda
from agora.events.live import render
from agora.events.models import Event
from agora.events.schemas import AgendaItemIn
from tests.conftest import EventFactory, PollFactory


def item(kind: str, title: str, **fields: object) -> AgendaItemIn:
    return AgendaItemIn.model_validate({"kind": kind, "title": title, **fields})


def stored(session: Session, event: Event) -> Event:
    found = session.get(Event, event.id)
    assert found is not None
    return found


def reference_agenda(session: Session, event: Event) -> list[int]:
    items = [
        item("introduction", "Introduction and expectations"),
        item(
            "speaker",
            "Being active in a network",
            speaker_name="EURADA speaker",
            speaker_organisation="EURADA",
        ),
        item("qa", "Questions to the speakers"),
        item("audience", "The audience takes the microphone"),
    ]
    return [agenda.add_item(session, event, data).id for data in items]


def test_items_are_added_in_order_and_moved(session: Session, make_event: EventFactory) -> None:
    event = stored(session, make_event())
    first, second, third, fourth = reference_agenda(session, event)
    agenda.move_item(session, event, agenda.get_item(session, event, fourth), 0)
    assert [i.id for i in agenda.agenda(session, event.id)] == [fourth, first, second, third]
    assert [i.position for i in agenda.agenda(session, event.id)] == [0, 1, 2, 3]


def test_now_steps_through_the_agenda_and_stops_at_the_ends(
    session: Session, make_event: EventFactory
) -> None:
    event = stored(session, make_event())
    ids = reference_agenda(session, event)
    agenda.set_now(session, event, agenda.get_item(session, event, ids[0]))
    with pytest.raises(Conflict, match="first"):
        agenda.step_now(session, event, -1)
    visited = [agenda.step_now(session, event, 1) for _ in range(3)]
    assert [i.id for i in visited if i] == ids[1:]
    assert all(i is not None and i.started_at is not None for i in visited)
    with pytest.raises(Conflict, match="last"):
        agenda.step_now(session, event, 1)


def test_screen_pane_follows_the_kind_of_item(session: Session, make_event: EventFactory) -> None:
    event = stored(session, make_event())
    ids = reference_agenda(session, event)
    panes = []
    for item_id in ids:
        now = agenda.set_now(session, event, agenda.get_item(session, event, item_id))
        panes.append(agenda.screen_pane(now))
    assert panes == ["poll", "poll", "qa", "floor"]
    assert agenda.screen_pane(None) == "poll"


def test_current_item_cannot_be_deleted(session: Session, make_event: EventFactory) -> None:
    event = stored(session, make_event())
    ids = reference_agenda(session, event)
    agenda.set_now(session, event, agenda.get_item(session, event, ids[1]))
    with pytest.raises(Conflict, match="cannot be deleted"):
        agenda.remove_item(session, event, agenda.get_item(session, event, ids[1]))
    agenda.remove_item(session, event, agenda.get_item(session, event, ids[0]))
    assert [i.position for i in agenda.agenda(session, event.id)] == [0, 1, 2]


def test_item_of_another_event_or_poll_of_another_event_is_refused(
    session: Session, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event, other = stored(session, make_event()), stored(session, make_event())
    foreign_poll = make_poll(other)
    with pytest.raises(InvalidInput) as refused:
        agenda.add_item(session, event, item("poll", "Vote", poll_id=foreign_poll.id))
    assert refused.value.field == "poll_id"
    other_item = agenda.add_item(session, other, item("break", "Coffee"))
    with pytest.raises(NotFound):
        agenda.get_item(session, event, other_item.id)


def test_live_render_is_public_and_marks_now(db: Database, make_event: EventFactory) -> None:
    event = make_event()
    with db.session() as session:
        ids = reference_agenda(session, stored(session, event))
        agenda.set_now(
            session,
            stored(session, event),
            agenda.get_item(session, stored(session, event), ids[2]),
        )
    [(name, data, public)] = render(db, event.id)
    assert (name, public) == ("agenda", True)
    assert data["current"]["title"] == "Questions to the speakers"
    assert data["screen_pane"] == "qa"
    assert [i["current"] for i in data["items"]] == [False, False, True, False]


def test_api_adds_items_and_moves_now_for_moderators_only(
    client: TestClient, make_event: EventFactory
) -> None:
    event = make_event()
    moderator = {"X-Moderator-Key": event.moderator_key}
    base = f"/api/v1/events/{event.code}/agenda"
    refused = client.post(base, json={"kind": "qa", "title": "Q&A"})
    assert refused.status_code == 403
    created = client.post(
        base, json={"kind": "qa", "title": "Q&A", "duration_minutes": 15}, headers=moderator
    )
    assert created.status_code == 201, created.text
    bad = client.post(base, json={"kind": "lecture", "title": "x"}, headers=moderator)
    assert bad.status_code == 422
    assert bad.json()["field"] == "kind"
    now = client.post(f"{base}/now", json={"step": 1}, headers=moderator)
    assert now.status_code == 200
    assert now.json()["title"] == "Q&A"
    listed = client.get(base).json()
    assert [i["current"] for i in listed] == [True]
    end = client.post(f"{base}/now", json={"step": 1}, headers=moderator)
    assert end.status_code == 409
    assert "last" in end.json()["message"]


def test_moderator_page_buttons_move_now(client: TestClient, make_event: EventFactory) -> None:
    event = make_event()
    client.get(f"/e/{event.code}/moderate?key={event.moderator_key}")
    for title in ("Welcome", "Coffee"):
        added = client.post(
            f"/e/{event.code}/moderate/agenda/add",
            data={"kind": "break" if title == "Coffee" else "introduction", "title": title},
            follow_redirects=False,
        )
        assert added.status_code == 303
    client.post(f"/e/{event.code}/moderate/agenda/next")
    page = client.get(f"/e/{event.code}/moderate")
    assert 'class="agenda-item is-now"' in page.text
    phone = TestClient(client.app).get(f"/e/{event.code}")
    assert "Welcome" in phone.text
    invalid = client.post(
        f"/e/{event.code}/moderate/agenda/add", data={"kind": "nope", "title": "x"}
    )
    assert invalid.status_code == 422
    assert "kind" in invalid.text


def test_a_speaker_known_by_organisation_only_is_named_everywhere(
    client: TestClient, make_event: EventFactory
) -> None:
    # The reference agenda's interventions name the network, not the person.
    event = make_event()
    client.get(f"/e/{event.code}/moderate?key={event.moderator_key}")
    client.post(
        f"/e/{event.code}/moderate/agenda/add",
        data={
            "kind": "speaker",
            "title": "Being an active member",
            "speaker_organisation": "EURADA",
        },
    )
    client.post(f"/e/{event.code}/moderate/agenda/next")
    moderator = client.get(f"/e/{event.code}/moderate").text
    screen = TestClient(client.app).get(f"/e/{event.code}/screen?key={event.screen_key}").text
    phone = TestClient(client.app).get(f"/e/{event.code}").text
    for page in (moderator, screen, phone):
        assert "EURADA" in page
    assert "data-now-speaker hidden" not in phone.replace('class="muted" ', "")


def test_speakers_are_kept_as_plain_text(session: Session, make_event: EventFactory) -> None:
    """The speaker's name and organisation get what every title gets (no control or bidi
    character); they kept them before the injection suite looked."""
    event = stored(session, make_event())
    item = agenda.add_item(
        session,
        event,
        AgendaItemIn(
            kind="speaker",
            title="Opening",
            speaker_name="\u202eAna\x07 Kova\u010di\u0107",
            speaker_organisation="\u2066Krapina-Zagorje\u2069",
        ),
    )
    assert (item.speaker_name, item.speaker_organisation) == ("Ana  Kovačić", "Krapina-Zagorje")
    with pytest.raises(InvalidInput, match="speaker"):
        agenda.add_item(
            session, event, AgendaItemIn(kind="speaker", title="Opening", speaker_name="\u2066")
        )
