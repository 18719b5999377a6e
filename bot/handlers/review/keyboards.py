"""Keyboards of /review that other rooms show too."""

from aiogram.types import InlineKeyboardMarkup

from bot.handlers.review.callbacks import ReviewQueue
from bot.keyboard import InlineKeyboardBuilder
from texts import review as texts


def entry_markup(count: int) -> InlineKeyboardMarkup:
    """The button that opens the review queue (shown under the /status board)."""
    builder = InlineKeyboardBuilder()
    builder.button(text=texts.ENTRY_BUTTON.format(count=count), callback_data=ReviewQueue())
    return builder.as_markup()
