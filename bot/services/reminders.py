"""Reminders, computed on every tick from the database: who is due for what, claimed before sending.

A tick asks which respondents of schools that have not submitted have a reminder due (the
campaign's plan, in the municipality's time zone, out of quiet hours), claims each one under its
unique delivery key, then hands them to the delivery. A claim that already exists (an earlier
tick, another replica) is skipped, so nothing is sent twice; a bot that was down sends only the
latest due reminder per person, once.
"""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from html import escape
from zoneinfo import ZoneInfo

from bot.services.questionnaires import FormCatalog
from bot.services.schedule import OPENING, ReminderPlan, latest_pending, respondent_slots
from bot.texts import reminders as texts
from storage import Database
from storage.reminders import (
    DeliveryState,
    ReminderTarget,
    claim,
    mark_unreachable,
    record_delivery,
    reminder_targets,
    sent_kinds,
)
from storage.responses import get_or_create_response


class Outcome(StrEnum):
    SENT = "sent"
    UNREACHABLE = "unreachable"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Notice:
    """One message to one person, with the response its button opens."""

    reminder_id: int
    user_id: int
    telegram_id: int
    text: str
    response_id: int


@dataclass(frozen=True, slots=True)
class NoticeResult:
    notice: Notice
    outcome: Outcome
    attempts: int
    error: str | None = None


Deliver = Callable[[Sequence[Notice], Callable[[NoticeResult], Awaitable[None]]], Awaitable[None]]


@dataclass(slots=True)
class TickReport:
    due: int = 0
    claimed: int = 0
    outcomes: dict[Outcome, int] = field(default_factory=lambda: dict.fromkeys(Outcome, 0))


def reminder_text(target: ReminderTarget, kind: str, title: str) -> str:
    zone = ZoneInfo(target.timezone)
    values = {
        "title": escape(title),
        "period": escape(target.period_label),
        "school": escape(target.school_name),
        "deadline": target.deadline_at.astimezone(zone).strftime("%d.%m.%Y %H:%M"),
    }
    if kind == OPENING:
        return texts.OPENING.format(**values)
    if kind.startswith("before:"):
        return texts.BEFORE.format(**values, days=kind.removeprefix("before:").removesuffix("d"))
    return texts.DEADLINE.format(**values)


async def run_tick(
    database: Database, catalog: FormCatalog, deliver: Deliver, *, now: datetime
) -> TickReport:
    report = TickReport()
    async with database.read() as conn:
        targets = await reminder_targets(conn, now)
        already = await sent_kinds(conn, sorted({t.campaign_id for t in targets}))
    notices: list[Notice] = []
    for target in targets:
        plan = ReminderPlan.from_json(target.reminder_plan)
        slots = respondent_slots(
            plan, opens_at=target.opens_at, deadline_at=target.deadline_at, timezone=target.timezone
        )
        sent = already.get((target.campaign_id, target.school_id, target.user_id), set())
        slot = latest_pending(slots, now, sent=sent, timezone=target.timezone, plan=plan)
        if slot is None:
            continue
        report.due += 1
        async with database.write() as conn:
            reminder_id = await claim(
                conn,
                campaign_id=target.campaign_id,
                school_id=target.school_id,
                user_id=target.user_id,
                kind=slot.kind,
                now=now,
            )
            if reminder_id is None:
                continue  # another tick or replica has it
            response = await get_or_create_response(
                conn, target.campaign_id, target.school_id, target.form_id, now
            )
        form = await catalog.definition(database, target.form_id)
        notices.append(
            Notice(
                reminder_id=reminder_id,
                user_id=target.user_id,
                telegram_id=target.telegram_id,
                text=reminder_text(target, slot.kind, form.title),
                response_id=response.id,
            )
        )
    report.claimed = len(notices)

    async def record(result: NoticeResult) -> None:
        report.outcomes[result.outcome] += 1
        async with database.write() as conn:
            await record_delivery(
                conn,
                result.notice.reminder_id,
                DeliveryState(result.outcome.value),
                attempts=result.attempts,
                error=result.error,
                now=now,
            )
            if result.outcome is Outcome.UNREACHABLE:
                await mark_unreachable(conn, result.notice.user_id, now)

    if notices:
        await deliver(notices, record)
    return report
