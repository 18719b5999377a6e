"""The methodist's bulk load: "📥 Загрузить таблицу школ" on a round's /campaigns card (for a
round whose forms have a table question) asks for one workbook with many schools' rows and
loads it into every school's response at once (``core.tables.bulk``): by rows ("Школа | Предмет
| Класс | …", a template on request) or as the region publishes it (headings "ВПР МА 5 2019";
the methodist picks the year). Every problem by its cell, nothing saved, the next file a second
chance; schools that filled the table themselves are replaced only after "Заменить".

Every step checks the round again (``load_target``: the methodist runs its campaigns, it is
open). The FSM keeps the round, the table, and — while a year or a "Заменить" is asked — the
Telegram file id of the workbook, which is downloaded again then.
"""

from html import escape

from aiogram import Bot, F, Router
from aiogram.filters import ExceptionTypeFilter, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    ErrorEvent,
    Message,
)
from pydantic import BaseModel

from bot.handlers.errors import tell
from bot.handlers.shared.buttons import close_buttons, message_of
from bot.handlers.shared.drafts import read_draft, save_draft
from bot.handlers.shared.files import accepted_document, download
from bot.handlers.shared.filters import NOT_A_COMMAND
from bot.handlers.shared.messages import say_lines
from bot.handlers.tables.callbacks import BulkReplace, BulkSample, BulkStart, BulkTable, BulkYear
from bot.handlers.tables.states import BulkLoad
from bot.keyboard import InlineKeyboardBuilder
from core.actors import Actor
from core.campaigns import CampaignRefused, managed_campaign
from core.clock import Clock
from core.questionnaires import FormCatalog
from core.tables.bulk import (
    MAX_FILE_BYTES,
    BulkOutcome,
    LoadTarget,
    bulk_template,
    load_bulk,
    load_target,
    round_tables,
)
from core.tables.entry import NotATable
from core.tables.reading import column_title
from core.tables.template import key_words
from storage import Database
from texts import campaigns as campaign_texts
from texts import table_files as texts
from texts.plurals import SCHOOLS, counted

SUFFIXES = (".xlsx", ".xlsm", ".csv", ".tsv", ".txt")  # texts.BULK_KINDS
# What a new file, or a refused one, leaves behind of the last one: its year and confirmation.
_FORGET: dict[str, object] = {"bulk_file": None, "bulk_year": None, "bulk_confirm": []}


class BulkDraft(BaseModel):
    """The round's table being loaded (FSM data); the workbook while a choice is asked."""

    bulk_campaign: int
    bulk_form: str
    bulk_question: str
    bulk_file: str | None = None  # Telegram's file id
    bulk_name: str | None = None
    bulk_year: int | None = None
    bulk_confirm: list[str] = []  # the tables the methodist is asked to replace, as they stood


async def _refused(event: ErrorEvent, bot: Bot, state: FSMContext) -> bool:
    """The round was closed (or is gone) meanwhile: the load ends, the methodist is told."""
    assert isinstance(event.exception, CampaignRefused)
    if await state.get_state() in BulkLoad.__all_states_names__:
        await state.clear()
    text = campaign_texts.PROBLEMS[event.exception.problem.value]
    await tell(bot, event.update, text, text)
    return True


def _columns(target: LoadTarget) -> str:
    titles = [texts.SCHOOL_COLUMN, *(column_title(sub) for sub in target.table.questions)]
    return " | ".join(titles)


async def _ask_file(
    message: Message,
    state: FSMContext,
    database: Database,
    catalog: FormCatalog,
    actor: Actor,
    campaign_id: int,
    form_key: str,
    question_id: str,
) -> None:
    target = await load_target(database, catalog, actor, campaign_id, form_key, question_id)
    await state.clear()
    await state.set_state(BulkLoad.waiting)
    await save_draft(
        state, BulkDraft(bulk_campaign=campaign_id, bulk_form=form_key, bulk_question=question_id)
    )
    builder = InlineKeyboardBuilder()
    builder.button(
        text=texts.BULK_SAMPLE_BUTTON,
        callback_data=BulkSample(c=campaign_id, f=form_key, q=question_id),
    )
    await message.answer(
        texts.BULK_ASK.format(
            table=escape(target.table.text),
            title=escape(target.title),
            period=escape(target.campaign.period_label),
            kinds=texts.BULK_KINDS,
            megabytes=MAX_FILE_BYTES >> 20,
            keys=escape(key_words(target.table)),
            columns=escape(_columns(target)),
        ),
        reply_markup=builder.as_markup(),
    )


