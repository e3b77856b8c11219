"""Voting rules: a poll that counts one vote per registered, checked-in or signed-in person."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from agora.core.db import Database
from agora.events.models import Event, Participant
from agora.events.services import join_event
from agora.polls.models import Poll, VotingRule
from agora.polls.voting import Link, admits, linked_people
from agora.registrations.models import Registration
from tests.accounts.conftest import Browser, sign_in
from tests.conftest import EventFactory, OrganiserFactory, PollFactory, join

ANSWER = {"option": "o1"}


def ruled_poll(make_poll: PollFactory, event: Event, rule: str, **fields: Any) -> int:
    """Create an open poll of one single-choice question with ``rule``; return the question."""
    poll = make_poll(event, voting_rule=VotingRule(rule), **fields)
    return poll.questions[0].id


def vote(client: TestClient | Browser, question_id: int, **kwargs: Any) -> httpx2.Response:
    return client.request(
        "POST", f"/api/v1/questions/{question_id}/responses", json={"answer": ANSWER}, **kwargs
    )


def register(
    client: TestClient, db: Database, event: Event, email: str = "ana@porto.example"
) -> str:
    """Register through the API (registration opened first); return the registration token.

    The API answers 202 without the token (it goes by e-mail): read it where it is kept.
    """
    event_key = {"X-Moderator-Key": event.moderator_key}
    client.post(f"/api/v1/events/{event.code}/registrations/open", headers=event_key)
    sent = client.post(
        f"/api/v1/events/{event.code}/registrations", json={"name": "Ana", "email": email}
    )
    assert sent.status_code == 202, sent.text
    with db.session() as session:
        stored = session.scalars(select(Registration).where(Registration.email == email)).one()
        return stored.token


def joined_from_registration(client: TestClient, event: Event, token: str) -> Browser:
    """Return a new device (cookies of its own) joined from the registrant's page."""
    device = Browser(client)
    page = device.get(f"/e/{event.code}/registration/{token}")
    assert "Join the live session" in page.text
    joined = device.post(f"/e/{event.code}/registration/{token}/join", follow_redirects=False)
    assert joined.status_code == 303
    assert joined.headers["location"] == f"/e/{event.code}"
    return device


