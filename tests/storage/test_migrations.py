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


_BEFORE_MONITORINGS = [
    "INSERT INTO municipalities (id, name, timezone, created_at)"
    " VALUES (1, 'Город Томск', 'Asia/Tomsk', '2026-01-01 00:00:00')",
    "INSERT INTO schools (id, municipality_id, full_name, short_name, is_shnor,"
    " unfavourable_conditions, problem_categories, created_at, updated_at) VALUES"
    " (1, 1, 'МАОУ СОШ № 5', 'СОШ № 5', false, false, '[]', '2026-01-01', '2026-01-01'),"
    " (2, 1, 'МАОУ СОШ № 11', 'СОШ № 11', false, false, '[]', '2026-01-01', '2026-01-01')",
    "INSERT INTO forms (id, key, version, title, definition, loaded_at) VALUES"
    " (1, 'vsoko', 1, 'ВСОКО', '{}', '2026-01-01'), (2, 'vsoko', 2, 'ВСОКО', '{}', '2026-01-01')",
    "INSERT INTO campaigns (id, form_id, municipality_id, period_label, opens_at, deadline_at,"
    " created_at) VALUES (1, 2, 1, 'январь', '2026-01-01', '2026-02-01', '2026-01-01')",
    "INSERT INTO campaigns (id, form_id, municipality_id, period_label, opens_at, deadline_at,"
    " created_at, previous_campaign_id)"
    " VALUES (2, 2, 1, 'февраль', '2026-02-01', '2026-03-01', '2026-01-01', 1)",
    "INSERT INTO campaign_schools (campaign_id, school_id) VALUES (1, 1), (1, 2), (2, 1)",
    "INSERT INTO responses (id, campaign_id, school_id, form_id, status, updated_at) VALUES"
    " (1, 1, 1, 1, 'submitted', '2026-01-01'), (2, 1, 2, 2, 'draft', '2026-01-01')",
    "INSERT INTO answers (response_id, question_id, value, answered_at)"
    " VALUES (1, 'regulation', '\"none\"', '2026-01-01')",
]


async def _rows(database: Database, query: str) -> list[tuple[object, ...]]:
    async with database.engine.connect() as conn:
        return [tuple(row) for row in (await conn.exec_driver_sql(query)).all()]


async def test_rounds_with_answers_become_monitorings_of_their_form_and_back(
    empty_database: Database,
) -> None:
    """0006 on a database in use: every round keeps its schools, responses and answers (on
    SQLite too, where a table is rebuilt and foreign keys would cascade or refuse the drop)."""
    database = empty_database
    await upgrade(database, "0005")
    async with database.engine.begin() as conn:
        for statement in _BEFORE_MONITORINGS:
            await conn.exec_driver_sql(statement)

    await upgrade(database, "0006")

    forms = "SELECT campaign_id, position, form_key, form_id FROM campaign_forms ORDER BY 1"
    assert await _rows(database, forms) == [(1, 0, "vsoko", 2), (2, 0, "vsoko", 2)]
    keys = "SELECT id, form_key, form_id FROM responses ORDER BY id"
    assert await _rows(database, keys) == [(1, "vsoko", 1), (2, "vsoko", 2)]
    members = "SELECT campaign_id, school_id FROM campaign_schools ORDER BY 1, 2"
    assert await _rows(database, members) == [(1, 1), (1, 2), (2, 1)]
    assert await _rows(database, "SELECT response_id FROM answers") == [(1,)]

    await downgrade(database, "0005")

    rounds = "SELECT id, form_id FROM campaigns ORDER BY id"
    assert await _rows(database, rounds) == [(1, 2), (2, 2)]
    assert await _rows(database, members) == [(1, 1), (1, 2), (2, 1)]
    assert await _rows(database, "SELECT id FROM responses ORDER BY id") == [(1,), (2,)]
    assert await _rows(database, "SELECT response_id FROM answers") == [(1,)]
