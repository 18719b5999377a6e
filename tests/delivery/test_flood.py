"""429s on a virtual clock: one chat's 429 holds that chat only; 429s in several chats at once
(Telegram throttling the whole bot) pause every chat."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Coroutine
from datetime import datetime
from typing import Any, TypeVar, cast

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import SendMessage
from aiogram.types import Chat, Message

from bot.delivery import Delivery, DeliveryStatus, Outgoing, Sender
from bot.delivery.pacing import FloodWatch

pytestmark = pytest.mark.asyncio

T = TypeVar("T")
FIRST_CHAT = 2_000_000
LATENCY = 0.05  # virtual seconds a request takes


class VirtualTime:
    """A clock that jumps to the next sleeper's wake-up once every task is waiting."""

    def __init__(self) -> None:
        self.now = 0.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        woken: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now + seconds, next(self._order), woken))
        await woken

    async def run(self, work: Coroutine[Any, Any, T]) -> T:
        task = asyncio.ensure_future(work)
        while not task.done():
            for _ in range(20):  # let every runnable task reach its next sleep
                await asyncio.sleep(0)
            if task.done():
                break
            assert self._sleepers, "deadlock: nothing sleeps and the work is not done"
            at, _, woken = heapq.heappop(self._sleepers)
            self.now = max(self.now, at)
            woken.set_result(None)
        return task.result()


class FakeBot:
    """``send_message`` on virtual time; the first request of each chat in ``flooded`` gets a
    429 with ``retry_after``. Every request is logged as (time, chat, accepted)."""

    def __init__(self, time: VirtualTime, flooded: set[int], retry_after: int) -> None:
        self.time = time
        self.flooded = set(flooded)
        self.retry_after = retry_after
        self.calls: list[tuple[float, int, bool]] = []

    async def send_message(self, *, chat_id: int, text: str, **_: object) -> Message:
        await self.time.sleep(LATENCY)
        if chat_id in self.flooded:
            self.flooded.discard(chat_id)
            self.calls.append((self.time.now, chat_id, False))
            method = SendMessage(chat_id=chat_id, text=text)
            raise TelegramRetryAfter(method, "Too Many Requests", self.retry_after)
        self.calls.append((self.time.now, chat_id, True))
        return Message(
            message_id=len(self.calls),
            date=datetime(2026, 1, 1),
            chat=Chat(id=chat_id, type="private"),
            text=text,
        )

    def accepted(self, chat_id: int) -> list[float]:
        return [at for at, chat, ok in self.calls if chat == chat_id and ok]


def items(chats: int) -> list[Outgoing]:
    return [Outgoing(f"r{n}", FIRST_CHAT + n, "Напоминание") for n in range(chats)]


async def send_all(
    flooded: set[int], *, retry_after: int = 5, chats: int = 60, **options: Any
) -> tuple[FakeBot, Sender, list[Delivery], float]:
    time = VirtualTime()
    fake = FakeBot(time, flooded, retry_after)
    sender = Sender(cast(Bot, fake), per_second=30, clock=time.clock, sleep=time.sleep, **options)
    deliveries = await time.run(sender.send_many(items(chats), concurrency=50))
    return fake, sender, deliveries, time.now


async def test_a_429_in_one_chat_does_not_slow_the_others() -> None:
    flooded = FIRST_CHAT + 3
    fake, sender, deliveries, _ = await send_all({flooded}, retry_after=5)
    _, _, _, unhindered = await send_all(set())
    paused, _, _, _ = await send_all({flooded}, retry_after=5, flood_chats=1)  # as before

    assert all(d.status is DeliveryStatus.SENT for d in deliveries)
    [rejected] = [at for at, chat, ok in fake.calls if chat == flooded and not ok]
    [accepted] = fake.accepted(flooded)
    assert accepted - rejected >= 5  # that chat waited its retry_after
    others = [at for at, chat, ok in fake.calls if chat != flooded]
    # The 59 other chats go at the pace (1/30 s apart), as fast as with no 429 at all.
    assert max(others) <= unhindered + 0.1
    assert max(others) < rejected + 2
    assert sender.floods == 0
    # Pausing every chat on any 429 (the old behaviour) would have held them 5 s.
    assert max(at for at, chat, _ in paused.calls if chat != flooded) >= rejected + 5


async def test_429s_in_several_chats_within_the_window_pause_every_chat() -> None:
    flooded = {FIRST_CHAT + n for n in range(5)}  # the first five chats sent
    fake, sender, deliveries, _ = await send_all(flooded, retry_after=3)

    assert all(d.status is DeliveryStatus.SENT for d in deliveries)
    assert sender.floods == 1
    fifth = max(at for at, _, ok in fake.calls if not ok)
    # Nothing was sent to any chat in the 3 s after the fifth 429 (the requests already on
    # their way when it came back may still land, within one request's latency).
    during = [at for at, _, _ in fake.calls if fifth + LATENCY < at < fifth + 3]
    assert during == []
    assert max(at for at, _, _ in fake.calls) >= fifth + 3


async def test_429s_in_fewer_chats_than_the_threshold_pause_nobody() -> None:
    flooded = {FIRST_CHAT + n for n in range(4)}
    fake, sender, _, elapsed = await send_all(flooded, retry_after=3)

    assert sender.floods == 0
    others = [at for at, chat, _ in fake.calls if chat not in flooded]
    assert max(others) < 60 / 30 + 0.5
    assert elapsed >= 3  # the four chats waited for their own retry_after


async def test_the_flood_watch_counts_distinct_chats_within_its_window() -> None:
    now = 0.0
    watch = FloodWatch(chats=3, window=1.0, clock=lambda: now)

    assert watch.record(1, 1) is None
    assert watch.record(1, 1) is None  # the same chat again is not "several"
    assert watch.record(2, 4) is None
    now = 1.5  # the first two fell out of the window
    assert watch.record(3, 2) is None
    assert watch.record(4, 1) is None
    assert watch.record(5, 3) == 3  # the longest retry_after of the three
    assert watch.record(6, 1) is None  # counting starts afresh after a pause
    assert watch.floods == 1
