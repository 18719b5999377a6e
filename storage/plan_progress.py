"""An item's history (every change of its status, with who made it) and its deadline's words
after a postponement. The status change itself is ``storage.plans.change_item_status``."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.plans import ItemStatus
from storage.schema import plan_item_events, plan_items, users


@dataclass(frozen=True, slots=True)
class ItemEvent:
    from_status: ItemStatus
    to_status: ItemStatus
    user_name: str | None  # None: nobody in the bot (a removed account, or the system)
    comment: str | None  # a report, or the reason of a postponement or of "не выполнено"
    due_on: date | None  # the new deadline of a postponement
    at: datetime


async def item_events(conn: AsyncConnection, item_id: int, *, last: int) -> list[ItemEvent]:
    """The ``last`` changes of the item's status, oldest of them first."""
    rows = (
        await conn.execute(
            select(plan_item_events, users.c.full_name)
            .outerjoin(users, users.c.id == plan_item_events.c.user_id)
            .where(plan_item_events.c.item_id == item_id)
            .order_by(plan_item_events.c.at.desc(), plan_item_events.c.id.desc())
            .limit(last)
        )
    ).all()
    return [
        ItemEvent(
            ItemStatus(row.from_status),
            ItemStatus(row.to_status),
            row.full_name,
            row.comment,
            row.due_on,
            row.at,
        )
        for row in reversed(rows)
    ]


async def set_deadline_words(conn: AsyncConnection, item_id: int, *, kind: str, label: str) -> None:
    """How the item's deadline is written ("декабрь", "25.12.2020") once it was moved."""
    await conn.execute(
        update(plan_items)
        .where(plan_items.c.id == item_id)
        .values(deadline_kind=kind, deadline_label=label)
    )
