"""What replicas of the bot share through the database besides their data: session-level
PostgreSQL advisory locks that order one chat's updates across processes, and a liveness ping.

An advisory lock is held on a connection of its own (``AdvisoryLocks`` keeps a small pool in
autocommit mode, apart from the application's), for as long as the update is handled. The wait
happens in PostgreSQL: waiters queue in the server and wake the moment the holder unlocks, with
no polling. If the process dies, PostgreSQL ends the session and the lock goes with it.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from storage.database import Database

LOCK_POOL_SIZE = 10
LOCK_POOL_OVERFLOW = 20
LOCK_POOL_TIMEOUT = 60.0  # seconds an update waits for a free lock connection


class AdvisoryLocks:
    """Exclusive session-level advisory locks by 64-bit key, on PostgreSQL only."""

    def __init__(
        self,
        database: Database,
        *,
        pool_size: int = LOCK_POOL_SIZE,
        max_overflow: int = LOCK_POOL_OVERFLOW,
    ) -> None:
        if database.dialect != "postgresql":
            raise ValueError(f"advisory locks need PostgreSQL, not {database.dialect}")
        self._engine = create_async_engine(
            database.engine.url,
            isolation_level="AUTOCOMMIT",  # never "idle in transaction" while a handler runs
            pool_size=pool_size,
            max_overflow=max_overflow,
            pool_timeout=LOCK_POOL_TIMEOUT,
            pool_pre_ping=True,
        )

    @asynccontextmanager
    async def hold(self, key: int) -> AsyncIterator[None]:
        """Wait for the lock ``key`` (queued in PostgreSQL), hold it inside the block."""
        async with self._engine.connect() as conn:
            await _run_or_drop(conn, key, lock=True)
            try:
                yield
            finally:
                await _run_or_drop(conn, key, lock=False)

    async def close(self) -> None:
        await self._engine.dispose()


async def _run_or_drop(conn: AsyncConnection, key: int, *, lock: bool) -> None:
    """Lock or unlock; on any failure (a cancelled wait included: the lock may have been
    granted as the wait was given up) the connection is dropped, which ends its session and
    releases whatever it held."""
    call = func.pg_advisory_lock(key) if lock else func.pg_advisory_unlock(key)
    try:
        await conn.execute(select(call))
    except BaseException:
        await conn.invalidate()
        raise


async def ping(database: Database) -> None:
    """Raise unless the database answers a trivial query."""
    async with database.read() as conn:
        await conn.execute(select(1))
