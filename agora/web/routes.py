"""Every URL shared by the whole site: the start page and the health check."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import text

from agora.web.deps import StateDep

router = APIRouter()


@router.get("/", include_in_schema=False)
def start_page(request: Request, state: StateDep) -> Response:
    """Ask for the join code."""
    return state.templates.TemplateResponse(request, "web/start.html", {})


@router.get("/healthz", tags=["operations"])
def health(state: StateDep) -> dict[str, str]:
    """Tell a load balancer that the app and its database answer."""
    with state.db.session() as session:
        session.execute(text("SELECT 1"))
    return {"status": "ok"}
