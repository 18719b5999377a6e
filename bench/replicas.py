"""Throughput of webhook replicas on one PostgreSQL, and what the per-chat lock costs.

Run on demand (it is not a test; needs TEST_POSTGRES_URL, as CI sets it)::

    .venv/bin/python -m bench.replicas [--respondents N] [--answers M]

Two parts:

1. **lock cost**: acquire and release of one chat's update lock, uncontended, 2,000 times:
   ``ProcessEventIsolation`` (the asyncio lock alone, SQLite's choice) against
   ``PostgresEventIsolation`` (the asyncio lock, then ``pg_advisory_lock`` / ``_unlock`` on a
   pooled connection of its own).
2. **replicas**: 1 and 2 webhook replicas (each a full app: own Dispatcher, bot sessions and
   aiohttp server on 127.0.0.1) on one fresh PostgreSQL schema, replying to the fake Bot API
   server. N respondents answer M integer questions each, all at once; each waits for the
   bot's reply before its next answer (as a person does). Updates are posted round-robin over
   the replicas, like a proxy with no stickiness, so one person's answers alternate between
   them. Reported: answers/s over the timed wall time, and p50/p95 of the time from posting
   an update to the bot's next message in that chat. Replicas run in this one process, so
   "2 replicas" measures the cost of coordination (the lock, the shared database), not
   extra CPU: real replicas are separate processes, each with its own core.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import statistics
import sys
import time
from collections.abc import Sequence
from contextlib import AsyncExitStack
from datetime import timedelta
from typing import Any

import aiohttp
from aiogram.fsm.storage.base import BaseEventIsolation, StorageKey

from bot.app import App, build_app
from bot.isolation import PostgresEventIsolation, ProcessEventIsolation
from bot.webhook import serving
from botapi_emulator import BotAPIEmulator, FakeUser
from core.actors import Actor
from core.campaigns import open_form_for_schools
from core.forms.models import FormDefinition
from storage import Database
from storage.coordination import AdvisoryLocks
from storage.migrate import upgrade
from storage.people import Role
from storage.types import utcnow
from tests import harness
from tests.databases import postgres_url
from tests.factories import make_person, make_town
from texts import questionnaire as texts

SECRET = "bench-secret"
PATH = "/webhook"
FIRST_USER_ID = 200_000
LOCK_ROUNDS = 2_000
REPLY_TIMEOUT = 30.0
ORGANISER = Actor(telegram_id=0, user=None, bootstrap_admin=True)


def numbers_form(answers: int) -> FormDefinition:
    questions = [
        {"id": f"q{n}", "type": "integer", "text": f"Число номер {n}", "min": 0}
        for n in range(1, answers + 1)
    ]
    return FormDefinition.model_validate(
        {
            "id": "bench_numbers",
            "version": 1,
            "title": "Числа",
            "short_title": "Числа",
            "sections": [{"title": "Числа", "questions": questions}],
        }
    )


async def lock_cost(isolation: BaseEventIsolation) -> float:
    """Microseconds per uncontended acquire and release."""
    key = StorageKey(bot_id=1, chat_id=1, user_id=1)
    async with isolation.lock(key):  # warm the pool
        pass
    started = time.perf_counter()
    for _ in range(LOCK_ROUNDS):
        async with isolation.lock(key):
            pass
    return (time.perf_counter() - started) / LOCK_ROUNDS * 1e6


class Poster:
    """Plays Telegram: posts the emulator's updates to the replicas, round-robin."""

    def __init__(self, emulator: BotAPIEmulator, urls: Sequence[str]) -> None:
        self.urls = list(urls)
        self.turn = 0
        self.http = aiohttp.ClientSession()
        self.outbox: dict[int, list[dict[str, Any]]] = {}
        push = emulator.push_update

        def capture(payload: dict[str, Any]) -> int:
            update_id = push(payload)
            chat = (payload.get("message") or payload["callback_query"]["message"])["chat"]
            self.outbox.setdefault(int(chat["id"]), []).append({"update_id": update_id, **payload})
            return update_id

        emulator.push_update = capture  # type: ignore[method-assign]

    async def deliver(self, chat_id: int) -> None:
        for update in self.outbox.pop(chat_id, []):
            url = self.urls[self.turn % len(self.urls)]
            self.turn += 1
            headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
            async with self.http.post(url, json=update, headers=headers) as answer:
                if answer.status != 200:
                    raise RuntimeError(f"webhook answered {answer.status}")


