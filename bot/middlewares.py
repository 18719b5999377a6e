"""The outer middlewares of every update, in order: private chats only, then who sent it."""

import logging
from collections.abc import Awaitable, Callable, Collection
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.enums import ChatType
from aiogram.exceptions import TelegramAPIError
from aiogram.fsm.context import FSMContext
from aiogram.types import (
    Chat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    TelegramObject,
    Update,
    User,
)

from bot.fsm import DatabaseFSMStorage
from core.actors import note_contact, resolve_actor
from storage import Database
from texts import common as texts

log = logging.getLogger(__name__)
# Being added to a group is one of these: the bot says where it works and leaves.
_JOINED = frozenset({"member", "administrator", "restricted"})


def _chat_of(update: Update) -> Chat | None:
    for message in (
        update.message,
        update.edited_message,
        update.channel_post,
        update.edited_channel_post,
    ):
        if message is not None:
            return message.chat
    if update.callback_query is not None and update.callback_query.message is not None:
        return update.callback_query.message.chat
    if update.my_chat_member is not None:
        return update.my_chat_member.chat
    return None


class PrivateChatsOnly(BaseMiddleware):
    """Nothing of a school ever goes to a group or a channel: an update from one gets a single
    short reply saying the bot works in a private chat (with a button to open it), and no
    handler runs. A button pressed there is answered with an alert."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        assert isinstance(event, Update)
        chat = _chat_of(event)
        if chat is None or chat.type == ChatType.PRIVATE:
            return await handler(event, data)
        bot: Bot = data["bot"]
        try:
            await self._refuse(bot, event, chat)
        except TelegramAPIError as error:
            log.info(
                "chat %s (%s): could not say the bot is private-only: %s", chat.id, chat.type, error
            )
        return None

    async def _refuse(self, bot: Bot, update: Update, chat: Chat) -> None:
        if update.callback_query is not None:
            await bot.answer_callback_query(
                update.callback_query.id, texts.PRIVATE_ONLY_ALERT, show_alert=True
            )
            return
        if update.my_chat_member is not None:
            if update.my_chat_member.new_chat_member.status not in _JOINED:
                return  # removed from the group: nothing to say
            await self._notice(bot, chat.id)
            await bot.leave_chat(chat.id)
            return
        if update.edited_message is not None or update.edited_channel_post is not None:
            return  # the original message already got the notice
        await self._notice(bot, chat.id)

    async def _notice(self, bot: Bot, chat_id: int) -> None:
        me = await bot.me()
        markup = None
        if me.username:
            button = InlineKeyboardButton(
                text=texts.OPEN_PRIVATE_CHAT, url=f"https://t.me/{me.username}"
            )
            markup = InlineKeyboardMarkup(inline_keyboard=[[button]])
        await bot.send_message(chat_id, texts.PRIVATE_ONLY, reply_markup=markup)


class ActorMiddleware(BaseMiddleware):
    """Puts ``actor`` (``core.actors.Actor``) into the handler data of every update, and
    clears an "unreachable" mark: a person who writes to the bot no longer blocks it.

    For the rest of the update it also keeps the conversation's FSM state in memory, so that it
    is read once (``DatabaseFSMStorage.update_scope``): this is the first outer middleware of
    ours that runs inside aiogram's FSM middleware, under the chat's isolation lock."""

    def __init__(self, database: Database, admin_ids: Collection[int]) -> None:
        self._database = database
        self._admin_ids = admin_ids

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        storage, state = data.get("fsm_storage"), data.get("state")
        if isinstance(storage, DatabaseFSMStorage) and isinstance(state, FSMContext):
            async with storage.update_scope(state.key):
                return await self._with_actor(handler, event, data)
        return await self._with_actor(handler, event, data)

    async def _with_actor(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        sender: User | None = data.get("event_from_user")
        if sender is not None and not sender.is_bot:
            actor = await resolve_actor(self._database, sender.id, self._admin_ids)
            # A change of the bot's membership (a block, in particular) is not a sign of life.
            if not (isinstance(event, Update) and event.my_chat_member is not None):
                await note_contact(self._database, actor)
            data["actor"] = actor
        return await handler(event, data)
