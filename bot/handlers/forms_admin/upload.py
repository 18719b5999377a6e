"""Uploading a questionnaire as a workbook: "📤 Загрузить анкету" under /forms_admin.

The methodist (or administrator) sends the workbook; the bot reads it (``core.forms.uploads``)
and either lists every problem by sheet, row and column — nothing saved, the next file is a
second chance — or shows how a school will meet the form and asks to save it. The FSM keeps the
municipality and, while the question is asked, Telegram's file id: the file is downloaded and
checked again on "Сохранить", so what is saved is what was checked against the database then.
"""

from html import escape

from aiogram import Bot, F, Router
from aiogram.filters import StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from pydantic import BaseModel

from bot.handlers.forms_admin.preview import preview_lines
from bot.handlers.shared.buttons import close_buttons, message_of
from bot.handlers.shared.drafts import read_draft, save_draft
from bot.handlers.shared.files import accepted_document, download
from bot.handlers.shared.filters import NOT_A_COMMAND
from bot.handlers.shared.messages import say_lines
from bot.handlers.shared.municipalities import municipality_keyboard
from bot.keyboard import InlineKeyboardBuilder
from core.access import AccessDenied, Action
from core.actors import Actor
from core.campaigns import runnable_municipalities
from core.directory import load_directory
from core.forms.uploads import UploadCheck, UploadRefused, check_upload, save_upload
from core.forms.workbook.layout import MAX_FILE_MB
from core.forms.workbook.reader import Problem
from core.forms.workbook.rows import MAX_PROBLEMS
from core.questionnaires import FormCatalog
from storage import Database
from texts import forms_admin as texts
from texts.plurals import counted

SUFFIXES = (".xlsx", ".xlsm")


class FormUpload(StatesGroup):
    waiting = State()  # the workbook
    confirm = State()  # save the checked form?


class UploadStart(CallbackData, prefix="fu"):
    """ "📤 Загрузить анкету"."""


class UploadWhere(CallbackData, prefix="fum"):
    """The municipality the form is for (an administrator of several)."""

    m: int


class UploadSave(CallbackData, prefix="fus"):
    yes: bool


class UploadDraft(BaseModel):
    upload_municipality: int
    upload_file: str | None = None  # Telegram's file id, while "Сохранить?" is asked


def _problem_lines(problems: list[Problem]) -> list[str]:
    # Past MAX_PROBLEMS the list ends with "и ещё N": its length is no count then.
    many = len(problems) > MAX_PROBLEMS
    count = texts.MANY_PROBLEMS if many else counted(len(problems), texts.PROBLEMS_WORDS)
    return [
        texts.UPLOAD_REFUSED.format(count=count),
        *(texts.PROBLEM_LINE.format(problem=escape(str(problem))) for problem in problems),
    ]


async def _ask_file(message: Message, state: FSMContext, municipality_id: int) -> None:
    await state.clear()
    await state.set_state(FormUpload.waiting)
    await save_draft(state, UploadDraft(upload_municipality=municipality_id))
    await message.answer(texts.UPLOAD_ASK)


async def _preview(
    message: Message, state: FSMContext, draft: UploadDraft, check: UploadCheck
) -> None:
    form = check.definition
    assert form is not None
    title, key = escape(form.title), escape(form.id)
    if check.previous_version is None:
        header = texts.PREVIEW_NEW.format(title=title, key=key, version=form.version)
    else:
        header = texts.PREVIEW_VERSION.format(
            title=title, key=key, version=form.version, previous=check.previous_version
        )
    builder = InlineKeyboardBuilder()
    builder.button(text=texts.CONFIRM, callback_data=UploadSave(yes=True))
    builder.button(text=texts.CANCEL, callback_data=UploadSave(yes=False))
    await state.set_state(FormUpload.confirm)
    await save_draft(state, draft)
    builder.adjust(1)
    await say_lines(message, [header, *preview_lines(form)], builder.as_markup())


