"""Throughput of webhook replicas, each a process of its own, on one PostgreSQL database; and
what the per-chat lock costs.

Run on demand (it is not a test; needs TEST_POSTGRES_URL, as CI sets it; Linux, for /proc)::

    .venv/bin/python -m bench.replicas [--respondents N] [--answers M] [--runs R]

Two parts:

1. **lock cost**: acquire and release of one chat's update lock, uncontended, 2,000 times:
   ``ProcessEventIsolation`` (the asyncio lock alone, SQLite's choice) against
   ``PostgresEventIsolation`` (the asyncio lock, then ``pg_advisory_lock`` / ``_unlock`` on a
   pooled connection of its own).
2. **replicas**: 1 and 2 webhook replicas on one fresh PostgreSQL schema, each a separate
   process (``bench.replica_process``: the full app, its own Dispatcher, bot sessions and
   aiohttp server on 127.0.0.1), replying to the fake Bot API server, which runs in this
   process together with the respondents. N respondents answer M integer questions each, all at
   once; each waits for the bot's reply before its next answer (as a person does). Updates are
   posted round-robin over the replicas, like a proxy with no stickiness, so one person's
   answers alternate between them. Per run: answers/s over the timed wall time, p50/p95 of the
   time from posting an update to the bot's next message in that chat, and the CPU time (user +
   system, from /proc) of the replica processes over the timed part per answer; beside it that
   of this process (emulator and respondents) and how busy the machine's CPUs were. Each
   configuration runs R times (interleaved: 1, 2, 1, 2, ...), each time on a fresh schema with
   fresh processes; the medians are printed, and the ratio of the medians' throughput.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import statistics
import sys
import time
from collections.abc import Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
from aiogram.fsm.storage.base import BaseEventIsolation, StorageKey

from bench.arguments import positive
from bench.replica_process import SECRET, Replica, numbers_form, replica_process
from bot.catalog import prepare
from bot.isolation import PostgresEventIsolation, ProcessEventIsolation
from botapi_emulator import BotAPIEmulator, FakeUser
from core.actors import Actor
from core.campaigns import open_form_for_schools
from storage import Database
from storage.coordination import AdvisoryLocks
from storage.people import Role
from storage.types import utcnow
from tests.databases import postgres_database, postgres_url
from tests.factories import make_person, make_town
from texts import questionnaire as texts

FIRST_USER_ID = 200_000
LOCK_ROUNDS = 2_000
REPLY_TIMEOUT = 30.0
ORGANISER = Actor(telegram_id=0, user=None, bootstrap_admin=True)
CONFIGURATIONS = (1, 2)  # replicas


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


# -- CPU, from /proc ------------------------------------------------------------------------


def process_cpu(pid: int) -> float:
    """Seconds of user + system CPU of a running process, all its threads."""
    # After the command name in parentheses (which may hold spaces), utime and stime are the
    # 12th and 13th fields.
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_cpu() -> tuple[float, float]:
    """Seconds of busy and of all CPU time of the machine, summed over its CPUs."""
    ticks = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = ticks[3] + ticks[4]  # idle, iowait
    total = sum(ticks[:8])  # guest time is already counted in user
    return (total - idle) / os.sysconf("SC_CLK_TCK"), total / os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """CPU of the replicas, of this process and of the machine from its creation to ``stop``."""

    def __init__(self, pids: Sequence[int]) -> None:
        self.pids = list(pids)
        self.started = self._read()

    def _read(self) -> tuple[float, float, float, float]:
        busy, total = machine_cpu()
        replicas = sum(process_cpu(pid) for pid in self.pids)
        return replicas, time.process_time(), busy, total

    def stop(self) -> tuple[float, float, float]:
        """Replicas' CPU seconds, this process's, and the machine's busy share (0–1)."""
        replicas, mine, busy, total = (
            end - start for end, start in zip(self._read(), self.started, strict=True)
        )
        return replicas, mine, busy / total if total else 0.0


# -- one run -------------------------------------------------------------------------------


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


@dataclass(frozen=True, slots=True)
class Run:
    replicas: int
    latencies: list[float]  # seconds, sorted
    wall: float  # seconds of the timed part
    replica_cpu: float  # seconds, all replicas
    bench_cpu: float  # seconds, this process
    busy: float  # the machine's busy share of its CPUs

    @property
    def answers(self) -> int:
        return len(self.latencies)

    @property
    def per_second(self) -> float:
        return self.answers / self.wall

    @property
    def p50_ms(self) -> float:
        return statistics.median(self.latencies) * 1000

    @property
    def p95_ms(self) -> float:
        return self.latencies[max(0, math.ceil(0.95 * self.answers) - 1)] * 1000

    @property
    def replica_cpu_ms(self) -> float:
        return self.replica_cpu / self.answers * 1000

    @property
    def bench_cpu_ms(self) -> float:
        return self.bench_cpu / self.answers * 1000


