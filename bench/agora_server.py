"""Agora as the benchmark serves it: ``create_app`` plus one read-only counter route.

``bench_responses.py`` runs ``uvicorn --factory --app-dir bench agora_server:create``. The
application is exactly ``agora.app.create_app(get_settings())`` (settings from the
``AGORA_*`` environment); the only addition is an outer ASGI layer that answers
``GET /__bench__/committer`` with the group committer's public counters (batches committed,
items written) and the live hub's latest fan-out time, so that the benchmark can report
the average batch size without adding anything to ``agora/``. Every other request goes
straight to the application.
"""

from __future__ import annotations

import json

from fastapi import FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send

from agora.app import create_app
from agora.core.settings import get_settings
from agora.polls.live import PollsLive
from agora.web.state import AppState

STATS_PATH = "/__bench__/committer"


class CommitterStats:
    """Answers the benchmark's counter route; passes everything else to Agora untouched."""

    def __init__(self, app: FastAPI) -> None:
        self.app: ASGIApp = app
        self.state: AppState = app.state.agora

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == STATS_PATH:
            committer = self.state.part(PollsLive).committer
            hub = self.state.hub
            fanout = max((hub.fanout_seconds(e) for e in hub.event_ids()), default=0.0)
            body = json.dumps(
                {"batches": committer.batches, "items": committer.items, "fanout_s": fanout}
            ).encode()
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", str(len(body)).encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return
        await self.app(scope, receive, send)


def create() -> ASGIApp:
    """Return Agora, configured from the environment, behind the counter route."""
    return CommitterStats(create_app(get_settings()))
