"""Recurring campaigns: the latest round of each chain, and inserting its successor once."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.campaigns import (
    Campaign,
    CampaignForm,
    campaign_owner_ids,
    campaigns_from_rows,
    insert_forms,
    set_campaign_owners,
)
from storage.schema import campaign_schools, campaigns, municipalities, responses
from storage.types import utcnow


@dataclass(frozen=True, slots=True)
class ChainHead:
    """The latest round of a recurring chain that is still running (no successor, not closed)."""

    campaign: Campaign  # its successor takes the current version of each of its forms' keys
    timezone: str  # the municipality's


async def chain_heads(conn: AsyncConnection) -> list[ChainHead]:
    following = campaigns.alias("following")
    has_successor = (
        select(following.c.id).where(following.c.previous_campaign_id == campaigns.c.id).exists()
    )
    rows = await conn.execute(
        select(campaigns, municipalities.c.timezone)
        .join(municipalities, municipalities.c.id == campaigns.c.municipality_id)
        .where(
            campaigns.c.recurrence.is_not(None),
            campaigns.c.closed_at.is_(None),
            ~has_successor,
        )
        .order_by(campaigns.c.id)
    )
    found = rows.all()
    heads = await campaigns_from_rows(conn, found)
    return [ChainHead(campaign, row.timezone) for campaign, row in zip(heads, found, strict=True)]


@dataclass(frozen=True, slots=True)
class HeadState:
    """What may have changed in a chain's latest round since the chains were read."""

    closed_at: datetime | None
    recurrence: str | None


async def head_state(conn: AsyncConnection, campaign_id: int) -> HeadState | None:
    """The round's closing and recurrence, read with a row lock (PostgreSQL; SQLite's writer
    already holds the database), so neither a close nor a stop of its chain (a monitoring plan
    saved: ``storage.monitoring_plan.end_chain``) can commit between this read and the next
    round's insert; None if the round is gone."""
    row = (
        await conn.execute(
            select(campaigns.c.closed_at, campaigns.c.recurrence)
            .where(campaigns.c.id == campaign_id)
            .with_for_update()
        )
    ).one_or_none()
    return None if row is None else HeadState(row.closed_at, row.recurrence)


async def insert_next_round(
    conn: AsyncConnection,
    previous: Campaign,
    *,
    forms: Sequence[CampaignForm],
    period_label: str,
    opens_at: datetime,
    deadline_at: datetime,
    school_ids: Sequence[int],
) -> Campaign | None:
    """The round after ``previous``, with its schools and its owners; None if that round exists
    already.

    ``ON CONFLICT DO NOTHING`` on the unique ``previous_campaign_id``: a replica that lost the
    race inserts nothing and its transaction stays usable (no error to recover from).
    """
    dialect_insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    statement = (
        dialect_insert(campaigns)
        .values(
            title=previous.title,
            municipality_id=previous.municipality_id,
            period_label=period_label,
            opens_at=opens_at,
            deadline_at=deadline_at,
            recurrence=previous.recurrence,
            previous_campaign_id=previous.id,
            reminder_plan=previous.reminder_plan,
            created_by=previous.created_by,
            created_at=utcnow(),
        )
        .on_conflict_do_nothing(index_elements=["previous_campaign_id"])
        .returning(campaigns.c.id)
    )
    campaign_id = (await conn.execute(statement)).scalar_one_or_none()
    if campaign_id is None:
        return None
    await insert_forms(conn, campaign_id, forms)
    owners = await campaign_owner_ids(conn, [previous.id])
    await set_campaign_owners(conn, campaign_id, owners.get(previous.id, ()))
    if school_ids:
        await conn.execute(
            insert(campaign_schools),
            [{"campaign_id": campaign_id, "school_id": school_id} for school_id in school_ids],
        )
    return Campaign(
        id=campaign_id,
        forms=tuple(forms),
        municipality_id=previous.municipality_id,
        period_label=period_label,
        opens_at=opens_at,
        deadline_at=deadline_at,
        closed_at=None,
        recurrence=previous.recurrence,
        previous_campaign_id=previous.id,
        reminder_plan=previous.reminder_plan,
        created_by=previous.created_by,
        title=previous.title,
    )


async def response_id_of(
    conn: AsyncConnection, campaign_id: int, school_id: int, form_key: str
) -> int | None:
    """The id of a school's response to one form of a campaign, if it has one."""
    found: int | None = await conn.scalar(
        select(responses.c.id).where(
            responses.c.campaign_id == campaign_id,
            responses.c.school_id == school_id,
            responses.c.form_key == form_key,
        )
    )
    return found
