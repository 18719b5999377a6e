"""The "📥 Выгрузить в Excel" button under a plan's board: the plan as a workbook, sent as a
document.

The workbook is ``core.plans.workbook.plan_file`` (the items under their sections, with status,
owners, deadlines and reports, overdue ones tinted), on today's date in the bot's time zone, as
the board counts it. A plan that is gone or no longer the person's to see gets a short alert.
"""

from html import escape

from aiogram import Bot, Router
from aiogram.filters.callback_data import CallbackData
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardButton

from bot.config import Settings
from bot.handlers.shared.buttons import message_of
from bot.handlers.shared.fields import Id
from bot.handlers.shared.messages import shorten_text
from core.access import AccessDenied
from core.actors import Actor
from core.clock import Clock
from core.plans.workbook import plan_file
from storage import Database
from texts import plan_export as texts

CAPTION_TITLE = 300  # characters of the plan's title in the caption (Telegram allows 1024)


class PlanExport(CallbackData, prefix="plx"):
    """Send plan ``p`` as a workbook."""

    p: Id


def export_buttons(plan_id: int) -> list[list[InlineKeyboardButton]]:
    """The row of "📥 Выгрузить в Excel" under a plan's board."""
    return [
        [InlineKeyboardButton(text=texts.EXPORT_BUTTON, callback_data=PlanExport(p=plan_id).pack())]
    ]


def build_export_router() -> Router:
    router = Router(name="plan_export")

    @router.callback_query(PlanExport.filter())
    async def export(
        query: CallbackQuery,
        callback_data: PlanExport,
        bot: Bot,
        actor: Actor,
        database: Database,
        clock: Clock,
        settings: Settings,
    ) -> None:
        today = clock().astimezone(settings.zone).date()
        try:
            made = await plan_file(database, actor, callback_data.p, today=today)
        except AccessDenied:
            await query.answer(texts.STALE, show_alert=True)
            return
        await query.answer()
        message = message_of(query)
        await bot.send_chat_action(message.chat.id, "upload_document")
        caption = texts.CAPTION.format(
            title=escape(shorten_text(made.title, CAPTION_TITLE)),
            today=made.today.strftime("%d.%m.%Y"),
            done=made.done,
            items=made.items,
            overdue=made.overdue,
        )
        await message.answer_document(
            BufferedInputFile(made.content, filename=made.filename), caption=caption
        )

    return router
