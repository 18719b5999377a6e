"""/plan: the school year's monitoring rounds by month, uploading the plan, its template.

The command shows the municipality's plan month by month (September … August): each line whose
months include the month, its owners, its form and its round's state (``core.monitoring_plan
.service.plan_view``), with buttons to upload the plan and to get its template workbook.
Uploading takes an .xlsx or a table pasted as text (copied from Word: tab-separated); the plan
is read whole or refused with every problem by row and column, then previewed (lines, months,
owners found and not found) and saved on "Сохранить". The FSM keeps the municipality and where
the plan is (Telegram's file id, or the pasted text): it is read and checked again on saving.
Methodists and administrators only (``Action.RUN_CAMPAIGNS``). Someone who runs monitorings in
several municipalities (an administrator of a multi-municipality deployment, a methodist with
two grants) first picks the municipality (``core.campaigns.runnable_municipalities``); its
plan's buttons carry it, and the upload's draft keeps it.
"""

import asyncio
from enum import StrEnum
from html import escape

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from pydantic import BaseModel, Field

from bot.commands import Cmd
from bot.handlers.monitoring_plan.view import plan_lines, preview_lines, problem_lines
from bot.handlers.shared.buttons import close_buttons, message_of
from bot.handlers.shared.drafts import read_draft, save_draft
from bot.handlers.shared.files import accepted_document, download
from bot.handlers.shared.filters import NOT_A_COMMAND
from bot.handlers.shared.messages import say_lines
from bot.handlers.shared.municipalities import municipality_keyboard
from bot.keyboard import InlineKeyboardBuilder
from core.access import Action, allows_somewhere
from core.actors import Actor
from core.campaigns import runnable_municipalities
from core.clock import Clock
from core.directory import load_directory
from core.monitoring_plan.files import PlanFileError, read_workbook, template_workbook
from core.monitoring_plan.loader import PlanPreview
from core.monitoring_plan.reading import read_text
from core.monitoring_plan.service import (
    current_lines,
    plan_view,
    prepare_plan,
    save_plan,
)
from core.questionnaires import FormCatalog
from storage import Database
from texts import monitoring_plan as texts
from texts.plurals import counted

SUFFIXES = (".xlsx", ".xlsm")
MAX_FILE_BYTES = 2 * 1024 * 1024


class PlanStep(StatesGroup):
    waiting = State()  # the plan: a workbook or pasted text
    confirm = State()  # save the previewed plan?


class PlanAction(StrEnum):
    UPLOAD = "u"
    TEMPLATE = "t"


class PlanButton(CallbackData, prefix="mpl"):
    a: PlanAction
    m: int  # the municipality


class PlanWhere(CallbackData, prefix="mpm"):
    """The municipality whose plan to show (someone who runs monitorings in several)."""

    m: int


class PlanSave(CallbackData, prefix="mps"):
    yes: bool


class PlanDraft(BaseModel):
    """FSM data while a plan is uploaded: the municipality, and the plan checked last."""

    plan_municipality: int = Field(ge=1)
    plan_file: str | None = None  # Telegram's file id of the workbook
    plan_text: str | None = Field(default=None, max_length=5000)  # the pasted table


def _buttons(municipality_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=texts.UPLOAD_BUTTON, callback_data=PlanButton(a=PlanAction.UPLOAD, m=municipality_id)
    )
    builder.button(
        text=texts.TEMPLATE_BUTTON,
        callback_data=PlanButton(a=PlanAction.TEMPLATE, m=municipality_id),
    )
    builder.adjust(1)
    return builder.as_markup()


async def _places(database: Database, actor: Actor) -> list[int]:
    """The municipalities whose plan the actor keeps (where they run monitorings), by name."""
    return runnable_municipalities(actor, await load_directory(database))


