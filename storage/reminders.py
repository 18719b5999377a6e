"""Sent reminders: each one is claimed before sending, under a unique delivery key.

A claim is taken once; it is taken again only when its delivery came to nothing: after
``RETRY_FAILED_AFTER`` for a failed one (until ``MAX_ATTEMPTS`` requests in all), after
``PENDING_LEASE`` for one claimed and never recorded (its process died while sending). A claim is
a lease: the process sending it renews it (``renew_claims``, every ``LEASE_RENEWAL``) for as long
as it lives, so a long batch is never taken over by another replica, and the claims of a process
that died are taken again within ``PENDING_LEASE``. Unreachable people are not retried: they are
reported to their coordinator instead.

``attempted_at`` is when the claim was last taken or renewed (for a failed one: when it was last
tried). Two replicas re-taking one lapsed claim race on one row: PostgreSQL re-checks the
condition on the locked row after the first commits, SQLite runs one writer at a time, so the
second finds the fresh ``attempted_at`` and takes nothing.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.campaigns import CampaignForm, done_forms, form_count
from storage.schema import (
    campaign_forms,
    campaign_schools,
    campaigns,
    municipalities,
    response_events,
    responses,
    role_grants,
    schools,
    sent_reminders,
    users,
)
from storage.upsert import insert_ignore


class DeliveryState(StrEnum):
    PENDING = "pending"  # claimed, not yet delivered (or the process stopped while sending)
    SENT = "sent"
    FAILED = "failed"  # gave up after retries: visible, never silently lost
    UNREACHABLE = "unreachable"  # blocked the bot or deactivated


@dataclass(frozen=True, slots=True)
class SentReminder:
    id: int
    campaign_id: int | None  # None: a reminder of a plan's item, or a digest of plans
    school_id: int | None
    user_id: int
    kind: str
    status: DeliveryState
    attempts: int
    last_error: str | None
    sent_at: datetime | None
    plan_item_id: int | None = None


RETRY_FAILED_AFTER = timedelta(minutes=15)
# A claim not renewed for this long is taken to be a dead process's: two ticks at the default
# REMINDER_TICK_SECONDS. Its holder renews it every LEASE_RENEWAL, so six renewals in a row must
# fail before a live process could lose it (and it stops sending when its lease may have lapsed).
PENDING_LEASE = timedelta(minutes=2)
LEASE_RENEWAL = timedelta(seconds=20)
RENEW_CHUNK = 1000  # ids per statement (well under SQLite's and asyncpg's parameter limits)
MAX_ATTEMPTS = 20  # Telegram requests over all tries of one message (the sender retries, too)


def _claim_lapsed(now: datetime) -> ColumnElement[bool]:
    """Rows whose delivery came to nothing and may be claimed again now."""
    attempted = func.coalesce(sent_reminders.c.attempted_at, sent_reminders.c.created_at)
    return or_(
        and_(
            sent_reminders.c.status == DeliveryState.FAILED.value,
            sent_reminders.c.attempts < MAX_ATTEMPTS,
            attempted <= now - RETRY_FAILED_AFTER,
        ),
        and_(
            sent_reminders.c.status == DeliveryState.PENDING.value,
            attempted <= now - PENDING_LEASE,
        ),
    )


def delivery_key(
    campaign_id: int | None,
    school_id: int | None,
    user_id: int,
    kind: str,
    plan_item_id: int | None = None,
) -> str:
    """A monitoring's reminder: "campaign:school:user:kind"; a plan item's: "item:id:user:kind";
    one about plans as a whole (a digest of overdue items): "plans:user:kind"."""
    if plan_item_id is not None:
        return f"item:{plan_item_id}:{user_id}:{kind}"
    if campaign_id is None:
        return f"plans:{user_id}:{kind}"
    return f"{campaign_id}:{school_id or 0}:{user_id}:{kind}"


async def claim(
    conn: AsyncConnection,
    *,
    campaign_id: int | None,
    school_id: int | None,
    user_id: int,
    kind: str,
    now: datetime,
    plan_item_id: int | None = None,
) -> int | None:
    """Record that this reminder is being sent; its id if this call claimed it, None if someone
    (an earlier tick, another replica) already had and its delivery has not lapsed."""
    key = delivery_key(campaign_id, school_id, user_id, kind, plan_item_id)
    claimed = await insert_ignore(
        conn,
        sent_reminders,
        {
            "campaign_id": campaign_id,
            "plan_item_id": plan_item_id,
            "school_id": school_id,
            "user_id": user_id,
            "kind": kind,
            "status": DeliveryState.PENDING.value,
            "attempts": 0,
            "created_at": now,
            "attempted_at": now,
            "delivery_key": key,
        },
        conflict_columns=["delivery_key"],
    )
    if not claimed:
        # Taken again only if its delivery lapsed; of two replicas, the second finds the row
        # just re-claimed (a fresh attempted_at) and updates nothing.
        retaken = await conn.execute(
            update(sent_reminders)
            .where(sent_reminders.c.delivery_key == key, _claim_lapsed(now))
            .values(status=DeliveryState.PENDING.value, attempted_at=now)
            .returning(sent_reminders.c.id)
        )
        row_id = retaken.scalar_one_or_none()
        return None if row_id is None else int(row_id)
    row_id = await conn.scalar(
        select(sent_reminders.c.id).where(sent_reminders.c.delivery_key == key)
    )
    assert row_id is not None
    return int(row_id)


async def renew_claims(conn: AsyncConnection, reminder_ids: Sequence[int], *, now: datetime) -> int:
    """Extend the lease of these claims, those still pending (not yet recorded), to ``now``;
    how many were renewed."""
    renewed = 0
    ids = sorted(set(reminder_ids))
    for start in range(0, len(ids), RENEW_CHUNK):
        result = await conn.execute(
            update(sent_reminders)
            .where(
                sent_reminders.c.id.in_(ids[start : start + RENEW_CHUNK]),
                sent_reminders.c.status == DeliveryState.PENDING.value,
            )
            .values(attempted_at=now)
        )
        renewed += result.rowcount
    return renewed


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
            attempts=sent_reminders.c.attempts + attempts,
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
            plan_item_id=row.plan_item_id,
        )
        for row in await conn.execute(query)
    ]


@dataclass(frozen=True, slots=True)
class ReminderTarget:
    """A respondent of a school that still owes a form of an open monitoring."""

    campaign_id: int
    title: str | None  # the monitoring's own title, if it has one
    period_label: str
    opens_at: datetime
    deadline_at: datetime
    reminder_plan: dict[str, object] | None
    timezone: str
    school_id: int
    school_name: str
    user_id: int
    telegram_id: int
    # When one of the school's responses was last returned for revision (None: never):
    # reminders due before it are not sent (see ``core.schedule.reminders``).
    returned_at: datetime | None = None


def _owes() -> ColumnElement[bool]:
    """The school has not submitted every form of the campaign."""
    return done_forms(campaigns.c.id, schools.c.id) < form_count(campaigns.c.id)


async def _targets(conn: AsyncConnection, *conditions: ColumnElement[bool]) -> list[ReminderTarget]:
    """Reachable respondents of schools that still owe a form, in campaigns not closed."""
    returned_at = (
        select(func.max(response_events.c.at))
        .select_from(response_events)
        .join(responses, responses.c.id == response_events.c.response_id)
        .where(
            responses.c.campaign_id == campaigns.c.id,
            responses.c.school_id == schools.c.id,
            response_events.c.to_status == "returned",
        )
        .scalar_subquery()
    )
    query = (
        select(
            campaigns.c.id.label("campaign_id"),
            campaigns.c.title,
            campaigns.c.period_label,
            campaigns.c.opens_at,
            campaigns.c.deadline_at,
            campaigns.c.reminder_plan,
            municipalities.c.timezone,
            schools.c.id.label("school_id"),
            schools.c.short_name,
            users.c.id.label("user_id"),
            users.c.telegram_id,
            returned_at.label("returned_at"),
        )
        .select_from(campaigns)
        .join(municipalities, municipalities.c.id == campaigns.c.municipality_id)
        .join(campaign_schools, campaign_schools.c.campaign_id == campaigns.c.id)
        .join(schools, schools.c.id == campaign_schools.c.school_id)
        .join(
            role_grants,
            (role_grants.c.school_id == schools.c.id) & (role_grants.c.role == "respondent"),
        )
        .join(users, users.c.id == role_grants.c.user_id)
        .where(
            campaigns.c.closed_at.is_(None),
            users.c.removed_at.is_(None),
            users.c.unreachable_since.is_(None),
            _owes(),
            *conditions,
        )
        .order_by(campaigns.c.id, schools.c.id, users.c.id)
    )
    return [
        ReminderTarget(
            campaign_id=row.campaign_id,
            title=row.title,
            period_label=row.period_label,
            opens_at=row.opens_at,
            deadline_at=row.deadline_at,
            reminder_plan=row.reminder_plan,
            timezone=row.timezone,
            school_id=row.school_id,
            school_name=row.short_name,
            user_id=row.user_id,
            telegram_id=row.telegram_id,
            returned_at=row.returned_at,
        )
        for row in await conn.execute(query)
    ]


async def owed_forms(conn: AsyncConnection, campaign_id: int, school_id: int) -> list[CampaignForm]:
    """The forms of a campaign a school has not submitted, in the monitoring's order."""
    done = (
        select(responses.c.id)
        .where(
            responses.c.campaign_id == campaign_id,
            responses.c.school_id == school_id,
            responses.c.form_key == campaign_forms.c.form_key,
            responses.c.status.in_(("submitted", "accepted")),
        )
        .exists()
    )
    rows = await conn.execute(
        select(campaign_forms.c.form_key, campaign_forms.c.form_id)
        .where(campaign_forms.c.campaign_id == campaign_id, ~done)
        .order_by(campaign_forms.c.position)
    )
    return [CampaignForm(row.form_key, row.form_id) for row in rows]


