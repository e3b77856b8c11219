"""The knowledge base: actors, networks, topics, cooperations, activities, outcomes, lessons.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "actors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "city",
                "region",
                "province",
                "metropolitan_area",
                "national_body",
                "network",
                "cluster",
                "university",
                "company",
                "ngo",
                "other",
                name="actorkind",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("names", sa.JSON(), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("subdivision", sa.String(length=10), nullable=False),
        sa.Column("place_code", sa.String(length=40), nullable=False),
        sa.Column("geonames_id", sa.Integer(), nullable=True),
        sa.Column("nuts", sa.String(length=10), nullable=False),
        sa.Column("wikidata", sa.String(length=20), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("population", sa.BigInteger(), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("world_area", sa.String(length=20), nullable=False),
        sa.Column("website", sa.String(length=500), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("provenance", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actors")),
    )
    with op.batch_alter_table("actors", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_actors_country"), ["country"], unique=False)
        batch_op.create_index(batch_op.f("ix_actors_name"), ["name"], unique=False)
        batch_op.create_index(batch_op.f("ix_actors_world_area"), ["world_area"], unique=False)
        batch_op.create_index(batch_op.f("ix_actors_wikidata"), ["wikidata"], unique=False)

    op.create_table(
        "topics",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=60), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("names", sa.JSON(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("sdgs", sa.JSON(), nullable=False),
        sa.Column("s3_domains", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_topics")),
        sa.UniqueConstraint("slug", name=op.f("uq_topics_slug")),
    )
    op.create_table(
        "actor_memberships",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("network_id", sa.Integer(), nullable=False),
        sa.Column("since", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["actors.id"],
            name=op.f("fk_actor_memberships_member_id_actors"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["network_id"],
            ["actors.id"],
            name=op.f("fk_actor_memberships_network_id_actors"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actor_memberships")),
        sa.UniqueConstraint(
            "member_id", "network_id", name=op.f("uq_actor_memberships_member_id_network_id")
        ),
    )
    with op.batch_alter_table("actor_memberships", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_actor_memberships_member_id"), ["member_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_actor_memberships_network_id"), ["network_id"], unique=False
        )

    op.create_table(
        "cooperations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("programme", sa.String(length=120), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=True),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column(
            "source",
            sa.Enum(
                "session",
                "import_",
                "manual",
                name="cooperationsource",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("takeaway_id", sa.Integer(), nullable=True),
        sa.Column("speaker_name", sa.String(length=200), nullable=False),
        sa.Column("import_source", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_cooperations_event_id_events"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["takeaway_id"],
            ["takeaways.id"],
            name=op.f("fk_cooperations_takeaway_id_takeaways"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cooperations")),
        sa.UniqueConstraint("takeaway_id", name=op.f("uq_cooperations_takeaway_id")),
    )
    with op.batch_alter_table("cooperations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cooperations_event_id"), ["event_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_cooperations_programme"), ["programme"], unique=False)

    op.create_table(
        "cooperation_activities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cooperation_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "study_visit",
                "delegation",
                "expert_exchange",
                "conference",
                "workshop",
                "memorandum_signature",
                "pilot",
                "other",
                name="activitykind",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("date", sa.Date(), nullable=True),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["cooperation_id"],
            ["cooperations.id"],
            name=op.f("fk_cooperation_activities_cooperation_id_cooperations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cooperation_activities")),
    )
    with op.batch_alter_table("cooperation_activities", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cooperation_activities_cooperation_id"), ["cooperation_id"], unique=False
        )

    op.create_table(
        "cooperation_actors",
        sa.Column("cooperation_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["actors.id"],
            name=op.f("fk_cooperation_actors_actor_id_actors"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["cooperation_id"],
            ["cooperations.id"],
            name=op.f("fk_cooperation_actors_cooperation_id_cooperations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("cooperation_id", "actor_id", name=op.f("pk_cooperation_actors")),
    )
    with op.batch_alter_table("cooperation_actors", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cooperation_actors_actor_id"), ["actor_id"], unique=False
        )

    op.create_table(
        "cooperation_outcomes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cooperation_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "memorandum",
                "delegation_visit",
                "expert_exchange",
                "guideline",
                "policy_adapted",
                "joint_project",
                "facility_designed",
                "other",
                name="outcomekind",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("date", sa.Date(), nullable=True),
        sa.Column("evidence_url", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["cooperation_id"],
            ["cooperations.id"],
            name=op.f("fk_cooperation_outcomes_cooperation_id_cooperations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cooperation_outcomes")),
    )
    with op.batch_alter_table("cooperation_outcomes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cooperation_outcomes_cooperation_id"), ["cooperation_id"], unique=False
        )

    op.create_table(
        "cooperation_topics",
        sa.Column("cooperation_id", sa.Integer(), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cooperation_id"],
            ["cooperations.id"],
            name=op.f("fk_cooperation_topics_cooperation_id_cooperations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["topic_id"],
            ["topics.id"],
            name=op.f("fk_cooperation_topics_topic_id_topics"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("cooperation_id", "topic_id", name=op.f("pk_cooperation_topics")),
    )
    with op.batch_alter_table("cooperation_topics", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cooperation_topics_topic_id"), ["topic_id"], unique=False
        )

    op.create_table(
        "lessons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cooperation_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=12), nullable=False),
        sa.ForeignKeyConstraint(
            ["cooperation_id"],
            ["cooperations.id"],
            name=op.f("fk_lessons_cooperation_id_cooperations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lessons")),
    )
    with op.batch_alter_table("lessons", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_lessons_cooperation_id"), ["cooperation_id"], unique=False
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("lessons", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lessons_cooperation_id"))

    op.drop_table("lessons")
    with op.batch_alter_table("cooperation_topics", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cooperation_topics_topic_id"))

    op.drop_table("cooperation_topics")
    with op.batch_alter_table("cooperation_outcomes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cooperation_outcomes_cooperation_id"))

    op.drop_table("cooperation_outcomes")
    with op.batch_alter_table("cooperation_actors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cooperation_actors_actor_id"))

    op.drop_table("cooperation_actors")
    with op.batch_alter_table("cooperation_activities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cooperation_activities_cooperation_id"))

    op.drop_table("cooperation_activities")
    with op.batch_alter_table("cooperations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cooperations_programme"))
        batch_op.drop_index(batch_op.f("ix_cooperations_event_id"))

    op.drop_table("cooperations")
    with op.batch_alter_table("actor_memberships", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_actor_memberships_network_id"))
        batch_op.drop_index(batch_op.f("ix_actor_memberships_member_id"))

    op.drop_table("actor_memberships")
    op.drop_table("topics")
    with op.batch_alter_table("actors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_actors_wikidata"))
        batch_op.drop_index(batch_op.f("ix_actors_world_area"))
        batch_op.drop_index(batch_op.f("ix_actors_name"))
        batch_op.drop_index(batch_op.f("ix_actors_country"))

    op.drop_table("actors")
