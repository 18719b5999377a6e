"""Monitoring rounds: opening one, changing its deadline, adding schools, closing it early.

A campaign belongs to one municipality; whoever runs campaigns there (a methodist, an admin)
may open and change it. Times are UTC-aware datetimes; the chat turns the municipality's local
dates into them (``local_moment``, ``local_deadline``).
"""

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncConnection

from core.access import Action, Target, allows, authorize
from core.actors import Actor
from core.directory import Directory, load_directory
from core.forms.parsing import parse_date_time
from core.questionnaires import AvailableForms, FormCatalog
from core.schedule import (
    MAX_DAYS_BEFORE,
    AnyRecurrence,
    Period,
    ReminderPlan,
    Slot,
    before_kind,
    first_period,
    next_period,
    respondent_slots,
)
from storage import Database
from storage.campaigns import (
    Campaign,
    CampaignCounts,
    CampaignForm,
    add_campaign,
    add_campaign_schools,
    campaign_school_ids,
    close_campaign,
    get_campaign,
    later_rounds,
    list_open_campaigns,
    set_deadline,
)
from storage.directory import School


class Problem(StrEnum):
    """Why a campaign cannot be opened or changed as asked (the chat words each one)."""

    UNKNOWN_FORM = "unknown_form"
    NO_FORMS = "no_forms"
    NO_SCHOOLS = "no_schools"
    FOREIGN_SCHOOL = "foreign_school"  # a school outside the campaign's municipality
    DEADLINE_PASSED = "deadline_passed"
    DEADLINE_BEFORE_OPENING = "deadline_before_opening"
    CLOSED = "closed"
    NOT_FOUND = "not_found"


class CampaignRefused(ValueError):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.value)
        self.problem = problem


class SchoolChoice(StrEnum):
    ALL = "all"
    DISTRICT = "district"
    SHNOR = "shnor"  # schools with low educational results only
    PICKED = "picked"


@dataclass(frozen=True)
class CampaignPlan:
    """What the methodist chose in the wizard: a monitoring of one or several forms."""

    form_keys: tuple[str, ...]
    municipality_id: int
    period_label: str
    opens_at: datetime
    deadline_at: datetime
    school_ids: tuple[int, ...]
    reminder_plan: ReminderPlan = field(default_factory=ReminderPlan)
    recurrence: AnyRecurrence | None = None
    title: str | None = None  # a monitoring's own title; None: its forms' titles
    # The specialists who own the round (its digests and summary go to them); recurring rounds
    # pass them on. Empty: nobody in particular, every methodist of the municipality.
    owner_ids: tuple[int, ...] = ()


def local_deadline(day: date, timezone: str) -> datetime:
    """The end of ``day`` in the municipality's time zone (23:59:59 local)."""
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=ZoneInfo(timezone)) - timedelta(
        seconds=1
    )


def local_moment(day: date, at: time, timezone: str) -> datetime:
    """``day`` at wall-clock ``at`` in the municipality's time zone."""
    return datetime.combine(day, at, tzinfo=ZoneInfo(timezone))


def parse_local_moment(
    text: str, zone: ZoneInfo, *, now: datetime, end_of_day: bool
) -> datetime | None:
    """A typed "ДД.ММ.ГГГГ [ЧЧ:ММ]" in the municipality's time; a bare date means its start, or
    its end (23:59:59) for a deadline. None when the text is not a date."""
    parsed = parse_date_time(text, now.astimezone(zone).date())
    if parsed is None:
        return None
    day, clock = parsed
    if clock is not None:
        return local_moment(day, clock, zone.key)
    return local_deadline(day, zone.key) if end_of_day else local_moment(day, time(), zone.key)


@dataclass(frozen=True)
class ReminderPreview:
    """Which reminders a school that never submits will get, as the wizard's summary states them.

    ``slots`` are the respondent slots counted from the effective opening (``now`` when the
    opening has passed: earlier slots are never sent one by one); ``skipped_days`` are the
    "N days before" reminders that fall before that opening and so will not be sent.
    """

    slots: tuple[Slot, ...]
    skipped_days: tuple[int, ...]
    opens_now: bool


