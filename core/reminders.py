"""Reminders, computed on every tick from the database: who is due for what, claimed before sending.

A tick asks which respondents of schools that have not submitted have a reminder due (the
campaign's plan, in the municipality's time zone, out of quiet hours), claims each one under its
unique delivery key, then hands them to the delivery. A claim that already exists (an earlier
tick, another replica) is skipped, so nothing is sent twice; a bot that was down sends only the
latest due reminder per person, once.
"""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from html import escape
from zoneinfo import ZoneInfo

from core.access import Action, Target, allows
from core.actors import Actor
from core.questionnaires import FormCatalog
from core.schedule import (
    OPENING,
    ReminderPlan,
    digest_slots,
    latest_pending,
    respondent_slots,
    summary_slot,
)
from storage import Database
from storage.directory import get_school
from storage.people import Person, Role, list_people
from storage.reminders import (
    DeliveryState,
    LateSchool,
    ReminderTarget,
    claim,
    late_schools,
    mark_unreachable,
    record_delivery,
    reminder_targets,
    sent_kinds,
)
from storage.responses import get_or_create_response
from texts import reminders as texts

# Digests stop this long after a deadline, even for a campaign nobody closed.
DIGEST_HORIZON = timedelta(days=30)


class Outcome(StrEnum):
    SENT = "sent"
    UNREACHABLE = "unreachable"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Notice:
    """One message to one person; a reminder's button opens ``response_id``."""

    reminder_id: int
    user_id: int
    telegram_id: int
    text: str
    response_id: int | None = None
    school_id: int | None = None  # the school a respondent was reminded about
    campaign_id: int | None = None


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
        already = await sent_kinds(conn, sorted({t.campaign_id for t in targets}), now)
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
                school_id=target.school_id,
                campaign_id=target.campaign_id,
            )
        )
    people = await _people(database)
    notices.extend(await _digests(database, catalog, people, now=now))
    report.claimed = len(notices)
    unreachable: list[Notice] = []

    async def record(result: NoticeResult) -> None:
        report.outcomes[result.outcome] += 1
        await record_result(database, result, now=now)
        if result.outcome is Outcome.UNREACHABLE:
            unreachable.append(result.notice)

    if notices:
        await deliver(notices, record)
    follow_ups = await _tell_coordinators(database, people, unreachable, now=now)
    if follow_ups:
        report.claimed += len(follow_ups)
        await deliver(follow_ups, record)
    return report


async def record_result(database: Database, result: NoticeResult, *, now: datetime) -> None:
    """Keep what became of a claimed message; someone who blocked the bot is not tried again."""
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


async def _people(database: Database) -> list[Person]:
    async with database.read() as conn:
        return [p for p in await list_people(conn) if p.user.unreachable_since is None]


def _holding(person: Person, role: Role) -> Actor | None:
    """The person acting in ``role`` only (their other roles do not widen what they receive)."""
    grants = tuple(g for g in person.grants if g.role is role)
    if not grants:
        return None
    return Actor(telegram_id=person.user.telegram_id, user=person.user, grants=grants)


def _covers(actor: Actor, school: LateSchool) -> bool:
    target = Target(school.municipality_id, school.district_id, school.school_id)
    return allows(actor, Action.VIEW_STATUS, target)


async def _digests(
    database: Database, catalog: FormCatalog, people: list[Person], *, now: datetime
) -> list[Notice]:
    """After a deadline: a daily digest of late schools to each coordinator whose scope has any,
    and one summary to each methodist."""
    async with database.read() as conn:
        late = await late_schools(conn, now, now - DIGEST_HORIZON)
        already = await sent_kinds(conn, sorted({school.campaign_id for school in late}), now)
    by_campaign: dict[int, list[LateSchool]] = {}
    for school in late:
        by_campaign.setdefault(school.campaign_id, []).append(school)
    notices: list[Notice] = []
    for campaign_id, schools in by_campaign.items():
        first = schools[0]
        plan = ReminderPlan.from_json(first.reminder_plan)
        title = (await catalog.definition(database, first.form_id)).title
        for person in people:
            sent = already.get((campaign_id, None, person.user.id), set())
            for role, slots in (
                (
                    Role.COORDINATOR,
                    digest_slots(
                        plan, deadline_at=first.deadline_at, timezone=first.timezone, now=now
                    ),
                ),
                (
                    Role.METHODIST,
                    [summary_slot(plan, deadline_at=first.deadline_at, timezone=first.timezone)],
                ),
            ):
                actor = _holding(person, role)
                if actor is None:
                    continue
                mine = [school for school in schools if _covers(actor, school)]
                slot = latest_pending(slots, now, sent=sent, timezone=first.timezone, plan=plan)
                if not mine or slot is None:
                    continue
                async with database.write() as conn:
                    reminder_id = await claim(
                        conn,
                        campaign_id=campaign_id,
                        school_id=None,
                        user_id=person.user.id,
                        kind=slot.kind,
                        now=now,
                    )
                if reminder_id is not None:
                    text = _digest_text(role, title, mine, first)
                    notices.append(
                        Notice(reminder_id, person.user.id, person.user.telegram_id, text)
                    )
    return notices


def _digest_text(role: Role, title: str, late: list[LateSchool], first: LateSchool) -> str:
    values = {
        "title": escape(title),
        "period": escape(first.period_label),
        "deadline": first.deadline_at.astimezone(ZoneInfo(first.timezone)).strftime("%d.%m.%Y"),
        "schools": escape(", ".join(school.school_name for school in late)),
        "late": len(late),
        "total": first.total_schools,
        "done": first.total_schools - len(late),
    }
    template = texts.SUMMARY if role is Role.METHODIST else texts.DIGEST
    return template.format(**values)


async def _tell_coordinators(
    database: Database, people: list[Person], unreachable: list[Notice], *, now: datetime
) -> list[Notice]:
    """A respondent who blocked the bot is not retried; their school's coordinators hear of it."""
    notices: list[Notice] = []
    for notice in unreachable:
        if notice.school_id is None or notice.campaign_id is None:
            continue
        async with database.read() as conn:
            school = await get_school(conn, notice.school_id)
            person = next((p for p in await list_people(conn) if p.user.id == notice.user_id), None)
        if school is None:
            continue
        name = person.user.full_name if person else "—"
        for coordinator in people:
            actor = _holding(coordinator, Role.COORDINATOR)
            if actor is None or not allows(actor, Action.VIEW_STATUS, Target.school(school)):
                continue
            async with database.write() as conn:
                reminder_id = await claim(
                    conn,
                    campaign_id=notice.campaign_id,
                    school_id=school.id,
                    user_id=coordinator.user.id,
                    kind=f"unreachable:{notice.user_id}",
                    now=now,
                )
            if reminder_id is not None:
                text = texts.UNREACHABLE.format(name=escape(name), school=escape(school.short_name))
                notices.append(
                    Notice(reminder_id, coordinator.user.id, coordinator.user.telegram_id, text)
                )
    return notices
