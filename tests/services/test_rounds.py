"""Recurring campaigns open their next round by themselves, once, with a controllable clock."""

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.catalog import builtin_forms
from bot.scheduler import ROUNDS_JOB_ID, ReminderRuntime, start_scheduler, stop_scheduler
from core import rounds
from core.questionnaires import FormCatalog
from core.reminders import Notice, NoticeResult, Outcome, run_tick
from core.rounds import open_next_rounds
from storage import Database
from storage.campaigns import (
    Campaign,
    CampaignForm,
    add_campaign,
    campaign_school_ids,
    close_campaign,
    get_campaign,
)
from storage.directory import add_school
from storage.people import Role
from storage.rounds import ChainHead, chain_heads
from storage.schema import campaigns
from storage.types import utcnow
from tests.factories import Town, make_person, make_town

TOMSK = ZoneInfo("Asia/Tomsk")
PLAN = {"days_before": [2], "hour": 11}


def local(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=TOMSK)


@pytest.fixture
async def catalog(database: Database) -> FormCatalog:
    forms = FormCatalog(builtin_forms())
    await forms.sync(database)
    return forms


@pytest.fixture
async def town(database: Database) -> Town:
    """Three schools; the campaigns below cover the first two only."""
    return await make_town(database, short_names=("СОШ № 5", "СОШ № 11", "СОШ № 40"))


async def start_chain(
    database: Database,
    catalog: FormCatalog,
    town: Town,
    *,
    label: str = "январь 2027",
    opens_at: datetime | None = None,
    deadline_at: datetime | None = None,
    recurrence: str | None = "monthly",
    form_id: int | None = None,
) -> Campaign:
    """The first round of a chain: by default, monthly, January 2027 until its last second."""
    author = await make_person(database, 900, Role.METHODIST, municipality_id=town.municipality.id)
    async with database.write() as conn:
        return await add_campaign(
            conn,
            forms=[CampaignForm("vsoko", catalog.row_id("vsoko") if form_id is None else form_id)],
            municipality_id=town.municipality.id,
            period_label=label,
            opens_at=opens_at or local(2027, 1, 1),
            deadline_at=deadline_at or local(2027, 1, 31, 23, 59, 59),
            school_ids=[town.schools[0].id, town.schools[1].id],
            created_by=author.id,
            reminder_plan=PLAN,
            recurrence=recurrence,
        )


async def chain(database: Database) -> list[Campaign]:
    async with database.read() as conn:
        ids = (await conn.execute(select(campaigns.c.id).order_by(campaigns.c.id))).scalars()
        found = [await get_campaign(conn, campaign_id) for campaign_id in list(ids)]
    return [campaign for campaign in found if campaign is not None]


async def test_a_monthly_round_follows_across_a_month_end(
    database: Database, catalog: FormCatalog, town: Town
) -> None:
    january = await start_chain(database, catalog, town)

    assert await open_next_rounds(database, catalog, now=local(2027, 1, 31, 23, 59, 58)) == []
    created = await open_next_rounds(database, catalog, now=local(2027, 2, 1, 0, 0, 0))

    assert [c.period_label for c in created] == ["февраль 2027"]
    february = created[0]
    assert february.opens_at == local(2027, 2, 1)
    assert february.deadline_at == local(2027, 2, 28, 23, 59, 59)  # the month's end, kept
    assert february.previous_campaign_id == january.id
    assert (february.recurrence, february.reminder_plan) == ("monthly", PLAN)
    assert february.created_by == january.created_by
    assert february.forms == (CampaignForm("vsoko", catalog.row_id("vsoko")),)
    async with database.read() as conn:
        assert await campaign_school_ids(conn, february.id) == {
            town.schools[0].id,
            town.schools[1].id,
        }
    assert await chain(database) == [january, february]  # stored as returned

    # Nothing more until February's round is over.
    assert await open_next_rounds(database, catalog, now=local(2027, 2, 20)) == []
    march = await open_next_rounds(database, catalog, now=local(2027, 3, 1, 0, 0, 1))
    assert [(c.period_label, c.deadline_at) for c in march] == [
        ("март 2027", local(2027, 3, 31, 23, 59, 59))
    ]


