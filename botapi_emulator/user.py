"""``FakeUser``: a Telegram user talking to the bot through the emulator."""

from __future__ import annotations

import asyncio
from typing import Any

from . import objects
from .chat import BotMessage, describe
from .server import BotAPIEmulator

# The smallest valid JPEG-ish payload is not needed: the bot only sees file ids and bytes.
DEFAULT_PHOTO = b"\xff\xd8\xff\xe0fake-jpeg\xff\xd9"


class FakeUser:
    """A user in a private chat with the bot (``chat_id == user_id``)."""

    def __init__(
        self,
        emulator: BotAPIEmulator,
        user_id: int,
        first_name: str = "Иван",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str = "ru",
    ) -> None:
        self.emulator = emulator
        self.user_id = user_id
        self.chat_id = user_id
        self.user = objects.user_json(
            user_id,
            first_name,
            last_name=last_name,
            username=username,
            language_code=language_code,
        )
        self.chat = objects.private_chat_json(self.user)
        emulator.register_chat(self.chat)
        self._cursor = 0
        self._presses: dict[int, str] = {}  # update_id -> callback_query_id

    # -- sending -----------------------------------------------------------------------

    async def _send_message(self, **content: Any) -> int:
        message = objects.message_json(
            message_id=self.emulator.next_message_id(self.chat_id),
            chat=self.chat,
            sender=self.user,
            **content,
        )
        update_id = self.emulator.push_update({"message": message})
        await asyncio.sleep(0)
        return update_id

    async def send(self, text: str) -> int:
        """Send a text; a leading ``/command`` gets a ``bot_command`` entity."""
        return await self._send_message(text=text, entities=objects.command_entities(text) or None)

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

    async def press_data(self, message: BotMessage, data: str) -> int:
        """Send a callback query with arbitrary data for ``message``."""
        if message.deleted:
            raise LookupError(f"message {describe(message)} was deleted")
        query_id = self.emulator.next_callback_query_id()
        query = objects.callback_query_json(
            query_id=query_id, sender=self.user, message=message.as_telegram(), data=data
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
