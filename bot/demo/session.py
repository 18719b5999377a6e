"""One demo session: emulator, temporary database and the real dispatcher, polling in-process."""

import asyncio
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from bot.app import App, build_app
from bot.config import Settings
from bot.demo.people import CAST, DemoPerson
from bot.demo.seed import DEMO_PLAN_HOURS, seed_demo
from botapi_emulator import BotAPIEmulator, BotMessage, FakeUser
from core.reminders import TickReport, run_tick
from storage import Database

DEMO_TOKEN = "123456789:DEMO-token-for-the-local-emulator-only"
REPLY_TIMEOUT = 30.0
# getUpdates asks the emulator to hold a poll this long (seconds); aiogram then gives the request
# ``request_timeout + polling_timeout`` (whole seconds) before it calls the poll failed.
POLLING_TIMEOUT = 1
REQUEST_TIMEOUT = 60.0
MIN_REQUEST_TIMEOUT = 1.0  # below this, aiogram's int() would cut the margin over the long poll


class DemoSession:
    """The bot handles updates one at a time here, so "processed" means "fully answered"."""

    def __init__(
        self,
        settings: Settings,
        directory: Path,
        *,
        polling_timeout: int = POLLING_TIMEOUT,
        request_timeout: float = REQUEST_TIMEOUT,
    ) -> None:
        if request_timeout < MIN_REQUEST_TIMEOUT:
            raise ValueError(f"request_timeout must be at least {MIN_REQUEST_TIMEOUT:g} s")
        # The emulator answers a poll after ``polling_timeout``; the client waits for it
        # ``int(request_timeout + polling_timeout)`` >= ``polling_timeout + 1``: they agree.
        self.polling_timeout = polling_timeout
        self.request_timeout = request_timeout
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
        app = self._app = await build_app(
            settings,
            self.database,
            token=DEMO_TOKEN,
            retry_options={"request_timeout": self.request_timeout},
        )
        await seed_demo(self.database, app.catalog)
        self._polling = asyncio.create_task(
            app.poll(
                handle_signals=False,
                close_bot_session=False,
                handle_as_tasks=False,
                polling_timeout=self.polling_timeout,
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

    async def send_file(self, who: DemoPerson, name: str, content: bytes) -> None:
        update_id = await self.user(who).send_document(name, content)
        await self.emulator.wait_processed(update_id, timeout=REPLY_TIMEOUT)

    async def press(
        self, who: DemoPerson, message: BotMessage, button_text: str
    ) -> dict[str, Any] | None:
        """Press the button; returns the bot's answerCallbackQuery (an alert or a toast)."""
        user = self.user(who)
        update_id = await user.press(button_text, message=message)
        await self.emulator.wait_processed(update_id, timeout=REPLY_TIMEOUT)
        return user.callback_answer(update_id)

    async def tick(self) -> TickReport:
        """One reminder tick now, as the scheduler would run it."""
        assert self._app is not None
        app = self._app
        return await run_tick(
            self.database, app.catalog, app.deliver, now=app.clock(), plan_hours=DEMO_PLAN_HOURS
        )

    def messages(self, who: DemoPerson) -> list[BotMessage]:
        return self.emulator.messages(who.telegram_id)
