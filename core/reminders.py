"""Reminders, computed on every tick from the database: who is due for what, claimed before sending.

A tick asks which respondents of schools that have not submitted have a reminder due (the
campaign's plan, in the municipality's time zone, out of quiet hours), claims each one under its
unique delivery key, then hands them to the delivery. A claim that already exists (an earlier
tick, another replica) is skipped, so nothing is sent twice; a bot that was down sends only the
latest due reminder per person, once.

A tick holds its claims as a lease (see ``storage.reminders``): while it claims and delivers, a
heartbeat renews the claims not yet recorded every ``LEASE_RENEWAL``, so another replica never
takes one over while this process lives, and when the process dies its unsent claims lapse after
``PENDING_LEASE`` and the next tick of any replica sends them. The guarantee: no reminder is lost,
and one is sent twice only if its request was in flight when the process died (its claim was
never recorded, so it is sent again). A tick that could not renew its lease for nearly
``PENDING_LEASE`` stops (``LeaseLost``) rather than send what another replica may have taken.

A person hears of everything due for them in one tick in **one message**: a new respondent, or a
school in several open rounds, gets the forms that opened and the deadlines that are near listed
in one message with one "Открыть: …" button per form, not a message per form. Each listed reminder
is still claimed under its own key (all of one person's claims in one transaction, so a second
replica finds all or none of them), and the message's fate is recorded on every reminder it
carries: sent, failed (all of them claimed again later, together) or unreachable.
"""

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from html import escape
from zoneinfo import ZoneInfo

from sqlalchemy.exc import SQLAlchemyError

from core.access import Action, Target, allows
from core.actors import Actor, person_as
from core.directory import load_directory
from core.plans.follow_up import REMINDER_PLAN as PLAN_HOURS
from core.plans.follow_up import overdue_digests, owner_reminders
from core.questionnaires import FormCatalog, monitoring_title
from core.schedule import (
    OPENING,
    ReminderPlan,
    digest_slots,
    latest_pending,
    respondent_slots,
    summary_slot,
)
from storage import Database
from storage.campaigns import campaign_owner_ids, forms_of
from storage.directory import get_school
from storage.people import Person, Role, list_people
from storage.reminders import (
    LEASE_RENEWAL,
    PENDING_LEASE,
    DeliveryState,
    LateSchool,
    ReminderTarget,
    claim,
    late_schools,
    mark_unreachable,
    owed_forms,
    record_delivery,
    reminder_targets,
    renew_claims,
    sent_kinds,
)
from storage.responses import Response, get_or_create_response
from texts import reminders as texts
from texts.plurals import DAYS, FORMS, counted, word

log = logging.getLogger(__name__)

# Digests stop this long after a deadline, even for a campaign nobody closed.
DIGEST_HORIZON = timedelta(days=30)


class Outcome(StrEnum):
    SENT = "sent"
    UNREACHABLE = "unreachable"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Claimed:
    """One claimed reminder a message carries (its row in ``sent_reminders``)."""

    reminder_id: int
    campaign_id: int | None = None
    school_id: int | None = None


@dataclass(frozen=True, slots=True)
class OpenButton:
    """A button under a message that opens a response."""

    label: str
    response_id: int


@dataclass(frozen=True, slots=True)
class DoneButton:
    """A button under a message that reports a plan's item done."""

    label: str
    item_id: int


@dataclass(frozen=True, slots=True)
class Notice:
    """One message to one person; a reminder's button opens ``response_id``.

    A message that carries several reminders names the others in ``also`` (each with its own
    claim: what becomes of the message becomes of all of them) and has one button per form in
    ``buttons`` (then ``response_id`` is not used)."""

    reminder_id: int
    user_id: int
    telegram_id: int
    text: str
    response_id: int | None = None
    school_id: int | None = None  # the school a respondent was reminded about
    campaign_id: int | None = None
    also: tuple[Claimed, ...] = ()
    buttons: tuple[OpenButton | DoneButton, ...] = ()

    @property
    def claims(self) -> tuple[Claimed, ...]:
        """Every reminder this message carries, its own first."""
        return (Claimed(self.reminder_id, self.campaign_id, self.school_id), *self.also)


@dataclass(frozen=True, slots=True)
class NoticeResult:
    notice: Notice
    outcome: Outcome
    attempts: int
    error: str | None = None


Deliver = Callable[[Sequence[Notice], Callable[[NoticeResult], Awaitable[None]]], Awaitable[None]]


