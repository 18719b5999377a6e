"""A large export is made in a worker process of its own (``core.export.isolated``): the same
workbook, the same caption counts, the same refusals as when it is made in the bot's process."""

import asyncio
import io
import multiprocessing
import signal

import pytest
from openpyxl import load_workbook

from core.access import AccessDenied
from core.export import ExportFile, MixedForms, build_export, export_file, export_filename
from core.export.isolated import ISOLATE_FROM
from exports.workbook import render_workbook
from storage import Database
from tests.services.test_export import NOW, World, sample_world


@pytest.fixture
async def world(database: Database) -> World:
    return await sample_world(database)


async def _in_worker(database: Database, world: World, actor: str, *rounds: str) -> ExportFile:
    return await export_file(
        database,
        world.catalog,
        world.actors[actor],
        campaign_ids=[world.campaigns[name] for name in rounds],
        district_id=None,
        now=NOW,
        school_periods=ISOLATE_FROM,  # large enough for a process of its own
    )


async def test_a_large_export_is_made_in_a_worker_process_with_the_same_workbook(
    database: Database, world: World
) -> None:
    here = await build_export(
        database,
        world.catalog,
        world.actors["methodist"],
        campaign_ids=[world.campaigns["city"]],
        now=NOW,
    )
    made = await _in_worker(database, world, "methodist", "city")

    assert made.filename == export_filename(here, here.generated_at.date())
    assert (made.done, made.late, made.total) == here.latest_counts() == (5, 3, 7)
    assert made.title == f"{here.short_title} — {here.latest.label}"
    theirs = load_workbook(io.BytesIO(made.content))
    ours = load_workbook(io.BytesIO(render_workbook(here.sheets)))
    assert theirs.sheetnames == ours.sheetnames
    for name in ours.sheetnames:
        assert list(theirs[name].values) == list(ours[name].values), name


async def test_a_worker_process_refuses_as_the_bot_would(database: Database, world: World) -> None:
    with pytest.raises(AccessDenied):  # a respondent
        await _in_worker(database, world, "ivanova", "city")
    with pytest.raises(MixedForms):  # rounds of different monitorings
        await _in_worker(database, world, "admin", "city", "region_2")


async def test_a_cancelled_export_stops_its_worker(database: Database, world: World) -> None:
    task = asyncio.create_task(_in_worker(database, world, "methodist", "city"))
    for _ in range(200):  # the worker process is spawned when the export is handed to it
        workers = multiprocessing.active_children()
        if workers:
            break
        await asyncio.sleep(0.01)
    assert workers, "no worker process was started"

    task.cancel()  # the methodist's handler is cancelled (the bot stops)
    with pytest.raises(asyncio.CancelledError):
        await task
    # The worker was stopped, not left to finish a file nobody receives.
    assert all(worker.exitcode == -signal.SIGTERM for worker in workers)
    assert not multiprocessing.active_children()
