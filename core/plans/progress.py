"""What happens to a plan's item after it is planned: в работе, выполнено (a short report and,
optionally, evidence), перенесено (a new deadline and a reason), не выполнено (a reason); and the
card that shows an item with its history.

Who may do what (``allowed_actions``):
- an owner of the item (a person the plan names, recognised in the bot) may start it, report it
  done, and postpone it up to the end of the plan's school year;
- whoever manages the plan (``Action.MANAGE_PLANS`` where it belongs: the municipality's
  methodists, an administrator) may do the same, postpone it up to the end of the next school
  year, and mark it не выполнено: giving an item up is the department's decision, not the
  owner's;
- whoever may see the plan sees the card (no buttons).
A done or not-done item is closed: every change raises ``ItemClosed``. Starting an item already
in work changes nothing (a second press records nothing).

A new deadline is read like a plan's "Сроки" cell (``parse_deadline``) in the school year of the
day it is typed (from June on, the one starting in September): "декабрь" typed in October 2020
is 31.12.2020, "25.12" is 25.12.2020, "до 10.03.2021" is that day. It must fall after today and
differ from the current one (``read_new_deadline``). Its words replace the plan's ("август"
becomes "декабрь"), and the event keeps the reason.

Evidence of an item done is one string in ``plan_items.evidence`` (``Evidence.stored``):
- a link: the http(s) URL itself, at most ``LINK_LIMIT`` characters ("https://school5.ru/x");
  one written without a scheme is taken only when it starts with "www.";
- a file sent to the bot: "tg:document:<file_id>" or "tg:photo:<file_id>", Telegram's file id
  (which stays valid for this bot), so that the card can send the file again.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from urllib.parse import urlsplit

from sqlalchemy.ext.asyncio import AsyncConnection

from core.access import AccessDenied, Action, Target, allows
from core.actors import Actor
from core.directory import Directory, load_directory
from core.plans.deadlines import Deadline, parse_deadline, school_year_end
from core.plans.store import LABEL_LIMIT, may_own, may_see_plan
from storage import Database
from storage.plan_progress import ItemEvent, item_events, set_deadline_words
from storage.plans import (
    CLOSED_STATUSES,
    Item,
    ItemStatus,
    Plan,
    change_item_status,
    get_plan,
    plan_of_item,
)

REPORT_LIMIT = 1000  # characters of a report that an item is done
REASON_LIMIT = 500  # characters of the reason of a postponement or of "не выполнено"
LINK_LIMIT = 1000  # characters of a link given as evidence
FILE_ID_LIMIT = 255  # Telegram's file ids are well under this
HISTORY_SHOWN = 8  # the last changes a card shows


class ItemClosed(Exception):
    """The item is done or not done already (by someone else, or by an older button)."""


class ItemAction(StrEnum):
    START = "start"
    DONE = "done"
    POSTPONE = "postpone"
    DROP = "drop"


def current_school_year(today: date) -> int:
    """The school year a day belongs to for planning: from June on, the one starting in
    September (a plan made in June is for the coming year)."""
    return today.year if today.month >= 6 else today.year - 1


def manages(actor: Actor, plan: Plan) -> bool:
    return allows(actor, Action.MANAGE_PLANS, Target(plan.municipality_id, None, plan.school_id))


def owns(actor: Actor, directory: Directory, plan: Plan, item: Item) -> bool:
    """One of the item's owners whose roles still reach it (``core.plans.store.may_own``)."""
    return may_own(actor, directory, plan, item)


def postpone_limit(actor: Actor, plan: Plan, *, today: date) -> date:
    """The latest day an owner (the end of the plan's school year) or a manager (the end of the
    next school year) may move the plan's items to."""
    if manages(actor, plan):
        return school_year_end(current_school_year(today) + 1)
    return school_year_end(plan.school_year)