async def test_a_quarter_follows_across_the_school_year_boundary(
    database: Database, catalog: FormCatalog, town: Town
) -> None:
    await start_chain(
        database,
        catalog,
        town,
        label="4 четверть 2026/27",
        opens_at=local(2027, 5, 3, 9),
        deadline_at=local(2027, 5, 25, 18),
        recurrence="quarterly",
    )

    assert await open_next_rounds(database, catalog, now=local(2027, 5, 25, 17, 59)) == []
    # Created once May's deadline has passed, though it opens only in October.
    created = await open_next_rounds(database, catalog, now=local(2027, 5, 25, 18, 1))

    assert [(c.period_label, c.opens_at, c.deadline_at) for c in created] == [
        ("1 четверть 2027/28", local(2027, 10, 3, 9), local(2027, 10, 25, 18))
    ]


async def test_a_half_year_follows_into_the_next_school_year(
    database: Database, catalog: FormCatalog, town: Town
) -> None:
    await start_chain(
        database,
        catalog,
        town,
        label="2 полугодие 2026/27",
        opens_at=local(2027, 5, 1),
        deadline_at=local(2027, 5, 31, 23, 59, 59),
        recurrence="semiannual",
    )

    created = await open_next_rounds(database, catalog, now=local(2027, 6, 1, 12))

    assert [(c.period_label, c.opens_at, c.deadline_at) for c in created] == [
        ("1 полугодие 2027/28", local(2027, 10, 1), local(2027, 10, 31, 23, 59, 59))
    ]


async def test_overlapping_rounds_are_created_when_the_next_one_opens(
    database: Database, catalog: FormCatalog, town: Town
) -> None:
    """A deadline on the 5th of the next month: the next round opens before it."""
    await start_chain(
        database,
        catalog,
        town,
        label="ноябрь 2026",
        opens_at=local(2026, 11, 1),
        deadline_at=local(2026, 12, 5, 23, 59, 59),
        recurrence="monthly",
    )

    assert await open_next_rounds(database, catalog, now=local(2026, 11, 30, 23)) == []
    created = await open_next_rounds(database, catalog, now=local(2026, 12, 1, 0, 1))

    assert [(c.period_label, c.opens_at, c.deadline_at) for c in created] == [
        ("декабрь 2026", local(2026, 12, 1), local(2027, 1, 5, 23, 59, 59))
    ]


