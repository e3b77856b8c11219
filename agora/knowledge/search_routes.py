"""The URLs of knowledge search: the JSON API and the search page (one box, facets, results).

Both read the same query parameters: ``q``, ``mode`` (words, meaning or both), the filters
``topic``, ``world_area``, ``country``, ``actor_kind``, ``outcome_kind``, ``programme``
and ``year``, and ``limit``/``offset``. The page works without JavaScript: facets are
links that add or remove a filter.
"""

from __future__ import annotations

import gettext as _gettext
from dataclasses import dataclass
from functools import lru_cache
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from agora.core.errors import InvalidInput
from agora.core.i18n import _, current_language
from agora.knowledge import search_index
from agora.knowledge.deps import KnowledgeReaderDep
from agora.knowledge.models import Topic
from agora.knowledge.page_labels import actor_kinds
from agora.knowledge.search import (
    FACETS,
    MAX_LIMIT,
    FacetCount,
    Filters,
    SearchMode,
    SearchResult,
    check_filters,
    check_query,
    search,
)
from agora.knowledge.search_schemas import FacetValueOut, SearchHitOut, SearchOut, SnippetPart
from agora.takeaways.fields import outcome_kinds, world_areas
from agora.web.deps import StateDep, WorkDep
from agora.web.notices import render_page

router = APIRouter()

#: Results on one page of the search page.
PAGE_SIZE = 20
#: Facet values a page lists before "and N more" (all of them are in the API's answer).
PAGE_FACET_VALUES = 12
#: The furthest a page of results may start.
MAX_OFFSET = 10_000


def facet_titles() -> dict[str, str]:
    """Return the facets' names in the current language."""
    return {
        "topic": _("Topic"),
        "world_area": _("World area"),
        "country": _("Country"),
        "actor_kind": _("Kind of actor"),
        "outcome_kind": _("Kind of outcome"),
        "programme": _("Programme"),
        "year": _("Year"),
    }


def result_kinds() -> dict[str, str]:
    """Return what a result can be, named in the current language."""
    return {"cooperation": _("Cooperation"), "actor": _("Actor"), "topic": _("Topic")}


def modes() -> dict[str, str]:
    """Return the search modes, named in the current language."""
    return {
        SearchMode.both.value: _("Words and meaning"),
        SearchMode.words.value: _("Words only"),
        SearchMode.meaning.value: _("Meaning only"),
    }


@lru_cache(maxsize=16)
def _country_names(language: str) -> _gettext.NullTranslations:
    import pycountry

    return _gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True
    )


def country_label(code: str) -> str:
    """Return a country's name in the current language (pycountry's translations)."""
    name = search_index.country_name(code)
    return _country_names(current_language()).gettext(name) if name else code


def facet_labeller(session: Session) -> dict[str, dict[str, str]]:
    """Return, for each facet with fixed values, its values' names in the current language."""
    language = current_language()
    topics = {
        slug: str((names or {}).get(language) or name)
        for slug, name, names in session.execute(select(Topic.slug, Topic.name, Topic.names))
    }
    return {
        "topic": topics,
        "world_area": world_areas(),
        "actor_kind": actor_kinds(),
        "outcome_kind": outcome_kinds(),
    }


def label(labels: dict[str, dict[str, str]], name: str, value: str) -> str:
    """Return how a facet value is shown."""
    if name == "country":
        return country_label(value)
    return labels.get(name, {}).get(value, value)


def parse_mode(mode: str) -> SearchMode:
    """Return the search mode, or raise ``InvalidInput`` naming ``mode``."""
    try:
        return SearchMode(mode.strip() or SearchMode.both)
    except ValueError:
        raise InvalidInput(
            _("Search by words, meaning or both (mode={value} is none of them).").format(
                value=mode[:20]
            ),
            field="mode",
        ) from None


Text = Annotated[str | None, Query(max_length=200)]


@dataclass(frozen=True)
class Asked:
    """A search as the query parameters ask it."""

    q: str
    mode: str
    filters: dict[str, str | None]

    def checked(self) -> tuple[str, SearchMode, Filters]:
        """Return the query, mode and filters, or raise ``InvalidInput`` for the first fault."""
        return check_query(self.q), parse_mode(self.mode), check_filters(**self.filters)


def asked(
    q: Annotated[str, Query(max_length=1000, description="What to search for.")] = "",
    mode: Annotated[str, Query(max_length=20, description="words, meaning or both.")] = "both",
    topic: Annotated[str | None, Query(max_length=200, description="A topic's slug.")] = None,
    world_area: Annotated[str | None, Query(max_length=200, description="europe…")] = None,
    country: Annotated[str | None, Query(max_length=200, description="ISO alpha-2.")] = None,
    actor_kind: Annotated[str | None, Query(max_length=200, description="city…")] = None,
    outcome_kind: Annotated[str | None, Query(max_length=200, description="memorandum…")] = None,
    programme: Annotated[str | None, Query(max_length=200, description="As recorded.")] = None,
    year: Annotated[str | None, Query(max_length=20, description="A year, 1900–2100.")] = None,
) -> Asked:
    """Return the search the query parameters ask for (checked by ``Asked.checked``)."""
    return Asked(
        q=q,
        mode=mode,
        filters={
            "topic": topic,
            "world_area": world_area,
            "country": country,
            "actor_kind": actor_kind,
            "outcome_kind": outcome_kind,
            "programme": programme,
            "year": year,
        },
    )


