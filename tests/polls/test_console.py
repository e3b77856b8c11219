"""The moderator console's poll buttons: a redirect for plain forms, JSON and card fragments
for the page's script (which redraws the cards in place instead of reloading)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from agora.core.db import Database
from agora.events.models import Event
from agora.polls.models import Poll, PollState
from tests.conftest import EventFactory, PollFactory, question

JSON = {"Accept": "application/json"}


def moderator(event: Event, **more: str) -> dict[str, str]:
    return {"X-Moderator-Key": event.moderator_key, **more}


def stored(db: Database, poll_id: int) -> Poll:
    with db.session() as session:
        return session.get_one(Poll, poll_id)


def test_plain_form_post_still_redirects_to_the_page(
    client: TestClient, db: Database, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    poll = make_poll(event, question("single_choice"), title="Areas")
    sent = client.post(
        f"/e/{event.code}/moderate/polls/{poll.id}/close",
        headers=moderator(event),
        follow_redirects=False,
    )
    assert sent.status_code == 303
    assert sent.headers["location"] == f"/e/{event.code}/moderate#poll-{poll.id}"
    assert stored(db, poll.id).state is PollState.closed


def test_json_answer_says_what_was_done_and_the_card_draws_the_new_state(
    client: TestClient, db: Database, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    first = make_poll(event, question("rating"), title="Warm-up")
    poll = make_poll(event, question("single_choice"), title="World <b>areas</b>")
    sent = client.post(
        f"/e/{event.code}/moderate/polls/{poll.id}/close", headers=moderator(event, **JSON)
    )
    assert sent.status_code == 200
    body = sent.json()
    assert body["message"] == "Closed “World <b>areas</b>”."  # text: the page never parses it
    assert body["poll"]["state"] == "closed"
    assert body["redraw"] == "card"
    assert stored(db, poll.id).state is PollState.closed

    card = client.get(body["card"], headers=moderator(event))
    assert card.status_code == 200
    assert card.headers["cache-control"] == "no-store"
    assert "<html" not in card.text  # a fragment, not the page
    assert card.text.count('class="card poll mod-poll"') == 1
    assert f'id="poll-{poll.id}"' in card.text
    assert 'data-state="closed"' in card.text
    assert "World &lt;b&gt;areas&lt;/b&gt;" in card.text
    assert re.search(r'data-action="open">Reopen<', card.text)

    # the same macro draws the page: its card is the fragment's, byte for byte
    page = client.get(f"/e/{event.code}/moderate", headers=moderator(event)).text
    assert card.text.strip() in page

    cards = client.get(body["list"], headers=moderator(event))
    assert cards.text.count('class="card poll mod-poll"') == 2
    assert cards.text.index(f'id="poll-{first.id}"') < cards.text.index(f'id="poll-{poll.id}"')


def test_screen_duplicate_and_reopen_answers(
    client: TestClient, db: Database, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    poll = make_poll(
        event, *(question("single_choice", prompt=f"Q{n}") for n in range(3)), title="Areas"
    )
    url = f"/e/{event.code}/moderate/polls/{poll.id}"
    screen = client.post(f"{url}/screen", data={"position": "1"}, headers=moderator(event, **JSON))
    assert screen.json()["message"] == "The screen shows question 2 of 3 of “Areas”."
    assert screen.json()["poll"]["screen_position"] == 1
    copy = client.post(f"{url}/duplicate", headers=moderator(event, **JSON)).json()
    assert copy["redraw"] == "list"
    assert copy["poll"]["id"] != poll.id
    assert copy["message"] == "Duplicated “Areas” as a new draft."
    client.post(f"{url}/close", headers=moderator(event, **JSON))
    reopened = client.post(f"{url}/open", headers=moderator(event, **JSON)).json()
    assert reopened["message"] == "Reopened “Areas”; its answers are kept."


def test_refusals_answer_json_and_fragments_are_for_moderators(
    client: TestClient, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event, other = make_event(), make_event(title="Another")
    poll = make_poll(event, question("single_choice"), title="Areas")
    twice = client.post(
        f"/e/{event.code}/moderate/polls/{poll.id}/reveal", headers=moderator(event, **JSON)
    )
    assert twice.status_code == 200
    draft_close = client.post(
        f"/e/{event.code}/moderate/polls/{poll.id}/restore", headers=moderator(event, **JSON)
    )
    assert draft_close.status_code == 409
    assert draft_close.json()["message"] == "A poll that is open cannot be changed by 'restore'."
    assert client.get(f"/e/{event.code}/moderate/cards/{poll.id}").status_code == 403
    assert client.get(f"/e/{event.code}/moderate/cards").status_code == 403
    elsewhere = client.get(f"/e/{other.code}/moderate/cards/{poll.id}", headers=moderator(other))
    assert elsewhere.status_code == 404
    refused = client.post(
        f"/e/{other.code}/moderate/polls/{poll.id}/close", headers=moderator(other, **JSON)
    )
    assert refused.status_code == 403
