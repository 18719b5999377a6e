"""Whether a methodist's /export stalls other users: respondents' reply latency during one.

Run on demand (it is not a test)::

    .venv/bin/python -m bench.export_latency [--schools 2000] [--questions 60] [--periods 4]
                                             [--respondents 3] [--pace 1.0] [--baseline 20]
                                             [--database sqlite|postgres|URL]

One process, one event loop, as in production: the real app (``build_app``) long-polls a fresh
Bot API emulator on 127.0.0.1 over HTTP with ``handle_as_tasks=True`` (the harness of
``bench.answering``). The database holds the export of ``bench.export`` (``fill``: one
municipality, ``--schools`` schools, a ``--questions`` form, ``--periods`` campaigns of it) and,
in another municipality, one school per respondent with the ``vsoko`` form opened for it.

Each respondent opens the form (not timed), then answers it through real updates at a human pace:
``--pace`` seconds after each reply it sends the next answer (or, past the end of the form, the
review's edit button and a new answer, as ``bench.answering`` does). The latency of an update is
the time from the moment the respondent meant to send it (the previous reply's arrival plus the
pace) to the bot's reply; so a stalled event loop counts in full even though it also delays the
respondent's own sending (everything shares the loop).

Two timed phases, one after the other:

- **baseline**: the respondents answer for ``--baseline`` seconds and nothing else happens;
- **during export**: the respondents answer while a methodist of the export's municipality sends
  /export, presses "all periods", then "all schools"; the export runs from that press to the
  document's arrival (``export_file``, in a worker process at this size, then the upload: the
  handler as production runs it). Updates the respondents meant to send in that window count.

Besides the latencies, a ticker on the event loop measures how late it wakes (its longest stall
and the total time of stalls over 50 ms). ``--sample-stalls`` adds a thread that, whenever the
ticker is more than ``--stall-ms`` late, records the event-loop thread's stack: the report then
names the functions (file:line) the loop was in while it stalled and for how long.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import logging
import math
import os
import platform
import sys
import threading
import time
import traceback
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import aiogram
from sqlalchemy import select

from bench.answering import (
    FAILURES,
    FIRST_USER_ID,
    Inbox,
    Plan,
    UnexpectedReply,
    check_screen,
    exchange,
    make_plan,
    open_database,
    polling,
    populate,
)
from bench.arguments import positive
from bench.export import FORM_KEY, bench_form, fill
from bot.app import build_app
from bot.catalog import builtin_forms
from botapi_emulator import BotAPIEmulator, BotMessage, FakeUser
from core.forms.models import FormDefinition
from storage import Database
from storage.people import Role
from storage.schema import campaigns
from tests.factories import make_person
from tests.harness import TEST_TOKEN, test_settings
from texts import export as export_texts
from texts import questionnaire as texts

METHODIST_ID = 90_000  # below the respondents' FIRST_USER_ID
DEFAULT_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
TICK = 0.01  # seconds between the event-loop ticker's wake-ups
LONG_STALL = 0.05  # seconds: a late wake-up counted in "time stalled"
SHOWN_STALLS = 8  # the longest stalls listed
SAMPLE_EVERY = 0.005  # seconds between the stall sampler's looks
PROJECT = Path(__file__).resolve().parent.parent
FORM_BUTTON_PREFIX = export_texts.FORM_BUTTON.split("{", 1)[0]  # "📈 "
WHOLE_SCOPE_PREFIX = export_texts.WHOLE_SCOPE.split("{", 1)[0]  # "Все школы ("


# -- measurements --------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    intended: float  # time.perf_counter() when the respondent meant to send the update
    latency: float  # seconds from ``intended`` to the bot's reply


@dataclass
class Phase:
    name: str
    started: float = 0.0
    ended: float = 0.0
    samples: list[Sample] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def latencies(self) -> list[float]:
        """The updates meant to be sent within the phase (the stragglers left out)."""
        return sorted(s.latency for s in self.samples if self.started <= s.intended <= self.ended)


def percentile_ms(ordered: Sequence[float], percent: float) -> float:
    """Nearest-rank percentile of sorted seconds, in milliseconds."""
    if not ordered:
        return math.nan
    rank = max(1, math.ceil(percent / 100 * len(ordered)))
    return ordered[rank - 1] * 1000


class Ticker:
    """Wakes every TICK seconds on the event loop and records how late each wake-up was."""

    def __init__(self) -> None:
        self.beat = time.perf_counter()  # the last wake-up, read by the stall sampler
        self.lags: list[tuple[float, float]] = []  # (when the sleep began, seconds late)

    async def run(self) -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(TICK)
            self.beat = time.perf_counter()
            self.lags.append((before, self.beat - before - TICK))

    def within(self, started: float, ended: float) -> tuple[float, float]:
        """(longest stall, total seconds of stalls over LONG_STALL) within a window."""
        lags = [lag for at, lag in self.lags if started <= at <= ended]
        longest = max(lags, default=0.0)
        return longest, sum(lag for lag in lags if lag > LONG_STALL)


@dataclass(frozen=True)
class StallSample:
    at: float  # time.perf_counter()
    seconds: float  # since the sampler's previous look
    site: str  # the innermost project frame
    innermost: str  # the innermost frame of all
    stack: str  # the innermost project frames, outermost first


class StallSampler:
    """A thread that records the event-loop thread's stack while the ticker is late."""

    def __init__(self, ticker: Ticker, threshold: float) -> None:
        self._ticker = ticker
        self._threshold = threshold
        self._loop_thread = threading.get_ident()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="stall-sampler", daemon=True)
        self.samples: list[StallSample] = []

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        last = time.perf_counter()
        while not self._stop.wait(SAMPLE_EVERY):
            now = time.perf_counter()
            elapsed, last = now - last, now
            if now - self._ticker.beat <= self._threshold + TICK:
                continue
            frame = sys._current_frames().get(self._loop_thread)
            if frame is None:
                continue
            stack = traceback.extract_stack(frame)
            ours = [f for f in stack if _is_project(f.filename)]
            self.samples.append(
                StallSample(
                    at=now,
                    seconds=elapsed,
                    site=_where(ours[-1]) if ours else "(no project frame)",
                    innermost=_where(stack[-1]),
                    stack=" > ".join(_where(f) for f in ours[-3:]),
                )
            )

    def within(self, started: float, ended: float) -> list[StallSample]:
        return [sample for sample in self.samples if started <= sample.at <= ended]


