"""Builds the Dispatcher: storage, middleware, routers, start-up hooks.

Handler data keys available to every handler (the whole list):
- ``settings``: ``bot.config.Settings``
- ``database``: ``storage.Database``
- ``catalog``: ``core.questionnaires.FormCatalog``, the questionnaires
- ``deliver``: ``core.reminders.Deliver``, the one rate-limited way out for reminders and
  nudges (shared with the scheduler, so together they stay under Telegram's limit)
- ``actor``: ``core.actors.Actor``, the person behind the update (from ``ActorMiddleware``)
plus aiogram's own (``state``, ``bot``, ``event_from_user``, ...), and in the questionnaire router
only, ``screen`` (``bot.handlers.questionnaire.Screen``).
"""

import logging

from aiogram import Bot, Dispatcher
from aiogram.fsm.storage.base import BaseEventIsolation
from aiogram.fsm.storage.memory import SimpleEventIsolation

from bot.commands import MENU
from bot.config import Settings
from bot.fsm import DatabaseFSMStorage
from bot.handlers import build_routers
from bot.handlers.errors import register_error_handlers
from bot.middlewares import ActorMiddleware
from core.questionnaires import FormCatalog
from core.reminders import Deliver
from storage import Database

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "callback_query"]


def create_dispatcher(
    settings: Settings,
    database: Database,
    catalog: FormCatalog,
    deliver: Deliver,
    *,
    events_isolation: BaseEventIsolation | None = None,
) -> Dispatcher:
    # Isolation handles one update per chat at a time, so a double tap cannot race itself.
    dispatcher = Dispatcher(
        storage=DatabaseFSMStorage(database),
        events_isolation=events_isolation or SimpleEventIsolation(),
        settings=settings,
        database=database,
        catalog=catalog,
        deliver=deliver,
    )
    dispatcher.update.outer_middleware(ActorMiddleware(database, settings.admin_ids))
    dispatcher.include_routers(*build_routers())
    register_error_handlers(dispatcher)
    dispatcher.startup.register(_on_startup)
    return dispatcher


async def _on_startup(bot: Bot) -> None:
    await bot.set_my_commands(MENU)
    log.info("command menu registered")
