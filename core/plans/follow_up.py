"""Plans followed up on every reminder tick: owners hear of their items' deadlines, coordinators
and methodists of the items overdue in their scope.

Computed from the database like the monitorings' reminders (``core.reminders``), claimed under
the same delivery keys and delivered in the same batch, so a restart or a second replica sends
nothing twice.

Rules
-----
* **Owners** (people in the bot named as an item's owners) of an open item (not done, not
  dropped) have slots at ``hour`` local (the default reminder plan's 10:00): 7 and 1 days before
  the item's deadline (``before:7d@2021-03-10``), on its last day (``deadline@…``), and the day
  after it (``overdue@…``). The deadline is in the kind, so a postponed item is reminded of its
  new deadline afresh. Slots before the plan was stored are dropped, except the overdue one,
  which moves to the storing: an owner hears once that an item was overdue when the plan came.
  Only the latest due slot is sent (a bot that was down catches up once), never in quiet hours.
  One person's items due in one tick go in one message, an "✅" button per item; past ten
  (or a message's length) the rest are counted and found under "📌 Мои пункты".
* **Digests.** Once a local day at ``digest_hour``, each coordinator gets the overdue items that
  concern a school of their scope (an item's schools, or a school's own plan; a municipality's
  road map's items that name none, when they see the plan), and each
  methodist the overdue items of the plans they manage (``plans-digest:YYYY-MM-DD``); nobody
  with none in scope hears anything.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from html import escape
from zoneinfo import ZoneInfo

from core.access import Action, Target, allows
from core.actors import Actor, person_as
from core.directory import Directory
from core.plans.store import may_own, sees_plan
from core.schedule import ReminderPlan, Slot, latest_pending
from storage import Database
from storage.people import Person, Role
from storage.plans import FollowedItem, Item, Plan, followed_items, get_plans, plans_overdue_on
from storage.reminders import claim, claimed_plan_kinds, sent_item_kinds
from texts import plan_reminders as texts
from texts.plurals import DAYS, counted

# The hours by default: 10:00 reminders, 9:00 digests, quiet 20:00–8:00 (the demo has no quiet).
REMINDER_PLAN = ReminderPlan()
DAYS_BEFORE = (7, 1)
ITEMS_PER_MESSAGE = 10  # a button each
MESSAGE_LIMIT = 3500
CONTENT_SHOWN = 160  # characters of an item's content in a list line
PLAN_TITLE_SHOWN = 120  # characters of a plan's title (a road map's runs to 300)


@dataclass(frozen=True, slots=True)
class ItemReminder:
    """One claimed reminder of an item to one owner."""

    reminder_id: int
    item: FollowedItem
    kind: str

    @property
    def stage(self) -> str:
        """ "before", "deadline" or "overdue" (the kind without its days and deadline)."""
        return self.kind.partition("@")[0].partition(":")[0]


@dataclass(frozen=True, slots=True)
class ItemMessage:
    """One message to one owner: the items' lines, and a "✅" button per item."""

    user_id: int
    telegram_id: int
    text: str
    reminder_ids: tuple[int, ...]
    buttons: tuple[tuple[str, int], ...]  # (label, item id)


@dataclass(frozen=True, slots=True)
class DigestMessage:
    reminder_id: int
    user_id: int
    telegram_id: int
    text: str


def _local(day: date, hour: int, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=zone).astimezone(UTC)


def item_slots(item: FollowedItem, hours: ReminderPlan = REMINDER_PLAN) -> list[Slot]:
    """The moments an owner is reminded of an item, sorted; see the module rules."""
    zone = ZoneInfo(item.timezone)
    due = item.due_on.isoformat()
    hour = hours.hour
    slots = [
        Slot(f"before:{days}d@{due}", _local(item.due_on - timedelta(days=days), hour, zone))
        for days in DAYS_BEFORE
    ]
    slots.append(Slot(f"deadline@{due}", _local(item.due_on, hour, zone)))
    kept = [slot for slot in slots if slot.due_at >= item.plan_created_at]
    overdue_at = _local(item.due_on + timedelta(days=1), hour, zone)
    kept.append(Slot(f"overdue@{due}", max(overdue_at, item.plan_created_at)))
    return sorted(kept, key=lambda slot: slot.due_at)


