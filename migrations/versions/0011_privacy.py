"""Privacy: each event's notice, its own retention period and when its data was purged.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("privacy_notice", sa.Text(), server_default="", nullable=False))
        batch.add_column(sa.Column("retention_days", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("personal_data_purged_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("events") as batch:
        batch.drop_column("personal_data_purged_at")
        batch.drop_column("retention_days")
        batch.drop_column("privacy_notice")
