"""Small helpers around a pressed button."""

from html import escape

from aiogram.types import CallbackQuery, Message


class MessageTooOld(Exception):
    """The button's message is no longer accessible (Telegram keeps 48 hours of them)."""


def message_of(callback: CallbackQuery) -> Message:
    if not isinstance(callback.message, Message):
        raise MessageTooOld()
    return callback.message


async def close_buttons(callback: CallbackQuery, chosen: str) -> None:
    """Replace an answered question's buttons by the choice, so it cannot be pressed again."""
    if isinstance(callback.message, Message) and callback.message.text:
        await callback.message.edit_text(
            f"{escape(callback.message.text)}\n→ {escape(chosen)}", reply_markup=None
        )
