"""Themes a moderator edited lose an erased participant's answers: keys and representative."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from agora.core.db import Database
from agora.events.models import Participant
from agora.polls.models import QuestionThemes, Response
from agora.polls.themes import answer_entries, current_themes
from agora.privacy.data import erase_participant
from tests.conftest import EventFactory, PollFactory, join, question


def test_erasing_a_participant_drops_their_answers_from_edited_themes(
    client: TestClient, db: Database, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    poll = make_poll(event, question("open_text", prompt="What did you learn?"))
    qid = poll.questions[0].id
    for text in ("Start with a small pilot", "Share the data openly", "Ask the citizens"):
        sent = client.post(
            f"/api/v1/questions/{qid}/responses",
            json={"answer": {"texts": [text]}},
            headers=join(client, event.code),
        )
        assert sent.status_code == 201, sent.text
    with db.session() as session:
        keys, texts = answer_entries(session, qid)
        first = session.scalars(select(Response).where(Response.id == keys[0].split(":")[0])).one()
        leaver = first.participant_id
        # a moderator's edit: one theme whose representative is the leaver's answer
        session.add(
            QuestionThemes(
                question_id=qid,
                method="edited",
                themes=[{"label": "Pilots", "representative": keys[0], "keys": keys}],
            )
        )
    with db.session() as session:
        erase_participant(session, event, session.get_one(Participant, leaver))
    with db.session() as session:
        stored = session.scalars(select(QuestionThemes)).one()
        saved = stored.themes[0]
        assert keys[0] not in saved["keys"]
        assert saved["keys"] == keys[1:]
        assert saved["representative"] is None  # it was the erased answer
        shown, edited = current_themes(session, poll.questions[0])
    assert edited
    assert texts[0] not in {theme.representative for theme in shown.themes}
    assert texts[0] not in shown.texts
