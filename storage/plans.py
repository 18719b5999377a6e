"""Plans (road maps, an order's instructions), their items with owners and schools, and every
change of an item's status."""

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ColumnElement, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.schema import (
    municipalities,
    plan_item_events,
    plan_item_owners,
    plan_item_schools,
    plan_items,
    plans,
    users,
)


class PlanKind(StrEnum):
    ROAD_MAP = "road_map"
    INSTRUCTIONS = "instructions"


class Approval(StrEnum):
    SUBMITTED = "submitted"
    APPROVED = "approved"
    RETURNED = "returned"


class ItemStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    POSTPONED = "postponed"
    NOT_DONE = "not_done"


# An item in one of these needs nothing more: it is never overdue.
CLOSED_STATUSES = frozenset({ItemStatus.DONE, ItemStatus.NOT_DONE})


@dataclass(frozen=True, slots=True)
class Owner:
    name: str  # as the plan wrote it ("Ильина М.А.", "Администрации ШНОР")
    position: str | None = None
    user_id: int | None = None  # the person in the bot, when the name was recognised


@dataclass(frozen=True, slots=True)
class NewItem:
    section: str
    number: str
    content: str
    due_on: date
    deadline_kind: str
    deadline_label: str
    owners: Sequence[Owner] = ()
    school_ids: Collection[int] = ()
    source_key: str | None = None  # what it was made from (see ``plan_items.source_key``)


@dataclass(frozen=True, slots=True)
class Item:
    id: int
    position: int
    section: str
    number: str
    content: str
    due_on: date
    deadline_kind: str
    deadline_label: str
    status: ItemStatus
    report: str | None
    evidence: str | None
    owners: tuple[Owner, ...]
    school_ids: tuple[int, ...]
    source_key: str | None = None

    def overdue(self, today: date) -> bool:
        return self.status not in CLOSED_STATUSES and self.due_on < today


@dataclass(frozen=True, slots=True)
class Plan:
    id: int
    municipality_id: int
    school_id: int | None
    campaign_id: int | None
    kind: PlanKind
    title: str
    school_year: int
    approval: Approval | None
    review_comment: str | None
    created_at: datetime
    items: tuple[Item, ...]


async def add_plan(
    conn: AsyncConnection,
    *,
    municipality_id: int,
    kind: PlanKind,
    title: str,
    school_year: int,
    items: Sequence[NewItem],
    created_by: int | None,
    now: datetime,
    school_id: int | None = None,
    campaign_id: int | None = None,
    approval: Approval | None = None,
) -> int:
    """Store a plan with its items in the given order; its id."""
    plan_id = (
        await conn.execute(
            insert(plans)
            .values(
                municipality_id=municipality_id,
                school_id=school_id,
                campaign_id=campaign_id,
                kind=kind.value,
                title=title,
                school_year=school_year,
                approval=None if approval is None else approval.value,
                created_by=created_by,
                created_at=now,
            )
            .returning(plans.c.id)
        )
    ).scalar_one()
    await add_items(conn, plan_id, items, now=now)
    return int(plan_id)


async def add_items(
    conn: AsyncConnection,
    plan_id: int,
    items: Sequence[NewItem],
    *,
    now: datetime,
    after: int = 0,
) -> None:
    """Append items to a plan, numbered in order from position ``after`` + 1."""
    for position, item in enumerate(items, start=after + 1):
        item_id = (
            await conn.execute(
                insert(plan_items)
                .values(
                    plan_id=plan_id,
                    position=position,
                    section=item.section,
                    number=item.number,
                    content=item.content,
                    due_on=item.due_on,
                    deadline_kind=item.deadline_kind,
                    deadline_label=item.deadline_label,
                    status=ItemStatus.PLANNED.value,
                    source_key=item.source_key,
                    updated_at=now,
                )
                .returning(plan_items.c.id)
            )
        ).scalar_one()
        if item.owners:
            await conn.execute(
                insert(plan_item_owners),
                [
                    {
                        "item_id": item_id,
                        "user_id": owner.user_id,
                        "name": owner.name,
                        "position": owner.position,
                    }
                    for owner in item.owners
                ],
            )
        if item.school_ids:
            await conn.execute(
                insert(plan_item_schools),
                [{"item_id": item_id, "school_id": school_id} for school_id in item.school_ids],
            )


