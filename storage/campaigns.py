"""Campaigns (monitorings): their forms, a reporting period, a set of schools, an opening time and
a deadline."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, ScalarSelect, bindparam, delete, func, insert, select, update
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.schema import campaign_forms, campaign_owners, campaign_schools, campaigns, responses
from storage.types import utcnow


@dataclass(frozen=True, slots=True)
class CampaignForm:
    """A questionnaire of a monitoring: its key, and the version new responses start with."""

    key: str
    form_id: int


@dataclass(frozen=True, slots=True)
class Campaign:
    id: int
    forms: tuple[CampaignForm, ...]  # in the order schools see them; at least one
    municipality_id: int
    period_label: str
    opens_at: datetime
    deadline_at: datetime
    closed_at: datetime | None
    recurrence: str | None = None  # a core.schedule.Recurrence value; None: one-off
    previous_campaign_id: int | None = None  # the round this one follows, in a recurring chain
    reminder_plan: dict[str, object] | None = None
    created_by: int | None = None
    title: str | None = None  # the monitoring's own title; None: its forms' titles

    @property
    def form_keys(self) -> tuple[str, ...]:
        return tuple(form.key for form in self.forms)

    def form(self, key: str) -> CampaignForm | None:
        return next((form for form in self.forms if form.key == key), None)


def campaign_from_row(row: Row[tuple[object, ...]], forms: tuple[CampaignForm, ...]) -> Campaign:
    """A campaign from a row that selects the whole campaigns table (and maybe more)."""
    return Campaign(
        id=row.id,
        forms=forms,
        municipality_id=row.municipality_id,
        period_label=row.period_label,
        opens_at=row.opens_at,
        deadline_at=row.deadline_at,
        closed_at=row.closed_at,
        recurrence=row.recurrence,
        previous_campaign_id=row.previous_campaign_id,
        reminder_plan=row.reminder_plan,
        created_by=row.created_by,
        title=row.title,
    )


_FORMS_OF = (
    select(campaign_forms)
    .where(campaign_forms.c.campaign_id.in_(bindparam("campaign_ids", expanding=True)))
    .order_by(campaign_forms.c.campaign_id, campaign_forms.c.position)
)


async def forms_of(
    conn: AsyncConnection, campaign_ids: Sequence[int]
) -> dict[int, tuple[CampaignForm, ...]]:
    """The forms of these campaigns, in position order, by campaign id."""
    found: dict[int, list[CampaignForm]] = {campaign_id: [] for campaign_id in campaign_ids}
    if not found:
        return {}
    rows = await conn.execute(_FORMS_OF, {"campaign_ids": list(found)})
    for row in rows:
        found[row.campaign_id].append(CampaignForm(row.form_key, row.form_id))
    return {campaign_id: tuple(forms) for campaign_id, forms in found.items()}


async def campaigns_from_rows(
    conn: AsyncConnection, rows: Sequence[Row[tuple[object, ...]]]
) -> list[Campaign]:
    """Campaigns from rows that select the whole campaigns table, their forms read in one query."""
    forms = await forms_of(conn, sorted({row.id for row in rows}))
    return [campaign_from_row(row, forms[row.id]) for row in rows]


async def insert_forms(
    conn: AsyncConnection, campaign_id: int, forms: Sequence[CampaignForm]
) -> None:
    await conn.execute(
        insert(campaign_forms),
        [
            {
                "campaign_id": campaign_id,
                "position": position,
                "form_key": form.key,
                "form_id": form.form_id,
            }
            for position, form in enumerate(forms)
        ],
    )


async def add_campaign(
    conn: AsyncConnection,
    *,
    forms: Sequence[CampaignForm],
    municipality_id: int,
    period_label: str,
    opens_at: datetime,
    deadline_at: datetime,
    school_ids: Sequence[int],
    created_by: int | None = None,
    reminder_plan: dict[str, object] | None = None,
    recurrence: str | None = None,
    previous_campaign_id: int | None = None,
    title: str | None = None,
    owner_ids: Sequence[int] = (),
) -> Campaign:
    if not forms:
        raise ValueError("a monitoring needs at least one form")
    result = await conn.execute(
        insert(campaigns)
        .values(
            title=title,
            municipality_id=municipality_id,
            period_label=period_label,
            opens_at=opens_at,
            deadline_at=deadline_at,
            created_by=created_by,
            reminder_plan=reminder_plan,
            recurrence=recurrence,
            previous_campaign_id=previous_campaign_id,
            created_at=utcnow(),
        )
        .returning(campaigns.c.id)
    )
    campaign_id = result.scalar_one()
    await insert_forms(conn, campaign_id, forms)
    await set_campaign_owners(conn, campaign_id, owner_ids)
    if school_ids:
        await conn.execute(
            insert(campaign_schools),
            [{"campaign_id": campaign_id, "school_id": school_id} for school_id in school_ids],
        )
    return Campaign(
        campaign_id,
        tuple(forms),
        municipality_id,
        period_label,
        opens_at,
        deadline_at,
        None,
        recurrence=recurrence,
        previous_campaign_id=previous_campaign_id,
        reminder_plan=reminder_plan,
        created_by=created_by,
        title=title,
    )


async def set_campaign_owners(
    conn: AsyncConnection, campaign_id: int, user_ids: Sequence[int]
) -> None:
    """The round's owners become exactly these people, in this order."""
    await conn.execute(delete(campaign_owners).where(campaign_owners.c.campaign_id == campaign_id))
    unique = list(dict.fromkeys(user_ids))
    if unique:
        await conn.execute(
            insert(campaign_owners),
            [
                {"campaign_id": campaign_id, "user_id": user_id, "position": position}
                for position, user_id in enumerate(unique)
            ],
        )


