"""A read plan stored for its municipality (or school), and the board of how far it is done.

``save_plan`` checks access, recognises the people the plan names among the people of its
municipality (``PeopleIndex``: an owner becomes a person in the bot only when exactly one
matches), and writes the plan and its items in one transaction. ``plan_board`` counts the items
per status and puts the overdue ones first, most overdue first. What happens to an item next
(в работе, выполнено, перенесено, не выполнено) is ``core.plans.progress``.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from core.access import ROLE_ACTIONS, AccessDenied, Action, Target, allows, authorize
from core.actors import Actor
from core.directory import Directory, load_directory
from core.plans.matching import KnownPerson, PeopleIndex
from core.plans.model import Item as DraftItem
from core.plans.model import PlanDraft
from storage import Database
from storage.people import RoleGrant, list_people
from storage.plans import (
    CLOSED_STATUSES,
    Item,
    ItemStatus,
    NewItem,
    OwnedItem,
    Owner,
    Plan,
    PlanKind,
    add_plan,
    get_plan,
    items_owned_by,
    list_plans,
)

# The columns' sizes (storage.schema): a plan's and a section's title, a deadline as written,
# an owner's name or position, an item's number. Longer texts are cut with "…" (an item's
# content never is).
TITLE_LIMIT, LABEL_LIMIT, NAME_LIMIT, NUMBER_LIMIT = 500, 200, 300, 20


async def save_plan(
    database: Database,
    actor: Actor,
    draft: PlanDraft,
    *,
    municipality_id: int,
    now: datetime,
    kind: PlanKind = PlanKind.ROAD_MAP,
) -> int:
    """Store a municipality's plan as read; its id. ``AccessDenied`` unless the actor manages
    the municipality's plans."""
    authorize(actor, Action.MANAGE_PLANS, Target.municipality(municipality_id))
    people = await plan_people(database, municipality_id)
    async with database.write() as conn:
        return await add_plan(
            conn,
            municipality_id=municipality_id,
            kind=kind,
            title=_clipped(draft.title, TITLE_LIMIT),
            school_year=draft.school_year,
            items=[
                new_item(section.title, item, people)
                for section in draft.sections
                for item in section.items
            ],
            created_by=None if actor.user is None else actor.user.id,
            now=now,
        )


async def plan_people(
    database: Database, municipality_id: int, school_id: int | None = None
) -> PeopleIndex:
    """The people a plan of this municipality may name as owners: those with a role in it (on
    the municipality, one of its districts or schools). A namesake elsewhere is never one. A
    school's own plan names its people and the department's (not another school's)."""
    directory = await load_directory(database)
    async with database.read() as conn:
        return PeopleIndex(
            KnownPerson(person.user.id, person.user.full_name)
            for person in await list_people(conn)
            if any(
                _works_in(directory, grant, municipality_id)
                and (school_id is None or grant.school_id in (None, school_id))
                for grant in person.grants
            )
        )


def _works_in(directory: Directory, grant: RoleGrant, municipality_id: int) -> bool:
    """A grant on the municipality, on one of its districts or schools."""
    scope = directory.target(
        municipality_id=grant.municipality_id,
        district_id=grant.district_id,
        school_id=grant.school_id,
    )
    return scope.municipality_id == municipality_id


def new_item(section: str, item: DraftItem, people: PeopleIndex) -> NewItem:
    """A read item as stored: its owners recognised among ``people``, long texts clipped."""
    owners = [
        Owner(person.name, _clipped(person.position, NAME_LIMIT) or None, people.resolve(person))
        for person in item.owners.people
    ] + [Owner(_clipped(other, NAME_LIMIT)) for other in item.owners.others]
    return NewItem(
        section=_clipped(section, TITLE_LIMIT),
        number=_clipped(item.number, NUMBER_LIMIT),
        content=item.content,
        due_on=item.deadline.due,
        deadline_kind=item.deadline.kind.value,
        deadline_label=_clipped(item.deadline.label, LABEL_LIMIT),
        owners=owners,
    )


