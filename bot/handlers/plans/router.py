"""/plans: the plans a person may see, each one's board; a methodist uploads a new one; an
owner reports their items done.

The command lists the plans of the person's scope (``core.plans.store.visible_plans``) as
buttons, and for a methodist of a municipality waits for a file: it is read whole or refused
with every row it could not read (``core.plans.load_plan``), then stored with the people it
names recognised (``save_plan``) and shown as a board. A person named as an owner also gets
"📌 Мои пункты": their open items with a ✅ each, then a short report marks one done
(``report_done``). The FSM keeps only that a file is awaited, or which item a report is for.
"""

import io
from datetime import date
from html import escape

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.commands import Cmd
from bot.config import Settings
from bot.handlers.plans.callbacks import ItemDone, MyItems, PlanOpen
from bot.handlers.plans.states import Plans
from bot.handlers.shared.buttons import message_of
from bot.handlers.shared.filters import NOT_A_COMMAND
from bot.handlers.shared.messages import message_chunks, shorten_text
from bot.keyboard import InlineKeyboardBuilder
from core.access import AccessDenied, Action, allows_somewhere
from core.actors import Actor
from core.clock import Clock
from core.plans import file_error_text, find_school_year, load_plan, problem_lines
from core.plans.store import (
    REPORT_LIMIT,
    Board,
    ItemClosed,
    PlanLine,
    my_items,
    plan_board,
    plan_municipality,
    report_done,
    save_plan,
    visible_plans,
)
from exports.sheets import SheetError
from storage import Database
from storage.plans import Item, ItemStatus
from texts import plans as texts

MAX_PLAN_BYTES = 5 << 20  # a plan is a table of a few pages
OVERDUE_SHOWN = 15  # overdue items listed on the board; the rest are counted
MY_ITEMS_SHOWN = 20  # a person's open items listed with a button each
SUFFIXES = (".xlsx", ".xlsm", ".docx")


def _today(clock: Clock, settings: Settings) -> date:
    return clock().astimezone(settings.zone).date()


def _school_year(today: date) -> int:
    """The school year a plan uploaded today is for, when its title does not say: from June
    on, the one starting in September."""
    return today.year if today.month >= 6 else today.year - 1


def _list_keyboard(lines: list[PlanLine], *, owns: bool) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    if owns:
        builder.button(text=texts.MY_ITEMS_BUTTON, callback_data=MyItems())
    for line in lines:
        template = texts.PLAN_BUTTON_OVERDUE if line.overdue else texts.PLAN_BUTTON
        text = template.format(
            year=f"{line.school_year}/{(line.school_year + 1) % 100:02d}",
            title=shorten_text(line.title, 28),
            done=line.done,
            items=line.items,
            overdue=line.overdue,
        )
        builder.button(text=text, callback_data=PlanOpen(p=line.plan_id))
    builder.adjust(1)
    return builder.as_markup()


def _owners(item: Item) -> str:
    names = [
        owner.name if owner.position is None else f"{owner.name}, {owner.position}"
        for owner in item.owners
    ]
    return escape("; ".join(names)) if names else texts.BOARD_NO_OWNERS


def board_lines(board: Board) -> list[str]:
    """The board as lines of HTML: the plan, its counts, the overdue items most overdue first."""
    plan, counts = board.plan, board.counts
    today = board.today.strftime("%d.%m.%Y")
    lines = [
        texts.BOARD_TITLE.format(title=escape(plan.title)),
        texts.BOARD_YEAR.format(
            first=plan.school_year, second=plan.school_year + 1, items=len(plan.items)
        ),
        texts.BOARD_COUNTS.format(**{status.value: counts[status] for status in ItemStatus}),
        "",
    ]
    if not board.overdue:
        lines.append(texts.BOARD_NONE_OVERDUE.format(today=today))
        return lines
    lines.append(texts.BOARD_OVERDUE.format(today=today, count=len(board.overdue)))
    shown = board.overdue[:OVERDUE_SHOWN]
    # Under their sections, in the plan's order; within a section, most overdue first.
    sections = list(dict.fromkeys(item.section for item in sorted(shown, key=_position)))
    for section in sections:
        lines.append(texts.BOARD_SECTION.format(section=escape(section or texts.NO_SECTION)))
        lines += [_item_line(item) for item in shown if item.section == section]
    if len(board.overdue) > OVERDUE_SHOWN:
        lines.append(texts.BOARD_MORE.format(count=len(board.overdue) - OVERDUE_SHOWN))
    return lines


