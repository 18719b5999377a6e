"""How fast the bulk sender delivers reminders under Telegram-like limits, and that none is lost.

Run on demand (it is not a test)::

    .venv/bin/python -m bench.reminders [--count 5000] [--limit 30] [--chats 5000] [--runs 3]

A Bot API emulator on 127.0.0.1 answers sends over ``--limit`` a second (all chats) or over one
a second in a chat with 429 ``retry_after=1``, and besides answers the first send to a random
``--error-rate`` share of the chats with an injected 429 ``retry_after=1``. ``--count``
reminders go to ``--chats`` distinct chats (round robin) through :class:`bot.delivery.Sender`
on a real aiogram ``Bot`` over HTTP, with no retry middleware, at the sender's production pace
(``REMINDER_RATE``'s default) unless ``--per-second`` says otherwise. Each of ``--runs`` runs
(a fresh emulator, the same seed) prints the reminders delivered and lost (not ``SENT``), the
messages beyond those intended, the elapsed time, the delivered rate and its share of the
server's limit, the 429 answers seen and the bot-wide pauses; then the median of the runs.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode

from bench.arguments import positive
from bot.delivery import Delivery, DeliveryStatus, Outgoing, Sender
from bot.delivery.sender import DEFAULT_PER_SECOND
from botapi_emulator import BotAPIEmulator

FIRST_CHAT = 10_000_000


@dataclass(frozen=True)
class Run:
    delivered: int
    lost: int
    duplicated: int  # messages beyond those intended
    elapsed: float
    share: float  # the delivered rate over the server's limit


async def one_run(args: argparse.Namespace, number: int) -> Run | None:
    rng = random.Random(args.seed)
    per_second = args.per_second or DEFAULT_PER_SECOND
    chats = [FIRST_CHAT + n for n in range(args.chats)]
    items = [
        Outgoing(
            key=f"reminder:{n}",
            chat_id=chats[n % len(chats)],
            text=f"<b>Напоминание</b>: заполните анкету №{n}",
        )
        for n in range(args.count)
    ]
    intended = Counter(item.chat_id for item in items)
    # Bound the run: the ideal time at the limit, doubled, plus the waits for the 429s.
    budget = 2 * args.count / per_second + 60

    async with BotAPIEmulator() as emulator:
        emulator.enforce_rate_limits(global_per_second=args.limit, per_chat_per_second=1)
        flooded = rng.sample(sorted(intended), round(len(intended) * args.error_rate))
        for chat_id in flooded:
            emulator.inject_error("sendMessage", status=429, retry_after=1, chat_id=chat_id)
        session = AiohttpSession(api=TelegramAPIServer.from_base(emulator.base_url))
        bot = Bot(
            emulator.token,
            session=session,
            default=DefaultBotProperties(parse_mode=ParseMode.HTML),
        )
        sender = Sender(bot, per_second=per_second, flood_chats=args.flood_chats)
        outcomes: Counter[DeliveryStatus] = Counter()

        async def count(delivery: Delivery) -> None:
            outcomes[delivery.status] += 1

        started = time.monotonic()
        try:
            async with asyncio.timeout(budget):
                deliveries = await sender.send_many(
                    items, on_delivery=count, concurrency=args.concurrency
                )
        except TimeoutError:
            print(f"timed out after {budget:.0f} s: {dict(outcomes)}", file=sys.stderr)
            return None
        finally:
            await bot.session.close()
        elapsed = time.monotonic() - started

        delivered = sum(d.status is DeliveryStatus.SENT for d in deliveries)
        duplicated = sum(
            max(0, len(emulator.messages(chat_id)) - wanted) for chat_id, wanted in intended.items()
        )
        rate = delivered / elapsed
        if number == 1:
            print(
                f"reminders {args.count} to {len(intended)} chats; server limit {args.limit}/s "
                f"(1/s per chat); sender {per_second:g}/s, concurrency {args.concurrency}, "
                f"all paused on 429s in {args.flood_chats} chat(s) within 2 s; "
                f"injected 429s: {len(flooded)}"
            )
        print(
            f"run {number}: delivered {delivered}, lost {len(deliveries) - delivered}, "
            f"duplicated {duplicated}, {elapsed:.1f} s, {rate:.2f} msg/s "
            f"(share of limit {rate / args.limit:.3f}); 429s seen {sender.retry_after_seen} "
            f"({len(flooded)} injected, {emulator.rate_limited} from the server's limit), "
            f"bot-wide pauses {sender.floods}"
        )
        return Run(delivered, len(deliveries) - delivered, duplicated, elapsed, rate / args.limit)


async def benchmark(args: argparse.Namespace) -> int:
    runs: list[Run] = []
    for number in range(1, args.runs + 1):
        run = await one_run(args, number)
        if run is None:
            return 1
        runs.append(run)
    print(f"median of {len(runs)} run(s):")
    print(f"share of limit: {statistics.median(run.share for run in runs):.3f}")
    print(f"elapsed:        {statistics.median(run.elapsed for run in runs):.1f} s")
    print(f"lost:           {max(run.lost for run in runs)} (the most in a run)")
    print(f"duplicated:     {max(run.duplicated for run in runs)} (the most in a run)")
    return 0 if all(run.lost == 0 and run.duplicated == 0 for run in runs) else 1


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.reminders",
        description="Delivered rate of the bulk sender against a rate-limited Bot API emulator.",
    )
    parser.add_argument("--count", type=positive, default=5000, help="reminders; 5000")
    parser.add_argument("--limit", type=positive, default=30, help="server msg/s; 30")
    parser.add_argument("--chats", type=positive, default=5000, help="distinct chats; 5000")
    parser.add_argument(
        "--per-second",
        type=float,
        default=None,
        help=f"the sender's rate; default {DEFAULT_PER_SECOND:g} (REMINDER_RATE's default)",
    )
    parser.add_argument("--concurrency", type=positive, default=50, help="default: 50")
    parser.add_argument(
        "--error-rate", type=float, default=0.01, help="share of chats given a 429; 0.01"
    )
    parser.add_argument(
        "--flood-chats",
        type=positive,
        default=5,
        help="chats with a 429 within 2 s that pause all sending; 5 (1: any 429 pauses all)",
    )
    parser.add_argument("--runs", type=positive, default=3, help="runs, median printed; 3")
    parser.add_argument("--seed", type=int, default=1, help="random seed; 1")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.ERROR, format="%(levelname)s %(name)s: %(message)s")
    return asyncio.run(benchmark(args))


if __name__ == "__main__":
    sys.exit(main())