async def run_replicas(replicas: int, respondents: int, answers: int) -> Run:
    """One run on a fresh schema, with fresh replica processes and a fresh emulator."""
    form = numbers_form(answers)
    async with postgres_database() as database, BotAPIEmulator() as emulator:
        catalog = await prepare(database, {form.id: form})  # before the replicas, not by them
        town = await make_town(database, short_names=tuple(f"СОШ № {i}" for i in range(1, 4)))
        for index in range(respondents):
            await make_person(
                database,
                FIRST_USER_ID + index,
                Role.RESPONDENT,
                school_id=town.schools[index % len(town.schools)].id,
                full_name=f"Иванова Мария {index}",
            )
        await open_form_for_schools(
            database,
            catalog,
            ORGANISER,
            form.id,
            deadline=(utcnow() + timedelta(days=10)).date(),
            period_label="1 полугодие",
            now=utcnow(),
        )
        replica = Replica.of(database, emulator.base_url, answers)
        async with AsyncExitStack() as stack:
            running = [
                await stack.enter_async_context(replica_process(replica)) for _ in range(replicas)
            ]
            poster = Poster(emulator, [process.url for process in running])
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
            meter = CpuMeter([process.pid for process in running])
            started = time.perf_counter()
            await asyncio.gather(*(respond(user) for user in users))
            wall = time.perf_counter() - started
            replica_cpu, bench_cpu, busy = meter.stop()
    return Run(replicas, sorted(latencies), wall, replica_cpu, bench_cpu, busy)


# -- the report ----------------------------------------------------------------------------


def name(replicas: int) -> str:
    return f"{replicas} replica{'s' if replicas > 1 else ''}"


def run_line(number: int, run: Run) -> str:
    return (
        f"  run {number}, {name(run.replicas)}: {run.per_second:.1f} answers/s, "
        f"p50 {run.p50_ms:.0f} ms, p95 {run.p95_ms:.0f} ms, "
        f"replicas' CPU {run.replica_cpu_ms:.1f} ms/answer "
        f"(this process {run.bench_cpu_ms:.1f} ms; CPUs {run.busy:.0%} busy; "
        f"{run.answers} answers in {run.wall:.1f} s)"
    )


def table(results: dict[int, list[Run]]) -> list[str]:
    lines = [
        "| configuration | answers/s | p50 ms | p95 ms | replicas' CPU ms/answer |",
        "|---|---|---|---|---|",
    ]
    for replicas, runs in results.items():
        lines.append(
            f"| {name(replicas)} | {median_throughput(runs):.1f} "
            f"| {statistics.median(run.p50_ms for run in runs):.0f} "
            f"| {statistics.median(run.p95_ms for run in runs):.0f} "
            f"| {statistics.median(run.replica_cpu_ms for run in runs):.1f} |"
        )
    return lines


def median_throughput(runs: Sequence[Run]) -> float:
    return statistics.median(run.per_second for run in runs)


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
    print(
        f"{args.respondents} respondents x {args.answers} answers, webhook replicas as "
        f"processes, PostgreSQL, {os.cpu_count()} CPUs, median of {args.runs} run(s):"
    )
    results: dict[int, list[Run]] = {replicas: [] for replicas in CONFIGURATIONS}
    for number in range(1, args.runs + 1):
        for replicas in CONFIGURATIONS:
            run = await run_replicas(replicas, args.respondents, args.answers)
            results[replicas].append(run)
            print(run_line(number, run), flush=True)
    print()
    print("\n".join(table(results)))
    one, two = (median_throughput(results[replicas]) for replicas in CONFIGURATIONS)
    print(f"2 replicas / 1 replica: {two / one:.2f} (throughput, median answers/s)")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.replicas", description=__doc__)
    parser.add_argument("--respondents", type=positive, default=20)
    parser.add_argument("--answers", type=positive, default=10)
    parser.add_argument("--runs", type=positive, default=3)
    try:
        return asyncio.run(benchmark(parser.parse_args(argv)))
    except KeyboardInterrupt:  # the replicas were stopped on the way out
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
