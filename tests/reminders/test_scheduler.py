"""The APScheduler job: runs the tick on its own, with plain arguments, and stops cleanly."""

import asyncio

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED

from bot.catalog import builtin_forms
from bot.scheduler import TICK_JOB_ID, ReminderRuntime, start_scheduler, stop_scheduler
from core.questionnaires import FormCatalog
from storage import Database


async def test_the_tick_job_runs_at_start_and_takes_only_a_key(sqlite_db: Database) -> None:
    catalog = FormCatalog(builtin_forms())
    await catalog.sync(sqlite_db)
    calls: list[int] = []

    async def deliver(notices: object, on_result: object) -> None:
        calls.append(1)

    ran = asyncio.Event()
    runtime = ReminderRuntime(sqlite_db, catalog, deliver)
    scheduler = start_scheduler("test", runtime, tick_seconds=3600)
    job = scheduler.get_job(TICK_JOB_ID)
    assert job.kwargs == {"runtime_key": "test"}
    assert (job.coalesce, job.max_instances, job.misfire_grace_time) == (True, 1, None)
    scheduler.add_listener(lambda event: ran.set(), EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    await asyncio.wait_for(ran.wait(), timeout=5)
    await stop_scheduler("test", scheduler)
    assert calls == []  # nothing due in an empty database: no delivery
