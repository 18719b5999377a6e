"""An analytic order's instructions put under follow-up: a plan of the monitoring round, one item
per instruction and school, due on the order's deadline, owned by the school's representatives.

The round has one such plan. Saving the instructions again (a redrafted order) adds the items
that are new, moves the deadline of those nobody has acted on yet, and leaves alone what was
started, done or postponed: an instruction the methodist unticked later stays on the plan (it
was given). Each item remembers what it was made from (``source_key``: the instruction's key and
the school), so nothing is added twice.
"""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from core.access import AccessDenied, Action, Target, authorize
from core.actors import Actor
from core.directory import load_directory
from core.order.model import Instruction, OrderChoices, OrderDraft
from storage import Database
from storage.people import Role, list_people
from storage.plans import (
    ItemStatus,
    NewItem,
    Owner,
    PlanKind,
    add_items,
    add_owners,
    add_plan,
    get_plan,
    instructions_plan,
    set_item_deadline,
)
from storage.schema import campaigns
from texts import plan_reminders as texts

TITLE_LIMIT = 500


class NothingToTrack(Exception):
    """No deadline was chosen, or every instruction was unticked: nothing to follow up."""


@dataclass(frozen=True, slots=True)
class Tracked:
    """What saving the instructions did: the plan, items added, items whose deadline moved,
    items left as they were, and the schools with no representative in the bot (their items
    have no owner to remind; the coordinators' digest still lists them when overdue)."""

    plan_id: int
    title: str
    added: int
    moved: int
    kept: int
    unowned: tuple[str, ...]


def school_year_of(day: date) -> int:
    """The school year a day falls in, by its first calendar year (September to August)."""
    return day.year if day.month >= 9 else day.year - 1


@dataclass(frozen=True, slots=True)
class GivenInstructions:
    """What an order made as a file gives the schools: the kept instructions and their
    deadline, with the round they are of. Kept from the moment the file is made, so that what
    is put under follow-up (days later, once the order is signed) is what the order says."""

    campaign_id: int
    municipality_id: int | None
    title: str
    period: str
    deadline: date
    instructions: tuple[Instruction, ...]

    @classmethod
    def of(cls, draft: OrderDraft, choices: OrderChoices) -> "GivenInstructions":
        """``NothingToTrack`` without a deadline or with every instruction unticked."""
        kept = tuple(item for item in draft.instructions if item.key not in choices.dropped)
        if choices.deadline is None or not kept:
            raise NothingToTrack(draft.campaign_id)
        return cls(
            draft.campaign_id,
            draft.municipality_id,
            draft.title,
            draft.period,
            choices.deadline,
            kept,
        )


async def track_instructions(
    database: Database, actor: Actor, given: GivenInstructions, *, now: datetime
) -> Tracked:
    """Save the instructions an order gave as the round's plan (see the module rules).

    ``AccessDenied`` unless the actor manages the plans of the round's municipality (a round of
    several municipalities has no one plan)."""
    if given.municipality_id is None:
        raise AccessDenied(Action.MANAGE_PLANS)
    authorize(actor, Action.MANAGE_PLANS, Target.municipality(given.municipality_id))
    directory = await load_directory(database)
    deadline = given.deadline
    label = deadline.strftime("%d.%m.%Y")
    async with database.write() as conn:
        # One plan per round: of two methodists saving at once, the second waits here
        # (PostgreSQL; SQLite runs one writer at a time) and then finds the first's plan.
        await conn.execute(
            select(campaigns.c.id).where(campaigns.c.id == given.campaign_id).with_for_update()
        )
        representatives: dict[int, list[Owner]] = {}
        for person in await list_people(conn):
            for grant in person.grants:
                if grant.role is Role.RESPONDENT and grant.school_id is not None:
                    representatives.setdefault(grant.school_id, []).append(
                        Owner(person.user.full_name, texts.REPRESENTATIVE, person.user.id)
                    )
        wanted: list[NewItem] = []
        numbers: dict[int, int] = {}
        for instruction in given.instructions:
            for school_id in instruction.school_ids:
                school = directory.schools.get(school_id)
                if school is None:
                    continue
                numbers[school_id] = numbers.get(school_id, 0) + 1
                wanted.append(
                    NewItem(
                        section=school.short_name,
                        number=str(numbers[school_id]),
                        content=instruction.action,
                        due_on=deadline,
                        deadline_kind="date",
                        deadline_label=label,
                        owners=tuple(representatives.get(school_id, ())),
                        school_ids=(school_id,),
                        source_key=f"{instruction.key}@{school_id}"[:200],
                    )
                )
        plan_id = await instructions_plan(conn, given.campaign_id)
        title = texts.INSTRUCTIONS_TITLE.format(title=given.title, period=given.period)
        title = title[:TITLE_LIMIT]
        if plan_id is None:
            plan_id = await add_plan(
                conn,
                municipality_id=given.municipality_id,
                kind=PlanKind.INSTRUCTIONS,
                title=title,
                school_year=school_year_of(deadline),
                items=_ordered(wanted),
                created_by=None if actor.user is None else actor.user.id,
                now=now,
                campaign_id=given.campaign_id,
            )
            added, moved, unchanged = len(wanted), 0, 0
        else:
            plan = await get_plan(conn, plan_id)
            assert plan is not None
            title = plan.title
            existing = {item.source_key: item for item in plan.items if item.source_key}
            new = [item for item in wanted if item.source_key not in existing]
            moved = unchanged = 0
            for item in wanted:
                old = existing.get(item.source_key or "")
                if old is None:
                    continue
                # A representative who joined since answers for the school's items too.
                await add_owners(conn, old.id, item.owners, already=old.owners)
                if old.status is ItemStatus.PLANNED and old.due_on != deadline:
                    await set_item_deadline(conn, old.id, deadline, label, now=now)
                    moved += 1
                else:
                    unchanged += 1
            after = max((item.position for item in plan.items), default=0)
            await add_items(conn, plan_id, _ordered(new), now=now, after=after)
            added = len(new)
    unowned = sorted(
        {
            directory.schools[school_id].short_name
            for item in wanted
            for school_id in item.school_ids
            if not item.owners
        }
    )
    return Tracked(plan_id, title, added, moved, unchanged, tuple(unowned))


def _ordered(items: list[NewItem]) -> list[NewItem]:
    """School by school, in the order the instructions name them; each school's items in the
    order of the instructions."""
    schools: list[str] = []
    for item in items:
        if item.section not in schools:
            schools.append(item.section)
    return sorted(items, key=lambda item: schools.index(item.section))
