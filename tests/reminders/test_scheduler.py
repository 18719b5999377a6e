"""The APScheduler jobs: they run on their own, with plain arguments, deliver what is due, report
a tick that raises, and stop cleanly."""

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, JobExecutionEvent
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.schedulers.base import STATE_STOPPED

from bot.catalog import builtin_forms
from bot.scheduler import (
    ROUNDS_JOB_ID,
    TICK_JOB_ID,
    ReminderRuntime,
    start_scheduler,
    stop_scheduler,
)
from core.questionnaires import FormCatalog
from core.reminders import Notice, NoticeResult, Outcome
from core.schedule import OPENING, ReminderPlan
from storage import Database
from storage.campaigns import CampaignForm, add_campaign
from storage.people import Role
from storage.reminders import DeliveryState, list_reminders
from storage.types import utcnow
from tests.factories import make_person, make_town

RUNTIME_KEY = "test"
BOTH_JOBS = {TICK_JOB_ID, ROUNDS_JOB_ID}
WAIT_SECONDS = 10  # generous: each job runs once, right at start
RESPONDENT = 501

OnResult = Callable[[NoticeResult], Awaitable[None]]


class JobReports:
    """What the scheduler reports about its jobs: ids of the runs that finished, and errors.

    APScheduler dispatches job events from the event loop's thread (the jobs are coroutines run
    as tasks), so the listener may touch the asyncio event directly.
    """

    def __init__(self, scheduler: AsyncIOScheduler) -> None:
        self.executed: list[str] = []
        self.errors: list[JobExecutionEvent] = []
        self._changed = asyncio.Event()
        scheduler.add_listener(self._record, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)

    def _record(self, event: JobExecutionEvent) -> None:
        if event.code == EVENT_JOB_ERROR:
            self.errors.append(event)
        else:
            self.executed.append(event.job_id)
        self._changed.set()

    def reported(self) -> set[str]:
        return {*self.executed, *(event.job_id for event in self.errors)}

    async def wait(self, job_ids: set[str]) -> None:
        """Until each of ``job_ids`` has finished a run, well or with an error."""
        async with asyncio.timeout(WAIT_SECONDS):
            while not job_ids <= self.reported():
                self._changed.clear()
                await self._changed.wait()

    def failures(self) -> list[str]:
        return [f"{event.job_id}: {event.exception!r}" for event in self.errors]


async def stop(scheduler: AsyncIOScheduler) -> None:
    await asyncio.wait_for(stop_scheduler(RUNTIME_KEY, scheduler), timeout=WAIT_SECONDS)
    assert scheduler.state == STATE_STOPPED


async def a_due_opening_reminder(database: Database) -> tuple[FormCatalog, int]:
    """A campaign that opened an hour ago for one school with one respondent.

    The scheduler's tick reads the wall clock, so the plan has no quiet hours: the opening
    reminder is due whatever the hour of the run.
    """
    town = await make_town(database)
    await make_person(database, RESPONDENT, Role.RESPONDENT, school_id=town.schools[0].id)
    catalog = FormCatalog(builtin_forms())
    await catalog.sync(database)
    now = utcnow()
    async with database.write() as conn:
        campaign = await add_campaign(
            conn,
            forms=[CampaignForm("vsoko", catalog.row_id("vsoko"))],
            municipality_id=town.municipality.id,
            period_label="1 полугодие 2025/26",
            opens_at=now - timedelta(hours=1),
            deadline_at=now + timedelta(days=30),
            school_ids=[town.schools[0].id],
            reminder_plan=ReminderPlan(quiet_start=0, quiet_end=0).to_json(),
        )
    return catalog, campaign.id


async def test_the_tick_jobs_run_at_start_and_take_only_a_key(sqlite_db: Database) -> None:
    catalog = FormCatalog(builtin_forms())
    await catalog.sync(sqlite_db)
    calls: list[int] = []

    async def deliver(notices: Sequence[Notice], on_result: OnResult) -> None:
        calls.append(1)

    runtime = ReminderRuntime(sqlite_db, catalog, deliver)
    scheduler = start_scheduler(RUNTIME_KEY, runtime, tick_seconds=3600)
    try:
        reports = JobReports(scheduler)  # before the loop runs the jobs: nothing is missed
        for job_id in BOTH_JOBS:
            job = scheduler.get_job(job_id)
            assert job.kwargs == {"runtime_key": RUNTIME_KEY}
            assert (job.coalesce, job.max_instances, job.misfire_grace_time) == (True, 1, None)
        await reports.wait(BOTH_JOBS)
    finally:
        await stop(scheduler)

    assert reports.failures() == []
    assert sorted(reports.executed) == sorted(BOTH_JOBS)  # each ran once, without an error
    assert calls == []  # nothing due in an empty database: no delivery


async def test_the_scheduled_tick_delivers_a_due_reminder(sqlite_db: Database) -> None:
    catalog, campaign_id = await a_due_opening_reminder(sqlite_db)
    delivered: list[Notice] = []

    async def deliver(notices: Sequence[Notice], on_result: OnResult) -> None:
        for notice in notices:
            delivered.append(notice)
            await on_result(NoticeResult(notice, Outcome.SENT, attempts=1))

    scheduler = start_scheduler(
        RUNTIME_KEY, ReminderRuntime(sqlite_db, catalog, deliver), tick_seconds=3600
    )
    try:
        reports = JobReports(scheduler)
        await reports.wait(BOTH_JOBS)
    finally:
        await stop(scheduler)

    assert reports.failures() == []
    assert sorted(reports.executed) == sorted(BOTH_JOBS)
    [notice] = delivered
    assert (notice.telegram_id, notice.campaign_id) == (RESPONDENT, campaign_id)
    assert notice.response_id is not None
    assert notice.text.startswith("Открыта анкета")
    async with sqlite_db.read() as conn:
        [reminder] = await list_reminders(conn, campaign_id=campaign_id)
    assert reminder.id == notice.reminder_id
    assert (reminder.kind, reminder.status) == (OPENING, DeliveryState.SENT)


async def test_a_tick_that_raises_is_reported_and_the_scheduler_still_stops(
    sqlite_db: Database,
) -> None:
    catalog, campaign_id = await a_due_opening_reminder(sqlite_db)
    attempts: list[Notice] = []

    async def deliver(notices: Sequence[Notice], on_result: OnResult) -> None:
        attempts.extend(notices)
        raise RuntimeError("the Bot API is down")

    scheduler = start_scheduler(
        RUNTIME_KEY, ReminderRuntime(sqlite_db, catalog, deliver), tick_seconds=3600
    )
    try:
        reports = JobReports(scheduler)
        await reports.wait(BOTH_JOBS)
    finally:
        await stop(scheduler)  # a failed tick does not hold up the shutdown

    [error] = reports.errors
    assert error.job_id == TICK_JOB_ID
    assert isinstance(error.exception, RuntimeError)
    assert str(error.exception) == "the Bot API is down"
    assert reports.executed == [ROUNDS_JOB_ID]  # its own job: the rounds tick is unaffected
    assert [notice.telegram_id for notice in attempts] == [RESPONDENT]
    async with sqlite_db.read() as conn:
        [reminder] = await list_reminders(conn, campaign_id=campaign_id)
    assert reminder.status is DeliveryState.PENDING  # claimed, not lost: retried after the lease
