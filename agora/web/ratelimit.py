"""Rate limits: one participant or one address cannot flood a room (pure ASGI).

Each rule names the requests it counts (method and path, API and form alike), whom it
counts them for, and its limits; a request past a limit gets 429 with a ``Retry-After``
and changes nothing. Counting is in memory for one process (:class:`LocalWindows`), in
Redis when Agora runs several (``AGORA_BROKER=redis``; :class:`SharedWindows`, the
``limits`` library's asynchronous Redis storage, so that no request blocks the event loop
on Redis).

Whom a rule counts for:

- ``participant``: the participant cookie, else the bearer token, else the address. A
  room's phones often share one address (the venue's Wi-Fi), so what a person does is
  counted per person wherever a person is known.
- ``address``: the client's address, for what strangers do before anyone knows them
  (registering, signing in, asking for password links).

Joining is not limited per address for that reason: a thousand phones behind one venue
router join within a minute. Guessing join codes is: an address whose requests name
unknown events 30 times in a minute is refused on event addresses for the rest of it.
"""

from __future__ import annotations

import math
import re
import threading
import time
from dataclasses import dataclass
from typing import Any

from limits import RateLimitItem, parse
from limits.aio.storage import RedisStorage as AsyncRedisStorage
from limits.aio.strategies import FixedWindowRateLimiter as AsyncFixedWindow
from redis.asyncio import BlockingConnectionPool
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from agora.core.i18n import _
from agora.web.guard import refuse

PARTICIPANT_COOKIE = "agora_p"


@dataclass(frozen=True)
class Rule:
    """Requests counted together, for whom, and the limits they may not pass."""

    name: str
    method: str
    paths: tuple[re.Pattern[str], ...]
    per: str
    limits: tuple[RateLimitItem, ...]


def _rule(name: str, per: str, limits: str, *paths: str, method: str = "POST") -> Rule:
    return Rule(
        name,
        method,
        tuple(re.compile(p) for p in paths),
        per,
        tuple(parse(item) for item in limits.split(";")),
    )


#: The rules, first match wins. Limits are generous for people and tight for floods:
#: 300 votes in 3 s, 60 questions or 40 takeaways from one participant are refused.
RULES: tuple[Rule, ...] = (
    _rule(
        "responses",
        "participant",
        "60/minute",
        r"^/api/v1/questions/\d+/responses$",
        r"^/e/[^/]+/questions/\d+/answer$",
    ),
    _rule(
        "questions",
        "participant",
        "5/minute;20/hour",
        r"^/api/v1/events/[^/]+/questions$",
        r"^/e/[^/]+/qa/ask$",
    ),
    _rule(
        "upvotes",
        "participant",
        "60/minute",
        r"^/api/v1/audience-questions/\d+/upvote$",
        r"^/e/[^/]+/qa/\d+/upvote$",
    ),
    _rule(
        "floor",
        "participant",
        "10/minute;30/hour",
        r"^/api/v1/events/[^/]+/floor$",
        r"^/e/[^/]+/floor$",
    ),
    _rule(
        "takeaways",
        "participant",
        "10/minute;30/hour",
        r"^/api/v1/events/[^/]+/takeaways$",
        r"^/e/[^/]+/takeaways$",
    ),
    _rule("registrations", "address", "20/hour", r"^/e/[^/]+/register$"),
    _rule("registrations-api", "participant", "60/hour", r"^/api/v1/events/[^/]+/registrations$"),
    _rule("sign-in", "address", "20 per 10 minutes", r"^/login$"),
    _rule("accounts", "address", "10/hour", r"^/signup$", r"^/password/forgot$"),
)

#: Requests that name an event by its code, and how many unknown codes an address may try.
_EVENT_PATH = re.compile(r"^/(?:e|api/v1/events)/[^/]+(?:/|$)")
MISSES = parse("30/minute")


class LocalWindows:
    """Fixed windows counted in this process: what ``limits`` does in memory, without its cost.

    ``limits``' memory storage starts a timer thread every 10 ms while requests come and
    each one scans every key: with a room of phones that was a sixth of a vote's server time
    (docs/performance.md). Here a window is a count and its end, and expired windows are
    dropped at most once a second, on a hit. Same answers as ``FixedWindowRateLimiter``: a
    window starts at its first hit and lasts the item's period.
    """

    def __init__(self) -> None:
        self.windows: dict[str, list[float]] = {}  # key -> [end, count]
        self.next_sweep = 0.0
        self.lock = threading.Lock()

    def _window(self, item: RateLimitItem, identifiers: tuple[str, ...], now: float) -> list[float]:
        key = item.key_for(*identifiers)
        window = self.windows.get(key)
        if window is None or window[0] <= now:
            window = self.windows[key] = [now + item.get_expiry(), 0]
        return window

    async def hit(self, item: RateLimitItem, *identifiers: str) -> bool:
        """Count one request; return whether it is within the limit."""
        now = time.monotonic()
        with self.lock:
            if now >= self.next_sweep:
                self.windows = {k: w for k, w in self.windows.items() if w[0] > now}
                self.next_sweep = now + 1.0
            window = self._window(item, identifiers, now)
            if window[1] >= item.amount:
                return False
            window[1] += 1
            return True

    async def test(self, item: RateLimitItem, *identifiers: str) -> bool:
        """Return whether one more request would be within the limit (counting nothing)."""
        window = self.windows.get(item.key_for(*identifiers))
        return window is None or window[0] <= time.monotonic() or window[1] < item.amount

    async def retry_after(self, item: RateLimitItem, *identifiers: str) -> int:
        """Return the whole seconds until the window of ``identifiers`` ends."""
        window = self.windows.get(item.key_for(*identifiers))
        return max(1, math.ceil(window[0] - time.monotonic())) if window else 1