def reminder_preview(
    plan: ReminderPlan,
    *,
    opens_at: datetime,
    deadline_at: datetime,
    timezone: str,
    now: datetime,
) -> ReminderPreview:
    """The reminders of a campaign about to be opened (see ``core.schedule.reminders``)."""
    start = max(opens_at, now)
    if deadline_at <= start:
        return ReminderPreview((), tuple(plan.days_before), opens_at <= now)
    slots = respondent_slots(plan, opens_at=start, deadline_at=deadline_at, timezone=timezone)
    # Where every "days before" reminder would fall if the round had been open long enough.
    early = min(start, deadline_at - timedelta(days=MAX_DAYS_BEFORE + 2))
    only_before = ReminderPlan(
        days_before=plan.days_before,
        hour=plan.hour,
        at_opening=False,
        on_deadline_morning=False,
        digest_hour=plan.digest_hour,
        quiet_start=plan.quiet_start,
        quiet_end=plan.quiet_end,
    )
    every = respondent_slots(
        only_before, opens_at=early, deadline_at=deadline_at, timezone=timezone
    )
    skipped = tuple(
        days
        for days in plan.days_before
        for slot in every
        if slot.kind == before_kind(days) and slot.due_at < start
    )
    return ReminderPreview(tuple(slots), skipped, opens_at <= now)


def recurring_period(
    recurrence: AnyRecurrence, today: date, label: str, *, horizon: int = 24
) -> Period | None:
    """The round of a recurring campaign named ``label`` (any case and spacing), from the
    current one (``first_period``) up to ``horizon`` rounds ahead; None if the schedule has no
    such round then (a label it cannot continue, or a period already over)."""
    period = first_period(recurrence, today)
    try:
        # Two labels of one round lead to the same next round ("2026/27" and "2026/27 учебный год").
        wanted = next_period(recurrence, Period(label, period.opens_on, period.deadline_on)).label
    except ValueError:
        return None
    for _ in range(horizon):
        following = next_period(recurrence, period)
        if following.label == wanted:
            return period
        period = following
    return None


def runnable_municipalities(actor: Actor, directory: Directory) -> list[int]:
    """Municipalities where the actor may run campaigns, by name."""
    return [
        municipality.id
        for municipality in sorted(directory.municipalities.values(), key=lambda m: m.name)
        if allows(actor, Action.RUN_CAMPAIGNS, Target.municipality(municipality.id))
    ]


def choose_schools(
    directory: Directory,
    municipality_id: int,
    choice: SchoolChoice,
    *,
    district_id: int | None = None,
    picked: Collection[int] = (),
) -> list[School]:
    """The schools of a municipality that a wizard choice means, in directory order."""
    schools = directory.schools_of(municipality_id)
    match choice:
        case SchoolChoice.ALL:
            return schools
        case SchoolChoice.DISTRICT:
            return [school for school in schools if school.district_id == district_id]
        case SchoolChoice.SHNOR:
            return [school for school in schools if school.is_shnor]
        case SchoolChoice.PICKED:
            return [school for school in schools if school.id in picked]


async def open_campaign(
    database: Database,
    catalog: FormCatalog,
    actor: Actor,
    plan: CampaignPlan,
    *,
    now: datetime,
) -> Campaign:
    """Opens a round for the plan's schools. An opening in the past is kept (a recurring round
    opens with its period, and its next rounds keep that time of day): the round is open at once."""
    authorize(actor, Action.RUN_CAMPAIGNS, Target.municipality(plan.municipality_id))
    available = await catalog.available(database, plan.municipality_id)
    check_campaign(plan, available, await load_directory(database), now=now)
    async with database.write() as conn:
        return await insert_campaign(conn, actor, plan, available)