async def reminder_targets(conn: AsyncConnection, now: datetime) -> list[ReminderTarget]:
    """Who may need a reminder now: the campaign has opened and its deadline is ahead."""
    return await _targets(conn, campaigns.c.opens_at <= now, campaigns.c.deadline_at > now)


async def sent_kinds(
    conn: AsyncConnection, campaign_ids: Sequence[int], now: datetime
) -> dict[tuple[int, int | None, int], set[str]]:
    """Kinds claimed and not lapsed (sent, unreachable, or still in hand), by (campaign, school,
    user): a lapsed one counts as not sent, so the tick computes it again and re-claims it."""
    if not campaign_ids:
        return {}
    found: dict[tuple[int, int | None, int], set[str]] = {}
    rows = await conn.execute(
        select(
            sent_reminders.c.campaign_id,
            sent_reminders.c.school_id,
            sent_reminders.c.user_id,
            sent_reminders.c.kind,
        ).where(sent_reminders.c.campaign_id.in_(list(campaign_ids)), ~_claim_lapsed(now))
    )
    for row in rows:
        found.setdefault((row.campaign_id, row.school_id, row.user_id), set()).add(row.kind)
    return found


async def sent_item_kinds(
    conn: AsyncConnection, item_ids: Sequence[int], now: datetime
) -> dict[tuple[int, int], set[str]]:
    """The kinds claimed and not lapsed of plan items' reminders, by (item, user)."""
    found: dict[tuple[int, int], set[str]] = {}
    ids = sorted(set(item_ids))
    for start in range(0, len(ids), RENEW_CHUNK):
        rows = await conn.execute(
            select(
                sent_reminders.c.plan_item_id, sent_reminders.c.user_id, sent_reminders.c.kind
            ).where(
                sent_reminders.c.plan_item_id.in_(ids[start : start + RENEW_CHUNK]),
                ~_claim_lapsed(now),
            )
        )
        for row in rows:
            found.setdefault((row.plan_item_id, row.user_id), set()).add(row.kind)
    return found


