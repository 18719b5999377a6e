"""aiogram's FSM storage over ``storage.fsm``: conversations live in the application database.

Each write is one statement with no read first. Within one update a conversation is read from
the database once: aiogram's ``FSMContextMiddleware`` reads the state (under the event isolation
lock of the chat), then ``update_scope`` (opened by ``ActorMiddleware`` for the rest of the
update) takes that read over and keeps the conversation in memory: the handlers' ``get_state``,
``get_data`` and ``update_data`` are answered from it, and each ``set_state`` or ``set_data``
writes the whole conversation at once (a cleared one is deleted, an unchanged one is not
written). Writes are not deferred to the end of the update: the reply a person sees is never
ahead of the stored state.

The scope belongs to the task handling the update: a task started from a handler, or another
storage, reads and writes the database directly.
"""

import asyncio
import json
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
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
from storage.fsm import (
    NO_CONVERSATION,
    Conversation,
    load_conversation,
    store_conversation,
    store_data,
    store_state,
)


@dataclass(eq=False)
class _Scope:
    storage: "DatabaseFSMStorage"
    task: asyncio.Task[Any] | None
    known: dict[str, Conversation] = field(default_factory=dict)  # as it stands now


@dataclass(frozen=True, eq=False)
class _Read:
    """The last conversation read outside a scope, for the scope opened next in the same task."""

    storage: "DatabaseFSMStorage"
    task: asyncio.Task[Any] | None
    key: str
    conversation: Conversation


_scope: ContextVar[_Scope | None] = ContextVar("fsm_update_scope", default=None)
_last_read: ContextVar[_Read | None] = ContextVar("fsm_last_read", default=None)


def _copied(data: Mapping[str, Any]) -> dict[str, Any]:
    """A deep copy of a conversation's JSON-like data: several times quicker than
    ``copy.deepcopy``, which the bot ran a few times on every update."""
    return {key: _copied_value(value) for key, value in data.items()}


def _copied_value(value: Any) -> Any:
    if isinstance(value, dict):
        return _copied(value)
    if isinstance(value, list | tuple):
        return [_copied_value(item) for item in value]
    return value


def _same(one: Conversation, other: Conversation) -> bool:
    """Equal as stored: ``==`` alone would take 1 for True and 1.0 for 1."""
    return one.state == other.state and json.dumps(one.data, sort_keys=True) == json.dumps(
        other.data, sort_keys=True
    )


def _state_name(state: StateType) -> str | None:
    return state.state if isinstance(state, State) else state


class DatabaseFSMStorage(BaseStorage):
    def __init__(self, database: Database, key_builder: KeyBuilder | None = None) -> None:
        self._database = database
        self._key_builder = key_builder or DefaultKeyBuilder(with_bot_id=True, with_destiny=True)

    @asynccontextmanager
    async def update_scope(self, key: StorageKey) -> AsyncIterator[None]:
        """Keep ``key``'s conversation in memory until the block ends.

        Open it inside the event isolation lock of ``key``, after aiogram's own read of the
        state: that read is taken over, so it is not repeated.
        """
        built = self._key_builder.build(key)
        task = asyncio.current_task()
        scope = _Scope(self, task)
        read = _last_read.get()
        if read is not None and read.storage is self and read.task is task and read.key == built:
            scope.known[built] = read.conversation
        _last_read.set(None)
        token = _scope.set(scope)
        try:
            yield
        finally:
            _scope.reset(token)

    def _active(self) -> _Scope | None:
        scope = _scope.get()
        if scope is None or scope.storage is not self or scope.task is not asyncio.current_task():
            return None
        return scope

    async def _load(self, key: str) -> Conversation:
        scope = self._active()
        if scope is not None and key in scope.known:
            return scope.known[key]
        found = await load_conversation(self._database, key) or NO_CONVERSATION
        if scope is not None:
            scope.known[key] = found
        else:
            _last_read.set(_Read(self, asyncio.current_task(), key, found))
        return found

    async def _change(self, key: str, **parts: Any) -> bool:
        """Change the conversation known to the scope and write it whole; False when there is
        no scope that knows it."""
        scope = self._active()
        if scope is None or key not in scope.known:
            return False
        known = scope.known[key]
        changed = replace(known, **parts)
        if not _same(changed, known):  # setting the state it is in already writes nothing
            await store_conversation(self._database, key, changed)
            scope.known[key] = changed
        return True

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        built, name = self._key_builder.build(key), _state_name(state)
        if not await self._change(built, state=name):
            await store_state(self._database, built, name)

    async def get_state(self, key: StorageKey) -> str | None:
        return (await self._load(self._key_builder.build(key))).state

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        built, copied = self._key_builder.build(key), _copied(data)
        if not await self._change(built, data=copied):
            await store_data(self._database, built, copied)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        # A copy: the caller may change it (``update_data`` does) without setting it.
        return _copied((await self._load(self._key_builder.build(key))).data)

    async def close(self) -> None:
        """The database belongs to the application, which closes it."""
