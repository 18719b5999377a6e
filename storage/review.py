"""A methodist's review of responses: the queue of submitted ones, status events, decisions."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.responses import Status
from storage.schema import campaigns, response_events, responses, users


@dataclass(frozen=True, slots=True)
class ResponseEvent:
    """One status transition of a response: who moved it, when, and the comment of a return."""

    id: int
    response_id: int
    from_status: Status | None
    to_status: Status
    user_id: int | None
    user_name: str | None
    comment: str | None
    at: datetime


@dataclass(frozen=True, slots=True)
class Submitted:
    """A submitted response waiting for review, with what the queue shows about it."""

    response_id: int
    campaign_id: int
    school_id: int
    form_id: int
    municipality_id: int
    period_label: str
    submitted_at: datetime
    deadline_at: datetime


async def load_events(conn: AsyncConnection, response_id: int) -> list[ResponseEvent]:
    rows = await conn.execute(
        select(response_events, users.c.full_name)
        .outerjoin(users, users.c.id == response_events.c.user_id)
        .where(response_events.c.response_id == response_id)
        .order_by(response_events.c.id)
    )
    return [
        ResponseEvent(
            id=row.id,
            response_id=row.response_id,
            from_status=None if row.from_status is None else Status(row.from_status),
            to_status=Status(row.to_status),
            user_id=row.user_id,
            user_name=row.full_name,
            comment=row.comment,
            at=row.at,
        )
        for row in rows
    ]


async def awaiting_review(conn: AsyncConnection, school_ids: Sequence[int]) -> list[Submitted]:
    """Submitted responses of these schools in campaigns not closed, oldest submission first."""
    if not school_ids:
        return []
    rows = await conn.execute(
        select(
            responses.c.id,
            responses.c.campaign_id,
            responses.c.school_id,
            responses.c.form_id,
            responses.c.submitted_at,
            campaigns.c.municipality_id,
            campaigns.c.period_label,
            campaigns.c.deadline_at,
        )
        .join(campaigns, campaigns.c.id == responses.c.campaign_id)
        .where(
            responses.c.school_id.in_(list(school_ids)),
            responses.c.status == Status.SUBMITTED.value,
            campaigns.c.closed_at.is_(None),
        )
        .order_by(responses.c.submitted_at, responses.c.id)
    )
    return [
        Submitted(
            response_id=row.id,
            campaign_id=row.campaign_id,
            school_id=row.school_id,
            form_id=row.form_id,
            municipality_id=row.municipality_id,
            period_label=row.period_label,
            submitted_at=row.submitted_at,
            deadline_at=row.deadline_at,
        )
        for row in rows
        if row.submitted_at is not None
    ]


async def decide(
    conn: AsyncConnection,
    response_id: int,
    status: Status,
    *,
    user_id: int | None,
    now: datetime,
    comment: str | None = None,
) -> int | None:
    """Move a *submitted* response to ``status`` and record the event; the event's id, or None
    when the response is no longer submitted (someone else decided first).

    The status test is part of the UPDATE, so of two simultaneous decisions exactly one wins.
    """
    values: dict[str, Any] = {"status": status.value, "updated_at": now}
    if comment is not None:
        values["review_comment"] = comment
    changed = await conn.execute(
        update(responses)
        .where(responses.c.id == response_id, responses.c.status == Status.SUBMITTED.value)
        .values(**values)
    )
    if changed.rowcount != 1:
        return None
    event_id = await conn.scalar(
        insert(response_events)
        .values(
            response_id=response_id,
            from_status=Status.SUBMITTED.value,
            to_status=status.value,
            user_id=user_id,
            comment=comment,
            at=now,
        )
        .returning(response_events.c.id)
    )
    assert event_id is not None
    return int(event_id)
