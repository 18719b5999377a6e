"""``core.worker.run_in_worker``: a job in a spawned process of its own, at most ``WORKERS`` at
once per event loop. (Cancellation is tested with the exports and orders that use it.)"""

import asyncio
import os
import time

import pytest

from core import worker


def _hold(seconds: float) -> tuple[int, float, float]:
    """In the worker: its process id, and when it started and finished holding."""
    start = time.monotonic()
    time.sleep(seconds)
    return os.getpid(), start, time.monotonic()


def _refuse(reason: str) -> None:
    raise ValueError(reason)


async def test_a_job_runs_in_another_process_one_slot_at_a_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(worker, "WORKERS", 1)
    first, second = await asyncio.gather(
        worker.run_in_worker(_hold, 0.3), worker.run_in_worker(_hold, 0.3)
    )
    assert os.getpid() not in {first[0], second[0]}
    assert first[0] != second[0]  # a fresh process for each job
    earlier, later = sorted([first, second], key=lambda held: held[1])
    assert earlier[2] <= later[1]  # the second waited for the slot


async def test_an_exception_in_the_worker_comes_back() -> None:
    with pytest.raises(ValueError, match="no such round"):
        await worker.run_in_worker(_refuse, "no such round")
