"""SQLite for SQLAlchemy's asyncio engine without a thread per connection.

``aiosqlite`` runs every call (begin, execute, fetch, commit) in a worker thread and wakes the
event loop for each result: measured here, a one-statement read transaction cost 2.5 ms of CPU,
against 0.5 ms inline (SQLAlchemy's own work), while SQLite itself answers the bot's small
indexed queries in tens of microseconds. This module gives SQLAlchemy's ``aiosqlite`` adapter a
connection with the same interface whose calls run at once in the caller's thread
(``async_creator``), so a statement costs what SQLite and SQLAlchemy cost.

Running inline, a statement that waited for SQLite's write lock would hold the whole event loop
(and the writer it waits for could never finish). ``storage.database.Database`` therefore lets
one write transaction of a process run at a time, queued on an asyncio lock before it begins,
and readers never wait in WAL mode. A writer of another process (a command-line import while the
bot runs) can still make a writer here wait, up to the busy timeout, with the loop held.

Not supported: changing a connection's isolation level through SQLAlchemy (the adapter reaches
into aiosqlite's thread for it); nothing here does.
"""

import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Self


class InlineCursor:
    """The part of ``aiosqlite.Cursor`` that SQLAlchemy's adapter uses."""

    __slots__ = ("_cursor",)

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *_: object) -> None:
        self._cursor.close()

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> Self:
        if parameters is None:
            self._cursor.execute(sql)
        else:
            self._cursor.execute(sql, parameters)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Sequence[Any]]) -> Self:
        self._cursor.executemany(sql, parameters)
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(self._cursor.arraysize if size is None else size)

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value


class InlineConnection:
    """The part of ``aiosqlite.Connection`` that SQLAlchemy's adapter uses."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        # The adapter checks ``_connection`` (None once closed) before commit and rollback.
        self._connection: sqlite3.Connection | None = connection

    def _open(self) -> sqlite3.Connection:
        if self._connection is None:
            raise ValueError("no active connection")
        return self._connection

    def begin(self, statement: str) -> None:
        """Run BEGIN at once, past SQLAlchemy's statement machinery (no await is needed)."""
        self._open().execute(statement)

    def cursor(self) -> InlineCursor:
        return InlineCursor(self._open().cursor())

    @property
    def isolation_level(self) -> str | None:
        return self._open().isolation_level

    async def create_function(
        self, name: str, arity: int, function: Callable[..., Any], **kw: Any
    ) -> None:
        self._open().create_function(name, arity, function, **kw)

    async def commit(self) -> None:
        self._open().commit()

    async def rollback(self) -> None:
        self._open().rollback()

    async def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def stop(self) -> None:
        """Close at once (what the adapter calls to terminate a connection)."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def inline_creator(arguments: Sequence[Any], options: Mapping[str, Any]) -> Callable[[], Any]:
    """An ``async_creator`` for ``create_async_engine``: ``sqlite3.connect`` with the arguments
    SQLAlchemy reads from the URL (its path or ``file:`` URI, ``timeout``…), autocommit left
    to SQLAlchemy's "begin" event (``storage.database``), usable from any thread (the pool may
    close a connection from the garbage collector)."""

    async def connect() -> InlineConnection:
        return InlineConnection(
            sqlite3.connect(
                *arguments, **{**options, "isolation_level": None, "check_same_thread": False}
            )
        )

    return connect
