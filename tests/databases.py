"""Test databases: a SQLite file always, PostgreSQL when TEST_POSTGRES_URL names a server.

Each PostgreSQL test gets a schema of its own (through ``search_path``), dropped afterwards, so
tests never see each other's rows and need no cleanup order.
"""

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from uuid import uuid4

import pytest
from sqlalchemy import text

from storage import Database

POSTGRES_URL_VARIABLE = "TEST_POSTGRES_URL"
SKIP_REASON = (
    f"{POSTGRES_URL_VARIABLE} is not set; set it to e.g. "
    "postgresql+asyncpg://postgres@127.0.0.1:5432/test to run the PostgreSQL tests"
)


def postgres_url() -> str | None:
    return os.environ.get(POSTGRES_URL_VARIABLE) or None


@asynccontextmanager
async def sqlite_database(directory: Path) -> AsyncIterator[Database]:
    database = Database(f"sqlite+aiosqlite:///{directory / 'test.sqlite3'}")
    try:
        yield database
    finally:
        await database.close()


@asynccontextmanager
async def postgres_database() -> AsyncIterator[Database]:
    url = postgres_url()
    if url is None:
        pytest.skip(SKIP_REASON)
    schema = f"test_{uuid4().hex[:16]}"
    admin = Database(url)
    async with admin.engine.begin() as conn:
        await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    database = Database(url, connect_args={"server_settings": {"search_path": schema}})
    try:
        yield database
    finally:
        await database.close()
        async with admin.engine.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.close()


@asynccontextmanager
async def open_database(kind: str, directory: Path) -> AsyncIterator[Database]:
    factory = sqlite_database(directory) if kind == "sqlite" else postgres_database()
    async with factory as database:
        yield database
