"""Polls' part of the live pages and of a running app: group commit, tallies, live section.

``PollsLive`` is what polls keeps for the life of the app: the group committer that
records responses, the in-memory tallies (``ResultsStore``) and the ``polls`` section of
the stream, whose keys are ``"list"`` (the poll list changed) and question ids (that
question's results changed).

When the poll list changes the section also sends ``poll_cards``: the participant page's
card of every live poll, drawn once for every phone by the page's own template
(polls/_participant_poll.html) with no participant's answers, in the event's language.
The phone swaps the cards in and shows the question each participant is at from what it
knows of their answers; it never reloads. The cards carry results only for polls whose
results participants may see, as the public ``results`` messages do. A message carries
the HTML only of the cards that changed since the section's previous message to the event
(the others by id and version); a snapshot carries every card.
"""

from __future__ import annotations

import asyncio
import contextvars
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import anyio.to_thread
from jinja2 import Environment

from agora.core.db import Database
from agora.core.errors import AgoraError
from agora.core.groupcommit import GroupCommitter
from agora.core.i18n import set_language, supported
from agora.events.models import Event
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
#: The message (and snapshot entry) with the participant page's live poll cards.
CARDS = "poll_cards"
#: The template that draws one card for the stream (the page's macro, with no answers).
CARD_TEMPLATE = "polls/live_poll_card.html"


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


@dataclass(frozen=True)
class LivePolls:
    """An event's polls as loaded for a live message: the list, and the live ones to draw."""

    event_id: int
    code: str
    language: str
    entries: list[dict[str, Any]]
    #: The open and closed polls, with their questions (detached from their session).
    live: list[Poll]

    def version(self) -> str:
        """Return a short fingerprint of every card (what they show but the results)."""
        return _digest([card_version(self.code, poll) for poll in self.live])


def _digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def card_version(code: str, poll: Poll) -> str:
    """Return a short fingerprint of what a poll's card shows, but its results.

    The participant page and the ``poll_cards`` message carry it, so the phone swaps a
    card only when it changed.
    """
    questions = [[q.id, q.position, q.kind, q.prompt, q.config] for q in poll.questions]
    drawn = [poll.id, poll.state.value, poll.title, poll.results_visible, poll.allow_change]
    return _digest([code, drawn, questions])


def load_live_polls(db: Database, results: ResultsStore, event_id: int) -> LivePolls:
    """Load an event's code, language and non-archived polls (the live ones for the cards)."""
    with db.session() as session:
        event = session.get(Event, event_id)
        polls = event_polls(session, event_id, include_archived=False) if event else []
        return LivePolls(
            event_id=event_id,
            code=event.code if event else "",
            language=event.language if event else "en",
            entries=poll_entries(results, polls),
            live=[p for p in polls if p.state in LIVE_STATES],
        )


def draw_cards(
    env: Environment, loaded: LivePolls, language: str, results: dict[int, Any]
) -> list[dict[str, Any]]:
    """Draw each live poll's participant card in ``language``, for every phone alike.

    No participant's answers go in: every question's form is drawn, the first one shown,
    and the page picks the one each participant is at. ``results`` holds the results of
    the polls participants may see, and only those are drawn.
    """
    template = env.get_template(CARD_TEMPLATE)
    event = {"code": loaded.code}

    def draw() -> list[dict[str, Any]]:
        set_language(language)  # in a copied context: the caller's language is untouched
        return [
            {
                "id": poll.id,
                "state": poll.state.value,
                "version": card_version(loaded.code, poll),
                "html": template.render(event=event, poll=poll, results=results).strip(),
            }
            for poll in loaded.live
        ]

    return contextvars.copy_context().run(draw)


