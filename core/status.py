"""The completion board (who has answered what) and nudging schools that have not submitted.

The board covers every opened, not closed campaign, for the schools the actor may see the status
of. A nudge reminds the respondents of chosen schools now — before the deadline (a friendly
reminder of it) or after (overdue) — through the same delivery as the reminder tick, claimed
under a unique key per school and hour, and never more than once an hour per school. Its report
says, school by school, who was reminded, who was skipped and why, and who could not be reached.
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from html import escape
from zoneinfo import ZoneInfo

from core.access import AccessDenied, Action, Target, authorize, visible_schools
from core.actors import Actor
from core.directory import load_directory, natural_key
from core.forms.engine import progress
from core.questionnaires import FormCatalog, campaign_title, monitoring_short_title
from core.reminders import (
    ClaimLease,
    Deliver,
    LeaseLost,
    Notice,
    NoticeResult,
    OpenButton,
    Outcome,
    record_result,
)
from storage import Database
from storage.campaigns import (
    Campaign,
    campaign_has_school,
    get_campaign,
    open_campaigns_for_schools,
)
from storage.directory import School
from storage.reminders import (
    NUDGE_PREFIX,
    ReminderTarget,
    board_responses,
    claim,
    last_nudges,
    nudge_targets,
    owed_forms,
)
from storage.responses import Status, get_or_create_response, load_answer_values
from texts import reminders as reminder_texts
from texts import status as texts

log = logging.getLogger(__name__)

NUDGE_INTERVAL = timedelta(hours=1)


class CellKind(StrEnum):
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    DRAFT = "draft"
    NOT_STARTED = "not_started"
    RETURNED = "returned"
    LATE = "late"  # the deadline passed and the school has not submitted


@dataclass(frozen=True, slots=True)
class FormCell:
    """One form of the monitoring for one school: the drill-down's line."""

    short_title: str
    kind: CellKind
    status: Status
    answered: int
    total: int


@dataclass(frozen=True, slots=True)
class Cell:
    """A school in a monitoring: its forms together (``status`` is the least advanced of them:
    returned, then not started or in progress, then submitted, then accepted)."""

    school: School
    kind: CellKind
    status: Status
    answered: int  # questions, over all forms
    total: int
    forms: tuple[FormCell, ...] = ()

    @property
    def forms_done(self) -> int:
        return sum(form.status in (Status.SUBMITTED, Status.ACCEPTED) for form in self.forms)


@dataclass(frozen=True, slots=True)
class CampaignBoard:
    campaign: Campaign
    form_title: str  # the monitoring's title: its one form's short title, or its own
    municipality: str
    timezone: str
    cells: list[Cell]

    @property
    def title(self) -> str:
        return f"{self.form_title} — {self.campaign.period_label}"

    @property
    def several_forms(self) -> bool:
        return len(self.campaign.forms) > 1

    @property
    def deadline_at(self) -> datetime:
        return self.campaign.deadline_at

    @property
    def late(self) -> list[Cell]:
        return [cell for cell in self.cells if cell.kind is CellKind.LATE]

    @property
    def owing(self) -> list[Cell]:
        """Schools that have not submitted (not started, in progress, returned, or late)."""
        return [cell for cell in self.cells if cell.kind not in _DONE]

    @property
    def done(self) -> int:
        return sum(cell.kind in (CellKind.SUBMITTED, CellKind.ACCEPTED) for cell in self.cells)


@dataclass(frozen=True, slots=True)
class Board:
    campaigns: list[CampaignBoard]

    def campaign(self, campaign_id: int) -> CampaignBoard | None:
        return next((c for c in self.campaigns if c.campaign.id == campaign_id), None)


_DONE = (CellKind.SUBMITTED, CellKind.ACCEPTED)
_SUBMITTED = (Status.SUBMITTED.value, Status.ACCEPTED.value)


def school_status(statuses: Sequence[Status]) -> Status:
    """A school's status over the forms of a monitoring."""
    if all(status is Status.ACCEPTED for status in statuses):
        return Status.ACCEPTED
    if all(status in (Status.SUBMITTED, Status.ACCEPTED) for status in statuses):
        return Status.SUBMITTED
    if Status.RETURNED in statuses:
        return Status.RETURNED
    if any(status is not Status.NOT_STARTED for status in statuses):
        return Status.DRAFT
    return Status.NOT_STARTED


def _kind(status: Status, deadline_at: datetime, now: datetime) -> CellKind:
    if status is Status.SUBMITTED:
        return CellKind.SUBMITTED
    if status is Status.ACCEPTED:
        return CellKind.ACCEPTED
    if now > deadline_at:
        return CellKind.LATE
    return CellKind(status.value)


