"""Builders of Telegram JSON objects in the shape the Bot API returns them."""

from __future__ import annotations

import time
from typing import Any

from .files import UploadedFile
from .markup import utf16_len


def now() -> int:
    """Unix time as Telegram puts it into ``date`` fields."""
    return int(time.time())


def user_json(
    user_id: int,
    first_name: str,
    *,
    last_name: str | None = None,
    username: str | None = None,
    language_code: str | None = None,
    is_bot: bool = False,
) -> dict[str, Any]:
    user: dict[str, Any] = {"id": user_id, "is_bot": is_bot, "first_name": first_name}
    if last_name is not None:
        user["last_name"] = last_name
    if username is not None:
        user["username"] = username
    if language_code is not None:
        user["language_code"] = language_code
    return user


def bot_me_json(bot_id: int, first_name: str, username: str) -> dict[str, Any]:
    """The answer of ``getMe``."""
    return {
        **user_json(bot_id, first_name, username=username, is_bot=True),
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


def private_chat_json(user: dict[str, Any]) -> dict[str, Any]:
    """The private chat with ``user`` (a User object)."""
    chat: dict[str, Any] = {"id": user["id"], "type": "private"}
    for key in ("first_name", "last_name", "username"):
        if key in user:
            chat[key] = user[key]
    return chat


def group_chat_json(chat_id: int, title: str) -> dict[str, Any]:
    """A basic group (negative id)."""
    return {"id": chat_id, "type": "group", "title": title}


def supergroup_chat_json(
    chat_id: int, title: str, *, username: str | None = None, is_forum: bool = False
) -> dict[str, Any]:
    """A supergroup (id ``-100...``); ``is_forum`` only appears when true, as Telegram sends it."""
    chat: dict[str, Any] = {"id": chat_id, "type": "supergroup", "title": title}
    if username is not None:
        chat["username"] = username
    if is_forum:
        chat["is_forum"] = True
    return chat


def channel_chat_json(chat_id: int, title: str, *, username: str | None = None) -> dict[str, Any]:
    """A channel (id ``-100...``)."""
    chat: dict[str, Any] = {"id": chat_id, "type": "channel", "title": title}
    if username is not None:
        chat["username"] = username
    return chat


# The user Telegram puts into ``from`` of messages an anonymous group administrator sends.
GROUP_ANONYMOUS_BOT: dict[str, Any] = {
    "id": 1087968824,
    "is_bot": True,
    "first_name": "Group",
    "username": "GroupAnonymousBot",
}


def default_chat_json(chat_id: int) -> dict[str, Any]:
    """A chat nobody described: private for positive ids, a group otherwise."""
    if chat_id > 0:
        return {"id": chat_id, "type": "private"}
    kind = "supergroup" if chat_id <= -1_000_000_000_000 else "group"
    return {"id": chat_id, "type": kind, "title": f"Chat {chat_id}"}


def message_json(
    *,
    message_id: int,
    chat: dict[str, Any],
    sender: dict[str, Any] | None,
    date: int | None = None,
    **content: Any,
) -> dict[str, Any]:
    """A Message; ``content`` holds text/document/photo/... fields, ``None`` values dropped.

    ``sender`` is the ``from`` User; ``None`` for channel posts, which carry ``sender_chat``.
    """
    message: dict[str, Any] = {
        "message_id": message_id,
        "date": now() if date is None else date,
        "chat": chat,
    }
    if sender is not None:
        message["from"] = sender
    message.update({key: value for key, value in content.items() if value is not None})
    return message


def command_entities(text: str) -> list[dict[str, Any]]:
    """A ``bot_command`` entity for a text starting with ``/`` (command up to the first space)."""
    if not text.startswith("/"):
        return []
    command = text.split(maxsplit=1)[0]
    return [{"type": "bot_command", "offset": 0, "length": utf16_len(command)}]


def document_json(file: UploadedFile) -> dict[str, Any]:
    document: dict[str, Any] = {
        "file_id": file.file_id,
        "file_unique_id": file.file_unique_id,
        "file_size": file.size,
    }
    if file.file_name is not None:
        document["file_name"] = file.file_name
    if file.mime_type is not None:
        document["mime_type"] = file.mime_type
    return document


def photo_size_json(file: UploadedFile, width: int, height: int) -> dict[str, Any]:
    return {
        "file_id": file.file_id,
        "file_unique_id": file.file_unique_id,
        "width": width,
        "height": height,
        "file_size": file.size,
    }


def sticker_json(file: UploadedFile, emoji: str) -> dict[str, Any]:
    return {
        "file_id": file.file_id,
        "file_unique_id": file.file_unique_id,
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
        "emoji": emoji,
        "file_size": file.size,
    }


def voice_json(file: UploadedFile, duration: int) -> dict[str, Any]:
    return {
        "file_id": file.file_id,
        "file_unique_id": file.file_unique_id,
        "duration": duration,
        "mime_type": file.mime_type or "audio/ogg",
        "file_size": file.size,
    }


def location_json(latitude: float, longitude: float) -> dict[str, Any]:
    return {"latitude": latitude, "longitude": longitude}


def contact_json(
    phone_number: str, first_name: str, *, user_id: int | None = None
) -> dict[str, Any]:
    contact: dict[str, Any] = {"phone_number": phone_number, "first_name": first_name}
    if user_id is not None:
        contact["user_id"] = user_id
    return contact


def dice_json(emoji: str, value: int) -> dict[str, Any]:
    return {"emoji": emoji, "value": value}


def inaccessible_message_json(chat: dict[str, Any], message_id: int) -> dict[str, Any]:
    """An InaccessibleMessage: what a callback query carries for a message the bot can no
    longer see (``date`` is always 0)."""
    return {"chat": chat, "message_id": message_id, "date": 0}


def file_json(file: UploadedFile, file_path: str) -> dict[str, Any]:
    """The answer of ``getFile``."""
    return {
        "file_id": file.file_id,
        "file_unique_id": file.file_unique_id,
        "file_size": file.size,
        "file_path": file_path,
    }


def callback_query_json(
    *,
    query_id: str,
    sender: dict[str, Any],
    message: dict[str, Any],
    data: str,
) -> dict[str, Any]:
    return {
        "id": query_id,
        "from": sender,
        "message": message,
        "chat_instance": chat_instance(int(message["chat"]["id"])),
        "data": data,
    }


def chat_instance(chat_id: int) -> str:
    """A stable stand-in for Telegram's opaque per-chat ``chat_instance``."""
    return str(abs(chat_id) * 2654435761 % 10**19)
