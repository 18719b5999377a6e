"""``storage.database``: SQLite's statements run in the event loop's thread, so its writers
take turns on an asyncio lock instead of waiting for SQLite's lock with the loop held."""

import asyncio
import os
import sqlite3
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import StaticPool

import storage.database
from storage import Database
from tests.databases import sqlite_database

pytestmark = pytest.mark.asyncio


async def _table(database: Database) -> None:
    async with database.write() as conn:
        await conn.execute(text("CREATE TABLE counter (id INTEGER PRIMARY KEY, value INTEGER)"))
        await conn.execute(text("INSERT INTO counter VALUES (1, 0)"))


async def test_writers_take_turns_while_the_loop_goes_on(tmp_path: Path) -> None:
    """Twenty writers that each read, yield to the loop and write: none fails with "database is
    locked", no increment is lost, and the loop keeps running meanwhile."""
    async with sqlite_database(tmp_path) as database:
        await _table(database)
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.001)
                ticks += 1

        async def increment() -> None:
            async with database.write() as conn:
                value = (await conn.execute(text("SELECT value FROM counter"))).scalar_one()
                await asyncio.sleep(0.01)  # another task's turn, inside the transaction
                await conn.execute(text("UPDATE counter SET value = :v"), {"v": value + 1})

        ticking = asyncio.create_task(ticker())
        started = time.perf_counter()
        await asyncio.gather(*(increment() for _ in range(20)))
        elapsed = time.perf_counter() - started
        ticking.cancel()

        async with database.read() as conn:
            assert (await conn.execute(text("SELECT value FROM counter"))).scalar_one() == 20
        assert elapsed >= 20 * 0.01  # one at a time
        assert ticks >= 20  # the loop was never held while writers waited


async def test_a_reader_is_not_held_up_by_a_writer_in_progress(tmp_path: Path) -> None:
    async with sqlite_database(tmp_path) as database:
        await _table(database)
        inside = asyncio.Event()
        finish = asyncio.Event()

        async def slow_writer() -> None:
            async with database.write() as conn:
                await conn.execute(text("UPDATE counter SET value = 7"))
                inside.set()
                await finish.wait()

        writing = asyncio.create_task(slow_writer())
        await inside.wait()
        async with asyncio.timeout(2), database.read() as conn:
            # WAL: the reader sees the last committed value, not the writer's.
            assert (await conn.execute(text("SELECT value FROM counter"))).scalar_one() == 0
        finish.set()
        await writing
        async with database.read() as conn:
            assert (await conn.execute(text("SELECT value FROM counter"))).scalar_one() == 7


async def test_a_writer_of_another_process_is_reported_as_sqlalchemy_reports_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """BEGIN runs past SQLAlchemy's statement machinery; its failure still comes out as
    SQLAlchemy's ``OperationalError``, which callers (the claims' heartbeat) catch."""
    monkeypatch.setattr(storage.database, "SQLITE_BUSY_TIMEOUT_MS", 50)
    async with sqlite_database(tmp_path) as database:
        await _table(database)
        other = sqlite3.connect(tmp_path / "test.sqlite3", isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            with pytest.raises(OperationalError, match="database is locked"):
                async with database.write() as conn:
                    await conn.execute(text("UPDATE counter SET value = 1"))
        finally:
            other.execute("ROLLBACK")
            other.close()
        async with database.write() as conn:  # and the connection is fine afterwards
            await conn.execute(text("UPDATE counter SET value = 2"))


async def test_a_url_s_options_reach_sqlite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A shared in-memory database named by a URI stays in memory (no file appears)."""
    monkeypatch.chdir(tmp_path)
    url = "sqlite+aiosqlite:///file:shnor?mode=memory&cache=shared&uri=true"
    database = Database(url, poolclass=StaticPool)
    try:
        await _table(database)
        async with database.read() as conn:
            assert (await conn.execute(text("SELECT value FROM counter"))).scalar_one() == 0
    finally:
        await database.close()
    assert not os.listdir(tmp_path)