async def run_replicas(
    replicas: int, respondents: int, answers: int, *, shared_lock: bool = True
) -> dict[str, Any]:
    from tests.databases import postgres_database

    form = numbers_form(answers)
    async with postgres_database() as database, BotAPIEmulator() as emulator:
        await upgrade(database)
        town = await make_town(database, short_names=tuple(f"СОШ № {i}" for i in range(1, 4)))
        for index in range(respondents):
            await make_person(
                database,
                FIRST_USER_ID + index,
                Role.RESPONDENT,
                school_id=town.schools[index % len(town.schools)].id,
                full_name=f"Иванова Мария {index}",
            )
        settings = harness.test_settings(database, emulator.base_url)
        async with AsyncExitStack() as stack:
            apps: list[App] = []
            urls = []
            for _ in range(replicas):
                app = await build_app(
                    settings,
                    database,
                    token=harness.TEST_TOKEN,
                    extra_forms={form.id: form},
                    events_isolation=None if shared_lock else ProcessEventIsolation(),
                )
                stack.push_async_callback(app.close)
                apps.append(app)
                port = await stack.enter_async_context(
                    serving(app, host="127.0.0.1", port=0, path=PATH, secret_token=SECRET)
                )
                urls.append(f"http://127.0.0.1:{port}{PATH}")
            await open_form_for_schools(
                database,
                apps[0].catalog,
                ORGANISER,
                form.id,
                deadline=(utcnow() + timedelta(days=10)).date(),
                period_label="1 полугодие",
                now=utcnow(),
            )
            poster = Poster(emulator, urls)
            stack.push_async_callback(poster.http.close)
            users = [FakeUser(emulator, FIRST_USER_ID + i) for i in range(respondents)]

            async def open_form(user: FakeUser) -> None:
                await user.send(texts.MY_FORMS_BUTTON)
                await poster.deliver(user.chat_id)
                listing = await user.next_message(REPLY_TIMEOUT)
                await user.press(listing.button_texts[0], message=listing)
                await poster.deliver(user.chat_id)
                await user.next_message(REPLY_TIMEOUT)

            latencies: list[float] = []

            async def respond(user: FakeUser) -> None:
                for number in range(answers):
                    started = time.perf_counter()
                    await user.send(str(number + 1))
                    await poster.deliver(user.chat_id)
                    await user.next_message(REPLY_TIMEOUT)
                    latencies.append(time.perf_counter() - started)

            await asyncio.gather(*(open_form(user) for user in users))
            started = time.perf_counter()
            await asyncio.gather(*(respond(user) for user in users))
            wall = time.perf_counter() - started
    latencies.sort()
    return {
        "replicas": replicas,
        "answers": len(latencies),
        "per_second": len(latencies) / wall,
        "p50": statistics.median(latencies) * 1000,
        "p95": latencies[max(0, math.ceil(0.95 * len(latencies)) - 1)] * 1000,
    }


async def benchmark(args: argparse.Namespace) -> int:
    url = postgres_url()
    if url is None:
        print("set TEST_POSTGRES_URL (e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/test)")
        return 2
    database = Database(url)
    try:
        process = await lock_cost(ProcessEventIsolation())
        postgres_isolation = PostgresEventIsolation(AdvisoryLocks(database))
        try:
            postgres = await lock_cost(postgres_isolation)
        finally:
            await postgres_isolation.close()
    finally:
        await database.close()
    print(f"lock, uncontended, per update: process {process:.1f} µs, postgres {postgres:.1f} µs")
    print(f"{args.respondents} respondents x {args.answers} answers, webhook, PostgreSQL:")
    runs = [
        (1, False, "1 replica, process lock only"),
        (1, True, "1 replica"),
        (2, True, "2 replicas"),
    ]
    for replicas, shared, name in runs:
        result = await run_replicas(replicas, args.respondents, args.answers, shared_lock=shared)
        print(
            f"  {name}: {result['per_second']:.1f} answers/s, "
            f"p50 {result['p50']:.0f} ms, p95 {result['p95']:.0f} ms "
            f"({result['answers']} answers)"
        )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.replicas", description=__doc__)
    parser.add_argument("--respondents", type=int, default=20)
    parser.add_argument("--answers", type=int, default=10)
    return asyncio.run(benchmark(parser.parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
