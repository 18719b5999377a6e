"""``FakeUser``: a Telegram user talking to the bot; ``FakeChannel``: a channel posting."""

from __future__ import annotations

import asyncio
from typing import Any

from . import objects
from .chat import BotMessage, describe
from .server import BotAPIEmulator

# The smallest valid JPEG-ish payload is not needed: the bot only sees file ids and bytes.
DEFAULT_PHOTO = b"\xff\xd8\xff\xe0fake-jpeg\xff\xd9"


class _Author:
    """Keeps the messages one sender pushed into one chat, so they can be edited later."""

    def __init__(self, emulator: BotAPIEmulator, chat: dict[str, Any]) -> None:
        self.emulator = emulator
        self.chat = chat
        self.chat_id = int(chat["id"])
        self.sent_messages: dict[int, dict[str, Any]] = {}  # message_id -> Message JSON
        self.last_sent_id: int | None = None  # message_id of the newest sent message

    async def _push(self, kind: str, message: dict[str, Any]) -> int:
        update_id = self.emulator.push_update({kind: message})
        await asyncio.sleep(0)
        return update_id

    def _remember(self, message: dict[str, Any]) -> None:
        message_id = int(message["message_id"])
        self.sent_messages[message_id] = message
        self.last_sent_id = message_id

    def _edited(self, message_id: int | None, text: str) -> dict[str, Any]:
        """The Message JSON of an edit of one of our messages: text, or caption for media."""
        chosen = self.last_sent_id if message_id is None else message_id
        original = self.sent_messages.get(chosen) if chosen is not None else None
        if original is None:
            raise LookupError(
                f"chat {self.chat_id}: no message {chosen} was sent here to edit; "
                f"sent: {sorted(self.sent_messages)}"
            )
        edited = {key: value for key, value in original.items() if key != "entities"}
        if "text" in original or not _has_media(original):
            edited["text"] = text
            entities = objects.command_entities(text)
            if entities:
                edited["entities"] = entities
        else:
            edited["caption"] = text
        edited["edit_date"] = max(objects.now(), int(original["date"]))
        self.sent_messages[int(original["message_id"])] = edited
        return edited


def _has_media(message: dict[str, Any]) -> bool:
    media = ("document", "photo", "sticker", "voice", "video", "audio", "animation")
    return any(key in message for key in media)


