"""Forms uploaded by a methodist: whose municipality a form belongs to (null: a built-in form,
visible everywhere) and who uploaded it.

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("forms") as batch_op:
        batch_op.add_column(sa.Column("municipality_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("uploaded_by", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_forms_municipality_id_municipalities"),
            "municipalities",
            ["municipality_id"],
            ["id"],
        )
        batch_op.create_foreign_key(
            op.f("fk_forms_uploaded_by_users"),
            "users",
            ["uploaded_by"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_index(op.f("ix_forms_municipality_id"), ["municipality_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("forms") as batch_op:
        batch_op.drop_index(op.f("ix_forms_municipality_id"))
        batch_op.drop_constraint(op.f("fk_forms_uploaded_by_users"), type_="foreignkey")
        batch_op.drop_constraint(
            op.f("fk_forms_municipality_id_municipalities"), type_="foreignkey"
        )
        batch_op.drop_column("uploaded_by")
        batch_op.drop_column("municipality_id")
