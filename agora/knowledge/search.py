"""Search the knowledge base by words and by meaning, in one ranking, with facets.

One query runs up to two searches over the index (``search_index``): *words*, the full-text
index of the database (FTS5 with BM25 on SQLite, ``to_tsvector('simple', …)`` without
accents, with ``ts_rank`` on PostgreSQL), and *meaning*, the dot product of the query's multilingual
embedding with every document's, so that a question in Spanish or Croatian finds an
English lesson. Both give a ranked list of at most ``DEPTH`` documents; reciprocal rank
fusion merges them into one (``fuse``). Facets are counted over that merged set, and
filters (topic, world area, country, actor kind, outcome kind, programme, year) narrow
both searches before ranking. The pure parts (query terms, fusion, counts, snippets) are
plain functions; ``search`` does the I/O.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
from sqlalchemy import Select, column, func, select, table, text
from sqlalchemy.orm import Session

from agora.core.errors import InvalidInput
from agora.core.i18n import LANGUAGES, _
from agora.knowledge import search_index
from agora.knowledge.models import ActorKind, OutcomeKind, Topic
from agora.knowledge.search_models import SearchDocument, SearchFacet
from agora.knowledge.topics import topic_name
from agora.text.stopwords import stop_words

#: How many documents each search ranks before fusion: the merged set facets count over.
DEPTH = 200
#: Meaning search keeps a document only when its similarity to the query (cosine of the
#: multilingual-e5-small vectors) is at least this, and at most ``MEANING_MARGIN`` below
#: the best document's. The model scores every text against every query between about
#: 0.75 and 0.90, so without a cut-off any query — "zebra giraffe" — found every record.
#: Measured on the reference knowledge base (docs/knowledge-search.md): queries with no
#: relevant record peak at 0.78–0.79; relevant records score 0.82–0.88.
MEANING_FLOOR = 0.81
MEANING_MARGIN = 0.06
#: The constant of reciprocal rank fusion (Cormack, Clarke and Büttcher, 2009): a hit at
#: rank r scores 1 / (K + r) in each list that has it.
RRF_K = 60
#: The longest query taken, in characters, and the most words searched.
MAX_QUERY = 200
MAX_TERMS = 12
#: The most results one page shows.
MAX_LIMIT = 100
#: Words of a snippet either side of the best place.
SNIPPET_WORDS = 28
#: The facets, in the order pages show them.
FACETS = ("topic", "world_area", "country", "actor_kind", "outcome_kind", "programme", "year")
YEARS = (1900, 2100)

_WORD = re.compile(r"\w+", re.UNICODE)
_COUNTRY = re.compile(r"^[A-Za-z]{2}$")


class SearchMode(enum.StrEnum):
    """Which searches a query runs."""

    words = "words"
    meaning = "meaning"
    both = "both"


@dataclass(frozen=True)
class Filters:
    """What a search is narrowed to; ``None`` leaves a facet open."""

    topic: str | None = None
    world_area: str | None = None
    country: str | None = None
    actor_kind: str | None = None
    outcome_kind: str | None = None
    programme: str | None = None
    year: int | None = None

    def pairs(self) -> list[tuple[str, str]]:
        """Return the chosen facets as (name, value) pairs, as the index stores them."""
        return [
            (name, str(value))
            for name in FACETS
            if (value := getattr(self, name)) is not None and value != ""
        ]


def check_filters(
    *,
    topic: str | None = None,
    world_area: str | None = None,
    country: str | None = None,
    actor_kind: str | None = None,
    outcome_kind: str | None = None,
    programme: str | None = None,
    year: int | str | None = None,
) -> Filters:
    """Return the filters, or raise ``InvalidInput`` naming the first one that is malformed."""

    def blank(value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    topic, world_area, programme = blank(topic), blank(world_area), blank(programme)
    country, actor_kind, outcome_kind = blank(country), blank(actor_kind), blank(outcome_kind)
    if topic is not None and (len(topic) > 60 or not re.fullmatch(r"[a-z0-9_-]+", topic)):
        raise InvalidInput(
            _("A topic is given by its identifier, such as mobility."), field="topic"
        )
    if world_area is not None and (len(world_area) > 20 or not world_area.isidentifier()):
        raise InvalidInput(
            _("A world area is given by its identifier, such as europe."), field="world_area"
        )
    if country is not None:
        if not _COUNTRY.match(country):
            raise InvalidInput(
                _("A country is given by its two-letter ISO code, such as HR."), field="country"
            )
        country = country.upper()
    if actor_kind is not None and actor_kind not in {k.value for k in ActorKind}:
        raise InvalidInput(
            _("There is no kind of actor called {value}.").format(value=actor_kind),
            field="actor_kind",
        )
    if outcome_kind is not None and outcome_kind not in {k.value for k in OutcomeKind}:
        raise InvalidInput(
            _("There is no kind of outcome called {value}.").format(value=outcome_kind),
            field="outcome_kind",
        )
    if programme is not None and len(programme) > 120:
        raise InvalidInput(
            _("A programme name has at most {limit} characters.").format(limit=120),
            field="programme",
        )
    number: int | None = None
    if isinstance(year, str):
        year = year.strip() or None
    if year is not None:
        try:
            number = int(year)
        except ValueError:
            number = None
        if number is None or not YEARS[0] <= number <= YEARS[1]:
            raise InvalidInput(
                _("A year is a number from {first} to {last}.").format(
                    first=YEARS[0], last=YEARS[1]
                ),
                field="year",
            )
    return Filters(topic, world_area, country, actor_kind, outcome_kind, programme, number)


def check_query(query: str) -> str:
    """Return the query without surrounding spaces, or raise ``InvalidInput`` (field ``q``)."""
    query = " ".join(query.split())
    if not query:
        raise InvalidInput(_("Type what to search for."), field="q")
    if len(query) > MAX_QUERY:
        raise InvalidInput(
            _("A search has at most {limit} characters.").format(limit=MAX_QUERY), field="q"
        )
    return query


# -- words -------------------------------------------------------------------------------


@lru_cache(maxsize=65_536)
def fold(word: str) -> str:
    """Return ``word`` in lower case without accents, as the word index compares words."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _all_stop_words() -> frozenset[str]:
    words: set[str] = set()
    for language in LANGUAGES:
        words |= stop_words(language)
    return frozenset(words)