async def owner_reminders(
    database: Database,
    directory: Directory,
    people: Sequence[Person],
    *,
    now: datetime,
    hours: ReminderPlan = REMINDER_PLAN,
) -> list[ItemMessage]:
    """Claim the item reminders due at ``now``, as one message per owner: of the people who
    still answer for their items (``may_own``: in the bot, their roles reaching the item)."""
    async with database.read() as conn:
        followed = await followed_items(conn)
        sent = await sent_item_kinds(conn, [item.item_id for item in followed], now)
    due: list[tuple[FollowedItem, str]] = []
    for item in followed:
        slot = latest_pending(
            item_slots(item, hours),
            now,
            sent=sent.get((item.item_id, item.user_id), set()),
            timezone=item.timezone,
            plan=hours,
        )
        if slot is not None:
            due.append((item, slot.kind))
    if not due:  # the usual tick: nothing due, no plan read
        return []
    async with database.read() as conn:
        plans = await get_plans(conn, {item.plan_id for item, _ in due})
    stored = {item.id: (plan, item) for plan in plans.values() for item in plan.items}
    actors = {
        person.user.id: Actor(person.user.telegram_id, person.user, person.grants)
        for person in people
    }
    wanted: list[tuple[FollowedItem, str]] = []
    for item, kind in due:
        actor, found = actors.get(item.user_id), stored.get(item.item_id)
        if actor is not None and found is not None and may_own(actor, directory, *found):
            wanted.append((item, kind))
    by_owner: dict[int, list[ItemReminder]] = {}
    if wanted:
        async with database.write() as conn:
            for item, kind in wanted:
                reminder_id = await claim(
                    conn,
                    campaign_id=None,
                    school_id=None,
                    user_id=item.user_id,
                    kind=kind,
                    now=now,
                    plan_item_id=item.item_id,
                )
                if reminder_id is not None:
                    by_owner.setdefault(item.user_id, []).append(
                        ItemReminder(reminder_id, item, kind)
                    )
    return [_owner_message(reminders, now=now) for reminders in by_owner.values()]


_STAGES = ("overdue", "deadline", "before")


def _owner_message(reminders: list[ItemReminder], *, now: datetime) -> ItemMessage:
    """One person's reminders of a tick in one message: the most pressing first, as many as
    fit with a button each, the rest counted (all of them claimed: the message is about all)."""
    ordered = sorted(
        reminders,
        key=lambda r: (_STAGES.index(r.stage), r.item.plan_id, r.item.due_on, r.item.item_id),
    )
    shown: list[ItemReminder] = []
    for reminder in ordered:
        if len(shown) >= ITEMS_PER_MESSAGE:
            break
        if shown and len(_list_text([*shown, reminder], rest=len(ordered))) > MESSAGE_LIMIT:
            break
        shown.append(reminder)
    first = ordered[0].item
    buttons: tuple[tuple[str, int], ...]
    if len(ordered) == 1:
        text = _single_text(ordered[0], now)
        buttons = ((texts.DONE_BUTTON, first.item_id),)
    else:
        text = _list_text(shown, rest=len(ordered) - len(shown))
        buttons = tuple(
            (texts.DONE_NUMBERED_BUTTON.format(n=n), r.item.item_id)
            for n, r in enumerate(shown, start=1)
        )
    return ItemMessage(
        first.user_id,
        first.telegram_id,
        text,
        tuple(r.reminder_id for r in ordered),
        buttons,
    )


def _item_name(item: FollowedItem) -> str:
    number = item.number.rstrip(".")
    content = _shortened(item.content, CONTENT_SHOWN)
    return escape(f"п. {number}. {content}" if number else content)