def _is_project(filename: str) -> bool:
    path = Path(filename)
    return path.is_relative_to(PROJECT) and ".venv" not in path.parts


def _where(frame: traceback.FrameSummary) -> str:
    path = Path(frame.filename)
    shown = path.relative_to(PROJECT) if path.is_relative_to(PROJECT) else Path(*path.parts[-3:])
    return f"{frame.name} ({shown}:{frame.lineno})"


class Collections:
    """The garbage collector's runs (they hold the GIL, so every thread waits for them)."""

    def __init__(self) -> None:
        self.runs: list[tuple[float, float, int]] = []  # (started, seconds, generation)
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        now = time.perf_counter()
        if phase == "start":
            self._started = now
        else:
            self.runs.append((self._started, now - self._started, info["generation"]))

    def within(self, started: float, ended: float) -> list[tuple[float, float, int]]:
        return [run for run in self.runs if started <= run[0] <= ended]


@dataclass
class Watch:
    ticker: Ticker
    sampler: StallSampler | None  # with --sample-stalls
    collections: Collections


@contextlib.asynccontextmanager
async def watching(sample: bool, threshold: float) -> AsyncIterator[Watch]:
    """The ticker, the garbage collector's runs and, when asked, the stall sampler."""
    ticker = Ticker()
    task = asyncio.create_task(ticker.run())
    sampler = StallSampler(ticker, threshold) if sample else None
    collections = Collections()
    gc.callbacks.append(collections)
    if sampler is not None:
        sampler.start()
    try:
        yield Watch(ticker, sampler, collections)
    finally:
        if sampler is not None:
            sampler.stop()
        gc.callbacks.remove(collections)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


