"""/file CODE: the bot sends a file a school uploaded as an answer (codes come from the export)."""

from html import escape

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from bot.commands import Cmd
from core.actors import Actor
from core.files import find_file
from storage import Database
from texts import export as texts


def build_router() -> Router:
    router = Router(name="files")

    @router.message(Command(Cmd.FILE))
    async def send_file(
        message: Message, command: CommandObject, actor: Actor, database: Database
    ) -> None:
        code = (command.args or "").strip()
        if not code:
            await message.answer(texts.FILE_USAGE)
            return
        found = await find_file(database, actor, code)
        if found is None:
            await message.answer(texts.FILE_NOT_FOUND.format(code=escape(code[:64])))
            return
        if found.kind == "photo":
            await message.answer_photo(found.file_id, caption=escape(found.name) or None)
        else:
            await message.answer_document(found.file_id)

    return router
