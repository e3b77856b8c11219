"""What live messages carry: the poll list of an event and each question's results."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anyio.to_thread

from agora.core.db import Database
from agora.polls.kinds import result_table
from agora.polls.models import PollState
from agora.polls.results import ResultsStore
from agora.polls.services import event_polls

#: Poll states whose results the screen and moderator follow.
LIVE_STATES = frozenset({PollState.open, PollState.closed})


def poll_list(db: Database, results: ResultsStore, event_id: int) -> list[dict[str, Any]]:
    """Return the event's non-archived polls with their questions, as live messages show them."""
    with db.session() as session:
        polls = event_polls(session, event_id, include_archived=False)
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


#: Renders one section of an event (agenda, Q&A, floor queue…) from the database, in a
#: worker thread: event id → list of (event name, data, public).
SectionRenderer = Callable[[Database, int], list[tuple[str, dict[str, Any], bool]]]


class LiveMessages:
    """Renders the hub's messages and snapshots from the database and the tallies."""

    def __init__(self, db: Database, results: ResultsStore) -> None:
        self._db = db
        self._results = results
        self._sections: dict[str, SectionRenderer] = {}

    def register_section(self, name: str, render: SectionRenderer) -> None:
        """Let a domain contribute a section to live messages and snapshots."""
        self._sections[name] = render

    async def section(self, name: str, event_id: int) -> list[tuple[str, dict[str, Any], bool]]:
        """Render one section of an event."""
        render = self._sections.get(name)
        if render is None:
            return []
        return await anyio.to_thread.run_sync(render, self._db, event_id)

    async def polls(self, event_id: int) -> list[dict[str, Any]]:
        """Return the event's poll list."""
        return await anyio.to_thread.run_sync(poll_list, self._db, self._results, event_id)

    async def render(
        self,
        event_id: int,
        question_ids: set[int],
        polls_changed: bool,
        sections: set[str] | None = None,
    ) -> list[tuple[str, dict[str, Any], bool]]:
        """Return the messages for what changed in an event."""
        messages: list[tuple[str, dict[str, Any], bool]] = []
        for name in sorted(sections or ()):
            messages.extend(await self.section(name, event_id))
        if polls_changed:
            messages.append(("polls", {"polls": await self.polls(event_id)}, True))
        for question_id in sorted(question_ids):
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
        """Return everything a new stream of one audience needs to draw the event."""
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
        sections: dict[str, Any] = {}
        for name in sorted(self._sections):
            for event_name, data, public in await self.section(name, event_id):
                if public or not public_only:
                    sections[event_name] = data
        return {"polls": polls, "results": results, "tables": tables, "sections": sections}
