"""Buttons other rooms show to open a table's file entry: the bulk load on a round's card."""

from aiogram.types import InlineKeyboardButton

from bot.handlers.tables.callbacks import BulkStart
from texts import table_files as texts


def bulk_load_button(campaign_id: int) -> InlineKeyboardButton:
    """ "📥 Загрузить таблицу школ" for a round whose forms have a table question."""
    return InlineKeyboardButton(
        text=texts.BULK_BUTTON, callback_data=BulkStart(c=campaign_id).pack()
    )
