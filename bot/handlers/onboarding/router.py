"""Opening an invitation link (/start <token>) and the short registration that follows.

A respondent of one school who opens a respondent link of another school is asked first ("Вы уже
ответственный от …. Добавить …?"); nothing is granted, and no use of the link is taken, until they
press "Да, добавить" — and then the link is checked again.
"""

import logging
from html import escape

from aiogram import Router
from aiogram.filters import CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.config import Settings
from bot.handlers.onboarding.callbacks import AddSchool, SkipPosition
from bot.handlers.onboarding.states import PendingSchool, Registration
from bot.handlers.shared.drafts import read_draft, save_draft
from bot.handlers.shared.filters import TYPED_TEXT
from bot.handlers.shared.menus import help_text, main_menu, set_personal_menu
from bot.handlers.shared.views import school_label, scope_label
from bot.keyboard import InlineKeyboardBuilder
from core.actors import resolve_actor
from core.clock import Clock
from core.directory import Directory, load_directory
from core.invitations import (
    AnotherSchool,
    InvitationRefused,
    Newcomer,
    Redemption,
    add_school_by_invitation,
    hash_token,
    invitation_scope,
    redeem_invitation,
)
from core.people import (
    ProfileError,
    clean_full_name,
    clean_position,
    name_from_telegram,
    save_profile,
)
from storage import Database
from storage.people import Role
from texts import common as common_texts
from texts import people as texts

log = logging.getLogger(__name__)


def _skip_keyboard() -> InlineKeyboardBuilder:
    builder = InlineKeyboardBuilder()
    builder.button(text=texts.SKIP, callback_data=SkipPosition())
    return builder


def _add_school_keyboard(invitation_id: int) -> InlineKeyboardBuilder:
    builder = InlineKeyboardBuilder()
    builder.button(text=texts.ADD_SCHOOL_YES, callback_data=AddSchool(i=invitation_id, yes=1))
    builder.button(text=texts.ADD_SCHOOL_NO, callback_data=AddSchool(i=invitation_id, yes=0))
    return builder


def _school_names(directory: Directory, school_ids: list[int], *others: int) -> str:
    """Short names ("СОШ № 5"); with the municipality when two of them would read the same."""
    everyone = [*school_ids, *others]
    names = [directory.schools[s].short_name for s in everyone if s in directory.schools]
    if len(set(names)) < len(names):
        return escape(", ".join(school_label(directory, s) for s in school_ids))
    return escape(", ".join(directory.schools[s].short_name for s in school_ids))


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
        newcomer = Newcomer(
            sender.id, name_from_telegram(sender.first_name, sender.last_name), sender.username
        )
        token = command.args or ""
        try:
            redemption = await redeem_invitation(database, token, newcomer, now=clock())
        except InvitationRefused as refused:
            log.info("invitation refused for %s: %s", sender.id, refused.reason)
            await message.answer(texts.REFUSALS[refused.reason])
            return
        except AnotherSchool as another:
            await _ask_another_school(message, database, state, hash_token(token), another)
            return
        await _registered(message, database, state, redemption)

    @router.callback_query(AddSchool.filter())
    async def answer_another_school(
        query: CallbackQuery,
        callback_data: AddSchool,
        database: Database,
        state: FSMContext,
        clock: Clock,
    ) -> None:
        pending = None
        if await state.get_state() == Registration.another_school.state:
            pending = await read_draft(state, PendingSchool)
        if pending is None or pending.invitation_id != callback_data.i:
            # Not the question this person is being asked: an old message's button, or forged.
            log.warning(
                "refused button: telegram_id=%s data=%r (no such question pending)",
                query.from_user.id,
                (query.data or "")[:80],
            )
            await query.answer(common_texts.STALE_BUTTON, show_alert=True)
            return
        message = query.message
        if not isinstance(message, Message):  # too old for the bot to answer under it
            await query.answer(common_texts.STALE_BUTTON, show_alert=True)
            return
        await query.answer()
        await state.clear()
        await message.edit_reply_markup(reply_markup=None)
        directory = await load_directory(database)
        school = _school_names(directory, pending.school_ids)
        if not callback_data.yes:
            await message.answer(texts.SCHOOL_NOT_ADDED.format(school=school))
            return
        sender = query.from_user
        newcomer = Newcomer(
            sender.id, name_from_telegram(sender.first_name, sender.last_name), sender.username
        )
        try:
            redemption = await add_school_by_invitation(
                database, pending.token_hash, pending.invitation_id, newcomer, now=clock()
            )
        except InvitationRefused as refused:
            log.info("invitation refused for %s: %s", sender.id, refused.reason)
            await message.answer(texts.REFUSALS[refused.reason])
            return
        await _registered(message, database, state, redemption, added=True)

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


async def _ask_another_school(
    message: Message,
    database: Database,
    state: FSMContext,
    token_hash: str,
    another: AnotherSchool,
) -> None:
    """Ask before a respondent of one school takes on another; nothing is changed yet."""
    directory = await load_directory(database)
    invited = list(another.invitation.school_ids)
    held = list(another.held_school_ids)
    await state.clear()
    await state.set_state(Registration.another_school)
    await save_draft(
        state,
        PendingSchool(
            token_hash=token_hash, invitation_id=another.invitation.id, school_ids=invited
        ),
    )
    await message.answer(
        texts.ANOTHER_SCHOOL.format(
            held=_school_names(directory, held, *invited),
            school=_school_names(directory, invited, *held),
        ),
        reply_markup=_add_school_keyboard(another.invitation.id).as_markup(),
    )


async def _registered(
    message: Message,
    database: Database,
    state: FSMContext,
    redemption: Redemption,
    *,
    added: bool = False,
) -> None:
    """Say what the link gave, then ask for what registration still lacks."""
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
    if redemption.already_member:
        template = texts.ALREADY_MEMBER
    else:
        template = texts.SCHOOL_ADDED if added else texts.WELCOME
    await message.answer(template.format(**described))
    await state.clear()
    await state.update_data(user_id=redemption.user.id)
    if redemption.needs_full_name:
        await state.set_state(Registration.full_name)
        await message.answer(texts.ASK_FULL_NAME)
    elif redemption.already_member or added:
        # Someone registered before (a respondent adding a school): no position to ask again.
        await state.clear()
    else:
        await state.set_state(Registration.position)
        await message.answer(texts.ASK_POSITION, reply_markup=_skip_keyboard().as_markup())


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
