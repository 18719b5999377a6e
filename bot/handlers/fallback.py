"""The catch-all: anything no other router took gets a helpful answer, never silence."""

from html import escape

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message

from texts import common as texts


def build_router() -> Router:
    router = Router(name="fallback")

    @router.message(F.text.startswith("/"))
    async def unknown_command(message: Message) -> None:
        command = (message.text or "").split(maxsplit=1)[0]
        await message.answer(texts.UNKNOWN_COMMAND.format(command=escape(command)))

    @router.message(F.text)
    async def unexpected_text(message: Message) -> None:
        await message.answer(texts.UNEXPECTED_TEXT)

    @router.message()
    async def unexpected_media(message: Message) -> None:
        await message.answer(texts.UNEXPECTED_MEDIA)

    @router.callback_query()
    async def stale_button(callback: CallbackQuery) -> None:
        await callback.answer(texts.STALE_BUTTON, show_alert=True)

    return router