@dataclass(slots=True)
class TickReport:
    """``due`` and ``claimed`` count reminders, ``messages`` the messages that carried them,
    ``outcomes`` the reminders by what became of their message."""

    due: int = 0
    claimed: int = 0
    messages: int = 0
    outcomes: dict[Outcome, int] = field(default_factory=lambda: dict.fromkeys(Outcome, 0))


# A person's reminders of one tick go in one message, unless they would not fit: then in as few
# as fit (Telegram allows 4,096 characters; a button per form keeps the keyboard short).
MESSAGE_LIMIT = 3500
FORMS_PER_MESSAGE = 10


@dataclass(frozen=True, slots=True)
class _Owed:
    """A form the school has not handed in yet: its response and its short title."""

    response_id: int
    short_title: str


@dataclass(frozen=True, slots=True)
class _Due:
    """One respondent reminder claimed in this tick, with what its lines and buttons need: the
    monitoring's title and the forms of it the school still owes."""

    target: ReminderTarget
    kind: str
    reminder_id: int
    title: str
    owed: tuple[_Owed, ...]
    forms: int  # in the monitoring: with several, the owed ones are named

    @property
    def several(self) -> bool:
        return self.forms > 1

    @property
    def all_owed(self) -> bool:
        return len(self.owed) == self.forms

    @property
    def opening(self) -> bool:
        return self.kind == OPENING

    @property
    def response_id(self) -> int:
        return self.owed[0].response_id

    @property
    def owed_names(self) -> str:
        return ", ".join(f"«{escape(form.short_title)}»" for form in self.owed)


def reminder_text(target: ReminderTarget, kind: str, title: str, *, several: bool = False) -> str:
    """A reminder of a form, or of a monitoring of ``several`` forms."""
    zone = ZoneInfo(target.timezone)
    values = {
        "title": escape(title),
        "period": escape(target.period_label),
        "school": escape(target.school_name),
        "deadline": target.deadline_at.astimezone(zone).strftime("%d.%m.%Y %H:%M"),
    }
    if kind == OPENING:
        return (texts.OPENING_MONITORING if several else texts.OPENING).format(**values)
    if kind.startswith("before:"):
        days = kind.removeprefix("before:").removesuffix("d")
        return (texts.BEFORE_MONITORING if several else texts.BEFORE).format(**values, days=days)
    return (texts.DEADLINE_MONITORING if several else texts.DEADLINE).format(**values)


class LeaseLost(RuntimeError):
    """The tick could not renew its claims for nearly ``PENDING_LEASE`` and stopped sending."""


class ClaimLease:
    """The claims a sender holds (a tick, a nudge, a review's notices), renewed by a heartbeat
    until each is recorded: ``hold`` them once claimed, ``release`` them once recorded, and
    deliver inside ``kept()``.

    ``clock`` gives the time written on a renewal; by default the tick's ``now`` plus the time
    elapsed since the tick started (the tick's ``now`` is fixed, a renewal must be later).
    """

    def __init__(
        self, database: Database, now: datetime, clock: Callable[[], datetime] | None = None
    ) -> None:
        self._database = database
        self._started = time.monotonic()
        self._now = now
        self._clock = clock or self._elapsed
        self._held: set[int] = set()
        self._renewed = self._started  # monotonic time of the last renewal (or the claims)
        self.lost = False

    def _elapsed(self) -> datetime:
        return self._now + timedelta(seconds=time.monotonic() - self._started)

    def hold(self, reminder_ids: Iterable[int]) -> None:
        self._held.update(reminder_ids)

    def release(self, reminder_ids: Iterable[int]) -> None:
        self._held.difference_update(reminder_ids)

    async def _renew(self, owner: asyncio.Task[object]) -> None:
        interval = LEASE_RENEWAL.total_seconds()
        # Give up while a renewal is still due before the lease lapses for other replicas.
        deadline = (PENDING_LEASE - LEASE_RENEWAL).total_seconds()
        while True:
            await asyncio.sleep(interval)
            held = sorted(self._held)
            if not held:
                self._renewed = time.monotonic()
                continue
            try:
                async with self._database.write() as conn:
                    await renew_claims(conn, held, now=self._clock())
            except (SQLAlchemyError, OSError):
                log.exception("could not renew the lease of %d reminder claim(s)", len(held))
            else:
                self._renewed = time.monotonic()
                continue
            if time.monotonic() - self._renewed >= deadline:
                self.lost = True
                owner.cancel()
                return

    @asynccontextmanager
    async def kept(self) -> AsyncIterator[None]:
        """Renew the held claims while the body runs; ``LeaseLost`` if they could not be."""
        owner = asyncio.current_task()
        assert owner is not None
        heartbeat = asyncio.create_task(self._renew(owner))
        try:
            yield
        except asyncio.CancelledError:
            if self.lost and owner.uncancel() == 0:
                raise LeaseLost(f"{len(self._held)} claim(s) could not be renewed") from None
            raise
        finally:
            heartbeat.cancel()
            await asyncio.gather(heartbeat, return_exceptions=True)


