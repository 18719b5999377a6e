"""Conversation state kept in the application database, so a conversation survives a restart.

One row per storage key (chat, user, thread, destiny): the state name and its small JSON data.
``bot.fsm`` adapts this to aiogram's storage interface.
"""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select

from storage.database import Database
from storage.schema import fsm_states
from storage.types import utcnow
from storage.upsert import upsert

KEEP: Any = object()  # "leave this part as it is" for ``store_conversation``


@dataclass(frozen=True, slots=True)
class Conversation:
    state: str | None
    data: dict[str, Any]


async def load_conversation(database: Database, key: str) -> Conversation | None:
    async with database.read() as conn:
        row = (
            await conn.execute(
                select(fsm_states.c.state, fsm_states.c.data).where(fsm_states.c.key == key)
            )
        ).one_or_none()
    return None if row is None else Conversation(row.state, dict(row.data))


async def store_conversation(
    database: Database, key: str, *, state: str | None = KEEP, data: dict[str, Any] = KEEP
) -> None:
    """Set the state, the data or both; a conversation with neither left is deleted."""
    async with database.write() as conn:
        current = (
            await conn.execute(
                select(fsm_states.c.state, fsm_states.c.data).where(fsm_states.c.key == key)
            )
        ).one_or_none()
        if state is KEEP:
            state = None if current is None else current.state
        if data is KEEP:
            data = {} if current is None else current.data
        if state is None and not data:
            await conn.execute(delete(fsm_states).where(fsm_states.c.key == key))
            return
        await upsert(
            conn,
            fsm_states,
            {"key": key, "state": state, "data": data, "updated_at": utcnow()},
            conflict_columns=["key"],
            update_columns=["state", "data", "updated_at"],
        )