class SharedWindows:
    """Fixed windows counted in Redis, for several processes (``limits``, asynchronous).

    ``hit`` counts in Redis without blocking the event loop. ``test`` — asked on every
    request that names an event, whether its address guessed too many codes — answers from
    this process's memory: a window is known to be full once one of this process's own hits
    found it full, until it ends. So each process lets an address past the shared limit at
    most once more (its next miss) before refusing it.
    """

    def __init__(self, storage_uri: str, prefix: str = "agora:limits") -> None:
        # A bounded pool that makes a request wait for a connection (redis-py's default
        # pool refuses with "Too many connections" when a burst of votes arrives at once).
        # (limits passes its options on to redis-py; its annotation knows only scalars)
        options: dict[str, Any] = {
            "connection_pool": BlockingConnectionPool.from_url(
                storage_uri, max_connections=32, timeout=10
            )
        }
        self.limiter = AsyncFixedWindow(
            AsyncRedisStorage(
                f"async+{storage_uri}", implementation="redispy", key_prefix=prefix, **options
            )
        )
        #: Windows known to be full: key -> when they end (``time.monotonic()``).
        self.full: dict[str, float] = {}

    async def hit(self, item: RateLimitItem, *identifiers: str) -> bool:
        """Count one request; return whether it is within the limit."""
        if await self.limiter.hit(item, *identifiers):
            return True
        stats = await self.limiter.get_window_stats(item, *identifiers)
        now = time.monotonic()
        if len(self.full) > 10_000:  # drop the ended ones now and then
            self.full = {k: end for k, end in self.full.items() if end > now}
        self.full[item.key_for(*identifiers)] = now + max(0.0, stats.reset_time - time.time())
        return False

    async def test(self, item: RateLimitItem, *identifiers: str) -> bool:
        """Return whether one more request would be within the limit, as far as this
        process knows (counting nothing, asking nothing of Redis)."""
        end = self.full.get(item.key_for(*identifiers))
        return end is None or end <= time.monotonic()

    async def retry_after(self, item: RateLimitItem, *identifiers: str) -> int:
        """Return the whole seconds until the window of ``identifiers`` ends."""
        reset = (await self.limiter.get_window_stats(item, *identifiers)).reset_time
        return max(1, math.ceil(reset - time.time()))


class RateLimits:
    """Refuses requests past a rule's limits with 429 (and counts unknown event codes)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        enabled: bool,
        storage_uri: str = "memory://",
        prefix: str = "agora:limits",
    ) -> None:
        self.app = app
        self.enabled = enabled
        self.limiter: LocalWindows | SharedWindows = (
            LocalWindows() if storage_uri == "memory://" else SharedWindows(storage_uri, prefix)
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.enabled:
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        address = (scope.get("client") or ("unknown", 0))[0]
        rule = next(
            (
                r
                for r in RULES
                if r.method == scope["method"] and any(p.match(path) for p in r.paths)
            ),
            None,
        )
        if rule is not None:
            who = _participant(scope) if rule.per == "participant" else f"address:{address}"
            for item in rule.limits:
                if not await self.limiter.hit(item, rule.name, who):
                    retry = await self.limiter.retry_after(item, rule.name, who)
                    await _refuse(scope, send, retry)
                    return
        if not _EVENT_PATH.match(path):
            await self.app(scope, receive, send)
            return
        if not await self.limiter.test(MISSES, "misses", address):
            await _refuse(scope, send, await self.limiter.retry_after(MISSES, "misses", address))
            return

        async def counting(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 404:
                await self.limiter.hit(MISSES, "misses", address)
            await send(message)

        await self.app(scope, receive, counting)


def _participant(scope: Scope) -> str:
    """Return whom a participant rule counts: the participant, else the token or address."""
    headers = dict(scope["headers"])
    cookie = headers.get(b"cookie", b"").decode("latin-1")
    if cookie:
        token = cookie_parser(cookie).get(PARTICIPANT_COOKIE)
        if token:
            return f"participant:{token[-64:]}"
    authorization = headers.get(b"authorization", b"").decode("latin-1")
    if authorization:
        return f"token:{authorization[-64:]}"
    return f"address:{(scope.get('client') or ('unknown', 0))[0]}"


async def _refuse(scope: Scope, send: Send, retry_after: int) -> None:
    """Answer 429 saying when to try again."""
    message = _("Too many requests of this kind from you; please try again in {seconds} s.")
    retry = ((b"retry-after", str(retry_after).encode()),)
    await refuse(scope, send, 429, message.format(seconds=retry_after), retry)
