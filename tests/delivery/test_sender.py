"""The bulk sender against the Bot API emulator, through a real aiogram Bot with no retries."""

from __future__ import annotations

import asyncio
import itertools
import socket
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.enums import ParseMode
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.delivery import Delivery, DeliveryStatus, Outgoing, Sender
from bot.delivery.pacing import GlobalPace
from bot.delivery.sender import DEFAULT_PER_SECOND
from botapi_emulator import BotAPIEmulator, LocalSession

pytestmark = pytest.mark.asyncio

CHAT = 1_000_001


def make_bot(base_url: str, token: str) -> Bot:
    """A Bot like production's but without the retry middleware: the sender decides waits.

    ``LocalSession`` is an ``AiohttpSession`` that closes without the 250 ms TLS grace pause.
    """
    session = LocalSession(base_url)
    return Bot(token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))


@pytest.fixture
async def bot(emulator: BotAPIEmulator) -> AsyncIterator[Bot]:
    created = make_bot(emulator.base_url, emulator.token)
    yield created
    await created.session.close()


def outgoing(chat_id: int, n: int = 0) -> Outgoing:
    return Outgoing(key=f"reminder:{chat_id}:{n}", chat_id=chat_id, text=f"<b>Напоминание</b> {n}")


def by_key(delivery: Delivery) -> str:
    return delivery.outgoing.key


def gaps(times: list[float]) -> list[float]:
    return [later - earlier for earlier, later in itertools.pairwise(times)]


async def eventually(condition: Callable[[], bool], within: float = 10.0) -> None:
    """Return once ``condition()`` holds; ``TimeoutError`` after a generous ``within`` seconds.

    A bounded poll: the sender's counters and the emulator's call log have no event to wait on.
    """
    async with asyncio.timeout(within):
        while not condition():  # noqa: ASYNC110
            await asyncio.sleep(0.01)


async def test_burst_to_many_chats_stays_under_the_limits(
    emulator: BotAPIEmulator, bot: Bot
) -> None:
    emulator.enforce_rate_limits(global_per_second=30, per_chat_per_second=1)
    chats = [CHAT + n for n in range(100)]

    started = time.monotonic()
    deliveries = await Sender(bot).send_many(outgoing(chat) for chat in chats)
    elapsed = time.monotonic() - started

    print(f"\n100 messages: {elapsed:.2f} s, rate_limited={emulator.rate_limited}")
    assert [d.outgoing.chat_id for d in deliveries] == chats
    assert all(d.status is DeliveryStatus.SENT for d in deliveries)
    assert all(d.message_id is not None for d in deliveries)
    assert all(len(emulator.messages(chat)) == 1 for chat in chats)
    sent_ok = [call for call in emulator.calls_of("sendMessage") if call.status == 200]
    assert len(sent_ok) == 100
    assert emulator.rate_limited <= 3
    assert elapsed >= 99 / DEFAULT_PER_SECOND - 0.05  # the leaky bucket spaces sends evenly


async def test_messages_to_one_chat_are_a_second_apart(emulator: BotAPIEmulator, bot: Bot) -> None:
    emulator.enforce_rate_limits(global_per_second=30, per_chat_per_second=1)
    items = [outgoing(CHAT, n) for n in range(3)]

    deliveries = await Sender(bot).send_many(items)

    assert all(d.status is DeliveryStatus.SENT for d in deliveries)
    assert [m.text for m in emulator.messages(CHAT)] == [item.text for item in items]  # in order
    calls = emulator.calls_of("sendMessage", CHAT)
    assert len(calls) == 3
    assert all(gap >= 1.0 for gap in gaps([call.at for call in calls]))
    assert emulator.rate_limited == 0


async def test_retry_after_waits_for_that_chat_only(emulator: BotAPIEmulator, bot: Bot) -> None:
    emulator.inject_error("sendMessage", status=429, retry_after=2, chat_id=CHAT)
    sender = Sender(bot)

    first = asyncio.create_task(sender.send(outgoing(CHAT)))
    await eventually(lambda: sender.retry_after_seen == 1)  # the 429 has been answered
    assert not first.done()  # waiting out the retry_after
    other = await sender.send(outgoing(CHAT + 1))
    delivery = await first

    assert delivery.status is DeliveryStatus.SENT
    assert delivery.attempts == 2
    assert other.status is DeliveryStatus.SENT
    assert other.attempts == 1
    rejected, accepted = emulator.calls_of("sendMessage", CHAT)
    assert rejected.status == 429
    assert accepted.at - rejected.at >= 2.0
    (other_call,) = emulator.calls_of("sendMessage", CHAT + 1)
    assert other_call.at - rejected.at < 1.0  # one chat's 429 holds that chat only
    assert other_call.at < accepted.at
    assert len(emulator.messages(CHAT)) == 1
    assert sender.retry_after_seen == 1
    assert sender.floods == 0