async def _load(
    message: Message,
    state: FSMContext,
    bot: Bot,
    database: Database,
    catalog: FormCatalog,
    actor: Actor,
    clock: Clock,
    draft: BulkDraft,
    *,
    replace: bool = False,
) -> None:
    """Download the workbook (again) and load it; then report, or ask what is missing."""
    assert draft.bulk_file is not None
    assert draft.bulk_name is not None
    content = await download(bot, message.chat.id, draft.bulk_file)
    outcome = await load_bulk(
        database,
        catalog,
        actor,
        draft.bulk_campaign,
        draft.bulk_form,
        draft.bulk_question,
        draft.bulk_name,
        content,
        year=draft.bulk_year,
        replace=draft.bulk_confirm if replace else (),
        now=clock(),
    )
    await _report(message, state, database, catalog, actor, draft, outcome)


def _conflict_line(school: str, outcome: BulkOutcome) -> str:
    """ "• СОШ № 5 — анкета сдана: …" or "• СОШ № 11 — свои строки": why the school is asked."""
    submitted = school in outcome.handed_in
    reason = texts.BULK_CONFLICT_SUBMITTED if submitted else texts.BULK_CONFLICT_OWN
    return texts.PROBLEM_LINE.format(problem=escape(reason.format(school=school)))


async def _report(
    message: Message,
    state: FSMContext,
    database: Database,
    catalog: FormCatalog,
    actor: Actor,
    draft: BulkDraft,
    outcome: BulkOutcome,
) -> None:
    target = await load_target(
        database, catalog, actor, draft.bulk_campaign, draft.bulk_form, draft.bulk_question
    )
    title, period = escape(target.title), escape(target.campaign.period_label)
    if outcome.years:
        await state.set_state(BulkLoad.year)
        await save_draft(state, draft)
        builder = InlineKeyboardBuilder()
        if len(outcome.years) == 1:  # one year still goes into the round only when confirmed
            (year,) = outcome.years
            builder.button(
                text=texts.BULK_ONE_YEAR_BUTTON.format(year=year), callback_data=BulkYear(y=year)
            )
            question = texts.BULK_ASK_ONE_YEAR.format(year=year, title=title, period=period)
        else:
            for year in sorted(outcome.years, reverse=True):
                builder.button(text=str(year), callback_data=BulkYear(y=year))
            years = ", ".join(str(year) for year in outcome.years)
            question = texts.BULK_ASK_YEAR.format(years=years, title=title, period=period)
        await message.answer(question, reply_markup=builder.adjust(4).as_markup())
        return
    if outcome.problems:  # still waiting: a second chance
        await state.set_state(BulkLoad.waiting)
        await save_draft(state, draft.model_copy(update=_FORGET))
        header = texts.BULK_NOT_LOADED.format(count=len(outcome.problems))
        lines = [header, *(texts.PROBLEM_LINE.format(problem=escape(p)) for p in outcome.problems)]
        await say_lines(message, lines)
        return
    if outcome.conflicts:
        await state.set_state(BulkLoad.replace)
        await save_draft(state, draft.model_copy(update={"bulk_confirm": list(outcome.confirm)}))
        builder = InlineKeyboardBuilder()
        builder.button(text=texts.BULK_REPLACE, callback_data=BulkReplace(yes=1))
        builder.button(text=texts.BULK_DONT_REPLACE, callback_data=BulkReplace(yes=0))
        schools = "\n".join(_conflict_line(school, outcome) for school in outcome.conflicts)
        await message.answer(
            texts.BULK_CONFLICTS.format(count=len(outcome.conflicts), schools=schools),
            reply_markup=builder.adjust(2).as_markup(),
        )
        return
    await state.clear()
    lines = [
        texts.BULK_DONE.format(
            title=title,
            period=period,
            schools=counted(len(outcome.loaded), SCHOOLS),
            rows=counted(outcome.rows, texts.ROWS),
        )
    ]
    if outcome.unchanged:
        lines.append(texts.BULK_UNCHANGED.format(schools=escape(", ".join(outcome.unchanged))))
    if outcome.absent:
        lines.append(texts.BULK_ABSENT.format(schools=escape(", ".join(outcome.absent))))
    if set(outcome.loaded) - set(outcome.handed_in):
        lines.append(texts.BULK_DONE_NOTE)
    if outcome.handed_in:
        handed_in = escape(", ".join(outcome.handed_in))
        lines.append(texts.BULK_DONE_SUBMITTED.format(schools=handed_in))
    await say_lines(message, lines)


