"""A methodist's review of submitted responses: the queue, one response with its history, and the
decision (return for revision with a comment, or accept), of which the school is told.

A decision is one conditional transition (only a still-submitted response moves), recorded in
``response_events`` with who and when. The notices to the school's respondents are claimed in the
same transaction under a key per decision and person (``returned:<event id>``), then delivered:
a decision is never notified twice, and a notice that could not be delivered stays visible in
``sent_reminders``.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from core.access import (
    AccessDenied,
    Action,
    Target,
    allows,
    allows_somewhere,
    visible_schools,
)
from core.actors import Actor
from core.directory import load_directory
from core.questionnaires import FormCatalog, ResponseView, open_response
from core.reminders import (
    ClaimLease,
    Deliver,
    LeaseLost,
    Notice,
    NoticeResult,
    Outcome,
    record_result,
)
from storage import Database
from storage.campaigns import campaign_owner_ids
from storage.directory import School
from storage.people import Person, Role, list_people
from storage.reminders import claim
from storage.responses import Status, get_response
from storage.review import ResponseEvent, awaiting_review, decide, load_events
from texts import review as texts

log = logging.getLogger(__name__)

RETURNED_KIND = "returned:"
ACCEPTED_KIND = "accepted:"
COMMENT_LIMIT = 1500  # the notice carries it whole, under Telegram's 4096 characters


class WrongStatus(Exception):
    """Only a submitted response can be returned or accepted; ``status`` is what it is now."""

    def __init__(self, status: Status) -> None:
        super().__init__(status)
        self.status = status


class ClosedCampaign(Exception):
    """A response of a closed campaign cannot be returned: the school could not change it."""


class BadComment(ValueError):
    """A return needs a comment the school can act on: not empty, not longer than the limit."""

    def __init__(self, length: int) -> None:
        super().__init__(length)
        self.length = length  # 0: empty
        self.limit = COMMENT_LIMIT


@dataclass(frozen=True, slots=True)
class Awaiting:
    """A submitted response in the review queue."""

    response_id: int
    school: School
    form_title: str  # the form's short title
    period_label: str
    submitted_at: datetime
    deadline_at: datetime
    timezone: str
    mine: bool = False  # the reviewer owns its round (a monitoring plan's specialist)

    @property
    def late(self) -> bool:
        return self.submitted_at > self.deadline_at


@dataclass(frozen=True, slots=True)
class ReviewCard:
    """One response as the reviewer sees it: its answers and every status transition."""

    view: ResponseView
    events: list[ResponseEvent]

    @property
    def awaiting(self) -> bool:
        return self.view.response.status is Status.SUBMITTED

    @property
    def late(self) -> bool:
        submitted_at = self.view.response.submitted_at
        return submitted_at is not None and submitted_at > self.view.campaign.deadline_at


@dataclass(slots=True)
class Decision:
    view: ResponseView
    event_id: int
    recipients: int = 0  # respondents of the school a notice was claimed for
    outcomes: dict[Outcome, int] = field(default_factory=lambda: dict.fromkeys(Outcome, 0))


async def review_queue(database: Database, catalog: FormCatalog, actor: Actor) -> list[Awaiting]:
    """Submitted responses of the schools the actor may review: those of the rounds the actor
    owns first (marked ``mine``), then the rest, each part oldest submission first.

    Owning a round does not narrow who may review it: a department shares the work, and a
    colleague covers for an owner who is away, so every methodist still sees every response
    of their scope; the owner just finds their own direction's responses on top.
    """
    if not allows_somewhere(actor, Action.REVIEW):
        raise AccessDenied(Action.REVIEW)
    directory = await load_directory(database)
    schools = visible_schools(actor, Action.REVIEW, directory.schools.values())
    async with database.read() as conn:
        found = await awaiting_review(conn, [school.id for school in schools])
        owners = await campaign_owner_ids(conn, sorted({item.campaign_id for item in found}))
    me = None if actor.user is None else actor.user.id
    queue: list[Awaiting] = []
    for item in found:
        form = await catalog.definition(database, item.form_id)
        queue.append(
            Awaiting(
                response_id=item.response_id,
                school=directory.schools[item.school_id],
                form_title=form.short_title,
                period_label=item.period_label,
                submitted_at=item.submitted_at,
                deadline_at=item.deadline_at,
                timezone=directory.municipalities[item.municipality_id].timezone,
                mine=me is not None and me in owners.get(item.campaign_id, ()),
            )
        )
    queue.sort(key=lambda awaiting: not awaiting.mine)  # stable: oldest first within each
    return queue


async def review_card(
    database: Database, catalog: FormCatalog, actor: Actor, response_id: int
) -> ReviewCard:
    view = await open_response(database, catalog, actor, response_id, Action.REVIEW)
    async with database.read() as conn:
        events = await load_events(conn, response_id)
    return ReviewCard(view, events)


async def revision_note(database: Database, view: ResponseView) -> ResponseEvent | None:
    """The return the school is working on (for the school's own screen): the latest return,
    unless the response has been submitted or accepted since. ``view`` is already authorised."""
    if view.response.status not in (Status.RETURNED, Status.DRAFT):
        return None
    async with database.read() as conn:
        events = await load_events(conn, view.response.id)
    for event in reversed(events):
        if event.to_status is Status.RETURNED:
            return event
        if event.to_status in (Status.SUBMITTED, Status.ACCEPTED):
            return None
    return None


def check_comment(comment: str) -> str:
    text = comment.strip()
    if not text or len(text) > COMMENT_LIMIT:
        raise BadComment(len(text))
    return text


async def return_for_revision(
    database: Database,
    catalog: FormCatalog,
    actor: Actor,
    response_id: int,
    comment: str,
    deliver: Deliver,
    *,
    now: datetime,
) -> Decision:
    """Back to the school with a comment; its respondents are told, with a button to the form."""
    return await _decide(
        database,
        catalog,
        actor,
        response_id,
        Status.RETURNED,
        deliver,
        comment=check_comment(comment),
        now=now,
    )


async def accept(
    database: Database,
    catalog: FormCatalog,
    actor: Actor,
    response_id: int,
    deliver: Deliver,
    *,
    now: datetime,
) -> Decision:
    return await _decide(
        database, catalog, actor, response_id, Status.ACCEPTED, deliver, comment=None, now=now
    )


async def _decide(
    database: Database,
    catalog: FormCatalog,
    actor: Actor,
    response_id: int,
    status: Status,
    deliver: Deliver,
    *,
    comment: str | None,
    now: datetime,
) -> Decision:
    view = await open_response(database, catalog, actor, response_id, Action.REVIEW)
    if view.response.status is not Status.SUBMITTED:
        raise WrongStatus(view.response.status)
    if status is Status.RETURNED and view.campaign.closed_at is not None:
        raise ClosedCampaign(response_id)
    user_id = None if actor.user is None else actor.user.id
    reviewer = actor.display_name or texts.SOMEONE
    async with database.write() as conn:
        event_id = await decide(
            conn, response_id, status, user_id=user_id, now=now, comment=comment
        )
        if event_id is None:  # someone decided between our read and this write
            current = await get_response(conn, response_id)
            raise WrongStatus(Status.SUBMITTED if current is None else current.status)
        kind = f"{RETURNED_KIND if status is Status.RETURNED else ACCEPTED_KIND}{event_id}"
        text = _notice_text(view, status, comment, reviewer)
        notices: list[Notice] = []
        for person in await list_people(conn):
            if person.user.unreachable_since is not None or not _answers_for(person, view.school):
                continue
            reminder_id = await claim(
                conn,
                campaign_id=view.campaign.id,
                school_id=view.school.id,
                user_id=person.user.id,
                kind=kind,
                now=now,
            )
            if reminder_id is None:
                continue
            notices.append(
                Notice(
                    reminder_id=reminder_id,
                    user_id=person.user.id,
                    telegram_id=person.user.telegram_id,
                    text=text,
                    # A return carries the button that opens the form; an acceptance needs none.
                    response_id=response_id if status is Status.RETURNED else None,
                    school_id=view.school.id,
                    campaign_id=view.campaign.id,
                )
            )
    decided = await open_response(database, catalog, actor, response_id, Action.REVIEW)
    decision = Decision(decided, event_id, recipients=len(notices))
    # The notices are claimed: renewed while this process delivers them (as a tick's are).
    lease = ClaimLease(database, now)
    lease.hold(notice.reminder_id for notice in notices)

    async def record(result: NoticeResult) -> None:
        decision.outcomes[result.outcome] += 1
        await record_result(database, result, now=now)
        lease.release(claimed.reminder_id for claimed in result.notice.claims)

    if notices:
        try:
            async with lease.kept():
                await deliver(notices, record)
        except LeaseLost:  # the decision stands; the notices left were given up
            log.warning("review of response %s: stopped notifying, lease lost", response_id)
    return decision


def _answers_for(person: Person, school: School) -> bool:
    """Whether the person answers for this school (their respondent role, not any other)."""
    grants = tuple(grant for grant in person.grants if grant.role is Role.RESPONDENT)
    holder = Actor(telegram_id=person.user.telegram_id, user=person.user, grants=grants)
    return bool(grants) and allows(holder, Action.ANSWER, Target.school(school))


def _notice_text(view: ResponseView, status: Status, comment: str | None, reviewer: str) -> str:
    values = {
        "title": escape(view.form.title),
        "period": escape(view.campaign.period_label),
        "school": escape(view.school.short_name),
        "deadline": view.campaign.deadline_at.astimezone(ZoneInfo(view.timezone)).strftime(
            "%d.%m.%Y %H:%M"
        ),
    }
    if status is Status.RETURNED:
        return texts.NOTICE_RETURNED.format(
            **values, comment=escape(comment or ""), reviewer=escape(reviewer)
        )
    return texts.NOTICE_ACCEPTED.format(**values)
