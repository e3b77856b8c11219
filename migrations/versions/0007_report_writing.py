"""Report writing: the narrative sections' revisions and the report's publishing settings.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "report_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("section", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_report_revisions_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_revisions")),
    )
    with op.batch_alter_table("report_revisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_report_revisions_event_id"), ["event_id"], unique=False
        )

    op.create_table(
        "report_settings",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("participant_annex", sa.Boolean(), nullable=False),
        sa.Column("share_token", sa.String(length=64), nullable=True),
        sa.Column("dropped_drafts", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_report_settings_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_report_settings")),
        sa.UniqueConstraint("share_token", name=op.f("uq_report_settings_share_token")),
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("report_settings")
    with op.batch_alter_table("report_revisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_revisions_event_id"))

    op.drop_table("report_revisions")
