"""Engine creation and the two kinds of transactions the application uses."""

import asyncio
import sqlite3
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.dialects.sqlite.aiosqlite import SQLiteDialect_aiosqlite
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from storage.sqlite_inline import InlineConnection, inline_creator

SQLITE_BUSY_TIMEOUT_MS = 10_000
_WRITE_OPTION = "shnor_write"


class Database:
    """Owns the engine; hands out read and write transactions.

    On SQLite, statements run in the event loop's thread (``storage.sqlite_inline``), so a
    writer must never wait for SQLite's lock there: write transactions of this process take
    turns on an asyncio lock, then begin with ``BEGIN IMMEDIATE`` (a deferred transaction that
    reads and then writes can fail at once with "database is locked" when a writer of another
    process got there first, whatever the busy timeout). Readers never wait in WAL mode.
    PostgreSQL needs no such care.
    """

    def __init__(self, url: str, *, echo: bool = False, **engine_options: Any) -> None:
        self.url = url
        self.engine_options = engine_options  # (another process opens the same database)
        self.engine: AsyncEngine = _create_engine(url, echo=echo, **engine_options)
        self._writers_take_turns = self.engine.dialect.name == "sqlite"
        self._turns: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncConnection]:
        async with self.engine.connect() as conn, conn.begin():
            yield conn

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncConnection]:
        if not self._writers_take_turns:
            async with self._write_transaction() as conn:
                yield conn
            return
        async with self._turn(), self._write_transaction() as conn:
            yield conn

    @asynccontextmanager
    async def _write_transaction(self) -> AsyncIterator[AsyncConnection]:
        async with self.engine.connect() as conn:
            await conn.execution_options(**{_WRITE_OPTION: True})
            async with conn.begin():
                yield conn

    def _turn(self) -> asyncio.Lock:
        # One lock per event loop: a lock belongs to the loop it was first used in.
        loop = asyncio.get_running_loop()
        lock = self._turns.get(loop)
        if lock is None:
            lock = self._turns[loop] = asyncio.Lock()
        return lock

    async def close(self) -> None:
        await self.engine.dispose()


def _create_engine(url: str, *, echo: bool, **options: Any) -> AsyncEngine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_async_engine(url, echo=echo, pool_pre_ping=True, **options)

    path = parsed.database or ":memory:"
    if path != ":memory:" and not path.startswith("file:"):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    # What sqlite3.connect gets from the URL, read as SQLAlchemy's own SQLite dialect reads it.
    arguments, connect_options = SQLiteDialect_aiosqlite().create_connect_args(parsed)
    options.setdefault("async_creator", inline_creator(arguments, connect_options))
    engine = create_async_engine(url, echo=echo, **options)

    @event.listens_for(engine.sync_engine, "connect")
    def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
        # The connection leaves transaction control to SQLAlchemy's "begin" event below.
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get(_WRITE_OPTION, False)
        statement = "BEGIN IMMEDIATE" if immediate else "BEGIN"
        driver = conn.connection.driver_connection
        if not isinstance(driver, InlineConnection):  # made by a creator of the caller's
            conn.exec_driver_sql(statement)
            return
        try:
            driver.begin(statement)
        except sqlite3.Error as error:
            # As SQLAlchemy would raise it ("database is locked" is an OperationalError): this
            # event runs outside its error handling.
            raise DBAPIError.instance(statement, (), error, sqlite3.Error) from error

    return engine
