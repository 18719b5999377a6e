"""A municipality's monitoring plan: its lines, each line's owners, and the chain of rounds a
line with a form runs (its first round is ``campaign_id``; each next round names the one before
as ``previous_campaign_id``).

**Saving a plan** runs in one write transaction that first takes ``lock_plan``: on PostgreSQL a
transaction-level advisory lock on the municipality (two saves of one municipality take turns;
the second reads the lines the first wrote) and a row lock on the municipality's running
recurring rounds (the rounds tick, ``core.rounds``, locks the round it extends, so it either
finishes first — and the save sees its new round — or waits and then sees the chain stopped).
SQLite's writers are serialised already (``BEGIN IMMEDIATE``).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.campaigns import Campaign, campaigns_from_rows, set_campaign_owners
from storage.schema import campaigns, monitoring_plan_lines, monitoring_plan_owners, users

UNMATCHED_SEPARATOR = "; "
UNMATCHED_LIMIT = 1000  # monitoring_plan_lines.unmatched_owners
_PLAN_LOCK = 18  # the advisory lock's first key: the monitoring plan (issue 18); the second is
# the municipality's id


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
                    unmatched_owners=unmatched_text(line.unmatched_owners),
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


def unmatched_text(names: Iterable[str]) -> str:
    """The names joined for their column, cut with "…" when longer than it."""
    text = UNMATCHED_SEPARATOR.join(names)
    if len(text) > UNMATCHED_LIMIT:
        return text[: UNMATCHED_LIMIT - 1] + "…"
    return text


async def lock_plan(conn: AsyncConnection, municipality_id: int) -> None:
    """Serialises plan saves of a municipality and holds its running rounds until the write
    transaction ends (see the module doc); nothing to do on SQLite."""
    if conn.dialect.name != "postgresql":
        return
    await conn.execute(select(func.pg_advisory_xact_lock(_PLAN_LOCK, municipality_id)))
    await conn.execute(
        select(campaigns.c.id)
        .where(
            campaigns.c.municipality_id == municipality_id,
            campaigns.c.closed_at.is_(None),
            campaigns.c.recurrence.is_not(None),
        )
        .order_by(campaigns.c.id)
        .with_for_update()
    )


async def chain_rounds(conn: AsyncConnection, first_id: int) -> list[Campaign]:
    """A chain's rounds from its first one, in order (empty if that round is gone): two queries."""
    chain = select(campaigns.c.id).where(campaigns.c.id == first_id).cte(recursive=True)
    chain = chain.union_all(
        select(campaigns.c.id).where(campaigns.c.previous_campaign_id == chain.c.id)
    )
    rows = (
        await conn.execute(
            select(campaigns).where(campaigns.c.id.in_(select(chain.c.id))).order_by(campaigns.c.id)
        )
    ).all()
    return _linked(await campaigns_from_rows(conn, rows), first_id)


async def municipality_rounds(conn: AsyncConnection, municipality_id: int) -> list[Campaign]:
    """Every round of the municipality, with its forms: two queries (link them with ``chain``)."""
    rows = (
        await conn.execute(
            select(campaigns)
            .where(campaigns.c.municipality_id == municipality_id)
            .order_by(campaigns.c.id)
        )
    ).all()
    return await campaigns_from_rows(conn, rows)


def chain(rounds: Iterable[Campaign], first_id: int) -> list[Campaign]:
    """The chain from ``first_id`` among these rounds, in order (empty if it is not there)."""
    return _linked(list(rounds), first_id)


def _linked(rounds: list[Campaign], first_id: int) -> list[Campaign]:
    by_id = {campaign.id: campaign for campaign in rounds}
    following = {
        campaign.previous_campaign_id: campaign
        for campaign in rounds
        if campaign.previous_campaign_id is not None
    }
    found: list[Campaign] = []
    current = by_id.get(first_id)
    while current is not None and len(found) <= len(rounds):
        found.append(current)
        current = following.get(current.id)
    return found


async def set_chain_owners(
    conn: AsyncConnection, first_id: int, owner_ids: Sequence[int]
) -> list[Campaign]:
    """The rounds of a chain that are not closed get these owners (closed ones keep theirs).
    The chain is read again here, in the caller's write transaction; returns it."""
    rounds = await chain_rounds(conn, first_id)
    for campaign in rounds:
        if campaign.closed_at is None:
            await set_campaign_owners(conn, campaign.id, owner_ids)
    return rounds


async def end_chain(conn: AsyncConnection, first_id: int, *, now: datetime) -> list[Campaign]:
    """A chain stops after its current round: rounds that have not opened yet are closed, the
    open ones run to their deadline as one-off rounds (no successor is created). The chain is
    read again here, in the caller's write transaction; returns it as it was read."""
    rounds = await chain_rounds(conn, first_id)
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
    return rounds
