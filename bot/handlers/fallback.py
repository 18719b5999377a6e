"""The catch-all: anything no other router took gets a helpful answer, never silence."""

import logging
from html import escape

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message

from bot.handlers.shared.payloads import Payload, classify
from core.access import Action, allows_somewhere
from core.actors import Actor
from texts import common as texts
from texts import people as people_texts

log = logging.getLogger(__name__)


def build_router() -> Router:
    router = Router(name="fallback")

    @router.message(F.text.startswith("/"))
    async def unknown_command(message: Message) -> None:
        command = (message.text or "").split(maxsplit=1)[0]
        await message.answer(texts.UNKNOWN_COMMAND.format(command=escape(command[:64])))

    @router.message(F.text)
    async def unexpected_text(message: Message) -> None:
        await message.answer(texts.UNEXPECTED_TEXT)

    @router.message(F.document)
    async def unexpected_file(message: Message, actor: Actor) -> None:
        # Those who upload workbooks are told where each kind goes; a school, where files go.
        manager = allows_somewhere(actor, Action.RUN_CAMPAIGNS)
        await message.answer(texts.UNEXPECTED_FILE_MANAGER if manager else texts.UNEXPECTED_FILE)

    @router.message()
    async def unexpected_media(message: Message) -> None:
        await message.answer(texts.UNEXPECTED_MEDIA)

    @router.edited_message()
    async def edited(message: Message) -> None:
        await message.answer(texts.EDITED_MESSAGE)

    @router.callback_query()
    async def unhandled_button(callback: CallbackQuery) -> None:
        if classify(callback.data) is Payload.FORGED:
            log.warning(
                "refused button: telegram_id=%s data=%r (malformed payload)",
                callback.from_user.id,
                (callback.data or "")[:80],
            )
            await callback.answer(people_texts.ACCESS_DENIED, show_alert=True)
            return
        await callback.answer(texts.STALE_BUTTON, show_alert=True)

    return router