def allowed_actions(
    actor: Actor, directory: Directory, plan: Plan, item: Item, *, today: date
) -> frozenset[ItemAction]:
    """What the actor may do to the item now (nothing to a closed one)."""
    manager = manages(actor, plan)
    if item.status in CLOSED_STATUSES or not (manager or owns(actor, directory, plan, item)):
        return frozenset()
    actions = {ItemAction.DONE}
    if item.status is not ItemStatus.IN_PROGRESS:
        actions.add(ItemAction.START)
    if postpone_limit(actor, plan, today=today) > today:
        actions.add(ItemAction.POSTPONE)
    if manager:
        actions.add(ItemAction.DROP)
    return frozenset(actions)


@dataclass(frozen=True, slots=True)
class ItemCard:
    """An item as one person sees it: its plan, its last changes, what they may do to it."""

    plan: Plan
    item: Item
    events: tuple[ItemEvent, ...]  # the last HISTORY_SHOWN, oldest first
    actions: frozenset[ItemAction]
    manager: bool  # the person manages the plan
    owner: bool  # the person is one of the item's owners
    postpone_limit: date | None  # with ItemAction.POSTPONE: the latest new deadline


async def item_card(database: Database, actor: Actor, item_id: int, *, today: date) -> ItemCard:
    """``AccessDenied`` for an item that does not exist or that the actor may not see."""
    directory = await load_directory(database)
    async with database.read() as conn:
        found = await _load(conn, item_id)
        events = [] if found is None else await item_events(conn, item_id, last=HISTORY_SHOWN)
    if found is None:
        raise AccessDenied(Action.VIEW_PLANS)
    plan, item = found
    manager, owner = manages(actor, plan), owns(actor, directory, plan, item)
    if not (manager or owner or await may_see_plan(database, actor, plan)):
        raise AccessDenied(Action.VIEW_PLANS)
    actions = allowed_actions(actor, directory, plan, item, today=today)
    return ItemCard(
        plan,
        item,
        tuple(events),
        actions,
        manager,
        owner,
        postpone_limit(actor, plan, today=today) if ItemAction.POSTPONE in actions else None,
    )


async def start_item(database: Database, actor: Actor, item_id: int, *, now: datetime) -> Item:
    """в работе; the item as it now stands (unchanged when it was in work already)."""
    directory = await load_directory(database)
    async with database.write() as conn:
        _, item = await _open_item(conn, actor, item_id, directory)
        if item.status is ItemStatus.IN_PROGRESS:
            return item
        if not await change_item_status(
            conn, item_id, ItemStatus.IN_PROGRESS, user_id=_user_id(actor), now=now
        ):
            raise ItemClosed(item_id)  # changed by someone else meanwhile
        return await _reloaded(conn, item_id)


async def report_done(
    database: Database,
    actor: Actor,
    item_id: int,
    report: str,
    *,
    now: datetime,
    evidence: "Evidence | None" = None,
) -> Item:
    """выполнено with a short report (and evidence), by one of the item's owners or a manager
    of its plan; the item as it now stands. ``AccessDenied`` for anyone else (or no such item),
    ``ItemClosed`` when it is closed already, ``ValueError`` for an empty or too long report."""
    text = _checked_text(report, REPORT_LIMIT)
    directory = await load_directory(database)
    async with database.write() as conn:
        await _open_item(conn, actor, item_id, directory)
        if not await change_item_status(
            conn,
            item_id,
            ItemStatus.DONE,
            user_id=_user_id(actor),
            now=now,
            comment=text,
            evidence=None if evidence is None else evidence.stored,
        ):
            raise ItemClosed(item_id)  # changed by someone else meanwhile
        return await _reloaded(conn, item_id)