def build_router() -> Router:
    router = Router(name="tables_bulk")
    router.errors.register(_refused, ExceptionTypeFilter(CampaignRefused))

    @router.callback_query(BulkStart.filter())
    async def start(
        callback: CallbackQuery,
        callback_data: BulkStart,
        state: FSMContext,
        actor: Actor,
        database: Database,
        catalog: FormCatalog,
    ) -> None:
        campaign = await managed_campaign(database, actor, callback_data.c)
        tables = await round_tables(database, catalog, campaign)
        if not tables:
            await callback.answer(texts.BULK_NO_TABLES, show_alert=True)
            return
        await callback.answer()
        message = message_of(callback)
        if len(tables) == 1:
            (only,) = tables
            await _ask_file(
                message,
                state,
                database,
                catalog,
                actor,
                campaign.id,
                only.form_key,
                only.question_id,
            )
            return
        builder = InlineKeyboardBuilder()
        for table in tables:
            builder.button(
                text=texts.BULK_TABLE_BUTTON.format(form=table.form_title, table=table.text),
                callback_data=BulkTable(c=campaign.id, f=table.form_key, q=table.question_id),
            )
        await message.answer(texts.BULK_PICK_TABLE, reply_markup=builder.adjust(1).as_markup())

    @router.callback_query(BulkTable.filter())
    async def pick_table(
        callback: CallbackQuery,
        callback_data: BulkTable,
        state: FSMContext,
        actor: Actor,
        database: Database,
        catalog: FormCatalog,
    ) -> None:
        try:
            await load_target(
                database, catalog, actor, callback_data.c, callback_data.f, callback_data.q
            )
        except NotATable:
            await callback.answer(texts.BULK_STALE, show_alert=True)
            return
        await callback.answer()
        await _ask_file(
            message_of(callback),
            state,
            database,
            catalog,
            actor,
            callback_data.c,
            callback_data.f,
            callback_data.q,
        )

    @router.callback_query(BulkSample.filter())
    async def send_sample(
        callback: CallbackQuery,
        callback_data: BulkSample,
        actor: Actor,
        database: Database,
        catalog: FormCatalog,
    ) -> None:
        try:
            target = await load_target(
                database, catalog, actor, callback_data.c, callback_data.f, callback_data.q
            )
        except NotATable:
            await callback.answer(texts.BULK_STALE, show_alert=True)
            return
        await callback.answer()
        sample = await bulk_template(target)
        await message_of(callback).answer_document(
            BufferedInputFile(sample.content, filename=sample.name),
            caption=texts.BULK_SAMPLE_CAPTION.format(keys=escape(key_words(target.table))),
        )

    @router.message(StateFilter(BulkLoad), F.document)  # a new file at any step starts over
    async def receive(
        message: Message,
        bot: Bot,
        state: FSMContext,
        actor: Actor,
        database: Database,
        catalog: FormCatalog,
        clock: Clock,
    ) -> None:
        draft = await read_draft(state, BulkDraft)
        name = (message.document.file_name if message.document else None) or ""
        document = await accepted_document(
            message,
            SUFFIXES,
            MAX_FILE_BYTES,
            wrong_type=texts.FILE_UNSUPPORTED.format(kinds=texts.BULK_KINDS, file=escape(name)),
            too_large=texts.TOO_LARGE.format(megabytes=MAX_FILE_BYTES >> 20),
        )
        if document is None:
            return
        draft = draft.model_copy(
            update={**_FORGET, "bulk_file": document.file_id, "bulk_name": name}
        )
        await _load(message, state, bot, database, catalog, actor, clock, draft)

    @router.callback_query(BulkLoad.year, BulkYear.filter())
    async def pick_year(
        callback: CallbackQuery,
        callback_data: BulkYear,
        bot: Bot,
        state: FSMContext,
        actor: Actor,
        database: Database,
        catalog: FormCatalog,
        clock: Clock,
    ) -> None:
        draft = await read_draft(state, BulkDraft)
        await callback.answer()
        await close_buttons(callback, str(callback_data.y))
        draft = draft.model_copy(update={"bulk_year": callback_data.y})
        await _load(message_of(callback), state, bot, database, catalog, actor, clock, draft)

    @router.callback_query(BulkLoad.replace, BulkReplace.filter())
    async def replace(
        callback: CallbackQuery,
        callback_data: BulkReplace,
        bot: Bot,
        state: FSMContext,
        actor: Actor,
        database: Database,
        catalog: FormCatalog,
        clock: Clock,
    ) -> None:
        draft = await read_draft(state, BulkDraft)
        await callback.answer()
        chosen = texts.BULK_REPLACE if callback_data.yes else texts.BULK_DONT_REPLACE
        await close_buttons(callback, chosen)
        message = message_of(callback)
        if not callback_data.yes:
            await state.set_state(BulkLoad.waiting)
            await save_draft(state, draft.model_copy(update=_FORGET))
            await message.answer(texts.BULK_NOT_REPLACED)
            return
        await _load(message, state, bot, database, catalog, actor, clock, draft, replace=True)

    # Commands pass through: /cancel leaves the step, /help and the rest keep working.
    @router.message(StateFilter(BulkLoad), NOT_A_COMMAND)
    async def not_a_file(message: Message) -> None:
        await message.answer(texts.BULK_WAITING.format(kinds=texts.BULK_KINDS))

    return router