async def campaign_owner_ids(
    conn: AsyncConnection, campaign_ids: Sequence[int]
) -> dict[int, tuple[int, ...]]:
    """The owners of these rounds (user ids in the plan's order) by campaign id; a round
    without owners is left out."""
    if not campaign_ids:
        return {}
    rows = await conn.execute(
        select(campaign_owners.c.campaign_id, campaign_owners.c.user_id)
        .where(campaign_owners.c.campaign_id.in_(sorted(set(campaign_ids))))
        .order_by(campaign_owners.c.campaign_id, campaign_owners.c.position)
    )
    found: dict[int, list[int]] = {}
    for row in rows:
        found.setdefault(row.campaign_id, []).append(row.user_id)
    return {campaign_id: tuple(owners) for campaign_id, owners in found.items()}


# Built once (with ``_FORMS_OF``): a respondent's every answer reads its campaign.
_CAMPAIGN = select(campaigns).where(campaigns.c.id == bindparam("campaign_id"))


async def get_campaign(conn: AsyncConnection, campaign_id: int) -> Campaign | None:
    row = (await conn.execute(_CAMPAIGN, {"campaign_id": campaign_id})).one_or_none()
    if row is None:
        return None
    return campaign_from_row(row, (await forms_of(conn, [row.id]))[row.id])


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
    found = rows.all()
    forms = await forms_of(conn, sorted({row.id for row in found}))
    return [(row.school_id, campaign_from_row(row, forms[row.id])) for row in found]


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


@dataclass(frozen=True, slots=True)
class CampaignCounts:
    """A campaign with how many schools it covers and how many have handed in every form."""

    campaign: Campaign
    schools: int
    submitted: int  # schools with every form submitted or accepted


