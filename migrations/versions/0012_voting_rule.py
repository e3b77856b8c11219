"""Voting rules: a poll's rule, and participants linked to a registration or an account.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("polls", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "voting_rule",
                sa.Enum(
                    "anyone",
                    "registered",
                    "checked_in",
                    "signed_in",
                    name="votingrule",
                    native_enum=False,
                    length=16,
                ),
                nullable=False,
                server_default="anyone",
            )
        )
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("registration_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("organiser_id", sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_participants_registration_id"), ["registration_id"]
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_participants_event_id_organiser_id"), ["event_id", "organiser_id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_participants_registration_id_registrations"),
            "registrations",
            ["registration_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_participants_organiser_id_organisers"),
            "organisers",
            ["organiser_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_participants_organiser_id_organisers"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_participants_registration_id_registrations"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("uq_participants_event_id_organiser_id"), type_="unique"
        )
        batch_op.drop_constraint(batch_op.f("uq_participants_registration_id"), type_="unique")
        batch_op.drop_column("organiser_id")
        batch_op.drop_column("registration_id")
    with op.batch_alter_table("polls", schema=None) as batch_op:
        batch_op.drop_column("voting_rule")
