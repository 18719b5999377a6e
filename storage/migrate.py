"""Apply or revert alembic migrations on a ``Database``."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.database import Database

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


class ForeignKeysBroken(RuntimeError):
    """A migration left rows that point at nothing (SQLite's foreign_key_check found them)."""


def _sqlite_foreign_keys(sync: Connection, on: bool) -> None:
    # On the driver's connection, outside any transaction: inside one SQLite ignores the pragma.
    cursor = sync.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    cursor.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
    cursor.close()


@asynccontextmanager
async def _migrating(database: Database) -> AsyncIterator[AsyncConnection]:
    """A transaction to migrate in. On SQLite, foreign keys are off meanwhile: alembic's batch
    mode rebuilds a table (copy, drop, rename), and with them on, dropping the old table would
    cascade its deletes to the rows that point at it, or fail. They are checked before commit."""
    async with database.engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            await conn.run_sync(_sqlite_foreign_keys, False)
        try:
            async with conn.begin():
                yield conn
                if sqlite:
                    broken = (await conn.exec_driver_sql("PRAGMA foreign_key_check")).all()
                    if broken:
                        raise ForeignKeysBroken(f"rows point at nothing: {broken[:5]}")
        finally:
            if sqlite:
                await conn.run_sync(_sqlite_foreign_keys, True)


async def upgrade(database: Database, revision: str = "head") -> None:
    async with _migrating(database) as conn:
        await conn.run_sync(lambda sync: command.upgrade(alembic_config(sync), revision))


async def downgrade(database: Database, revision: str) -> None:
    async with _migrating(database) as conn:
        await conn.run_sync(lambda sync: command.downgrade(alembic_config(sync), revision))


async def current_revision(database: Database) -> str | None:
    async with database.engine.connect() as conn:
        return await conn.run_sync(
            lambda sync: MigrationContext.configure(sync).get_current_revision()
        )


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def all_revisions() -> list[str]:
    """Revisions from the first to the head."""
    script = ScriptDirectory.from_config(alembic_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]