async def completion_board(
    database: Database, catalog: FormCatalog, actor: Actor, *, now: datetime
) -> Board:
    """Every open campaign of the schools the actor may see the status of, school by school."""
    directory = await load_directory(database)
    schools = visible_schools(actor, Action.VIEW_STATUS, directory.schools.values())
    async with database.read() as conn:
        pairs = await open_campaigns_for_schools(conn, [s.id for s in schools], now)
        campaign_ids = sorted({campaign.id for _, campaign in pairs})
        stored = await board_responses(conn, campaign_ids)
        started = {
            key: found.response_id
            for key, found in stored.items()
            if found.status != Status.NOT_STARTED.value
        }
        values = await load_answer_values(conn, list(started.values()))
        drafts = {key: values[response_id] for key, response_id in started.items()}
    by_campaign: dict[int, tuple[Campaign, list[Cell]]] = {}
    for school_id, campaign in pairs:
        parts: list[FormCell] = []
        for campaign_form in campaign.forms:
            key = (campaign.id, school_id, campaign_form.key)
            found = stored.get(key)
            status = Status.NOT_STARTED if found is None else Status(found.status)
            form = await catalog.definition(
                database, campaign_form.form_id if found is None else found.form_id
            )
            shown = progress(form, drafts.get(key, {}), None)
            parts.append(
                FormCell(
                    form.short_title,
                    _kind(status, campaign.deadline_at, now),
                    status,
                    shown.answered,
                    shown.total,
                )
            )
        status = school_status([part.status for part in parts])
        cell = Cell(
            directory.schools[school_id],
            _kind(status, campaign.deadline_at, now),
            status,
            sum(part.answered for part in parts),
            sum(part.total for part in parts),
            tuple(parts),
        )
        by_campaign.setdefault(campaign.id, (campaign, []))[1].append(cell)
    boards: list[CampaignBoard] = []
    for campaign, cells in by_campaign.values():
        municipality = directory.municipalities[campaign.municipality_id]
        title = await monitoring_short_title(
            database, catalog, campaign.title, [form.form_id for form in campaign.forms]
        )
        cells.sort(key=lambda cell: natural_key(cell.school.short_name))
        boards.append(
            CampaignBoard(campaign, title, municipality.name, municipality.timezone, cells)
        )
    boards.sort(key=lambda b: (b.deadline_at, natural_key(b.title), b.campaign.id))
    return Board(boards)


@dataclass(slots=True)
class NudgeReport:
    """What a nudge did, school by school (each list in natural order of short names).

    A school with two respondents, one reached and one who blocked the bot, is in both
    ``nudged`` and ``unreachable``.
    """

    nudged: list[School] = field(default_factory=list)  # the reminder reached a respondent
    throttled: list[School] = field(default_factory=list)  # reminded less than an hour ago
    unreachable: list[School] = field(default_factory=list)  # a claimed reminder did not arrive
    submitted: list[School] = field(default_factory=list)  # nothing to remind: submitted
    nobody: list[School] = field(default_factory=list)  # no respondent the bot can reach
    overdue: bool = False  # the deadline had passed: the reminders said so
    outcomes: dict[Outcome, int] = field(default_factory=lambda: dict.fromkeys(Outcome, 0))


def nudge_kind(now: datetime) -> str:
    """One nudge per school, respondent and hour (UTC); with the 60-minute check, once an hour."""
    return f"{NUDGE_PREFIX}{now.astimezone(ZoneInfo('UTC')):%Y-%m-%dT%H}"


def nudge_text(target: ReminderTarget, title: str, now: datetime, *, several: bool = False) -> str:
    """A nudge about a form, or about a monitoring of ``several`` forms."""
    values = {
        "title": escape(title),
        "period": escape(target.period_label),
        "school": escape(target.school_name),
        "deadline": target.deadline_at.astimezone(ZoneInfo(target.timezone)).strftime(
            "%d.%m.%Y %H:%M"
        ),
    }
    if several:
        late, ahead = texts.NUDGE_MONITORING_LATE, texts.NUDGE_MONITORING
    else:
        late, ahead = texts.NUDGE_LATE, texts.NUDGE
    return (late if now > target.deadline_at else ahead).format(**values)


