"""/import and directory files sent to the bot by an administrator."""

import io

from aiogram import Bot, F, Router
from aiogram.filters import Command, Filter
from aiogram.types import BufferedInputFile, Message

from bot.commands import Cmd
from bot.config import Settings
from core.access import DEPLOYMENT, Action, allows
from core.actors import Actor
from core.directory_import import directory_template, format_report, import_directory
from storage import Database
from texts import directory as texts

MAX_FILE_BYTES = 10 * 1024 * 1024
ACCEPTED_SUFFIXES = (".xlsx", ".csv")


class MayImport(Filter):
    async def __call__(self, message: Message, actor: Actor) -> bool:
        return allows(actor, Action.IMPORT_DIRECTORY, DEPLOYMENT)


def build_router() -> Router:
    router = Router(name="directory")

    @router.message(Command(Cmd.IMPORT))
    async def explain_import(message: Message, actor: Actor) -> None:
        if not allows(actor, Action.IMPORT_DIRECTORY, DEPLOYMENT):
            await message.answer(texts.IMPORT_NOT_ALLOWED)
            return
        await message.answer_document(
            BufferedInputFile(directory_template(), filename=texts.TEMPLATE_FILE),
            caption=texts.IMPORT_HELP,
        )

    @router.message(F.document, MayImport())
    async def import_file(
        message: Message, bot: Bot, database: Database, settings: Settings
    ) -> None:
        document = message.document
        assert document is not None
        name = document.file_name or ""
        if not name.lower().endswith(ACCEPTED_SUFFIXES):
            await message.answer(texts.IMPORT_WRONG_TYPE)
            return
        if (document.file_size or 0) > MAX_FILE_BYTES:
            await message.answer(texts.IMPORT_TOO_LARGE.format(megabytes=MAX_FILE_BYTES >> 20))
            return
        await bot.send_chat_action(message.chat.id, "typing")
        buffer = io.BytesIO()
        await bot.download(document, destination=buffer)
        report = await import_directory(
            database, [(name, buffer.getvalue())], default_timezone=settings.timezone
        )
        await message.answer(format_report(report), parse_mode=None)

    return router
