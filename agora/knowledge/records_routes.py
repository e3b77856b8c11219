"""URLs of the knowledge base's records: actors, cooperations, topics, import and export,
and the promotion of a takeaway (its API and its review page).

Reading needs ``KnowledgeReaderDep`` (an organiser, or anyone on a public knowledge base),
changing needs ``KnowledgeEditorDep`` (an organiser); promoting a takeaway is moderating
its event (``ModeratedEventDep``) and is written in the event's audit log.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from agora.accounts.deps import current_organiser
from agora.core.errors import AgoraError, InvalidInput, NotFound
from agora.core.i18n import _
from agora.events.deps import EventScope, ModeratedEventDep
from agora.events.models import Event
from agora.knowledge import exchange, promotion, services, topics
from agora.knowledge.deps import KnowledgeEditorDep, KnowledgeReaderDep
from agora.knowledge.models import Actor, Cooperation, Topic
from agora.knowledge.schemas import (
    ActivityIn,
    ActorIn,
    ActorOut,
    CooperationIn,
    CooperationOut,
    LessonIn,
    MembershipIn,
    MembershipOut,
    OutcomeIn,
    ParticipantOut,
    TopicIn,
    TopicOut,
    checked,
)
from agora.takeaways import live as takeaways_live
from agora.takeaways.models import Takeaway
from agora.takeaways.services import get_takeaway
from agora.web.deps import IdPath, StateDep, WorkDep
from agora.web.notices import Notice, redirect_with_notice, render_page
from agora.web.state import AppState

router = APIRouter()
TAGS: list[str | Any] = ["knowledge"]
Slug = Annotated[str, Query(max_length=60)]


# -- shapes the API shows ------------------------------------------------------------------------


def actor_out(session: Session, actor: Actor) -> ActorOut:
    """Return the API view of an actor with its memberships."""
    values = {name: getattr(actor, name) for name in ActorOut.model_fields if hasattr(actor, name)}
    values["memberships"] = [
        MembershipOut(network_id=network.id, network=network.name, since=membership.since)
        for membership, network in services.memberships(session, actor.id)
    ]
    return ActorOut.model_validate(values)


def cooperation_out(session: Session, cooperation: Cooperation, *, full: bool) -> CooperationOut:
    """Return the API view of a cooperation; the speaker's name only for organisers."""
    cid = cooperation.id
    return CooperationOut.model_validate(
        {
            "id": cid,
            "title": cooperation.title,
            "programme": cooperation.programme,
            "started_on": cooperation.started_on,
            "ended_on": cooperation.ended_on,
            "summary": cooperation.summary,
            "topics": [t.slug for t in services.cooperation_topics(session, cid)],
            "activities": [ActivityIn.model_validate(a) for a in services.activities(session, cid)],
            "outcomes": [OutcomeIn.model_validate(o) for o in services.outcomes(session, cid)],
            "lessons": [LessonIn.model_validate(x) for x in services.lessons(session, cid)],
            "actors": [
                ParticipantOut(
                    actor_id=actor.id, name=actor.name, country=actor.country, role=link.role
                )
                for link, actor in services.participants(session, cid)
            ],
            "source": cooperation.source,
            "event_id": cooperation.event_id,
            "takeaway_id": cooperation.takeaway_id,
            "speaker_name": cooperation.speaker_name if full else "",
            "import_source": cooperation.import_source,
            "created_at": cooperation.created_at,
            "updated_at": cooperation.updated_at,
        }
    )


# -- actors --------------------------------------------------------------------------------------


