"""/order_template: the department's own .docx blank for the analytic order.

The command shows which blank orders print on and waits for a .docx; the file is checked and
stored by ``core.order_templates``, which asks the access policy on every step. The FSM keeps
only that a file is awaited.
"""

import asyncio
import logging
from html import escape
from zoneinfo import ZoneInfo

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message

from bot.commands import Cmd
from bot.config import Settings
from bot.handlers.order_template.callbacks import (
    TemplateDelete,
    TemplateDeleteConfirm,
    TemplateSample,
)
from bot.handlers.order_template.states import OrderTemplate
from bot.handlers.shared.buttons import message_of
from bot.handlers.shared.files import accepted_document, download
from bot.handlers.shared.filters import NOT_A_COMMAND
from bot.handlers.shared.messages import message_chunks
from bot.handlers.shared.views import local_datetime, local_time_note
from bot.keyboard import InlineKeyboardBuilder
from core.access import AccessDenied, Action, allows_somewhere
from core.actors import Actor
from core.clock import Clock
from core.order_templates import (
    MAX_TEMPLATE_BYTES,
    TemplateStatus,
    managed_municipality,
    remove_template,
    template_status,
    upload_template,
)
from exports.documents import KNOWN_PLACEHOLDERS, sample_template
from storage import Database
from texts import common as common_texts
from texts import order_template as texts

log = logging.getLogger(__name__)


def _braced(name: str) -> str:
    return "{{" + name + "}}"


def _status_line(status: TemplateStatus, settings: Settings) -> str:
    template = status.template
    if template is None:
        return texts.STATUS_STANDARD
    municipality = status.municipality
    zone = ZoneInfo(municipality.timezone) if municipality is not None else settings.zone
    values = {
        "file": escape(template.file_name),
        "at": local_datetime(template.uploaded_at, zone),
        "zone": local_time_note(zone, municipality.name if municipality else ""),
        "who": escape(template.uploaded_by_name or texts.NOBODY),
    }
    return (texts.STATUS_OWN if template.own else texts.STATUS_FALLBACK).format(**values)


def _scope(status: TemplateStatus) -> str:
    if status.municipality is None:
        return texts.SCOPE_DEPLOYMENT
    return texts.SCOPE_MUNICIPALITY.format(name=escape(status.municipality.name))


def _status_text(status: TemplateStatus, settings: Settings) -> str:
    lines = [
        texts.HEADER.format(scope=_scope(status)),
        _status_line(status, settings),
        "",
        texts.HOW_TO.format(megabytes=MAX_TEMPLATE_BYTES >> 20),
    ]
    lines += [
        texts.FIELD_LINE.format(field=escape(_braced(name)), description=escape(description))
        for name, description in KNOWN_PLACEHOLDERS.items()
    ]
    lines.append(texts.HOW_TO_END)
    return "\n".join(lines)


def _scope_id(status: TemplateStatus) -> int:
    return 0 if status.municipality is None else status.municipality.id


def _keyboard(status: TemplateStatus) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=texts.SAMPLE_BUTTON, callback_data=TemplateSample())
    if status.own is not None:
        builder.button(text=texts.DELETE_BUTTON, callback_data=TemplateDelete(m=_scope_id(status)))
    builder.adjust(1)
    return builder.as_markup()


async def _take_buttons_off(query: CallbackQuery) -> None:
    message = message_of(query)
    try:
        await message.edit_reply_markup(reply_markup=None)
    except TelegramBadRequest as error:  # already without buttons, or too old to edit
        log.debug("could not close message %s: %s", message.message_id, error)


