"""/import and directory files sent to the bot by an administrator."""

from aiogram import Bot, F, Router
from aiogram.filters import Command, Filter
from aiogram.types import BufferedInputFile, Message

from bot.commands import Cmd
from bot.config import Settings
from bot.handlers.shared.files import accepted_document, download
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
        document = await accepted_document(
            message,
            ACCEPTED_SUFFIXES,
            MAX_FILE_BYTES,
            wrong_type=texts.IMPORT_WRONG_TYPE,
            too_large=texts.IMPORT_TOO_LARGE.format(megabytes=MAX_FILE_BYTES >> 20),
        )
        if document is None:
            return
        content = await download(bot, message.chat.id, document)
        report = await import_directory(
            database, [(document.file_name or "", content)], default_timezone=settings.timezone
        )
        await message.answer(format_report(report), parse_mode=None)

    return router