class FakeUser(_Author):
    """A user writing to the bot: in the private chat (``chat_id == user_id``) by default, or
    in the group/supergroup ``chat`` (see :meth:`in_chat` and ``BotAPIEmulator.create_group``).
    """

    def __init__(
        self,
        emulator: BotAPIEmulator,
        user_id: int,
        first_name: str = "Иван",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str = "ru",
        *,
        chat: dict[str, Any] | None = None,
    ) -> None:
        self.user_id = user_id
        self.user = objects.user_json(
            user_id,
            first_name,
            last_name=last_name,
            username=username,
            language_code=language_code,
        )
        if chat is None:
            chat = objects.private_chat_json(self.user)
            emulator.register_chat(chat)
        super().__init__(emulator, chat)
        self._cursor = 0
        self._presses: dict[int, str] = {}  # update_id -> callback_query_id

    @property
    def chat_type(self) -> str:
        return str(self.chat.get("type", ""))

    def in_chat(self, chat: dict[str, Any]) -> FakeUser:
        """The same person writing in another chat (a group from ``create_group``, say)."""
        other = FakeUser(self.emulator, self.user_id, chat=chat)
        other.user = self.user
        return other

    # -- sending -----------------------------------------------------------------------

    async def _send_message(self, **content: Any) -> int:
        return await self._send_as(self.user, **content)

    async def _send_as(self, sender: dict[str, Any], **content: Any) -> int:
        message = objects.message_json(
            message_id=self.emulator.next_message_id(self.chat_id),
            chat=self.chat,
            sender=sender,
            **content,
        )
        self._remember(message)
        return await self._push("message", message)

    async def send(self, text: str) -> int:
        """Send a text; a leading ``/command`` gets a ``bot_command`` entity."""
        return await self._send_message(text=text, entities=objects.command_entities(text) or None)

    async def send_message(self, **content: Any) -> int:
        """Send a message with arbitrary Message fields (``None`` values dropped), e.g.
        ``new_chat_title=...`` or ``text=..., entities=[...]``."""
        return await self._send_message(**content)

    async def send_photo(self, content: bytes = DEFAULT_PHOTO, caption: str | None = None) -> int:
        small = self.emulator.add_media_file(content, folder="photos", mime_type="image/jpeg")
        large = self.emulator.add_media_file(content, folder="photos", mime_type="image/jpeg")
        photo = [objects.photo_size_json(small, 90, 67), objects.photo_size_json(large, 800, 600)]
        return await self._send_message(photo=photo, caption=caption)

    async def send_document(
        self,
        file_name: str,
        content: bytes,
        mime_type: str | None = None,
        caption: str | None = None,
    ) -> int:
        file = self.emulator.add_file(content, file_name=file_name, mime_type=mime_type)
        return await self._send_message(document=objects.document_json(file), caption=caption)

    async def send_sticker(self, emoji: str = "👍") -> int:
        file = self.emulator.add_media_file(b"RIFF-webp", folder="stickers", mime_type="image/webp")
        return await self._send_message(sticker=objects.sticker_json(file, emoji))

    async def send_voice(self) -> int:
        file = self.emulator.add_media_file(b"OggS-voice", folder="voice", mime_type="audio/ogg")
        return await self._send_message(voice=objects.voice_json(file, duration=1))

    async def send_location(self, latitude: float = 56.4847, longitude: float = 84.9482) -> int:
        return await self._send_message(location=objects.location_json(latitude, longitude))

    async def send_contact(self, phone_number: str = "+79991234567") -> int:
        contact = objects.contact_json(
            phone_number, str(self.user["first_name"]), user_id=self.user_id
        )
        return await self._send_message(contact=contact)

    async def send_dice(self, emoji: str = "🎲", value: int = 4) -> int:
        return await self._send_message(dice=objects.dice_json(emoji, value))

    async def send_anonymously(self, text: str) -> int:
        """A text from an anonymous administrator of this group: ``from`` is Telegram's
        GroupAnonymousBot, ``sender_chat`` the group itself."""
        if self.chat_type not in ("group", "supergroup"):
            raise ValueError(f"only groups have anonymous administrators, not {self.chat_type}")
        return await self._send_as(
            objects.GROUP_ANONYMOUS_BOT,
            text=text,
            entities=objects.command_entities(text) or None,
            sender_chat=self.chat,
        )

    async def add_bot_to_group(self) -> tuple[int, int]:
        """This user adds the bot to this group: a ``my_chat_member`` update, then the
        ``new_chat_members`` service message. Returns both update ids."""
        if self.chat_type not in ("group", "supergroup"):
            raise ValueError(f"the bot can only be added to a group, not a {self.chat_type} chat")
        bot = self.emulator.bot_user
        self.emulator.bot_joined(self.chat_id)
        member_update = self.emulator.push_update(
            {
                "my_chat_member": {
                    "chat": self.chat,
                    "from": self.user,
                    "date": objects.now(),
                    "old_chat_member": {"status": "left", "user": bot},
                    "new_chat_member": {"status": "member", "user": bot},
                }
            }
        )
        service = await self._send_message(new_chat_members=[bot])
        return member_update, service

    async def edit(self, text: str, message_id: int | None = None) -> int:
        """Edit one of this user's messages in this chat (the newest by default): an
        ``edited_message`` update with ``edit_date``; media messages get a new caption."""
        return await self._push("edited_message", self._edited(message_id, text))

    # -- buttons -----------------------------------------------------------------------

    def _message_with_button(self, button_text: str) -> BotMessage:
        alive = [m for m in reversed(self.emulator.messages(self.chat_id)) if not m.deleted]
        for message in alive:
            if button_text in message.button_texts:
                return message
        available = {m.message_id: m.button_texts for m in alive if m.buttons}
        raise LookupError(
            f"no message in chat {self.chat_id} has a button {button_text!r}; "
            f"buttons by message id: {available}"
        )

    async def press(self, button_text: str, message: BotMessage | None = None) -> int:
        """Press an inline button on ``message`` or on the newest message that has it."""
        if message is None:
            message = self._message_with_button(button_text)
        button = message.button(button_text)
        if button.callback_data is None:
            raise LookupError(f"button {button_text!r} has no callback_data (url={button.url!r})")
        return await self.press_data(message, button.callback_data)

    async def press_data(
        self, message: BotMessage | int, data: str, *, inaccessible: bool = False
    ) -> int:
        """Send a callback query with arbitrary ``data`` (any length: Telegram's 64-byte limit
        binds buttons, not forged queries) for a message.

        ``message`` is a bot message, or a message id in this chat: the bot's message with
        that id if the emulator has it, else a bare message from the bot that the emulator
        never saw (editing it fails as for a message deleted meanwhile). ``inaccessible``
        sends it as an InaccessibleMessage (``date`` 0), as Telegram does for messages the bot
        can no longer see.
        """
        if isinstance(message, BotMessage):
            if message.deleted:
                raise LookupError(f"message {describe(message)} was deleted")
            chat, message_id = message.chat or self.chat, message.message_id
            shown = message.as_telegram()
        else:
            known = [m for m in self.emulator.messages(self.chat_id) if m.message_id == message]
            chat, message_id = self.chat, message
            if known and not known[0].deleted:
                shown = known[0].as_telegram()
            else:
                shown = objects.message_json(
                    message_id=message,
                    chat=self.chat,
                    sender=self.emulator.bot_user,
                    text="…",
                )
        if inaccessible:
            shown = objects.inaccessible_message_json(chat, message_id)
        query_id = self.emulator.next_callback_query_id()
        query = objects.callback_query_json(
            query_id=query_id, sender=self.user, message=shown, data=data
        )
        update_id = self.emulator.push_update({"callback_query": query})
        self._presses[update_id] = query_id
        await asyncio.sleep(0)
        return update_id

    def callback_answer(self, update_id: int) -> dict[str, Any] | None:
        """The bot's answerCallbackQuery parameters for that press, if it answered."""
        query_id = self._presses.get(update_id)
        return None if query_id is None else self.emulator.callback_answers.get(query_id)

    # -- reading -----------------------------------------------------------------------

    async def next_message(self, timeout: float = 5.0) -> BotMessage:  # noqa: ASYNC109
        """The next bot message in this chat not yet returned to this user."""
        message = await self.emulator.wait_message(self.chat_id, self._cursor, timeout)
        self._cursor += 1
        return message

    async def expect_no_message(self, within: float = 0.3) -> None:
        """Fail if a bot message this user has not read yet exists or arrives in ``within``."""
        try:
            message = await self.emulator.wait_message(self.chat_id, self._cursor, within)
        except TimeoutError:
            return
        raise AssertionError(f"unexpected bot message in chat {self.chat_id}: {describe(message)}")

    def last_message(self) -> BotMessage | None:
        """The newest bot message in this chat that was not deleted."""
        alive = [m for m in self.emulator.messages(self.chat_id) if not m.deleted]
        return alive[-1] if alive else None


