"""Every migration runs on an empty database, reverts, and produces exactly the schema."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from storage import Database
from storage.migrate import all_revisions, current_revision, downgrade, head_revision, upgrade
from storage.schema import metadata


def _table_names(conn: Connection) -> set[str]:
    return set(inspect(conn).get_table_names()) - {"alembic_version"}


def _schema_diff(conn: Connection) -> list[object]:
    return list(compare_metadata(MigrationContext.configure(conn), metadata))


async def test_upgrade_from_empty_creates_every_table(empty_database: Database) -> None:
    await upgrade(empty_database)

    assert await current_revision(empty_database) == head_revision()
    async with empty_database.engine.connect() as conn:
        assert await conn.run_sync(_table_names) == set(metadata.tables)


async def test_migrations_match_the_schema_module(empty_database: Database) -> None:
    await upgrade(empty_database)

    async with empty_database.engine.connect() as conn:
        assert await conn.run_sync(_schema_diff) == []


async def test_stairway_each_revision_up_down_up(empty_database: Database) -> None:
    previous = "base"
    for revision in all_revisions():
        await upgrade(empty_database, revision)
        await downgrade(empty_database, previous)
        await upgrade(empty_database, revision)
        previous = revision

    async with empty_database.engine.connect() as conn:
        assert await conn.run_sync(_table_names) == set(metadata.tables)


async def test_downgrade_to_base_leaves_no_table(empty_database: Database) -> None:
    await upgrade(empty_database)
    await downgrade(empty_database, "base")

    async with empty_database.engine.connect() as conn:
        assert await conn.run_sync(_table_names) == set()


async def test_sqlite_runs_with_wal_and_foreign_keys(sqlite_db: Database) -> None:
    async with sqlite_db.read() as conn:
        journal = (await conn.exec_driver_sql("PRAGMA journal_mode")).scalar()
        foreign_keys = (await conn.exec_driver_sql("PRAGMA foreign_keys")).scalar()
        busy = (await conn.exec_driver_sql("PRAGMA busy_timeout")).scalar()
    assert (journal, foreign_keys) == ("wal", 1)
    assert busy is not None
    assert busy >= 5000
