"""The one list of Agora's packages that the app, Alembic and the live hub read.

A domain registers itself by its name here and by the modules it has, each optional:
``models.py`` (tables, for Alembic), ``routes.py`` with ``router`` (its URLs),
``templates/`` (its pages and partials) and ``live.py`` with ``section(state)`` (its part
of the live pages, in this order on the pages). ``CONTRIBUTING.md`` says how to add one.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from fastapi import APIRouter

if TYPE_CHECKING:
    from agora.live.sections import LiveSection
    from agora.web.state import AppState

PACKAGE = Path(__file__).resolve().parent

#: The domains, lower ones first: each may import only those before it (and core, web,
#: live, text), as the import contracts in pyproject.toml check.
DOMAINS: tuple[str, ...] = (
    "accounts",
    "events",
    "polls",
    "qa",
    "floor",
    "takeaways",
    "registrations",
    "knowledge",
    "matching",
)

#: Packages that serve pages but are no domain: the shared site (``web``), the report and
#: the pages that compose every domain. Nothing but the app imports the last two.
COMPOSERS: tuple[str, ...] = ("web", "reports", "pages", "privacy")

PACKAGES = (*DOMAINS, *COMPOSERS)


def _module(package: str, name: str) -> ModuleType | None:
    qualified = f"agora.{package}.{name}"
    if importlib.util.find_spec(qualified) is None:
        return None
    return importlib.import_module(qualified)


def import_models() -> None:
    """Import every domain's models, so that their tables are on ``Base.metadata``.

    A domain's tables are in ``models.py``, and in ``*_models.py`` for a part that keeps
    tables of its own (the knowledge base's search index: ``search_models.py``).
    """
    for package in DOMAINS:
        _module(package, "models")
        for path in sorted((PACKAGE / package).glob("*_models.py")):
            _module(package, path.stem)


#: Matched first: FastAPI tries routes in order, and with some 200 of them the matching
#: cost a fifth of a vote's server time when the response route came late
#: (docs/performance.md). Polls' router holds the hot path (every vote).
FIRST_ROUTERS: tuple[str, ...] = ("polls",)


def routers() -> Iterator[APIRouter]:
    """Yield every package's router: the hot path's first, then the others in registry order."""
    for package in (*FIRST_ROUTERS, *(p for p in PACKAGES if p not in FIRST_ROUTERS)):
        module = _module(package, "routes")
        if module is not None:
            router: APIRouter = module.router
            yield router


def template_dirs() -> list[Path]:
    """Return every package's template folder."""
    return [PACKAGE / p / "templates" for p in PACKAGES if (PACKAGE / p / "templates").is_dir()]


def live_sections(state: AppState) -> list[LiveSection]:
    """Create every domain's live section for one app, in page order."""
    sections = []
    for package in DOMAINS:
        module = _module(package, "live")
        if module is not None:
            sections.append(module.section(state))
    return sections


def live_modules() -> list[ModuleType]:
    """Return every domain's ``live`` module, in page order (for the pages' partials)."""
    return [m for m in (_module(p, "live") for p in DOMAINS) if m is not None]
