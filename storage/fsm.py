"""aiogram FSM storage kept in the application database, so a conversation survives a restart."""

from collections.abc import Mapping
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import (
    BaseStorage,
    DefaultKeyBuilder,
    KeyBuilder,
    StateType,
    StorageKey,
)
from sqlalchemy import delete, select

from storage.database import Database
from storage.schema import fsm_states
from storage.types import utcnow
from storage.upsert import upsert


class DatabaseFSMStorage(BaseStorage):
    """One row per chat (and user, thread, destiny): the state name and its small JSON data."""

    def __init__(self, database: Database, key_builder: KeyBuilder | None = None) -> None:
        self._database = database
        self._key_builder = key_builder or DefaultKeyBuilder(with_bot_id=True, with_destiny=True)

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        state_name = state.state if isinstance(state, State) else state
        await self._store(key, state=state_name)

    async def get_state(self, key: StorageKey) -> str | None:
        row = await self._load(key)
        return None if row is None else row.state

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await self._store(key, data=dict(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        row = await self._load(key)
        return {} if row is None else dict(row.data)

    async def close(self) -> None:
        """The database belongs to the application, which closes it."""

    async def _load(self, key: StorageKey) -> Any:
        async with self._database.read() as conn:
            result = await conn.execute(
                select(fsm_states.c.state, fsm_states.c.data).where(
                    fsm_states.c.key == self._key_builder.build(key)
                )
            )
            return result.one_or_none()

    async def _store(self, key: StorageKey, **changes: Any) -> None:
        storage_key = self._key_builder.build(key)
        async with self._database.write() as conn:
            current = (
                await conn.execute(
                    select(fsm_states.c.state, fsm_states.c.data).where(
                        fsm_states.c.key == storage_key
                    )
                )
            ).one_or_none()
            state = changes.get("state", None if current is None else current.state)
            data = changes.get("data", {} if current is None else current.data)
            if state is None and not data:
                await conn.execute(delete(fsm_states).where(fsm_states.c.key == storage_key))
                return
            await upsert(
                conn,
                fsm_states,
                {"key": storage_key, "state": state, "data": data, "updated_at": utcnow()},
                conflict_columns=["key"],
                update_columns=["state", "data", "updated_at"],
            )
