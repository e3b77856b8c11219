"""Schemathesis over the whole API, in process, on SQLite and PostgreSQL.

Every operation of ``/api/v1/openapi.json`` gets generated requests (valid and invalid)
as an organiser (API token), as a participant (participant token) and with the moderator
key, against a real event with a poll of every question kind, an audience question, a
floor request, a takeaway, a registration and an agenda item, so that requests reach the
handlers rather than stopping at a 404. No request may get a server error, and every
answer with a documented status must match its schema.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any, cast

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from schemathesis.core.failures import FailureGroup
from schemathesis.core.result import Ok
from schemathesis.python import asgi
from schemathesis.specs.openapi import checks as openapi_checks

from agora.app import create_app
from agora.core.settings import Settings
from agora.knowledge import gazetteer
from agora.polls.kinds import QuestionKind
from tests.conftest import SECRET, OrganiserFactory, question

#: Examples per operation and way of calling it: enough to find the odd input, few
#: enough that a database's run stays within a few minutes on two cores.
EXAMPLES = 30
CODE = "FUZZ23"

#: Which real object a path parameter names, by the start of the operation's path.
PATH_OBJECTS = {
    ("/api/v1/audience-questions/", "question_id"): "audience_question",
    ("/api/v1/questions/", "question_id"): "question",
    ("/api/v1/polls/", "poll_id"): "poll",
    ("/api/v1/floor/", "request_id"): "floor_request",
    ("/api/v1/takeaways/", "takeaway_id"): "takeaway",
    ("/api/v1/registrations/", "registration_id"): "registration",
    ("/api/v1/events/", "item_id"): "agenda_item",
    ("/api/v1/events/", "takeaway_id"): "approved_takeaway",
    ("/api/v1/knowledge/actors/", "actor_id"): "actor",
    ("/api/v1/knowledge/actors/", "network_id"): "network",
    ("/api/v1/knowledge/cooperations/", "cooperation_id"): "cooperation",
    ("/api/v1/knowledge/topics/", "slug"): "topic",
}

#: Operations that end the event for every later request: run last, in this order.
LAST = (
    "DELETE /api/v1/knowledge/actors/{actor_id}",  # after its memberships' operations
    "POST /api/v1/events/{code}/close",
    "DELETE /api/v1/events/{code}",
)
#: The poll's action is a plain string in the document (the service names the valid ones).
POLL_ACTIONS = ("open", "close", "archive", "restore", "reveal", "hide", "duplicate")


@pytest.fixture
def fuzz_app(database_url: str) -> FastAPI:
    """An app on the test database with the rate limits off (the fuzzer asks fast)."""
    # promoting a takeaway resolves places; the gazetteer builds its index once per process
    # on first use (seconds on a busy machine), which must not count against a request's
    # timeout
    gazetteer.warm_up()
    return create_app(
        Settings(
            database_url=database_url,
            secret_key=SECRET,
            live_interval_ms=20,
            heartbeat_s=0.2,
            rate_limits=False,
            _env_file=None,
        )
    )


@contextlib.contextmanager
def asgi_client(app: FastAPI) -> Iterator[asgi.ASGIClient]:
    """Schemathesis's in-process client, its app's lifespan ended afterwards."""
    try:
        # FastAPI's __call__ takes MutableMapping scopes where schemathesis says dict
        with asgi.get_client(cast(Any, app)) as client:
            yield client
    finally:
        asgi.shutdown_lifespans()


def arrange(client: asgi.ASGIClient, organiser_headers: dict[str, str]) -> dict[str, Any]:
    """Create, through the API, one object of each kind the operations name."""

    def post(path: str, headers: dict[str, str], **kwargs: Any) -> Any:
        response = client.post(path, headers=headers, **kwargs)
        assert response.status_code in {200, 201, 202}, (path, response.status_code, response.text)
        return response.json()

    event = post(
        "/api/v1/events",
        organiser_headers,
        json={"title": "Fuzzed", "starts_on": "2024-01-01", "code": CODE, "capacity": 50},
    )
    moderator = {**organiser_headers, "X-Moderator-Key": event["moderator_url"].split("key=")[1]}
    kinds = [question(kind).model_dump(exclude_none=True) for kind in QuestionKind]
    poll = post(f"/api/v1/events/{CODE}/polls", moderator, json={"questions": kinds})
    post(f"/api/v1/polls/{poll['id']}/open", moderator)
    participant = {
        "Authorization": "Bearer "
        + post(f"/api/v1/events/{CODE}/join", {}, json={})["participant_token"]
    }
    asked = post(f"/api/v1/events/{CODE}/questions", participant, json={"text": "Which way?"})
    floor = post(f"/api/v1/events/{CODE}/floor", participant, json={"name": "Ana"})
    takeaway = post(
        f"/api/v1/events/{CODE}/takeaways",
        participant,
        json={"lesson": "Start small.", "organisation": "Region of Ana"},
    )
    post(  # 202: the link goes by e-mail; the organiser's list gives the id
        f"/api/v1/events/{CODE}/registrations",
        organiser_headers,
        json={"name": "Ana", "email": "ana@example.org"},
    )
    listed = client.get(f"/api/v1/events/{CODE}/registrations", headers=moderator).json()
    registration = listed["registrations"][0]
    item = post(
        f"/api/v1/events/{CODE}/agenda",
        moderator,
        json={"kind": "speaker", "title": "Opening", "speaker_name": "Ana"},
    )
    approved = post(  # a moderator's takeaway is approved: it can be promoted
        f"/api/v1/events/{CODE}/takeaways",
        moderator,
        json={"lesson": "Start small.", "place": "Graz", "country": "AT"},
    )
    network = post(
        "/api/v1/knowledge/actors", organiser_headers, json={"name": "EURADA", "kind": "network"}
    )
    actor = post(
        "/api/v1/knowledge/actors", organiser_headers, json={"name": "Graz", "country": "AT"}
    )
    post(
        f"/api/v1/knowledge/actors/{actor['id']}/memberships",
        organiser_headers,
        json={"network_id": network["id"]},
    )
    cooperation = post(
        "/api/v1/knowledge/cooperations",
        organiser_headers,
        json={
            "title": "Health hub",
            "actors": [{"actor_id": actor["id"]}, {"actor_id": network["id"]}],
        },
    )
    return {
        "moderator": moderator,
        "participant": participant,
        "ids": {
            "approved_takeaway": approved["id"],
            "actor": actor["id"],
            "network": network["id"],
            "cooperation": cooperation["id"],
            "topic": "mobility",
            "poll": poll["id"],
            "question": poll["questions"][0]["id"],
            "audience_question": asked["id"],
            "floor_request": floor["id"],
            "takeaway": takeaway["id"],
            "registration": registration["id"],
            "agenda_item": item["id"],
        },
    }


def ordered(operations: list[Any]) -> list[Any]:
    """Return the operations with those that end the event last."""

    def rank(operation: Any) -> int:
        label = f"{operation.method.upper()} {operation.path}"
        return LAST.index(label) + 1 if label in LAST else 0

    return sorted(operations, key=rank)


def test_no_request_causes_a_server_error(
    fuzz_app: FastAPI, make_organiser: OrganiserFactory
) -> None:
    organiser = make_organiser()
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", fuzz_app)
    failures: list[str] = []
    succeeded: set[str] = set()
    operations = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), f"invalid operation in the schema: {result.err()}"
        operations.append(result.ok())

    with asgi_client(fuzz_app) as client:
        world = arrange(client, organiser.headers)
        callers = {
            "organiser": world["moderator"],
            "participant": world["participant"],
            "moderator key": {"X-Moderator-Key": world["moderator"]["X-Moderator-Key"]},
        }
        for operation in ordered(operations):
            examples = 3 if operation.path.endswith("/stream") else EXAMPLES

            @seed(10)
            @given(case=operation.as_strategy(), data=st.data())
            @settings(
                max_examples=examples,
                deadline=None,
                database=None,
                derandomize=True,
                suppress_health_check=list(HealthCheck),
            )
            def exercise(case: Any, data: st.DataObject) -> None:
                # Mostly the real objects (so the handler runs), sometimes what was drawn.
                if "code" in (case.path_parameters or {}) and data.draw(st.integers(0, 4)):
                    case.path_parameters["code"] = CODE
                for (prefix, name), kind in PATH_OBJECTS.items():
                    if (
                        case.operation.path.startswith(prefix)
                        and name in (case.path_parameters or {})
                        and data.draw(st.integers(0, 4))
                    ):
                        case.path_parameters[name] = world["ids"][kind]
                if case.operation.path.startswith("/api/v1/polls/") and data.draw(
                    st.integers(0, 4)
                ):
                    case.path_parameters["action"] = data.draw(st.sampled_from(POLL_ACTIONS))
                who = data.draw(st.sampled_from(sorted(callers)))
                response = case.call(headers=callers[who], timeout=10)
                where = f"{case.method} {case.formatted_path} as {who}"
                if response.status_code < 300:
                    succeeded.add(f"{case.method} {case.operation.path}")
                if response.status_code >= 500:
                    failures.append(f"{where}: {response.status_code} {response.text[:300]}")
                    return
                try:
                    case.validate_response(
                        response,
                        checks=[
                            schemathesis.checks.not_a_server_error,
                            openapi_checks.response_schema_conformance,
                            openapi_checks.content_type_conformance,
                        ],
                    )
                except FailureGroup as group:
                    failures.extend(f"{where}: {failure.title}" for failure in group.exceptions)
                except AssertionError as error:
                    failures.append(f"{where}: {str(error)[:300]}")

            exercise()
    assert failures == [], "\n".join(sorted(set(failures)))
    # The requests reached the handlers: most operations succeeded at least once (random
    # bodies rarely make a valid answer, e-mail address or CSV file).
    never = sorted({f"{op.method.upper()} {op.path}" for op in operations} - succeeded)
    assert len(never) <= len(operations) // 5, "\n".join(never)
