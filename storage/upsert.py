"""INSERT ... ON CONFLICT for the two dialects we run on.

The statements are built once per table and columns and executed with the row as parameters:
building one (its ``excluded`` alias copies every column of the table) cost more than running it.
"""

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.dml import Insert


async def upsert(
    conn: AsyncConnection,
    table: Table,
    values: Mapping[str, Any],
    *,
    conflict_columns: Sequence[str],
    update_columns: Sequence[str],
) -> None:
    """Insert a row, or update ``update_columns`` of the row that has the same conflict key."""
    statement = _upsert(conn.dialect.name, table, tuple(conflict_columns), tuple(update_columns))
    await conn.execute(statement, dict(values))


async def insert_ignore(
    conn: AsyncConnection,
    table: Table,
    values: Mapping[str, Any],
    *,
    conflict_columns: Sequence[str],
) -> bool:
    """Insert a row unless one with the same key exists; True when this call inserted it."""
    statement = _insert_ignore(conn.dialect.name, table, tuple(conflict_columns))
    result = await conn.execute(statement, dict(values))
    return bool(result.rowcount)


def _insert(dialect: str, table: Table) -> postgresql.Insert | sqlite.Insert:
    return postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)


@cache
def _upsert(
    dialect: str, table: Table, conflict_columns: tuple[str, ...], update_columns: tuple[str, ...]
) -> Insert:
    statement = _insert(dialect, table)
    return statement.on_conflict_do_update(
        index_elements=list(conflict_columns),
        set_={column: statement.excluded[column] for column in update_columns},
    )


@cache
def _insert_ignore(dialect: str, table: Table, conflict_columns: tuple[str, ...]) -> Insert:
    return _insert(dialect, table).on_conflict_do_nothing(index_elements=list(conflict_columns))