def search_out(result: SearchResult, labels: dict[str, dict[str, str]]) -> SearchOut:
    """Return the API view of a search."""
    return SearchOut(
        query=result.query,
        mode=result.mode.value,
        total=result.total,
        hits=[
            SearchHitOut(
                kind=h.kind,
                id=h.record_id,
                title=h.title,
                url=h.url,
                snippet=[SnippetPart(text=s.text, match=s.match) for s in h.snippet],
                score=h.score,
                word_rank=h.word_rank,
                meaning_rank=h.meaning_rank,
                language=h.language,
            )
            for h in result.hits
        ],
        facets={
            name: [
                FacetValueOut(value=f.value, label=label(labels, name, f.value), count=f.count)
                for f in counts
            ]
            for name, counts in result.facets.items()
        },
        filters=dict(result.filters.pairs()),
        meaning_used=result.meaning_used,
        model_available=result.model_available,
        model_id=result.model_id,
        pending=result.pending,
        notes=result.notes,
    )


@router.get("/api/v1/knowledge/search", tags=["knowledge"])
async def search_api(
    reader: KnowledgeReaderDep,
    work: WorkDep,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = PAGE_SIZE,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    q: Annotated[str, Query(max_length=1000, description="What to search for.")] = "",
    mode: Annotated[str, Query(max_length=20, description="words, meaning or both.")] = "both",
    topic: Text = None,
    world_area: Text = None,
    country: Text = None,
    actor_kind: Text = None,
    outcome_kind: Text = None,
    programme: Text = None,
    year: Annotated[str | None, Query(max_length=20)] = None,
) -> SearchOut:
    """Search cooperations, actors and topics by words and by meaning, in one ranking.

    Facets count every result of the merged ranking. A query in one language finds
    records in another by meaning when the multilingual model is installed
    (``model_available``); otherwise, and for ``mode=words``, by words only.
    """
    query, chosen, filters = asked(
        q, mode, topic, world_area, country, actor_kind, outcome_kind, programme, year
    ).checked()

    def run(session: Session) -> SearchOut:
        result = search(session, query, filters=filters, mode=chosen, limit=limit, offset=offset)
        return search_out(result, facet_labeller(session))

    return await work(run)


def _link(params: dict[str, str], **changes: str | None) -> str:
    """Return the search page's URL with ``changes`` (None removes a parameter), page one
    unless ``offset`` is among them."""
    merged: dict[str, str | None] = {k: v for k, v in params.items() if k != "offset"}
    merged.update(changes)
    return "/knowledge/search?" + urlencode({k: v for k, v in merged.items() if v})


def page_context(
    result: SearchResult, labels: dict[str, dict[str, str]], params: dict[str, str]
) -> dict[str, Any]:
    """Return what the search page shows: results, facets as links, pages."""
    chosen = dict(result.filters.pairs())
    facets = []
    for name in FACETS:
        counts: list[FacetCount] = result.facets.get(name, [])
        values = [
            {
                "label": label(labels, name, f.value),
                "count": f.count,
                "active": chosen.get(name) == f.value,
                "href": _link(params, **{name: None if chosen.get(name) == f.value else f.value}),
            }
            for f in counts
        ]
        if values or name in chosen:
            facets.append(
                {
                    "name": name,
                    "title": facet_titles()[name],
                    "options": values[:PAGE_FACET_VALUES],
                    "more": max(0, len(values) - PAGE_FACET_VALUES),
                }
            )
    active = [
        {
            "title": facet_titles()[name],
            "label": label(labels, name, value),
            "href": _link(params, **{name: None}),
        }
        for name, value in chosen.items()
    ]
    offset = int(params.get("offset") or 0)
    return {
        "result": result,
        "facets": facets,
        "active": active,
        "kinds": result_kinds(),
        "first": offset + 1,
        "last": offset + len(result.hits),
        "next_href": _link(params, offset=str(offset + PAGE_SIZE))
        if offset + PAGE_SIZE < result.total
        else None,
        "previous_href": _link(
            params, offset=str(offset - PAGE_SIZE) if offset > PAGE_SIZE else None
        )
        if offset
        else None,
    }


@router.get("/knowledge/search", include_in_schema=False)
async def search_page(
    request: Request,
    state: StateDep,
    reader: KnowledgeReaderDep,
    work: WorkDep,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    q: Annotated[str, Query(max_length=1000)] = "",
    mode: Annotated[str, Query(max_length=20)] = "both",
    topic: Text = None,
    world_area: Text = None,
    country: Text = None,
    actor_kind: Text = None,
    outcome_kind: Text = None,
    programme: Text = None,
    year: Annotated[str | None, Query(max_length=20)] = None,
) -> Response:
    """Show the search box, and the results with their facets when something was asked."""
    wanted = asked(q, mode, topic, world_area, country, actor_kind, outcome_kind, programme, year)
    params = {
        "q": q,
        "mode": mode if mode != SearchMode.both.value else "",
        **{k: v or "" for k, v in wanted.filters.items()},
    }
    if offset:
        params["offset"] = str(offset)
    context: dict[str, Any] = {"q": q, "mode": mode, "modes": modes(), "result": None}
    status = 200
    if q.strip() or any(wanted.filters.values()):
        try:
            query, chosen, filters = wanted.checked()
        except InvalidInput as error:
            context["error"] = error
            status = 422
        else:

            def run(session: Session) -> dict[str, Any]:
                result = search(
                    session, query, filters=filters, mode=chosen, limit=PAGE_SIZE, offset=offset
                )
                return page_context(result, facet_labeller(session), params)

            context.update(await work(run))
    return render_page(request, state, "knowledge/search.html", context, status)