@router.get("/api/v1/knowledge/actors", tags=TAGS)
def list_actors(
    reader: KnowledgeReaderDep,
    work: WorkDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 500,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> list[ActorOut]:
    """Return actors by name."""
    return work.sync(
        lambda s: [actor_out(s, a) for a in services.list_actors(s, limit=limit, offset=offset)]
    )


@router.post("/api/v1/knowledge/actors", status_code=201, tags=TAGS)
def create_actor(data: ActorIn, editor: KnowledgeEditorDep, work: WorkDep) -> ActorOut:
    """Add an actor (organisers)."""
    return work.sync(lambda s: actor_out(s, services.create_actor(s, data)))


@router.get("/api/v1/knowledge/actors/{actor_id}", tags=TAGS)
def read_actor(actor_id: IdPath, reader: KnowledgeReaderDep, work: WorkDep) -> ActorOut:
    """Return an actor."""
    return work.sync(lambda s: actor_out(s, services.get_actor(s, actor_id)))


@router.put("/api/v1/knowledge/actors/{actor_id}", tags=TAGS)
def update_actor(
    actor_id: IdPath, data: ActorIn, editor: KnowledgeEditorDep, work: WorkDep
) -> ActorOut:
    """Replace an actor's description (organisers)."""
    return work.sync(
        lambda s: actor_out(s, services.update_actor(s, services.get_actor(s, actor_id), data))
    )


@router.delete("/api/v1/knowledge/actors/{actor_id}", status_code=204, tags=TAGS)
def delete_actor(actor_id: IdPath, editor: KnowledgeEditorDep, work: WorkDep) -> Response:
    """Remove an actor, its memberships and its part in cooperations (organisers)."""
    work.sync(lambda s: services.delete_actor(s, services.get_actor(s, actor_id)))
    return Response(status_code=204)


@router.post("/api/v1/knowledge/actors/{actor_id}/memberships", status_code=201, tags=TAGS)
def add_membership(
    actor_id: IdPath, data: MembershipIn, editor: KnowledgeEditorDep, work: WorkDep
) -> ActorOut:
    """Make an actor a member of a network (organisers)."""

    def change(session: Session) -> ActorOut:
        member = services.get_actor(session, actor_id)
        network = services.get_actor(session, data.network_id)
        services.add_membership(session, member, network, data.since)
        return actor_out(session, member)

    return work.sync(change)


@router.delete(
    "/api/v1/knowledge/actors/{actor_id}/memberships/{network_id}", status_code=204, tags=TAGS
)
def remove_membership(
    actor_id: IdPath, network_id: IdPath, editor: KnowledgeEditorDep, work: WorkDep
) -> Response:
    """End an actor's membership of a network (organisers)."""
    work.sync(lambda s: services.remove_membership(s, services.get_actor(s, actor_id), network_id))
    return Response(status_code=204)


# -- cooperations --------------------------------------------------------------------------------


@router.get("/api/v1/knowledge/cooperations", tags=TAGS)
def list_cooperations(
    reader: KnowledgeReaderDep,
    work: WorkDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 500,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> list[CooperationOut]:
    """Return cooperations, the latest changed first."""
    full = reader is not None
    return work.sync(
        lambda s: [
            cooperation_out(s, c, full=full)
            for c in services.list_cooperations(s, limit=limit, offset=offset)
        ]
    )


@router.post("/api/v1/knowledge/cooperations", status_code=201, tags=TAGS)
def create_cooperation(
    data: CooperationIn, editor: KnowledgeEditorDep, work: WorkDep
) -> CooperationOut:
    """Add a cooperation with its actors, topics, activities, outcomes and lessons."""
    return work.sync(
        lambda s: cooperation_out(s, services.create_cooperation(s, data, data.actors), full=True)
    )


@router.get("/api/v1/knowledge/cooperations/{cooperation_id}", tags=TAGS)
def read_cooperation(
    cooperation_id: IdPath, reader: KnowledgeReaderDep, work: WorkDep
) -> CooperationOut:
    """Return a cooperation."""
    full = reader is not None
    return work.sync(
        lambda s: cooperation_out(s, services.get_cooperation(s, cooperation_id), full=full)
    )


@router.put("/api/v1/knowledge/cooperations/{cooperation_id}", tags=TAGS)
def update_cooperation(
    cooperation_id: IdPath, data: CooperationIn, editor: KnowledgeEditorDep, work: WorkDep
) -> CooperationOut:
    """Replace a cooperation's description and parts; its provenance stays (organisers)."""

    def change(session: Session) -> CooperationOut:
        cooperation = services.get_cooperation(session, cooperation_id)
        services.update_cooperation(session, cooperation, data, data.actors)
        return cooperation_out(session, cooperation, full=True)

    return work.sync(change)


@router.delete("/api/v1/knowledge/cooperations/{cooperation_id}", status_code=204, tags=TAGS)
def delete_cooperation(
    cooperation_id: IdPath, editor: KnowledgeEditorDep, work: WorkDep
) -> Response:
    """Remove a cooperation (organisers)."""
    work.sync(lambda s: services.delete_cooperation(s, services.get_cooperation(s, cooperation_id)))
    return Response(status_code=204)


# -- topics --------------------------------------------------------------------------------------


@router.get("/api/v1/knowledge/topics", tags=TAGS)
def list_topics(reader: KnowledgeReaderDep, work: WorkDep) -> list[TopicOut]:
    """Return the taxonomy of topics in its order."""
    return work.sync(lambda s: [TopicOut.model_validate(t) for t in topics.list_topics(s)])


@router.post("/api/v1/knowledge/topics", status_code=201, tags=TAGS)
def create_topic(data: TopicIn, editor: KnowledgeEditorDep, work: WorkDep) -> TopicOut:
    """Add a topic to the taxonomy (organisers)."""
    return work.sync(lambda s: TopicOut.model_validate(topics.create_topic(s, data)))


@router.put("/api/v1/knowledge/topics/{slug}", tags=TAGS)
def update_topic(slug: str, data: TopicIn, editor: KnowledgeEditorDep, work: WorkDep) -> TopicOut:
    """Change or rename a topic (organisers)."""
    return work.sync(
        lambda s: TopicOut.model_validate(topics.update_topic(s, topics.get_topic(s, slug), data))
    )


@router.delete("/api/v1/knowledge/topics/{slug}", status_code=204, tags=TAGS)
def delete_topic(slug: str, editor: KnowledgeEditorDep, work: WorkDep) -> Response:
    """Remove a topic; the cooperations about it lose it (organisers)."""
    work.sync(lambda s: topics.delete_topic(s, topics.get_topic(s, slug)))
    return Response(status_code=204)


# -- import and export ---------------------------------------------------------------------------


class ImportOut(BaseModel):
    """What an import did, or would do for a dry run."""

    actors_created: int
    actors_found: int
    cooperations_created: int
    cooperations_skipped: int
    dry_run: bool


@router.post(
    "/api/v1/knowledge/import",
    tags=TAGS,
    openapi_extra={
        "requestBody": {
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "description": "The JSON format of docs/knowledge-base.md.",
                        "properties": {
                            "format": {"type": "string", "enum": ["agora-knowledge"]},
                            "version": {"type": "integer", "enum": [1]},
                            "actors": {"type": "array", "items": {"type": "object"}},
                            "cooperations": {"type": "array", "items": {"type": "object"}},
                        },
                        "additionalProperties": False,
                    }
                },
                "text/csv": {"schema": {"type": "string"}},
                "application/zip": {"schema": {"type": "string", "format": "binary"}},
            }
        }
    },
)
async def import_records(
    request: Request,
    editor: KnowledgeEditorDep,
    work: WorkDep,
    format: Annotated[Literal["json", "csv", "wikidata"], Query()] = "json",
    dry_run: bool = False,
    filename: Annotated[str, Query(max_length=200)] = "",
) -> ImportOut:
    """Import actors and cooperations from the request body, all or nothing (organisers).

    A refused file answers 422 with ``problems``: each with its ``line``, ``path`` and
    ``message``; nothing is stored.
    """
    raw = await request.body()
    result = await work(
        lambda s: exchange.import_file(s, raw, format, filename or f"api.{format}", dry_run=dry_run)
    )
    return ImportOut(**result.as_dict())


