"""A table question entered as a file. The school presses the table screen's template button
(``TableTemplate``), gets "… — СОШ № 5 — шаблон.xlsx", fills it on a computer and sends it
back; the bot reads it cell by cell (``core.tables``) and either lists every problem with its
cell — nothing saved, the next file is a second chance — or saves the rows as the table's
answer, shows them and leads back to the questionnaire ("➡️ К анкете" opens it where it stands:
the next question, or the review). /cancel leaves.

Access and writing are the questionnaire's own (``core.tables.entry``: ``open_response`` for
answering, ``record_answer``). The FSM keeps only which table is awaited. The methodist's bulk
load of many schools lives in ``bulk``.
"""

import logging
from html import escape

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.fsm.context import FSMContext
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)
from pydantic import BaseModel

from bot.handlers.questionnaire.callbacks import OpenResponse
from bot.handlers.shared.buttons import message_of
from bot.handlers.shared.drafts import read_draft, save_draft
from bot.handlers.shared.files import accepted_document, download
from bot.handlers.shared.filters import NOT_A_COMMAND
from bot.handlers.shared.messages import say_lines
from bot.handlers.tables import bulk
from bot.handlers.tables.callbacks import TableTemplate
from bot.handlers.tables.states import TableFile
from core.actors import Actor
from core.clock import Clock
from core.forms.display import table_lines
from core.questionnaires import AnswerLocked, FormCatalog, may_change
from core.tables.entry import MAX_FILE_BYTES, NotATable, accept_filled, school_template
from storage import Database
from texts import questionnaire as questionnaire_texts
from texts import table_files as texts
from texts.plurals import counted

log = logging.getLogger(__name__)
SUFFIXES = (".xlsx", ".xlsm", ".csv")


class Awaited(BaseModel):
    """The table whose filled template is awaited (FSM data)."""

    table_response: int
    table_question: str


def _to_the_form(response_id: int) -> InlineKeyboardMarkup:
    """The questionnaire's own "open" button: it shows the response where it stands."""
    button = InlineKeyboardButton(
        text=texts.CONTINUE, callback_data=OpenResponse(response_id=response_id).pack()
    )
    return InlineKeyboardMarkup(inline_keyboard=[[button]])


def problem_lines(header: str, problems: list[str]) -> list[str]:
    return [header, *(texts.PROBLEM_LINE.format(problem=escape(p)) for p in problems)]


def build_router() -> Router:
    router = Router(name="tables")

    @router.callback_query(TableTemplate.filter())
    async def send_template(
        callback: CallbackQuery,
        callback_data: TableTemplate,
        bot: Bot,
        state: FSMContext,
        actor: Actor,
        database: Database,
        catalog: FormCatalog,
        clock: Clock,
    ) -> None:
        try:
            view, template = await school_template(
                database, catalog, actor, callback_data.r, callback_data.q
            )
        except NotATable:
            await callback.answer(texts.NOT_A_TABLE, show_alert=True)
            return
        if not may_change(view, clock()):
            await callback.answer(questionnaire_texts.LOCKED, show_alert=True)
            return
        await callback.answer()
        message = message_of(callback)
        try:  # the table's screen is left for the file: its buttons go
            await message.edit_reply_markup(reply_markup=None)
        except TelegramBadRequest as error:  # already without buttons, or too old to edit
            log.debug("could not close message %s: %s", message.message_id, error)
        await state.clear()
        await state.set_state(TableFile.waiting)
        await save_draft(
            state, Awaited(table_response=view.response.id, table_question=callback_data.q)
        )
        table = view.form.question(callback_data.q)
        assert table is not None
        await bot.send_chat_action(message.chat.id, "upload_document")
        await message.answer_document(
            BufferedInputFile(template.content, filename=template.name),
            caption=texts.TEMPLATE_CAPTION.format(
                table=escape(table.text), megabytes=MAX_FILE_BYTES >> 20
            ),
        )

    @router.message(TableFile.waiting, F.document)
    async def receive(
        message: Message,
        bot: Bot,
        state: FSMContext,
        actor: Actor,
        database: Database,
        catalog: FormCatalog,
        clock: Clock,
    ) -> None:
        awaited = await read_draft(state, Awaited)
        document = await accepted_document(
            message,
            SUFFIXES,
            MAX_FILE_BYTES,
            wrong_type=texts.WRONG_TYPE,
            too_large=texts.TOO_LARGE.format(megabytes=MAX_FILE_BYTES >> 20),
        )
        if document is None:
            return
        name = document.file_name or ""
        content = await download(bot, message.chat.id, document)
        response_id, question_id = awaited.table_response, awaited.table_question
        try:
            filled = await accept_filled(
                database,
                catalog,
                actor,
                response_id,
                question_id,
                name,
                content,
                now=clock(),
            )
        except AnswerLocked:
            await state.clear()
            await message.answer(questionnaire_texts.LOCKED, reply_markup=_to_the_form(response_id))
            return
        except NotATable:
            await state.clear()
            await message.answer(texts.NOT_A_TABLE)
            return
        if filled.value is None:  # still waiting: a second chance
            header = texts.NOT_SAVED.format(count=len(filled.problems))
            await say_lines(message, problem_lines(header, filled.problems))
            return
        await state.clear()
        table = filled.view.form.question(question_id)
        assert table is not None
        rows = table_lines(table, filled.value)
        lines = [
            texts.SAVED.format(table=escape(table.text), rows=counted(len(rows), texts.ROWS)),
            *(texts.ROW_LINE.format(row=escape(row)) for row in rows),
        ]
        await say_lines(message, lines, _to_the_form(response_id))

    # Commands pass through: /cancel leaves the step, /help and the rest keep working.
    @router.message(TableFile.waiting, NOT_A_COMMAND)
    async def not_a_file(message: Message) -> None:
        await message.answer(texts.WAITING if message.text else texts.WRONG_TYPE)

    router.include_router(bulk.build_router())
    return router
