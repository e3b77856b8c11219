"""The baseline of the live room: the same requests and streams on nothing but the framework.

``bench_room.py`` runs its simulated phones against this app after Agora, in the same run,
and prints Agora's figures as ratios to these. It answers every request the phones send
to Agora, at the same paths, with bodies of the same sizes, and does nothing else: no
database, no authentication, no templates, no rate limits.

* ``GET /e/{code}``: the page's join flow (303 with a ticket cookie, then the page with
  the participant cookie, as Agora answers while it keeps the new participants' page): a
  200 page carrying a card per poll (its id, its state, a chart when results are
  visible) like Agora's page, padded to the size of Agora's page;
* ``POST /api/v1/events/{code}/join``: 201 with a random participant token;
* ``POST /api/v1/questions/{id}/responses``: parses the body with Pydantic, counts the
  vote in a dict and marks the question changed; 201;
* ``POST /api/v1/polls/{id}/open`` (``close``): changes the poll's state in a dict;
* ``GET /api/v1/events/{code}/stream``: a bare SSE fan-out — one ``asyncio.Queue`` per
  stream, a snapshot first, then every message. A ticker task, at the same interval as
  Agora's coalescing window, turns what changed into ``polls`` and ``results`` messages,
  encodes each once, and puts it in every stream's queue (a stream whose queue is full is
  closed). Messages have Agora's shapes (``result.voters``, ``polls[].state``) and are
  padded to the sizes of Agora's messages measured earlier in the run.

``POST /__bare__/setup`` (JSON) gives it the event's code, polls, question ids and the
sizes to pad to; ``GET /__bare__/ready`` answers 200. Run alone with
``.venv/bin/uvicorn --app-dir bench bare_room:app``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Header, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from pydantic import BaseModel, ConfigDict

QUEUE = 256  # messages a stream may fall behind by, as in Agora's hub


class Answer(BaseModel):
    """A single-choice answer."""

    model_config = ConfigDict(extra="forbid")

    option: str


class ResponseIn(BaseModel):
    """The body of a vote, as Agora's route receives it."""

    model_config = ConfigDict(extra="forbid")

    answer: Answer


class JoinIn(BaseModel):
    """The body of a join (Agora's accepts an optional name and organisation)."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    organisation: str | None = None


class Setup(BaseModel):
    """What the benchmark tells the bare room before the phones come."""

    code: str
    moderator_key: str
    polls: list[dict[str, Any]]  # id, state, results_visible, questions: [{id}]
    sizes: dict[str, int]  # results, polls, snapshot, page: bytes of Agora's
    interval: float = 0.2


@dataclass
class Room:
    """The room's state: polls, counts, streams and what changed since the last tick."""

    setup: Setup | None = None
    counts: dict[int, int] = field(default_factory=dict)
    poll_of: dict[int, int] = field(default_factory=dict)
    streams: set[asyncio.Queue[str | None]] = field(default_factory=set)
    dirty_polls: bool = False
    dirty_questions: set[int] = field(default_factory=set)
    seq: int = 0


room = Room()


def _padded(data: dict[str, Any], size: int) -> str:
    text = json.dumps(data, separators=(",", ":"))
    missing = size - len(text) - len(',"pad":""')
    if missing > 0:
        text = json.dumps({**data, "pad": "x" * missing}, separators=(",", ":"))
    return text


def _setup() -> Setup:
    if room.setup is None:
        raise HTTPException(409, "POST /__bare__/setup first")
    return room.setup


def _signature() -> list[list[Any]]:
    return [
        [p["id"], p["state"], p["results_visible"]]
        for p in _setup().polls
        if p["state"] in {"open", "closed"}
    ]


def _polls_data() -> dict[str, Any]:
    return {"polls": _setup().polls}


def _results_data(question_id: int) -> dict[str, Any]:
    return {
        "question_id": question_id,
        "poll_id": room.poll_of[question_id],
        "result": {"voters": room.counts[question_id]},
    }


def _message(event: str, data: str) -> str:
    room.seq += 1
    return f"id: {room.seq}\nevent: {event}\ndata: {data}\n\n"


def _broadcast(message: str) -> None:
    for queue in list(room.streams):
        try:
            queue.put_nowait(message)
        except asyncio.QueueFull:
            room.streams.discard(queue)
            with contextlib.suppress(asyncio.QueueEmpty):
                queue.get_nowait()
            queue.put_nowait(None)


async def _ticker() -> None:
    while True:
        setup = room.setup
        await asyncio.sleep(setup.interval if setup else 0.2)
        if setup is None:
            continue
        if room.dirty_polls:
            room.dirty_polls = False
            _broadcast(_message("polls", _padded(_polls_data(), setup.sizes["polls"])))
        dirty, room.dirty_questions = room.dirty_questions, set()
        for question_id in sorted(dirty):
            data = _padded(_results_data(question_id), setup.sizes["results"])
            _broadcast(_message("results", data))