async def postpone_item(
    database: Database,
    actor: Actor,
    item_id: int,
    deadline: str,
    reason: str,
    *,
    now: datetime,
    today: date,
) -> Item:
    """перенесено to the deadline written in ``deadline`` ("декабрь", "25.12.2020"), with a
    reason. ``BadDeadline`` when it cannot be read or is not allowed (see
    ``read_new_deadline``), ``ValueError`` for an empty or too long reason."""
    text = _checked_text(reason, REASON_LIMIT)
    directory = await load_directory(database)
    async with database.write() as conn:
        plan, item = await _open_item(conn, actor, item_id, directory)
        limit = postpone_limit(actor, plan, today=today)
        new = read_new_deadline(deadline, today=today, current=item.due_on, limit=limit)
        if not await change_item_status(
            conn,
            item_id,
            ItemStatus.POSTPONED,
            user_id=_user_id(actor),
            now=now,
            comment=text,
            due_on=new.due,
        ):
            raise ItemClosed(item_id)  # changed by someone else meanwhile
        await set_deadline_words(conn, item_id, kind=new.kind.value, label=new.label)
        return await _reloaded(conn, item_id)


async def drop_item(
    database: Database, actor: Actor, item_id: int, reason: str, *, now: datetime
) -> Item:
    """не выполнено, with a reason: by a manager of the plan only (``AccessDenied`` for an
    owner); the item is closed then."""
    text = _checked_text(reason, REASON_LIMIT)
    directory = await load_directory(database)
    async with database.write() as conn:
        plan, _ = await _open_item(conn, actor, item_id, directory)
        if not manages(actor, plan):
            raise AccessDenied(Action.MANAGE_PLANS)
        if not await change_item_status(
            conn, item_id, ItemStatus.NOT_DONE, user_id=_user_id(actor), now=now, comment=text
        ):
            raise ItemClosed(item_id)  # changed by someone else meanwhile
        return await _reloaded(conn, item_id)


async def _load(conn: AsyncConnection, item_id: int) -> tuple[Plan, Item] | None:
    plan_id = await plan_of_item(conn, item_id)
    plan = None if plan_id is None else await get_plan(conn, plan_id)
    item = None if plan is None else next((i for i in plan.items if i.id == item_id), None)
    return None if plan is None or item is None else (plan, item)


async def _open_item(
    conn: AsyncConnection, actor: Actor, item_id: int, directory: Directory
) -> tuple[Plan, Item]:
    """The item and its plan, when the actor owns it or manages its plan and it is open."""
    found = await _load(conn, item_id)
    if found is None or not (
        manages(actor, found[0]) or owns(actor, directory, found[0], found[1])
    ):
        raise AccessDenied(Action.REPORT_PLAN)
    if found[1].status in CLOSED_STATUSES:
        raise ItemClosed(item_id)
    return found


async def _reloaded(conn: AsyncConnection, item_id: int) -> Item:
    found = await _load(conn, item_id)
    assert found is not None
    return found[1]


def _user_id(actor: Actor) -> int | None:
    return None if actor.user is None else actor.user.id


def _checked_text(text: str, limit: int) -> str:
    cleaned = text.strip()
    if not cleaned or len(cleaned) > limit:
        raise ValueError(f"a text of 1 to {limit} characters is needed, not {len(cleaned)}")
    return cleaned


# --- a new deadline ---------------------------------------------------------------------------


class DeadlineProblem(StrEnum):
    UNCLEAR = "unclear"  # not a deadline a plan could state
    NOT_AFTER_TODAY = "not_after_today"
    SAME = "same"  # the item's deadline already
    TOO_LATE = "too_late"  # after the latest day the actor may move it to


class BadDeadline(ValueError):
    def __init__(self, problem: DeadlineProblem, due: date | None = None) -> None:
        super().__init__(problem.value)
        self.problem = problem
        self.due = due  # what the text was read as, when it was read


def read_new_deadline(text: str, *, today: date, current: date, limit: date) -> Deadline:
    """The new deadline ``text`` states, read in today's school year; ``BadDeadline`` unless
    it falls after ``today``, is not ``current`` and is at most ``limit``."""
    label = " ".join(text.split())
    deadline = parse_deadline(label, current_school_year(today)) if label else None
    if deadline is None or len(label) > LABEL_LIMIT:
        raise BadDeadline(DeadlineProblem.UNCLEAR)
    if deadline.due <= today:
        raise BadDeadline(DeadlineProblem.NOT_AFTER_TODAY, deadline.due)
    if deadline.due == current:
        raise BadDeadline(DeadlineProblem.SAME, deadline.due)
    if deadline.due > limit:
        raise BadDeadline(DeadlineProblem.TOO_LATE, deadline.due)
    return deadline


