"""Every route of the app, for the tests that walk them all (size limit, audit log)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi.routing import APIRoute

from agora.domains import routers


def flat_routes() -> Iterator[APIRoute]:
    """Yield every route of every domain's router, those of included routers too.

    FastAPI keeps a router included in another as one entry (``original_router``): a walk
    over ``router.routes`` alone misses the editor's, the console's, the themes' routes.
    """

    def walk(routes: list[Any]) -> Iterator[APIRoute]:
        for route in routes:
            if isinstance(route, APIRoute):
                yield route
            elif hasattr(route, "original_router"):  # a router included in another
                yield from walk(route.original_router.routes)

    for router in routers():
        yield from walk(router.routes)
