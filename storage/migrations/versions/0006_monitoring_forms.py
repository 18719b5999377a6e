"""A campaign is a monitoring: several questionnaires, one period, one deadline.

Its forms move from ``campaigns.form_id`` to ``campaign_forms`` (position, key, version); a
monitoring may have its own title; a response is per school *and form* of a campaign.

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "campaign_forms",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("form_key", sa.String(length=100), nullable=False),
        sa.Column("form_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_campaign_forms_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["form_id"], ["forms.id"], name=op.f("fk_campaign_forms_form_id_forms")
        ),
        sa.PrimaryKeyConstraint("campaign_id", "position", name=op.f("pk_campaign_forms")),
        sa.UniqueConstraint("campaign_id", "form_key", name="uq_campaign_forms_campaign_form"),
    )
    op.execute(
        "INSERT INTO campaign_forms (campaign_id, position, form_key, form_id) "
        "SELECT campaigns.id, 0, forms.key, forms.id "
        "FROM campaigns JOIN forms ON forms.id = campaigns.form_id"
    )
    with op.batch_alter_table("campaigns") as batch_op:
        batch_op.add_column(sa.Column("title", sa.String(length=300), nullable=True))
        batch_op.drop_constraint("fk_campaigns_form_id_forms", type_="foreignkey")
        batch_op.drop_column("form_id")

    with op.batch_alter_table("responses") as batch_op:
        batch_op.add_column(sa.Column("form_key", sa.String(length=100), nullable=True))
    op.execute(
        "UPDATE responses SET form_key = (SELECT key FROM forms WHERE forms.id = responses.form_id)"
    )
    with op.batch_alter_table("responses") as batch_op:
        batch_op.alter_column("form_key", existing_type=sa.String(length=100), nullable=False)
        batch_op.drop_constraint("uq_responses_campaign_school", type_="unique")
        batch_op.create_unique_constraint(
            "uq_responses_campaign_school_form", ["campaign_id", "school_id", "form_key"]
        )


def downgrade() -> None:
    # Only a monitoring's first form survives a downgrade, with its responses.
    op.execute(
        "DELETE FROM answers WHERE response_id IN (SELECT responses.id FROM responses "
        "JOIN campaign_forms ON campaign_forms.campaign_id = responses.campaign_id "
        "AND campaign_forms.form_key = responses.form_key WHERE campaign_forms.position > 0)"
    )
    op.execute(
        "DELETE FROM answer_history WHERE response_id IN (SELECT responses.id FROM responses "
        "JOIN campaign_forms ON campaign_forms.campaign_id = responses.campaign_id "
        "AND campaign_forms.form_key = responses.form_key WHERE campaign_forms.position > 0)"
    )
    op.execute(
        "DELETE FROM response_events WHERE response_id IN (SELECT responses.id FROM responses "
        "JOIN campaign_forms ON campaign_forms.campaign_id = responses.campaign_id "
        "AND campaign_forms.form_key = responses.form_key WHERE campaign_forms.position > 0)"
    )
    op.execute(
        "DELETE FROM responses WHERE id IN (SELECT responses.id FROM responses "
        "JOIN campaign_forms ON campaign_forms.campaign_id = responses.campaign_id "
        "AND campaign_forms.form_key = responses.form_key WHERE campaign_forms.position > 0)"
    )
    with op.batch_alter_table("responses") as batch_op:
        batch_op.drop_constraint("uq_responses_campaign_school_form", type_="unique")
        batch_op.create_unique_constraint(
            "uq_responses_campaign_school", ["campaign_id", "school_id"]
        )
        batch_op.drop_column("form_key")
    with op.batch_alter_table("campaigns") as batch_op:
        batch_op.add_column(sa.Column("form_id", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE campaigns SET form_id = (SELECT form_id FROM campaign_forms "
        "WHERE campaign_forms.campaign_id = campaigns.id AND campaign_forms.position = 0)"
    )
    with op.batch_alter_table("campaigns") as batch_op:
        batch_op.alter_column("form_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key("fk_campaigns_form_id_forms", "forms", ["form_id"], ["id"])
        batch_op.drop_column("title")
    op.drop_table("campaign_forms")