def check_campaign(
    plan: CampaignPlan, available: AvailableForms, directory: Directory, *, now: datetime
) -> None:
    """``CampaignRefused`` when the plan cannot be opened (``open_campaign``'s checks, for a
    caller that opens rounds inside its own write transaction with ``insert_campaign``)."""
    if not plan.form_keys:
        raise CampaignRefused(Problem.NO_FORMS)
    if any(key not in available for key in plan.form_keys):
        raise CampaignRefused(Problem.UNKNOWN_FORM)
    if not plan.school_ids:
        raise CampaignRefused(Problem.NO_SCHOOLS)
    if any(
        school_id not in directory.schools
        or directory.schools[school_id].municipality_id != plan.municipality_id
        for school_id in plan.school_ids
    ):
        raise CampaignRefused(Problem.FOREIGN_SCHOOL)
    if plan.deadline_at <= now:
        raise CampaignRefused(Problem.DEADLINE_PASSED)
    if plan.deadline_at <= plan.opens_at:
        raise CampaignRefused(Problem.DEADLINE_BEFORE_OPENING)


async def insert_campaign(
    conn: AsyncConnection, actor: Actor, plan: CampaignPlan, available: AvailableForms
) -> Campaign:
    """Inserts a checked plan's round (``check_campaign``) in the caller's write transaction."""
    authorize(actor, Action.RUN_CAMPAIGNS, Target.municipality(plan.municipality_id))
    return await add_campaign(
        conn,
        forms=[CampaignForm(key, available.row_id(key)) for key in dict.fromkeys(plan.form_keys)],
        title=plan.title,
        municipality_id=plan.municipality_id,
        period_label=plan.period_label,
        opens_at=plan.opens_at,
        deadline_at=plan.deadline_at,
        school_ids=list(plan.school_ids),
        created_by=None if actor.user is None else actor.user.id,
        reminder_plan=plan.reminder_plan.to_json(),
        recurrence=None if plan.recurrence is None else plan.recurrence.value,
        owner_ids=plan.owner_ids,
    )


async def open_form_for_schools(
    database: Database,
    catalog: FormCatalog,
    actor: Actor,
    form_keys: str | Sequence[str],
    *,
    deadline: date,
    period_label: str,
    now: datetime,
    reminder_plan: ReminderPlan | None = None,
    title: str | None = None,
) -> list[tuple[Campaign, int]]:
    """One campaign per municipality where the actor runs campaigns, for all its schools, open
    now until the end of ``deadline`` local (the demo's and the tests' shortcut).

    Returns each campaign with its number of schools.
    """
    keys = (form_keys,) if isinstance(form_keys, str) else tuple(form_keys)
    directory = await load_directory(database)
    opened: list[tuple[Campaign, int]] = []
    for municipality_id in runnable_municipalities(actor, directory):
        available = await catalog.available(database, municipality_id)
        for key in keys:
            if key not in available:
                raise LookupError(key)
        schools = directory.schools_of(municipality_id)
        if not schools:
            continue
        plan = CampaignPlan(
            form_keys=keys,
            title=title,
            municipality_id=municipality_id,
            period_label=period_label,
            opens_at=now,
            deadline_at=local_deadline(
                deadline, directory.municipalities[municipality_id].timezone
            ),
            school_ids=tuple(school.id for school in schools),
            reminder_plan=reminder_plan or ReminderPlan(),
        )
        campaign = await open_campaign(database, catalog, actor, plan, now=now)
        opened.append((campaign, len(schools)))
    return opened


async def managed_campaigns(database: Database, actor: Actor) -> list[CampaignCounts]:
    """The open campaigns the actor may change, soonest deadline first."""
    directory = await load_directory(database)
    async with database.read() as conn:
        return await list_open_campaigns(conn, runnable_municipalities(actor, directory))


