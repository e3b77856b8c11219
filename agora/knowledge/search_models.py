"""The search index of the knowledge base: one document per record, its vector, its facets.

A *document* is what search finds: a cooperation (title, summary, lessons, outcomes,
activities, its topics' and actors' names), an actor or a topic, as one text. Its *facets*
(topic, world area, country, actor kind, outcome kind, programme, year) are rows of their
own, so filters and counts are plain indexed queries. Its *vector* is the text's embedding
by a named model (float32 bytes), so a change of model is seen and recomputed.

The word index itself is not a model: an FTS5 table on SQLite (``knowledge_search_fts``,
kept in step with the documents by triggers) and an expression GIN index on PostgreSQL,
both created by migration 0014 (docs/knowledge-search.md).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from agora.core.db import Base, utcnow

__all__ = ["SearchDocument", "SearchFacet", "SearchState", "SearchVector"]


class SearchDocument(Base):
    """The searchable text of one record (``kind`` cooperation, actor or topic)."""

    __tablename__ = "knowledge_search_documents"
    __table_args__ = (UniqueConstraint("kind", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    record_id: Mapped[int] = mapped_column(Integer)
    #: What a result shows as its heading (a cooperation's title, an actor's name…).
    title: Mapped[str] = mapped_column(String(300), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    #: The language most of the text is in (BCP 47), or empty when unknown.
    language: Mapped[str] = mapped_column(String(12), default="")
    #: SHA-256 of title and text: an unchanged record is not rewritten nor embedded again.
    digest: Mapped[str] = mapped_column(String(64), default="")
    indexed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: The record's ``updated_at`` when it was indexed (None for topics, which have none).
    source_updated_at: Mapped[dt.datetime | None] = mapped_column(default=None)


class SearchFacet(Base):
    """One facet value of a document (``topic``/``mobility``, ``country``/``HR``…)."""

    __tablename__ = "knowledge_search_facets"
    __table_args__ = (Index("ix_knowledge_search_facets_name_value", "name", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("knowledge_search_documents.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(String(120))


class SearchVector(Base):
    """A document's embedding by one model: ``dim`` float32 values, little-endian bytes."""

    __tablename__ = "knowledge_search_vectors"

    document_id: Mapped[int] = mapped_column(
        ForeignKey("knowledge_search_documents.id", ondelete="CASCADE"), primary_key=True
    )
    model_id: Mapped[str] = mapped_column(String(120))
    dim: Mapped[int] = mapped_column(Integer)
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    #: The document's digest when embedded: a vector whose text changed is stale.
    digest: Mapped[str] = mapped_column(String(64), default="")


class SearchState(Base):
    """The index's one row: its version (bumped on every change) and what it last saw.

    Each process keeps the vectors in memory and reloads them when ``version`` moves;
    ``signature`` sums up the records (counts, latest change) when last indexed, so a
    search sees in one cheap query whether anything changed since.
    """

    __tablename__ = "knowledge_search_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    signature: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
