"""Start-up checks: the token against the fake Bot API, and the database before a command."""

import asyncio
import logging
import os
import socket
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from aiogram.exceptions import ClientDecodeError, TelegramNetworkError

from bot.startup import (
    DatabaseMissing,
    DatabaseUnreachable,
    TokenRefused,
    check_token,
    require_existing_database,
    require_reachable_database,
)
from bot.telegram import create_bot
from botapi_emulator import BotAPIEmulator
from tests.harness import TEST_TOKEN


class FakeSleep:
    """Records the waits instead of waiting; ``on_wait`` runs on each, given the wait number."""

    def __init__(self, on_wait: Callable[[int], Awaitable[None]] | None = None) -> None:
        self.waits: list[float] = []
        self._on_wait = on_wait

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        if self._on_wait is not None:
            await self._on_wait(len(self.waits))


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (it was free a moment ago)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# -- the token -------------------------------------------------------------------------------


async def test_an_accepted_token_gives_the_bot_without_waiting(emulator: BotAPIEmulator) -> None:
    sleep = FakeSleep()
    async with create_bot(TEST_TOKEN, emulator.base_url) as bot:
        me = await check_token(bot, sleep=sleep)

    assert me.username == emulator.bot_username
    assert sleep.waits == []
    assert len(emulator.calls_of("getMe")) == 1


async def test_a_refused_token_raises_at_once_and_says_what_to_do(
    emulator: BotAPIEmulator,
) -> None:
    emulator.inject_error("getMe", status=401, times=None)
    sleep = FakeSleep()

    async with create_bot(TEST_TOKEN, emulator.base_url) as bot:
        with pytest.raises(TokenRefused) as refused:
            await check_token(bot, sleep=sleep, max_attempts=5)

    message = str(refused.value)
    assert "the token was refused by Telegram (401 Unauthorized)" in message
    assert "check BOT_TOKEN" in message
    assert "@BotFather" in message
    assert TEST_TOKEN not in message
    assert sleep.waits == []  # a wrong token does not get better by waiting
    assert len(emulator.calls_of("getMe")) == 1


async def test_a_network_that_comes_back_is_waited_for_with_backoff(
    caplog: pytest.LogCaptureFixture,
) -> None:
    port = closed_port()
    late = BotAPIEmulator()

    async def start_on_second_wait(wait: int) -> None:
        if wait == 2:
            await late.start(port=port)

    sleep = FakeSleep(start_on_second_wait)
    caplog.set_level(logging.INFO, logger="bot.startup")
    try:
        async with create_bot(TEST_TOKEN, f"http://127.0.0.1:{port}") as bot:
            me = await check_token(bot, sleep=sleep)
    finally:
        await late.stop()

    assert me.username == late.bot_username
    assert sleep.waits == [1, 2]
    warnings = [record for record in caplog.records if record.levelno == logging.WARNING]
    assert len(warnings) == 2
    assert "cannot reach the Telegram Bot API" in warnings[0].getMessage()
    assert "retrying in 1 s" in warnings[0].getMessage()
    assert "retrying in 2 s" in warnings[1].getMessage()
    assert all(record.exc_info is None for record in caplog.records)  # no traceback
    assert all(TEST_TOKEN not in record.getMessage() for record in caplog.records)
    assert len(late.calls_of("getMe")) == 1


async def test_the_backoff_doubles_up_to_a_minute() -> None:
    sleep = FakeSleep()
    async with create_bot(TEST_TOKEN, f"http://127.0.0.1:{closed_port()}") as bot:
        with pytest.raises(TelegramNetworkError):
            await check_token(bot, sleep=sleep, max_attempts=10)

    assert sleep.waits == [1, 2, 4, 8, 16, 32, 60, 60, 60]


async def test_server_errors_at_start_are_waited_out_too(emulator: BotAPIEmulator) -> None:
    emulator.inject_error("getMe", status=502, times=2)
    sleep = FakeSleep()

    async with create_bot(TEST_TOKEN, emulator.base_url, retry=False) as bot:
        me = await check_token(bot, sleep=sleep)

    assert me.id == emulator.bot_id
    assert sleep.waits == [1, 2]
    assert [call.status for call in emulator.calls_of("getMe")] == [502, 502, 200]


async def test_an_html_error_page_from_a_proxy_is_waited_out_too() -> None:
    """nginx in front of a Bot API server answers 502 with a web page, not JSON."""
    from aiohttp import web

    pages = 0

    async def proxy(request: web.Request) -> web.Response:
        nonlocal pages
        pages += 1
        return web.Response(status=502, text="<h1>502 Bad Gateway</h1>", content_type="text/html")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", proxy)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    sleep = FakeSleep()
    try:
        async with create_bot(TEST_TOKEN, f"http://127.0.0.1:{port}", retry=False) as bot:
            with pytest.raises(ClientDecodeError):
                await check_token(bot, sleep=sleep, max_attempts=3)
    finally:
        await runner.cleanup()
    assert pages == 3
    assert sleep.waits == [1, 2]


async def test_stopping_while_it_waits_is_not_swallowed() -> None:
    waiting = asyncio.Event()

    async def sleep_forever(_seconds: float) -> None:
        waiting.set()
        await asyncio.Event().wait()

    async with create_bot(TEST_TOKEN, f"http://127.0.0.1:{closed_port()}") as bot:
        task = asyncio.create_task(check_token(bot, sleep=sleep_forever))
        await asyncio.wait_for(waiting.wait(), timeout=10)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task


# -- the database ----------------------------------------------------------------------------


def test_a_missing_sqlite_file_is_refused_and_not_created(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "bot.sqlite3"

    with pytest.raises(DatabaseMissing) as missing:
        require_existing_database(f"sqlite+aiosqlite:///{path}")

    assert str(missing.value) == (
        f"no database at {path}: check DATABASE_URL (run `python -m bot migrate` to create one)"
    )
    assert not path.parent.exists()


def test_a_relative_sqlite_path_is_looked_up_from_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    url = "sqlite+aiosqlite:///data/bot.sqlite3"
    with pytest.raises(DatabaseMissing, match=str(tmp_path / "data" / "bot.sqlite3")):
        require_existing_database(url)

    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "bot.sqlite3").touch()
    require_existing_database(url)


def test_an_existing_sqlite_file_passes(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    path.touch()
    require_existing_database(f"sqlite+aiosqlite:///{path}")


@pytest.mark.parametrize(
    "url",
    [
        "sqlite+aiosqlite://",
        "sqlite+aiosqlite:///:memory:",
        "sqlite+aiosqlite:///file:shared?mode=memory&cache=shared&uri=true",
        "postgresql+asyncpg://user:secret@127.0.0.1:5432/nowhere",
    ],
)
def test_memory_and_server_databases_are_not_looked_for_on_disk(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    require_existing_database(url)
    assert os.listdir(tmp_path) == []


async def test_a_database_server_that_is_down_is_one_clear_error() -> None:
    url = f"postgresql+asyncpg://shnor:S3cretPassw0rd@127.0.0.1:{closed_port()}/shnor"

    with pytest.raises(DatabaseUnreachable) as unreachable:
        await require_reachable_database(url)

    message = str(unreachable.value)
    assert message.startswith("cannot connect to the database at postgresql+asyncpg://shnor:")
    assert "S3cretPassw0rd" not in message
    assert "check DATABASE_URL" in message
    assert "\n" not in message


async def test_sqlite_is_not_connected_to_by_the_reachability_check(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    await require_reachable_database(f"sqlite+aiosqlite:///{path}")
    assert not path.exists()
