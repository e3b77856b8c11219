"""Every URL of partner matching: the API under /api/v1/matching, the pages under /knowledge.

Reading needs what reading the knowledge base needs (``KnowledgeReaderDep``); changing a
profile or an analysis needs an organiser (``KnowledgeEditorDep``). The pages are plain
GET forms and POSTs that redirect with a notice, so they work without JavaScript. The
benefit document's downloads are served by ``agora.reports.benefit_routes``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from agora.core.errors import AgoraError, InvalidInput
from agora.core.i18n import _
from agora.knowledge.deps import KnowledgeEditorDep, KnowledgeReaderDep
from agora.knowledge.models import ActorKind
from agora.matching import benefit, services
from agora.matching.explain import (
    COMPONENT_NAMES,
    LEGAL_NAMES,
    REGION_NAMES,
    kind_name,
    show_value,
    source_label,
)
from agora.matching.profiles import DIMENSIONS, LEGAL_FAMILIES, NUMERIC, REGIONS
from agora.matching.schemas import BenefitOut, MatchesOut, ProfileIn, ProfileOut, SectionIn
from agora.matching.scoring import COMPONENTS, DEFAULT_WEIGHTS, Goal
from agora.takeaways.fields import world_areas
from agora.web.deps import IdPath, StateDep, WorkDep
from agora.web.notices import Notice, page_response, redirect_with_notice, take_notice

router = APIRouter()

API = "/api/v1/matching/actors/{actor_id}"
PAGE = "/knowledge/actors/{actor_id}/match"
BENEFIT = PAGE + "/{candidate_id}/benefit"
#: The most values a list parameter takes (topics, areas, kinds).
MAX_VALUES = 20


def _values(request: Request, name: str) -> list[str]:
    """Return a list parameter given repeated (``topics=a&topics=b``) or comma-separated."""
    out: list[str] = []
    for raw in request.query_params.getlist(name):
        out.extend(part.strip() for part in raw.split(",") if part.strip())
    if len(out) > MAX_VALUES:
        raise InvalidInput(_("Give at most {max} values.").format(max=MAX_VALUES), field=name)
    return out


def _weights(request: Request) -> dict[str, float | None]:
    """Return the weights given as ``w_<component>`` parameters (0–100 each)."""
    out: dict[str, float | None] = {}
    for name in COMPONENTS:
        raw = request.query_params.get(f"w_{name}")
        if raw is None or raw.strip() == "":
            continue
        try:
            out[name] = float(raw)
        except ValueError:
            raise InvalidInput(
                _("The weight of {name} must be a number.").format(name=name), field=f"w_{name}"
            ) from None
    return out


def goal_from(request: Request, session: Session) -> Goal:
    """Return the goal a request's query gives (``topics``, ``world_areas``, ``kinds``)."""
    return services.check_goal(
        session,
        _values(request, "topics"),
        _values(request, "world_areas"),
        _values(request, "kinds"),
    )


def _limit(request: Request) -> int:
    raw = request.query_params.get("limit", "10")
    if not raw.isdigit():
        raise InvalidInput(_("The number of candidates must be a whole number."), field="limit")
    return int(raw)


# -- the API ---------------------------------------------------------------------------------


@router.get(API + "/profile", response_model=ProfileOut, tags=["matching"])
def read_profile(actor_id: IdPath, work: WorkDep, reader: KnowledgeReaderDep) -> ProfileOut:
    """Return an actor's profile: its own values, derived ones (labelled) and unknown ones."""
    return work.sync(lambda s: ProfileOut.of(services.profile_of(s, actor_id)))


@router.put(API + "/profile", response_model=ProfileOut, tags=["matching"])
def write_profile(
    actor_id: IdPath, body: ProfileIn, work: WorkDep, editor: KnowledgeEditorDep
) -> ProfileOut:
    """Create or replace an actor's profile (every value given counts as self-assessed)."""

    def run(session: Session) -> ProfileOut:
        services.save_profile(session, actor_id, body.model_dump())
        return ProfileOut.of(services.profile_of(session, actor_id))

    return work.sync(run)


