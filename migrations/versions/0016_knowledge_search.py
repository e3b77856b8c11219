"""The knowledge base's search index: documents, facets, vectors, and the word index.

On SQLite the word index is an FTS5 table over the documents (external content, kept in
step by triggers); on PostgreSQL a stored generated column ``words`` holding
``to_tsvector('simple', title || ' ' || text)``, with a GIN index. Neither is in the
models: ``migrations/env.py`` leaves them out of the models' comparison.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_WORD_INDEX = [
    "CREATE VIRTUAL TABLE knowledge_search_fts USING fts5("
    "title, text, content='knowledge_search_documents', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER knowledge_search_fts_insert AFTER INSERT ON knowledge_search_documents "
    "BEGIN INSERT INTO knowledge_search_fts(rowid, title, text) "
    "VALUES (new.id, new.title, new.text); END",
    "CREATE TRIGGER knowledge_search_fts_delete AFTER DELETE ON knowledge_search_documents "
    "BEGIN INSERT INTO knowledge_search_fts(knowledge_search_fts, rowid, title, text) "
    "VALUES ('delete', old.id, old.title, old.text); END",
    "CREATE TRIGGER knowledge_search_fts_update AFTER UPDATE OF title, text "
    "ON knowledge_search_documents "
    "BEGIN INSERT INTO knowledge_search_fts(knowledge_search_fts, rowid, title, text) "
    "VALUES ('delete', old.id, old.title, old.text); "
    "INSERT INTO knowledge_search_fts(rowid, title, text) "
    "VALUES (new.id, new.title, new.text); END",
]
#: A stored generated column rather than an expression index: ranking (``ts_rank``) needs
#: each match's vector, which an expression index does not keep, so every match was parsed
#: again; on 100,000 documents the median query took 102 ms that way and 19 ms with the
#: stored vector (docs/performance.md, Knowledge search).
POSTGRES_WORD_INDEX = [
    "ALTER TABLE knowledge_search_documents ADD COLUMN words tsvector GENERATED ALWAYS AS "
    "(to_tsvector('simple'::regconfig, title || ' ' || text)) STORED",
    "CREATE INDEX ix_knowledge_search_documents_words ON knowledge_search_documents "
    "USING gin (words)",
]


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "knowledge_search_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=12), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("indexed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source_updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_search_documents")),
        sa.UniqueConstraint(
            "kind", "record_id", name=op.f("uq_knowledge_search_documents_kind_record_id")
        ),
    )
    op.create_table(
        "knowledge_search_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("signature", sa.String(length=200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_search_state")),
    )
    op.create_table(
        "knowledge_search_facets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=20), nullable=False),
        sa.Column("value", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["knowledge_search_documents.id"],
            name=op.f("fk_knowledge_search_facets_document_id_knowledge_search_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_search_facets")),
    )
    with op.batch_alter_table("knowledge_search_facets", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_knowledge_search_facets_document_id"), ["document_id"], unique=False
        )
        batch_op.create_index(
            "ix_knowledge_search_facets_name_value", ["name", "value"], unique=False
        )
    op.create_table(
        "knowledge_search_vectors",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("model_id", sa.String(length=120), nullable=False),
        sa.Column("dim", sa.Integer(), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["knowledge_search_documents.id"],
            name=op.f("fk_knowledge_search_vectors_document_id_knowledge_search_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("document_id", name=op.f("pk_knowledge_search_vectors")),
    )
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in SQLITE_WORD_INDEX:
            op.execute(statement)
    elif dialect == "postgresql":
        for statement in POSTGRES_WORD_INDEX:
            op.execute(statement)


def downgrade() -> None:
    """Revert this revision."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS knowledge_search_fts_{trigger}")
        op.execute("DROP TABLE IF EXISTS knowledge_search_fts")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_knowledge_search_documents_words")
    op.drop_table("knowledge_search_vectors")
    with op.batch_alter_table("knowledge_search_facets", schema=None) as batch_op:
        batch_op.drop_index("ix_knowledge_search_facets_name_value")
        batch_op.drop_index(batch_op.f("ix_knowledge_search_facets_document_id"))
    op.drop_table("knowledge_search_facets")
    op.drop_table("knowledge_search_state")
    op.drop_table("knowledge_search_documents")
