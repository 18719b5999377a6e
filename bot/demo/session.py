"""One demo session: emulator, temporary database and the real dispatcher, polling in-process."""

import asyncio
from pathlib import Path
from types import TracebackType
from typing import Self

from bot.app import App, build_app
from bot.config import Settings
from bot.demo.people import CAST, DemoPerson
from bot.demo.seed import seed_demo
from botapi_emulator import BotAPIEmulator, BotMessage, FakeUser
from core.reminders import TickReport, run_tick
from storage import Database

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
        self._app: App | None = None
        self._polling: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Self:
        await self.emulator.start()
        settings = self._settings.model_copy(update={"telegram_api_url": self.emulator.base_url})
        app = self._app = await build_app(settings, self.database, token=DEMO_TOKEN)
        await seed_demo(self.database, app.catalog)
        self._polling = asyncio.create_task(
            app.poll(
                handle_signals=False,
                close_bot_session=False,
                handle_as_tasks=False,
                polling_timeout=1,
            )
        )
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._app is not None:
            if self._polling is not None:
                if not self._polling.done():
                    await self._app.dispatcher.stop_polling()
                await self._polling
            await self._app.close()
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
        assert self._app is not None
        app = self._app
        return await run_tick(self.database, app.catalog, app.deliver, now=app.clock())

    def messages(self, who: DemoPerson) -> list[BotMessage]:
        return self.emulator.messages(who.telegram_id)