# -- the people ----------------------------------------------------------------------------


class Chats(Inbox):
    """``bench.answering``'s inbox with a longer wait, for the export's document."""

    async def within(self, chat_id: int, seconds: float) -> tuple[float, BotMessage]:
        reply = await asyncio.wait_for(self._queues[chat_id].get(), seconds)
        return reply.at, reply.message


class Respondent:
    """One person answering the form: ``pace`` seconds after each reply, the next update."""

    def __init__(
        self, inbox: Chats, user: FakeUser, form: FormDefinition, plan: Plan, pace: float
    ) -> None:
        self.inbox, self.user, self.form, self.plan, self.pace = inbox, user, form, plan, pace
        self.screen: BotMessage | None = None
        self.step = 0

    async def open_form(self) -> None:
        _, listing = await exchange(
            self.inbox, self.user, press=None, typed=texts.MY_FORMS_BUTTON, on=None
        )
        label = texts.BUTTON_START.format(title=self.form.short_title)
        _, screen = await exchange(self.inbox, self.user, press=label, typed=None, on=listing)
        check_screen(self.form, screen, self.plan.first)
        self.screen = screen

    async def answer(self, phase: Phase, first: float, stop: asyncio.Event) -> None:
        """Answer until ``stop``; the first update is meant for ``first`` (perf_counter)."""
        intended = first
        while self.step < len(self.plan.steps) and self.screen is not None:
            wait = intended - time.perf_counter()
            if wait > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), wait)
            if stop.is_set():
                return
            step = self.plan.steps[self.step]
            try:
                self.inbox.expect_quiet(self.user.chat_id)
                if step.typed is not None:
                    await self.user.send(step.typed)
                else:
                    assert step.press is not None
                    await self.user.press(step.press, message=self.screen)
                arrived, screen = await self.inbox.within(self.user.chat_id, 60.0)
                check_screen(self.form, screen, step.expect)
            except (*FAILURES, TimeoutError) as error:
                phase.failures.append(f"user {self.user.user_id}, step {self.step + 1}: {error}")
                self.screen = None
                return
            phase.samples.append(Sample(intended, arrived - intended))
            self.screen, self.step = screen, self.step + 1
            intended = arrived + self.pace


def respond(
    respondents: Sequence[Respondent], phase: Phase, stop: asyncio.Event, pace: float
) -> list[asyncio.Task[None]]:
    """Start every respondent, staggered over one pace so they do not move in step."""
    now = time.perf_counter()
    return [
        asyncio.create_task(person.answer(phase, now + pace * index / len(respondents), stop))
        for index, person in enumerate(respondents)
    ]


async def finish(tasks: Sequence[asyncio.Task[None]], stop: asyncio.Event) -> None:
    stop.set()
    await asyncio.wait_for(asyncio.gather(*tasks), 90.0)


@dataclass(frozen=True)
class ExportDone:
    seconds: float  # from the press that starts the export to the document's arrival
    size: int  # bytes of the workbook
    caption: str


