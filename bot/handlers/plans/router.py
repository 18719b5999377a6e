"""/plans: the plans a person may see, each one's board; a methodist uploads a new one; an
owner reports their items done.

The command lists the plans of the person's scope (``core.plans.store.visible_plans``) as
buttons, and for a methodist of a municipality waits for a file: it is read whole or refused
with every row it could not read (``core.plans.load_plan``), then stored with the people it
names recognised (``save_plan``) and shown as a board. A person named as an owner also gets
"📌 Мои пункты": their open items, each opening its card (``items``: в работе, выполнено,
перенесено, не выполнено). The FSM keeps only that a file is awaited.
"""

from html import escape

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.commands import Cmd
from bot.config import Settings
from bot.handlers.plans import builder as chat_builder
from bot.handlers.plans import items, school_maps
from bot.handlers.plans.board import (
    MAX_PLAN_BYTES,
    SUFFIXES,
    show_board,
    today_of,
)
from bot.handlers.plans.callbacks import MyItems, PlanOpen
from bot.handlers.plans.export import build_export_router
from bot.handlers.plans.states import Plans
from bot.handlers.shared.buttons import message_of
from bot.handlers.shared.files import accepted_document, download
from bot.handlers.shared.filters import NOT_A_COMMAND
from bot.handlers.shared.messages import message_chunks, shorten_text
from bot.keyboard import InlineKeyboardBuilder
from core.access import AccessDenied, Action, allows_somewhere
from core.actors import Actor
from core.clock import Clock
from core.plans import file_error_text, find_school_year, load_plan, problem_lines
from core.plans.progress import current_school_year
from core.plans.store import (
    PlanLine,
    my_items,
    plan_board,
    plan_municipality,
    save_plan,
    visible_plans,
)
from exports.sheets import SheetError
from storage import Database
from texts import plans as texts


def _list_keyboard(
    lines: list[PlanLine], *, owns: bool, extra: list[InlineKeyboardButton] | None = None
) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    if owns:
        builder.button(text=texts.MY_ITEMS_BUTTON, callback_data=MyItems())
    for button in extra or ():  # the school maps' (``school_maps.plans_extras``)
        builder.add(button)
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
        lines = await visible_plans(database, actor, today=today_of(clock, settings))
        maps = await school_maps.plans_extras(database, actor, today_of(clock, settings))
        lines = [line for line in lines if line.plan_id not in maps.hidden]
        text = [texts.LIST_HEADER, "" if lines else texts.NO_PLANS, *maps.lines]
        if allows_somewhere(actor, Action.MANAGE_PLANS):
            if plan_municipality(actor) is None:
                text.append(texts.UPLOAD_NO_MUNICIPALITY)
            else:
                text.append(texts.UPLOAD_HOW_TO)
                await state.set_state(Plans.upload)
        owns = bool(await my_items(database, actor))
        markup = None
        if lines or owns or maps.buttons:
            markup = _list_keyboard(lines, owns=owns, extra=maps.buttons)
        if plan_municipality(actor) is not None:  # may load a plan: may build one in the chat
            markup = chat_builder.with_build_button(markup)
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
                database, actor, callback_data.p, today=today_of(clock, settings)
            )
        except AccessDenied:
            await query.answer(texts.STALE, show_alert=True)
            return
        await query.answer()
        await show_board(message_of(query), board)

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
        document = await accepted_document(
            message,
            SUFFIXES,
            MAX_PLAN_BYTES,
            wrong_type=texts.WRONG_TYPE,
            too_large=texts.TOO_LARGE.format(megabytes=MAX_PLAN_BYTES >> 20),
        )
        if document is None:
            return
        municipality_id = plan_municipality(actor)
        if municipality_id is None:  # the role went meanwhile
            await state.clear()
            raise AccessDenied(Action.MANAGE_PLANS)
        name = document.file_name or ""
        content = await download(bot, message.chat.id, document)
        today = today_of(clock, settings)
        try:
            reading = load_plan(name, content, current_school_year(today))
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
            reading = load_plan(name, content, year)  # its own year decides months
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
        await show_board(message, board)

    # Commands pass through: /cancel leaves the step, /help and the rest keep working.
    @router.message(Plans.upload, NOT_A_COMMAND)
    async def not_a_file(message: Message) -> None:
        await message.answer(texts.WAITING if message.text else texts.WRONG_TYPE)

    router.include_routers(items.build_router(), chat_builder.build_router())
    router.include_router(build_export_router())
    router.include_router(school_maps.build_router())
    return router
