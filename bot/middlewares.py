"""The one outer middleware: resolves who sent the update before any handler runs."""

from collections.abc import Awaitable, Callable, Collection
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, User

from core.actors import note_contact, resolve_actor
from storage import Database


class ActorMiddleware(BaseMiddleware):
    """Puts ``actor`` (``core.actors.Actor``) into the handler data of every update, and
    clears an "unreachable" mark: a person who writes to the bot no longer blocks it."""

    def __init__(self, database: Database, admin_ids: Collection[int]) -> None:
        self._database = database
        self._admin_ids = admin_ids

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        sender: User | None = data.get("event_from_user")
        if sender is not None and not sender.is_bot:
            actor = await resolve_actor(self._database, sender.id, self._admin_ids)
            await note_contact(self._database, actor)
            data["actor"] = actor
        return await handler(event, data)
