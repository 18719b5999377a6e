"""Plans followed up: reminders of a plan's item, items made from an order's instructions (one
plan per round, an item once per instruction and school), and the versions of a school's road
map with the department's decision on each.

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sent_reminders") as batch_op:
        batch_op.alter_column("campaign_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column("plan_item_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_sent_reminders_plan_item_id_plan_items"),
            "plan_items",
            ["plan_item_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_index(
            op.f("ix_sent_reminders_plan_item_id"), ["plan_item_id"], unique=False
        )
    with op.batch_alter_table("plan_items") as batch_op:
        batch_op.add_column(sa.Column("source_key", sa.String(length=200), nullable=True))
        batch_op.create_unique_constraint("uq_plan_items_plan_source", ["plan_id", "source_key"])
    with op.batch_alter_table("plans") as batch_op:
        batch_op.create_unique_constraint("uq_plans_campaign_kind", ["campaign_id", "kind"])
    op.create_table(
        "plan_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", UTCDateTime(), nullable=False),
        sa.Column("decision", sa.String(length=20), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "decision IN ('approved', 'returned')", name=op.f("ck_plan_documents_decision_known")
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["plans.id"],
            name=op.f("fk_plan_documents_plan_id_plans"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by"],
            ["users.id"],
            name=op.f("fk_plan_documents_uploaded_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"],
            ["users.id"],
            name=op.f("fk_plan_documents_decided_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_documents")),
        sa.UniqueConstraint("plan_id", "version", name="uq_plan_documents_plan_version"),
    )
    op.create_index(op.f("ix_plan_documents_plan_id"), "plan_documents", ["plan_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_plan_documents_plan_id"), table_name="plan_documents")
    op.drop_table("plan_documents")
    with op.batch_alter_table("plans") as batch_op:
        batch_op.drop_constraint("uq_plans_campaign_kind", type_="unique")
    with op.batch_alter_table("plan_items") as batch_op:
        batch_op.drop_constraint("uq_plan_items_plan_source", type_="unique")
        batch_op.drop_column("source_key")
    op.execute("DELETE FROM sent_reminders WHERE campaign_id IS NULL")
    with op.batch_alter_table("sent_reminders") as batch_op:
        batch_op.drop_index(op.f("ix_sent_reminders_plan_item_id"))
        batch_op.drop_constraint(
            op.f("fk_sent_reminders_plan_item_id_plan_items"), type_="foreignkey"
        )
        batch_op.drop_column("plan_item_id")
        batch_op.alter_column("campaign_id", existing_type=sa.Integer(), nullable=False)