async def get_plan(conn: AsyncConnection, plan_id: int) -> Plan | None:
    """The plan with its items in order, each with its owners and schools."""
    return (await get_plans(conn, [plan_id])).get(plan_id)


async def get_plans(conn: AsyncConnection, plan_ids: Collection[int]) -> dict[int, Plan]:
    """These plans by id, whole (four statements however many: the tick reads dozens)."""
    ids = sorted(set(plan_ids))
    if not ids:
        return {}
    rows = (await conn.execute(select(plans).where(plans.c.id.in_(ids)))).all()
    item_rows = (
        await conn.execute(
            select(plan_items)
            .where(plan_items.c.plan_id.in_(ids))
            .order_by(plan_items.c.plan_id, plan_items.c.position)
        )
    ).all()
    item_ids = [item.id for item in item_rows]
    owners: dict[int, list[Owner]] = {item_id: [] for item_id in item_ids}
    schools: dict[int, list[int]] = {item_id: [] for item_id in item_ids}
    # The plans' items by a subquery, not by their ids: thousands of ids would be as many
    # parameters.
    of_plans = select(plan_items.c.id).where(plan_items.c.plan_id.in_(ids))
    if item_ids:
        for owner in await conn.execute(
            select(plan_item_owners)
            .where(plan_item_owners.c.item_id.in_(of_plans))
            .order_by(plan_item_owners.c.id)
        ):
            owners[owner.item_id].append(Owner(owner.name, owner.position, owner.user_id))
        for school in await conn.execute(
            select(plan_item_schools)
            .where(plan_item_schools.c.item_id.in_(of_plans))
            .order_by(plan_item_schools.c.school_id)
        ):
            schools[school.item_id].append(school.school_id)
    items: dict[int, list[Item]] = {row.id: [] for row in rows}
    for item in item_rows:
        items[item.plan_id].append(
            Item(
                id=item.id,
                position=item.position,
                section=item.section,
                number=item.number,
                content=item.content,
                due_on=item.due_on,
                deadline_kind=item.deadline_kind,
                deadline_label=item.deadline_label,
                status=ItemStatus(item.status),
                report=item.report,
                evidence=item.evidence,
                owners=tuple(owners[item.id]),
                school_ids=tuple(schools[item.id]),
                source_key=item.source_key,
            )
        )
    return {
        row.id: Plan(
            id=row.id,
            municipality_id=row.municipality_id,
            school_id=row.school_id,
            campaign_id=row.campaign_id,
            kind=PlanKind(row.kind),
            title=row.title,
            school_year=row.school_year,
            approval=None if row.approval is None else Approval(row.approval),
            review_comment=row.review_comment,
            created_at=row.created_at,
            items=tuple(items[row.id]),
        )
        for row in rows
    }


async def change_item_status(
    conn: AsyncConnection,
    item_id: int,
    status: ItemStatus,
    *,
    user_id: int | None,
    now: datetime,
    comment: str | None = None,
    evidence: str | None = None,
    due_on: date | None = None,
) -> bool:
    """Move an item to ``status`` and record the change: a report (and evidence) with
    "выполнено", the reason and the new deadline with "перенесено". False for no such item, or
    one whose status someone else changed meanwhile."""
    row = (
        await conn.execute(select(plan_items.c.status).where(plan_items.c.id == item_id))
    ).one_or_none()
    if row is None:
        return False
    values: dict[str, object] = {"status": status.value, "updated_at": now}
    if status is ItemStatus.DONE:
        values["report"] = comment
        values["evidence"] = evidence
    if status is ItemStatus.POSTPONED:
        if due_on is None:
            raise ValueError("a postponed item needs its new deadline")
        values["due_on"] = due_on
    # Only from the status read: of two people changing one item at once, the second changes
    # nothing (PostgreSQL re-checks the condition once the first commits).
    changed = await conn.execute(
        update(plan_items)
        .where(plan_items.c.id == item_id, plan_items.c.status == row.status)
        .values(**values)
    )
    if changed.rowcount == 0:
        return False
    await conn.execute(
        insert(plan_item_events).values(
            item_id=item_id,
            from_status=row.status,
            to_status=status.value,
            user_id=user_id,
            comment=comment,
            due_on=due_on,
            at=now,
        )
    )
    return True


