"""The conversation-test harness: the real bot, polling the fake Bot API over HTTP.

A test acts as Telegram users (``harness.user(...)``), and reads what the bot sent through the
emulator. By default the bot handles updates one at a time (``handle_as_tasks=False``), so once
the emulator has seen an update confirmed, everything it caused has happened: tests are exact
without sleeping. ``concurrent=True`` runs handlers as tasks, the way production does.
"""

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from aiogram import BaseMiddleware, Bot, Dispatcher
from aiogram.types import TelegramObject

from bot.app import build_app
from bot.config import Settings
from botapi_emulator import BotAPIEmulator, FakeUser
from core.clock import ManualClock
from core.forms.models import FormDefinition
from storage import Database

TEST_TOKEN = "123456789:TEST-token-for-the-fake-bot-api-server"
ADMIN_TELEGRAM_ID = 900


class InFlight(BaseMiddleware):
    """Counts updates being handled, so a concurrent run can be drained before it stops."""

    def __init__(self) -> None:
        self.count = 0
        self.idle = asyncio.Event()
        self.idle.set()

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        self.count += 1
        self.idle.clear()
        try:
            return await handler(event, data)
        finally:
            self.count -= 1
            if self.count == 0:
                self.idle.set()


def test_settings(database: Database, api_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "bot_token": TEST_TOKEN,
        "database_url": database.url,
        "telegram_api_url": api_url,
        "admin_ids": frozenset({ADMIN_TELEGRAM_ID}),
    }
    return Settings(_env_file=None, **(values | overrides))


class BotHarness:
    def __init__(
        self,
        emulator: BotAPIEmulator,
        database: Database,
        *,
        concurrent: bool = False,
        clock: ManualClock | None = None,
        extra_forms: Mapping[str, FormDefinition] | None = None,
        **settings: Any,
    ) -> None:
        self.extra_forms = extra_forms
        self.emulator = emulator
        self.database = database
        self.concurrent = concurrent
        # Conversation tests read and move this clock, never the wall clock.
        self.clock = clock or ManualClock()
        self.settings = test_settings(database, emulator.base_url, **settings)
        self.bot: Bot | None = None
        self.dispatcher: Dispatcher | None = None
        self._in_flight = InFlight()
        self._polling: asyncio.Task[None] | None = None
        self._last_update_id = 0

    def user(self, telegram_id: int, first_name: str = "Иван", **details: Any) -> FakeUser:
        return FakeUser(self.emulator, telegram_id, first_name=first_name, **details)

    async def start(self) -> None:
        # Small retry waits: tests inject 5xx and do not want to sleep a second on each.
        self.app = await build_app(
            self.settings,
            self.database,
            token=TEST_TOKEN,
            clock=self.clock,
            extra_forms=self.extra_forms,
            retry_options={"server_error_backoff": 0.01},
            sender_options={"server_error_backoff": 0.01},
        )
        self.bot = self.app.bot
        self.catalog = self.app.catalog
        self.deliver = self.app.deliver
        self.dispatcher = self.app.dispatcher
        self.dispatcher.update.outer_middleware(self._in_flight)
        started = asyncio.Event()
        self.dispatcher.startup.register(started.set)
        self._polling = asyncio.create_task(
            self.app.poll(
                handle_signals=False,
                close_bot_session=False,
                handle_as_tasks=self.concurrent,
                polling_timeout=1,
            )
        )
        await asyncio.wait_for(started.wait(), timeout=10)

    async def settle(self, wait_at_most: float = 10.0) -> None:
        """Wait until every update sent so far has been handled completely."""
        last_update_id = self.emulator.last_update_id
        if last_update_id:
            await self.emulator.wait_processed(last_update_id, timeout=wait_at_most)
        await asyncio.wait_for(self._in_flight.idle.wait(), timeout=wait_at_most)

    async def stop(self) -> None:
        """Drain handlers still running (stop_polling does not wait for them), then stop."""
        if self._polling is None or self.dispatcher is None or self.bot is None:
            return
        await self.settle()
        if not self._polling.done():
            await self.dispatcher.stop_polling()
        await self._polling
        await self.app.close()
        self._polling = None

    async def restart(self) -> None:
        """A new dispatcher and bot on the same database, as after a process restart."""
        await self.stop()
        self._in_flight = InFlight()
        await self.start()
