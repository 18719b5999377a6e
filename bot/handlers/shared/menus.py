"""The person's menus: the reply keyboard, the per-chat command menu, the role-aware help."""

from aiogram import Bot
from aiogram.types import BotCommandScopeChat, KeyboardButton, ReplyKeyboardMarkup

from bot.commands import menu_for
from core.actors import Actor
from storage.people import Role
from texts import common as texts
from texts import questionnaire as questionnaire_texts


def main_menu() -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text=questionnaire_texts.MY_FORMS_BUTTON)]], resize_keyboard=True
    )


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