class PollsSection:
    """The ``polls`` section: the poll list, the phones' poll cards and each question's results."""

    name = NAME

    def __init__(self, db: Database, results: ResultsStore, env: Environment) -> None:
        self._db = db
        self._results = results
        self._env = env
        # The cards last drawn, by (event, language): (version, message data). A new
        # stream's snapshot takes them from here while the polls have not changed.
        self._cards: dict[tuple[int, str], tuple[str, dict[str, Any]]] = {}
        self._drawing: dict[tuple[int, str], asyncio.Lock] = {}
        self._events: dict[str, int] = {}  # event code → id, for cards asked for by code
        # The card versions of the last poll_cards message of each event: the next one
        # sends again only the cards that changed.
        self._sent: dict[int, dict[int, str]] = {}

    async def load(self, event_id: int) -> LivePolls:
        """Return the event's polls as live messages need them."""
        return await anyio.to_thread.run_sync(load_live_polls, self._db, self._results, event_id)

    async def cards(self, loaded: LivePolls, language: str | None = None) -> dict[str, Any]:
        """Return the ``poll_cards`` data in ``language`` (the event's by default).

        Drawn once per version of the polls and language, then kept: the results in a card
        are those of when it was drawn, and the page redraws them from the results it gets.
        """
        language = supported(language) or supported(loaded.language) or "en"
        self._events[loaded.code] = loaded.event_id
        version = loaded.version()
        key = (loaded.event_id, language)
        kept = self._cards.get(key)
        if kept is not None and kept[0] == version:
            return kept[1]
        async with self._drawing.setdefault(key, asyncio.Lock()):
            kept = self._cards.get(key)
            if kept is not None and kept[0] == version:
                return kept[1]
            results: dict[int, Any] = {}
            for poll in loaded.live:
                if poll.results_visible:
                    for question in poll.questions:
                        results[question.id] = await self._results.result(question.id)
            drawn = await anyio.to_thread.run_sync(draw_cards, self._env, loaded, language, results)
            data = {"version": version, "lang": language, "polls": drawn}
            self._cards[key] = (version, data)
            return data

    def cards_kept(self, code: str, language: str, version: str) -> dict[str, Any] | None:
        """Return an event's cards of one version and language if they are drawn already."""
        event_id = self._events.get(code)
        kept = None if event_id is None else self._cards.get((event_id, language))
        return kept[1] if kept is not None and kept[0] == version else None

    def forget_cards(self) -> None:
        """Forget every card drawn (another process may have changed polls unseen)."""
        self._cards.clear()
        self._sent.clear()

    def changed_cards(self, event_id: int, data: dict[str, Any]) -> dict[str, Any]:
        """Return the ``poll_cards`` message: the HTML only of cards changed since the last."""
        before = self._sent.get(event_id, {})
        self._sent[event_id] = {card["id"]: card["version"] for card in data["polls"]}
        polls = [
            card
            if before.get(card["id"]) != card["version"]
            else {
                "id": card["id"],
                "state": card["state"],
                "version": card["version"],
            }
            for card in data["polls"]
        ]
        return {**data, "polls": polls}

    async def render(self, event_id: int, keys: set[Key]) -> Rendered:
        """Return the poll list and cards if they changed, then each changed question's results."""
        messages: Rendered = []
        if not keys or LIST in keys:
            loaded = await self.load(event_id)
            messages.append(("polls", {"polls": loaded.entries}, True))
            cards = self.changed_cards(event_id, await self.cards(loaded))
            messages.append((CARDS, cards, True))
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
        """Return the poll list, the phones' cards and the results the audience may see."""
        loaded = await self.load(event_id)
        polls = loaded.entries
        results: dict[str, Any] = {}
        tables: dict[str, Any] = {}
        for poll in polls:
            if poll["state"] not in LIVE_STATES or (public_only and not poll["results_visible"]):
                continue
            for question in poll["questions"]:
                result = await self._results.result(question["id"])
                results[str(question["id"])] = result
                tables[str(question["id"])] = result_table(result).to_json()
        snapshot = {"polls": {"polls": polls}, "poll_results": results, "poll_tables": tables}
        if public_only:  # the moderator and the screen draw their own pages
            snapshot[CARDS] = await self.cards(loaded)
        return snapshot


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
        self.section = PollsSection(db, self.results, state.templates.env)

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
            answers = [
                [o.question_id, o.body["id"], o.new_answer]
                for o in outcomes
                if isinstance(o, Recorded) and not o.replayed and o.new_answer is not None
            ]
            self._state.publish(
                {"kind": "responses", "changed": sorted(changed), "answers": answers}
            )

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
        """Another process committed answers: apply them here (idempotent), no reload."""
        answers = message.get("answers")
        if isinstance(answers, list):
            for question_id, response_id, answer in answers:
                self.results.apply_answer(int(question_id), str(response_id), answer)
        for event_id, question_id in message["changed"]:
            if not isinstance(answers, list):  # a sender that does not say: reload
                self.results.invalidate(int(question_id))
            self._state.hub.changed(int(event_id), NAME, [int(question_id)])

    async def _remote_polls(self, message: dict[str, Any]) -> None:
        self.results.forget_poll(int(message["poll_id"]))
        resend = [int(q) for q in message.get("resend", [])]
        for question_id in resend:
            self.results.invalidate(question_id)
        self._state.hub.changed(int(message["event_id"]), NAME, [LIST, *resend])

    async def _resync(self) -> None:
        self.section.forget_cards()
        dropped = self.results.invalidate_all()
        for event_id, question_id in dropped:
            self._state.hub.changed(event_id, NAME, [LIST, question_id])


def section(state: AppState) -> PollsSection:
    """Create polls' part of the app and return its live section."""
    live = PollsLive(state)
    live.attach()
    return live.section
