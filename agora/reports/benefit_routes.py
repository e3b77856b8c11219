"""The downloads of a potential-benefit analysis: PDF, Word, Markdown (and its HTML source).

Part of the reports router; the page that links here is matching's
``/knowledge/actors/{actor_id}/match/{candidate_id}/benefit``. Reading it needs what
reading the knowledge base needs.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from agora.core.errors import NotFound
from agora.core.i18n import _
from agora.knowledge.deps import KnowledgeReaderDep
from agora.matching import services
from agora.matching.routes import BENEFIT, goal_from
from agora.reports.benefit import FORMATS, render
from agora.web.deps import IdPath, WorkDep

router = APIRouter()


@router.get(BENEFIT + ".{fmt}", include_in_schema=False)
def download_benefit(
    actor_id: IdPath,
    candidate_id: IdPath,
    fmt: str,
    request: Request,
    work: WorkDep,
    reader: KnowledgeReaderDep,
) -> Response:
    """Send the analysis as a file (``pdf``, ``docx``, ``md``; ``html`` opens in the browser)."""
    if fmt not in FORMATS:
        raise NotFound(_("The analysis comes as {formats}.").format(formats=", ".join(FORMATS)))
    analysis = work.sync(
        lambda s: services.analysis(s, actor_id, candidate_id, goal_from(request, s))
    )
    body = render(analysis, fmt)
    media, extension = FORMATS[fmt]
    headers = {"cache-control": "no-store"}
    if fmt != "html":
        headers["content-disposition"] = (
            f'attachment; filename="benefit-{actor_id}-{candidate_id}.{extension}"'
        )
    return Response(body, media_type=media, headers=headers)
