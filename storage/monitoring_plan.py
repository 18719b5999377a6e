"""A municipality's monitoring plan: its lines, each line's owners, and the chain of rounds a
line with a form runs (its first round is ``campaign_id``; ``later_rounds`` follows it)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.campaigns import Campaign, get_campaign, later_rounds, set_campaign_owners
from storage.schema import campaigns, monitoring_plan_lines, monitoring_plan_owners, users

UNMATCHED_SEPARATOR = "; "


@dataclass(frozen=True, slots=True)
class NewLine:
    """A plan line to store."""

    number: str
    section: str
    direction: str
    owners_text: str
    periodicity: str
    recurrence: str  # a core.schedule recurrence value
    form_key: str | None
    due_day: int | None
    owner_ids: tuple[int, ...]
    unmatched_owners: tuple[str, ...]
    campaign_id: int | None  # the first round of its chain


@dataclass(frozen=True, slots=True)
class Owner:
    user_id: int
    full_name: str


@dataclass(frozen=True, slots=True)
class StoredLine:
    id: int
    municipality_id: int
    position: int
    number: str
    section: str
    direction: str
    owners_text: str
    periodicity: str
    recurrence: str
    form_key: str | None
    due_day: int | None
    owners: tuple[Owner, ...]
    unmatched_owners: tuple[str, ...]
    campaign_id: int | None
    uploaded_by: int | None
    uploaded_at: datetime

    @property
    def owner_ids(self) -> tuple[int, ...]:
        return tuple(owner.user_id for owner in self.owners)


async def list_lines(conn: AsyncConnection, municipality_id: int) -> list[StoredLine]:
    """The municipality's plan, in its order."""
    rows = (
        await conn.execute(
            select(monitoring_plan_lines)
            .where(monitoring_plan_lines.c.municipality_id == municipality_id)
            .order_by(monitoring_plan_lines.c.position)
        )
    ).all()
    owners: dict[int, list[Owner]] = {row.id: [] for row in rows}
    if owners:
        found = await conn.execute(
            select(monitoring_plan_owners.c.line_id, users.c.id, users.c.full_name)
            .join(users, users.c.id == monitoring_plan_owners.c.user_id)
            .where(monitoring_plan_owners.c.line_id.in_(list(owners)))
            .order_by(monitoring_plan_owners.c.line_id, monitoring_plan_owners.c.position)
        )
        for owner in found:
            owners[owner.line_id].append(Owner(owner.id, owner.full_name))
    return [
        StoredLine(
            id=row.id,
            municipality_id=row.municipality_id,
            position=row.position,
            number=row.number,
            section=row.section,
            direction=row.direction,
            owners_text=row.owners_text,
            periodicity=row.periodicity,
            recurrence=row.recurrence,
            form_key=row.form_key,
            due_day=row.due_day,
            owners=tuple(owners[row.id]),
            unmatched_owners=tuple(
                name for name in row.unmatched_owners.split(UNMATCHED_SEPARATOR) if name
            ),
            campaign_id=row.campaign_id,
            uploaded_by=row.uploaded_by,
            uploaded_at=row.uploaded_at,
        )
        for row in rows
    ]


async def replace_lines(
    conn: AsyncConnection,
    municipality_id: int,
    lines: Sequence[NewLine],
    *,
    uploaded_by: int | None,
    now: datetime,
) -> list[int]:
    """The municipality's plan becomes exactly these lines; returns their ids in order."""
    await conn.execute(
        delete(monitoring_plan_lines).where(
            monitoring_plan_lines.c.municipality_id == municipality_id
        )
    )
    ids: list[int] = []
    for position, line in enumerate(lines):
        line_id = (
            await conn.execute(
                insert(monitoring_plan_lines)
                .values(
                    municipality_id=municipality_id,
                    position=position,
                    number=line.number,
                    section=line.section,
                    direction=line.direction,
                    owners_text=line.owners_text,
                    periodicity=line.periodicity,
                    recurrence=line.recurrence,
                    form_key=line.form_key,
                    due_day=line.due_day,
                    unmatched_owners=UNMATCHED_SEPARATOR.join(line.unmatched_owners),
                    campaign_id=line.campaign_id,
                    uploaded_by=uploaded_by,
                    uploaded_at=now,
                )
                .returning(monitoring_plan_lines.c.id)
            )
        ).scalar_one()
        owner_ids = list(dict.fromkeys(line.owner_ids))
        if owner_ids:
            await conn.execute(
                insert(monitoring_plan_owners),
                [
                    {"line_id": line_id, "user_id": user_id, "position": index}
                    for index, user_id in enumerate(owner_ids)
                ],
            )
        ids.append(line_id)
    return ids


async def chain_rounds(conn: AsyncConnection, first_id: int) -> list[Campaign]:
    """A chain's rounds from its first one, in order (empty if that round is gone)."""
    first = await get_campaign(conn, first_id)
    if first is None:
        return []
    return [first, *await later_rounds(conn, first_id)]


async def set_chain_owners(
    conn: AsyncConnection, rounds: Sequence[Campaign], owner_ids: Sequence[int]
) -> None:
    """The rounds of a chain that are not closed get these owners (closed ones keep theirs)."""
    for campaign in rounds:
        if campaign.closed_at is None:
            await set_campaign_owners(conn, campaign.id, owner_ids)


async def end_chain(conn: AsyncConnection, rounds: Sequence[Campaign], *, now: datetime) -> None:
    """A chain stops after its current round: rounds that have not opened yet are closed, the
    open ones run to their deadline as one-off rounds (no successor is created)."""
    for campaign in rounds:
        if campaign.closed_at is not None:
            continue
        if campaign.opens_at > now:
            await conn.execute(
                update(campaigns).where(campaigns.c.id == campaign.id).values(closed_at=now)
            )
        else:
            await conn.execute(
                update(campaigns).where(campaigns.c.id == campaign.id).values(recurrence=None)
            )
