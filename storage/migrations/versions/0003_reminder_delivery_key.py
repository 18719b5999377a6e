"""Sent reminders are unique by one delivery key, which also covers digests (no school).

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sent_reminders") as batch_op:
        batch_op.add_column(sa.Column("delivery_key", sa.String(length=200), nullable=True))
    op.execute(
        "UPDATE sent_reminders SET delivery_key = "
        "campaign_id || ':' || COALESCE(school_id, 0) || ':' || user_id || ':' || kind"
    )
    with op.batch_alter_table("sent_reminders") as batch_op:
        batch_op.alter_column("delivery_key", existing_type=sa.String(length=200), nullable=False)
        batch_op.drop_constraint("uq_sent_reminders_key", type_="unique")
        batch_op.create_unique_constraint(op.f("uq_sent_reminders_delivery_key"), ["delivery_key"])


def downgrade() -> None:
    with op.batch_alter_table("sent_reminders") as batch_op:
        batch_op.drop_constraint(op.f("uq_sent_reminders_delivery_key"), type_="unique")
        batch_op.create_unique_constraint(
            "uq_sent_reminders_key", ["campaign_id", "school_id", "user_id", "kind"]
        )
        batch_op.drop_column("delivery_key")