@router.get(API + "/matches", response_model=MatchesOut, tags=["matching"])
def read_matches(
    actor_id: IdPath, request: Request, work: WorkDep, reader: KnowledgeReaderDep
) -> MatchesOut:
    """Rank candidate partners for the actor and a goal, each component explained.

    Query: ``topics``, ``world_areas``, ``kinds`` (repeated or comma-separated; empty takes
    the profile's), ``w_<component>`` weights from 0 to 100 (relative), ``limit`` (1–100).
    """

    def run(session: Session) -> MatchesOut:
        goal = goal_from(request, session)
        result = services.match(session, actor_id, goal, _weights(request), limit=_limit(request))
        return MatchesOut.of(result)

    return work.sync(run)


@router.get(API + "/benefit/{candidate_id}", response_model=BenefitOut, tags=["matching"])
def read_benefit(
    actor_id: IdPath,
    candidate_id: IdPath,
    request: Request,
    work: WorkDep,
    reader: KnowledgeReaderDep,
) -> BenefitOut:
    """Return the potential-benefit analysis of a candidate (as edited, and the draft)."""
    return work.sync(
        lambda s: BenefitOut.of(services.analysis(s, actor_id, candidate_id, goal_from(request, s)))
    )


@router.put(API + "/benefit/{candidate_id}/sections/{section}", tags=["matching"])
def write_benefit_section(
    actor_id: IdPath,
    candidate_id: IdPath,
    section: str,
    body: SectionIn,
    work: WorkDep,
    editor: KnowledgeEditorDep,
) -> dict[str, Any]:
    """Save a section of an analysis as a new revision (nothing is overwritten)."""

    def run(session: Session) -> dict[str, Any]:
        saved = services.save_benefit_section(
            session, actor_id, candidate_id, section, body.text, editor.id
        )
        return {"saved": saved is not None, "revision_id": saved.id if saved else None}

    return work.sync(run)


# -- the pages -------------------------------------------------------------------------------


def _query(goal: Goal) -> str:
    pairs = [("topics", t) for t in goal.topics] + [("world_areas", a) for a in goal.world_areas]
    pairs += [("kinds", k) for k in goal.kinds]
    return urlencode(pairs)


def profile_rows(profile: Any) -> list[dict[str, str]]:
    """Return a profile's dimensions as a page shows them: name, value, where from."""
    return [
        {
            "name": _(COMPONENT_NAMES[d]),
            "value": show_value(d, profile.dimensions[d]),
            "source": profile.dimensions[d].source,
            "source_label": profile.dimensions[d].basis or source_label(profile.dimensions[d]),
        }
        for d in DIMENSIONS
    ]


def _match_context(request: Request, session: Session, actor_id: int) -> dict[str, Any]:
    seeker = services.profile_of(session, actor_id)
    names = services.topic_names(session)
    error: AgoraError | None = None
    result = None
    given = _raw_weights(request)
    searched = bool(request.query_params)
    try:
        goal = goal_from(request, session)
        if searched:
            result = services.match(session, actor_id, goal, _weights(request))
            goal = result.goal
        else:
            goal = services.goal_for(seeker, goal)
    except AgoraError as exc:
        error = exc
        goal = services.goal_for(seeker, None)
    return {
        "seeker": seeker,
        "profile_rows": profile_rows(seeker),
        "topics": names,
        "areas": world_areas(),
        "kinds": [(k.value, kind_name(k.value)) for k in ActorKind],
        "goal": goal,
        "weights": [
            {
                "name": name,
                "label": _(COMPONENT_NAMES[name]),
                "value": given.get(name, f"{DEFAULT_WEIGHTS[name] * 100:g}"),
            }
            for name in COMPONENTS
        ],
        "result": result,
        "error": error,
        "query": _query(goal),
    }


def _raw_weights(request: Request) -> dict[str, str]:
    return {
        name: request.query_params[f"w_{name}"][:8]
        for name in COMPONENTS
        if request.query_params.get(f"w_{name}")
    }


@router.get(PAGE, include_in_schema=False)
def match_page(
    actor_id: IdPath,
    request: Request,
    state: StateDep,
    work: WorkDep,
    reader: KnowledgeReaderDep,
) -> Response:
    """Show the goal form, the weights and, once asked, the ranked candidates explained."""
    context = work.sync(lambda s: _match_context(request, s, actor_id))
    error = context["error"]
    response = state.templates.TemplateResponse(
        request,
        "matching/match.html",
        {
            **context,
            "notice": Notice("goal", error.message, error=True)
            if error
            else take_notice(request, state),
            "can_edit": reader is not None,
        },
        status_code=error.status_code if error else 200,
    )
    return page_response(request, response)


