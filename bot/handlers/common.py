"""/start, /help and /cancel."""

from html import escape

from aiogram import Bot, Router
from aiogram.filters import Command, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import BotCommandScopeChat, Message

from bot.commands import Cmd, menu_for
from bot.keyboards import main_menu
from core.actors import Actor
from storage.people import Role
from texts import common as texts

ROLE_ORDER = (Role.ADMIN, Role.METHODIST, Role.COORDINATOR, Role.RESPONDENT)


def help_text(actor: Actor) -> str:
    if not actor.is_registered:
        return texts.HELP_STRANGER
    lines = [texts.HELP_HEADER]
    for role in ROLE_ORDER:
        if role in actor.roles:
            lines.extend(f"• {item}" for item in texts.HELP_BY_ROLE[role])
    lines.extend(f"• {item}" for item in texts.HELP_COMMON)
    return "\n".join(lines)


def roles_text(actor: Actor) -> str:
    return ", ".join(texts.ROLE_NAMES[role] for role in ROLE_ORDER if role in actor.roles)


async def set_personal_menu(bot: Bot, chat_id: int, actor: Actor) -> None:
    """The chat's command menu lists what this person's roles can do (/start refreshes it)."""
    await bot.set_my_commands(menu_for(actor.roles), scope=BotCommandScopeChat(chat_id=chat_id))


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