async def test_two_racing_calls_create_the_round_once(
    database: Database, catalog: FormCatalog, town: Town, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = await start_chain(database, catalog, town)
    now = local(2027, 2, 1, 0, 1)
    # Both calls read the chains before either writes: the race two replicas can have.
    both_read = asyncio.Barrier(2)

    async def read_then_wait(conn: AsyncConnection) -> list[ChainHead]:
        heads = await chain_heads(conn)
        await both_read.wait()
        return heads

    monkeypatch.setattr(rounds, "chain_heads", read_then_wait)

    results = await asyncio.gather(
        open_next_rounds(database, catalog, now=now),
        open_next_rounds(database, catalog, now=now),
    )

    assert sorted(len(created) for created in results) == [0, 1]
    stored = await chain(database)
    assert [c.period_label for c in stored] == ["январь 2027", "февраль 2027"]
    assert stored[1].previous_campaign_id == first.id
    # And a restart later changes nothing.
    monkeypatch.undo()
    assert await open_next_rounds(database, catalog, now=local(2027, 2, 2)) == []


async def test_a_closed_round_stops_its_chain(
    database: Database, catalog: FormCatalog, town: Town
) -> None:
    january = await start_chain(database, catalog, town)
    async with database.write() as conn:
        assert await close_campaign(conn, january.id, local(2027, 1, 20))

    assert await open_next_rounds(database, catalog, now=local(2027, 3, 1)) == []
    assert len(await chain(database)) == 1


async def test_a_one_off_campaign_has_no_next_round(
    database: Database, catalog: FormCatalog, town: Town
) -> None:
    await start_chain(database, catalog, town, recurrence=None)

    assert await open_next_rounds(database, catalog, now=local(2027, 6, 1)) == []


async def test_a_bot_down_for_months_creates_only_the_current_round(
    database: Database, catalog: FormCatalog, town: Town
) -> None:
    january = await start_chain(database, catalog, town)

    created = await open_next_rounds(database, catalog, now=local(2027, 4, 10, 12))

    assert [(c.period_label, c.opens_at, c.previous_campaign_id) for c in created] == [
        ("апрель 2027", local(2027, 4, 1), january.id)
    ]


async def test_the_next_round_takes_the_current_form_version(
    database: Database, catalog: FormCatalog, town: Town
) -> None:
    forms = builtin_forms()
    newer = forms["vsoko"].model_copy(
        update={"version": forms["vsoko"].version + 1, "title": "ВСОКО (новая редакция)"}
    )
    current = FormCatalog({**forms, "vsoko": newer})
    await current.sync(database)
    assert current.row_id("vsoko") != catalog.row_id("vsoko")
    await start_chain(database, catalog, town)

    created = await open_next_rounds(database, current, now=local(2027, 2, 1, 1))

    assert [c.forms for c in created] == [(CampaignForm("vsoko", current.row_id("vsoko")),)]


async def test_reminders_go_out_for_the_new_round(
    database: Database, catalog: FormCatalog, town: Town
) -> None:
    await make_person(database, 501, Role.RESPONDENT, school_id=town.schools[0].id)
    await make_person(database, 502, Role.RESPONDENT, school_id=town.schools[1].id)
    async with database.write() as conn:  # a school outside the chain is never reminded
        outside = await add_school(
            conn, municipality_id=town.municipality.id, full_name="МАОУ Гимназия", short_name="Г1"
        )
    await make_person(database, 503, Role.RESPONDENT, school_id=outside.id)
    await start_chain(
        database,
        catalog,
        town,
        label="4 четверть 2026/27",
        opens_at=local(2027, 5, 1),
        deadline_at=local(2027, 5, 31, 23, 59, 59),
        recurrence="quarterly",
    )
    sent: list[Notice] = []

    async def deliver(
        notices: Sequence[Notice], on_result: Callable[[NoticeResult], Awaitable[None]]
    ) -> None:
        for notice in notices:
            sent.append(notice)
            await on_result(NoticeResult(notice, Outcome.SENT, attempts=1))

    # May's round is long over; October's is created in June and stays silent until it opens.
    created = await open_next_rounds(database, catalog, now=local(2027, 6, 1, 9))
    await run_tick(database, catalog, deliver, now=local(2027, 6, 1, 10))
    assert [n.campaign_id for n in sent if n.campaign_id == created[0].id] == []

    await run_tick(database, catalog, deliver, now=local(2027, 10, 1, 8, 0))

    opening = [n for n in sent if n.campaign_id == created[0].id]
    assert sorted(n.telegram_id for n in opening) == [501, 502]
    assert all("1 четверть 2027/28" in n.text for n in opening)
    assert all(n.response_id is not None for n in opening)


async def test_the_rounds_job_runs_on_the_scheduler_with_a_plain_key(
    database: Database, catalog: FormCatalog, town: Town
) -> None:
    first = await start_chain(
        database,
        catalog,
        town,
        label="январь 2020",
        opens_at=local(2020, 1, 1),
        deadline_at=local(2020, 1, 31, 23, 59, 59),
        recurrence="monthly",
    )

    async def deliver(
        notices: Sequence[Notice], on_result: Callable[[NoticeResult], Awaitable[None]]
    ) -> None:
        for notice in notices:
            await on_result(NoticeResult(notice, Outcome.SENT, attempts=1))

    ran = asyncio.Event()
    scheduler = start_scheduler(
        "rounds-test", ReminderRuntime(database, catalog, deliver), tick_seconds=3600
    )
    job = scheduler.get_job(ROUNDS_JOB_ID)
    assert job.kwargs == {"runtime_key": "rounds-test"}
    assert (job.coalesce, job.max_instances, job.misfire_grace_time) == (True, 1, None)
    scheduler.add_listener(
        lambda event: ran.set() if event.job_id == ROUNDS_JOB_ID else None,
        EVENT_JOB_EXECUTED | EVENT_JOB_ERROR,
    )
    await asyncio.wait_for(ran.wait(), timeout=10)
    await stop_scheduler("rounds-test", scheduler)

    stored = await chain(database)
    assert len(stored) == 2  # today's round, after the missed ones
    assert stored[1].previous_campaign_id == first.id
    assert stored[1].opens_at <= utcnow() < stored[1].deadline_at