# --- evidence ---------------------------------------------------------------------------------


class EvidenceKind(StrEnum):
    LINK = "link"
    DOCUMENT = "document"
    PHOTO = "photo"


_FILE_PREFIX = "tg:"
_FILE_ID = re.compile(r"[A-Za-z0-9_-]+")
# A host name: labels of letters (Cyrillic too: "школа.рф"), digits and hyphens, a dot between,
# a top-level domain of letters (or its punycode).
_HOST = re.compile(
    r"(?:[0-9a-zа-яё](?:[0-9a-zа-яё-]{0,61}[0-9a-zа-яё])?\.)+(?:[a-zа-яё]{2,63}|xn--[0-9a-z-]+)",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Evidence:
    kind: EvidenceKind
    value: str  # the URL, or Telegram's file id

    @property
    def stored(self) -> str:
        """As ``plan_items.evidence`` keeps it (see the module's docstring)."""
        if self.kind is EvidenceKind.LINK:
            return self.value
        return f"{_FILE_PREFIX}{self.kind.value}:{self.value}"

    @classmethod
    def from_stored(cls, stored: str | None) -> "Evidence | None":
        """What ``stored`` keeps; None for nothing (or anything not written by ``stored``)."""
        if not stored:
            return None
        if stored.startswith(_FILE_PREFIX):
            kind, _, file_id = stored.removeprefix(_FILE_PREFIX).partition(":")
            if kind in (EvidenceKind.DOCUMENT, EvidenceKind.PHOTO) and _FILE_ID.fullmatch(file_id):
                return cls(EvidenceKind(kind), file_id)
            return None
        return cls(EvidenceKind.LINK, stored)


class LinkProblem(StrEnum):
    NOT_A_LINK = "not_a_link"
    TOO_LONG = "too_long"


class BadLink(ValueError):
    def __init__(self, problem: LinkProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


def read_link(text: str) -> Evidence:
    """A typed link as evidence: an http(s) URL with a host name (or an address), one word;
    "www.school5.ru/x" is taken as "https://www.school5.ru/x". ``BadLink`` otherwise."""
    link = text.strip()
    if len(link) > LINK_LIMIT:
        raise BadLink(LinkProblem.TOO_LONG)
    if link.lower().startswith("www."):
        link = "https://" + link
    if not link or any(character.isspace() for character in link):
        raise BadLink(LinkProblem.NOT_A_LINK)
    try:
        parts = urlsplit(link)
        parts.port  # noqa: B018 -- raises ValueError for a port that is not a number
    except ValueError as error:
        raise BadLink(LinkProblem.NOT_A_LINK) from error
    host = parts.hostname or ""
    if (
        parts.scheme.lower() not in ("http", "https")
        or parts.username is not None
        or not (_HOST.fullmatch(host) or _is_address(host))
    ):
        raise BadLink(LinkProblem.NOT_A_LINK)
    if len(link) > LINK_LIMIT:
        raise BadLink(LinkProblem.TOO_LONG)
    return Evidence(EvidenceKind.LINK, link)


def _is_address(host: str) -> bool:
    parts = host.split(".")
    return len(parts) == 4 and all(part.isdigit() and int(part) <= 255 for part in parts)


def file_evidence(kind: EvidenceKind, file_id: str) -> Evidence:
    """A file sent to the bot as evidence; ``ValueError`` for a link or a malformed file id."""
    if kind is EvidenceKind.LINK:
        raise ValueError("a file's evidence is a document or a photo")
    if not (0 < len(file_id) <= FILE_ID_LIMIT and _FILE_ID.fullmatch(file_id)):
        raise ValueError("not a Telegram file id")
    return Evidence(kind, file_id)