async def run_tick(
    database: Database,
    catalog: FormCatalog,
    deliver: Deliver,
    *,
    now: datetime,
    lease_clock: Callable[[], datetime] | None = None,
    plan_hours: ReminderPlan = PLAN_HOURS,
) -> TickReport:
    """Claim what is due at ``now`` and deliver it, renewing the claims until each is recorded
    (``lease_clock``: the time of a renewal, for tests; see :class:`ClaimLease`). Plans' items
    are reminded at ``plan_hours`` (``core.plans.follow_up``)."""
    lease = ClaimLease(database, now, lease_clock)
    async with lease.kept():
        return await _tick(database, catalog, deliver, now=now, lease=lease, plan_hours=plan_hours)


async def _tick(
    database: Database,
    catalog: FormCatalog,
    deliver: Deliver,
    *,
    now: datetime,
    lease: ClaimLease,
    plan_hours: ReminderPlan,
) -> TickReport:
    report = TickReport()
    async with database.read() as conn:
        targets = await reminder_targets(conn, now)
        already = await sent_kinds(conn, sorted({t.campaign_id for t in targets}), now)
    wanted: dict[int, list[tuple[ReminderTarget, str]]] = {}
    for target in targets:
        plan = ReminderPlan.from_json(target.reminder_plan)
        slots = respondent_slots(
            plan,
            opens_at=target.opens_at,
            deadline_at=target.deadline_at,
            timezone=target.timezone,
            returned_at=target.returned_at,
        )
        sent = already.get((target.campaign_id, target.school_id, target.user_id), set())
        slot = latest_pending(slots, now, sent=sent, timezone=target.timezone, plan=plan)
        if slot is None:
            continue
        report.due += 1
        wanted.setdefault(target.user_id, []).append((target, slot.kind))
    notices: list[Notice] = []
    for reminders in wanted.values():
        claimed = await _claim_all(database, catalog, reminders, now=now)
        lease.hold(due.reminder_id for due in claimed)
        notices.extend(_respondent_notices(claimed))
    people = await _people(database)
    digests = await _digests(database, catalog, people, now=now)
    lease.hold(claimed.reminder_id for notice in digests for claimed in notice.claims)
    notices.extend(digests)
    for notice in await _plan_notices(database, people, now=now, hours=plan_hours):
        lease.hold(claimed.reminder_id for claimed in notice.claims)
        notices.append(notice)
    unreachable: list[Notice] = []

    async def record(result: NoticeResult) -> None:
        report.outcomes[result.outcome] += len(result.notice.claims)
        await record_result(database, result, now=now)
        lease.release(claimed.reminder_id for claimed in result.notice.claims)
        if result.outcome is Outcome.UNREACHABLE:
            unreachable.append(result.notice)

    if notices:
        report.claimed += sum(len(notice.claims) for notice in notices)
        report.messages += len(notices)
        await deliver(notices, record)
    follow_ups = await _tell_coordinators(database, people, unreachable, now=now)
    lease.hold(claimed.reminder_id for notice in follow_ups for claimed in notice.claims)
    if follow_ups:
        report.claimed += sum(len(notice.claims) for notice in follow_ups)
        report.messages += len(follow_ups)
        await deliver(follow_ups, record)
    return report


async def _plan_notices(
    database: Database, people: list[Person], *, now: datetime, hours: ReminderPlan
) -> list[Notice]:
    """Owners' reminders of their plans' items, and the digests of overdue items
    (``core.plans.follow_up``)."""
    directory = await load_directory(database)
    notices = [
        Notice(
            message.reminder_ids[0],
            message.user_id,
            message.telegram_id,
            message.text,
            also=tuple(Claimed(reminder_id) for reminder_id in message.reminder_ids[1:]),
            buttons=tuple(DoneButton(label, item_id) for label, item_id in message.buttons),
        )
        for message in await owner_reminders(database, directory, people, now=now, hours=hours)
    ]
    notices += [
        Notice(digest.reminder_id, digest.user_id, digest.telegram_id, digest.text)
        for digest in await overdue_digests(database, directory, people, now=now, hours=hours)
    ]
    return notices


