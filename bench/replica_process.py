"""One webhook replica of the bot in a process of its own, for ``bench.replicas``.

The child is ``python -m bench.replica_process``; it talks to its parent over pipes:

- stdin: one JSON line (``Replica``: the database and the fake Bot API to use), then nothing;
  end of file means "stop". A parent that dies closes the pipe, so no replica outlives it.
- stdout: one line, the port of the webhook on 127.0.0.1, once it serves (the app built, the
  dispatcher started). Anything else the child prints goes to stderr, inherited from the parent.

The replica is the production one: ``bot.app.build_app`` served by ``bot.webhook.serving``, with
the per-chat lock of PostgreSQL (``bot.isolation``).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TextIO

import aiohttp

from bot.app import build_app
from bot.webhook import HEALTH_PATH, serving
from core.forms.models import FormDefinition
from storage import Database
from tests import harness

SECRET = "bench-secret"
PATH = "/webhook"
ROOT = Path(__file__).resolve().parents[1]  # the child's cwd, where ``-m bench.…`` is found
START_TIMEOUT = 60.0  # seconds: imports, migrations check and startup on a busy machine
STOP_TIMEOUT = 30.0  # seconds for a replica to finish its updates and close


def numbers_form(answers: int) -> FormDefinition:
    """A form of ``answers`` integer questions: one update per answer, no buttons."""
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


@dataclass(frozen=True, slots=True)
class Replica:
    """What a child needs to build the app: plain values, sent as JSON."""

    database_url: str
    engine_options: dict[str, Any]  # the schema, as ``Database.engine_options`` holds it
    api_url: str  # the fake Bot API's base URL
    answers: int  # questions of ``numbers_form``

    @classmethod
    def of(cls, database: Database, api_url: str, answers: int) -> Replica:
        return cls(database.url, database.engine_options, api_url, answers)


# -- the parent's side ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Running:
    pid: int
    url: str  # the webhook


@asynccontextmanager
async def replica_process(replica: Replica) -> AsyncIterator[Running]:
    """Start a replica and wait until it serves; on the way out (an error and Ctrl-C included)
    ask it to stop, and kill it if it does not within ``STOP_TIMEOUT``."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        __name__,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        cwd=ROOT,
        start_new_session=True,  # Ctrl-C reaches the parent only; it stops the replicas itself
    )
    assert process.stdin is not None
    assert process.stdout is not None
    try:
        process.stdin.write(json.dumps(asdict(replica)).encode() + b"\n")
        await process.stdin.drain()
        line = await asyncio.wait_for(process.stdout.readline(), START_TIMEOUT)
        if not line:
            raise RuntimeError(f"replica {process.pid} exited ({await process.wait()}) at start")
        port = int(line)
        await _healthy(port)
        yield Running(process.pid, f"http://127.0.0.1:{port}{PATH}")
    except BaseException:
        await _stop(process)
        raise
    if code := await _stop(process):
        raise RuntimeError(f"replica {process.pid} exited with {code}")


async def _healthy(port: int) -> None:
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"http://127.0.0.1:{port}{HEALTH_PATH}") as answer,
    ):
        if answer.status != 200:
            raise RuntimeError(f"replica on port {port}: health {answer.status}")


async def _stop(process: asyncio.subprocess.Process) -> int:
    """Close its stdin, the signal to stop, and wait; kill it after ``STOP_TIMEOUT``, or at once
    when cancelled again (a second Ctrl-C)."""
    if process.stdin is not None:
        process.stdin.close()
    try:
        return await asyncio.wait_for(process.wait(), STOP_TIMEOUT)
    except TimeoutError:
        process.kill()
        return await process.wait()
    except asyncio.CancelledError:
        process.kill()
        await process.wait()
        raise


# -- the child's side ----------------------------------------------------------------------


async def serve(report: TextIO) -> None:
    """Read the ``Replica``, serve its webhook and report the port; return at end of input."""
    loop = asyncio.get_running_loop()
    stdin = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(stdin), sys.stdin)
    replica = Replica(**json.loads(await stdin.readline()))
    form = numbers_form(replica.answers)
    database = Database(replica.database_url, **replica.engine_options)
    try:
        app = await build_app(
            harness.test_settings(database, replica.api_url),
            database,
            token=harness.TEST_TOKEN,
            extra_forms={form.id: form},
        )
        try:
            async with serving(
                app, host="127.0.0.1", port=0, path=PATH, secret_token=SECRET
            ) as port:
                print(port, file=report, flush=True)
                await stdin.read()  # until the parent closes the pipe
        finally:
            await app.close()
    finally:
        await database.close()


def main() -> None:
    # The port goes to the real stdout; whatever else writes to stdout lands on stderr.
    report = os.fdopen(os.dup(sys.stdout.fileno()), "w")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    with report:
        asyncio.run(serve(report))


if __name__ == "__main__":
    main()