async def list_open_campaigns(
    conn: AsyncConnection, municipality_ids: Sequence[int]
) -> list[CampaignCounts]:
    """Not closed campaigns of these municipalities, with their counts, by deadline."""
    if not municipality_ids:
        return []
    school_count = (
        select(func.count())
        .where(campaign_schools.c.campaign_id == campaigns.c.id)
        .scalar_subquery()
    )
    submitted_count = (
        select(func.count())
        .select_from(campaign_schools)
        .where(
            campaign_schools.c.campaign_id == campaigns.c.id,
            done_forms(campaigns.c.id, campaign_schools.c.school_id) >= form_count(campaigns.c.id),
        )
        .scalar_subquery()
    )
    rows = await conn.execute(
        select(campaigns, school_count.label("school_count"), submitted_count.label("done"))
        .where(
            campaigns.c.municipality_id.in_(list(municipality_ids)),
            campaigns.c.closed_at.is_(None),
        )
        .order_by(campaigns.c.deadline_at, campaigns.c.id)
    )
    found = rows.all()
    forms = await forms_of(conn, [row.id for row in found])
    return [
        CampaignCounts(campaign_from_row(row, forms[row.id]), row.school_count, row.done)
        for row in found
    ]


async def campaign_school_ids(conn: AsyncConnection, campaign_id: int) -> set[int]:
    rows = await conn.execute(
        select(campaign_schools.c.school_id).where(campaign_schools.c.campaign_id == campaign_id)
    )
    return {row.school_id for row in rows}


def form_count(campaign_id: ColumnElement[int]) -> ScalarSelect[int]:
    """How many forms a campaign has (a correlated subquery)."""
    # correlate_except: the campaign is the caller's, however deep this subquery sits
    return (
        select(func.count())
        .select_from(campaign_forms)
        .where(campaign_forms.c.campaign_id == campaign_id)
        .correlate_except(campaign_forms)
        .scalar_subquery()
    )


def done_forms(campaign_id: ColumnElement[int], school_id: ColumnElement[int]) -> ScalarSelect[int]:
    """How many forms of a campaign a school has submitted (or had accepted)."""
    return (
        select(func.count())
        .select_from(responses)
        .where(
            responses.c.campaign_id == campaign_id,
            responses.c.school_id == school_id,
            responses.c.status.in_(("submitted", "accepted")),
        )
        .correlate_except(responses)
        .scalar_subquery()
    )


async def add_campaign_schools(
    conn: AsyncConnection, campaign_id: int, school_ids: Sequence[int]
) -> list[int]:
    """Adds the schools not in the campaign yet; returns those added."""
    present = await campaign_school_ids(conn, campaign_id)
    new = [school_id for school_id in dict.fromkeys(school_ids) if school_id not in present]
    if new:
        await conn.execute(
            insert(campaign_schools),
            [{"campaign_id": campaign_id, "school_id": school_id} for school_id in new],
        )
    return new


async def set_deadline(conn: AsyncConnection, campaign_id: int, deadline_at: datetime) -> bool:
    """Moves the deadline of a campaign that is still open; False when it was closed."""
    result = await conn.execute(
        update(campaigns)
        .where(campaigns.c.id == campaign_id, campaigns.c.closed_at.is_(None))
        .values(deadline_at=deadline_at)
    )
    return result.rowcount == 1


async def later_rounds(conn: AsyncConnection, campaign_id: int) -> list[Campaign]:
    """The rounds that follow this one in its recurring chain, in order."""
    found: list[Campaign] = []
    current = campaign_id
    while True:
        row = (
            await conn.execute(select(campaigns).where(campaigns.c.previous_campaign_id == current))
        ).one_or_none()
        if row is None:
            return found
        found.append(campaign_from_row(row, (await forms_of(conn, [row.id]))[row.id]))
        current = row.id


async def close_campaign(conn: AsyncConnection, campaign_id: int, now: datetime) -> bool:
    """Closes a campaign that is still open; False when it was closed already."""
    result = await conn.execute(
        update(campaigns)
        .where(campaigns.c.id == campaign_id, campaigns.c.closed_at.is_(None))
        .values(closed_at=now)
    )
    return result.rowcount == 1