async def _claim_all(
    database: Database,
    catalog: FormCatalog,
    reminders: list[tuple[ReminderTarget, str]],
    *,
    now: datetime,
) -> list[_Due]:
    """Claim one person's due reminders, each under its own key, in one transaction (a replica
    ticking at the same moment finds them all claimed, or claims them all itself)."""
    claimed: list[tuple[ReminderTarget, str, int, list[Response], list[int]]] = []
    async with database.write() as conn:
        for target, kind in reminders:
            owing = await owed_forms(conn, target.campaign_id, target.school_id)
            if not owing:  # handed in since the targets were read: nothing to remind of
                continue
            reminder_id = await claim(
                conn,
                campaign_id=target.campaign_id,
                school_id=target.school_id,
                user_id=target.user_id,
                kind=kind,
                now=now,
            )
            if reminder_id is None:
                continue  # another tick or replica has it
            owed = [
                await get_or_create_response(
                    conn, target.campaign_id, target.school_id, form.key, form.form_id, now
                )
                for form in owing
            ]
            every = [
                form.form_id
                for form in (await forms_of(conn, [target.campaign_id]))[target.campaign_id]
            ]
            claimed.append((target, kind, reminder_id, owed, every))
    found: list[_Due] = []
    for target, kind, reminder_id, owed, every in claimed:
        title = await monitoring_title(database, catalog, target.title, every)
        forms: list[_Owed] = []
        for response in owed:
            form = await catalog.definition(database, response.form_id)
            forms.append(_Owed(response.id, form.short_title))
        found.append(_Due(target, kind, reminder_id, title, tuple(forms), len(every)))
    return found


def _respondent_notices(reminders: list[_Due]) -> list[Notice]:
    """One person's reminders of a tick as messages: one alone keeps its own text and the one
    "Открыть анкету" button; several go in one message (or as few as fit), the forms that opened
    first, then the deadlines by date, with a button per form."""
    ordered = sorted(
        reminders,
        key=lambda due: (not due.opening, due.target.deadline_at, due.target.campaign_id),
    )
    notices: list[Notice] = []
    batch: list[_Due] = []
    for due in ordered:
        forms = sum(len(each.owed) for each in (*batch, due))  # a button each
        if batch and (
            forms > FORMS_PER_MESSAGE or len(_combined_text([*batch, due])) > MESSAGE_LIMIT
        ):
            notices.append(_notice(batch))
            batch = []
        batch.append(due)
    if batch:
        notices.append(_notice(batch))
    return notices


def _notice(batch: list[_Due]) -> Notice:
    first, *others = batch
    target = first.target
    if not others:
        text = reminder_text(target, first.kind, first.title, several=first.several)
        if first.several:
            owed = texts.MONITORING_FORMS if first.all_owed else texts.OWED_FORMS
            text += " " + owed.format(forms=first.owed_names)
        return Notice(
            reminder_id=first.reminder_id,
            user_id=target.user_id,
            telegram_id=target.telegram_id,
            text=text,
            response_id=first.response_id,
            school_id=target.school_id,
            campaign_id=target.campaign_id,
            buttons=_buttons(batch) if len(first.owed) > 1 else (),
        )
    return Notice(
        reminder_id=first.reminder_id,
        user_id=target.user_id,
        telegram_id=target.telegram_id,
        text=_combined_text(batch),
        response_id=first.response_id,
        school_id=target.school_id,
        campaign_id=target.campaign_id,
        also=tuple(
            Claimed(due.reminder_id, due.target.campaign_id, due.target.school_id) for due in others
        ),
        buttons=_buttons(batch),
    )


def _deadline(target: ReminderTarget) -> str:
    return target.deadline_at.astimezone(ZoneInfo(target.timezone)).strftime("%d.%m.%Y %H:%M")


