"""A campaign round has at most one successor: previous_campaign_id is unique.

Replicas that create the same next round of a recurring campaign collide on this index, and all
but one insert nothing. A unique index (not a constraint) needs no batch mode on SQLite.

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        op.f("ix_campaigns_previous_campaign_id"),
        "campaigns",
        ["previous_campaign_id"],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_campaigns_previous_campaign_id"), table_name="campaigns")
