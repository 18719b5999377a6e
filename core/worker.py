"""A job run in a spawned process of its own, so that the bot's chats go on meanwhile.

Building a regional export (or an order drafted from one) is seconds of pure Python over
millions of objects: in the bot's process it would hold the GIL against the event loop, stop the
loop while full garbage collections walk those objects, and leave the process hundreds of
megabytes larger. ``run_in_worker`` hands such a job to a fresh spawned process that exits when
it is done, giving its memory back.

The job function must be a module-level function (the worker imports its module afresh) and the
job and its result picklable. An exception raised in the worker comes back pickled, so refusals
the caller tells apart are better returned as plain values and raised again by the caller.
"""

import asyncio
import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar
from weakref import WeakKeyDictionary

Job = TypeVar("Job")
Result = TypeVar("Result")

# Jobs run at once in workers, of every kind: each may take a few hundred megabytes at
# regional scale, so exports and orders share the slots.
WORKERS = 2
_slots: "WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore]" = WeakKeyDictionary()


async def run_in_worker(function: Callable[[Job], Result], job: Job) -> Result:
    """``function(job)`` in a fresh spawned process, once one of the ``WORKERS`` slots of this
    event loop is free; the worker is terminated if the caller is cancelled meanwhile."""
    loop = asyncio.get_running_loop()
    async with _slots.setdefault(loop, asyncio.Semaphore(WORKERS)):
        # A fresh spawned process per job: nothing inherited from the bot's threads, and all
        # its memory returned when it exits.
        pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
        try:
            return await loop.run_in_executor(pool, function, job)
        except BaseException:
            # Nobody waits for the result any more (the handler was cancelled, the bot stops,
            # the worker died): stop the worker rather than finish work no one receives.
            # (The pool keeps its processes in a private attribute; Python 3.14 adds
            # terminate_workers() for this.)
            for process in list((getattr(pool, "_processes", None) or {}).values()):
                process.terminate()
            raise
        finally:
            # Joining the worker waits for it to free its heap and exit: not on the loop, and
            # shielded, so that the slot is not freed by a second cancellation before it is gone.
            await asyncio.shield(asyncio.to_thread(pool.shutdown, cancel_futures=True))
