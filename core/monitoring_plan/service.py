"""The monitoring plan of a municipality: preparing an upload, saving it as recurring
monitorings owned by their specialists, and the school year's rounds by month for /plan.

Who: methodists and administrators (``Action.RUN_CAMPAIGNS``) of a municipality — the plan
belongs to it (the chat lets someone who runs monitorings in several pick one). Owners are its
methodists and administrators.

**Saving.** Each line with a form becomes a recurring monitoring: its first round is opened
with ``core.campaigns.open_campaign`` for the municipality's ШНОР schools (all its schools when
none is marked), titled by the line's direction, recurring on the line's months, owned by its
owners. The round falls in the first of those months from this month on whose deadline — the
line's day of the month (its last day when none is given) — is still ahead; it opens on the
1st. A line without a form is kept as a plan line ("анкета не выбрана"): no rounds.

**Uploading again** replaces the lines. A new line continues the old one with the same
direction (any case and spacing), so the rounds already running keep running, and:

- the same form and periodicity: the chain goes on; its rounds not closed yet get the new
  owners (the digests of the round that is open now go to them too);
- another form or periodicity: the old chain stops after its current round (a round that has
  not opened yet is closed; the open one runs to its deadline with no successor) and a new
  chain starts from the month after the open round's, or from this month when none is open
  (the new form or months from then on);
- the form removed, or the line gone from the plan: the old chain stops the same way;
- a chain stopped meanwhile in /campaigns (its last round closed): a new one starts.

A changed day of the deadline applies to the chains started from then on; a running chain
keeps its dates (a methodist moves a round's deadline in /campaigns).
"""

import calendar
import logging
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum
from zoneinfo import ZoneInfo

from core.access import Action, Target, authorize
from core.actors import Actor
from core.campaigns import (
    CampaignPlan,
    CampaignRefused,
    check_campaign,
    insert_campaign,
    local_deadline,
    local_moment,
)
from core.directory import load_directory
from core.monitoring_plan.loader import PlanPreview, PreviewLine, match_plan
from core.monitoring_plan.reading import PlanReading, Problem, direction_key
from core.plans.matching import KnownPerson
from core.questionnaires import FormCatalog
from core.schedule import (
    SCHOOL_YEAR_START_MONTH,
    AnyRecurrence,
    Period,
    first_period,
    next_period,
    parse_recurrence,
    recurrence_months,
)
from storage import Database
from storage.campaigns import Campaign
from storage.monitoring_plan import (
    NewLine,
    StoredLine,
    chain,
    chain_rounds,
    end_chain,
    list_lines,
    lock_plan,
    municipality_rounds,
    replace_lines,
    set_chain_owners,
)
from storage.people import Person, Role, list_people
from texts import monitoring_plan as texts

log = logging.getLogger(__name__)

OWNER_ROLES = (Role.METHODIST, Role.ADMIN)
TITLE_LIMIT = 300  # campaigns.title


def _owns_in(person: Person, municipality_id: int) -> bool:
    return any(
        grant.role in OWNER_ROLES
        and grant.district_id is None
        and grant.school_id is None
        and grant.municipality_id in (None, municipality_id)
        for grant in person.grants
    )


async def possible_owners(database: Database, municipality_id: int) -> list[KnownPerson]:
    """The people who may own the municipality's plan lines: its methodists and administrators
    (and the deployment's administrators)."""
    async with database.read() as conn:
        people = await list_people(conn)
    return [
        KnownPerson(person.user.id, person.user.full_name)
        for person in people
        if _owns_in(person, municipality_id)
    ]


async def prepare_plan(
    database: Database,
    catalog: FormCatalog,
    actor: Actor,
    reading: PlanReading,
    *,
    municipality_id: int,
) -> PlanPreview:
    """The plan matched to the municipality's forms and people, ready for a preview."""
    authorize(actor, Action.RUN_CAMPAIGNS, Target.municipality(municipality_id))
    if reading.lines is None:
        return PlanPreview(None, reading.problems)
    forms = await catalog.available(database, municipality_id)
    people = await possible_owners(database, municipality_id)
    preview = match_plan(
        reading, forms, people, uploader_id=None if actor.user is None else actor.user.id
    )
    if preview.lines is not None and preview.with_forms:
        directory = await load_directory(database)
        if not directory.schools_of(municipality_id):
            return PlanPreview(None, (Problem(None, "", texts.NO_SCHOOLS),))
    return preview


async def current_lines(database: Database, municipality_id: int) -> list[StoredLine]:
    async with database.read() as conn:
        return await list_lines(conn, municipality_id)


@dataclass(frozen=True, slots=True)
class SavedPlan:
    lines: int
    started: list[Campaign]  # first rounds of the chains started now
    refused: list[tuple[PreviewLine, CampaignRefused]]  # lines whose round could not open