def benefit_url(actor_id: int, candidate_id: int, query: str = "", anchor: str = "") -> str:
    """Return the address of a benefit analysis page."""
    url = f"/knowledge/actors/{actor_id}/match/{candidate_id}/benefit"
    return url + (f"?{query}" if query else "") + (f"#{anchor}" if anchor else "")


def _benefit_context(
    request: Request, session: Session, actor_id: int, candidate_id: int
) -> dict[str, Any]:
    goal = goal_from(request, session)
    found = services.analysis(session, actor_id, candidate_id, goal)
    query = _query(found.goal)
    return {
        "analysis": found,
        "profile_rows": profile_rows(found.candidate.profile),
        "seeker_rows": profile_rows(found.seeker),
        "sections": [
            {
                "name": name,
                "title": benefit.section_title(name),
                "text": found.texts[name],
                "blocks": benefit.blocks(found.texts[name]),
                "revisions": found.revisions[name],
            }
            for name in benefit.SECTIONS
        ],
        "query": query,
        "downloads": [
            (label, f"{benefit_url(actor_id, candidate_id)}.{fmt}" + (f"?{query}" if query else ""))
            for fmt, label in (("pdf", "PDF"), ("docx", "Word"), ("md", "Markdown"))
        ],
        "back": f"/knowledge/actors/{actor_id}/match" + (f"?{query}" if query else ""),
        "max_length": benefit.MAX_SECTION_LENGTH,
    }


@router.get(BENEFIT, include_in_schema=False)
def benefit_page(
    actor_id: IdPath,
    candidate_id: IdPath,
    request: Request,
    state: StateDep,
    work: WorkDep,
    reader: KnowledgeReaderDep,
) -> Response:
    """Show the potential-benefit analysis of a candidate, to read and (organisers) edit."""
    context = work.sync(lambda s: _benefit_context(request, s, actor_id, candidate_id))
    response = state.templates.TemplateResponse(
        request,
        "matching/benefit.html",
        {**context, "can_edit": reader is not None, "notice": take_notice(request, state)},
    )
    return page_response(request, response)


@router.post(BENEFIT + "/sections/{section}", include_in_schema=False)
async def save_benefit_section(
    actor_id: IdPath,
    candidate_id: IdPath,
    section: str,
    request: Request,
    state: StateDep,
    work: WorkDep,
    editor: KnowledgeEditorDep,
) -> Response:
    """Save a section of the analysis as a new revision, then show the page again."""
    form = await request.form()
    text = form.get("text")
    query = str(form.get("query") or "")[:500]
    try:
        saved = work.sync(
            lambda s: services.save_benefit_section(
                s, actor_id, candidate_id, section, text, editor.id
            )
        )
    except AgoraError as exc:
        notice = Notice(f"section-{section[:32]}", exc.message, error=True)
        return redirect_with_notice(
            state, benefit_url(actor_id, candidate_id, query, f"section-{section[:32]}"), notice
        )
    message = _("The section is saved.") if saved else _("Nothing changed: the text is the same.")
    return redirect_with_notice(
        state,
        benefit_url(actor_id, candidate_id, query, f"section-{section}"),
        Notice(f"section-{section}", message),
    )


@router.post(BENEFIT + "/revisions/{revision_id}/restore", include_in_schema=False)
async def restore_benefit_revision(
    actor_id: IdPath,
    candidate_id: IdPath,
    revision_id: IdPath,
    request: Request,
    state: StateDep,
    work: WorkDep,
    editor: KnowledgeEditorDep,
) -> Response:
    """Make an earlier text of a section current again (as a new revision)."""
    form = await request.form()
    query = str(form.get("query") or "")[:500]
    section = work.sync(
        lambda s: (
            services.restore_benefit_revision(
                s, actor_id, candidate_id, revision_id, editor.id
            ).section
        )
    )
    return redirect_with_notice(
        state,
        benefit_url(actor_id, candidate_id, query, f"section-{section}"),
        Notice(f"section-{section}", _("The earlier text is current again.")),
    )


# -- the profile form ------------------------------------------------------------------------

PROFILE_PAGE = PAGE + "/profile"


