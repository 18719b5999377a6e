"""Invitation scopes name a set of schools (a coordinator's), not a single school column.

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "invitation_schools",
        sa.Column("invitation_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["invitation_id"],
            ["invitations.id"],
            name=op.f("fk_invitation_schools_invitation_id_invitations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name=op.f("fk_invitation_schools_school_id_schools")
        ),
        sa.PrimaryKeyConstraint("invitation_id", "school_id", name=op.f("pk_invitation_schools")),
    )
    op.execute(
        "INSERT INTO invitation_schools (invitation_id, school_id) "
        "SELECT id, school_id FROM invitations WHERE school_id IS NOT NULL"
    )
    with op.batch_alter_table("invitations") as batch_op:
        batch_op.drop_constraint("fk_invitations_school_id_schools", type_="foreignkey")
        batch_op.drop_column("school_id")


def downgrade() -> None:
    with op.batch_alter_table("invitations") as batch_op:
        batch_op.add_column(sa.Column("school_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_invitations_school_id_schools", "schools", ["school_id"], ["id"]
        )
    op.execute(
        "UPDATE invitations SET school_id = ("
        "SELECT MIN(school_id) FROM invitation_schools "
        "WHERE invitation_schools.invitation_id = invitations.id)"
    )
    op.drop_table("invitation_schools")