async def export_once(inbox: Chats, methodist: FakeUser, phase: Phase, limit: float) -> ExportDone:
    """The methodist's /export of every period and school; sets ``phase.started``."""
    _, listing = await exchange(inbox, methodist, press=None, typed="/export", on=None)
    every = [b for b in listing.button_texts if b.startswith(FORM_BUTTON_PREFIX)]
    pick = every[0] if every else listing.button_texts[0]
    phase.started = time.perf_counter()
    _, shown = await exchange(inbox, methodist, press=pick, typed=None, on=listing)
    if (shown.plain_text or "") == export_texts.CHOOSE_DISTRICT:
        whole = next(b for b in shown.button_texts if b.startswith(WHOLE_SCOPE_PREFIX))
        phase.started = time.perf_counter()
        _, shown = await exchange(inbox, methodist, press=whole, typed=None, on=shown)
    if (shown.plain_text or "") != export_texts.PREPARING:
        raise UnexpectedReply(f"expected {export_texts.PREPARING!r}, got {shown.plain_text!r}")
    left = phase.started + limit - time.perf_counter()
    try:
        arrived, document = await inbox.within(methodist.chat_id, left)
    except TimeoutError:
        raise TimeoutError(f"no export within {limit:g} s") from None
    phase.ended = arrived
    if document.document is None:
        raise UnexpectedReply(f"expected the workbook, got {document.plain_text!r}")
    return ExportDone(
        arrived - phase.started, len(document.document.content), document.plain_text or ""
    )


# -- the run -------------------------------------------------------------------------------


def database_spec(given: str) -> str:
    if given == "postgres":
        return os.environ.get("TEST_POSTGRES_URL", DEFAULT_POSTGRES)
    return given


async def export_municipality(database: Database, campaign_id: int) -> int:
    async with database.read() as conn:
        found = await conn.scalar(
            select(campaigns.c.municipality_id).where(campaigns.c.id == campaign_id)
        )
    assert found is not None
    return int(found)


@dataclass
class Outcome:
    baseline: Phase
    export: Phase
    done: ExportDone | None
    stalls: dict[str, tuple[float, float]]  # phase name -> (longest, total of long stalls)
    watch: Watch
    setup_seconds: float


async def run(args: argparse.Namespace, database: Database) -> Outcome:
    form = builtin_forms()[args.form]
    answers = math.ceil((args.baseline + args.timeout) / args.pace) + 20
    plan = make_plan(form, answers)
    async with BotAPIEmulator() as emulator:
        inbox = Chats(emulator)
        app = await build_app(
            test_settings(database, emulator.base_url),
            database,
            token=TEST_TOKEN,
            extra_forms={FORM_KEY: bench_form(args.questions)},
            retry_options={"server_error_backoff": 0.01},
        )
        started = time.perf_counter()
        print("filling the database…", flush=True)
        campaign_ids = await fill(database, args)
        town_id = await export_municipality(database, campaign_ids[0])
        await make_person(
            database,
            METHODIST_ID,
            Role.METHODIST,
            full_name="Методистова Ольга Ивановна",
            municipality_id=town_id,
        )
        await populate(database, app.catalog, form.id, args.respondents)
        setup_seconds = time.perf_counter() - started
        print(f"set-up: {setup_seconds:.1f} s", flush=True)
        methodist = FakeUser(emulator, METHODIST_ID, first_name="Ольга")
        inbox.watch(methodist.chat_id)
        people = []
        for index in range(args.respondents):
            user = FakeUser(emulator, FIRST_USER_ID + index, first_name="Анна")
            inbox.watch(user.chat_id)
            people.append(Respondent(inbox, user, form, plan, args.pace))
        baseline, export = Phase("baseline"), Phase("during export")
        done: ExportDone | None = None
        async with polling(app.dispatcher, app.bot):
            await asyncio.gather(*(person.open_form() for person in people))
            async with watching(args.sample_stalls, args.stall_ms / 1000) as watch:
                print(f"baseline: answering for {args.baseline:g} s…", flush=True)
                stop = asyncio.Event()
                tasks = respond(people, baseline, stop, args.pace)
                baseline.started = time.perf_counter()
                await asyncio.sleep(args.baseline)
                baseline.ended = time.perf_counter()
                await finish(tasks, stop)

                print("export: answering while the methodist exports…", flush=True)
                stop = asyncio.Event()
                tasks = respond(people, export, stop, args.pace)
                await asyncio.sleep(args.pace)  # the respondents in their stride first
                try:
                    done = await export_once(inbox, methodist, export, args.timeout)
                except (*FAILURES, TimeoutError) as error:
                    export.failures.append(f"the export: {error}")
                    export.ended = time.perf_counter()
                await finish(tasks, stop)
                stalls = {
                    phase.name: watch.ticker.within(phase.started, phase.ended)
                    for phase in (baseline, export)
                }
        await app.sending_bot.session.close()
    return Outcome(
        baseline,
        export,
        done,
        stalls,
        watch,
        setup_seconds,
    )