async def save_plan(
    database: Database,
    catalog: FormCatalog,
    actor: Actor,
    preview: PlanPreview,
    *,
    municipality_id: int,
    now: datetime,
) -> SavedPlan:
    """Saves a prepared plan (see the module doc for what happens to the chains).

    All of it in one write transaction, under ``lock_plan``: the chains started, stopped or
    given new owners and the lines that point to them are saved together or not at all (a
    failure half-way leaves no chain without its line), and two saves of one municipality take
    turns, the second reading the lines the first saved."""
    authorize(actor, Action.RUN_CAMPAIGNS, Target.municipality(municipality_id))
    if preview.lines is None:
        raise ValueError("a plan with problems is not saved")
    directory = await load_directory(database)
    zone = ZoneInfo(directory.municipalities[municipality_id].timezone)
    schools = directory.schools_of(municipality_id)
    shnor = [school.id for school in schools if school.is_shnor]
    school_ids = tuple(shnor or [school.id for school in schools])
    available = await catalog.available(database, municipality_id)
    started: list[Campaign] = []
    refused: list[tuple[PreviewLine, CampaignRefused]] = []
    stored: list[NewLine] = []
    async with database.write() as conn:
        await lock_plan(conn, municipality_id)
        old = {
            direction_key(line.direction): line for line in await list_lines(conn, municipality_id)
        }
        for line in preview.lines:
            previous = old.pop(line.draft.key, None)
            first_id = None if previous is None else previous.campaign_id
            rounds = [] if first_id is None else await chain_rounds(conn, first_id)
            if not rounds:
                first_id = None
            # A chain stopped meanwhile (its last round closed, or made a one-off) starts anew.
            running = bool(rounds) and rounds[-1].closed_at is None and bool(rounds[-1].recurrence)
            same_chain = (
                previous is not None
                and running
                and previous.form_key == line.form_key
                and parse_recurrence(previous.recurrence) == line.draft.recurrence
            )
            if same_chain:
                assert first_id is not None
                await set_chain_owners(conn, first_id, line.owner_ids)
            else:
                after: date | None = None
                if first_id is not None:
                    after = _running_month(await end_chain(conn, first_id, now=now), zone, now)
                    first_id = None
                if line.form_key is not None:
                    plan = _chain_plan(
                        line, municipality_id, school_ids, zone=zone, now=now, after=after
                    )
                    try:
                        check_campaign(plan, available, directory, now=now)
                    except CampaignRefused as error:
                        log.warning("plan line %r: no round: %s", line.draft.direction, error)
                        refused.append((line, error))
                    else:
                        campaign = await insert_campaign(conn, actor, plan, available)
                        started.append(campaign)
                        first_id = campaign.id
            stored.append(
                NewLine(
                    number=line.draft.number,
                    section=line.draft.section,
                    direction=line.draft.direction,
                    owners_text=line.draft.owners,
                    periodicity=line.draft.periodicity,
                    recurrence=line.draft.recurrence.value,
                    form_key=line.form_key,
                    due_day=line.draft.due_day,
                    owner_ids=line.owner_ids,
                    unmatched_owners=line.unmatched,
                    campaign_id=first_id,
                )
            )
        # Lines gone from the plan: their chains stop after the current round.
        for gone in old.values():
            if gone.campaign_id is not None:
                await end_chain(conn, gone.campaign_id, now=now)
        await replace_lines(
            conn,
            municipality_id,
            stored,
            uploaded_by=None if actor.user is None else actor.user.id,
            now=now,
        )
    return SavedPlan(len(stored), started, refused)


def _running_month(rounds: list[Campaign], zone: ZoneInfo, now: datetime) -> date | None:
    """The first day of the month of the chain's round that keeps running when the chain stops
    (opened, not closed: ``end_chain`` closes the unopened ones); None when there is none."""
    running = [c for c in rounds if c.closed_at is None and c.opens_at <= now]
    if not running:
        return None
    opens = running[-1].opens_at.astimezone(zone)
    return date(opens.year, opens.month, 1)


