"""The baseline of the same framework: a bare FastAPI POST and a bare Starlette GET.

``bench_responses.py`` serves this module with uvicorn next to Agora and sends it the same
requests as Agora's response route: same path shape, same headers (bearer token,
Idempotency-Key), the same JSON bodies. The POST endpoint only parses the body with a
Pydantic model and returns a small JSON object of the size Agora returns — no database,
no authentication, no group commit — so the ratio Agora/bare is what the hot path costs
on top of the framework.

The same POST also exists behind two small dependencies shaped like Agora's ``StateDep``
and ``ParticipantDep`` (read the app, read the bearer header), once as plain ``def``
functions — which FastAPI runs in its thread pool, one hop per dependency and request — and
once as ``async def`` functions, which run on the event loop: the difference is what such
dependencies cost on a hot path.

Run it alone with: ``.venv/bin/uvicorn --app-dir bench bare_app:app``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, FastAPI
from pydantic import BaseModel, ConfigDict
from starlette.requests import Request
from starlette.responses import JSONResponse, Response


class Answer(BaseModel):
    """The answer shapes the benchmark sends: a ranking or a single option."""

    model_config = ConfigDict(extra="forbid")

    ranking: list[str] | None = None
    option: str | None = None


class ResponseIn(BaseModel):
    """The body of a response, as Agora's route receives it."""

    model_config = ConfigDict(extra="forbid")

    answer: Answer


app = FastAPI(title="bare", openapi_url=None, docs_url=None, redoc_url=None)


@app.post("/api/v1/questions/{question_id}/responses", status_code=201)
async def respond(question_id: int, body: ResponseIn) -> dict[str, Any]:
    """Parse the body and return what Agora returns for a new response (without storing it)."""
    return {
        "id": "0" * 32,
        "question_id": question_id,
        "answer": body.answer.model_dump(exclude_none=True),
        "changed": False,
    }


def sync_app(request: Request) -> object:
    """Like Agora's ``get_state``: a plain function, so FastAPI runs it in a thread."""
    return request.app


def sync_bearer(request: Request, _app: Annotated[object, Depends(sync_app)]) -> str:
    """Like Agora's ``require_participant``: reads the bearer token, in a thread."""
    return request.headers.get("authorization", "")


async def async_app(request: Request) -> object:
    """``sync_app`` as a coroutine: runs on the event loop."""
    return request.app


async def async_bearer(request: Request, _app: Annotated[object, Depends(async_app)]) -> str:
    """``sync_bearer`` as a coroutine: runs on the event loop."""
    return request.headers.get("authorization", "")


@app.post("/sync-deps/questions/{question_id}/responses", status_code=201)
async def respond_sync_deps(
    question_id: int, body: ResponseIn, _who: Annotated[str, Depends(sync_bearer)]
) -> dict[str, Any]:
    """The bare POST behind two thread-pool dependencies."""
    return await respond(question_id, body)


@app.post("/async-deps/questions/{question_id}/responses", status_code=201)
async def respond_async_deps(
    question_id: int, body: ResponseIn, _who: Annotated[str, Depends(async_bearer)]
) -> dict[str, Any]:
    """The bare POST behind two event-loop dependencies."""
    return await respond(question_id, body)


async def ping(_request: Request) -> Response:
    """A plain Starlette route: no validation, no dependency injection."""
    return JSONResponse({"ok": True})


app.add_route("/ping", ping, methods=["GET"])
