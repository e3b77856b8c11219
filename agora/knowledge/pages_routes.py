"""The knowledge base's pages: directory, actor, cooperation, map and graph (and their data).

Readers are organisers, or anyone when ``AGORA_KNOWLEDGE_PUBLIC`` is on. A visitor who is
not signed in is sent to the sign-in page and comes back here after it, as on the
organiser's events page; the JSON API answers 401.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from urllib.parse import urlencode

from babel.dates import format_date
from babel.numbers import format_decimal
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from agora.accounts.models import Organiser
from agora.core.i18n import babel_locale, current_language
from agora.knowledge import figures, network_views, page_labels, views
from agora.knowledge.deps import KnowledgeReaderDep
from agora.takeaways.fields import outcome_kinds, world_areas
from agora.web.deps import IdPath, StateDep, WorkDep
from agora.web.notices import render_page

router = APIRouter()


def day(value: dt.date | None) -> str:
    """Return a date in the reader's language (``12 Mar 2024``), or an empty string."""
    if value is None:
        return ""
    language = current_language()
    return format_date(value, "medium", locale=babel_locale(language))


def number(value: int) -> str:
    """Return a whole number grouped as the reader's language writes it."""
    language = current_language()
    return format_decimal(value, locale=babel_locale(language))


def period(started: dt.date | None, ended: dt.date | None) -> str:
    """Return a cooperation's period ("2019 – 2022", "since 2021"…) for a list."""
    if started and ended:
        return f"{day(started)} – {day(ended)}"
    return day(started or ended)


def render(
    request: Request, state: Any, template: str, reader: Organiser | None, context: dict[str, Any]
) -> Response:
    """Render a knowledge page with the labels every one of them uses."""
    helpers = {
        "reader": reader,
        "actor_kinds": page_labels.actor_kinds(),
        "activity_kinds": page_labels.activity_kinds(),
        "outcome_kinds": outcome_kinds(),
        "world_areas": world_areas(),
        "roles": page_labels.roles(),
        "sources": page_labels.sources(),
        "country_name": page_labels.country_name,
        "subdivision_name": page_labels.subdivision_name,
        "language_tag": page_labels.language_tag,
        "language_name": page_labels.language_name,
        "number": number,
        "day": day,
        "period": period,
        "kind_colours": figures.KIND_COLOURS,
    }
    return render_page(request, state, f"knowledge/{template}", {**helpers, **context})


# -- pages ---------------------------------------------------------------------------------