def _position(item: Item) -> int:
    return item.position


def _item_line(item: Item) -> str:
    due = item.due_on.strftime("%d.%m.%Y")
    # The plan's own words when they say more than the date ("август", "в течение года").
    label = "" if item.deadline_label == due else f" ({escape(item.deadline_label)})"
    return texts.BOARD_ITEM.format(
        number=escape(item.number),
        content=escape(shorten_text(item.content, 90)),
        due=due,
        label=label,
        owners=_owners(item),
    )


async def _show_board(message: Message, board: Board) -> None:
    for chunk in message_chunks(board_lines(board)):
        await message.answer(chunk)


def build_router() -> Router:
    router = Router(name="plans")

    @router.message(Command(Cmd.PLANS))
    async def show(
        message: Message,
        state: FSMContext,
        actor: Actor,
        database: Database,
        clock: Clock,
        settings: Settings,
    ) -> None:
        if not allows_somewhere(actor, Action.VIEW_PLANS):
            await message.answer(texts.NOT_ALLOWED)
            return
        lines = await visible_plans(database, actor, today=_today(clock, settings))
        text = [texts.LIST_HEADER, "" if lines else texts.NO_PLANS]
        if allows_somewhere(actor, Action.MANAGE_PLANS):
            if plan_municipality(actor) is None:
                text.append(texts.UPLOAD_NO_MUNICIPALITY)
            else:
                text.append(texts.UPLOAD_HOW_TO)
                await state.set_state(Plans.upload)
        owns = bool(await my_items(database, actor))
        markup = _list_keyboard(lines, owns=owns) if lines or owns else None
        await message.answer("\n".join(line for line in text if line), reply_markup=markup)

    @router.callback_query(PlanOpen.filter())
    async def open_plan(
        query: CallbackQuery,
        callback_data: PlanOpen,
        actor: Actor,
        database: Database,
        clock: Clock,
        settings: Settings,
    ) -> None:
        try:
            board = await plan_board(
                database, actor, callback_data.p, today=_today(clock, settings)
            )
        except AccessDenied:
            await query.answer(texts.STALE, show_alert=True)
            return
        await query.answer()
        await _show_board(message_of(query), board)

    @router.callback_query(MyItems.filter())
    async def show_my_items(
        query: CallbackQuery, actor: Actor, database: Database, clock: Clock, settings: Settings
    ) -> None:
        await query.answer()
        owned = await my_items(database, actor)
        if not owned:
            await message_of(query).answer(texts.MY_ITEMS_NONE)
            return
        today = _today(clock, settings)
        shown = owned[:MY_ITEMS_SHOWN]
        lines = [texts.MY_ITEMS_HEADER]
        for number, entry in enumerate(shown, start=1):
            lines.append(
                texts.MY_ITEM_LINE.format(
                    number=number,
                    item=escape(entry.item.number),
                    content=escape(shorten_text(entry.item.content, 90)),
                    due=entry.item.due_on.strftime("%d.%m.%Y"),
                    overdue=texts.MY_ITEM_OVERDUE if entry.item.overdue(today) else "",
                )
            )
        builder = InlineKeyboardBuilder()
        for number, entry in enumerate(shown, start=1):
            builder.button(
                text=texts.DONE_BUTTON.format(number=number),
                callback_data=ItemDone(i=entry.item.id),
            )
        builder.adjust(5)
        *first, last = message_chunks(lines)
        for chunk in first:
            await message_of(query).answer(chunk)
        await message_of(query).answer(last, reply_markup=builder.as_markup())

    @router.callback_query(ItemDone.filter())
    async def ask_report(
        query: CallbackQuery,
        callback_data: ItemDone,
        state: FSMContext,
        actor: Actor,
        database: Database,
    ) -> None:
        owned = {entry.item.id: entry for entry in await my_items(database, actor)}
        entry = owned.get(callback_data.i)
        if entry is None:
            await query.answer(texts.ITEM_CLOSED, show_alert=True)
            return
        await query.answer()
        await state.set_state(Plans.report)
        await state.set_data({"item_id": entry.item.id})
        await message_of(query).answer(
            texts.ASK_REPORT.format(
                number=escape(entry.item.number),
                content=escape(shorten_text(entry.item.content, 90)),
                limit=REPORT_LIMIT,
            )
        )

    @router.message(Plans.report, F.text, NOT_A_COMMAND)
    async def receive_report(
        message: Message, state: FSMContext, actor: Actor, database: Database, clock: Clock
    ) -> None:
        report = (message.text or "").strip()
        if not report:
            await message.answer(texts.REPORT_EMPTY)
            return
        if len(report) > REPORT_LIMIT:
            await message.answer(
                texts.REPORT_TOO_LONG.format(length=len(report), limit=REPORT_LIMIT)
            )
            return
        item_id = (await state.get_data()).get("item_id")
        await state.clear()
        if not isinstance(item_id, int):
            await message.answer(texts.ITEM_GONE)
            return
        try:
            item = await report_done(database, actor, item_id, report, now=clock())
        except AccessDenied:
            await message.answer(texts.ITEM_GONE)
            return
        except ItemClosed:
            await message.answer(texts.ITEM_CLOSED)
            return
        await message.answer(
            texts.REPORTED.format(
                number=escape(item.number), content=escape(shorten_text(item.content, 90))
            )
        )

    @router.message(Plans.report, NOT_A_COMMAND)
    async def not_a_report(message: Message) -> None:
        await message.answer(texts.REPORT_EMPTY)

    @router.message(Plans.upload, F.document)
    async def receive(
        message: Message,
        state: FSMContext,
        bot: Bot,
        actor: Actor,
        database: Database,
        clock: Clock,
        settings: Settings,
    ) -> None:
        document = message.document
        assert document is not None
        name = document.file_name or ""
        if not name.lower().endswith(SUFFIXES):
            await message.answer(texts.WRONG_TYPE)
            return
        # Telegram states the size: a file too large is refused before it is downloaded.
        if (document.file_size or 0) > MAX_PLAN_BYTES:
            await message.answer(texts.TOO_LARGE.format(megabytes=MAX_PLAN_BYTES >> 20))
            return
        municipality_id = plan_municipality(actor)
        if municipality_id is None:  # the role went meanwhile
            await state.clear()
            raise AccessDenied(Action.MANAGE_PLANS)
        await bot.send_chat_action(message.chat.id, "typing")
        buffer = io.BytesIO()
        await bot.download(document, destination=buffer)
        today = _today(clock, settings)
        try:
            reading = load_plan(name, buffer.getvalue(), _school_year(today))
        except SheetError as error:
            await message.answer(escape(file_error_text(error)))
            return  # still waiting: a second chance
        if reading.draft is None:
            lines = [texts.NOT_SAVED, *(escape(line) for line in problem_lines(reading.problems))]
            for chunk in message_chunks(lines):
                await message.answer(chunk)
            return
        draft = reading.draft
        year = find_school_year(draft.title)
        if year is not None and year != draft.school_year:
            reading = load_plan(name, buffer.getvalue(), year)  # its own year decides months
            assert reading.draft is not None
            draft = reading.draft
        plan_id = await save_plan(
            database, actor, draft, municipality_id=municipality_id, now=clock()
        )
        await state.clear()
        board = await plan_board(database, actor, plan_id, today=today)
        written = {person.name for item in draft.items for person in item.owners.people}
        known = {owner.name for item in board.plan.items for owner in item.owners if owner.user_id}
        await message.answer(
            texts.SAVED.format(
                sections=len(draft.sections),
                items=len(draft.items),
                known=len(known),
                people=len(written),
            )
        )
        await _show_board(message, board)

    # Commands pass through: /cancel leaves the step, /help and the rest keep working.
    @router.message(Plans.upload, NOT_A_COMMAND)
    async def not_a_file(message: Message) -> None:
        await message.answer(texts.WAITING if message.text else texts.WRONG_TYPE)

    return router