ExportFormat = Literal["json", "csv"]


def _export(state: AppState, work: Any, format: ExportFormat) -> Response:
    if format == "json":
        content = work.sync(exchange.export_json)
        return Response(
            content,
            media_type="application/json",
            headers={"Content-Disposition": 'attachment; filename="knowledge.json"'},
        )
    content = work.sync(exchange.export_csv)
    return Response(
        content,
        media_type="application/zip",
        headers={"Content-Disposition": 'attachment; filename="knowledge-csv.zip"'},
    )


@router.get("/api/v1/knowledge/export", tags=TAGS, response_class=Response)
def export_records(
    editor: KnowledgeEditorDep,
    state: StateDep,
    work: WorkDep,
    format: Annotated[ExportFormat, Query()] = "json",
) -> Response:
    """Return every actor and cooperation as JSON, or as a zip of two CSV files (organisers)."""
    return _export(state, work, format)


# -- pages: import, topics -----------------------------------------------------------------------


def _page(
    request: Request, state: AppState, template: str, context: dict[str, Any], status: int = 200
) -> Response:
    context = {
        "actor_columns": exchange.ACTOR_COLUMNS,
        "cooperation_columns": exchange.COOPERATION_COLUMNS,
        **context,
    }
    return render_page(request, state, f"knowledge/{template}", context, status_code=status)


