"""/forms_admin: the questionnaire template and any of the bot's forms as workbooks.

The template (``core.forms.workbook``: «Настройки», «Вопросы», «Варианты», «Таблицы», «Как
заполнять», an example form in it) comes at once; a button per form sends that form as a
workbook that reads back into the same form, so a methodist starts authoring from a real one.
Methodists and administrators only (those who open monitorings: ``Action.RUN_CAMPAIGNS``).
"""

import asyncio
from html import escape

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import BufferedInputFile, CallbackQuery, Message

from bot.commands import Cmd
from bot.handlers.forms_admin import upload
from bot.handlers.forms_admin.upload import UploadStart
from bot.handlers.shared.buttons import message_of
from bot.handlers.shared.fields import Key
from bot.keyboard import InlineKeyboardBuilder
from core.access import Action, allows_somewhere
from core.actors import Actor
from core.campaigns import runnable_municipalities
from core.directory import load_directory
from core.export.build import safe_filename
from core.forms.models import FormDefinition
from core.forms.workbook.writer import form_workbook, template_workbook
from core.questionnaires import FormCatalog
from storage import Database
from texts import form_workbook as file_texts
from texts import forms_admin as texts


class FormWorkbook(CallbackData, prefix="fw"):
    """Send the bot's form ``k`` (its current version) as a workbook."""

    k: Key


async def _forms(database: Database, catalog: FormCatalog, actor: Actor) -> list[FormDefinition]:
    """The built-in forms and those uploaded in the actor's municipalities, as their buttons
    read (short titles, alphabetically)."""
    found = dict(catalog.current)
    for municipality_id in runnable_municipalities(actor, await load_directory(database)):
        found.update(await catalog.available(database, municipality_id))
    return sorted(found.values(), key=lambda form: form.short_title.casefold())


def build_router() -> Router:
    router = Router(name="forms_admin")
    router.include_router(upload.build_router())

    @router.message(Command(Cmd.FORMS_ADMIN))
    async def start(
        message: Message, actor: Actor, catalog: FormCatalog, database: Database, bot: Bot
    ) -> None:
        if not allows_somewhere(actor, Action.RUN_CAMPAIGNS):
            await message.answer(texts.NOT_ALLOWED)
            return
        await bot.send_chat_action(message.chat.id, "upload_document")
        content = await asyncio.to_thread(template_workbook)  # openpyxl: off the event loop
        await message.answer_document(
            BufferedInputFile(content, filename=file_texts.TEMPLATE_FILE),
            caption=texts.TEMPLATE_CAPTION,
        )
        builder = InlineKeyboardBuilder()
        for form in await _forms(database, catalog, actor):
            builder.button(
                text=texts.FORM_BUTTON.format(title=form.short_title, version=form.version),
                callback_data=FormWorkbook(k=form.id),
            )
        builder.button(text=texts.UPLOAD_BUTTON, callback_data=UploadStart())
        builder.adjust(1)
        await message.answer(texts.FORMS_LIST, reply_markup=builder.as_markup())

    @router.callback_query(FormWorkbook.filter())
    async def send_form(
        query: CallbackQuery,
        callback_data: FormWorkbook,
        actor: Actor,
        catalog: FormCatalog,
        database: Database,
    ) -> None:
        forms = {form.id: form for form in await _forms(database, catalog, actor)}
        form = forms.get(callback_data.k)
        if form is None or not allows_somewhere(actor, Action.RUN_CAMPAIGNS):
            await query.answer(texts.STALE, show_alert=True)
            return
        await query.answer()
        content = await asyncio.to_thread(form_workbook, form)
        name = safe_filename(
            file_texts.FORM_FILE.format(title=form.short_title, version=form.version)
        )
        await message_of(query).answer_document(
            BufferedInputFile(content, filename=name),
            caption=texts.FORM_CAPTION.format(title=escape(form.title), version=form.version),
        )

    return router