# -- the report ----------------------------------------------------------------------------


def report(args: argparse.Namespace, described: str, outcome: Outcome) -> int:
    print()
    print(
        f"conditions: {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"aiogram {aiogram.__version__}, {described}, "
        f"GIL switch interval {sys.getswitchinterval() * 1000:g} ms"
    )
    print(
        f"export: {args.schools} schools × {args.questions} questions × {args.periods} periods "
        f"({args.districts} districts), all periods, all schools, by a methodist through /export"
    )
    print(
        f"respondents: {args.respondents}, each answering the {args.form!r} form "
        f"{args.pace:g} s after each reply"
    )
    done = outcome.done
    if done is not None:
        print(
            f"export duration: {done.seconds:.1f} s (the press to the document), "
            f"{done.size / 2**20:.1f} MiB"
        )
    print()
    print(f"{'':<15}{'replies':>9}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}{'loop stall':>12}")
    for phase in (outcome.baseline, outcome.export):
        found = phase.latencies()
        longest, _ = outcome.stalls[phase.name]
        cells = [percentile_ms(found, p) for p in (50, 95, 100)]
        print(
            f"{phase.name:<15}{len(found):>9}"
            + "".join(f"{cell:>10.1f}" for cell in cells)
            + f"{longest * 1000:>10.0f} ms"
        )
    for phase in (outcome.baseline, outcome.export):
        longest, total = outcome.stalls[phase.name]
        width = phase.ended - phase.started
        print(
            f"{phase.name}: {width:.1f} s; event loop stalled over {LONG_STALL * 1000:g} ms "
            f"for {total:.1f} s in all, the longest {longest * 1000:.0f} ms; "
            + collected(outcome.watch.collections.within(phase.started, phase.ended))
        )
    show_longest(outcome.watch, outcome.export)
    if outcome.watch.sampler is not None:
        stalled = outcome.watch.sampler.within(outcome.export.started, outcome.export.ended)
        if stalled:
            show_sampler(stalled, args.stall_ms)
    failures = outcome.baseline.failures + outcome.export.failures
    for failure in failures[:5]:
        print(f"failure: {failure}")
    return 1 if failures or done is None else 0


def collected(runs: Sequence[tuple[float, float, int]]) -> str:
    if not runs:
        return "no garbage collection"
    oldest = [run for run in runs if run[2] == 2]
    text = f"garbage collection {sum(run[1] for run in runs):.2f} s in {len(runs)} runs"
    if oldest:
        text += (
            f" ({len(oldest)} of generation 2, the longest "
            f"{max(run[1] for run in oldest) * 1000:.0f} ms)"
        )
    return text


def show_longest(watch: Watch, phase: Phase) -> None:
    """The longest stalls of the event loop during the phase: the garbage collector's runs
    within each and, with the sampler, where the loop's thread was."""
    stalls = sorted(
        ((at, lag) for at, lag in watch.ticker.lags if phase.started <= at <= phase.ended),
        key=lambda stall: stall[1],
        reverse=True,
    )[:SHOWN_STALLS]
    stalls = [(at, lag) for at, lag in stalls if lag >= LONG_STALL]
    if not stalls:
        return
    print("the longest stalls during the export (seconds from its start, length, what ran):")
    for at, lag in stalls:
        line = f"  +{at - phase.started:5.1f} s {lag * 1000:6.0f} ms"
        runs = watch.collections.within(at, at + TICK + lag)
        if runs:
            longest = max(runs, key=lambda run: run[1])
            line += (
                f"  gc: {len(runs)} runs, {sum(run[1] for run in runs) * 1000:.0f} ms "
                f"(gen {longest[2]}: {longest[1] * 1000:.0f} ms)"
            )
        inside = [] if watch.sampler is None else watch.sampler.within(at, at + TICK + lag)
        if inside:
            stack, count = Counter(sample.stack for sample in inside).most_common(1)[0]
            line += f"  loop thread ({count}/{len(inside)} samples): {stack}"
        elif watch.sampler is not None:
            line += "  loop thread: no sample (the sampler did not get the GIL)"
        print(line)


