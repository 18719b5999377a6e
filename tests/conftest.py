from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from botapi_emulator import BotAPIEmulator
from storage import Database
from storage.migrate import upgrade
from tests.databases import open_database
from tests.harness import BotHarness

DATABASE_KINDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=DATABASE_KINDS)
async def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """A database with no tables, on each backend."""
    async with open_database(request.param, tmp_path) as database:
        yield database


@pytest.fixture(params=DATABASE_KINDS)
async def database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """A migrated database, on each backend."""
    async with open_database(request.param, tmp_path) as database:
        await upgrade(database)
        yield database


@pytest.fixture
async def sqlite_db(tmp_path: Path) -> AsyncIterator[Database]:
    """A migrated SQLite database, for tests whose subject is not storage."""
    async with open_database("sqlite", tmp_path) as database:
        await upgrade(database)
        yield database


@pytest.fixture
async def emulator() -> AsyncIterator[BotAPIEmulator]:
    async with BotAPIEmulator() as running:
        yield running


@pytest.fixture
async def harness(emulator: BotAPIEmulator, sqlite_db: Database) -> AsyncIterator[BotHarness]:
    """The real bot polling the fake Bot API, on a migrated SQLite database."""
    running = BotHarness(emulator, sqlite_db)
    await running.start()
    yield running
    await running.stop()


@pytest.fixture
async def harness_each_db(
    emulator: BotAPIEmulator, database: Database
) -> AsyncIterator[BotHarness]:
    """Like ``harness``, on SQLite and on PostgreSQL."""
    running = BotHarness(emulator, database)
    await running.start()
    yield running
    await running.stop()
