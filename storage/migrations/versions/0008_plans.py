"""Plans: road maps and an order's instructions, their items, owners, schools and events.

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=True),
        sa.Column("campaign_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("school_year", sa.Integer(), nullable=False),
        sa.Column("approval", sa.String(length=20), nullable=True),
        sa.Column("review_comment", sa.Text(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "approval IN ('submitted', 'approved', 'returned')",
            name=op.f("ck_plans_approval_known"),
        ),
        sa.CheckConstraint(
            "kind IN ('road_map', 'instructions')", name=op.f("ck_plans_kind_known")
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaigns.id"], name=op.f("fk_plans_campaign_id_campaigns")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_plans_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipalities.id"],
            name=op.f("fk_plans_municipality_id_municipalities"),
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name=op.f("fk_plans_school_id_schools")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans")),
    )
    op.create_table(
        "plan_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("section", sa.String(length=500), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("deadline_kind", sa.String(length=20), nullable=False),
        sa.Column("deadline_label", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("report", sa.Text(), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "status IN ('planned', 'in_progress', 'done', 'postponed', 'not_done')",
            name=op.f("ck_plan_items_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name=op.f("fk_plan_items_plan_id_plans"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_items")),
        sa.UniqueConstraint("plan_id", "position", name="uq_plan_items_plan_position"),
    )
    with op.batch_alter_table("plan_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_items_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "plan_item_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=False),
        sa.Column("to_status", sa.String(length=20), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["plan_items.id"],
            name=op.f("fk_plan_item_events_item_id_plan_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_plan_item_events_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_item_events")),
    )
    with op.batch_alter_table("plan_item_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_item_events_item_id"), ["item_id"], unique=False)

    op.create_table(
        "plan_item_owners",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("position", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["plan_items.id"],
            name=op.f("fk_plan_item_owners_item_id_plan_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_plan_item_owners_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_item_owners")),
    )
    with op.batch_alter_table("plan_item_owners", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_item_owners_item_id"), ["item_id"], unique=False)

    op.create_table(
        "plan_item_schools",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["plan_items.id"],
            name=op.f("fk_plan_item_schools_item_id_plan_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name=op.f("fk_plan_item_schools_school_id_schools")
        ),
        sa.PrimaryKeyConstraint("item_id", "school_id", name=op.f("pk_plan_item_schools")),
    )


def downgrade() -> None:
    op.drop_table("plan_item_schools")
    with op.batch_alter_table("plan_item_owners", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_item_owners_item_id"))

    op.drop_table("plan_item_owners")
    with op.batch_alter_table("plan_item_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_item_events_item_id"))

    op.drop_table("plan_item_events")
    with op.batch_alter_table("plan_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_items_plan_id"))

    op.drop_table("plan_items")
    op.drop_table("plans")