def build_router() -> Router:
    router = Router(name="order_template")

    @router.message(Command(Cmd.ORDER_TEMPLATE))
    async def show(
        message: Message, state: FSMContext, actor: Actor, database: Database, settings: Settings
    ) -> None:
        if not allows_somewhere(actor, Action.ORDER_TEMPLATE):
            await message.answer(texts.NOT_ALLOWED)
            return
        status = await template_status(database, actor)
        await message.answer(_status_text(status, settings), reply_markup=_keyboard(status))
        await state.set_state(OrderTemplate.upload)

    @router.callback_query(TemplateSample.filter())
    async def send_sample(query: CallbackQuery, actor: Actor) -> None:
        if not allows_somewhere(actor, Action.ORDER_TEMPLATE):
            raise AccessDenied(Action.ORDER_TEMPLATE)
        await query.answer()
        content = await asyncio.to_thread(sample_template)
        await message_of(query).answer_document(
            BufferedInputFile(content, filename=texts.SAMPLE_FILE), caption=texts.SAMPLE_CAPTION
        )

    @router.callback_query(TemplateDelete.filter())
    async def ask_delete(
        query: CallbackQuery, callback_data: TemplateDelete, actor: Actor, database: Database
    ) -> None:
        status = await template_status(database, actor)
        if status.own is None or _scope_id(status) != callback_data.m:
            await query.answer(texts.NOTHING_TO_DELETE, show_alert=True)
            return
        await query.answer()
        builder = InlineKeyboardBuilder()
        for text, yes in ((texts.CONFIRM_YES, 1), (texts.CONFIRM_NO, 0)):
            builder.button(
                text=text, callback_data=TemplateDeleteConfirm(m=callback_data.m, yes=yes)
            )
        await message_of(query).answer(
            texts.CONFIRM_DELETE.format(file=escape(status.own.file_name)),
            reply_markup=builder.as_markup(),
        )

    @router.callback_query(TemplateDeleteConfirm.filter())
    async def confirm_delete(
        query: CallbackQuery,
        callback_data: TemplateDeleteConfirm,
        actor: Actor,
        database: Database,
        settings: Settings,
    ) -> None:
        if (managed_municipality(actor) or 0) != callback_data.m:
            await query.answer(common_texts.STALE_BUTTON, show_alert=True)
            return
        await query.answer()
        await _take_buttons_off(query)
        if not callback_data.yes:
            await message_of(query).answer(texts.KEPT)
            return
        removed = await remove_template(database, actor)
        status = await template_status(database, actor)
        done = texts.DELETED if removed else texts.NOTHING_TO_DELETE
        await message_of(query).answer(f"{done}\n{_status_line(status, settings)}")

    @router.message(OrderTemplate.upload, F.document)
    async def receive(
        message: Message,
        state: FSMContext,
        bot: Bot,
        actor: Actor,
        database: Database,
        clock: Clock,
    ) -> None:
        name = (message.document.file_name if message.document else None) or ""
        document = await accepted_document(
            message,
            (".docx",),
            MAX_TEMPLATE_BYTES,
            # a .doc is Word 97: said so, not just "not a .docx"
            wrong_type=texts.OLD_WORD if name.lower().endswith(".doc") else texts.WRONG_TYPE,
            too_large=texts.TOO_LARGE.format(megabytes=MAX_TEMPLATE_BYTES >> 20),
        )
        if document is None:
            return
        content = await download(bot, message.chat.id, document)
        try:
            upload = await upload_template(database, actor, name, content, now=clock())
        except AccessDenied:  # the role went meanwhile: nothing to wait for any more
            await state.clear()
            raise
        if upload.saved is None:
            lines = [texts.NOT_SAVED]
            lines += [texts.PROBLEM_LINE.format(problem=escape(p)) for p in upload.problems]
            lines.append(texts.TRY_AGAIN)
            for chunk in message_chunks(lines):
                await message.answer(chunk)
            return  # still waiting: a second chance
        await state.clear()
        status = await template_status(database, actor)
        fields = ", ".join(escape(_braced(name)) for name in upload.placeholders)
        saved = texts.SAVED.format(
            file=escape(upload.saved.file_name), scope=_scope(status), fields=fields
        )
        await message.answer(f"{saved}\n{texts.SAVED_NEXT}")

    # Commands pass through: /cancel leaves the step, /help and the rest keep working.
    @router.message(OrderTemplate.upload, NOT_A_COMMAND)
    async def not_a_file(message: Message) -> None:
        await message.answer(texts.WAITING if message.text else texts.WRONG_TYPE)

    return router