async def claimed_plan_kinds(
    conn: AsyncConnection, user_ids: Sequence[int], now: datetime
) -> dict[int, set[str]]:
    """The kinds claimed and not lapsed of digests about plans (no monitoring, no item), by user."""
    found: dict[int, set[str]] = {}
    if not user_ids:
        return found
    rows = await conn.execute(
        select(sent_reminders.c.user_id, sent_reminders.c.kind).where(
            sent_reminders.c.campaign_id.is_(None),
            sent_reminders.c.plan_item_id.is_(None),
            sent_reminders.c.user_id.in_(sorted(set(user_ids))),
            ~_claim_lapsed(now),
        )
    )
    for row in rows:
        found.setdefault(row.user_id, set()).add(row.kind)
    return found


async def mark_unreachable(conn: AsyncConnection, user_id: int, now: datetime) -> None:
    await conn.execute(
        update(users)
        .where(users.c.id == user_id, users.c.unreachable_since.is_(None))
        .values(unreachable_since=now)
    )


@dataclass(frozen=True, slots=True)
class LateSchool:
    """A school that had not submitted every form when its campaign's deadline passed (campaign
    open)."""

    campaign_id: int
    title: str | None
    period_label: str
    deadline_at: datetime
    reminder_plan: dict[str, object] | None
    timezone: str
    municipality_id: int
    school_id: int
    district_id: int | None
    school_name: str
    total_schools: int


