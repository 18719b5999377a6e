"""/export: a campaign (or a form over all its periods), optionally one district, as .xlsx."""

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from html import escape

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message

from bot.commands import Cmd
from bot.handlers.export.callbacks import ExportPick, ExportRun
from bot.handlers.shared.buttons import message_of
from bot.handlers.shared.messages import CAPTION_LIMIT, shorten_html, shorten_text
from bot.keyboard import InlineKeyboardBuilder
from core.access import AccessDenied, Action, allows_somewhere
from core.actors import Actor
from core.clock import Clock
from core.export import (
    ExportChoice,
    ExportFile,
    MixedForms,
    campaigns_of_series,
    district_counts,
    export_file,
    list_exportable,
)
from core.questionnaires import FormCatalog
from storage import Database
from texts import export as texts

MAX_CAMPAIGN_BUTTONS = 30


def _choices_keyboard(choices: Sequence[ExportChoice]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    several_towns = len({choice.municipality for choice in choices}) > 1
    for choice in choices[:MAX_CAMPAIGN_BUTTONS]:
        builder.button(
            text=texts.CAMPAIGN_BUTTON.format(
                label=f"{shorten_text(choice.form_title)} — {choice.period_label}",
                town=f" · {choice.municipality}" if several_towns else "",
                closed=texts.CLOSED_MARK if choice.closed else "",
            ),
            callback_data=ExportPick(campaign_id=choice.campaign_id),
        )
    rounds = Counter(choice.series for choice in choices)
    newest = {choice.series: choice for choice in reversed(choices)}  # choices: newest first
    for series, count in rounds.items():
        if count > 1:
            builder.button(
                text=texts.FORM_BUTTON.format(
                    form=shorten_text(newest[series].form_title), count=count
                ),
                callback_data=ExportPick(campaign_id=newest[series].campaign_id, every=1),
            )
    builder.adjust(1)
    return builder.as_markup()


def _campaign_ids(choices: Sequence[ExportChoice], pick: ExportPick | ExportRun) -> list[int]:
    """The campaigns a button means, among those the actor may export now."""
    chosen = next((c for c in choices if c.campaign_id == pick.campaign_id), None)
    if chosen is None:
        return []
    if pick.every:
        return campaigns_of_series(choices, chosen.series)
    return [chosen.campaign_id]


def _caption(made: ExportFile) -> str:
    template = texts.CAPTION_MONITORING if made.forms else texts.CAPTION
    # (a region's scope names every municipality: the caption keeps within Telegram's limit)
    return shorten_html(
        template.format(
            title=escape(made.title),
            scope=escape(made.scope),
            forms=made.forms,
            done=made.done,
            total=made.total,
            late=texts.CAPTION_LATE.format(late=made.late) if made.late else "",
        ),
        CAPTION_LIMIT,
    )


def build_router() -> Router:
    router = Router(name="export")

    @router.message(Command(Cmd.EXPORT))
    async def start(
        message: Message, actor: Actor, database: Database, catalog: FormCatalog
    ) -> None:
        if not allows_somewhere(actor, Action.EXPORT):
            await message.answer(texts.NOT_ALLOWED)
            return
        choices = await list_exportable(database, catalog, actor)
        if not choices:
            await message.answer(texts.NOTHING)
            return
        await message.answer(texts.CHOOSE, reply_markup=_choices_keyboard(choices))

    @router.callback_query(ExportPick.filter())
    async def picked(
        callback: CallbackQuery,
        callback_data: ExportPick,
        actor: Actor,
        database: Database,
        catalog: FormCatalog,
        bot: Bot,
        clock: Clock,
    ) -> None:
        choices = await list_exportable(database, catalog, actor)
        campaign_ids = _campaign_ids(choices, callback_data)
        if not campaign_ids:
            raise AccessDenied(Action.EXPORT)
        await callback.answer()
        total, districts = await district_counts(database, actor, campaign_ids)
        if len(districts) < 2:
            run = ExportRun(campaign_id=callback_data.campaign_id, every=callback_data.every)
            await _send(callback, run, actor, database, catalog, bot, clock())
            return
        builder = InlineKeyboardBuilder()
        builder.button(
            text=texts.WHOLE_SCOPE.format(count=total),
            callback_data=ExportRun(
                campaign_id=callback_data.campaign_id, every=callback_data.every
            ),
        )
        for district_id, name, count in districts:
            builder.button(
                text=texts.DISTRICT_BUTTON.format(district=name, count=count),
                callback_data=ExportRun(
                    campaign_id=callback_data.campaign_id,
                    every=callback_data.every,
                    district_id=district_id,
                ),
            )
        builder.adjust(1)
        await message_of(callback).answer(texts.CHOOSE_DISTRICT, reply_markup=builder.as_markup())

    @router.callback_query(ExportRun.filter())
    async def run(
        callback: CallbackQuery,
        callback_data: ExportRun,
        actor: Actor,
        database: Database,
        catalog: FormCatalog,
        bot: Bot,
        clock: Clock,
    ) -> None:
        await callback.answer()
        await _send(callback, callback_data, actor, database, catalog, bot, clock())

    return router


async def _send(
    callback: CallbackQuery,
    run: ExportRun,
    actor: Actor,
    database: Database,
    catalog: FormCatalog,
    bot: Bot,
    now: datetime,
) -> None:
    """Build the export (access is checked again), render it off the event loop, send it."""
    message = message_of(callback)
    choices = await list_exportable(database, catalog, actor)
    campaign_ids = _campaign_ids(choices, run)
    if not campaign_ids:
        await message.answer(texts.GONE)
        return
    progress = await message.answer(texts.PREPARING)
    await bot.send_chat_action(message.chat.id, "upload_document")
    chosen = {choice.campaign_id: choice for choice in choices}
    try:
        made = await export_file(
            database,
            catalog,
            actor,
            campaign_ids=campaign_ids,
            district_id=run.district_id or None,
            now=now,
            school_periods=sum(chosen[c].schools for c in campaign_ids if c in chosen),
        )
    except MixedForms:
        await progress.edit_text(texts.MIXED)
        return
    except AccessDenied:  # the campaign left the actor's scope meanwhile
        await progress.edit_text(texts.GONE)
        return
    except Exception:
        # "Готовлю файл…" must not stay on screen; the error handler apologises.
        await progress.delete()
        raise
    await message.answer_document(
        BufferedInputFile(made.content, filename=made.filename), caption=_caption(made)
    )
    await progress.delete()
