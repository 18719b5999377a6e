"""Deny by default: a person without a role gets the invitation explanation and nothing else.

Sits after the routers a stranger may use (/start, /help, /cancel, registration) and before
every feature router.
"""

from aiogram import Router
from aiogram.filters import Filter
from aiogram.types import CallbackQuery, Message

from core.actors import Actor
from texts import common as texts


class IsStranger(Filter):
    async def __call__(self, event: Message | CallbackQuery, actor: Actor | None = None) -> bool:
        return actor is None or not actor.is_registered


def build_router() -> Router:
    router = Router(name="gate")

    @router.message(IsStranger())
    async def stranger_message(message: Message) -> None:
        await message.answer(texts.START_STRANGER)

    @router.callback_query(IsStranger())
    async def stranger_button(callback: CallbackQuery) -> None:
        await callback.answer(texts.START_STRANGER, show_alert=True)

    return router