def round_period(
    recurrence: AnyRecurrence,
    due_day: int | None,
    *,
    today: date,
    after: date | None = None,
) -> Period:
    """The first round of a plan line's chain: in the first of its months from this month (or
    from the month after ``after``) on, open from the 1st, due on ``due_day`` (clamped to the
    month's end; None: the last day), and not already past."""
    start = today.replace(day=1)
    if after is not None and after >= start:
        start = date(after.year + after.month // 12, after.month % 12 + 1, 1)
    period = first_period(recurrence, start)
    if due_day is not None:
        last = period.deadline_on.day
        period = Period(
            period.label, period.opens_on, period.deadline_on.replace(day=min(due_day, last))
        )
    while period.deadline_on < today:
        period = next_period(recurrence, period)
    return period


def _title(direction: str) -> str:
    """A line's rounds' title: its direction, cut to the column."""
    return direction if len(direction) <= TITLE_LIMIT else direction[: TITLE_LIMIT - 1] + "…"


def _chain_plan(
    line: PreviewLine,
    municipality_id: int,
    school_ids: tuple[int, ...],
    *,
    zone: ZoneInfo,
    now: datetime,
    after: date | None,
) -> CampaignPlan:
    """The first round of a line's new chain (see ``round_period``)."""
    assert line.form_key is not None
    today = now.astimezone(zone).date()
    period = round_period(line.draft.recurrence, line.draft.due_day, today=today, after=after)
    title = _title(line.draft.direction)
    return CampaignPlan(
        form_keys=(line.form_key,),
        municipality_id=municipality_id,
        period_label=period.label,
        opens_at=local_moment(period.opens_on, time(), zone.key),
        deadline_at=local_deadline(period.deadline_on, zone.key),
        school_ids=school_ids,
        recurrence=line.draft.recurrence,
        title=title,
        owner_ids=line.owner_ids,
    )


# --- /plan: the school year's rounds by month ----------------------------------------------


class RoundState(StrEnum):
    OPEN = "open"  # open now, until its deadline
    CLOSED = "closed"  # closed early, or its deadline passed
    EXPECTED = "expected"  # not opened yet, or not created yet
    NOT_HELD = "not_held"  # a past month without a round (before the plan was loaded), or
    # the current one when its due day passed before the plan was loaded
    NO_FORM = "no_form"  # a plan line without a form: no rounds


@dataclass(frozen=True, slots=True)
class MonthEntry:
    line: StoredLine
    state: RoundState
    round: Campaign | None


@dataclass(frozen=True, slots=True)
class PlanMonth:
    year: int
    month: int
    entries: tuple[MonthEntry, ...]


@dataclass(frozen=True, slots=True)
class PlanView:
    municipality_id: int
    municipality: str
    timezone: str
    school_year: int  # its first calendar year
    lines: tuple[StoredLine, ...]
    months: tuple[PlanMonth, ...]  # September … August


def school_year_of(today: date) -> int:
    return today.year if today.month >= SCHOOL_YEAR_START_MONTH else today.year - 1


async def plan_view(
    database: Database, actor: Actor, municipality_id: int, *, now: datetime
) -> PlanView:
    """The plan's lines month by month over the school year that ``now`` falls in."""
    authorize(actor, Action.RUN_CAMPAIGNS, Target.municipality(municipality_id))
    directory = await load_directory(database)
    municipality = directory.municipalities[municipality_id]
    zone = ZoneInfo(municipality.timezone)
    today = now.astimezone(zone).date()
    start = school_year_of(today)
    async with database.read() as conn:
        lines = await list_lines(conn, municipality_id)
        every_round = await municipality_rounds(conn, municipality_id)
    by_month: dict[int, dict[tuple[int, int], Campaign]] = {}
    for line in lines:
        if line.campaign_id is None:
            continue
        found = by_month.setdefault(line.id, {})
        for campaign in _line_rounds(line, every_round):
            opens = campaign.opens_at.astimezone(zone)
            found.setdefault((opens.year, opens.month), campaign)
    months: list[PlanMonth] = []
    for offset in range(12):
        month = (SCHOOL_YEAR_START_MONTH - 1 + offset) % 12 + 1
        year = start if month >= SCHOOL_YEAR_START_MONTH else start + 1
        entries: list[MonthEntry] = []
        for line in lines:
            if month not in recurrence_months(parse_recurrence(line.recurrence)):
                continue
            if line.form_key is None:
                entries.append(MonthEntry(line, RoundState.NO_FORM, None))
                continue
            found_round = by_month.get(line.id, {}).get((year, month))
            if found_round is None and _missed(line, year, month, today):
                entries.append(MonthEntry(line, RoundState.NOT_HELD, None))
                continue
            entries.append(MonthEntry(line, _state(found_round, now), found_round))
        months.append(PlanMonth(year, month, tuple(entries)))
    return PlanView(
        municipality_id=municipality_id,
        municipality=municipality.name,
        timezone=municipality.timezone,
        school_year=start,
        lines=tuple(lines),
        months=tuple(months),
    )


def _line_rounds(line: StoredLine, every_round: list[Campaign]) -> list[Campaign]:
    """The rounds of the line's chain, then those of its earlier chains: the rounds, opened
    before its chain's first one, of chains titled as the line (``_chain_plan``) — a re-upload
    that changed the line's form or months started a new chain, and the year still shows the
    rounds that ran."""
    assert line.campaign_id is not None
    current = chain(every_round, line.campaign_id)
    if not current:
        return []
    title = _title(line.direction)
    ids = {campaign.id for campaign in current}
    earlier = [
        campaign
        for campaign in every_round
        if campaign.title == title
        and campaign.opens_at < current[0].opens_at
        and campaign.id not in ids
    ]
    return [*current, *earlier]


def _missed(line: StoredLine, year: int, month: int, today: date) -> bool:
    """A month of the line without a round that is over — or the current month when its due
    day is past (a plan saved after it starts the chain from the next month)."""
    if (year, month) < (today.year, today.month):
        return True
    if (year, month) != (today.year, today.month):
        return False
    last = calendar.monthrange(year, month)[1]
    return today.day > min(line.due_day or last, last)


def _state(campaign: Campaign | None, now: datetime) -> RoundState:
    if campaign is None or (campaign.closed_at is None and campaign.opens_at > now):
        return RoundState.EXPECTED
    if campaign.closed_at is not None or campaign.deadline_at <= now:
        return RoundState.CLOSED
    return RoundState.OPEN
