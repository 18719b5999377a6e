"""Campaigns: a form, a reporting period, a set of schools, an opening time and a deadline."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.schema import campaign_schools, campaigns
from storage.types import utcnow


@dataclass(frozen=True, slots=True)
class Campaign:
    id: int
    form_id: int
    municipality_id: int
    period_label: str
    opens_at: datetime
    deadline_at: datetime
    closed_at: datetime | None


def _campaign(row: Row[tuple[object, ...]]) -> Campaign:
    return Campaign(
        id=row.id,
        form_id=row.form_id,
        municipality_id=row.municipality_id,
        period_label=row.period_label,
        opens_at=row.opens_at,
        deadline_at=row.deadline_at,
        closed_at=row.closed_at,
    )


async def add_campaign(
    conn: AsyncConnection,
    *,
    form_id: int,
    municipality_id: int,
    period_label: str,
    opens_at: datetime,
    deadline_at: datetime,
    school_ids: Sequence[int],
    created_by: int | None = None,
    reminder_plan: dict[str, object] | None = None,
) -> Campaign:
    result = await conn.execute(
        insert(campaigns)
        .values(
            form_id=form_id,
            municipality_id=municipality_id,
            period_label=period_label,
            opens_at=opens_at,
            deadline_at=deadline_at,
            created_by=created_by,
            reminder_plan=reminder_plan,
            created_at=utcnow(),
        )
        .returning(campaigns.c.id)
    )
    campaign_id = result.scalar_one()
    if school_ids:
        await conn.execute(
            insert(campaign_schools),
            [{"campaign_id": campaign_id, "school_id": school_id} for school_id in school_ids],
        )
    return Campaign(
        campaign_id, form_id, municipality_id, period_label, opens_at, deadline_at, None
    )


async def get_campaign(conn: AsyncConnection, campaign_id: int) -> Campaign | None:
    row = (await conn.execute(select(campaigns).where(campaigns.c.id == campaign_id))).one_or_none()
    return None if row is None else _campaign(row)


async def open_campaigns_for_schools(
    conn: AsyncConnection, school_ids: Sequence[int], now: datetime
) -> list[tuple[int, Campaign]]:
    """(school id, campaign) for every opened, not closed campaign of these schools."""
    if not school_ids:
        return []
    rows = await conn.execute(
        select(campaign_schools.c.school_id, campaigns)
        .join(campaigns, campaigns.c.id == campaign_schools.c.campaign_id)
        .where(
            campaign_schools.c.school_id.in_(list(school_ids)),
            campaigns.c.opens_at <= now,
            campaigns.c.closed_at.is_(None),
        )
        .order_by(campaigns.c.deadline_at, campaigns.c.id)
    )
    return [(row.school_id, _campaign(row)) for row in rows]


async def campaign_has_school(conn: AsyncConnection, campaign_id: int, school_id: int) -> bool:
    row = (
        await conn.execute(
            select(campaign_schools.c.school_id).where(
                campaign_schools.c.campaign_id == campaign_id,
                campaign_schools.c.school_id == school_id,
            )
        )
    ).one_or_none()
    return row is not None
