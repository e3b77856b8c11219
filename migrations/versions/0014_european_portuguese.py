"""European Portuguese: events in Portuguese are in ``pt-PT`` (its plural rule and dates).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Name Portuguese events' language by its tag, as the language picker does."""
    op.execute(sa.text("UPDATE events SET language = 'pt-PT' WHERE language IN ('pt', 'pt_PT')"))


def downgrade() -> None:
    """Give Portuguese events the bare language code again."""
    op.execute(sa.text("UPDATE events SET language = 'pt' WHERE language = 'pt-PT'"))
