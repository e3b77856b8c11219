"""Polls' part of the live pages and of a running app: group commit, tallies, live section.

``PollsLive`` is what polls keeps for the life of the app: the group committer that
records responses, the in-memory tallies (``ResultsStore``) and the ``polls`` section of
the stream, whose keys are ``"list"`` (the poll list changed) and question ids (that
question's results changed).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import anyio.to_thread

from agora.core.db import Database
from agora.core.errors import AgoraError
from agora.core.groupcommit import GroupCommitter
from agora.live.hub import Key, Rendered
from agora.polls.kinds import result_table
from agora.polls.models import Poll, PollState
from agora.polls.responses import Recorded, Submission, record_responses
from agora.polls.results import ResultsStore
from agora.polls.services import event_polls
from agora.web.state import AppState

NAME = "polls"
#: The key that says the poll list (states, titles, questions) changed.
LIST = "list"
#: Poll states whose results the screen and moderator follow.
LIVE_STATES = frozenset({PollState.open, PollState.closed})


def poll_list(db: Database, results: ResultsStore, event_id: int) -> list[dict[str, Any]]:
    """Return the event's non-archived polls with their questions, as live messages show them."""
    with db.session() as session:
        return poll_entries(results, event_polls(session, event_id, include_archived=False))


def poll_entries(results: ResultsStore, polls: Sequence[Poll]) -> list[dict[str, Any]]:
    """Return polls already loaded (an event's non-archived ones) as live messages show them."""
    out = []
    for poll in polls:
        results.note_poll(poll)
        out.append(
            {
                "id": poll.id,
                "title": poll.title,
                "state": poll.state.value,
                "results_visible": poll.results_visible,
                "allow_change": poll.allow_change,
                "screen_position": poll.screen_position,
                "questions": [
                    {"id": q.id, "position": q.position, "kind": q.kind, "prompt": q.prompt}
                    for q in poll.questions
                ],
            }
        )
    return out


class PollsSection:
    """The ``polls`` section: the poll list and each question's results."""

    name = NAME

    def __init__(self, db: Database, results: ResultsStore) -> None:
        self._db = db
        self._results = results

    async def polls(self, event_id: int) -> list[dict[str, Any]]:
        """Return the event's poll list."""
        return await anyio.to_thread.run_sync(poll_list, self._db, self._results, event_id)

    async def render(self, event_id: int, keys: set[Key]) -> Rendered:
        """Return the poll list if it changed, then each changed question's results."""
        messages: Rendered = []
        if not keys or LIST in keys:
            messages.append(("polls", {"polls": await self.polls(event_id)}, True))
        for question_id in sorted(k for k in keys if isinstance(k, int)):
            info = await self._results.question(question_id)
            poll = await self._results.poll(info.poll_id)
            result = await self._results.result(question_id)
            data = {
                "question_id": question_id,
                "poll_id": info.poll_id,
                "result": result,
                "table": result_table(result).to_json(),
            }
            messages.append(("results", data, poll.results_visible))
        return messages

    async def snapshot(self, event_id: int, public_only: bool) -> dict[str, Any]:
        """Return the poll list and the results of live polls the audience may see."""
        polls = await self.polls(event_id)
        results: dict[str, Any] = {}
        tables: dict[str, Any] = {}
        for poll in polls:
            if poll["state"] not in LIVE_STATES or (public_only and not poll["results_visible"]):
                continue
            for question in poll["questions"]:
                result = await self._results.result(question["id"])
                results[str(question["id"])] = result
                tables[str(question["id"])] = result_table(result).to_json()
        return {"polls": {"polls": polls}, "poll_results": results, "poll_tables": tables}


