"""Opening an invitation link (/start <token>) and the short registration that follows."""

import logging
from html import escape

from aiogram import Router
from aiogram.filters import CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.config import Settings
from bot.handlers.onboarding.callbacks import SkipPosition
from bot.handlers.onboarding.states import Registration
from bot.handlers.shared.filters import TYPED_TEXT
from bot.handlers.shared.menus import help_text, main_menu, set_personal_menu
from bot.handlers.shared.views import scope_label
from core.actors import resolve_actor
from core.clock import Clock
from core.directory import load_directory
from core.invitations import (
    InvitationRefused,
    Newcomer,
    invitation_scope,
    redeem_invitation,
)
from core.people import ProfileError, clean_full_name, clean_position, save_profile
from storage import Database
from storage.people import Role
from texts import common as common_texts
from texts import people as texts

log = logging.getLogger(__name__)


def _skip_keyboard() -> InlineKeyboardBuilder:
    builder = InlineKeyboardBuilder()
    builder.button(text=texts.SKIP, callback_data=SkipPosition())
    return builder


def build_router() -> Router:
    router = Router(name="onboarding")

    @router.message(CommandStart(deep_link=True))
    async def open_invitation(
        message: Message,
        command: CommandObject,
        database: Database,
        state: FSMContext,
        clock: Clock,
    ) -> None:
        sender = message.from_user
        assert sender is not None
        newcomer = Newcomer(sender.id, sender.full_name, sender.username)
        try:
            redemption = await redeem_invitation(
                database, command.args or "", newcomer, now=clock()
            )
        except InvitationRefused as refused:
            log.info("invitation refused for %s: %s", sender.id, refused.reason)
            await message.answer(texts.REFUSALS[refused.reason])
            return
        directory = await load_directory(database)
        invitation = redemption.invitation
        scope = invitation_scope(invitation)
        described = {
            "role": common_texts.ROLE_NAMES[invitation.role],
            "scope": escape(
                scope_label(
                    directory,
                    municipality_id=scope.municipality_id,
                    district_id=scope.district_id,
                    school_ids=scope.school_ids,
                )
            ),
        }
        template = texts.ALREADY_MEMBER if redemption.already_member else texts.WELCOME
        await message.answer(template.format(**described))
        await state.clear()
        await state.update_data(user_id=redemption.user.id)
        if redemption.needs_full_name:
            await state.set_state(Registration.full_name)
            await message.answer(texts.ASK_FULL_NAME)
        elif redemption.already_member:
            await state.clear()
        else:
            await state.set_state(Registration.position)
            await message.answer(texts.ASK_POSITION, reply_markup=_skip_keyboard().as_markup())

    @router.message(Registration.full_name, TYPED_TEXT)
    async def take_full_name(message: Message, database: Database, state: FSMContext) -> None:
        try:
            name = clean_full_name(message.text or "")
        except ProfileError:
            await message.answer(texts.BAD_FULL_NAME)
            return
        await save_profile(database, await _user_id(state), full_name=name)
        await state.set_state(Registration.position)
        await message.answer(texts.ASK_POSITION, reply_markup=_skip_keyboard().as_markup())

    @router.message(Registration.position, TYPED_TEXT)
    async def take_position(
        message: Message, database: Database, settings: Settings, state: FSMContext
    ) -> None:
        try:
            position = clean_position(message.text or "")
        except ProfileError:
            await message.answer(texts.BAD_POSITION)
            return
        await save_profile(database, await _user_id(state), position=position)
        await _finish(message, database, settings, state)

    @router.callback_query(Registration.position, SkipPosition.filter())
    async def skip_position(
        callback: CallbackQuery, database: Database, settings: Settings, state: FSMContext
    ) -> None:
        await callback.answer()
        if isinstance(callback.message, Message):
            await callback.message.edit_reply_markup(reply_markup=None)
            await _finish(callback.message, database, settings, state, callback.from_user.id)

    @router.message(Registration.full_name)
    @router.message(Registration.position)
    async def not_text(message: Message) -> None:
        await message.answer(texts.TEXT_EXPECTED)

    return router


async def _user_id(state: FSMContext) -> int:
    data = await state.get_data()
    return int(data["user_id"])


async def _finish(
    message: Message,
    database: Database,
    settings: Settings,
    state: FSMContext,
    telegram_id: int | None = None,
) -> None:
    await state.clear()
    sender = telegram_id if telegram_id is not None else message.chat.id
    actor = await resolve_actor(database, sender, settings.admin_ids)
    if message.bot is not None:
        await set_personal_menu(message.bot, message.chat.id, actor)
    await message.answer(
        texts.REGISTERED.format(name=escape(actor.display_name or ""), help=help_text(actor)),
        reply_markup=main_menu() if Role.RESPONDENT in actor.roles else None,
    )
