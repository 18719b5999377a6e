"""A large round's order is drafted in a worker process of its own (``core.order.isolated``): the
same draft, the same refusals as when it is drafted in the bot's process.

Томский район's 2nd half-year of ``teachers`` (the sample world of ``tests.services.test_export``)
is drafted against its 1st half-year, so the size that decides counts both rounds' schools.
"""

import asyncio
import multiprocessing
import signal
from typing import Any, NoReturn

import pytest

import core.order.draft
from core.access import AccessDenied, Action
from core.order import OrderDraft, draft_order, draft_order_isolated, list_orderable
from core.order import isolated as order_isolated
from storage import Database
from tests.services.test_export import NOW, World, sample_world


@pytest.fixture
async def world(database: Database) -> World:
    return await sample_world(database)


async def _draft(database: Database, world: World, actor: str, round_: str) -> OrderDraft:
    return await draft_order_isolated(
        database, world.catalog, world.actors[actor], campaign_id=world.campaigns[round_], now=NOW
    )


async def _school_periods(database: Database, world: World) -> int:
    """The schools of Томский район's two rounds, as the region's methodist sees them."""
    choices = await list_orderable(database, world.catalog, world.actors["region_methodist"])
    rounds = {world.campaigns["region_1"], world.campaigns["region_2"]}
    return sum(choice.schools for choice in choices if choice.campaign_id in rounds)


def _nowhere(*args: Any, **kwargs: Any) -> NoReturn:
    raise AssertionError("called in the test's process")


async def test_a_large_round_is_drafted_in_a_worker_process_as_in_this_one(
    database: Database, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = await draft_order(
        database,
        world.catalog,
        world.actors["region_methodist"],
        campaign_id=world.campaigns["region_2"],
        now=NOW,
    )
    assert (here.period, here.previous_period) == ("2 полугодие", "1 полугодие")

    # The schools of both rounds count: one school-period fewer and it is drafted here.
    size = await _school_periods(database, world)
    monkeypatch.setattr(order_isolated, "ISOLATE_FROM", size + 1)
    monkeypatch.setattr(order_isolated, "run_in_worker", _nowhere)
    assert await _draft(database, world, "region_methodist", "region_2") == here
    monkeypatch.undo()

    # From that size, in a worker: this process could not build the export any more.
    monkeypatch.setattr(order_isolated, "ISOLATE_FROM", size)
    monkeypatch.setattr(core.order.draft, "build_export", _nowhere)
    assert await _draft(database, world, "region_methodist", "region_2") == here


async def test_a_worker_process_refuses_as_the_bot_would(
    database: Database, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(order_isolated, "ISOLATE_FROM", 0)
    with pytest.raises(AccessDenied):  # a respondent: refused before any worker is started
        await _draft(database, world, "ivanova", "city")
    assert not multiprocessing.active_children()

    # The round leaves the actor's scope after its size was taken: the worker checks again.
    admins = await list_orderable(database, world.catalog, world.actors["admin"])
    [regional] = [c for c in admins if c.campaign_id == world.campaigns["region_2"]]

    async def in_scope_meanwhile(*args: Any) -> tuple[Any, None]:
        return regional, None

    monkeypatch.setattr(order_isolated, "order_rounds", in_scope_meanwhile)
    with pytest.raises(AccessDenied) as refused:  # the city's methodist
        await _draft(database, world, "methodist", "region_2")
    assert refused.value.args == (Action.ORDER,)


async def test_a_cancelled_draft_stops_its_worker(
    database: Database, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(order_isolated, "ISOLATE_FROM", 0)
    task = asyncio.create_task(_draft(database, world, "region_methodist", "region_2"))
    for _ in range(200):  # the worker process is spawned when the draft is handed to it
        workers = multiprocessing.active_children()
        if workers:
            break
        await asyncio.sleep(0.01)
    assert workers, "no worker process was started"

    task.cancel()  # the methodist's handler is cancelled (the bot stops)
    with pytest.raises(asyncio.CancelledError):
        await task
    assert all(worker.exitcode == -signal.SIGTERM for worker in workers)
    assert not multiprocessing.active_children()