@contextlib.asynccontextmanager
async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
    """Run the ticker for the life of the app."""
    task = asyncio.get_running_loop().create_task(_ticker())
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


app = FastAPI(title="bare room", openapi_url=None, docs_url=None, redoc_url=None, lifespan=lifespan)


@app.get("/__bare__/ready")
async def ready() -> dict[str, bool]:
    """Answer once the server runs."""
    return {"ok": True}


@app.post("/__bare__/setup")
async def configure(setup: Setup) -> dict[str, int]:
    """Take the event's polls and the sizes to pad to."""
    room.setup = setup
    room.counts = {int(q["id"]): 0 for p in setup.polls for q in p["questions"]}
    room.poll_of = {int(q["id"]): int(p["id"]) for p in setup.polls for q in p["questions"]}
    return {"questions": len(room.counts)}


@app.get("/e/{code}")
async def page(code: str, request: Request) -> Response:
    """The page's join flow, then a page of Agora's size carrying the poll signature."""
    if "agora_p" not in request.cookies:
        if "agora_j" not in request.cookies:
            response: Response = RedirectResponse(f"/e/{code}?j=1", status_code=303)
            response.set_cookie("agora_j", secrets.token_urlsafe(24), httponly=True)
            return response
        response = _page(code)
        response.set_cookie("agora_p", secrets.token_urlsafe(32), httponly=True)
        response.delete_cookie("agora_j")
        return response
    return _page(code)


def _page(code: str) -> HTMLResponse:
    """A page of Agora's size carrying the poll signature."""
    setup = _setup()
    cards = "".join(
        f'<section class="card poll" data-poll="{poll}" data-state="{state}">'
        + ("<div data-chart></div>" if shown else "")
        + "</section>"
        for poll, state, shown in _signature()
    )
    body = f'<!doctype html><main id="live" data-event="{code}"><div data-polls>{cards}</div>'
    body += "</main>\n"
    body += "<!--" + "x" * max(0, setup.sizes["page"] - len(body) - 8) + "-->\n"
    return HTMLResponse(body)


@app.post("/api/v1/events/{code}/join", status_code=201)
async def join(code: str, _body: JoinIn) -> dict[str, Any]:
    """A new participant: a random token."""
    _setup()
    return {"participant_id": 0, "participant_token": secrets.token_urlsafe(32)}


@app.post("/api/v1/questions/{question_id}/responses", status_code=201)
async def respond(question_id: int, body: ResponseIn) -> dict[str, Any]:
    """Count the vote and mark its question changed."""
    if question_id not in room.counts:
        raise HTTPException(404, "no such question")
    poll_id = room.poll_of[question_id]
    if next(p for p in _setup().polls if p["id"] == poll_id)["state"] != "open":
        raise HTTPException(409, "the poll is not open")
    room.counts[question_id] += 1
    room.dirty_questions.add(question_id)
    return {
        "id": "0" * 32,
        "question_id": question_id,
        "answer": body.answer.model_dump(),
        "changed": False,
    }


@app.post("/api/v1/polls/{poll_id}/{action}")
async def poll_action(
    poll_id: int, action: str, x_moderator_key: str = Header("")
) -> dict[str, Any]:
    """Open or close a poll."""
    setup = _setup()
    if x_moderator_key != setup.moderator_key:
        raise HTTPException(403, "not the moderator")
    states = {"open": "open", "close": "closed"}
    if action not in states:
        raise HTTPException(404, "unknown action")
    poll = next((p for p in setup.polls if p["id"] == poll_id), None)
    if poll is None:
        raise HTTPException(404, "no such poll")
    poll["state"] = states[action]
    room.dirty_polls = True
    room.dirty_questions.update(int(q["id"]) for q in poll["questions"])
    return poll


@app.get("/api/v1/events/{code}/stream")
async def stream(code: str) -> StreamingResponse:
    """A snapshot, then every broadcast message, from this stream's queue."""
    setup = _setup()
    queue: asyncio.Queue[str | None] = asyncio.Queue(QUEUE)
    room.streams.add(queue)
    snapshot = {
        "sections": {
            "polls": _polls_data(),
            "poll_results": {
                str(q): {"voters": n}
                for q, n in room.counts.items()
                if next(p for p in setup.polls if p["id"] == room.poll_of[q])["state"]
                in {"open", "closed"}
            },
        }
    }
    first = f"retry: 2000\n\nid: {room.seq}\nevent: snapshot\n"
    first += f"data: {_padded(snapshot, setup.sizes['snapshot'])}\n\n"

    async def messages() -> AsyncIterator[str]:
        try:
            yield first
            while True:
                message = await queue.get()
                if message is None:
                    return
                yield message
        finally:
            room.streams.discard(queue)

    return StreamingResponse(
        messages(), media_type="text/event-stream", headers={"cache-control": "no-cache"}
    )
