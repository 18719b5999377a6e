"""The monitoring plan (issue 18): recurrences on any months, round owners, the plan's lines.

``campaigns.recurrence`` widens to hold chosen months ("months:1,3,5,10,12"); a round's owners
(``campaign_owners``) get its digests and summary; a municipality's plan is its lines
(``monitoring_plan_lines``) and the people who own each (``monitoring_plan_owners``).

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("campaigns") as batch_op:
        batch_op.alter_column(
            "recurrence",
            existing_type=sa.String(length=20),
            type_=sa.String(length=40),
            existing_nullable=True,
        )
    op.create_table(
        "campaign_owners",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_campaign_owners_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_campaign_owners_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("campaign_id", "user_id", name=op.f("pk_campaign_owners")),
    )
    op.create_table(
        "monitoring_plan_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("section", sa.String(length=300), nullable=False),
        sa.Column("direction", sa.String(length=1000), nullable=False),
        sa.Column("owners_text", sa.String(length=1000), nullable=False),
        sa.Column("periodicity", sa.String(length=300), nullable=False),
        sa.Column("recurrence", sa.String(length=40), nullable=False),
        sa.Column("form_key", sa.String(length=100), nullable=True),
        sa.Column("due_day", sa.Integer(), nullable=True),
        sa.Column("unmatched_owners", sa.String(length=1000), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_by", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_monitoring_plan_lines_campaign_id_campaigns"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipalities.id"],
            name=op.f("fk_monitoring_plan_lines_municipality_id_municipalities"),
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by"],
            ["users.id"],
            name=op.f("fk_monitoring_plan_lines_uploaded_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_plan_lines")),
        sa.UniqueConstraint(
            "municipality_id",
            "position",
            name="uq_monitoring_plan_lines_municipality_position",
        ),
    )
    op.create_table(
        "monitoring_plan_owners",
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["line_id"],
            ["monitoring_plan_lines.id"],
            name=op.f("fk_monitoring_plan_owners_line_id_monitoring_plan_lines"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_monitoring_plan_owners_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("line_id", "user_id", name=op.f("pk_monitoring_plan_owners")),
    )


def downgrade() -> None:
    op.drop_table("monitoring_plan_owners")
    op.drop_table("monitoring_plan_lines")
    op.drop_table("campaign_owners")
    # Chosen months do not fit the old column, nor mean anything to the old code: one-off rounds.
    op.execute("UPDATE campaigns SET recurrence = NULL WHERE recurrence LIKE 'months:%'")
    with op.batch_alter_table("campaigns") as batch_op:
        batch_op.alter_column(
            "recurrence",
            existing_type=sa.String(length=40),
            type_=sa.String(length=20),
            existing_nullable=True,
        )
