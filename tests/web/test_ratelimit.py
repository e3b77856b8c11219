"""Rate limits: each rule refuses a flood with 429 and Retry-After, per person or address."""

from __future__ import annotations

import asyncio
from collections.abc import MutableMapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from agora.core.db import Database
from agora.qa.models import AudienceQuestion
from agora.web.ratelimit import RULES, RateLimits, Rule
from tests.conftest import EventFactory


def _sample_path(rule: Rule) -> str:
    pattern = rule.paths[0].pattern.strip("^$")
    return pattern.replace(r"\d+", "7").replace("[^/]+", "ABC234")


async def _ok(scope: Any, receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


def _call(
    guard: RateLimits, path: str, method: str, cookie: str, client: str
) -> tuple[int, dict[bytes, bytes]]:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(dict(message))

    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "headers": [(b"cookie", cookie.encode())] if cookie else [],
        "client": (client, 5000),
    }
    # in a thread of its own: a browser test may have left an event loop in this one
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, guard(scope, receive, send)).result()
    start = sent[0]
    return start["status"], dict(start["headers"])


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.name)
def test_each_rule_refuses_past_its_first_limit_and_only_for_whom_it_counts(rule: Rule) -> None:
    guard = RateLimits(_ok, enabled=True)
    path = _sample_path(rule)
    allowed = min(item.amount for item in rule.limits)
    me, other = ("agora_p=me", "agora_p=other")
    for _n in range(allowed):
        assert _call(guard, path, rule.method, me, "10.0.0.1")[0] == 200
    status, headers = _call(guard, path, rule.method, me, "10.0.0.1")
    assert status == 429
    assert int(headers[b"retry-after"]) >= 1
    if rule.per == "participant":  # someone else in the same room, behind the same router
        assert _call(guard, path, rule.method, other, "10.0.0.1")[0] == 200
    else:  # another address
        assert _call(guard, path, rule.method, me, "10.0.0.2")[0] == 200


def test_limits_can_be_switched_off() -> None:
    guard = RateLimits(_ok, enabled=False)
    rule = RULES[0]
    for _n in range(200):
        assert _call(guard, _sample_path(rule), "POST", "agora_p=me", "10.0.0.1")[0] == 200


def test_one_participant_asking_sixty_questions_gets_five_stored(
    client: TestClient, db: Database, make_event: EventFactory
) -> None:
    event = make_event(code="ABC234")
    joined = client.post(f"/api/v1/events/{event.code}/join", json={})
    assert joined.status_code == 201
    token = joined.json()["participant_token"]
    statuses = [
        client.post(
            f"/api/v1/events/{event.code}/questions",
            json={"text": f"Question number {n} for the speakers?"},
            headers={"authorization": f"Bearer {token}"},
        ).status_code
        for n in range(60)
    ]
    assert statuses.count(201) == 5
    assert statuses.count(429) == 55
    refused = client.post(
        f"/api/v1/events/{event.code}/questions",
        json={"text": "One more question for the speakers?"},
        headers={"authorization": f"Bearer {token}"},
    )
    assert refused.json()["error"] == "TooManyRequests"
    assert "try again in" in refused.json()["message"]
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(AudienceQuestion)) == 5


def test_guessing_join_codes_is_stopped_after_thirty_misses(
    client: TestClient, make_event: EventFactory
) -> None:
    event = make_event(code="ABC234")
    misses = [client.get(f"/api/v1/events/ZZZ{n:03d}").status_code for n in range(30)]
    assert set(misses) == {404}
    assert client.get(f"/api/v1/events/{event.code}").status_code == 429  # even a real one now
    assert client.get("/").status_code == 200  # the rest of the site still answers


def test_local_windows_count_per_identity_and_end_with_their_period(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from limits import parse

    from agora.web import ratelimit

    clock = [1000.0]
    monkeypatch.setattr("agora.web.ratelimit.time.monotonic", lambda: clock[0])
    windows = ratelimit.LocalWindows()
    item = parse("3/minute")

    async def check() -> None:
        assert [await windows.hit(item, "vote", "a") for _ in range(4)] == [
            True,
            True,
            True,
            False,
        ]
        assert await windows.hit(item, "vote", "b")  # another participant: a window of their own
        assert not await windows.test(item, "vote", "a")
        assert await windows.test(item, "vote", "b")
        clock[0] += 20
        assert await windows.retry_after(item, "vote", "a") == 40
        assert await windows.test(item, "vote", "b")  # test() counted nothing
        clock[0] += 40  # the window that started at the first hit has ended
        assert await windows.test(item, "vote", "a")
        assert await windows.hit(item, "vote", "a")
        assert await windows.retry_after(item, "vote", "zzz") == 1
        clock[0] += 61  # a hit after a second sweeps the ended windows away
        await windows.hit(item, "vote", "c")
        assert set(windows.windows) == {item.key_for("vote", "c")}

    asyncio.run(check())


def test_shared_windows_count_in_redis_for_every_process(redis_url: str) -> None:
    import uuid

    from limits import parse

    from agora.web.ratelimit import SharedWindows

    item = parse("2/minute")
    who = uuid.uuid4().hex

    async def check() -> None:
        first, second = SharedWindows(redis_url), SharedWindows(redis_url)  # two processes
        assert await first.hit(item, "vote", who)
        assert await second.hit(item, "vote", who)
        # test() answers from what this process saw: nothing refused here yet
        assert await second.test(item, "vote", who)
        assert not await first.hit(item, "vote", who)  # the third, counted in Redis, is refused
        assert not await first.test(item, "vote", who)  # ... and known here from now on
        assert not await second.hit(item, "vote", who)
        assert not await second.test(item, "vote", who)
        assert 1 <= await second.retry_after(item, "vote", who) <= 60

    asyncio.run(check())
