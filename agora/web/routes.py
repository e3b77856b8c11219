"""Every URL shared by the whole site: the start page and the health check."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import text

from agora.core.errors import InvalidInput
from agora.core.i18n import _, supported
from agora.web import api_docs
from agora.web.deps import StateDep, WorkDep

router = APIRouter()
router.include_router(api_docs.router)  # /api/v1/docs, Swagger UI from our own files


@router.get("/", include_in_schema=False)
def start_page(request: Request, state: StateDep) -> Response:
    """Ask for the join code."""
    return state.templates.TemplateResponse(request, "web/start.html", {})


@router.get("/language", include_in_schema=False)
def choose_language(
    to: Annotated[str, Query(max_length=8)], back: Annotated[str, Query(max_length=500)] = "/"
) -> Response:
    """Remember the language a person chose and go back to the page they were on."""
    language = supported(to)
    if language is None:
        raise InvalidInput(_("Agora does not speak '{to}' yet.").format(to=to), field="to")
    # only a path on this site: never send someone elsewhere
    target = back if back.startswith("/") and not back.startswith("//") else "/"
    response = RedirectResponse(target, status_code=303)
    response.set_cookie("agora_lang", language, max_age=60 * 60 * 24 * 365, samesite="lax")
    return response


@router.get("/healthz", tags=["operations"])
def health(work: WorkDep) -> dict[str, str]:
    """Tell a load balancer that the app and its database answer."""
    work.sync(lambda session: session.execute(text("SELECT 1")))
    return {"status": "ok"}