STOP_WORDS = _all_stop_words()


def query_terms(query: str) -> list[str]:
    """Return the words of a query to look up: folded, without function words, at most 12.

    A query made only of function words keeps them (someone searching "to be" means it).
    """
    words = [fold(w) for w in _WORD.findall(query)]
    words = [w.replace("_", "") for w in words if w.replace("_", "")]
    seen: dict[str, None] = {}
    content = [w for w in words if w not in STOP_WORDS and len(w) > 1]
    for word in content or words:
        seen.setdefault(word)
    return list(seen)[:MAX_TERMS]


def fts5_query(terms: Sequence[str]) -> str:
    """Return an FTS5 query finding documents with every term, each also as a prefix.

    Terms are quoted, so nothing a user types is read as FTS5 syntax.
    """
    return " ".join(f'"{term}"*' for term in terms)


def tsquery(terms: Sequence[str]) -> str:
    """Return a PostgreSQL ``to_tsquery`` text finding every term, each also as a prefix."""
    return " & ".join(f"{term}:*" for term in terms if term.isalnum())


# -- merging and counting ---------------------------------------------------------------


def fuse(rankings: Sequence[Sequence[int]], k: int = RRF_K) -> list[tuple[int, float]]:
    """Merge ranked lists of ids by reciprocal rank fusion: best first, with their scores.

    An id at (1-based) rank ``r`` in a list earns ``1 / (k + r)``; its score is the sum over
    the lists. Ties keep the order in which ids were first met (first list first).
    """
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    order = {item: i for i, item in enumerate(scores)}
    return sorted(scores.items(), key=lambda pair: (-pair[1], order[pair[0]]))


@dataclass(frozen=True)
class FacetCount:
    """A facet value and how many results have it."""

    value: str
    count: int


def rank_facets(counts: Iterable[tuple[str, str, int]]) -> dict[str, list[FacetCount]]:
    """Return (facet, value, count) rows as each facet's values, most results first, then by
    value; every facet of ``FACETS`` is in the answer, unknown facets are left out."""
    ranked: dict[str, list[FacetCount]] = {name: [] for name in FACETS}
    for name, value, count in counts:
        if name in ranked and count > 0:
            ranked[name].append(FacetCount(value, int(count)))
    for values in ranked.values():
        values.sort(key=lambda f: (-f.count, f.value))
    return ranked