class FakeChannel(_Author):
    """A channel with the bot in it: its posts arrive as ``channel_post`` updates, which have
    ``sender_chat`` (the channel) and no ``from``."""

    def __init__(self, emulator: BotAPIEmulator, chat: dict[str, Any] | None = None) -> None:
        super().__init__(emulator, chat if chat is not None else emulator.create_channel())
        if self.chat.get("type") != "channel":
            raise ValueError(f"not a channel: {self.chat}")

    async def _post(self, **content: Any) -> int:
        message = objects.message_json(
            message_id=self.emulator.next_message_id(self.chat_id),
            chat=self.chat,
            sender=None,
            sender_chat=self.chat,
            **content,
        )
        self._remember(message)
        return await self._push("channel_post", message)

    async def post(self, text: str) -> int:
        """A text post; a leading ``/command`` gets a ``bot_command`` entity."""
        return await self._post(text=text, entities=objects.command_entities(text) or None)

    async def post_document(
        self, file_name: str, content: bytes, caption: str | None = None
    ) -> int:
        file = self.emulator.add_file(content, file_name=file_name)
        return await self._post(document=objects.document_json(file), caption=caption)

    async def edit_post(self, text: str, message_id: int | None = None) -> int:
        """An ``edited_channel_post`` of one of this channel's posts (the newest by default)."""
        return await self._push("edited_channel_post", self._edited(message_id, text))
