"""The objects one running Agora shares between requests."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi.templating import Jinja2Templates

from agora.core.broker import Broker
from agora.core.db import Database
from agora.core.groupcommit import GroupCommitter
from agora.core.security import Signer
from agora.core.settings import Settings
from agora.live.hub import Hub
from agora.live.messages import LiveMessages
from agora.polls.models import Poll
from agora.polls.responses import Recorded, Submission
from agora.polls.results import ResultsStore


@dataclass
class AppState:
    """Settings, database, group committer, tallies, live hub and templates of one app."""

    settings: Settings
    db: Database
    signer: Signer
    committer: GroupCommitter[Submission, Recorded]
    results: ResultsStore
    hub: Hub
    live: LiveMessages
    broker: Broker
    templates: Jinja2Templates
    #: The event loop serving the app, set when it starts.
    loop: asyncio.AbstractEventLoop | None = None

    def responses_committed(self, outcomes: Sequence[Recorded | BaseException]) -> None:
        """Update tallies and streams after a batch commit, and tell the other processes."""
        changed = self.results.apply(outcomes)
        for event_id, question_id in changed:
            self.hub.results_changed(event_id, question_id)
        if changed:
            self.broker.publish({"kind": "responses", "changed": sorted(changed)})

    def poll_changed(self, poll: Poll, *, resend_results: bool = False) -> None:
        """Update the poll's cached state and the streams, and tell the other processes."""
        self.results.note_poll(poll)
        questions = sorted(q.id for q in poll.questions) if resend_results else []
        self.hub.polls_changed(poll.event_id, set(questions))
        self.broker.publish(
            {"kind": "polls", "event_id": poll.event_id, "poll_id": poll.id, "resend": questions}
        )

    def section_changed(self, event_id: int, section: str) -> None:
        """Redraw a section (agenda, qa, floor…) of an event everywhere it is shown.

        Safe to call from a route's worker thread: the hub and the broker live on the
        event loop, so the notice is handed to it.
        """
        self.on_loop(self._section_changed, event_id, section)

    def _section_changed(self, event_id: int, section: str) -> None:
        self.hub.section_changed(event_id, section)
        self.broker.publish({"kind": "section", "event_id": event_id, "section": section})

    def on_loop(self, function: Callable[..., None], *args: Any) -> None:
        """Run ``function`` on the app's event loop, now if already there."""
        try:
            running: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is not None and (self.loop is None or running is self.loop):
            function(*args)
        elif self.loop is not None:
            self.loop.call_soon_threadsafe(function, *args)

    async def remote_change(self, message: dict[str, Any]) -> None:
        """Apply another process's change notice to this process's memory and streams."""
        if message.get("kind") == "responses":
            for event_id, question_id in message["changed"]:
                self.results.invalidate(int(question_id))
                self.hub.results_changed(int(event_id), int(question_id))
        elif message.get("kind") == "section":
            self.hub.section_changed(int(message["event_id"]), str(message["section"]))
        elif message.get("kind") == "polls":
            self.results.forget_poll(int(message["poll_id"]))
            resend = {int(q) for q in message.get("resend", [])}
            for question_id in resend:
                self.results.invalidate(question_id)
            self.hub.polls_changed(int(message["event_id"]), resend)

    async def resync(self) -> None:
        """After a gap in the broker: forget what memory holds and redraw every stream."""
        dropped = self.results.invalidate_all()
        for event_id in self.hub.event_ids():
            self.hub.polls_changed(event_id, {q for e, q in dropped if e == event_id})