# -- snippets -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    """A piece of a snippet, marked when it is a word of the query."""

    text: str
    match: bool = False


def _matching(tokens: Sequence[re.Match[str]], terms: Sequence[str]) -> list[bool]:
    """Return, for each word, whether it matches a term: its folded form starts with one
    (as the index matches)."""
    if not terms:
        return [False] * len(tokens)
    starts = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, terms)) + ")")
    return [starts.search(fold(t.group())) is not None for t in tokens]


def _matches(text: str, terms: Sequence[str]) -> bool:
    return any(_matching(list(re.finditer(r"\S+", text)), terms))


def _topic_line(line: str, terms: Sequence[str], topic_names: Mapping[str, str]) -> str:
    """Return a cooperation's line of topic names (every language's, joined by "; ") as
    the names the query matched, else as the reader's names; any other line as it is."""
    items = line.split("; ")
    if not all(item in topic_names for item in items):
        return line
    matched = [item for item in items if _matches(item, terms)]
    return "; ".join(dict.fromkeys(matched or [topic_names[item] for item in items]))


def hit_snippet(
    kind: str, text: str, terms: Sequence[str], topic_names: Mapping[str, str] | None = None
) -> list[Segment]:
    """Return a hit's snippet, without lists of names in every language.

    A topic's text begins with its names in every language: they are shown only when the
    query matched one of them (``Mobilität``); else its description. A cooperation's line of
    topic names shows the names the query matched, else the reader's (``topic_names``: every
    language's name of a topic → its name in the reader's language).
    """
    if kind == "topic":
        names, _newline, rest = text.partition("\n")
        if rest.strip() and not _matches(names, terms):
            return snippet(rest, terms)
    if kind == "cooperation" and topic_names:
        text = "\n".join(_topic_line(line, terms, topic_names) for line in text.split("\n"))
    return snippet(text, terms)