class PollsLive:
    """What polls keeps for the life of the app, attached to its state."""

    def __init__(self, state: AppState) -> None:
        self._state = state
        db = state.db

        def write(batch: Sequence[Submission]) -> list[Recorded | AgoraError]:
            with db.sessionmaker() as session:
                outcomes = record_responses(session, batch)
                session.commit()
            return outcomes

        self.committer: GroupCommitter[Submission, Recorded] = GroupCommitter(
            write,
            max_batch=state.settings.commit_batch_size,
            on_committed=self.responses_committed,
        )
        self.results = ResultsStore(db, self.committer)
        self.section = PollsSection(db, self.results)

    def attach(self) -> None:
        """Register with the app: lifespan, the other processes' notices, resync."""
        self._state.provide(self)
        self._state.on_lifespan(self._start, self.committer.stop)
        self._state.on_remote("responses", self._remote_responses)
        self._state.on_remote("polls", self._remote_polls)
        self._state.on_resync(self._resync)

    async def _start(self) -> None:
        self.committer.start()

    def responses_committed(self, outcomes: Sequence[Recorded | BaseException]) -> None:
        """Update tallies and streams after a batch commit, and tell the other processes."""
        changed = self.results.apply(outcomes)
        for event_id, question_id in changed:
            self._state.hub.changed(event_id, NAME, [question_id])
        if changed:
            self._state.publish({"kind": "responses", "changed": sorted(changed)})

    def responses_erased(self, changed: Sequence[tuple[int, int]]) -> None:
        """After responses were deleted elsewhere (a person's data erased): recount them.

        The (event, question) tallies are dropped so that their next use reloads them from
        the database; the streams redraw those results, and the other processes do the same.
        """
        pairs = sorted(set(changed))
        if pairs:
            self._state.on_loop(self._responses_erased, pairs)

    def _responses_erased(self, pairs: list[tuple[int, int]]) -> None:
        for event_id, question_id in pairs:
            self.results.invalidate(question_id)
            self._state.hub.changed(event_id, NAME, [question_id])
        self._state.publish({"kind": "responses", "changed": pairs})

    def poll_changed(self, poll: Poll, *, resend_results: bool = False) -> None:
        """Update the poll's cached state and the streams, and tell the other processes."""
        self.results.note_poll(poll)
        questions = sorted(q.id for q in poll.questions) if resend_results else []
        self._state.on_loop(self._poll_changed, poll.event_id, poll.id, questions)

    def poll_edited(self, poll: Poll, removed: Sequence[int] = ()) -> None:
        """After the editor changed a poll's questions: recount them with their new settings.

        A tally holds its question's options and labels, so each one is rebuilt from the
        database; the streams redraw the poll list and the results, and the other processes
        do the same.
        """
        for question_id in [*removed, *(q.id for q in poll.questions)]:
            self.results.invalidate(question_id)
        self.poll_changed(poll, resend_results=True)

    def _poll_changed(self, event_id: int, poll_id: int, questions: list[int]) -> None:
        self._state.hub.changed(event_id, NAME, [LIST, *questions])
        self._state.publish(
            {"kind": "polls", "event_id": event_id, "poll_id": poll_id, "resend": questions}
        )

    async def _remote_responses(self, message: dict[str, Any]) -> None:
        for event_id, question_id in message["changed"]:
            self.results.invalidate(int(question_id))
            self._state.hub.changed(int(event_id), NAME, [int(question_id)])

    async def _remote_polls(self, message: dict[str, Any]) -> None:
        self.results.forget_poll(int(message["poll_id"]))
        resend = [int(q) for q in message.get("resend", [])]
        for question_id in resend:
            self.results.invalidate(question_id)
        self._state.hub.changed(int(message["event_id"]), NAME, [LIST, *resend])

    async def _resync(self) -> None:
        dropped = self.results.invalidate_all()
        for event_id, question_id in dropped:
            self._state.hub.changed(event_id, NAME, [LIST, question_id])


def section(state: AppState) -> PollsSection:
    """Create polls' part of the app and return its live section."""
    live = PollsLive(state)
    live.attach()
    return live.section