async def nudge(
    database: Database,
    catalog: FormCatalog,
    actor: Actor,
    campaign_id: int,
    school_ids: Sequence[int],
    deliver: Deliver,
    *,
    now: datetime,
) -> NudgeReport:
    """Remind the respondents of these schools now, before or after the deadline; refused whole
    if any school is out of scope or not in the campaign, or the campaign has not opened. A
    school that has submitted, or was nudged less than an hour ago, is skipped."""
    directory = await load_directory(database)
    async with database.read() as conn:
        campaign = await get_campaign(conn, campaign_id)
        in_campaign = {
            school_id
            for school_id in set(school_ids)
            if await campaign_has_school(conn, campaign_id, school_id)
        }
    if campaign is None or campaign.opens_at > now:  # the board never offers either
        raise AccessDenied(Action.NUDGE)
    chosen: list[School] = []
    for school_id in dict.fromkeys(school_ids):
        school = directory.schools.get(school_id)
        if school is None or school_id not in in_campaign:
            raise AccessDenied(Action.NUDGE)
        authorize(actor, Action.NUDGE, Target.school(school))
        chosen.append(school)
    chosen.sort(key=lambda s: natural_key(s.short_name))
    report = NudgeReport(overdue=now > campaign.deadline_at)
    async with database.read() as conn:
        recent = await last_nudges(conn, campaign_id, [s.id for s in chosen])
        targets = await nudge_targets(conn, campaign_id, [s.id for s in chosen])
        stored = await board_responses(conn, [campaign_id])
    title = await campaign_title(database, catalog, campaign)
    kind = nudge_kind(now)
    # Claims are renewed while this process delivers them (as a tick's are).
    lease = ClaimLease(database, now)
    notices: list[Notice] = []
    claimed_schools: list[School] = []
    for school in chosen:
        statuses = [stored.get((campaign_id, school.id, form.key)) for form in campaign.forms]
        if all(found is not None and found.status in _SUBMITTED for found in statuses):
            report.submitted.append(school)
            continue
        last = recent.get(school.id)
        if last is not None and now - last < NUDGE_INTERVAL:
            report.throttled.append(school)
            continue
        claimed = 0
        for target in (t for t in targets if t.school_id == school.id):
            async with database.write() as conn:
                reminder_id = await claim(
                    conn,
                    campaign_id=campaign_id,
                    school_id=school.id,
                    user_id=target.user_id,
                    kind=kind,
                    now=now,
                )
                if reminder_id is None:
                    continue  # a simultaneous press claimed it
                owed = await owed_forms(conn, campaign_id, school.id) or [campaign.forms[0]]
                responses = [
                    await get_or_create_response(
                        conn, campaign_id, school.id, form.key, form.form_id, now
                    )
                    for form in owed
                ]
            text = nudge_text(target, title, now, several=len(campaign.forms) > 1)
            buttons: tuple[OpenButton, ...] = ()
            if len(campaign.forms) > 1:
                names = [(await catalog.definition(database, f.form_id)).short_title for f in owed]
                text += " " + reminder_texts.OWED_FORMS.format(
                    forms=", ".join(f"«{escape(name)}»" for name in names)
                )
                if len(owed) > 1:  # a button per form still owed, as the reminders have
                    buttons = tuple(
                        OpenButton(reminder_texts.OPEN_FORM_BUTTON.format(form=name), found.id)
                        for name, found in zip(names, responses, strict=True)
                    )
            claimed += 1
            lease.hold([reminder_id])
            notices.append(
                Notice(
                    reminder_id=reminder_id,
                    user_id=target.user_id,
                    telegram_id=target.telegram_id,
                    text=text,
                    response_id=responses[0].id,
                    school_id=school.id,
                    campaign_id=campaign_id,
                    buttons=buttons,
                )
            )
        if claimed:
            claimed_schools.append(school)
        elif any(t.school_id == school.id for t in targets):
            report.throttled.append(school)  # claimed by another press this very hour
        else:
            report.nobody.append(school)

    reached: set[int] = set()
    missed: set[int] = set()

    async def record(result: NoticeResult) -> None:
        report.outcomes[result.outcome] += 1
        await record_result(database, result, now=now)
        lease.release(claimed.reminder_id for claimed in result.notice.claims)
        school_id = result.notice.school_id
        (reached if result.outcome is Outcome.SENT else missed).add(school_id or 0)

    if notices:
        try:
            async with lease.kept():
                await deliver(notices, record)
        except LeaseLost:  # the report says who was reached; the rest were given up
            log.warning("nudge of campaign %s: stopped sending, lease lost", campaign_id)
    for school in claimed_schools:
        # A school none of whose reminders came back undelivered counts as reminded.
        if school.id in reached or school.id not in missed:
            report.nudged.append(school)
        if school.id in missed:
            report.unreachable.append(school)
    return report
