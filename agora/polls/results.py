"""In-memory tallies of every question, rebuilt from the database and kept current.

The database is the system of record. A question's tally is loaded from it the first time
its results are needed; the load runs through the group committer between two batches, so
it sees exactly the commits before it, and every later batch is applied to it in memory.

Beside each tally the store keeps which answer each response row (by its id) holds, so
that applying an answer is idempotent: another process's batch, told through the broker,
is applied to this process's tally whether or not the tally's load already read it from
the database (an answer already there changes nothing), instead of reloading the tally
after every batch of every other process. An answer arriving while the tally is being
loaded is applied to it once it is in.
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
from agora.polls.responses import Recorded, Submission, answers_by_response
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
        #: Per loaded tally: the answer each response row (by id) holds in it.
        self._answers: dict[int, dict[str, dict[str, Any]]] = {}
        #: Per tally being loaded: the answers committed meanwhile, applied once it is in,
        #: and how many loads of it are under way.
        self._loading: dict[int, list[tuple[str, dict[str, Any]]]] = {}
        self._loads: dict[int, int] = {}
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
        # answers committed elsewhere while this loads: applied to it once it is in
        self._loading.setdefault(question_id, [])
        self._loads[question_id] = self._loads.get(question_id, 0) + 1

        def load() -> tuple[QuestionTally, dict[str, dict[str, Any]]]:
            fresh = make_tally(info.spec)
            with self._db.session() as session:
                answers = answers_by_response(session, question_id)
            for answer in answers.values():
                fresh.add(answer)
            return fresh, answers

        def install(loaded: tuple[QuestionTally, dict[str, dict[str, Any]]]) -> None:
            if (
                self._generation.get(question_id, 0) == generation
                and question_id not in self._tallies
            ):
                self._tallies[question_id], self._answers[question_id] = loaded
                for response_id, answer in self._loading.pop(question_id, []):
                    self.apply_answer(question_id, response_id, answer)

        try:
            loaded: tuple[
                QuestionTally, dict[str, dict[str, Any]]
            ] = await self._committer.run_exclusive(load, install)
        finally:
            # the last load under way ends: what waited for a load that was not kept
            # (another process changed the question meanwhile) is for the database
            self._loads[question_id] -= 1
            if not self._loads[question_id]:
                del self._loads[question_id]
                self._loading.pop(question_id, None)
        return self._tallies.get(question_id, loaded[0])

    def invalidate(self, question_id: int) -> None:
        """Forget a question's tally (changed elsewhere): the next use reloads it."""
        self._generation[question_id] = self._generation.get(question_id, 0) + 1
        self._tallies.pop(question_id, None)
        self._answers.pop(question_id, None)

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
            if outcome.new_answer is not None:
                self.apply_answer(outcome.question_id, str(outcome.body["id"]), outcome.new_answer)
        return changed

    def apply_answer(self, question_id: int, response_id: str, answer: dict[str, Any]) -> None:
        """Note that response ``response_id`` of a question now holds ``answer`` (committed).

        Idempotent: an answer the tally holds already changes nothing, so another
        process's answers may be applied whether or not the tally's load read them. While
        the tally is being loaded the answer waits for it; a tally nobody loads will read
        it from the database.
        """
        tally = self._tallies.get(question_id)
        if tally is None:
            arriving = self._loading.get(question_id)
            if arriving is not None:
                arriving.append((response_id, answer))
            return
        answers = self._answers[question_id]
        previous = answers.get(response_id)
        if previous == answer:
            return
        try:
            if previous is not None:
                tally.remove(previous)
            tally.add(answer)
        except ValueError:  # out of step with the database: rebuild it on next use
            self.invalidate(question_id)
            return
        answers[response_id] = answer

    async def result(self, question_id: int, method: str | None = None) -> dict[str, Any]:
        """Return a question's current result (ranking questions by ``method``)."""
        info = await self.question(question_id)
        tally = await self.tally(question_id)
        if tally.methods:
            return tally.result(method or info.ranking_method)
        if method is not None:
            raise AgoraError(_("Only ranking questions have a method."), field="method")
        return tally.result()
