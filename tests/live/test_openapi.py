"""Schemathesis against the OpenAPI document: no request, however odd, makes a server error."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx2
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.core.result import Ok

from agora.core.db import Database
from agora.events.services import create_event
from agora.polls.schemas import PollIn
from agora.polls.services import create_poll, open_poll
from tests.browser import LiveServer
from tests.conftest import question


def test_no_generated_request_causes_a_server_error(live_server: LiveServer) -> None:
    database = Database(live_server.settings.database_url)
    with database.session() as session:
        event = create_event(session, title="Fuzzed", starts_on=dt.date(2024, 1, 1), code="EUREG23")
        poll = create_poll(
            session, event, PollIn(questions=[question("ranking"), question("points")])
        )
        open_poll(session, poll)
        moderator_key = event.moderator_key
    database.dispose()

    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/openapi.json")
    joined = httpx2.post(f"{live_server.url}/api/v1/events/EUREG23/join", json={})
    headers = {
        "X-Moderator-Key": moderator_key,
        "Authorization": f"Bearer {joined.json()['participant_token']}",
    }
    failures: list[str] = []
    for result in schema.get_all_operations():
        if not isinstance(result, Ok):
            failures.append(f"invalid operation in the schema: {result.err()}")
            continue
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=30,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def exercise(case: Any) -> None:
            response = case.call(base_url=live_server.url, headers=headers, timeout=5)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path}: {response.status_code}")

        exercise()
    assert failures == []
