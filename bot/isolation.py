"""Per-chat update ordering ("event isolation"): one update of a person at a time, in the
order they reached the bot, within one process and across replicas.

aiogram's FSM middleware takes ``Dispatcher(events_isolation=...)``'s lock around every update,
before the FSM state is read and before our outer middlewares run, and keeps it until the
handler returns. The choice, made from ``DATABASE_URL`` (no setting of its own):

- SQLite (one process): ``ProcessEventIsolation``, an asyncio lock per chat.
- PostgreSQL (any number of replicas): ``PostgresEventIsolation``, the same asyncio lock, then
  a PostgreSQL advisory lock on the chat's key (``storage.coordination.AdvisoryLocks``) held
  while the update is handled. The local lock first keeps a replica at one lock connection per
  busy chat however fast a person taps, and keeps that chat's local order FIFO.

Why PostgreSQL and not Redis (aiogram's ``RedisEventIsolation``): the deployment already has
PostgreSQL and the FSM state lives there (``bot.fsm``); Redis would be one more service to run,
back up and monitor for a lock alone, and redis-py's lock waits by polling (every 0.1 s by
default), where a PostgreSQL waiter is woken by the server the moment the lock is free. The
cost is measured in README ("Webhook mode and replicas").

``ADMITTED`` lets the webhook answer Telegram once the update holds its lock (see
``bot.webhook``): an update is admitted in arrival order, so the next update of the same chat,
which Telegram sends after that answer, cannot overtake it on another replica.
"""

import asyncio
import hashlib
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from contextvars import ContextVar
from dataclasses import dataclass, field

from aiogram.fsm.storage.base import BaseEventIsolation, DefaultKeyBuilder, KeyBuilder, StorageKey

from storage import Database
from storage.coordination import AdvisoryLocks

# Set by the webhook for the update's task: resolved once the update holds its lock.
ADMITTED: ContextVar[asyncio.Future[None] | None] = ContextVar("admitted", default=None)


def lock_number(name: str) -> int:
    """A stable signed 64-bit advisory-lock key for a lock name (a collision only makes two
    chats wait for each other now and then, never mixes their data)."""
    digest = hashlib.blake2b(name.encode(), digest_size=8, person=b"shnor-lock").digest()
    return int.from_bytes(digest, "big", signed=True)


@dataclass
class _Waiters:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    users: int = 0


class ProcessEventIsolation(BaseEventIsolation):
    """One update per chat at a time in this process (FIFO); unused locks are dropped."""

    def __init__(self, key_builder: KeyBuilder | None = None) -> None:
        self._key_builder = key_builder or DefaultKeyBuilder(with_bot_id=True, with_destiny=True)
        self._local: dict[str, _Waiters] = {}

    @asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncIterator[None]:
        name = self._key_builder.build(key, "lock")
        waiters = self._local.setdefault(name, _Waiters())
        waiters.users += 1
        try:
            async with waiters.lock, self._shared(name):
                admitted = ADMITTED.get()
                if admitted is not None and not admitted.done():
                    admitted.set_result(None)
                yield
        finally:
            waiters.users -= 1
            # (Not ours to drop if ``close`` cleared the table and a later update made anew.)
            if waiters.users == 0 and self._local.get(name) is waiters:
                del self._local[name]

    def _shared(self, name: str) -> AbstractAsyncContextManager[None]:
        """The lock other processes see; none for a single process."""
        return nullcontext()

    async def close(self) -> None:
        self._local.clear()


class PostgresEventIsolation(ProcessEventIsolation):
    """Across replicas on one PostgreSQL: the local lock, then the chat's advisory lock."""

    def __init__(self, locks: AdvisoryLocks, key_builder: KeyBuilder | None = None) -> None:
        super().__init__(key_builder)
        self._locks = locks

    def _shared(self, name: str) -> AbstractAsyncContextManager[None]:
        return self._locks.hold(lock_number(name))

    async def close(self) -> None:
        await super().close()
        await self._locks.close()


def events_isolation(database: Database) -> BaseEventIsolation:
    """Advisory locks on PostgreSQL (replicas may share it), process locks on SQLite."""
    if database.dialect == "postgresql":
        return PostgresEventIsolation(AdvisoryLocks(database))
    return ProcessEventIsolation()