def _clipped(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@dataclass(frozen=True, slots=True)
class Board:
    """A plan's state on a day: items per status, and the overdue ones, most overdue first."""

    plan: Plan
    today: date
    counts: dict[ItemStatus, int]
    overdue: tuple[Item, ...]


async def plan_board(database: Database, actor: Actor, plan_id: int, *, today: date) -> Board:
    """``AccessDenied`` for a plan that does not exist or is not the actor's to see."""
    async with database.read() as conn:
        plan = await get_plan(conn, plan_id)
    directory = await load_directory(database)
    if plan is None or not _may_see(
        actor, directory, plan.municipality_id, plan.school_id, plan.kind
    ):
        raise AccessDenied(Action.VIEW_PLANS)
    counts = Counter(item.status for item in plan.items)
    overdue = sorted(
        (item for item in plan.items if item.overdue(today)),
        key=lambda item: (item.due_on, item.position),
    )
    return Board(plan, today, {status: counts[status] for status in ItemStatus}, tuple(overdue))


def plan_municipality(actor: Actor) -> int | None:
    """The municipality whose plans the actor loads: that of their grant to manage plans on a
    whole municipality (the first of several); None when they have none (an administrator
    without a municipality loads none: a plan belongs to one)."""
    for grant in actor.grants:
        whole = grant.district_id is None and grant.school_id is None
        if Action.MANAGE_PLANS in ROLE_ACTIONS[grant.role] and whole and grant.municipality_id:
            return grant.municipality_id
    return None


@dataclass(frozen=True, slots=True)
class PlanLine:
    """A plan in the actor's list: its items, how many are done and how many overdue."""

    plan_id: int
    title: str
    school_year: int
    items: int
    done: int
    overdue: int


async def visible_plans(database: Database, actor: Actor, *, today: date) -> list[PlanLine]:
    """The plans the actor may see, newest first."""
    async with database.read() as conn:
        found = await list_plans(conn)
    directory = await load_directory(database)
    return [
        PlanLine(
            plan.id,
            plan.title,
            plan.school_year,
            len(plan.items),
            sum(status is ItemStatus.DONE for status, _ in plan.items),
            sum(status not in CLOSED_STATUSES and due < today for status, due in plan.items),
        )
        for plan in found
        if _may_see(actor, directory, plan.municipality_id, plan.school_id, plan.kind)
    ]


def _may_see(
    actor: Actor,
    directory: Directory,
    municipality_id: int,
    school_id: int | None,
    kind: PlanKind = PlanKind.ROAD_MAP,
) -> bool:
    """A school's plan: whoever may see plans of that school. A municipality's road map concerns
    all its schools: whoever may see plans anywhere in it (a district's coordinator, a school's
    representative) sees it too. An order's instructions name schools that lag behind: only
    those who see the whole municipality see that plan (a school's representative sees their
    own items under "📌 Мои пункты")."""
    target = Target.municipality(municipality_id)
    if school_id is not None:  # with its district: a district's coordinator sees it
        target = directory.target(school_id=school_id)
    if allows(actor, Action.VIEW_PLANS, target):
        return True
    return (
        school_id is None
        and kind is not PlanKind.INSTRUCTIONS
        and any(
            Action.VIEW_PLANS in ROLE_ACTIONS[grant.role]
            and _works_in(directory, grant, municipality_id)
            for grant in actor.grants
        )
    )


def sees_plan(actor: Actor, directory: Directory, plan: Plan) -> bool:
    """Whether the actor may see this plan (see ``_may_see``)."""
    return _may_see(actor, directory, plan.municipality_id, plan.school_id, plan.kind)


def may_own(actor: Actor, directory: Directory, plan: Plan, item: Item) -> bool:
    """Whether the actor acts on the item as its owner: named among its owners, and their roles
    still reach it — a school the item concerns, else the plan. A person removed from the bot or
    moved to another school keeps their name on the item but no longer answers for it."""
    if actor.user is None or not any(owner.user_id == actor.user.id for owner in item.owners):
        return False
    if item.school_ids:
        return any(
            school_id in directory.schools
            and allows(actor, Action.VIEW_PLANS, directory.target(school_id=school_id))
            for school_id in item.school_ids
        )
    return sees_plan(actor, directory, plan)


async def may_see_plan(database: Database, actor: Actor, plan: Plan) -> bool:
    """Whether the actor may see this plan, its board and its items (see ``_may_see``)."""
    return _may_see(
        actor, await load_directory(database), plan.municipality_id, plan.school_id, plan.kind
    )


async def my_items(database: Database, actor: Actor) -> list[OwnedItem]:
    """The open items the actor answers for (``may_own``), soonest deadline first."""
    if actor.user is None:
        return []
    async with database.read() as conn:
        owned = await items_owned_by(conn, actor.user.id)
    directory = await load_directory(database)
    return [entry for entry in owned if may_own(actor, directory, entry.plan, entry.item)]
