"""The "which municipality?" question of a person who works in several (an administrator)."""

from collections.abc import Callable, Sequence

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup

from bot.keyboard import InlineKeyboardBuilder
from core.directory import Directory


def municipality_keyboard(
    directory: Directory, municipality_ids: Sequence[int], button: Callable[[int], CallbackData]
) -> InlineKeyboardMarkup:
    """A button per municipality, by name, one a row; ``button`` makes each one's payload."""
    builder = InlineKeyboardBuilder()
    for municipality_id in municipality_ids:
        name = directory.municipalities[municipality_id].name
        builder.button(text=name, callback_data=button(municipality_id))
    builder.adjust(1)
    return builder.as_markup()
