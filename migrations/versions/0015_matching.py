"""Partner matching: actors' matching profiles and the benefit analyses' revisions.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "matching_profiles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("offers", sa.JSON(), nullable=False),
        sa.Column("seeks", sa.JSON(), nullable=False),
        sa.Column("priorities", sa.Text(), nullable=False),
        sa.Column("partner_kinds", sa.JSON(), nullable=False),
        sa.Column("world_areas", sa.JSON(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("dimensions", sa.JSON(), nullable=False),
        sa.Column("illustrative", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["actors.id"],
            name=op.f("fk_matching_profiles_actor_id_actors"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_matching_profiles")),
        sa.UniqueConstraint("actor_id", name=op.f("uq_matching_profiles_actor_id")),
    )
    op.create_table(
        "benefit_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("section", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["actors.id"],
            name=op.f("fk_benefit_revisions_actor_id_actors"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["actors.id"],
            name=op.f("fk_benefit_revisions_candidate_id_actors"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_benefit_revisions")),
    )
    with op.batch_alter_table("benefit_revisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_benefit_revisions_actor_id"), ["actor_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_benefit_revisions_candidate_id"), ["candidate_id"], unique=False
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("benefit_revisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_benefit_revisions_candidate_id"))
        batch_op.drop_index(batch_op.f("ix_benefit_revisions_actor_id"))
    op.drop_table("benefit_revisions")
    op.drop_table("matching_profiles")
