"""Per-chat logs of the messages the bot sent, kept current as the bot edits or deletes them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from . import objects
from .files import UploadedFile
from .waiting import Notifier


@dataclass
class Button:
    """One inline keyboard button."""

    text: str
    callback_data: str | None
    url: str | None


def inline_keyboard(markup: dict[str, Any] | None) -> dict[str, Any] | None:
    """``markup`` if it is an inline keyboard (the only kind a Message carries), else ``None``."""
    if markup is not None and "inline_keyboard" in markup:
        return markup
    return None


@dataclass
class BotMessage:
    """A message the bot sent; edits and deletion are applied in place."""

    message_id: int
    chat_id: int
    method: str
    text: str | None  # text or caption, exactly as sent (markup included)
    parse_mode: str | None
    reply_markup: dict[str, Any] | None  # raw JSON as sent (any keyboard kind)
    document: UploadedFile | None = None
    photo: UploadedFile | None = None  # sendPhoto: the largest size
    edited: bool = False
    deleted: bool = False
    date: int = field(default_factory=objects.now)
    edit_date: int | None = None
    plain_text: str | None = None  # text as Telegram shows it (HTML parsed)
    entities: list[dict[str, Any]] = field(default_factory=list)
    chat: dict[str, Any] = field(default_factory=dict, repr=False)
    sender: dict[str, Any] = field(default_factory=dict, repr=False)
    # Inline keyboards the message showed before edits replaced them, oldest first: a slow
    # client can still press those buttons.
    earlier_markups: list[dict[str, Any]] = field(default_factory=list, repr=False)
    planted: bool = False  # put there by a test (``plant_message``), not sent by the bot

    @property
    def chat_type(self) -> str:
        """``private``, ``group``, ``supergroup`` or ``channel``."""
        return str((self.chat or objects.default_chat_json(self.chat_id)).get("type", ""))

    @property
    def callback_data_ever(self) -> list[str]:
        """Every callback_data this message has shown, earlier keyboards first, no repeats."""
        seen: list[str] = []
        keyboards = [*self.earlier_markups, self.reply_markup]
        for markup in keyboards:
            keyboard = inline_keyboard(markup)
            for row in keyboard["inline_keyboard"] if keyboard else ():
                for button in row:
                    data = button.get("callback_data")
                    if isinstance(data, str) and data not in seen:
                        seen.append(data)
        return seen

    def replace_markup(self, markup: dict[str, Any] | None) -> None:
        """Show ``markup`` from now on, remembering the keyboard it replaces."""
        current = inline_keyboard(self.reply_markup)
        if current is not None and current != inline_keyboard(markup):
            self.earlier_markups.append(current)
        self.reply_markup = inline_keyboard(markup)

    @property
    def buttons(self) -> list[list[Button]]:
        """Inline keyboard rows; ``[]`` when the message has none."""
        keyboard = inline_keyboard(self.reply_markup)
        if keyboard is None:
            return []
        return [
            [
                Button(
                    text=str(button.get("text", "")),
                    callback_data=button.get("callback_data"),
                    url=button.get("url"),
                )
                for button in row
            ]
            for row in keyboard["inline_keyboard"]
        ]

    @property
    def button_texts(self) -> list[str]:
        return [button.text for row in self.buttons for button in row]

    def button(self, text: str) -> Button:
        """The inline button with exactly this text; ``LookupError`` lists the available ones."""
        for row in self.buttons:
            for button in row:
                if button.text == text:
                    return button
        raise LookupError(
            f"no button {text!r} in message {self.message_id}; available: {self.button_texts}"
        )

    def as_telegram(self) -> dict[str, Any]:
        """The Message JSON as Telegram would return it now."""
        shown = self.plain_text if self.plain_text is not None else self.text
        entities = self.entities or None
        content: dict[str, Any]
        if self.document is not None:
            content = {
                "document": objects.document_json(self.document),
                "caption": shown,
                "caption_entities": entities,
            }
        elif self.photo is not None:
            content = {
                "photo": [objects.photo_size_json(self.photo, 800, 600)],
                "caption": shown,
                "caption_entities": entities,
            }
        else:
            content = {"text": shown, "entities": entities}
        return objects.message_json(
            message_id=self.message_id,
            chat=self.chat or objects.default_chat_json(self.chat_id),
            sender=self.sender,
            date=self.date,
            edit_date=self.edit_date,
            reply_markup=inline_keyboard(self.reply_markup),
            **content,
        )


MessageEvent = Literal["sent", "edited", "deleted"]
MessageListener = Callable[[MessageEvent, BotMessage], None]


class ChatStore:
    """Chats, their message id counters and the bot's messages in them."""

    def __init__(self) -> None:
        self._chats: dict[int, dict[str, Any]] = {}
        self._last_message_id: defaultdict[int, int] = defaultdict(int)
        self._messages: defaultdict[int, list[BotMessage]] = defaultdict(list)
        self._in_order: list[BotMessage] = []  # every chat's messages, in send order
        self._changed = Notifier()
        self._listeners: list[MessageListener] = []

    def register_chat(self, chat: dict[str, Any]) -> None:
        """Describe a chat (a Chat object) so messages in it carry these details."""
        self._chats[int(chat["id"])] = chat

    def known_chat(self, chat_id: int) -> dict[str, Any] | None:
        """The registered description of the chat, if any."""
        return self._chats.get(chat_id)

    def chat_json(self, chat_id: int) -> dict[str, Any]:
        return self._chats.get(chat_id) or objects.default_chat_json(chat_id)

    def next_message_id(self, chat_id: int) -> int:
        """Allocate a message id; one counter per chat for both the bot and the users."""
        self._last_message_id[chat_id] += 1
        return self._last_message_id[chat_id]

    def add_listener(self, listener: MessageListener) -> None:
        self._listeners.append(listener)

    def add(self, message: BotMessage, *, announce: bool = True) -> None:
        self._messages[message.chat_id].append(message)
        self._in_order.append(message)
        if announce:
            self.touch("sent", message)

    def touch(self, event: MessageEvent, message: BotMessage) -> None:
        """Announce that ``message`` was sent, edited or deleted."""
        self._changed.notify()
        for listener in list(self._listeners):
            listener(event, message)

    def find(self, chat_id: int, message_id: int) -> BotMessage | None:
        """The bot's message with this id unless it was deleted."""
        for message in self._messages.get(chat_id, ()):
            if message.message_id == message_id and not message.deleted:
                return message
        return None

    def messages(self, chat_id: int) -> list[BotMessage]:
        return list(self._messages.get(chat_id, ()))

    def all_messages(self) -> list[BotMessage]:
        """Every message in every chat, in the order they were sent."""
        return list(self._in_order)

    async def wait_message(self, chat_id: int, index: int, seconds: float) -> BotMessage:
        """The ``index``-th bot message in the chat, waiting for it to be sent."""
        if not await self._changed.wait_until(
            lambda: len(self._messages.get(chat_id, ())) > index, seconds
        ):
            sent = [describe(message) for message in self.messages(chat_id)]
            raise TimeoutError(
                f"chat {chat_id}: no bot message #{index} within {seconds:g}s; "
                f"{len(sent)} sent so far: {sent}"
            )
        return self._messages[chat_id][index]


def describe(message: BotMessage) -> str:
    """A short human-readable summary for error messages."""
    text = message.text if message.text is not None else ""
    if len(text) > 60:
        text = text[:57] + "..."
    flags = "".join(
        mark for mark, on in ((" (edited)", message.edited), (" (deleted)", message.deleted)) if on
    )
    return f"#{message.message_id} {message.method} {text!r}{flags}"