def show_sampler(samples: Sequence[StallSample], threshold_ms: float) -> None:
    """Where the event loop's thread was while the loop was late, by share of the samples."""
    seconds = sum(sample.seconds for sample in samples)
    print()
    print(
        f"during the export the event loop was over {threshold_ms:g} ms late for about "
        f"{seconds:.1f} s ({len(samples)} samples); where its thread was meanwhile "
        "(innermost project frame ⟶ innermost frame):"
    )
    sites = Counter((sample.site, sample.innermost) for sample in samples)
    for (site, innermost), count in sites.most_common(12):
        print(f"  {count / len(samples):6.1%}  {site}  ⟶  {innermost}")
    print("the commonest project stacks (outermost first):")
    for stack, count in Counter(sample.stack for sample in samples).most_common(6):
        print(f"  {count / len(samples):6.1%}  {stack}")


async def benchmark(args: argparse.Namespace) -> int:
    if args.form not in builtin_forms():
        raise SystemExit(f"--form: one of {', '.join(sorted(builtin_forms()))}")
    async with open_database(database_spec(args.database)) as (database, described):
        outcome = await run(args, database)
    return report(args, described, outcome)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.export_latency",
        description="Respondents' reply latency while a methodist's /export runs.",
    )
    parser.add_argument("--schools", type=positive, default=2000, help="default: 2000")
    parser.add_argument("--questions", type=positive, default=60, help="default: 60")
    parser.add_argument("--periods", type=positive, default=4, help="default: 4")
    parser.add_argument("--districts", type=positive, default=20, help="default: 20")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--respondents", type=positive, default=3, help="default: 3")
    parser.add_argument(
        "--pace", type=float, default=1.0, help="seconds from a reply to the next update; 1"
    )
    parser.add_argument(
        "--baseline", type=float, default=20.0, help="seconds of answering with no export; 20"
    )
    parser.add_argument("--form", default="vsoko", help="the respondents' form; vsoko")
    parser.add_argument(
        "--database",
        default="sqlite",
        help="'sqlite' (a temporary file; the default), 'postgres' (TEST_POSTGRES_URL, else "
        f"{DEFAULT_POSTGRES}) or a postgresql+asyncpg:// URL on 127.0.0.1; on PostgreSQL the "
        "run uses a new schema and drops it",
    )
    parser.add_argument(
        "--timeout", type=float, default=600.0, help="seconds the export may take; 600"
    )
    parser.add_argument(
        "--sample-stalls",
        action="store_true",
        help="record where the event loop's thread is while the loop is late",
    )
    parser.add_argument(
        "--stall-ms", type=float, default=50.0, help="lateness that counts as a stall; 50"
    )
    parser.add_argument(
        "--switch-interval",
        type=float,
        default=None,
        metavar="MS",
        help="set sys.setswitchinterval (Python's default: 5 ms), to test GIL contention",
    )
    args = parser.parse_args(argv)
    if args.pace <= 0 or args.baseline <= 0 or args.timeout <= 0:
        parser.error("--pace, --baseline and --timeout must be positive")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if args.switch_interval is not None:
        sys.setswitchinterval(args.switch_interval / 1000)
    return asyncio.run(benchmark(args))


if __name__ == "__main__":
    sys.exit(main())