async def managed_campaign(database: Database, actor: Actor, campaign_id: int) -> Campaign:
    """An open campaign the actor may change (``CampaignRefused`` or ``AccessDenied`` if not)."""
    async with database.read() as conn:
        campaign = await get_campaign(conn, campaign_id)
    if campaign is None:
        raise CampaignRefused(Problem.NOT_FOUND)
    authorize(actor, Action.RUN_CAMPAIGNS, Target.municipality(campaign.municipality_id))
    if campaign.closed_at is not None:
        raise CampaignRefused(Problem.CLOSED)
    return campaign


async def managed_campaign_schools(
    database: Database, actor: Actor, campaign_id: int
) -> tuple[Campaign, set[int]]:
    """An open campaign the actor may change, and the ids of the schools already in it."""
    campaign = await managed_campaign(database, actor, campaign_id)
    async with database.read() as conn:
        return campaign, await campaign_school_ids(conn, campaign.id)


async def change_deadline(
    database: Database, actor: Actor, campaign_id: int, deadline_at: datetime, *, now: datetime
) -> Campaign:
    """Moves the deadline; it must stay after the opening and in the future.

    Reminders already sent are not repeated; those still ahead follow the new deadline.
    """
    campaign = await managed_campaign(database, actor, campaign_id)
    if deadline_at <= now:
        raise CampaignRefused(Problem.DEADLINE_PASSED)
    if deadline_at <= campaign.opens_at:
        raise CampaignRefused(Problem.DEADLINE_BEFORE_OPENING)
    async with database.write() as conn:
        if not await set_deadline(conn, campaign_id, deadline_at):
            raise CampaignRefused(Problem.CLOSED)  # closed meanwhile
        updated = await get_campaign(conn, campaign_id)
    assert updated is not None
    return updated


async def add_schools(
    database: Database, actor: Actor, campaign_id: int, school_ids: Sequence[int], *, now: datetime
) -> list[int]:
    """Adds schools of the campaign's municipality; returns those that were not in it yet.

    A later round of its chain that has not opened yet gets them too (it was copied from this
    one before they were added); an opened one is left as its schools know it.
    """
    campaign = await managed_campaign(database, actor, campaign_id)
    directory = await load_directory(database)
    if not school_ids:
        raise CampaignRefused(Problem.NO_SCHOOLS)
    if any(
        school_id not in directory.schools
        or directory.schools[school_id].municipality_id != campaign.municipality_id
        for school_id in school_ids
    ):
        raise CampaignRefused(Problem.FOREIGN_SCHOOL)
    async with database.write() as conn:
        current = await get_campaign(conn, campaign_id)
        if current is None or current.closed_at is not None:
            raise CampaignRefused(Problem.CLOSED)  # closed meanwhile
        added = await add_campaign_schools(conn, campaign_id, school_ids)
        for later in await later_rounds(conn, campaign_id):
            if later.opens_at <= now or later.closed_at is not None:
                break
            await add_campaign_schools(conn, later.id, school_ids)
    return added


async def continuing_round(
    database: Database, campaign: Campaign, *, now: datetime
) -> Campaign | None:
    """The later round of the chain that is open already: closing ``campaign`` would not stop the
    chain, which goes on from that round."""
    async with database.read() as conn:
        for later in await later_rounds(conn, campaign.id):
            if later.closed_at is not None:
                return None
            if later.opens_at <= now:
                return later
    return None


async def close_early(
    database: Database, actor: Actor, campaign_id: int, *, now: datetime
) -> Campaign:
    """Closes the campaign: no more answers or reminders. Its later rounds that have not opened
    yet are closed with it, which stops a recurring chain (unless a later round is open already:
    the chain goes on from that one, see ``continuing_round``)."""
    await managed_campaign(database, actor, campaign_id)
    async with database.write() as conn:
        if not await close_campaign(conn, campaign_id, now):
            raise CampaignRefused(Problem.CLOSED)
        for later in await later_rounds(conn, campaign_id):
            if later.opens_at <= now:
                break
            await close_campaign(conn, later.id, now)
        closed = await get_campaign(conn, campaign_id)
    assert closed is not None
    return closed