def _shortened(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _deadline(item: FollowedItem) -> str:
    day = item.due_on.strftime("%d.%m.%Y")
    label = item.deadline_label.strip()
    if not label or label == day or label.endswith(day):
        return day
    return f"{day} ({escape(label)})"


def _days_left(item: FollowedItem, now: datetime) -> int:
    return (item.due_on - now.astimezone(ZoneInfo(item.timezone)).date()).days


def plan_name(title: str) -> str:
    """A plan's title as a message names it: shortened, in quotes unless it opens with one
    ("«Дорожная карта» (план мероприятий) по …" is quoted already), its own quotes nested."""
    short = _shortened(title, PLAN_TITLE_SHOWN)
    if short.startswith("«"):
        return short
    # Quotes inside quotes are „…“: «Поручения по мониторингу „ВСОКО“ (1 полугодие)».
    return "«" + short.replace("«", "„").replace("»", "“") + "»"


def _single_text(reminder: ItemReminder, now: datetime) -> str:
    item = reminder.item
    values = {
        "plan": escape(plan_name(item.plan_title)),
        "item": _item_name(item),
        "deadline": _deadline(item),
    }
    if reminder.stage == "before":
        days = max(_days_left(item, now), 1)
        if days == 1:
            head = texts.TOMORROW.format(**values)
        else:
            head = texts.BEFORE.format(days=counted(days, DAYS), **values)
    elif reminder.stage == "deadline":
        head = texts.DEADLINE.format(**values)
    else:
        head = texts.OVERDUE.format(**values)
    return f"{head}\n\n{texts.HOW_TO_REPORT}"


def _list_text(batch: Sequence[ItemReminder], *, rest: int = 0) -> str:
    """The items by stage (overdue, due today, due soon), each stage's under its plan and
    section as the plan has them (an item's number is unique only in its section)."""
    lines = [texts.LIST_HEADER]
    stage = plan = section = None
    for number, reminder in enumerate(batch, start=1):
        item = reminder.item
        if reminder.stage != stage:
            stage, plan, section = reminder.stage, None, None
            lines += ["", texts.STAGE_HEADERS[stage]]
        if item.plan_id != plan:
            plan, section = item.plan_id, None
            lines.append(texts.PLAN_HEADING.format(plan=escape(plan_name(item.plan_title))))
        if item.section != section:
            section = item.section
            lines.append(texts.SECTION_HEADING.format(section=escape(section)))
        lines.append(
            texts.LIST_LINE.format(n=number, item=_item_name(item), deadline=_deadline(item))
        )
    if rest:
        lines += ["", texts.LIST_MORE.format(count=rest)]
    lines += ["", texts.HOW_TO_REPORT_MANY]
    return "\n".join(lines)


# --- digests of overdue items ---


def digest_kind(day: date) -> str:
    return f"plans-digest:{day.isoformat()}"


async def overdue_digests(
    database: Database,
    directory: Directory,
    people: Sequence[Person],
    *,
    now: datetime,
    hours: ReminderPlan = REMINDER_PLAN,
) -> list[DigestMessage]:
    """Claim today's digests of overdue items for the coordinators and methodists who have any
    in scope (see the module rules)."""
    tomorrow = (now + timedelta(days=1)).date()  # the latest "today" of any time zone
    async with database.read() as conn:
        candidates = await plans_overdue_on(conn, tomorrow)
        already = await claimed_plan_kinds(conn, [p.user.id for p in people], now)
    if not candidates:
        return []
    overdue: list[tuple[Plan, list[Item]]] = []
    for plan in candidates:
        zone = _zone_of(directory, plan)
        today = now.astimezone(zone).date()
        items = [item for item in plan.items if item.overdue(today)]
        if items:
            overdue.append((plan, items))
    messages: list[DigestMessage] = []
    for person in people:
        found = _in_scope(person, directory, overdue)
        if not found:
            continue
        zone = _zone_of(directory, found[0][0])
        day = now.astimezone(zone).date()
        digest_at = _local(day, hours.digest_hour, zone)
        slot = latest_pending(
            [Slot(digest_kind(day), digest_at)],
            now,
            sent=already.get(person.user.id, set()),
            timezone=zone.key,
            plan=hours,
        )
        if slot is None:
            continue
        async with database.write() as conn:
            reminder_id = await claim(
                conn,
                campaign_id=None,
                school_id=None,
                user_id=person.user.id,
                kind=slot.kind,
                now=now,
            )
        if reminder_id is not None:
            messages.append(
                DigestMessage(
                    reminder_id,
                    person.user.id,
                    person.user.telegram_id,
                    digest_text(found, directory, day),
                )
            )
    return messages


def _zone_of(directory: Directory, plan: Plan) -> ZoneInfo:
    municipality = directory.municipalities.get(plan.municipality_id)
    return ZoneInfo(municipality.timezone if municipality else "UTC")


def _schools_of(plan: Plan, item: Item) -> tuple[int, ...]:
    return item.school_ids or ((plan.school_id,) if plan.school_id is not None else ())


def _in_scope(
    person: Person, directory: Directory, overdue: list[tuple[Plan, list[Item]]]
) -> list[tuple[Plan, list[Item]]]:
    """The overdue items this person hears of: a methodist, those of the plans they manage; a
    coordinator, those that concern a school of their scope."""
    methodist = person_as(person, Role.METHODIST)
    coordinator = person_as(person, Role.COORDINATOR)
    found: list[tuple[Plan, list[Item]]] = []
    for plan, items in overdue:
        plan_target = Target(plan.municipality_id, None, plan.school_id)
        if plan.school_id is not None:
            plan_target = directory.target(school_id=plan.school_id)
        if methodist is not None and allows(methodist, Action.MANAGE_PLANS, plan_target):
            found.append((plan, items))
            continue
        if coordinator is None:
            continue
        sees = sees_plan(coordinator, directory, plan)
        mine = [
            item
            for item in items
            if any(
                school_id in directory.schools
                and allows(coordinator, Action.VIEW_STATUS, directory.target(school_id=school_id))
                for school_id in _schools_of(plan, item)
            )
            # A municipality's road map concerns all its schools: its items naming none go to
            # every coordinator who sees the plan.
            or (not _schools_of(plan, item) and sees)
        ]
        if mine:
            found.append((plan, mine))
    return found


def digest_text(found: list[tuple[Plan, list[Item]]], directory: Directory, day: date) -> str:
    """ "⏰ Просроченные пункты планов на <day>: N", then each plan with its overdue items by
    section, most overdue first, cut to fit one message (the rest counted)."""
    total = sum(len(items) for _, items in found)
    lines = [texts.DIGEST_HEADER.format(day=day.strftime("%d.%m.%Y"), count=total)]
    shown = 0
    full = False
    for plan, items in found:
        block = ["", texts.PLAN_HEADING.format(plan=escape(plan_name(plan.title)))]
        listed = 0
        sections = {item.section for item in items}
        section = None
        for item in sorted(items, key=lambda item: item.position):
            heading = []
            if len(sections) > 1 and item.section != section:
                section = item.section
                heading = [texts.SECTION_HEADING.format(section=escape(section))]
            line = _digest_line(plan, item, directory)
            if len("\n".join([*lines, *block, *heading, line])) > MESSAGE_LIMIT:
                full = True
                break
            block += [*heading, line]
            listed += 1
        if listed:
            lines += block
            shown += listed
        if full:
            break
    if shown < total:
        lines += ["", texts.DIGEST_MORE.format(count=total - shown)]
    lines += ["", texts.DIGEST_FOOTER]
    return "\n".join(lines)


def _digest_line(plan: Plan, item: Item, directory: Directory) -> str:
    line = texts.DIGEST_LINE.format(
        item=escape(_digest_item(item)),
        due=item.due_on.strftime("%d.%m.%Y"),
        owners=escape(_owners(item)),
    )
    if plan.school_id is not None:  # a school's own plan: its title names the school
        return line
    schools = [
        directory.schools[school_id].short_name
        for school_id in item.school_ids
        if school_id in directory.schools
    ]
    if not schools:
        return line
    return texts.DIGEST_LINE_SCHOOLS.format(line=line, schools=escape(", ".join(schools)))


def _digest_item(item: Item) -> str:
    number = item.number.rstrip(".")
    content = _shortened(item.content, CONTENT_SHOWN)
    return f"п. {number}. {content}" if number else content


def _owners(item: Item) -> str:
    names = [owner.name for owner in item.owners]
    return ", ".join(names) if names else "—"
