"""A participant sees, downloads and erases what they contributed; a registrant likewise."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from agora.core.db import Database
from agora.events.models import Participant
from agora.floor.models import FloorRequest
from agora.polls.models import Response
from agora.qa.models import AudienceQuestion, QuestionVote
from agora.registrations.models import Registration
from agora.takeaways.models import Takeaway
from tests.conftest import EventFactory
from tests.privacy.conftest import Scene, audit_actions, results

FORM = {"name": "Ivana Horvat", "email": "ivana@kzz.hr", "organisation": "KZZ"}


def counts(db: Database, participant_id: int) -> dict[str, int]:
    """Return how many rows of each kind a participant has."""
    kinds = {
        "responses": Response.participant_id,
        "questions": AudienceQuestion.participant_id,
        "upvotes": QuestionVote.participant_id,
        "floor": FloorRequest.participant_id,
        "takeaways": Takeaway.participant_id,
    }
    with db.session() as session:
        return {
            name: session.scalar(select(func.count()).where(column == participant_id)) or 0
            for name, column in kinds.items()
        }


def participant_id_of(db: Database, name: str) -> int:
    with db.session() as session:
        found = session.scalar(select(Participant.id).where(Participant.name == name))
        assert found is not None
        return found


def test_the_page_lists_what_the_participant_contributed(client: TestClient, scene: Scene) -> None:
    page = client.get(f"/e/{scene.event.code}/me", headers=scene.ana)

    assert page.status_code == 200
    assert "A question from Ana?" in page.text
    assert "Ana learned." in page.text
    assert "A question from Ben?" not in page.text  # only one's own
    assert "Poll answers (1)" in page.text
    assert "Upvotes (1)" in page.text


def test_the_download_holds_everything_as_json(client: TestClient, scene: Scene) -> None:
    got = client.get(f"/e/{scene.event.code}/me/data.json", headers=scene.ana)

    assert got.status_code == 200
    assert "attachment" in got.headers["content-disposition"]
    mine = got.json()
    assert (mine["participant"]["name"], mine["participant"]["organisation"]) == ("Ana", "Murcia")
    assert [a["answer"] for a in mine["poll_answers"]] == [{"option": "o1"}]
    assert [q["text"] for q in mine["questions"]] == ["A question from Ana?"]
    assert [u["question_id"] for u in mine["upvotes"]] == [scene.ben_question]
    assert [(f["name"], f["topic"]) for f in mine["floor_requests"]] == [("Ana", "Housing")]
    assert [t["lesson"] for t in mine["takeaways"]] == ["Ana learned."]


def test_someone_who_has_not_joined_sees_nothing(
    client: TestClient, scene: Scene, make_event: EventFactory
) -> None:
    other = make_event(title="Another event")
    other_auth = client.post(f"/api/v1/events/{other.code}/join", json={}).json()

    assert client.get(f"/e/{scene.event.code}/me").status_code == 401
    token = {"Authorization": f"Bearer {other_auth['participant_token']}"}
    assert client.get(f"/e/{scene.event.code}/me/data.json", headers=token).status_code == 401


def test_erasing_needs_the_confirmation_and_changes_nothing_without_it(
    client: TestClient, db: Database, scene: Scene
) -> None:
    ana_id = participant_id_of(db, "Ana")
    before = counts(db, ana_id)
    assert (
        "cannot be undone" in client.get(f"/e/{scene.event.code}/me/erase", headers=scene.ana).text
    )

    refused = client.post(f"/e/{scene.event.code}/me/erase", headers=scene.ana, data={})

    assert refused.status_code == 422
    assert counts(db, ana_id) == before


def test_erasing_deletes_everything_and_the_results_recount(
    client: TestClient, db: Database, scene: Scene
) -> None:
    code, qid = scene.event.code, scene.question_id
    ana_id = participant_id_of(db, "Ana")
    shown = results(client, qid, scene.ben)  # loads the tally in memory
    assert shown["voters"] == 2

    erased = client.post(f"/e/{code}/me/erase", headers=scene.ana, data={"confirm": "yes"})

    assert erased.status_code == 200
    assert "Your data is erased" in erased.text
    assert counts(db, ana_id) == dict.fromkeys(counts(db, ana_id), 0)
    after = results(client, qid, scene.ben)
    assert after["voters"] == 1
    assert {o["id"]: o["count"] for o in after["options"]}["o1"] == 0
    with db.session() as session:
        assert session.get(Participant, ana_id) is None
        bens = session.get(AudienceQuestion, scene.ben_question)
        assert bens is not None
        assert bens.votes == 0  # Ana's upvote counts no more
        assert session.get(AudienceQuestion, scene.ana_question) is None
        assert audit_actions(session, scene.event)[-1] == (
            "participant",
            "participant.erased_self",
            f"participant {ana_id}",
        )
    assert client.get(f"/e/{code}/me", headers=scene.ana).status_code == 404
    late = client.post(  # the erased participant's token, still signed, records nothing
        f"/api/v1/questions/{qid}/responses", json={"answer": {"option": "o1"}}, headers=scene.ana
    )
    assert late.status_code == 404
    assert results(client, qid, scene.ben)["voters"] == 1
    report = client.get(
        f"/api/v1/events/{code}/report", headers={"X-Moderator-Key": scene.event.moderator_key}
    )
    assert report.status_code == 200
    assert '"responses": 1' in report.text.replace('":1', '": 1')


def test_a_registrant_downloads_and_erases_their_registration(
    client: TestClient, db: Database, make_event: EventFactory
) -> None:
    event = make_event()
    client.post(f"/e/{event.code}/register", data=FORM)
    with db.session() as session:
        registration = session.scalars(select(Registration)).one()
        old_token, old_id = registration.token, registration.id
    link = f"/e/{event.code}/registration/{old_token}"
    assert "Erase your registration" in client.get(link).text

    mine = client.get(f"{link}/data.json").json()
    assert (mine["registration"]["name"], mine["registration"]["email"]) == (
        "Ivana Horvat",
        "ivana@kzz.hr",
    )
    assert old_token not in str(mine)
    assert client.post(f"{link}/erase", data={}).status_code == 422
    erased = client.post(f"{link}/erase", data={"confirm": "yes"})

    assert erased.status_code == 200
    assert client.get(link).status_code == 404
    assert client.get(f"{link}/data.json").status_code == 404
    with db.session() as session:
        assert session.scalars(select(Registration)).all() == []
        assert audit_actions(session, event)[-1] == (
            "participant",
            "registration.erased_self",
            f"registration {old_id}",
        )


def test_an_erased_or_cancelled_address_registers_anew_without_the_old_link(
    client: TestClient, db: Database, make_event: EventFactory
) -> None:
    event = make_event()
    client.post(f"/e/{event.code}/register", data=FORM)
    with db.session() as session:
        first = session.scalars(select(Registration)).one()
        first_token = first.token
    client.post(f"/e/{event.code}/registration/{first_token}/erase", data={"confirm": "yes"})

    client.post(f"/e/{event.code}/register", data=FORM)

    with db.session() as session:
        again = session.scalars(select(Registration)).one()
        assert (again.email, again.name) == ("ivana@kzz.hr", "Ivana Horvat")
        assert again.token != first_token  # (SQLite may hand out the freed id again)
        second_token = again.token
        assert (
            client.post(
                f"/api/v1/registrations/{again.id}/cancel",
                headers={"X-Moderator-Key": event.moderator_key},
            ).status_code
            == 200
        )
    assert client.get(f"/e/{event.code}/registration/{first_token}").status_code == 404

    client.post(f"/e/{event.code}/register", data=FORM)  # after a cancellation

    with db.session() as session:
        renewed = session.scalars(select(Registration)).one()
        assert renewed.status.value == "registered"
        assert renewed.token not in {first_token, second_token}
    assert client.get(f"/e/{event.code}/registration/{second_token}").status_code == 404