@router.get("/knowledge/import", include_in_schema=False)
def import_page(request: Request, editor: KnowledgeEditorDep, state: StateDep) -> Response:
    """Show the import form (and the export links)."""
    return _page(request, state, "import.html", {"problems": [], "result": None})


async def _upload(request: Request) -> tuple[bytes, str, dict[str, str]]:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > exchange.MAX_BYTES + 100_000:
        raise InvalidInput(_("The file is larger than {n} MB.").format(n=20), field="file")
    async with request.form(max_files=1, max_fields=10) as form:
        upload = form.get("file")
        fields = {k: str(v) for k, v in form.items() if isinstance(v, str)}
        if isinstance(upload, UploadFile):
            return await upload.read(exchange.MAX_BYTES + 1), upload.filename or "", fields
    raise InvalidInput(_("Choose a file to import."), field="file")


@router.post("/knowledge/import", include_in_schema=False)
async def import_form(
    request: Request, editor: KnowledgeEditorDep, state: StateDep, work: WorkDep
) -> Response:
    """Import the uploaded file; a refused one comes back with its list of problems."""
    try:
        raw, filename, fields = await _upload(request)
        if not raw:
            raise InvalidInput(_("Choose a file to import."), field="file")
        chosen = fields.get("format", "")
        format: exchange.Format = (
            chosen if chosen in {"json", "csv", "wikidata"} else exchange.guess_format(filename)  # type: ignore[assignment]
        )
        dry_run = fields.get("dry_run") == "1"
        result = await work(
            lambda s: exchange.import_file(s, raw, format, filename, dry_run=dry_run)
        )
    except exchange.ImportRefused as refused:
        context = {"problems": refused.problems, "total": refused.total_problems, "error": refused}
        return _page(request, state, "import.html", {**context, "result": None}, 422)
    except InvalidInput as error:
        return _page(request, state, "import.html", {"problems": [], "error": error}, 422)
    return _page(request, state, "import.html", {"problems": [], "result": result})


@router.get("/knowledge/export", include_in_schema=False)
def export_download(
    editor: KnowledgeEditorDep,
    state: StateDep,
    work: WorkDep,
    format: Annotated[ExportFormat, Query()] = "json",
) -> Response:
    """Download the whole knowledge base (the import page's links)."""
    return _export(state, work, format)


def _topic_form(form: Any) -> TopicIn:
    names = {
        code: str(form.get(f"name_{code}") or "").strip()
        for code in topics.LANGUAGES
        if str(form.get(f"name_{code}") or "").strip()
    }
    sdgs = [part for part in str(form.get("sdgs") or "").replace(",", " ").split() if part]
    domains = [part.strip() for part in str(form.get("s3_domains") or "").split(";")]
    return checked(
        TopicIn,
        {
            "slug": str(form.get("slug") or ""),
            "name": names.get("en", ""),
            "names": names,
            "description": str(form.get("description") or ""),
            "sdgs": sdgs,
            "s3_domains": [d for d in domains if d],
            "position": str(form.get("position") or "0") or "0",
        },
    )


def _topics_page(
    request: Request, state: AppState, session: Session, error: AgoraError | None = None, **kw: Any
) -> Response:
    context = {
        "topics": topics.list_topics(session),
        "topic_languages": topics.LANGUAGES,
        "error": error,
        "editing": kw.get("editing", ""),
        "values": kw.get("values", {}),
    }
    return _page(request, state, "topics.html", context, error.status_code if error else 200)


