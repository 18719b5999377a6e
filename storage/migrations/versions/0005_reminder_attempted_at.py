"""Sent reminders remember when they were last claimed, so a lost or failed one is tried again.

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("sent_reminders", sa.Column("attempted_at", UTCDateTime(), nullable=True))
    op.execute("UPDATE sent_reminders SET attempted_at = created_at")


def downgrade() -> None:
    with op.batch_alter_table("sent_reminders") as batch_op:
        batch_op.drop_column("attempted_at")
