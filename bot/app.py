"""The one app factory: bots, sender, dispatcher and scheduler, built the same way for ``run``,
the demo, the conversation tests and the benchmarks.

Handler data keys available to every handler (the whole list):
- ``settings``: ``bot.config.Settings``
- ``database``: ``storage.Database``
- ``catalog``: ``core.questionnaires.FormCatalog``, the questionnaires
- ``deliver``: ``core.reminders.Deliver``, the one rate-limited way out for reminders and
  nudges (shared with the scheduler, so together they stay under Telegram's limit)
- ``clock``: ``core.clock.Clock``, what time it is (handlers never read the wall clock)
- ``actor``: ``core.actors.Actor``, the person behind the update (from ``ActorMiddleware``)
plus aiogram's own (``state``, ``bot``, ``event_from_user``, ...), and in the questionnaire router
only, ``screen`` (``bot.handlers.questionnaire.screen.Screen``).
"""

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.fsm.storage.base import BaseEventIsolation
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.catalog import prepare
from bot.commands import MENU
from bot.config import Settings
from bot.delivery.reminders import telegram_delivery
from bot.delivery.sender import Sender
from bot.fsm import DatabaseFSMStorage
from bot.handlers import build_routers
from bot.handlers.errors import register_error_handlers
from bot.isolation import events_isolation as isolation_for
from bot.middlewares import ActorMiddleware, PrivateChatsOnly
from bot.scheduler import ReminderRuntime, start_scheduler, stop_scheduler
from bot.telegram import create_bot
from core.clock import Clock, system_clock
from core.forms.models import FormDefinition
from core.questionnaires import FormCatalog
from core.reminders import Deliver
from storage import Database

log = logging.getLogger(__name__)

# Groups and channels are listened to only to tell them the bot works in private chats.
ALLOWED_UPDATES = [
    "message",
    "edited_message",
    "callback_query",
    "channel_post",
    "my_chat_member",
]


def create_dispatcher(
    settings: Settings,
    database: Database,
    catalog: FormCatalog,
    deliver: Deliver,
    *,
    clock: Clock = system_clock,
    events_isolation: BaseEventIsolation | None = None,
) -> Dispatcher:
    # Isolation handles one update per chat at a time, so a double tap cannot race itself,
    # across replicas too on PostgreSQL (bot.isolation).
    dispatcher = Dispatcher(
        storage=DatabaseFSMStorage(database),
        events_isolation=events_isolation or isolation_for(database),
        settings=settings,
        database=database,
        catalog=catalog,
        deliver=deliver,
        clock=clock,
    )
    # Outer middlewares run in this order: a group's update stops before anything is read.
    dispatcher.update.outer_middleware(PrivateChatsOnly())
    dispatcher.update.outer_middleware(ActorMiddleware(database, settings.admin_ids))
    dispatcher.include_routers(*build_routers())
    register_error_handlers(dispatcher)
    dispatcher.startup.register(_on_startup)
    return dispatcher


async def _on_startup(bot: Bot) -> None:
    await bot.set_my_commands(MENU)
    log.info("command menu registered")


@dataclass
class App:
    settings: Settings
    database: Database
    catalog: FormCatalog
    clock: Clock
    bot: Bot  # handlers' session: retries 429 and 5xx
    sending_bot: Bot  # a bare session for the sender, which paces and retries by itself
    sender: Sender
    deliver: Deliver
    dispatcher: Dispatcher

    @property
    def runtime(self) -> ReminderRuntime:
        return ReminderRuntime(self.database, self.catalog, self.deliver, self.clock)

    def start_scheduler(self, key: str) -> AsyncIOScheduler:
        return start_scheduler(key, self.runtime, tick_seconds=self.settings.reminder_tick_seconds)

    async def stop_scheduler(self, key: str, scheduler: AsyncIOScheduler) -> None:
        await stop_scheduler(key, scheduler)

    async def poll(self, **options: Any) -> None:
        """Long-poll until stopped; ``options`` go to ``Dispatcher.start_polling``."""
        await self.dispatcher.start_polling(
            self.bot, **({"allowed_updates": ALLOWED_UPDATES} | options)
        )

    async def close(self) -> None:
        """Close both HTTP sessions and the update locks (the database belongs to the caller)."""
        await asyncio.gather(self.bot.session.close(), self.sending_bot.session.close())
        await self.dispatcher.fsm.events_isolation.close()


async def build_app(
    settings: Settings,
    database: Database,
    *,
    token: str,
    clock: Clock = system_clock,
    extra_forms: Mapping[str, FormDefinition] | None = None,
    events_isolation: BaseEventIsolation | None = None,
    retry_options: Mapping[str, Any] | None = None,
    sender_options: Mapping[str, Any] | None = None,
) -> App:
    """Migrate the database, load the questionnaires and wire everything to ``settings``.

    ``retry_options`` tune the handlers' retries (``bot.telegram.RetryMiddleware``) and
    ``sender_options`` the reminder sender (``bot.delivery.sender.Sender``); tests shorten waits.
    """
    catalog = await prepare(database, extra_forms)
    url = settings.telegram_api_url
    bot = create_bot(token, url, **(retry_options or {}))
    sending_bot = create_bot(token, url, retry=False)
    sender = Sender(
        sending_bot, **({"per_second": settings.reminder_rate} | dict(sender_options or {}))
    )
    deliver = telegram_delivery(sender)
    dispatcher = create_dispatcher(
        settings, database, catalog, deliver, clock=clock, events_isolation=events_isolation
    )
    return App(
        settings=settings,
        database=database,
        catalog=catalog,
        clock=clock,
        bot=bot,
        sending_bot=sending_bot,
        sender=sender,
        deliver=deliver,
        dispatcher=dispatcher,
    )
