"""Alembic environment: the models' metadata, with batch mode so SQLite can alter tables."""

from __future__ import annotations

from typing import Any

from alembic import context

from agora.core.db import Base, make_engine
from agora.domains import import_models

import_models()  # every domain's tables on Base.metadata
config = context.config
target_metadata = Base.metadata

#: What a migration creates outside the models, which the comparison must not take for
#: leftovers: the knowledge base's word index (migration 0014), an FTS5 table and its
#: shadow tables on SQLite, a generated ``tsvector`` column and its GIN index on PostgreSQL.
UNMODELLED = ("knowledge_search_fts", "ix_knowledge_search_documents_words")
UNMODELLED_COLUMNS = {("knowledge_search_documents", "words")}


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """Compare every table, index and column except those a migration keeps outside the
    models."""
    if type_ == "column":
        return (parent_names.get("table_name"), name) not in UNMODELLED_COLUMNS
    return not (type_ in {"table", "index"} and name is not None and name.startswith(UNMODELLED))


def run_migrations_offline() -> None:
    """Emit SQL without a database connection."""
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the migrations on a live connection."""
    engine = make_engine(str(config.get_main_option("sqlalchemy.url")))
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
            include_name=include_name,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
