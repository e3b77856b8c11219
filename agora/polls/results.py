"""In-memory tallies of every question, rebuilt from the database and kept current.

The database is the system of record. A question's tally is loaded from it the first time
its results are needed; the load runs through the group committer between two batches, so
it sees exactly the commits before it, and every later batch is applied to it in memory.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from agora.core.db import Database
from agora.core.errors import AgoraError, NotFound
from agora.core.groupcommit import GroupCommitter
from agora.core.i18n import _
from agora.polls.kinds import QuestionSpec, QuestionTally, make_tally
from agora.polls.models import Poll, PollState, Question
from agora.polls.responses import Recorded, Submission, load_answers
from agora.polls.services import spec_of


@dataclass(frozen=True)
class QuestionInfo:
    """What the hot path needs to know about a question without asking the database."""

    id: int
    poll_id: int
    event_id: int
    position: int
    prompt: str
    spec: QuestionSpec
    ranking_method: str


@dataclass(frozen=True)
class PollInfo:
    """The parts of a poll's state that decide who sees what."""

    id: int
    event_id: int
    state: PollState
    results_visible: bool
    question_ids: tuple[int, ...]
    screen_position: int


class ResultsStore:
    """Question descriptions and tallies for the whole process."""

    def __init__(self, db: Database, committer: GroupCommitter[Submission, Recorded]) -> None:
        self._db = db
        self._committer = committer
        self._questions: dict[int, QuestionInfo] = {}
        self._polls: dict[int, PollInfo] = {}
        self._tallies: dict[int, QuestionTally] = {}
        # bumped when another process changes a question: a load that started before
        # the bump may have missed that change, so it is not installed
        self._generation: dict[int, int] = {}

    # -- descriptions ---------------------------------------------------------------

    def _load_question(self, question_id: int) -> QuestionInfo:
        with self._db.session() as session:
            row = session.execute(
                select(Question, Poll.event_id).join(Poll).where(Question.id == question_id)
            ).first()
            if row is None:
                raise NotFound(_("There is no question {id}.").format(id=question_id))
            question, event_id = row
            return QuestionInfo(
                id=question.id,
                poll_id=question.poll_id,
                event_id=event_id,
                position=question.position,
                prompt=question.prompt,
                spec=spec_of(question),
                ranking_method=str(question.config.get("ranking_method", "positional")),
            )

    async def question(self, question_id: int) -> QuestionInfo:
        """Return a question's description, from memory when possible."""
        info = self._questions.get(question_id)
        if info is None:
            info = await self._committer.run_exclusive(lambda: self._load_question(question_id))
            self._questions[question_id] = info
        return info

    def note_poll(self, poll: Poll) -> PollInfo:
        """Remember a poll's current state (call after every change to it)."""
        info = PollInfo(
            id=poll.id,
            event_id=poll.event_id,
            state=poll.state,
            results_visible=poll.results_visible,
            question_ids=tuple(q.id for q in poll.questions),
            screen_position=poll.screen_position,
        )
        self._polls[poll.id] = info
        for question in poll.questions:  # positions may have moved: reload on next use
            self._questions.pop(question.id, None)
        return info

    def _load_poll(self, poll_id: int) -> PollInfo:
        with self._db.session() as session:
            poll = session.get(Poll, poll_id)
            if poll is None:
                raise NotFound(_("There is no poll {id}.").format(id=poll_id))
            return self.note_poll(poll)

    async def poll(self, poll_id: int) -> PollInfo:
        """Return a poll's visibility state, from memory when possible."""
        info = self._polls.get(poll_id)
        if info is None:
            info = await self._committer.run_exclusive(lambda: self._load_poll(poll_id))
        return info

    # -- tallies --------------------------------------------------------------------

    async def tally(self, question_id: int) -> QuestionTally:
        """Return a question's tally, loading it from the database the first time."""
        tally = self._tallies.get(question_id)
        if tally is not None:
            return tally
        info = await self.question(question_id)
        generation = self._generation.get(question_id, 0)

        def load() -> QuestionTally:
            fresh = make_tally(info.spec)
            with self._db.session() as session:
                for answer in load_answers(session, question_id):
                    fresh.add(answer)
            return fresh

        def install(fresh: QuestionTally) -> None:
            if self._generation.get(question_id, 0) == generation:
                self._tallies.setdefault(question_id, fresh)

        fresh: QuestionTally = await self._committer.run_exclusive(load, install)
        return self._tallies.get(question_id, fresh)

    def invalidate(self, question_id: int) -> None:
        """Forget a question's tally (changed elsewhere): the next use reloads it."""
        self._generation[question_id] = self._generation.get(question_id, 0) + 1
        self._tallies.pop(question_id, None)

    def invalidate_all(self) -> set[tuple[int, int]]:
        """Forget every tally and poll state; return the (event, question) pairs dropped."""
        dropped = {
            (info.event_id, qid) for qid, info in self._questions.items() if qid in self._tallies
        }
        for question_id in list(self._tallies):
            self.invalidate(question_id)
        self._polls.clear()
        self._questions.clear()
        return dropped

    def forget_poll(self, poll_id: int) -> None:
        """Forget a poll's state and its questions' descriptions (changed elsewhere)."""
        self._polls.pop(poll_id, None)
        for question_id in [q for q, info in self._questions.items() if info.poll_id == poll_id]:
            del self._questions[question_id]

    def apply(self, outcomes: Sequence[Recorded | BaseException]) -> set[tuple[int, int]]:
        """Apply a committed batch to the loaded tallies; return the (event, question) changed."""
        changed: set[tuple[int, int]] = set()
        for outcome in outcomes:
            if not isinstance(outcome, Recorded) or outcome.replayed:
                continue
            changed.add((outcome.event_id, outcome.question_id))
            tally = self._tallies.get(outcome.question_id)
            if tally is None:  # not loaded yet: the load will read this batch from the database
                continue
            try:
                if outcome.old_answer is not None:
                    tally.remove(outcome.old_answer)
                if outcome.new_answer is not None:
                    tally.add(outcome.new_answer)
            except ValueError:  # out of step with the database: rebuild it on next use
                del self._tallies[outcome.question_id]
        return changed

    async def result(self, question_id: int, method: str | None = None) -> dict[str, Any]:
        """Return a question's current result (ranking questions by ``method``)."""
        info = await self.question(question_id)
        tally = await self.tally(question_id)
        if tally.methods:
            return tally.result(method or info.ranking_method)
        if method is not None:
            raise AgoraError(_("Only ranking questions have a method."), field="method")
        return tally.result()
