"""/start, /help and /cancel."""

from html import escape

from aiogram import Bot, Router
from aiogram.filters import Command, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from bot.commands import Cmd
from bot.handlers.shared.menus import help_text, main_menu, roles_text, set_personal_menu
from core.actors import Actor
from storage.people import Role
from texts import common as texts


def build_router() -> Router:
    router = Router(name="common")

    @router.message(CommandStart())
    async def start(message: Message, actor: Actor, bot: Bot) -> None:
        if not actor.is_registered:
            await message.answer(texts.START_STRANGER)
            return
        await set_personal_menu(bot, message.chat.id, actor)
        name = actor.display_name or (message.from_user.full_name if message.from_user else "")
        await message.answer(
            texts.START_KNOWN.format(
                name=escape(name), roles=roles_text(actor), help=help_text(actor)
            ),
            reply_markup=main_menu() if Role.RESPONDENT in actor.roles else None,
        )

    @router.message(Command(Cmd.HELP))
    async def show_help(message: Message, actor: Actor) -> None:
        await message.answer(help_text(actor))

    @router.message(Command(Cmd.CANCEL))
    async def cancel(message: Message, state: FSMContext) -> None:
        if await state.get_state() is None:
            await message.answer(texts.NOTHING_TO_CANCEL)
            return
        await state.clear()
        await message.answer(texts.CANCELLED)

    return router