@dataclass(frozen=True, slots=True)
class PlanSummary:
    """A plan in a list: where it belongs, and each item's status and deadline."""

    id: int
    municipality_id: int
    school_id: int | None
    title: str
    school_year: int
    created_at: datetime
    items: tuple[tuple[ItemStatus, date], ...]
    kind: PlanKind = PlanKind.ROAD_MAP


async def list_plans(conn: AsyncConnection) -> list[PlanSummary]:
    """Every plan, newest first, with its items' statuses and deadlines (the caller filters by
    access: plans are few, a department's dozens)."""
    rows = (await conn.execute(select(plans).order_by(plans.c.created_at.desc()))).all()
    items: dict[int, list[tuple[ItemStatus, date]]] = {row.id: [] for row in rows}
    if items:
        for item in await conn.execute(
            select(plan_items.c.plan_id, plan_items.c.status, plan_items.c.due_on).where(
                plan_items.c.plan_id.in_(list(items))
            )
        ):
            items[item.plan_id].append((ItemStatus(item.status), item.due_on))
    return [
        PlanSummary(
            row.id,
            row.municipality_id,
            row.school_id,
            row.title,
            row.school_year,
            row.created_at,
            tuple(items[row.id]),
            PlanKind(row.kind),
        )
        for row in rows
    ]


@dataclass(frozen=True, slots=True)
class OwnedItem:
    """An item one person answers for, with its plan's title."""

    item: Item
    plan_id: int
    plan_title: str
    plan: Plan


async def items_owned_by(conn: AsyncConnection, user_id: int) -> list[OwnedItem]:
    """The items this person is an owner of, still open (not done, not dropped), soonest first;
    not those of a school's road map under review or returned (a new version replaces them)."""
    rows = (
        await conn.execute(
            select(plan_items.c.plan_id, plan_items.c.id, plans.c.title)
            .join(plan_item_owners, plan_item_owners.c.item_id == plan_items.c.id)
            .join(plans, plans.c.id == plan_items.c.plan_id)
            .where(
                plan_item_owners.c.user_id == user_id,
                plan_items.c.status.not_in([status.value for status in CLOSED_STATUSES]),
                _followed_plan(),
            )
            .distinct()
        )
    ).all()
    found: list[OwnedItem] = []
    for plan_id in sorted({row.plan_id for row in rows}):
        plan = await get_plan(conn, plan_id)
        assert plan is not None
        wanted = {row.id for row in rows if row.plan_id == plan_id}
        found += [
            OwnedItem(item, plan.id, plan.title, plan) for item in plan.items if item.id in wanted
        ]
    return sorted(found, key=lambda owned: (owned.item.due_on, owned.plan_id, owned.item.position))


async def plan_of_item(conn: AsyncConnection, item_id: int) -> int | None:
    return (
        await conn.execute(select(plan_items.c.plan_id).where(plan_items.c.id == item_id))
    ).scalar_one_or_none()


async def instructions_plan(conn: AsyncConnection, campaign_id: int) -> int | None:
    """The plan holding the instructions of this monitoring round's order, if saved."""
    return (
        await conn.execute(
            select(plans.c.id)
            .where(plans.c.campaign_id == campaign_id, plans.c.kind == PlanKind.INSTRUCTIONS.value)
            .order_by(plans.c.id)
            .limit(1)
        )
    ).scalar_one_or_none()


async def instructions_of_rounds(conn: AsyncConnection, campaign_ids: Sequence[int]) -> list[Plan]:
    """The instructions plans of these rounds (campaigns), oldest first, with their items."""
    if not campaign_ids:
        return []
    ids = (
        await conn.scalars(
            select(plans.c.id)
            .where(
                plans.c.kind == PlanKind.INSTRUCTIONS.value,
                plans.c.campaign_id.in_(sorted(set(campaign_ids))),
            )
            .order_by(plans.c.created_at, plans.c.id)
        )
    ).all()
    found = [await get_plan(conn, plan_id) for plan_id in ids]
    return [plan for plan in found if plan is not None]