async def test_retry_after_over_the_maximum_fails_fast(emulator: BotAPIEmulator, bot: Bot) -> None:
    emulator.inject_error("sendMessage", status=429, retry_after=60, chat_id=CHAT)
    sender = Sender(bot, max_retry_after=30)

    deliveries = await sender.send_many([outgoing(CHAT), outgoing(CHAT + 1)], concurrency=1)

    assert [(d.status, d.attempts) for d in deliveries] == [
        (DeliveryStatus.FAILED, 1),
        (DeliveryStatus.SENT, 1),  # another chat: not held by that chat's wait
    ]
    assert len(emulator.calls_of("sendMessage")) == 2


async def test_a_bot_wide_wait_over_the_maximum_fails_what_is_due_during_it(
    emulator: BotAPIEmulator, bot: Bot
) -> None:
    emulator.inject_error("sendMessage", status=429, retry_after=60, chat_id=CHAT)
    sender = Sender(bot, max_retry_after=30, flood_chats=1)  # any 429 holds every chat

    deliveries = await sender.send_many([outgoing(CHAT), outgoing(CHAT + 1)], concurrency=1)

    assert [(d.status, d.attempts) for d in deliveries] == [
        (DeliveryStatus.FAILED, 1),
        (DeliveryStatus.FAILED, 0),  # not even tried during the flood wait
    ]
    assert deliveries[1].error is not None
    assert "flood control" in deliveries[1].error
    assert len(emulator.calls_of("sendMessage")) == 1


async def test_server_errors_are_retried_with_backoff(emulator: BotAPIEmulator, bot: Bot) -> None:
    emulator.inject_error("sendMessage", status=502, chat_id=CHAT, times=2)
    sender = Sender(bot, per_chat_interval=0.01, server_error_backoff=0.1)

    delivery = await sender.send(outgoing(CHAT))

    assert delivery.status is DeliveryStatus.SENT
    assert delivery.attempts == 3
    assert delivery.error is None
    calls = emulator.calls_of("sendMessage", CHAT)
    assert [call.status for call in calls] == [502, 502, 200]
    first, second = gaps([call.at for call in calls])
    assert first >= 0.1
    assert second >= 0.2
    assert len(emulator.messages(CHAT)) == 1


async def test_endless_server_errors_fail_after_max_attempts(
    emulator: BotAPIEmulator, bot: Bot
) -> None:
    emulator.inject_error("sendMessage", status=500, chat_id=CHAT, times=None)
    sender = Sender(bot, per_chat_interval=0.01, server_error_backoff=0.01, max_attempts=4)

    deliveries = await sender.send_many([outgoing(CHAT), outgoing(CHAT + 1)])

    assert deliveries[0].status is DeliveryStatus.FAILED
    assert deliveries[0].attempts == 4
    assert deliveries[0].error is not None
    assert "TelegramServerError" in deliveries[0].error
    assert deliveries[1].status is DeliveryStatus.SENT
    assert len(emulator.calls_of("sendMessage", CHAT)) == 4


async def test_blocked_and_missing_chats_are_unreachable(
    emulator: BotAPIEmulator, bot: Bot
) -> None:
    emulator.inject_error("sendMessage", status=403, chat_id=CHAT)
    emulator.inject_error(
        "sendMessage", status=400, description="Bad Request: chat not found", chat_id=CHAT + 1
    )
    items = [outgoing(CHAT + n) for n in range(5)]

    deliveries = await Sender(bot).send_many(items)

    assert [(d.status, d.attempts) for d in deliveries] == [
        (DeliveryStatus.UNREACHABLE, 1),
        (DeliveryStatus.UNREACHABLE, 1),
        *[(DeliveryStatus.SENT, 1)] * 3,
    ]
    assert deliveries[0].error is not None
    assert "blocked" in deliveries[0].error
    assert len(emulator.calls_of("sendMessage")) == 5


