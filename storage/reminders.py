"""Sent reminders: each one is claimed once, before sending, under a unique delivery key."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.schema import sent_reminders
from storage.upsert import insert_ignore


class DeliveryState(StrEnum):
    PENDING = "pending"  # claimed, not yet delivered (or the process stopped while sending)
    SENT = "sent"
    FAILED = "failed"  # gave up after retries: visible, never silently lost
    UNREACHABLE = "unreachable"  # blocked the bot or deactivated


@dataclass(frozen=True, slots=True)
class SentReminder:
    id: int
    campaign_id: int
    school_id: int | None
    user_id: int
    kind: str
    status: DeliveryState
    attempts: int
    last_error: str | None
    sent_at: datetime | None


def delivery_key(campaign_id: int, school_id: int | None, user_id: int, kind: str) -> str:
    return f"{campaign_id}:{school_id or 0}:{user_id}:{kind}"


async def claim(
    conn: AsyncConnection,
    *,
    campaign_id: int,
    school_id: int | None,
    user_id: int,
    kind: str,
    now: datetime,
) -> int | None:
    """Record that this reminder is being sent; its id if this call claimed it, None if someone
    (an earlier tick, another replica) already had."""
    key = delivery_key(campaign_id, school_id, user_id, kind)
    claimed = await insert_ignore(
        conn,
        sent_reminders,
        {
            "campaign_id": campaign_id,
            "school_id": school_id,
            "user_id": user_id,
            "kind": kind,
            "status": DeliveryState.PENDING.value,
            "attempts": 0,
            "created_at": now,
            "delivery_key": key,
        },
        conflict_columns=["delivery_key"],
    )
    if not claimed:
        return None
    row_id = await conn.scalar(
        select(sent_reminders.c.id).where(sent_reminders.c.delivery_key == key)
    )
    assert row_id is not None
    return int(row_id)


async def record_delivery(
    conn: AsyncConnection,
    reminder_id: int,
    status: DeliveryState,
    *,
    attempts: int,
    error: str | None,
    now: datetime,
) -> None:
    await conn.execute(
        update(sent_reminders)
        .where(sent_reminders.c.id == reminder_id)
        .values(
            status=status.value,
            attempts=attempts,
            last_error=error,
            sent_at=now if status is DeliveryState.SENT else None,
        )
    )


async def list_reminders(
    conn: AsyncConnection, *, campaign_id: int | None = None, status: DeliveryState | None = None
) -> list[SentReminder]:
    query = select(sent_reminders).order_by(sent_reminders.c.id)
    if campaign_id is not None:
        query = query.where(sent_reminders.c.campaign_id == campaign_id)
    if status is not None:
        query = query.where(sent_reminders.c.status == status.value)
    return [
        SentReminder(
            id=row.id,
            campaign_id=row.campaign_id,
            school_id=row.school_id,
            user_id=row.user_id,
            kind=row.kind,
            status=DeliveryState(row.status),
            attempts=row.attempts,
            last_error=row.last_error,
            sent_at=row.sent_at,
        )
        for row in await conn.execute(query)
    ]