def _profile_form_context(
    session: Session, actor_id: int, typed: dict[str, Any] | None = None
) -> dict[str, Any]:
    profile = services.profile_of(session, actor_id)
    own = {d: v.value for d, v in profile.dimensions.items() if v.source == "self"}
    values = typed or {
        "offers": list(profile.offers) if profile.offers_source == "self" else [],
        "seeks": list(profile.seeks),
        "priorities": profile.priorities,
        "partner_kinds": list(profile.partner_kinds),
        "world_areas": list(profile.world_areas),
        "languages": ", ".join(profile.languages) if profile.languages_source == "self" else "",
        "dimensions": own,
    }
    return {
        "seeker": profile,
        "profile_rows": profile_rows(profile),
        "values": values,
        "topics": services.topic_names(session),
        "areas": world_areas(),
        "kinds": [(k.value, kind_name(k.value)) for k in ActorKind],
        "legal_families": [(f, _(LEGAL_NAMES[f])) for f in LEGAL_FAMILIES],
        "regions": [(r, _(REGION_NAMES[r])) for r in REGIONS],
        "numeric": [(d, _(COMPONENT_NAMES[d])) for d in NUMERIC],
    }


@router.get(PROFILE_PAGE, include_in_schema=False)
def profile_page(
    actor_id: IdPath,
    request: Request,
    state: StateDep,
    work: WorkDep,
    editor: KnowledgeEditorDep,
) -> Response:
    """Show the form of an actor's profile: what it offers and seeks, its own assessment."""
    context = work.sync(lambda s: _profile_form_context(s, actor_id))
    response = state.templates.TemplateResponse(
        request, "matching/profile.html", {**context, "notice": take_notice(request, state)}
    )
    return page_response(request, response)


def _form_fields(form: Any) -> dict[str, Any]:
    """Return the profile's fields as typed in the form (checked by the service)."""
    dimensions: dict[str, Any] = {}
    for name in DIMENSIONS:
        raw = str(form.get(f"dim_{name}") or "").strip()
        if not raw:
            continue
        if name in NUMERIC:
            try:
                dimensions[name] = float(raw.replace(",", "."))
            except ValueError:
                raise InvalidInput(
                    _("The value of {name} must be a number from 0 to 1.").format(name=name),
                    field=f"dimensions.{name}",
                ) from None
        else:
            dimensions[name] = raw
    languages = str(form.get("languages") or "")
    return {
        "offers": [str(v) for v in form.getlist("offers")],
        "seeks": [str(v) for v in form.getlist("seeks")],
        "priorities": str(form.get("priorities") or ""),
        "partner_kinds": [str(v) for v in form.getlist("partner_kinds")],
        "world_areas": [str(v) for v in form.getlist("world_areas")],
        "languages": [x.strip() for x in languages.replace(";", ",").split(",") if x.strip()],
        "dimensions": dimensions,
    }


@router.post(PROFILE_PAGE, include_in_schema=False)
async def save_profile_form(
    actor_id: IdPath,
    request: Request,
    state: StateDep,
    work: WorkDep,
    editor: KnowledgeEditorDep,
) -> Response:
    """Save an actor's profile from the form; refused, the form keeps what was typed."""
    form = await request.form()
    typed = {
        "offers": [str(v) for v in form.getlist("offers")],
        "seeks": [str(v) for v in form.getlist("seeks")],
        "priorities": str(form.get("priorities") or "")[:4000],
        "partner_kinds": [str(v) for v in form.getlist("partner_kinds")],
        "world_areas": [str(v) for v in form.getlist("world_areas")],
        "languages": str(form.get("languages") or "")[:200],
        "dimensions": {d: str(form.get(f"dim_{d}") or "")[:20] for d in DIMENSIONS},
    }
    try:
        work.sync(lambda s: services.save_profile(s, actor_id, _form_fields(form)))
    except AgoraError as exc:
        context = work.sync(lambda s: _profile_form_context(s, actor_id, typed))
        return state.templates.TemplateResponse(
            request,
            "matching/profile.html",
            {**context, "notice": Notice("profile", exc.message, error=True)},
            status_code=exc.status_code,
        )
    return redirect_with_notice(
        state,
        f"/knowledge/actors/{actor_id}/match",
        Notice("goal", _("The profile is saved.")),
    )