async def add_owners(
    conn: AsyncConnection, item_id: int, owners: Sequence[Owner], *, already: Sequence[Owner]
) -> None:
    """Add these people as owners of an item, but those it has already."""
    known = {owner.user_id for owner in already if owner.user_id is not None}
    new = [owner for owner in owners if owner.user_id is None or owner.user_id not in known]
    if new:
        await conn.execute(
            insert(plan_item_owners),
            [
                {
                    "item_id": item_id,
                    "user_id": owner.user_id,
                    "name": owner.name,
                    "position": owner.position,
                }
                for owner in new
            ],
        )


async def set_item_deadline(
    conn: AsyncConnection, item_id: int, due_on: date, label: str, *, now: datetime
) -> None:
    """A new deadline for an item not yet acted on (a redrafted order moved it)."""
    await conn.execute(
        update(plan_items)
        .where(plan_items.c.id == item_id)
        .values(due_on=due_on, deadline_label=label, updated_at=now)
    )


def _followed_plan() -> ColumnElement[bool]:
    """A plan the department follows up: any but a school's road map not (yet) approved (one
    under review or returned is the school's draft)."""
    return or_(plans.c.approval.is_(None), plans.c.approval == Approval.APPROVED.value)


@dataclass(frozen=True, slots=True)
class FollowedItem:
    """An open item and one of its owners who is in the bot and reachable: whom to remind."""

    item_id: int
    plan_id: int
    plan_title: str
    plan_created_at: datetime
    timezone: str  # the plan's municipality's
    section: str
    number: str
    content: str
    due_on: date
    deadline_label: str
    user_id: int
    telegram_id: int


async def followed_items(conn: AsyncConnection) -> list[FollowedItem]:
    """Every open item with each owner who can be reminded of it."""
    rows = await conn.execute(
        select(
            plan_items.c.id,
            plan_items.c.plan_id,
            plan_items.c.position,
            plans.c.title,
            plans.c.created_at,
            municipalities.c.timezone,
            plan_items.c.section,
            plan_items.c.number,
            plan_items.c.content,
            plan_items.c.due_on,
            plan_items.c.deadline_label,
            users.c.id.label("user_id"),
            users.c.telegram_id,
        )
        .join(plans, plans.c.id == plan_items.c.plan_id)
        .join(municipalities, municipalities.c.id == plans.c.municipality_id)
        .join(plan_item_owners, plan_item_owners.c.item_id == plan_items.c.id)
        .join(users, users.c.id == plan_item_owners.c.user_id)
        .where(
            plan_items.c.status.not_in([status.value for status in CLOSED_STATUSES]),
            _followed_plan(),
            users.c.unreachable_since.is_(None),
        )
        .distinct()
        .order_by(plan_items.c.due_on, plan_items.c.plan_id, plan_items.c.position, users.c.id)
    )
    return [
        FollowedItem(
            row.id,
            row.plan_id,
            row.title,
            row.created_at,
            row.timezone,
            row.section,
            row.number,
            row.content,
            row.due_on,
            row.deadline_label,
            row.user_id,
            row.telegram_id,
        )
        for row in rows
    ]


async def plans_overdue_on(conn: AsyncConnection, day: date) -> list[Plan]:
    """The plans with an open item whose deadline is before ``day``, whole."""
    ids = (
        await conn.execute(
            select(plan_items.c.plan_id)
            .join(plans, plans.c.id == plan_items.c.plan_id)
            .where(
                plan_items.c.status.not_in([status.value for status in CLOSED_STATUSES]),
                plan_items.c.due_on < day,
                _followed_plan(),
            )
            .distinct()
            .order_by(plan_items.c.plan_id)
        )
    ).scalars()
    found = await get_plans(conn, list(ids))
    return [found[plan_id] for plan_id in sorted(found)]