def _combined_text(batch: list[_Due]) -> str:
    """Several reminders in one message: a section for the forms that opened, one for the near
    deadlines; the school in the heading when it is one, else on each line."""
    schools = {due.target.school_id for due in batch}
    school = escape(batch[0].target.school_name) if len(schools) == 1 else None
    opened = [due for due in batch if due.opening]
    near = [due for due in batch if not due.opening]
    sections: list[str] = []
    if opened:
        # Forms, not monitorings: a monitoring of six forms and one form make seven.
        forms = sum(len(due.owed) for due in opened)
        count = counted(forms, FORMS) if forms > 1 else word(1, FORMS)
        if school is None:
            heading = word(forms, texts.OPENED_HEADER).format(count=count)
        else:
            heading = word(forms, texts.OPENED_HEADER_FOR).format(school=school, count=count)
        lines = [
            texts.ITEM_OPENED.format(item=_item(due, school), deadline=_deadline(due.target))
            + _owed_line(due)
            for due in opened
        ]
        sections.append("\n".join([heading, *lines]))
    if near:
        heading = texts.DUE_HEADER if school is None else texts.DUE_HEADER_FOR.format(school=school)
        sections.append(
            "\n".join([heading, *(_near_line(due, school) + _owed_line(due) for due in near)])
        )
    return "\n\n".join(sections)


def _owed_line(due: _Due) -> str:
    """Under a monitoring's line: its forms (none handed in yet) or those still owed."""
    if not due.several:
        return ""
    line = texts.MONITORING_FORMS_LINE if due.all_owed else texts.OWED_FORMS_LINE
    return "\n" + line.format(forms=due.owed_names)


def _item(due: _Due, school: str | None) -> str:
    values = {"title": escape(due.title), "period": escape(due.target.period_label)}
    if school is not None:
        return texts.ITEM.format(**values)
    return texts.ITEM_SCHOOL.format(**values, school=escape(due.target.school_name))


def _near_line(due: _Due, school: str | None) -> str:
    item, deadline = _item(due, school), _deadline(due.target)
    if due.kind.startswith("before:"):
        days = int(due.kind.removeprefix("before:").removesuffix("d"))
        return texts.ITEM_BEFORE.format(item=item, days=counted(days, DAYS), deadline=deadline)
    return texts.ITEM_DEADLINE.format(item=item, deadline=deadline)


def _buttons(batch: list[_Due]) -> tuple[OpenButton, ...]:
    """ "Открыть: <form>" per owed form; the period, then the school, added where a label
    repeats."""
    owed = [(due, form) for due in batch for form in due.owed]
    forms = [form.short_title for _, form in owed]
    periods = [(form.short_title, due.target.period_label) for due, form in owed]
    buttons: list[OpenButton] = []
    for due, form in owed:
        values = {"form": form.short_title, "period": due.target.period_label}
        if forms.count(form.short_title) == 1:
            label = texts.OPEN_FORM_BUTTON.format(**values)
        elif periods.count((form.short_title, due.target.period_label)) == 1:
            label = texts.OPEN_FORM_PERIOD_BUTTON.format(**values)
        else:
            label = texts.OPEN_FORM_SCHOOL_BUTTON.format(**values, school=due.target.school_name)
        buttons.append(OpenButton(label, form.response_id))
    return tuple(buttons)