def test_anyone_is_the_default_and_admits_every_participant(
    client: TestClient, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    poll = make_poll(event)
    assert poll.voting_rule is VotingRule.anyone
    assert vote(client, poll.questions[0].id, headers=join(client, event.code)).status_code == 201


def test_a_registered_poll_refuses_an_unlinked_participant_with_what_to_do(
    client: TestClient, db: Database, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    qid = ruled_poll(make_poll, event, "registered")
    refused = vote(client, qid, headers=join(client, event.code))
    assert refused.status_code == 403
    assert refused.json()["message"] == (
        "This poll counts one vote per registered participant: open the link in your "
        "registration e-mail and choose “Join the live session” to vote."
    )
    with db.session() as session:  # a refusal changes nothing
        assert session.scalar(select(func.count()).select_from(Participant)) == 1
        assert (
            session.scalar(
                select(func.count()).select_from(Poll).where(Poll.voting_rule == "registered")
            )
            == 1
        )


def test_one_registration_is_one_participant_and_one_vote_on_every_device(
    client: TestClient, db: Database, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    qid = ruled_poll(make_poll, event, "registered")
    token = register(client, db, event)
    phone = joined_from_registration(client, event, token)
    assert vote(phone, qid).status_code == 201
    laptop = joined_from_registration(client, event, token)  # the same person again
    again = vote(laptop, qid)
    assert again.status_code == 409  # the same participant: it answered already
    with db.session() as session:
        linked = session.scalars(
            select(Participant).where(Participant.registration_id.is_not(None))
        ).all()
        assert len(linked) == 1
    assert phone.cookies.get("agora_p") is not None
    assert laptop.cookies.get("agora_p") is not None


def test_two_devices_joining_one_registration_at_once_get_one_participant(
    client: TestClient,
    db: Database,
    make_event: EventFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from agora.events import services

    event = make_event()
    token = register(client, db, event)
    first = joined_from_registration(client, event, token)
    assert first.cookies.get("agora_p") is not None
    with db.session() as session:
        registration_id = session.scalars(select(Registration.id)).one()
        stored = session.get_one(type(event), event.id)
        looked = services._linked_participant
        calls: list[int] = []

        def late(*args: object) -> Participant | None:  # the other device not seen yet
            calls.append(1)
            return None if len(calls) == 1 else looked(*args)  # type: ignore[arg-type]

        monkeypatch.setattr(services, "_linked_participant", late)
        second = join_event(session, stored, registration_id=registration_id)
        existing = session.scalars(
            select(Participant).where(Participant.registration_id == registration_id)
        ).one()
        assert second.id == existing.id  # the insert lost the race and found the winner
    assert len(calls) == 2


def test_a_cancelled_registration_no_longer_votes(
    client: TestClient, db: Database, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    qid = ruled_poll(make_poll, event, "registered")
    token = register(client, db, event)
    phone = joined_from_registration(client, event, token)
    with db.session() as session:
        registration = session.scalars(select(Registration)).one()
        key = {"X-Moderator-Key": event.moderator_key}
        registration_id = registration.id
    cancelled = client.post(f"/api/v1/registrations/{registration_id}/cancel", headers=key)
    assert cancelled.status_code == 200
    assert vote(phone, qid).status_code == 403


def test_a_checked_in_poll_waits_for_the_door(
    client: TestClient, db: Database, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    qid = ruled_poll(make_poll, event, "checked_in")
    token = register(client, db, event)
    phone = joined_from_registration(client, event, token)
    refused = vote(phone, qid)
    assert refused.status_code == 403
    assert "checked in at the door" in refused.json()["message"]
    page = phone.get(f"/e/{event.code}")
    assert "checked in at the door" in page.text
    assert 'name="option"' not in page.text  # the message instead of the vote form
    key = {"X-Moderator-Key": event.moderator_key}
    with db.session() as session:
        registration_id = session.scalars(select(Registration.id)).one()
    client.post(f"/api/v1/registrations/{registration_id}/check-in", headers=key)
    assert vote(phone, qid).status_code == 201


def test_a_walk_in_is_checked_in_from_the_start(
    client: TestClient, db: Database, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    qid = ruled_poll(make_poll, event, "checked_in")
    key = {"X-Moderator-Key": event.moderator_key}
    walk_in = client.post(f"/api/v1/events/{event.code}/walk-ins", json={"name": "Bo"}, headers=key)
    assert walk_in.status_code == 201
    with db.session() as session:  # the walk-in's own page link, as the door would hand it
        token = session.get_one(Registration, walk_in.json()["id"]).token
    phone = joined_from_registration(client, event, token)
    assert vote(phone, qid).status_code == 201


def test_a_signed_in_poll_counts_team_members_by_account(
    client: TestClient,
    db: Database,
    make_event: EventFactory,
    make_poll: PollFactory,
    make_organiser: OrganiserFactory,
) -> None:
    owner = make_organiser(email="olga@region.example")
    outsider = make_organiser(email="out@region.example")
    event = make_event(organiser_id=owner.id)
    qid = ruled_poll(make_poll, event, "signed_in")
    refused = vote(client, qid, headers=join(client, event.code))
    assert refused.status_code == 403
    assert "sign in with your organiser account" in refused.json()["message"]
    # an organiser outside the team joins as anyone does
    outside = client.post(f"/api/v1/events/{event.code}/join", json={}, headers=outsider.headers)
    assert vote(client, qid, headers=_participant(outside)).status_code == 403
    # the organiser: the same participant from the API and from the signed-in page
    first = client.post(f"/api/v1/events/{event.code}/join", json={}, headers=owner.headers)
    assert vote(client, qid, headers=_participant(first)).status_code == 201
    browser = Browser(client)
    sign_in(browser, owner.email, owner.password)
    page = browser.get(f"/e/{event.code}")
    assert page.status_code == 200
    assert "Thank you, your answers are in." in page.text
    with db.session() as session:
        linked = session.scalars(
            select(Participant).where(Participant.organiser_id == owner.id)
        ).all()
        assert len(linked) == 1


def _participant(joined: httpx2.Response) -> dict[str, str]:
    assert joined.status_code == 201, joined.text
    return {"Authorization": f"Bearer {joined.json()['participant_token']}"}


def test_the_rules_admit_whom_they_say() -> None:
    registered = Link(registration_status="registered")
    waiting = Link(registration_status="waitlisted")
    present = Link(registration_status="registered", checked_in=True)
    cancelled = Link(registration_status="cancelled", checked_in=True)
    account = Link(organiser_id=3)
    nobody = Link()
    table = {
        VotingRule.anyone: [registered, waiting, present, cancelled, account, nobody],
        VotingRule.registered: [registered, waiting, present],
        VotingRule.checked_in: [present],
        VotingRule.signed_in: [account],
    }
    for rule, admitted in table.items():
        for link in (registered, waiting, present, cancelled, account, nobody):
            assert admits(rule, link) is (link in admitted), (rule, link)


def test_links_are_read_in_one_query(
    db: Database, make_event: EventFactory, make_organiser: OrganiserFactory
) -> None:
    owner = make_organiser()
    event = make_event(organiser_id=owner.id)
    with db.session() as session:
        stored = session.get_one(Event, event.id)
        plain = join_event(session, stored)
        linked = join_event(session, stored, organiser_id=owner.id)
        assert join_event(session, stored, organiser_id=owner.id).id == linked.id
        statements: list[str] = []
        from sqlalchemy import event as sa_event

        def count(*args: Any) -> None:
            statements.append(str(args[2]))

        connection = session.connection()
        sa_event.listen(connection, "before_cursor_execute", count)
        links = linked_people(session, [plain.id, linked.id])
        sa_event.remove(connection, "before_cursor_execute", count)
    assert len(statements) == 1
    assert links[linked.id].organiser_id == owner.id
    assert links[plain.id] == Link()


@pytest.mark.parametrize("rule", ["registered", "checked_in", "signed_in", "anyone"])
def test_the_api_sets_and_shows_a_poll_rule(
    client: TestClient, make_event: EventFactory, rule: str
) -> None:
    event = make_event()
    key = {"X-Moderator-Key": event.moderator_key}
    made = client.post(
        f"/api/v1/events/{event.code}/polls",
        json={
            "questions": [{"kind": "rating", "prompt": "How useful?"}],
            "voting_rule": rule,
        },
        headers=key,
    )
    assert made.status_code == 201, made.text
    assert made.json()["voting_rule"] == rule
    patched = client.patch(
        f"/api/v1/polls/{made.json()['id']}", json={"voting_rule": "anyone"}, headers=key
    )
    assert patched.json()["voting_rule"] == "anyone"


def test_an_unknown_rule_is_refused_by_the_api_and_the_editor(
    client: TestClient, db: Database, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    key = {"X-Moderator-Key": event.moderator_key}
    poll = make_poll(event, state="draft")
    refused = client.patch(
        f"/api/v1/polls/{poll.id}", json={"voting_rule": "everyone"}, headers=key
    )
    assert refused.status_code == 422
    assert "voting_rule" in refused.json()["message"]
    client.get(f"/e/{event.code}/moderate", params={"key": event.moderator_key})
    form = client.post(
        f"/e/{event.code}/moderate/polls/{poll.id}/edit/settings",
        data={"title": "Changed", "voting_rule": "everyone"},
    )
    assert form.status_code == 422
    assert "is not a voting rule" in form.text
    with db.session() as session:
        stored = session.get_one(Poll, poll.id)
        assert (stored.title, stored.voting_rule) == ("", VotingRule.anyone)


def test_the_editor_offers_and_saves_the_rule(
    client: TestClient, db: Database, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    poll = make_poll(event, state="draft")
    client.get(f"/e/{event.code}/moderate", params={"key": event.moderator_key})
    page = client.get(f"/e/{event.code}/moderate/polls/{poll.id}")
    assert 'name="voting_rule"' in page.text
    assert "One vote per registered participant" in page.text
    saved = client.post(
        f"/e/{event.code}/moderate/polls/{poll.id}/edit/settings",
        data={"title": "Priorities", "voting_rule": "checked_in"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    with db.session() as session:
        assert session.get_one(Poll, poll.id).voting_rule is VotingRule.checked_in


def test_the_report_says_which_rule_a_poll_used(
    client: TestClient, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    make_poll(event, voting_rule=VotingRule.registered)
    key = {"X-Moderator-Key": event.moderator_key}
    data = client.get(f"/api/v1/events/{event.code}/report", headers=key)
    assert data.status_code == 200, data.text
    assert data.json()["polls"][0]["voting_rule"] == "registered"
    client.get(f"/e/{event.code}/moderate", params={"key": event.moderator_key})
    markdown = client.get(f"/e/{event.code}/report.md")
    assert "Who could vote: One vote per registered participant." in markdown.text
    page = client.get(f"/e/{event.code}/report.html")
    assert "Who could vote: One vote per registered participant" in page.text


def _statements(db: Database, poll: Poll, participant_ids: list[int]) -> int:
    """Return how many SQL statements recording one batch of answers to ``poll`` runs."""
    from sqlalchemy import event as sa_event

    from agora.polls.responses import Submission, record_responses

    question_id = poll.questions[0].id
    batch = [Submission(question_id, pid, poll.event_id, ANSWER) for pid in participant_ids]
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(str(args[2]))

    with db.session() as session:
        connection = session.connection()
        sa_event.listen(connection, "before_cursor_execute", count)
        outcomes = record_responses(session, batch)
        sa_event.remove(connection, "before_cursor_execute", count)
        session.rollback()
    assert all(getattr(o, "status_code", 0) == 201 for o in outcomes), outcomes
    return len(statements)


def test_a_rule_adds_one_query_per_batch_and_anyone_none(
    db: Database, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    anyone = make_poll(event)
    registered = make_poll(event, voting_rule=VotingRule.registered)
    with db.session() as session:
        stored = session.get_one(Event, event.id)
        people = []
        for n in range(8):  # joined from their registrations, as the registrant's page does
            registration = Registration(
                event_id=event.id, name=f"P{n}", email=f"p{n}@x.example", token=f"t{n}"
            )
            session.add(registration)
            session.flush()
            people.append(join_event(session, stored, registration_id=registration.id).id)
    plain = _statements(db, anyone, people)
    ruled = _statements(db, registered, people)
    assert ruled == plain + 1
    assert _statements(db, anyone, people[:1]) == plain  # per batch, not per vote