async def test_bad_requests_fail_without_retrying(emulator: BotAPIEmulator, bot: Bot) -> None:
    emulator.inject_error("sendMessage", status=400, chat_id=CHAT)
    broken_html = Outgoing(key="broken", chat_id=CHAT + 1, text="<b>unclosed")
    button = InlineKeyboardButton(text="Открыть", callback_data="open:1")
    with_keyboard = Outgoing(
        key="keyboard",
        chat_id=CHAT + 2,
        text="Анкета",
        reply_markup=InlineKeyboardMarkup(inline_keyboard=[[button]]),
    )

    deliveries = await Sender(bot).send_many([outgoing(CHAT), broken_html, with_keyboard])

    assert [(d.status, d.attempts) for d in deliveries] == [
        (DeliveryStatus.FAILED, 1),
        (DeliveryStatus.FAILED, 1),
        (DeliveryStatus.SENT, 1),
    ]
    assert all("TelegramBadRequest" in (d.error or "") for d in deliveries[:2])
    assert emulator.messages(CHAT + 2)[0].button_texts == ["Открыть"]


async def test_unknown_outcome_is_not_retried(emulator: BotAPIEmulator, bot: Bot) -> None:
    """A request that timed out may have been delivered: sending it again could duplicate."""
    emulator.inject_delay("sendMessage", 1.5, chat_id=CHAT)
    sender = Sender(bot, request_timeout=1)

    delivery = await sender.send(outgoing(CHAT))

    assert delivery.status is DeliveryStatus.FAILED
    assert delivery.attempts == 1
    assert delivery.error is not None
    assert "may have been delivered" in delivery.error
    await emulator.wait_message(CHAT, 0, timeout=10)  # it was, in fact
    # Stopping answers every request that reached the emulator (and records it), so a second
    # one sent for the same item could not go unseen: one request, one message.
    await emulator.stop()
    assert [call.status for call in emulator.calls_of("sendMessage", CHAT)] == [200]
    assert len(emulator.messages(CHAT)) == 1


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


async def test_connection_failures_are_retried(closed_port: int) -> None:
    unreachable = make_bot(f"http://127.0.0.1:{closed_port}", "42:TEST")
    try:
        sender = Sender(
            unreachable, per_chat_interval=0.01, server_error_backoff=0.01, max_attempts=3
        )
        delivery = await sender.send(outgoing(CHAT))
    finally:
        await unreachable.session.close()

    assert delivery.status is DeliveryStatus.FAILED
    assert delivery.attempts == 3
    assert "TelegramNetworkError" in (delivery.error or "")


async def test_on_delivery_is_awaited_once_per_item(emulator: BotAPIEmulator, bot: Bot) -> None:
    emulator.inject_error("sendMessage", status=403, chat_id=CHAT + 1)
    emulator.inject_error("sendMessage", status=400, chat_id=CHAT + 2)
    items = [outgoing(CHAT + n) for n in range(6)] + [outgoing(CHAT, 1)]
    seen: list[Delivery] = []

    async def record(delivery: Delivery) -> None:
        await asyncio.sleep(0)
        seen.append(delivery)

    deliveries = await Sender(bot, per_chat_interval=0.1).send_many(items, on_delivery=record)

    assert Counter(d.outgoing.key for d in seen) == Counter(item.key for item in items)
    assert sorted(seen, key=by_key) == sorted(deliveries, key=by_key)
    assert Counter(d.status for d in seen) == {
        DeliveryStatus.SENT: 5,
        DeliveryStatus.UNREACHABLE: 1,
        DeliveryStatus.FAILED: 1,
    }


async def test_a_failing_on_delivery_stops_the_batch(emulator: BotAPIEmulator, bot: Bot) -> None:
    items = [outgoing(CHAT + n) for n in range(10)]
    seen: list[str] = []

    async def persist(delivery: Delivery) -> None:
        seen.append(delivery.outgoing.key)
        if len(seen) == 3:
            raise RuntimeError("database is down")

    with pytest.raises(RuntimeError, match="database is down"):
        await Sender(bot).send_many(items, on_delivery=persist, concurrency=1)

    assert len(emulator.calls_of("sendMessage")) == 3
    assert seen == [item.key for item in items[:3]]


async def test_global_pace_spaces_sends_evenly() -> None:
    now = 0.0
    starts: list[float] = []

    def clock() -> float:
        return now

    async def sleep(seconds: float) -> None:
        nonlocal now
        now += seconds

    pace = GlobalPace(10, clock=clock, sleep=sleep)
    for _ in range(3):
        await pace.acquire()
        starts.append(now)
    pace.pause(2)
    await pace.acquire()
    starts.append(now)
    now += 5  # idle: no burst credit builds up
    for _ in range(2):
        await pace.acquire()
        starts.append(now)

    assert starts == pytest.approx([0.0, 0.1, 0.2, 2.2, 7.2, 7.3])