async def record_result(database: Database, result: NoticeResult, *, now: datetime) -> None:
    """Keep what became of a claimed message, on every reminder it carried; someone who blocked
    the bot is not tried again."""
    async with database.write() as conn:
        for claimed in result.notice.claims:
            await record_delivery(
                conn,
                claimed.reminder_id,
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


def _covers(actor: Actor, school: LateSchool) -> bool:
    target = Target(school.municipality_id, school.district_id, school.school_id)
    return allows(actor, Action.VIEW_STATUS, target)


def _owner_reader(person: Person) -> Actor | None:
    return person_as(person, Role.METHODIST) or person_as(person, Role.ADMIN)


def _able_owners(
    owners: tuple[int, ...], people: dict[int, Person], schools: list[LateSchool]
) -> tuple[int, ...]:
    """The round's owners who can get its summary: reachable, and still a methodist or an
    administrator who sees some of its schools (one who lost the role, or moved to another
    municipality, cannot read it and so does not keep it from the other methodists)."""
    able: list[int] = []
    for owner in owners:
        person = people.get(owner)
        actor = None if person is None else _owner_reader(person)
        if actor is not None and any(_covers(actor, school) for school in schools):
            able.append(owner)
    return tuple(able)


def _summary_reader(person: Person, owners: tuple[int, ...]) -> Actor | None:
    """Who gets a round's summary as whom: every methodist, or only the round's owners when it
    has any (a monitoring plan's specialist for the direction), as a methodist or, for an
    owner who is an administrator, as one."""
    if not owners:
        return person_as(person, Role.METHODIST)
    if person.user.id not in owners:
        return None
    return _owner_reader(person)


async def _digests(
    database: Database, catalog: FormCatalog, people: list[Person], *, now: datetime
) -> list[Notice]:
    """After a deadline: a daily digest of late schools to each coordinator whose scope has any,
    and one summary to each methodist — to the round's owners instead when it has owners (the
    specialist a monitoring plan names answers for the direction; the other methodists would
    only get noise about rounds that are not theirs), unless none of them can get it (blocked
    the bot, left, or no longer a methodist or administrator over the round's schools)."""
    async with database.read() as conn:
        late = await late_schools(conn, now, now - DIGEST_HORIZON)
        already = await sent_kinds(conn, sorted({school.campaign_id for school in late}), now)
        owners_of = await campaign_owner_ids(conn, sorted({school.campaign_id for school in late}))
    by_campaign: dict[int, list[LateSchool]] = {}
    for school in late:
        by_campaign.setdefault(school.campaign_id, []).append(school)
    present = {person.user.id: person for person in people}
    notices: list[Notice] = []
    for campaign_id, schools in by_campaign.items():
        first = schools[0]
        # Owners who cannot get the summary hand it back to every methodist.
        owners = _able_owners(owners_of.get(campaign_id, ()), present, schools)
        plan = ReminderPlan.from_json(first.reminder_plan)
        async with database.read() as conn:
            every = (await forms_of(conn, [campaign_id]))[campaign_id]
        title = await monitoring_title(
            database, catalog, first.title, [form.form_id for form in every]
        )
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
                if role is Role.METHODIST:
                    actor = _summary_reader(person, owners)
                else:
                    actor = person_as(person, role)
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
                    text = _digest_text(role, title, mine, first, several=len(every) > 1)
                    notices.append(
                        Notice(reminder_id, person.user.id, person.user.telegram_id, text)
                    )
    return notices


def _digest_text(
    role: Role, title: str, late: list[LateSchool], first: LateSchool, *, several: bool
) -> str:
    values = {
        "title": escape(title),
        "period": escape(first.period_label),
        "deadline": first.deadline_at.astimezone(ZoneInfo(first.timezone)).strftime("%d.%m.%Y"),
        "schools": escape(", ".join(school.school_name for school in late)),
        "late": len(late),
        "total": first.total_schools,
        "done": first.total_schools - len(late),
    }
    if role is Role.METHODIST:
        return (texts.SUMMARY_MONITORING if several else texts.SUMMARY).format(**values)
    return (texts.DIGEST_MONITORING if several else texts.DIGEST).format(**values)


async def _tell_coordinators(
    database: Database, people: list[Person], unreachable: list[Notice], *, now: datetime
) -> list[Notice]:
    """A respondent who blocked the bot is not retried; their school's coordinators hear of it,
    once per person and school (claimed per campaign the person was reminded of)."""
    campaigns: dict[tuple[int, int], list[int]] = {}  # (user, school) -> campaigns
    for notice in unreachable:
        for claimed in notice.claims:
            if claimed.school_id is None or claimed.campaign_id is None:
                continue
            found = campaigns.setdefault((notice.user_id, claimed.school_id), [])
            if claimed.campaign_id not in found:
                found.append(claimed.campaign_id)
    notices: list[Notice] = []
    for (user_id, school_id), campaign_ids in campaigns.items():
        async with database.read() as conn:
            school = await get_school(conn, school_id)
            person = next((p for p in await list_people(conn) if p.user.id == user_id), None)
        if school is None:
            continue
        name = person.user.full_name if person else "—"
        for coordinator in people:
            actor = person_as(coordinator, Role.COORDINATOR)
            if actor is None or not allows(actor, Action.VIEW_STATUS, Target.school(school)):
                continue
            claims: list[Claimed] = []
            async with database.write() as conn:
                for campaign_id in campaign_ids:
                    reminder_id = await claim(
                        conn,
                        campaign_id=campaign_id,
                        school_id=school.id,
                        user_id=coordinator.user.id,
                        kind=f"unreachable:{user_id}",
                        now=now,
                    )
                    if reminder_id is not None:
                        claims.append(Claimed(reminder_id, campaign_id, school.id))
            if claims:
                text = texts.UNREACHABLE.format(name=escape(name), school=escape(school.short_name))
                first, *others = claims
                notices.append(
                    Notice(
                        first.reminder_id,
                        coordinator.user.id,
                        coordinator.user.telegram_id,
                        text,
                        also=tuple(others),
                    )
                )
    return notices
