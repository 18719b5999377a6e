"""aiogram's FSM storage over ``storage.fsm``: conversations live in the application database."""

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

from storage import Database
from storage.fsm import load_conversation, store_conversation


class DatabaseFSMStorage(BaseStorage):
    def __init__(self, database: Database, key_builder: KeyBuilder | None = None) -> None:
        self._database = database
        self._key_builder = key_builder or DefaultKeyBuilder(with_bot_id=True, with_destiny=True)

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        state_name = state.state if isinstance(state, State) else state
        await store_conversation(self._database, self._key_builder.build(key), state=state_name)

    async def get_state(self, key: StorageKey) -> str | None:
        found = await load_conversation(self._database, self._key_builder.build(key))
        return None if found is None else found.state

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await store_conversation(self._database, self._key_builder.build(key), data=dict(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        found = await load_conversation(self._database, self._key_builder.build(key))
        return {} if found is None else found.data

    async def close(self) -> None:
        """The database belongs to the application, which closes it."""