@router.get("/knowledge/topics", include_in_schema=False)
def topics_page(
    request: Request, editor: KnowledgeEditorDep, state: StateDep, work: WorkDep
) -> Response:
    """Show the taxonomy with a form per topic and one to add a topic."""
    return work.sync(lambda s: _topics_page(request, state, s))


@router.post("/knowledge/topics", include_in_schema=False)
async def topic_form(
    request: Request, editor: KnowledgeEditorDep, state: StateDep, work: WorkDep
) -> Response:
    """Add a topic, or save one (``editing`` names the topic's current slug)."""
    form = await request.form()
    editing = str(form.get("editing") or "")

    def change(session: Session) -> Topic:
        data = _topic_form(form)
        if editing:
            return topics.update_topic(session, topics.get_topic(session, editing), data)
        return topics.create_topic(session, data)

    try:
        topic = await work(change)
    except AgoraError as error:
        failure: AgoraError = error
        values = {k: str(v) for k, v in form.items() if isinstance(v, str)}
        return await work(
            lambda s: _topics_page(request, state, s, failure, editing=editing, values=values)
        )
    message = _("The topic “{name}” is saved.").format(name=topic.name)
    return redirect_with_notice(state, "/knowledge/topics", Notice("topics", message))


@router.post("/knowledge/topics/{slug}/delete", include_in_schema=False)
async def topic_delete_form(
    slug: str, request: Request, editor: KnowledgeEditorDep, state: StateDep, work: WorkDep
) -> Response:
    """Remove a topic from the taxonomy."""
    await work(lambda s: topics.delete_topic(s, topics.get_topic(s, slug)))
    message = _("The topic is removed.")
    return redirect_with_notice(state, "/knowledge/topics", Notice("topics", message))


# -- promotion: API and review page --------------------------------------------------------------


class ReviewIn(BaseModel):
    """What the moderator confirms when promoting a takeaway."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(None, max_length=300)
    programme: str | None = Field(None, max_length=120)
    choices: dict[str, str] = Field(
        default_factory=dict,
        description='A candidate key per actor slot, like {"lead": "place:ES-MC"}.',
    )
    topics: list[str] | None = Field(None, max_length=20)


def _event_takeaway(session: Session, event: Event, takeaway_id: int) -> Takeaway:
    takeaway = get_takeaway(session, takeaway_id)
    if takeaway.event_id != event.id:
        raise NotFound(_("There is no takeaway {id}.").format(id=takeaway_id))
    return takeaway


def _draft_out(draft: promotion.Draft) -> dict[str, Any]:
    return {
        "takeaway_id": draft.takeaway_id,
        "title": draft.title,
        "programme": draft.programme,
        "needs_review": draft.needs_review,
        "actors": [
            {
                "field": slot.field,
                "role": slot.role,
                "name": slot.name,
                "place": slot.place,
                "country": slot.country,
                "chosen": slot.chosen,
                "candidates": [c.__dict__ for c in slot.candidates],
            }
            for slot in draft.slots
        ],
        "topics": draft.topics,
        "unmatched_topics": draft.unmatched_topics,
        "outcomes": [o.model_dump(mode="json") for o in draft.outcomes],
        "lessons": [x.model_dump(mode="json") for x in draft.lessons],
    }


@router.get("/api/v1/events/{code}/takeaways/{takeaway_id}/promotion", tags=TAGS)
def read_promotion(takeaway_id: IdPath, event: ModeratedEventDep) -> dict[str, Any]:
    """Return the cooperation record a takeaway proposes, with the actors to choose (moderators)."""
    return event.sync(
        lambda s, e: _draft_out(promotion.prefill(s, _event_takeaway(s, e, takeaway_id)))
    )


def _promote(
    session: Session, event: EventScope, e: Event, takeaway_id: int, review: promotion.Review
) -> Cooperation:
    cooperation = promotion.promote(session, _event_takeaway(session, e, takeaway_id), review)
    event.record(session, e, "knowledge.promote", f"takeaway {takeaway_id}")
    return cooperation


def _promoted(event: EventScope, event_id: int) -> None:
    """Once the promotion is committed: the moderators' takeaways show it is added."""
    event.state.changed(event_id, takeaways_live.NAME)