def build_router() -> Router:
    router = Router(name="forms_admin_upload")

    @router.callback_query(UploadStart.filter())
    async def start(
        callback: CallbackQuery, actor: Actor, database: Database, state: FSMContext
    ) -> None:
        places = runnable_municipalities(actor, await load_directory(database))
        if not places:
            raise AccessDenied(Action.RUN_CAMPAIGNS)
        await callback.answer()
        message = message_of(callback)
        if len(places) == 1:
            await _ask_file(message, state, places[0])
            return
        keyboard = municipality_keyboard(
            await load_directory(database), places, lambda municipality: UploadWhere(m=municipality)
        )
        await message.answer(texts.UPLOAD_PICK_MUNICIPALITY, reply_markup=keyboard)

    @router.callback_query(UploadWhere.filter())
    async def where(
        callback: CallbackQuery,
        callback_data: UploadWhere,
        actor: Actor,
        database: Database,
        state: FSMContext,
    ) -> None:
        directory = await load_directory(database)
        if callback_data.m not in runnable_municipalities(actor, directory):
            raise AccessDenied(Action.RUN_CAMPAIGNS)
        await callback.answer()
        await close_buttons(callback, directory.municipalities[callback_data.m].name)
        await _ask_file(message_of(callback), state, callback_data.m)

    @router.message(StateFilter(FormUpload), F.document)  # a new file at any step starts over
    async def receive(
        message: Message,
        bot: Bot,
        state: FSMContext,
        actor: Actor,
        database: Database,
        catalog: FormCatalog,
    ) -> None:
        draft = await read_draft(state, UploadDraft)
        name = (message.document.file_name if message.document else None) or ""
        document = await accepted_document(
            message,
            SUFFIXES,
            MAX_FILE_MB * 1024 * 1024,
            wrong_type=texts.UPLOAD_NOT_XLSX.format(file=escape(name)),
            too_large=texts.UPLOAD_TOO_LARGE.format(megabytes=MAX_FILE_MB),
        )
        if document is None:
            return
        content = await download(bot, message.chat.id, document)
        check = await check_upload(database, catalog, actor, draft.upload_municipality, content)
        form = check.definition
        if form is None or check.unchanged:  # still waiting: the next file is a second chance
            await state.set_state(FormUpload.waiting)
            await save_draft(state, draft.model_copy(update={"upload_file": None}))
            if form is None:
                await say_lines(message, _problem_lines(check.problems))
            else:
                unchanged = texts.UNCHANGED.format(title=form.title, version=form.version)
                await message.answer(escape(unchanged))
            return
        await _preview(
            message, state, draft.model_copy(update={"upload_file": document.file_id}), check
        )

    @router.callback_query(FormUpload.confirm, UploadSave.filter())
    async def save(
        callback: CallbackQuery,
        callback_data: UploadSave,
        bot: Bot,
        state: FSMContext,
        actor: Actor,
        database: Database,
        catalog: FormCatalog,
    ) -> None:
        draft = await read_draft(state, UploadDraft)
        await callback.answer()
        message = message_of(callback)
        if not callback_data.yes:
            await state.clear()
            await close_buttons(callback, texts.CANCELLED_MARK)
            await message.answer(texts.CANCELLED)
            return
        if draft.upload_file is None:
            await state.clear()
            await message.answer(texts.UPLOAD_GONE)
            return
        content = await download(bot, message.chat.id, draft.upload_file)
        try:
            stored = await save_upload(database, catalog, actor, draft.upload_municipality, content)
        except UploadRefused as refused:
            await state.set_state(FormUpload.waiting)
            await save_draft(state, draft.model_copy(update={"upload_file": None}))
            if refused.problems:
                await say_lines(message, _problem_lines(refused.problems))
            else:
                await message.answer(escape(refused.reason))
            return
        await state.clear()
        await close_buttons(callback, texts.SAVED_MARK)
        await message.answer(texts.SAVED.format(title=escape(stored.title), version=stored.version))

    @router.callback_query(UploadSave.filter())  # pressed after the conversation moved on
    async def stale_save(callback: CallbackQuery) -> None:
        await callback.answer(texts.UPLOAD_GONE, show_alert=True)

    # Commands pass through: /cancel leaves the step, /help and the rest keep working.
    @router.message(StateFilter(FormUpload), NOT_A_COMMAND)
    async def not_a_file(message: Message) -> None:
        await message.answer(texts.UPLOAD_WAITING)

    return router
