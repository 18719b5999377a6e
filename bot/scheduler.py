"""APScheduler (3.x, in-process memory job store): a short periodic reminder tick, and a rounds
tick that opens the next round of recurring campaigns (its own job, so that a failure in one never
stops the other).

The job takes a plain key and looks up what it needs when it runs, never a live Bot or
connection in its arguments. Each process has its own scheduler; several replicas may tick on one
database because every reminder is claimed under a unique key before it is sent. ``coalesce`` and
no misfire limit make a tick missed while the loop was busy run once, late, instead of being
dropped (APScheduler's default grace is one second) or repeated.
"""

import asyncio
import logging
from dataclasses import dataclass

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from core.clock import Clock, system_clock
from core.questionnaires import FormCatalog
from core.reminders import Deliver, run_tick
from core.rounds import open_next_rounds
from storage import Database
from storage.types import utcnow

log = logging.getLogger(__name__)
TICK_JOB_ID = "reminders:tick"
ROUNDS_JOB_ID = "rounds:tick"
STOP_TIMEOUT_SECONDS = 30


@dataclass(frozen=True, slots=True)
class ReminderRuntime:
    database: Database
    catalog: FormCatalog
    deliver: Deliver
    clock: Clock = system_clock


_RUNTIMES: dict[str, ReminderRuntime] = {}
# Ticks in progress: stopping waits for them, because APScheduler's shutdown would cancel a tick
# between claiming a reminder and sending it.
_RUNNING: set[asyncio.Future[object]] = set()


async def reminder_tick(runtime_key: str) -> None:
    task = asyncio.current_task()
    if task is not None:
        _RUNNING.add(task)
    try:
        runtime = _RUNTIMES[runtime_key]
        report = await run_tick(
            runtime.database, runtime.catalog, runtime.deliver, now=runtime.clock()
        )
        if report.claimed:
            log.info(
                "reminders: %s due, %s claimed, %s", report.due, report.claimed, report.outcomes
            )
    finally:
        if task is not None:
            _RUNNING.discard(task)


async def rounds_tick(runtime_key: str) -> None:
    task = asyncio.current_task()
    if task is not None:
        _RUNNING.add(task)
    try:
        runtime = _RUNTIMES[runtime_key]
        created = await open_next_rounds(runtime.database, runtime.catalog, now=runtime.clock())
        if created:
            log.info("rounds: opened %s", [(c.id, c.period_label) for c in created])
    finally:
        if task is not None:
            _RUNNING.discard(task)


def start_scheduler(
    runtime_key: str, runtime: ReminderRuntime, *, tick_seconds: float
) -> AsyncIOScheduler:
    _RUNTIMES[runtime_key] = runtime
    scheduler = AsyncIOScheduler(timezone="UTC")
    for job, job_id in ((rounds_tick, ROUNDS_JOB_ID), (reminder_tick, TICK_JOB_ID)):
        scheduler.add_job(
            job,
            "interval",
            seconds=tick_seconds,
            id=job_id,
            replace_existing=True,
            kwargs={"runtime_key": runtime_key},
            coalesce=True,
            max_instances=1,
            misfire_grace_time=None,
            next_run_time=utcnow(),
        )
    scheduler.start()
    return scheduler


async def stop_scheduler(runtime_key: str, scheduler: AsyncIOScheduler) -> None:
    """Start no new tick, let a running one finish its deliveries, then shut down."""
    scheduler.pause()
    running = list(_RUNNING)
    if running:
        await asyncio.wait(running, timeout=STOP_TIMEOUT_SECONDS)
    scheduler.shutdown(wait=False)
    _RUNTIMES.pop(runtime_key, None)