async def _prepared(
    bot: Bot,
    chat_id: int,
    database: Database,
    catalog: FormCatalog,
    actor: Actor,
    draft: PlanDraft,
) -> PlanPreview:
    """The plan the draft points to, read and matched again; ``PlanFileError`` if unreadable."""
    if draft.plan_file is not None:
        content = await download(bot, chat_id, draft.plan_file)
        reading = await asyncio.to_thread(read_workbook, content)  # openpyxl: off the loop
    else:
        reading = read_text(draft.plan_text or "")
    return await prepare_plan(
        database, catalog, actor, reading, municipality_id=draft.plan_municipality
    )


async def show_plan(
    message: Message,
    database: Database,
    catalog: FormCatalog,
    actor: Actor,
    clock: Clock,
    municipality_id: int,
) -> None:
    view = await plan_view(database, actor, municipality_id, now=clock())
    forms = await catalog.available(database, municipality_id)
    titles = {key: form.short_title for key, form in forms.items()}
    await say_lines(message, plan_lines(view, titles), _buttons(municipality_id))


def build_router() -> Router:
    router = Router(name="monitoring_plan")

    @router.message(Command(Cmd.PLAN))
    async def show(
        message: Message, actor: Actor, database: Database, catalog: FormCatalog, clock: Clock
    ) -> None:
        places = await _places(database, actor)
        if not allows_somewhere(actor, Action.RUN_CAMPAIGNS) or not places:
            await message.answer(texts.NOT_ALLOWED)
            return
        if len(places) == 1:
            await show_plan(message, database, catalog, actor, clock, places[0])
            return
        keyboard = municipality_keyboard(
            await load_directory(database), places, lambda municipality: PlanWhere(m=municipality)
        )
        await message.answer(texts.PICK_MUNICIPALITY, reply_markup=keyboard)

    @router.callback_query(PlanWhere.filter())
    async def where(
        callback: CallbackQuery,
        callback_data: PlanWhere,
        actor: Actor,
        database: Database,
        catalog: FormCatalog,
        clock: Clock,
    ) -> None:
        directory = await load_directory(database)
        if callback_data.m not in runnable_municipalities(actor, directory):
            await callback.answer(texts.NOT_ALLOWED, show_alert=True)
            return
        await callback.answer()
        await close_buttons(callback, directory.municipalities[callback_data.m].name)
        await show_plan(message_of(callback), database, catalog, actor, clock, callback_data.m)

    @router.callback_query(PlanButton.filter(F.a == PlanAction.TEMPLATE))
    async def template(callback: CallbackQuery, actor: Actor, bot: Bot, database: Database) -> None:
        if not await _places(database, actor):
            await callback.answer(texts.NOT_ALLOWED, show_alert=True)
            return
        await callback.answer()
        message = message_of(callback)
        await bot.send_chat_action(message.chat.id, "upload_document")
        content = await asyncio.to_thread(template_workbook)
        await message.answer_document(
            BufferedInputFile(content, filename=texts.TEMPLATE_FILE),
            caption=texts.TEMPLATE_CAPTION,
        )

    @router.callback_query(PlanButton.filter(F.a == PlanAction.UPLOAD))
    async def upload(
        callback: CallbackQuery,
        callback_data: PlanButton,
        state: FSMContext,
        actor: Actor,
        database: Database,
    ) -> None:
        municipality_id = callback_data.m
        if municipality_id not in await _places(database, actor):
            await callback.answer(texts.NOT_ALLOWED, show_alert=True)
            return
        await callback.answer()
        await state.set_state(PlanStep.waiting)
        await save_draft(state, PlanDraft(plan_municipality=municipality_id))
        await message_of(callback).answer(texts.ASK_PLAN)

    async def check(
        message: Message,
        state: FSMContext,
        bot: Bot,
        database: Database,
        catalog: FormCatalog,
        actor: Actor,
        draft: PlanDraft,
    ) -> None:
        if draft.plan_file is None:  # a file shows "typing…" while it downloads
            await bot.send_chat_action(message.chat.id, "typing")
        try:
            preview = await _prepared(bot, message.chat.id, database, catalog, actor, draft)
        except PlanFileError as error:
            await message.answer(error.message)
            return  # still waiting: a second chance
        if preview.lines is None:
            await state.set_state(PlanStep.waiting)
            await say_lines(message, problem_lines(preview.problems))
            return
        replaced = len(await current_lines(database, draft.plan_municipality))
        await state.set_state(PlanStep.confirm)
        await save_draft(state, draft)
        builder = InlineKeyboardBuilder()
        builder.button(text=texts.SAVE_BUTTON, callback_data=PlanSave(yes=True))
        builder.button(text=texts.CANCEL_BUTTON, callback_data=PlanSave(yes=False))
        builder.adjust(2)
        await say_lines(message, preview_lines(preview, replaced), builder.as_markup())

    @router.message(StateFilter(PlanStep), F.document)  # a new file at any step starts over
    async def receive_file(
        message: Message,
        state: FSMContext,
        bot: Bot,
        actor: Actor,
        database: Database,
        catalog: FormCatalog,
    ) -> None:
        draft = await read_draft(state, PlanDraft)
        document = await accepted_document(
            message,
            SUFFIXES,
            MAX_FILE_BYTES,
            wrong_type=texts.WRONG_TYPE,
            too_large=texts.FILE_TOO_LARGE,
        )
        if document is None:
            return
        draft = draft.model_copy(update={"plan_file": document.file_id, "plan_text": None})
        await check(message, state, bot, database, catalog, actor, draft)

    @router.message(StateFilter(PlanStep), F.text, NOT_A_COMMAND)
    async def receive_text(
        message: Message,
        state: FSMContext,
        bot: Bot,
        actor: Actor,
        database: Database,
        catalog: FormCatalog,
    ) -> None:
        draft = await read_draft(state, PlanDraft)
        text = message.text or ""
        if "\t" not in text and "|" not in text:
            await message.answer(texts.WAITING)
            return
        draft = draft.model_copy(update={"plan_file": None, "plan_text": text})
        await check(message, state, bot, database, catalog, actor, draft)

    @router.callback_query(PlanStep.confirm, PlanSave.filter())
    async def save(
        callback: CallbackQuery,
        callback_data: PlanSave,
        state: FSMContext,
        bot: Bot,
        actor: Actor,
        database: Database,
        catalog: FormCatalog,
        clock: Clock,
    ) -> None:
        draft = await read_draft(state, PlanDraft)
        await callback.answer()
        message = message_of(callback)
        if not callback_data.yes:
            await state.clear()
            await close_buttons(callback, texts.CANCEL_BUTTON)
            await message.answer(texts.CANCELLED)
            return
        try:
            preview = await _prepared(bot, message.chat.id, database, catalog, actor, draft)
        except PlanFileError as error:
            await state.set_state(PlanStep.waiting)
            await message.answer(error.message)
            return
        if preview.lines is None:  # the people or forms changed since the preview
            await state.set_state(PlanStep.waiting)
            await say_lines(message, problem_lines(preview.problems))
            return
        saved = await save_plan(
            database,
            catalog,
            actor,
            preview,
            municipality_id=draft.plan_municipality,
            now=clock(),
        )
        await state.clear()
        await close_buttons(callback, texts.SAVE_BUTTON)
        await message.answer(
            texts.SAVED.format(lines=counted(saved.lines, texts.LINES), started=len(saved.started))
        )
        if saved.refused:
            numbers = ", ".join(
                line.draft.number or line.draft.direction for line, _ in saved.refused
            )
            await message.answer(texts.NOT_STARTED.format(numbers=escape(numbers)))
        await show_plan(message, database, catalog, actor, clock, draft.plan_municipality)

    @router.callback_query(PlanSave.filter())  # pressed after the conversation moved on
    async def stale_save(callback: CallbackQuery) -> None:
        await callback.answer(texts.STALE, show_alert=True)

    # Commands pass through: /cancel leaves the step, /help and the rest keep working.
    @router.message(StateFilter(PlanStep), NOT_A_COMMAND)
    async def not_a_plan(message: Message) -> None:
        await message.answer(texts.WRONG_TYPE)

    return router