@router.get("/knowledge", include_in_schema=False)
def directory_page(
    request: Request,
    state: StateDep,
    work: WorkDep,
    reader: KnowledgeReaderDep,
    kind: Annotated[str, Query(max_length=40)] = "",
    country: Annotated[str, Query(max_length=10)] = "",
    world_area: Annotated[str, Query(max_length=40)] = "",
    topic: Annotated[str, Query(max_length=60)] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    """List the knowledge base's actors, filtered by kind, country, world area and topic."""

    def load(session: Session) -> views.Directory:
        filters = views.check_filters(
            session, kind=kind, country=country, world_area=world_area, topic=topic, page=page
        )
        return views.directory(session, filters)

    found = work.sync(load)
    language = current_language()
    topics = [(t.slug, views.topic_name(t, language)) for t in found.topics]

    def page_url(number: int) -> str:
        query = found.filters.query(page=number)
        return "/knowledge" + (f"?{urlencode(query)}" if query else "")

    return render(
        request,
        state,
        "directory.html",
        reader,
        {"found": found, "topics": topics, "page_url": page_url},
    )


@router.get("/knowledge/actors/{actor_id}", include_in_schema=False)
def actor_page(
    actor_id: IdPath, request: Request, state: StateDep, work: WorkDep, reader: KnowledgeReaderDep
) -> Response:
    """Show an actor: its cooperations and partners, outcomes, networks, place on the map."""

    def load(session: Session) -> tuple[views.ActorProfile, figures.MapFigure | None]:
        profile = views.actor_profile(session, actor_id)
        if not profile.placed:
            return profile, None
        partners = {p.id for c in profile.cooperations for p in c.partners} | {actor_id}
        placed, links = network_views.map_data(session, partners)
        shown = [link for link in links if actor_id in (link.a, link.b)]
        return profile, figures.map_figure(placed, shown, focus=actor_id, least=60.0)

    profile, locator = work.sync(load)
    context = {
        "profile": profile,
        "actor": profile.actor,
        "figure": locator,
        "site_link": views.evidence_link(profile.actor.website),
    }
    return render(request, state, "actor.html", reader, context)


@router.get("/knowledge/cooperations/{cooperation_id}", include_in_schema=False)
def cooperation_page(
    cooperation_id: IdPath,
    request: Request,
    state: StateDep,
    work: WorkDep,
    reader: KnowledgeReaderDep,
) -> Response:
    """Show a cooperation: partners and roles, topics, activities, outcomes, lessons, source."""
    language = current_language()
    detail = work.sync(lambda session: views.cooperation_detail(session, cooperation_id, language))
    return render(request, state, "cooperation.html", reader, {"detail": detail})


@router.get("/knowledge/map", include_in_schema=False)
def map_page(
    request: Request,
    state: StateDep,
    work: WorkDep,
    reader: KnowledgeReaderDep,
    view: Annotated[str, Query(max_length=10, pattern="^(|fit|world)$")] = "",
) -> Response:
    """Show the actors on a world map, with lines for their cooperations."""
    placed, links = work.sync(network_views.map_data)
    figure = figures.map_figure(placed, links, whole_world=view == "world")
    names = {p.actor.id: p.actor.name for p in placed}
    return render(request, state, "map.html", reader, {"figure": figure, "names": names})


@router.get("/knowledge/graph", include_in_schema=False)
def graph_page(
    request: Request, state: StateDep, work: WorkDep, reader: KnowledgeReaderDep
) -> Response:
    """Show the actors and their cooperations as a network, weighted by outcomes."""
    data = work.sync(network_views.graph_data)
    figure = figures.graph_figure(data.nodes, data.links)
    return render(request, state, "graph.html", reader, {"figure": figure, "data": data})


# -- data (JSON) -------------------------------------------------------------------------------


class ActorPoint(BaseModel):
    """An actor on the map or in the graph."""

    id: int
    name: str
    kind: str
    country: str
    latitude: float | None = None
    longitude: float | None = None
    cooperations: int = Field(description="Cooperations the actor took part in.")
    outcomes: int = Field(description="Outcomes of those cooperations.")


class ActorLink(BaseModel):
    """Two actors that cooperated."""

    source: int
    target: int
    cooperations: int
    outcomes: int = Field(description="Outcomes of their shared cooperations (the weight).")


class KnowledgeNetwork(BaseModel):
    """Actors and the cooperations between them."""

    actors: list[ActorPoint]
    links: list[ActorLink]


def _network(
    points: list[network_views.Placed], links: list[network_views.Link], placed: bool
) -> KnowledgeNetwork:
    return KnowledgeNetwork(
        actors=[
            ActorPoint(
                id=p.actor.id,
                name=p.actor.name,
                kind=p.actor.kind,
                country=p.actor.country,
                latitude=p.latitude if placed else None,
                longitude=p.longitude if placed else None,
                cooperations=p.cooperations,
                outcomes=p.outcomes,
            )
            for p in points
        ],
        links=[
            ActorLink(source=k.a, target=k.b, cooperations=k.cooperations, outcomes=k.outcomes)
            for k in links
        ],
    )


@router.get("/api/v1/knowledge/map", tags=["knowledge"])
def map_api(reader: KnowledgeReaderDep, work: WorkDep) -> KnowledgeNetwork:
    """Return the actors that have a place, and the cooperations between them."""
    placed, links = work.sync(network_views.map_data)
    return _network(placed, links, placed=True)


@router.get("/api/v1/knowledge/graph", tags=["knowledge"])
def graph_api(reader: KnowledgeReaderDep, work: WorkDep) -> KnowledgeNetwork:
    """Return the actors in cooperations and their links, weighted by outcomes."""
    data = work.sync(network_views.graph_data)
    return _network(data.nodes, data.links, placed=False)
