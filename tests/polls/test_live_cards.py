"""The phones' poll cards: drawn once for every phone, escaped, and only what phones may see."""

from __future__ import annotations

import json
import re

from fastapi.testclient import TestClient

from agora.events.models import Event
from tests.conftest import EventFactory, PollFactory, join, question
from tests.pages.test_stream import open_stream

HOSTILE = '<script>alert("x")</script>'


def moderate(client: TestClient, event: Event, poll_id: int, action: str) -> None:
    response = client.post(
        f"/api/v1/polls/{poll_id}/{action}", headers={"X-Moderator-Key": event.moderator_key}
    )
    assert response.status_code == 200, response.text


def answer(client: TestClient, event: Event, question_id: int, body: dict[str, object]) -> None:
    response = client.post(
        f"/api/v1/questions/{question_id}/responses",
        json={"answer": body},
        headers=join(client, event.code),
    )
    assert response.status_code == 201, response.text


def test_cards_escape_what_people_wrote_and_carry_no_participant_data(
    client: TestClient, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    poll = make_poll(
        event,
        question("single_choice", prompt=f"Prompt {HOSTILE}", options=[HOSTILE, "B & C"]),
        question("open_text", prompt="Your idea"),
        title=f"Title {HOSTILE}",
    )
    first, second = (q.id for q in poll.questions)
    answer(client, event, first, {"option": "o1"})

    with open_stream(client, event) as phone:
        cards = phone.next().data["sections"]["poll_cards"]

    assert cards["lang"] == "en"
    [card] = cards["polls"]
    assert (card["id"], card["state"]) == (poll.id, "open")
    html = card["html"]
    assert "<script" not in html
    assert "Title &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "Prompt &lt;script&gt;" in html
    assert "B &amp; C" in html
    # Every question's form, the first shown; no answer, no key of anyone's.
    assert re.findall(r'<form [^>]*data-question="(\d+)"', html) == [str(first), str(second)]
    assert f'data-question="{first}" data-kind="single_choice" data-event="{event.code}">' in html
    assert (
        f'data-question="{second}" data-kind="open_text" data-event="{event.code}" hidden>' in html
    )
    assert "checked" not in html
    assert f'name="idempotency_key" value="-{first}"' in html
    assert "data-chart" not in html  # results hidden: not drawn


def test_hidden_results_stay_out_of_the_public_cards_until_revealed(
    client: TestClient, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    poll = make_poll(event, question("open_text", prompt="Your idea"))
    qid = poll.questions[0].id
    answer(client, event, qid, {"texts": ["Secret <idea>"]})

    with (
        open_stream(client, event) as phone,
        open_stream(client, event, key=event.moderator_key) as moderator,
    ):
        snapshot = phone.next().data["sections"]
        assert "poll_cards" not in moderator.next().data["sections"]  # its page draws its own
        moderate(client, event, poll.id, "close")
        closed = phone.until("poll_cards")
        moderate(client, event, poll.id, "reveal")
        revealed = phone.until("poll_cards")

    for hidden in (snapshot["poll_cards"], closed.data):
        text = json.dumps(hidden)
        assert "Secret" not in text
        assert "data-chart" not in text
    assert snapshot["poll_results"] == {}
    assert "This poll is closed." in closed.data["polls"][0]["html"]
    html = revealed.data["polls"][0]["html"]
    assert f'data-chart data-question="{qid}"' in html
    assert "Secret &lt;idea&gt;" in html
    assert "Secret <idea>" not in html


def test_only_live_polls_have_cards_and_a_card_changes_only_with_what_it_shows(
    client: TestClient, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    opened = make_poll(event, title="Open one")
    draft = make_poll(event, title="Draft one", state="draft")

    with open_stream(client, event) as phone:
        start = phone.next().data["sections"]["poll_cards"]
        messages = []
        for _ in range(2):  # the screen's question: nothing a phone shows
            response = client.patch(
                f"/api/v1/polls/{opened.id}",
                json={"screen_position": 0},
                headers={"X-Moderator-Key": event.moderator_key},
            )
            assert response.status_code == 200
            messages.append(phone.until("poll_cards").data)
        first, same = messages
        moderate(client, event, draft.id, "open")
        both = phone.until("poll_cards").data
        moderate(client, event, opened.id, "close")
        moderate(client, event, opened.id, "archive")
        last = phone.until("poll_cards").data
        while [p["id"] for p in last["polls"]] != [draft.id]:
            last = phone.until("poll_cards").data

    assert [p["id"] for p in start["polls"]] == [opened.id]
    # Nothing the phone shows changed: the same version; the event's first message has
    # every card, the next ones only those that changed.
    assert first == start
    assert same["version"] == start["version"]
    assert same["polls"] == [
        {"id": opened.id, "state": "open", "version": start["polls"][0]["version"]}
    ]
    assert [p["id"] for p in both["polls"]] == [opened.id, draft.id]
    assert both["version"] != start["version"]
    assert "html" not in both["polls"][0]  # unchanged
    assert "Draft one" in both["polls"][1]["html"]

    # The page says which card version it drew, so the phone swaps only what changed.
    page = client.get(f"/e/{event.code}")
    shown = re.search(
        r'<script type="application/json" id="initial-cards">(.*?)</script>', page.text
    )
    assert shown is not None
    assert json.loads(shown.group(1)) == {str(draft.id): last["polls"][0]["version"]}


def test_cards_in_another_language_are_drawn_once_for_every_phone_that_asks(
    client: TestClient, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    make_poll(event, question("single_choice", prompt=HOSTILE))
    with open_stream(client, event) as phone:
        english = phone.next().data["sections"]["poll_cards"]

    url = f"/e/{event.code.lower()}/poll-cards"
    french = client.get(url, params={"lang": "fr", "v": english["version"]})
    again = client.get(url, params={"lang": "fr-BE", "v": english["version"]})
    assert french.status_code == again.status_code == 200
    assert french.json() == again.json()
    assert french.json()["lang"] == "fr"
    assert french.json()["version"] == english["version"]
    html = french.json()["polls"][0]["html"]
    assert "Envoyer" in html
    assert "<script>" not in html

    refused = client.get(url, params={"lang": "xx"}, headers={"accept": "application/json"})
    assert refused.status_code == 422
    assert "Agora does not speak 'xx' yet." in refused.json()["message"]
    assert client.get("/e/NOSUCH/poll-cards", params={"lang": "fr"}).status_code == 404
