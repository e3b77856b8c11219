"""Alembic environment: the models' metadata, with batch mode so SQLite can alter tables."""

from __future__ import annotations

from alembic import context

import agora.accounts.models
import agora.events.models
import agora.floor.models
import agora.polls.models
import agora.qa.models
import agora.registrations.models
import agora.takeaways.models  # noqa: F401 - registers the tables on Base.metadata
from agora.core.db import Base, make_engine

config = context.config
target_metadata = Base.metadata


def run_migrations_offline() -> None:
    """Emit SQL without a database connection."""
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the migrations on a live connection."""
    engine = make_engine(str(config.get_main_option("sqlalchemy.url")))
    with engine.connect() as connection:
        context.configure(
            connection=connection, target_metadata=target_metadata, render_as_batch=True
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
