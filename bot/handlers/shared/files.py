"""A workbook or document a person sends in an upload step: checked by its name and by the size
Telegram states before anything is downloaded, then downloaded whole."""

import io

from aiogram import Bot
from aiogram.types import Document, Message


async def accepted_document(
    message: Message,
    suffixes: tuple[str, ...],
    max_bytes: int,
    *,
    wrong_type: str,
    too_large: str,
) -> Document | None:
    """The message's document, or None once the person was told why not (``wrong_type``,
    ``too_large``: the step keeps waiting, the next file is a second chance)."""
    document = message.document
    assert document is not None  # the handlers that call this filter on F.document
    if not (document.file_name or "").lower().endswith(suffixes):
        await message.answer(wrong_type)
        return None
    if (document.file_size or 0) > max_bytes:
        await message.answer(too_large)
        return None
    return document


async def download(bot: Bot, chat_id: int, file: str | Document) -> bytes:
    """The file's bytes (a document or a Telegram file id), "typing…" shown meanwhile."""
    await bot.send_chat_action(chat_id, "typing")
    buffer = io.BytesIO()
    await bot.download(file, destination=buffer)
    return buffer.getvalue()
