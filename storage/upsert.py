"""INSERT ... ON CONFLICT for the two dialects we run on."""

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection


async def upsert(
    conn: AsyncConnection,
    table: Table,
    values: Mapping[str, Any],
    *,
    conflict_columns: Sequence[str],
    update_columns: Sequence[str],
) -> None:
    """Insert a row, or update ``update_columns`` of the row that has the same conflict key."""
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    statement = insert(table).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=list(conflict_columns),
        set_={column: statement.excluded[column] for column in update_columns},
    )
    await conn.execute(statement)


async def insert_ignore(
    conn: AsyncConnection,
    table: Table,
    values: Mapping[str, Any],
    *,
    conflict_columns: Sequence[str],
) -> bool:
    """Insert a row unless one with the same key exists; True when this call inserted it."""
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    statement = (
        insert(table).values(**values).on_conflict_do_nothing(index_elements=list(conflict_columns))
    )
    result = await conn.execute(statement)
    return bool(result.rowcount)