async def late_schools(conn: AsyncConnection, now: datetime, since: datetime) -> list[LateSchool]:
    """Schools of open campaigns whose deadline passed between ``since`` and ``now`` and which
    still owe a form (no response, a draft, or one returned for revision)."""
    totals = (
        select(campaign_schools.c.campaign_id, func.count().label("total"))
        .group_by(campaign_schools.c.campaign_id)
        .subquery()
    )
    query = (
        select(
            campaigns.c.id.label("campaign_id"),
            campaigns.c.title,
            campaigns.c.period_label,
            campaigns.c.deadline_at,
            campaigns.c.reminder_plan,
            municipalities.c.timezone,
            campaigns.c.municipality_id,
            schools.c.id.label("school_id"),
            schools.c.district_id,
            schools.c.short_name,
            totals.c.total,
        )
        .select_from(campaigns)
        .join(municipalities, municipalities.c.id == campaigns.c.municipality_id)
        .join(totals, totals.c.campaign_id == campaigns.c.id)
        .join(campaign_schools, campaign_schools.c.campaign_id == campaigns.c.id)
        .join(schools, schools.c.id == campaign_schools.c.school_id)
        .where(
            campaigns.c.deadline_at <= now,
            campaigns.c.deadline_at > since,
            campaigns.c.closed_at.is_(None),
            _owes(),
        )
        .order_by(campaigns.c.id, schools.c.short_name)
    )
    return [
        LateSchool(
            campaign_id=row.campaign_id,
            title=row.title,
            period_label=row.period_label,
            deadline_at=row.deadline_at,
            reminder_plan=row.reminder_plan,
            timezone=row.timezone,
            municipality_id=row.municipality_id,
            school_id=row.school_id,
            district_id=row.district_id,
            school_name=row.short_name,
            total_schools=row.total,
        )
        for row in await conn.execute(query)
    ]


NUDGE_PREFIX = "nudge:"


async def nudge_targets(
    conn: AsyncConnection, campaign_id: int, school_ids: Sequence[int]
) -> list[ReminderTarget]:
    """Whom a nudge would reach: these schools of a campaign, before or after the deadline."""
    if not school_ids:
        return []
    return await _targets(conn, campaigns.c.id == campaign_id, schools.c.id.in_(list(school_ids)))


async def last_nudges(
    conn: AsyncConnection, campaign_id: int, school_ids: Sequence[int]
) -> dict[int, datetime]:
    """When each school of a campaign was last nudged (claimed; failed deliveries not counted)."""
    if not school_ids:
        return {}
    rows = await conn.execute(
        select(sent_reminders.c.school_id, func.max(sent_reminders.c.created_at).label("at"))
        .where(
            sent_reminders.c.campaign_id == campaign_id,
            sent_reminders.c.school_id.in_(list(school_ids)),
            sent_reminders.c.kind.startswith(NUDGE_PREFIX, autoescape=True),
            sent_reminders.c.status.in_((DeliveryState.PENDING.value, DeliveryState.SENT.value)),
        )
        .group_by(sent_reminders.c.school_id)
    )
    # max() keeps the column's type, so the values come back as aware UTC datetimes.
    return {int(row.school_id): row.at for row in rows if row.at is not None}


@dataclass(frozen=True, slots=True)
class BoardResponse:
    campaign_id: int
    school_id: int
    form_key: str
    response_id: int
    form_id: int
    status: str


async def board_responses(
    conn: AsyncConnection, campaign_ids: Sequence[int]
) -> dict[tuple[int, int, str], BoardResponse]:
    """The existing responses of these campaigns, by (campaign, school, form key)."""
    if not campaign_ids:
        return {}
    rows = await conn.execute(
        select(
            responses.c.id,
            responses.c.campaign_id,
            responses.c.school_id,
            responses.c.form_key,
            responses.c.form_id,
            responses.c.status,
        ).where(responses.c.campaign_id.in_(list(campaign_ids)))
    )
    return {
        (row.campaign_id, row.school_id, row.form_key): BoardResponse(
            row.campaign_id, row.school_id, row.form_key, row.id, row.form_id, row.status
        )
        for row in rows
    }
