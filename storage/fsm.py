"""Conversation state kept in the application database, so a conversation survives a restart.

One row per storage key (chat, user, thread, destiny): the state name and its small JSON data.
``bot.fsm`` adapts this to aiogram's storage interface. Every write is one statement and reads
nothing first: a row with no state and no data means the same as no row.
"""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, delete, select

from storage.database import Database
from storage.schema import fsm_states
from storage.types import utcnow
from storage.upsert import upsert


@dataclass(frozen=True, slots=True)
class Conversation:
    state: str | None
    data: dict[str, Any]

    @property
    def empty(self) -> bool:
        return self.state is None and not self.data


NO_CONVERSATION = Conversation(None, {})

# Built once: every update reads its conversation (building a statement costs more than running
# it here).
_CONVERSATION = select(fsm_states.c.state, fsm_states.c.data).where(
    fsm_states.c.key == bindparam("key")
)
_FORGET = delete(fsm_states).where(fsm_states.c.key == bindparam("key"))


async def load_conversation(database: Database, key: str) -> Conversation | None:
    async with database.read() as conn:
        row = (await conn.execute(_CONVERSATION, {"key": key})).one_or_none()
    return None if row is None else Conversation(row.state, dict(row.data))


async def store_conversation(database: Database, key: str, conversation: Conversation) -> None:
    """Write the whole conversation (state and data); an empty one is deleted."""
    async with database.write() as conn:
        if conversation.empty:
            await conn.execute(_FORGET, {"key": key})
            return
        await upsert(
            conn,
            fsm_states,
            {
                "key": key,
                "state": conversation.state,
                "data": conversation.data,
                "updated_at": utcnow(),
            },
            conflict_columns=["key"],
            update_columns=["state", "data", "updated_at"],
        )


async def store_state(database: Database, key: str, state: str | None) -> None:
    """Set the state only; the data stays as it is (empty for a new conversation)."""
    await _store_part(database, key, "state", state)


async def store_data(database: Database, key: str, data: dict[str, Any]) -> None:
    """Set the data only; the state stays as it is (none for a new conversation)."""
    await _store_part(database, key, "data", data)


async def _store_part(database: Database, key: str, column: str, value: Any) -> None:
    row = {"key": key, "state": None, "data": {}, "updated_at": utcnow(), column: value}
    async with database.write() as conn:
        await upsert(
            conn, fsm_states, row, conflict_columns=["key"], update_columns=[column, "updated_at"]
        )
