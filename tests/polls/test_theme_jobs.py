"""Themes of many answers are found in the background; the themes page shows the progress."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient

from agora.core.db import Database
from agora.events.models import Event
from agora.events.services import join_event
from agora.polls import theme_jobs
from agora.polls.models import Response
from agora.text.embeddings import WordEmbedder
from agora.text.themes import find_themes

from .test_themes import open_text_question

TEXTS = [f"{word} for the region number {n}" for n in range(3) for word in ("Trams", "Funding")]


def test_a_job_reports_progress_and_gives_the_same_themes() -> None:
    job = theme_jobs.job_for(-1, TEXTS)
    assert job.wait(600)
    assert not job.failed
    assert (job.done, job.total, job.percent) == (len(TEXTS), len(TEXTS), 100)
    assert job.result == find_themes(TEXTS)
    assert theme_jobs.job_for(-1, TEXTS) is job  # the same answers: the same job
    assert theme_jobs.finished_result(-1, TEXTS) == job.result
    assert theme_jobs.finished_result(-1, [*TEXTS, "One more"]) is None


def test_a_chosen_number_of_themes_is_a_job_of_its_own() -> None:
    automatic = theme_jobs.job_for(-2, TEXTS)
    chosen = theme_jobs.job_for(-2, TEXTS, 2)
    assert chosen is not automatic
    assert chosen.wait(600)
    assert automatic.wait(600)
    assert chosen.result is not None
    assert chosen.result.k == 2
    assert len(chosen.result.themes) == 2
    assert theme_jobs.finished_result(-2, TEXTS, 2) == chosen.result
    assert theme_jobs.finished_result(-2, TEXTS) == automatic.result
    assert theme_jobs.finished_result(-2, TEXTS, 3) is None


def test_progress_is_reported_in_batches() -> None:
    seen: list[tuple[int, int]] = []
    texts = [f"Answer {n} about trams and buses" for n in range(70)]
    find_themes(texts, embedder=WordEmbedder(), progress=lambda d, t: seen.append((d, t)))
    assert seen == [(70, 70)]  # the fallback is fitted at once
    job = theme_jobs.Job(total=70)
    job.progress(32, 70)
    assert job.percent == 45


def test_themes_page_shows_progress_then_the_themes(
    client: TestClient, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(theme_jobs, "BACKGROUND_FROM", 1)
    started: list[theme_jobs.Job] = []
    job_for = theme_jobs.job_for

    def recording(question_id: int, texts: list[str], k: int | None = None) -> theme_jobs.Job:
        job = job_for(question_id, texts, k)
        started.append(job)
        return job

    monkeypatch.setattr(theme_jobs, "job_for", recording)
    with db.session() as session:
        question = open_text_question(session)
        event = session.get(Event, question.poll.event_id)
        assert event is not None
        # A new answer makes these answers differ from any other test's (a new job).
        participant = join_event(session, event)
        session.add(
            Response(
                id=uuid.uuid4().hex,
                question_id=question.id,
                participant_id=participant.id,
                answer={"texts": [f"Twinning {uuid.uuid4().hex[:6]}"]},
            )
        )
        qid, moderator_key = question.id, event.moderator_key
    client.get(f"/e/EUREG23/moderate?key={moderator_key}")
    page = client.get(f"/e/EUREG23/moderate/themes/{qid}")
    assert page.status_code == 200
    assert started
    job = started[0]
    # Either still running (progress, and the page reloads itself) or already done.
    if "themes-progress" in page.text:
        assert "Finding themes:" in page.text
        assert 'http-equiv="refresh"' in page.text
    assert job.wait(600)
    page = client.get(f"/e/EUREG23/moderate/themes/{qid}")
    assert "themes-progress" not in page.text
    assert "Diferrence beetwen" in page.text
    assert job.result is not None
