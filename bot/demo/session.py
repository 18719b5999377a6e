"""One demo session: emulator, temporary database and the real dispatcher, polling in-process."""

import asyncio
from pathlib import Path
from types import TracebackType
from typing import Self

from aiogram import Bot, Dispatcher

from bot.app import ALLOWED_UPDATES, create_dispatcher
from bot.catalog import prepare
from bot.config import Settings
from bot.delivery.reminders import telegram_delivery
from bot.delivery.sender import Sender
from bot.demo.people import CAST, DemoPerson
from bot.demo.seed import seed_demo
from bot.telegram import create_bot
from botapi_emulator import BotAPIEmulator, BotMessage, FakeUser
from core.questionnaires import FormCatalog
from core.reminders import Deliver, TickReport, run_tick
from storage import Database
from storage.types import utcnow

DEMO_TOKEN = "123456789:DEMO-token-for-the-local-emulator-only"
REPLY_TIMEOUT = 30.0


class DemoSession:
    """The bot handles updates one at a time here, so "processed" means "fully answered"."""

    def __init__(self, settings: Settings, directory: Path) -> None:
        self._settings = settings.model_copy(
            update={
                "database_url": f"sqlite+aiosqlite:///{directory / 'demo.sqlite3'}",
                "admin_ids": frozenset(),
            }
        )
        self.emulator = BotAPIEmulator()
        self.database = Database(self._settings.database_url)
        self._users = {
            p.key: FakeUser(
                self.emulator, p.telegram_id, first_name=p.first_name, last_name=p.last_name
            )
            for p in CAST
        }
        self._bot: Bot | None = None
        self._sending_bot: Bot | None = None
        self._catalog: FormCatalog | None = None
        self._deliver: Deliver | None = None
        self._dispatcher: Dispatcher | None = None
        self._polling: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Self:
        await self.emulator.start()
        catalog = self._catalog = await prepare(self.database)
        await seed_demo(self.database, catalog)
        self._bot = create_bot(DEMO_TOKEN, self.emulator.base_url)
        self._sending_bot = create_bot(DEMO_TOKEN, self.emulator.base_url, retry=False)
        self._deliver = telegram_delivery(Sender(self._sending_bot))
        self._dispatcher = create_dispatcher(self._settings, self.database, catalog, self._deliver)
        self._polling = asyncio.create_task(
            self._dispatcher.start_polling(
                self._bot,
                handle_signals=False,
                close_bot_session=False,
                handle_as_tasks=False,
                polling_timeout=1,
                allowed_updates=ALLOWED_UPDATES,
            )
        )
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._dispatcher is not None and self._polling is not None:
            if not self._polling.done():
                await self._dispatcher.stop_polling()
            await self._polling
        for bot in (self._bot, self._sending_bot):
            if bot is not None:
                await bot.session.close()
        await self.emulator.stop()
        await self.database.close()

    def user(self, who: DemoPerson) -> FakeUser:
        return self._users[who.key]

    async def send(self, who: DemoPerson, text: str) -> None:
        update_id = await self.user(who).send(text)
        await self.emulator.wait_processed(update_id, timeout=REPLY_TIMEOUT)

    async def press(self, who: DemoPerson, message: BotMessage, button_text: str) -> None:
        update_id = await self.user(who).press(button_text, message=message)
        await self.emulator.wait_processed(update_id, timeout=REPLY_TIMEOUT)

    async def tick(self) -> TickReport:
        """One reminder tick now, as the scheduler would run it."""
        assert self._deliver is not None
        assert self._catalog is not None
        return await run_tick(self.database, self._catalog, self._deliver, now=utcnow())

    def messages(self, who: DemoPerson) -> list[BotMessage]:
        return self.emulator.messages(who.telegram_id)
