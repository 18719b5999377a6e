"""Client-side pacing of sends: a global leaky bucket and a per-chat gate.

Telegram allows a bot about 30 messages a second over all chats and one message a second in a
chat; exceeding either earns a 429 with ``retry_after``. These two limiters keep a sender under
both, and let a 429 pause everything for the time Telegram asked.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


class GlobalPace:
    """A leaky bucket over all chats: one send per ``1 / per_second`` s, none while paused.

    Sends are evenly spaced (no burst credit builds up while idle), and callers are served in
    the order they asked.
    """

    def __init__(
        self,
        per_second: float,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if not per_second > 0:
            raise ValueError("per_second must be positive")
        self._interval = 1.0 / per_second
        self._clock = clock
        self._sleep = sleep
        self._next = -math.inf  # when the next send may start
        self._paused_until = -math.inf
        self._lock = asyncio.Lock()

    @property
    def paused_until(self) -> float:
        """The clock time before which nothing is sent (in the past when not paused)."""
        return self._paused_until

    def pause(self, seconds: float) -> None:
        """Hold every send for ``seconds`` from now (an earlier, longer pause is kept)."""
        self._paused_until = max(self._paused_until, self._clock() + seconds)

    async def acquire(self) -> None:
        """Wait for this caller's send slot."""
        async with self._lock:
            while True:
                now = self._clock()
                start = max(self._next, self._paused_until)
                if start <= now:
                    break
                # Re-checked after the sleep: a 429 may have extended the pause meanwhile.
                await self._sleep(start - now)
            # Spacing counts from the scheduled start, so a sleep that overshoots by a little
            # does not lower the rate; after an idle spell it counts from now (no burst).
            base = start if now - start <= self._interval else now
            self._next = base + self._interval


@dataclass
class ChatGate:
    """One chat's turn: held by one send at a time; the next request waits for ``ready_at``."""

    ready_at: float = -math.inf
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    users: int = 0


class ChatPace:
    """Per-chat gates, so that a chat gets one request at a time and none before its turn."""

    PRUNE_THRESHOLD = 1024

    def __init__(self, *, clock: Clock = time.monotonic) -> None:
        self._clock = clock
        self._gates: dict[int, ChatGate] = {}
        self._prune_at = self.PRUNE_THRESHOLD

    @asynccontextmanager
    async def hold(self, chat_id: int) -> AsyncIterator[ChatGate]:
        """Hold the chat's gate (waiting for an earlier holder to finish) and yield it."""
        gate = self._gates.get(chat_id)
        if gate is None:
            self._prune()
            gate = self._gates[chat_id] = ChatGate()
        gate.users += 1
        try:
            async with gate.lock:
                yield gate
        finally:
            gate.users -= 1

    def _prune(self) -> None:
        """Forget idle chats whose turn has come, once there are many of them."""
        if len(self._gates) < self._prune_at:
            return
        now = self._clock()
        for chat_id, gate in list(self._gates.items()):
            if gate.users == 0 and gate.ready_at <= now:
                del self._gates[chat_id]
        self._prune_at = max(self.PRUNE_THRESHOLD, 2 * len(self._gates))
