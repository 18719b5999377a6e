"""The one sender of outgoing bulk messages (reminders, digests) within Telegram's limits.

``Sender`` wants a ``Bot`` whose session does *not* retry by itself (no ``RetryMiddleware`` from
:mod:`bot.telegram`): it decides every wait. It

- paces requests with a global leaky bucket (``per_second``, over all chats) and one request at
  a time per chat, the next no sooner than ``per_chat_interval`` after the previous answer;
- on 429 waits exactly ``retry_after`` before retrying in that chat, while the other chats go
  on; only when ``flood_chats`` chats get a 429 within ``flood_window`` seconds (Telegram
  throttling the bot as a whole, see :class:`~bot.delivery.pacing.FloodWatch`) does *all*
  sending pause, for the longest of their ``retry_after``; a wait over ``max_retry_after`` is
  not made: the item (and any item due during a bot-wide wait) fails at once;
- retries 5xx and connection failures with exponential backoff, up to ``max_attempts`` requests;
- reports 403 (blocked, deactivated, kicked) and 400 "chat not found" as ``UNREACHABLE`` and any
  other 400 as ``FAILED``, without retrying;
- never sends an item twice: a request whose fate is unknown (a timeout or a dropped connection
  after it was sent, an unreadable answer) is not retried but reported ``FAILED`` with an error
  saying the message may have been delivered;
- never raises for a delivery error: each item gets a :class:`Delivery`.

One ``Sender`` per bot should do all bulk sending, so that its limits are the bot's limits.
Persistence is the caller's: ``send_many`` awaits ``on_delivery`` for each item as soon as its
outcome is known.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

import aiohttp
from aiogram import Bot
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
    TelegramBadRequest,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import InlineKeyboardMarkup, Message

from .pacing import ChatGate, ChatPace, Clock, FloodWatch, GlobalPace, Sleep

log = logging.getLogger(__name__)

# 400 descriptions that mean the chat cannot be written to at all.
_UNREACHABLE_BAD_REQUESTS = ("chat not found", "user not found", "peer_id_invalid")
MAX_BACKOFF = 60.0
# Just under Telegram's ~30 messages a second: a bot-wide 429 is rare at this pace (the server
# counts a sliding second, which 30 requests evenly spaced at 29.5/s fill in 0.98 s).
DEFAULT_PER_SECOND = 29.5


@dataclass(frozen=True)
class Outgoing:
    """One message to send; ``key`` identifies it (idempotency key) in logs and results."""

    key: str
    chat_id: int
    text: str  # HTML
    reply_markup: InlineKeyboardMarkup | None = None


class DeliveryStatus(StrEnum):
    SENT = "sent"
    UNREACHABLE = "unreachable"  # 403 (blocked, deactivated, kicked) or "chat not found"
    FAILED = "failed"  # a bad request, retries exhausted, or the outcome is unknown


@dataclass(frozen=True)
class Delivery:
    """What became of an :class:`Outgoing`; ``attempts`` is the number of requests made."""

    outgoing: Outgoing
    status: DeliveryStatus
    attempts: int
    error: str | None = None
    message_id: int | None = None


@dataclass(frozen=True)
class _Verdict:
    """How a failed request ends: a final status, or a retry after ``delay`` seconds."""

    error: str
    status: DeliveryStatus | None = None  # None: retry
    delay: float = 0.0


class Sender:
    """Sends :class:`Outgoing` messages concurrently within the global and per-chat limits.

    ``per_second``: requests a second over all chats; ``per_chat_interval``: seconds from a
    chat's previous answer to its next request; ``max_attempts``: requests per item;
    ``server_error_backoff``: the first wait after a 5xx or a failed connection, doubled each
    time; ``max_retry_after``: the longest 429 wait worth making; ``flood_chats`` and
    ``flood_window``: how many chats with a 429 within how many seconds pause every chat, not
    only their own (1 pauses all on any 429); ``request_timeout``: seconds per request
    (the session's default when ``None``); ``clock`` and ``sleep`` are for tests.
    """

    def __init__(
        self,
        bot: Bot,
        *,
        per_second: float = DEFAULT_PER_SECOND,
        per_chat_interval: float = 1.0,
        max_attempts: int = 6,
        server_error_backoff: float = 0.5,
        max_retry_after: float = 300,
        flood_chats: int = 5,
        flood_window: float = 2.0,
        request_timeout: int | None = None,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self._bot = bot
        self._per_chat_interval = per_chat_interval
        self._max_attempts = max_attempts
        self._backoff = server_error_backoff
        self._max_retry_after = max_retry_after
        self._request_timeout = request_timeout
        self._clock = clock
        self._sleep = sleep
        self._global = GlobalPace(per_second, clock=clock, sleep=sleep)
        self._chats = ChatPace(clock=clock)
        self._floods = FloodWatch(chats=flood_chats, window=flood_window, clock=clock)
        self.retry_after_seen = 0  # 429 answers received, for monitoring

    @property
    def floods(self) -> int:
        """How many times 429s in several chats paused all sending (for monitoring)."""
        return self._floods.floods

    async def send(self, outgoing: Outgoing) -> Delivery:
        """Deliver one message; waits for its chat's turn and a global slot."""
        async with self._chats.hold(outgoing.chat_id) as gate:
            delivery = await self._deliver(outgoing, gate)
        if delivery.status is not DeliveryStatus.SENT:
            log.warning(
                "%s to chat %s: %s after %d attempt(s): %s",
                outgoing.key,
                outgoing.chat_id,
                delivery.status,
                delivery.attempts,
                delivery.error,
            )
        return delivery

    async def send_many(
        self,
        items: Iterable[Outgoing],
        *,
        on_delivery: Callable[[Delivery], Awaitable[None]] | None = None,
        concurrency: int = 25,
    ) -> list[Delivery]:
        """Deliver every item, ``concurrency`` chats at a time; results in the items' order.

        A chat's items go out one after another in their order, by one worker, so a chat with
        many items does not hold up the others (but then the rate is at most ``concurrency /
        per_chat_interval``: raise ``concurrency`` for batches with several items per chat).
        If ``on_delivery`` raises, no further item is started; the items in flight finish
        (their ``on_delivery`` is still awaited) and the first error is raised.
        """
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        batch = list(items)
        results: list[Delivery | None] = [None] * len(batch)
        by_chat: dict[int, list[int]] = {}
        for index, item in enumerate(batch):
            by_chat.setdefault(item.chat_id, []).append(index)
        chats = deque(by_chat.values())
        errors: list[Exception] = []

        async def work() -> None:
            while chats and not errors:
                for index in chats.popleft():
                    if errors:
                        return
                    delivery = results[index] = await self.send(batch[index])
                    if on_delivery is None:
                        continue
                    try:
                        await on_delivery(delivery)
                    except Exception as error:
                        if errors:  # only the first is raised
                            log.exception("on_delivery failed for %s", delivery.outgoing.key)
                        errors.append(error)
                        return

        workers = [asyncio.create_task(work()) for _ in range(min(concurrency, len(chats)))]
        try:
            await asyncio.gather(*workers)
        except BaseException:
            for worker in workers:
                worker.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
            raise
        if errors:
            raise errors[0]
        done = [delivery for delivery in results if delivery is not None]
        if len(done) != len(batch):
            raise AssertionError("an item was left undelivered")  # pragma: no cover
        sent = sum(delivery.status is DeliveryStatus.SENT for delivery in done)
        log.info("sent %d of %d message(s)", sent, len(done))
        return done

    async def _deliver(self, outgoing: Outgoing, gate: ChatGate) -> Delivery:
        attempts = 0
        while True:
            now = self._clock()
            wait_until = max(gate.ready_at, self._global.paused_until)
            if wait_until - now > self._max_retry_after:
                error = f"flood control: Telegram asked to wait {wait_until - now:.0f} s"
                return Delivery(outgoing, DeliveryStatus.FAILED, attempts, error)
            if gate.ready_at > now:
                await self._sleep(gate.ready_at - now)
            await self._global.acquire()
            attempts += 1
            outcome = await self._request(outgoing, attempts)
            if isinstance(outcome, Message):
                gate.ready_at = self._clock() + self._per_chat_interval
                return Delivery(outgoing, DeliveryStatus.SENT, attempts, None, outcome.message_id)
            gate.ready_at = self._clock() + max(self._per_chat_interval, outcome.delay)
            if outcome.status is not None:
                return Delivery(outgoing, outcome.status, attempts, outcome.error)
            log.info(
                "%s to chat %s: attempt %d: %s; retrying in %.2f s",
                outgoing.key,
                outgoing.chat_id,
                attempts,
                outcome.error,
                outcome.delay,
            )

    async def _request(self, outgoing: Outgoing, attempts: int) -> Message | _Verdict:
        """One sendMessage: the message, or the verdict on its failure."""
        try:
            return await self._bot.send_message(
                chat_id=outgoing.chat_id,
                text=outgoing.text,
                reply_markup=outgoing.reply_markup,
                request_timeout=self._request_timeout,
            )
        except (TelegramAPIError, ClientDecodeError) as error:
            return self._judge(error, attempts, outgoing.chat_id)
        except Exception as error:
            # A bug or an unforeseen failure, perhaps after the request went out: not retried.
            log.exception("unexpected error sending %s", outgoing.key)
            return _Verdict(f"{type(error).__name__}: {error}", DeliveryStatus.FAILED)

    def _judge(
        self, error: TelegramAPIError | ClientDecodeError, attempts: int, chat_id: int
    ) -> _Verdict:
        """Decide what a failed request means; 429s in several chats also pause all sending."""
        detail = error.message if isinstance(error, TelegramAPIError) else str(error)
        text = f"{type(error).__name__}: {detail}"
        exhausted = attempts >= self._max_attempts
        if isinstance(error, TelegramRetryAfter):
            self.retry_after_seen += 1
            wait = float(error.retry_after)
            flood = self._floods.record(chat_id, wait)
            if flood is not None:
                log.warning("429 in several chats: all sending paused for %.0f s", flood)
                self._global.pause(flood)
            if wait > self._max_retry_after:
                return _Verdict(text, DeliveryStatus.FAILED, wait)
            return _Verdict(text, DeliveryStatus.FAILED if exhausted else None, wait)
        if isinstance(error, TelegramForbiddenError):
            return _Verdict(text, DeliveryStatus.UNREACHABLE)
        if isinstance(error, TelegramBadRequest):
            description = error.message.lower()
            if any(marker in description for marker in _UNREACHABLE_BAD_REQUESTS):
                return _Verdict(text, DeliveryStatus.UNREACHABLE)
            return _Verdict(text, DeliveryStatus.FAILED)
        if isinstance(error, TelegramMigrateToChat):
            text = f"{text} (the group is now chat {error.migrate_to_chat_id})"
            return _Verdict(text, DeliveryStatus.FAILED)
        if isinstance(error, TelegramEntityTooLarge):  # a NetworkError in aiogram, yet a 413
            return _Verdict(text, DeliveryStatus.FAILED)
        if isinstance(error, TelegramServerError) or (
            isinstance(error, TelegramNetworkError) and _not_sent(error)
        ):
            delay = min(self._backoff * 2 ** (attempts - 1), MAX_BACKOFF)
            return _Verdict(text, DeliveryStatus.FAILED if exhausted else None, delay)
        if isinstance(error, TelegramNetworkError | ClientDecodeError):
            return _Verdict(f"{text} (the message may have been delivered)", DeliveryStatus.FAILED)
        return _Verdict(text, DeliveryStatus.FAILED)  # 401, 404, 409, ...


def _not_sent(error: TelegramNetworkError) -> bool:
    """Whether the request surely never reached the server (no connection was made)."""
    return isinstance(
        error.__cause__, aiohttp.ClientConnectorError | aiohttp.ConnectionTimeoutError
    )