@router.post("/api/v1/events/{code}/takeaways/{takeaway_id}/promote", status_code=201, tags=TAGS)
def promote_takeaway(
    takeaway_id: IdPath, data: ReviewIn, event: ModeratedEventDep
) -> CooperationOut:
    """Add an approved takeaway to the knowledge base as a cooperation (moderators).

    Ambiguous actors need a choice in ``choices``; a second promotion is refused (409).
    """
    review = promotion.Review(data.title, data.programme, data.choices, data.topics)

    def change(session: Session, e: Event) -> tuple[int, CooperationOut]:
        cooperation = _promote(session, event, e, takeaway_id, review)
        return e.id, cooperation_out(session, cooperation, full=True)

    event_id, out = event.sync(change)
    _promoted(event, event_id)
    return out


def _review_page(
    request: Request,
    state: AppState,
    event: Event,
    draft: promotion.Draft,
    session: Session,
    error: AgoraError | None = None,
    values: dict[str, Any] | None = None,
) -> Response:
    context = {
        "event": event,
        "draft": draft,
        "topics": topics.list_topics(session),
        "topic_name": topics.topic_name,
        "error": error,
        "values": values or {},
    }
    return _page(request, state, "promote.html", context, error.status_code if error else 200)


@router.get("/e/{code}/takeaways/{takeaway_id}/promote", include_in_schema=False)
async def promote_page(
    takeaway_id: IdPath, event: ModeratedEventDep, request: Request, state: StateDep
) -> Response:
    """Show the record a takeaway proposes, with a choice for every ambiguous actor."""

    def build(session: Session, e: Event) -> Response:
        takeaway = _event_takeaway(session, e, takeaway_id)
        existing = services.promoted_from(session, takeaway.id)
        if existing is not None:  # promoted already: the record it became
            return RedirectResponse(f"/knowledge/cooperations/{existing.id}", status_code=303)
        draft = promotion.prefill(session, takeaway)
        return _review_page(request, state, e, draft, session)

    return await event.run(build)


@router.post("/e/{code}/takeaways/{takeaway_id}/promote", include_in_schema=False)
async def promote_form(
    takeaway_id: IdPath,
    event: ModeratedEventDep,
    request: Request,
    state: StateDep,
    work: WorkDep,
) -> Response:
    """Save the reviewed record and go to it; a missing choice comes back to the form."""
    form = await request.form()
    choices = {
        str(key).removeprefix("choice:"): str(value)
        for key, value in form.items()
        if str(key).startswith("choice:") and isinstance(value, str)
    }
    review = promotion.Review(
        title=str(form.get("title") or "")[:300] or None,
        programme=str(form.get("programme") or "")[:120],
        choices=choices,
        topics=[str(v) for v in form.getlist("topics")],
    )
    try:
        event_id, cooperation_id = await event.run(
            lambda s, e: (e.id, _promote(s, event, e, takeaway_id, review).id)
        )
    except InvalidInput as error:
        refused: InvalidInput = error
        values = {"title": review.title, "programme": review.programme, "choices": choices,
                  "topics": review.topics}  # fmt: skip

        def again(session: Session, e: Event) -> Response:
            draft = promotion.prefill(session, _event_takeaway(session, e, takeaway_id))
            return _review_page(request, state, e, draft, session, refused, values)

        return await event.run(again)
    _promoted(event, event_id)
    # an organiser (or anyone, on a public knowledge base) goes on to the record; a
    # moderator by the shared link, who may not read it, back to the moderation page
    organiser = await work(lambda session: current_organiser(request, session))
    if organiser is None and not state.settings.knowledge_public:
        code = await event.run(lambda _s, e: e.code)
        return RedirectResponse(f"/e/{code}/moderate#takeaways", status_code=303)
    return RedirectResponse(f"/knowledge/cooperations/{cooperation_id}", status_code=303)