def snippet(text: str, terms: Sequence[str], width: int = SNIPPET_WORDS) -> list[Segment]:
    """Return the window of ``text`` where the query's words are densest, words marked.

    A word matches a term when its folded form starts with it (as the index matches).
    Without any match, the window is the start of the text.
    """
    tokens = list(re.finditer(r"\S+", text))
    if not tokens:
        return []

    hits = _matching(tokens, terms)
    best, best_count = 0, -1
    window = min(width, len(tokens))
    running = sum(hits[:window])
    for start in range(len(tokens) - window + 1):
        if start:
            running += hits[start + window - 1] - hits[start - 1]
        if running > best_count:
            best, best_count = start, running
    inside = [i for i in range(best, best + window) if hits[i]] or [0]
    middle = (inside[0] + inside[-1]) // 2  # the matches in the middle, context around
    start = max(0, min(middle - window // 2, len(tokens) - window))
    chosen = range(start, start + window)
    segments: list[Segment] = []
    if chosen.start > 0:
        segments.append(Segment("… "))
    for i in chosen:
        token = tokens[i].group()
        gap = " " if i != chosen.stop - 1 else ""
        if hits[i]:
            segments.append(Segment(token, True))
            segments.append(Segment(gap))
        else:
            segments.append(Segment(token + gap))
    if chosen.stop < len(tokens):
        segments.append(Segment(" …"))
    merged: list[Segment] = []
    for segment in segments:
        if merged and not segment.match and not merged[-1].match:
            merged[-1] = Segment(merged[-1].text + segment.text)
        elif segment.text:
            merged.append(segment)
    return merged


# -- the search ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    """One result: the record it stands for, where to read it, and why it was found."""

    kind: str
    record_id: int
    title: str
    url: str
    snippet: list[Segment]
    score: float
    word_rank: int | None
    meaning_rank: int | None
    language: str


@dataclass
class SearchResult:
    """Hits best first, the facets counted over every result, and how the search ran."""

    query: str
    mode: SearchMode
    filters: Filters
    hits: list[Hit]
    total: int
    facets: dict[str, list[FacetCount]]
    #: Whether meaning search ran (the model installed and asked for).
    meaning_used: bool
    #: Whether the multilingual model is installed at all.
    model_available: bool
    #: Documents not embedded yet: meaning search does not see them until they are.
    pending: int
    model_id: str
    notes: list[str] = field(default_factory=list)


def record_url(kind: str, record_id: int, slug: str = "") -> str:
    """Return the page of a record: a cooperation, an actor, or the directory by topic."""
    if kind == "cooperation":
        return f"/knowledge/cooperations/{record_id}"
    if kind == "actor":
        return f"/knowledge/actors/{record_id}"
    return f"/knowledge?topic={slug}" if slug else "/knowledge"


#: The word index's table on SQLite (made by migration 0014, not a model).
_FTS = table("knowledge_search_fts", column("rowid"))
#: PostgreSQL's stored ``to_tsvector('simple', …)`` of each document's title and text,
#: accents removed as ``fold`` removes them, with its GIN index (migrations 0016 and 0017,
#: not a model).
_TSVECTOR = "words"


def _narrowed(statement: Select[Any], id_column: Any, filters: Filters) -> Select[Any]:
    for name, value in filters.pairs():
        statement = statement.where(
            id_column.in_(
                select(SearchFacet.document_id).where(
                    SearchFacet.name == name, SearchFacet.value == value
                )
            )
        )
    return statement


def word_ranking(session: Session, terms: Sequence[str], filters: Filters) -> list[int]:
    """Return the ids of the documents having every term, best first (at most ``DEPTH``)."""
    if not terms:
        return []
    if session.get_bind().dialect.name == "sqlite":
        statement = (
            select(_FTS.c.rowid)
            .where(text("knowledge_search_fts MATCH :q"))
            .order_by(text("bm25(knowledge_search_fts, 4.0, 1.0)"))
            .limit(DEPTH)
        )
        statement = _narrowed(statement, _FTS.c.rowid, filters)
        query = fts5_query(terms)
    else:
        query = tsquery(terms)
        if not query:
            return []
        statement = (
            select(SearchDocument.id)
            .where(text(f"{_TSVECTOR} @@ to_tsquery('simple', :q)"))
            .order_by(text(f"ts_rank({_TSVECTOR}, to_tsquery('simple', :q)) DESC"))
            .order_by(SearchDocument.id)
            .limit(DEPTH)
        )
        statement = _narrowed(statement, SearchDocument.id, filters)
    return [int(i) for i in session.scalars(statement, {"q": query})]


def allowed_documents(session: Session, filters: Filters) -> set[int] | None:
    """Return the ids of the documents every filter lets through (None: no filter)."""
    pairs = filters.pairs()
    if not pairs:
        return None
    allowed: set[int] | None = None
    for name, value in pairs:
        ids = set(
            session.scalars(
                select(SearchFacet.document_id).where(
                    SearchFacet.name == name, SearchFacet.value == value
                )
            )
        )
        allowed = ids if allowed is None else allowed & ids
    return allowed or set()


def meaning_ranking(
    matrix: search_index.VectorMatrix, query_vector: np.ndarray, allowed: set[int] | None
) -> list[int]:
    """Return the ids of the documents nearest the query in meaning (at most ``DEPTH``)."""
    if matrix.ids.size == 0:
        return []
    scores = search_index.dot(matrix.vectors, query_vector.astype(np.float32))
    if allowed is not None:
        keep = np.isin(matrix.ids, np.fromiter(allowed, dtype=np.int64, count=len(allowed)))
        scores = np.where(keep, scores, -np.inf)
    depth = min(DEPTH, scores.size)
    top = np.argpartition(-scores, depth - 1)[:depth]
    top = top[np.argsort(-scores[top], kind="stable")]
    if not np.isfinite(scores[top[0]]):
        return []
    cut = meaning_cut(float(scores[top[0]]))
    return [int(matrix.ids[i]) for i in top if scores[i] >= cut]


def meaning_cut(best: float) -> float:
    """Return the least similarity a document needs to be found by meaning (see
    ``MEANING_FLOOR``), given the best document's."""
    return max(MEANING_FLOOR, best - MEANING_MARGIN)


def count_facets(session: Session, ids: Sequence[int]) -> dict[str, list[FacetCount]]:
    """Return how many of the documents ``ids`` have each facet value (the database counts)."""
    totals: Counter[tuple[str, str]] = Counter()
    for start in range(0, len(ids), 500):
        rows = session.execute(
            select(SearchFacet.name, SearchFacet.value, func.count())
            .where(SearchFacet.document_id.in_(ids[start : start + 500]))
            .group_by(SearchFacet.name, SearchFacet.value)
        )
        for name, value, count in rows:
            totals[(name, value)] += int(count)
    return rank_facets((name, value, count) for (name, value), count in totals.items())


def search(
    session: Session,
    query: str,
    *,
    filters: Filters | None = None,
    mode: SearchMode = SearchMode.both,
    limit: int = 20,
    offset: int = 0,
    recheck_after_s: float = search_index.RECHECK_AFTER_S,
) -> SearchResult:
    """Search the knowledge base, bringing its index up to date first (see ``search_index``).

    Raises ``InvalidInput`` for an empty or too long query or a limit out of range.
    """
    query = check_query(query)
    filters = filters or Filters()
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(
            _("Show from 1 to {limit} results at a time.").format(limit=MAX_LIMIT), field="limit"
        )
    if offset < 0:
        raise InvalidInput(_("The offset cannot be negative."), field="offset")
    status = search_index.ensure_fresh(session, recheck_after_s=recheck_after_s)
    terms = query_terms(query)
    rankings: list[list[int]] = []
    word_ids: list[int] = []
    meaning_ids: list[int] = []
    by_meaning = mode is not SearchMode.words and status.model_available
    # words stand in for a missing model, and help while records wait to be embedded
    if mode is not SearchMode.meaning or not by_meaning or status.pending:
        word_ids = word_ranking(session, terms, filters)
        rankings.append(word_ids)
    meaning_used = False
    if by_meaning:
        matrix = search_index.vectors(session, status)
        vector = search_index.embed_query(query)
        meaning_ids = meaning_ranking(matrix, vector, allowed_documents(session, filters))
        rankings.append(meaning_ids)
        meaning_used = True
    fused = fuse(rankings)
    merged_ids = [doc_id for doc_id, _score in fused]
    facets = count_facets(session, merged_ids)
    page = fused[offset : offset + limit]
    documents = {
        d.id: d
        for d in session.scalars(
            select(SearchDocument).where(SearchDocument.id.in_([i for i, _s in page]))
        )
    }
    word_rank = {doc_id: rank for rank, doc_id in enumerate(word_ids, start=1)}
    meaning_rank = {doc_id: rank for rank, doc_id in enumerate(meaning_ids, start=1)}
    # topics (a taxonomy of a few dozen): their slugs, their names in the reader's language
    # (documents hold every language's) and every name of each
    every_topic = session.scalars(select(Topic)).all() if documents else []
    slugs = {t.id: t.slug for t in every_topic}
    topic_titles = {t.id: topic_name(t) for t in every_topic}
    reader_names = {
        name: topic_titles[t.id]
        for t in every_topic
        for name in (t.name, *(t.names or {}).values())
        if name
    }
    hits = []
    for doc_id, score in page:
        document = documents.get(doc_id)
        if document is None:  # dropped by a refresh in between
            continue
        hits.append(
            Hit(
                kind=document.kind,
                record_id=document.record_id,
                title=topic_titles.get(document.record_id, document.title)
                if document.kind == "topic"
                else document.title,
                url=record_url(
                    document.kind, document.record_id, slugs.get(document.record_id, "")
                ),
                snippet=hit_snippet(document.kind, document.text, terms, reader_names),
                score=round(score, 6),
                word_rank=word_rank.get(doc_id),
                meaning_rank=meaning_rank.get(doc_id),
                language=document.language,
            )
        )
    notes = []
    if mode is not SearchMode.words and not status.model_available:
        notes.append(
            _("Searched by words only: the multilingual model is not installed on this server.")
        )
    elif meaning_used and status.pending:
        notes.append(
            _(
                "Searched by words, and by meaning among the records read so far: "
                "{pending} more are being read for meaning search."
            ).format(pending=status.pending)
        )
    return SearchResult(
        query=query,
        mode=mode,
        filters=filters,
        hits=hits,
        total=len(fused),
        facets=facets,
        meaning_used=meaning_used,
        model_available=status.model_available,
        pending=status.pending,
        model_id=status.model_id,
        notes=notes,
    )
