"""How fast the bot takes questionnaire answers from many respondents at once.

Run on demand (it is not a test)::

    .venv/bin/python -m bench.answering [--respondents N] [--answers M] [--database sqlite|URL]

Two runs on the same harness, one after the other, each with a fresh Bot API emulator on
127.0.0.1 and the bot long-polling it over real HTTP with ``handle_as_tasks=True`` (production
mode):

- **bot**: the real app (``build_app``: database FSM storage,
  ``SimpleEventIsolation``, every router) on a migrated, prepared database with N schools in one
  municipality, one respondent per school and the form (``vsoko`` by default) opened for all of
  them. Each respondent first opens the form ("📋 Мои анкеты", then the form's button; not
  timed), then gives M answers.
- **echo**: a bare aiogram ``Dispatcher`` with one router that answers every message with its
  text; each respondent sends M messages (after one untimed warm-up message).

The M answers: each respondent walks the form from its first question, pressing the option that
opens the most questions or typing a valid value (a date, a number, a text, a link), one update
per answer. When the walk reaches the review screen before M answers, the rest are re-answers of
the last typed question: press its edit button on the review (a navigation update, timed but not
counted as an answer), then type a new answer, after which the bot shows the review again.

All N respondents act at once (one asyncio task each), like people: each waits for the bot's
reply to its previous update before sending the next, at once or, with ``--pace S``, after
thinking S seconds on average (uniform between S/2 and 3S/2; the first update within S).
Without a pace the run measures how fast the bot can go; with one, the latency people see at
a given load (e.g. ``--respondents 200 --pace 5``: 40 updates/s offered). The latency of an
update is the time from the moment the respondent meant to send it (at once, or the end of
the thinking) to the bot's next sent message in that chat, taken in the emulator's message
listener, in the same process and clock: a stalled event loop, which also delays the sending,
counts in full. Throughput is answers over the wall time of
the timed part. At the end the answer history rows in the database are counted and compared with
the answers the bot accepted.

Both runs are repeated (``--runs``, 3 by default; each bot run on a fresh database) and the table
gives the median of each figure. CPU per update is the process CPU time of the timed part
(``time.process_time``) over the updates: it includes the emulator and the simulated people,
which run in the same process, for the bot and the echo bot alike. ``bot/echo`` is the ratio of
throughput (the bot's answers/s over the echo bot's); with a pace, which sets both rates, it is
the ratio of CPU per update (echo's over the bot's: the share of the echo bot's rate the bot
would reach on the same CPU).

Last, the respondent's "📋 Мои анкеты" path (``core.questionnaires.forms_to_answer``, what the
button runs) is timed on a directory of ``--schools`` schools (2,000 by default), with the whole
directory read (``load_directory``) beside it for scale.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import gc
import io
import logging
import math
import os
import platform
import pstats
import random
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TypeVar
from uuid import uuid4

import aiogram
from aiogram import Bot, Dispatcher, Router
from aiogram.types import Message
from sqlalchemy import event, func, select, text
from sqlalchemy.engine import make_url

from bench.arguments import positive
from bot import heap
from bot.app import ALLOWED_UPDATES, build_app
from bot.catalog import builtin_forms, prepare
from bot.telegram import create_bot
from botapi_emulator import BotAPIEmulator, BotMessage, FakeUser
from botapi_emulator.chat import MessageEvent
from core.actors import Actor, resolve_actor
from core.campaigns import open_form_for_schools
from core.directory import load_directory
from core.forms.engine import next_question, visible_questions
from core.forms.inputs import Accepted, Choice, RawInput, Text
from core.forms.models import FormDefinition, Question, QuestionType
from core.forms.parsing import parse
from core.questionnaires import FormCatalog, forms_to_answer
from storage import Database
from storage.people import Role
from storage.schema import answer_history
from storage.types import utcnow
from tests.factories import make_person, make_town
from tests.harness import TEST_TOKEN, InFlight, test_settings
from texts import forms as form_texts
from texts import questionnaire as texts

T = TypeVar("T")

FIRST_USER_ID = 100_000  # respondent i has Telegram id FIRST_USER_ID + i
REPLY_TIMEOUT = 30.0  # seconds a respondent waits for the bot's reply to one update
START_TIMEOUT = 10.0  # seconds for polling to start
DRAIN_TIMEOUT = 30.0  # seconds for handlers still running when a run ends
STOP_TIMEOUT = 10.0  # seconds for polling to stop
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
ORGANISER = Actor(telegram_id=0, user=None, bootstrap_admin=True)
QUESTION_PREFIX = form_texts.PROGRESS.split("{", 1)[0]  # "Вопрос "
REVIEW_PREFIX = texts.REVIEW_HEADER.split("{", 1)[0]  # "Проверьте ответы — «"
SAMPLE_DATE = "25.12.2020"
SAMPLE_NUMBERS = ("3", "0", "1", "10", "50", "100", "500")
SAMPLE_TEXT = "Проведены занятия по плану"
SAMPLE_URL = "https://school5.tomsk.ru/shnor"


class UnsupportedForm(Exception):
    """The form needs an answer that takes more than one update (or a file)."""


class UnexpectedReply(Exception):
    """The bot answered an update with something other than the expected screen."""


# -- the respondents' script ---------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One update a respondent sends: a button press on the screen on top, or typed text."""

    press: str | None
    typed: str | None
    expect: str | None  # the question the bot should show next; None: the review screen
    is_answer: bool = True


@dataclass(frozen=True)
class Plan:
    first: str  # the question the form opens with
    steps: list[Step]
    walked: int  # answers given walking the form; the rest re-answer ``repeated``
    repeated: str | None

    @property
    def answers(self) -> int:
        return sum(step.is_answer for step in self.steps)

    @property
    def updates(self) -> int:
        return len(self.steps)

    def describe(self) -> str:
        typed = sum(step.typed is not None for step in self.steps[: self.walked])
        text = (
            f"{self.walked} answers walking the form ({self.walked - typed} buttons, {typed} typed)"
        )
        extra = self.answers - self.walked
        if extra:
            text += (
                f", then {extra} × (the review's edit button, a navigation update not counted "
                f"as an answer, + a new typed answer to {self.repeated!r})"
            )
        return text


Candidate = tuple[str | None, str | None, RawInput]  # (button label, typed text, raw input)


def candidates(question: Question) -> list[Candidate]:
    """Answers a respondent may give with one update, in order of preference."""
    kind = question.type
    if kind is QuestionType.YES_NO:
        return [(form_texts.YES, None, Choice("yes")), (form_texts.NO, None, Choice("no"))]
    if kind is QuestionType.SINGLE:
        return [(option.button_text, None, Choice(option.id)) for option in question.options]
    if kind is QuestionType.DATE:
        return [(None, SAMPLE_DATE, Text(SAMPLE_DATE)), (form_texts.TODAY, None, Choice("today"))]
    if kind in (QuestionType.INTEGER, QuestionType.DECIMAL, QuestionType.PERCENT):
        return [(None, number, Text(number)) for number in SAMPLE_NUMBERS]
    if kind in (QuestionType.TEXT, QuestionType.LONG_TEXT):
        sample = SAMPLE_TEXT + "." * max(0, question.min_length - len(SAMPLE_TEXT))
        return [(None, sample, Text(sample))]
    if kind is QuestionType.URL:
        return [(None, SAMPLE_URL, Text(SAMPLE_URL))]
    raise UnsupportedForm(f"question {question.id!r} ({kind.value}) needs more than one update")


def choose(form: FormDefinition, question: Question, values: dict[str, Any]) -> Candidate:
    """A valid one-update answer; among buttons, the one that shows the most questions."""
    today = date.today()
    accepted: list[tuple[Candidate, Any]] = []
    for candidate in candidates(question):
        outcome = parse(question, candidate[2], today=today, answers=values)
        if isinstance(outcome, Accepted):
            accepted.append((candidate, outcome.value))
    if not accepted:
        raise UnsupportedForm(f"no scripted answer to question {question.id!r} is valid")
    if question.type in (QuestionType.YES_NO, QuestionType.SINGLE):
        candidate, value = max(
            accepted,
            key=lambda item: len(visible_questions(form, {**values, question.id: item[1]})),
        )
    else:
        candidate, value = accepted[0]
    values[question.id] = value
    return candidate


def make_plan(form: FormDefinition, answers: int) -> Plan:
    """The steps of every respondent: walk the form, then re-answer from the review."""
    values: dict[str, Any] = {}
    first = next_question(form, values)
    if first is None:
        raise UnsupportedForm(f"form {form.id!r} asks nothing")
    walk: list[tuple[Question, Step]] = []
    while len(walk) < answers and (question := next_question(form, values)) is not None:
        press, typed, _ = choose(form, question, values)
        following = next_question(form, values)
        expect = None if following is None else following.id
        walk.append((question, Step(press=press, typed=typed, expect=expect)))
    steps = [step for _, step in walk]
    extra = answers - len(walk)
    if extra <= 0:
        return Plan(first=first.id, steps=steps, walked=len(walk), repeated=None)
    typed_ones = [(question, step) for question, step in walk if step.typed is not None]
    target, target_step = (typed_ones or walk)[-1]
    shown = [q.id for q in visible_questions(form, values) if q.id in values]
    edit = texts.EDIT_BUTTON.format(number=shown.index(target.id) + 1)
    for index in range(extra):
        typed = target_step.typed
        if typed is not None and target.type in (QuestionType.TEXT, QuestionType.LONG_TEXT):
            revised = f"{typed}, правка {index + 1}"
            accepted = isinstance(
                parse(target, Text(revised), today=date.today(), answers={}), Accepted
            )
            typed = revised if accepted else typed
        steps.append(Step(press=edit, typed=None, expect=target.id, is_answer=False))
        steps.append(Step(press=target_step.press, typed=typed, expect=None))
    return Plan(first=first.id, steps=steps, walked=len(walk), repeated=target.id)


def check_screen(form: FormDefinition, message: BotMessage, expect: str | None) -> None:
    shown = message.plain_text or ""
    if expect is None:
        if shown.startswith(REVIEW_PREFIX):
            return
        wanted = "the review screen"
    else:
        question = form.question(expect)
        assert question is not None
        if shown.startswith(QUESTION_PREFIX) and question.text in shown:
            return
        wanted = f"question {expect!r}"
    raise UnexpectedReply(f"expected {wanted}, got {shown[:120]!r}")


# -- watching the chats --------------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    at: float  # time.perf_counter() when the emulator took the bot's message
    message: BotMessage


class Inbox:
    """The bot's sent messages per chat, time-stamped by the emulator's listener."""

    def __init__(self, emulator: BotAPIEmulator) -> None:
        self._queues: dict[int, asyncio.Queue[Reply]] = {}
        emulator.add_listener(self._on_event)

    def watch(self, chat_id: int) -> None:
        self._queues[chat_id] = asyncio.Queue()

    def _on_event(self, event: MessageEvent, message: BotMessage) -> None:
        if event != "sent":
            return
        queue = self._queues.get(message.chat_id)
        if queue is not None:
            queue.put_nowait(Reply(time.perf_counter(), message))

    def expect_quiet(self, chat_id: int) -> None:
        """Fail if the bot sent something nobody asked for (an error, an extra notice)."""
        queue = self._queues[chat_id]
        if not queue.empty():
            extra = queue.get_nowait().message.plain_text or ""
            raise UnexpectedReply(f"an unexpected extra message: {extra[:120]!r}")

    async def next(self, chat_id: int) -> Reply:
        try:
            return await asyncio.wait_for(self._queues[chat_id].get(), REPLY_TIMEOUT)
        except TimeoutError:
            raise TimeoutError(f"no reply within {REPLY_TIMEOUT:g} s") from None


async def exchange(
    inbox: Inbox,
    user: FakeUser,
    *,
    press: str | None,
    typed: str | None,
    on: BotMessage | None,
    meant: float | None = None,
) -> tuple[float, BotMessage]:
    """Send one update and wait for the bot's next message: (latency in seconds from ``meant``,
    the ``time.perf_counter()`` the respondent meant to send at, by default now; message)."""
    inbox.expect_quiet(user.chat_id)
    started = time.perf_counter() if meant is None else meant
    if typed is not None:
        await user.send(typed)
    else:
        assert press is not None
        await user.press(press, message=on)
    reply = await inbox.next(user.chat_id)
    return reply.at - started, reply.message


class Pace:
    """How long a respondent thinks before each update: nothing (as fast as the bot answers),
    or a human pace of ``seconds`` on average (uniform between half and one and a half times
    it; the first update after up to ``seconds``, so that people do not start in step)."""

    def __init__(self, seconds: float, seed: int) -> None:
        self.seconds = seconds
        self._random = random.Random(seed)

    async def start(self) -> float:
        """Wait before the first update; the moment it is meant to go (``perf_counter``)."""
        return await self._wait(self._random.uniform(0, self.seconds))

    async def think(self) -> float:
        """Wait before a next update; the moment it is meant to go (``perf_counter``)."""
        return await self._wait(self._random.uniform(0.5, 1.5) * self.seconds)

    async def _wait(self, seconds: float) -> float:
        if self.seconds <= 0:
            return time.perf_counter()
        meant = time.perf_counter() + seconds
        await asyncio.sleep(seconds)
        return meant


# -- results -------------------------------------------------------------------------------


FAILURES = (TimeoutError, LookupError, UnexpectedReply)


@dataclass
class Tally:
    answers: list[float] = field(default_factory=list)  # latency of every accepted answer
    navigation: list[float] = field(default_factory=list)  # latency of other timed updates
    failures: list[str] = field(default_factory=list)


@dataclass
class Activity:
    """What the timed part did besides taking time: SQL statements, transactions, API calls."""

    statements: int = 0
    transactions: int = 0
    api_calls: int = 0  # Bot API requests other than getUpdates


@contextlib.contextmanager
def counting(emulator: BotAPIEmulator, database: Database | None) -> Iterator[Activity]:
    activity = Activity()
    calls_before = len(emulator.calls)
    active = True  # the listeners stay (removing them races running transactions) but stop

    def on_statement(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if active and not statement.lstrip().upper().startswith("BEGIN"):  # SQLite's BEGIN
            activity.statements += 1

    def on_begin(_conn: Any) -> None:
        if active:
            activity.transactions += 1

    if database is not None:
        event.listen(database.engine.sync_engine, "before_cursor_execute", on_statement)
        event.listen(database.engine.sync_engine, "begin", on_begin)
    try:
        yield activity
    finally:
        active = False
        later = emulator.calls[calls_before:]
        activity.api_calls = sum(call.method.lower() != "getupdates" for call in later)


@dataclass(frozen=True)
class Result:
    name: str
    seconds: float
    cpu_seconds: float  # process CPU time of the timed part (emulator and people included)
    tally: Tally
    activity: Activity

    @property
    def cpu_ms_per_update(self) -> float:
        return self.cpu_seconds * 1000 / max(1, self.updates)

    @property
    def answers(self) -> int:
        return len(self.tally.answers)

    @property
    def updates(self) -> int:
        return len(self.tally.answers) + len(self.tally.navigation)

    @property
    def throughput(self) -> float:
        return self.answers / self.seconds if self.seconds > 0 else 0.0

    def latency_ms(self, percent: float) -> float:
        """Nearest-rank percentile of the answers' latency, in milliseconds."""
        ordered = sorted(self.tally.answers)
        if not ordered:
            return math.nan
        rank = max(1, math.ceil(percent / 100 * len(ordered)))
        return ordered[rank - 1] * 1000


async def timed(
    tasks: Sequence[Awaitable[None]], limit: float, tally: Tally
) -> tuple[float, float]:
    """Run the respondents at once; the wall time and the process CPU time, in seconds."""
    started, cpu = time.perf_counter(), time.process_time()
    try:
        await asyncio.wait_for(asyncio.gather(*tasks), limit)
    except TimeoutError:
        tally.failures.append(f"the run did not finish within {limit:g} s")
    return time.perf_counter() - started, time.process_time() - cpu


async def gather_bounded(tasks: Sequence[Awaitable[T]], limit: float) -> list[T]:
    return await asyncio.wait_for(asyncio.gather(*tasks), limit)


# -- running a dispatcher ------------------------------------------------------------------


@contextlib.asynccontextmanager
async def polling(dispatcher: Dispatcher, bot: Bot) -> AsyncIterator[InFlight]:
    """``dispatcher`` long-polling the emulator in production mode, until the block ends."""
    in_flight = InFlight()
    dispatcher.update.outer_middleware(in_flight)
    started = asyncio.Event()
    dispatcher.startup.register(started.set)
    task = asyncio.create_task(
        dispatcher.start_polling(
            bot,
            handle_signals=False,
            close_bot_session=False,
            handle_as_tasks=True,
            polling_timeout=1,
            allowed_updates=ALLOWED_UPDATES,
        )
    )
    try:
        await asyncio.wait_for(started.wait(), START_TIMEOUT)
        yield in_flight
    finally:
        await drain(in_flight)
        if not task.done():
            await dispatcher.stop_polling()
        try:
            await asyncio.wait_for(task, STOP_TIMEOUT)
        finally:
            await bot.session.close()


async def drain(in_flight: InFlight) -> None:
    """Wait (bounded) until no update is being handled."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(in_flight.idle.wait(), DRAIN_TIMEOUT)


@contextlib.contextmanager
def profiled(path: Path | None) -> Iterator[None]:
    """Profile the block with cProfile when ``path`` is given; print the top functions."""
    if path is None:
        yield
        return
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        yield
    finally:
        profiler.disable()
        profiler.dump_stats(path)
        report = io.StringIO()
        stats = pstats.Stats(profiler, stream=report)
        stats.sort_stats("tottime").print_stats(25)
        print(report.getvalue())
        print(f"profile of the bot run written to {path}")


# -- the two runs --------------------------------------------------------------------------


async def populate(
    database: Database,
    catalog: FormCatalog,
    form_key: str,
    respondents: int,
    *,
    schools: int | None = None,
) -> None:
    """N schools (or ``schools``) in one municipality, a respondent for each of the first N, the
    form opened for all of them."""
    town = await make_town(
        database,
        "Город Бенчмарк",
        short_names=tuple(
            f"СОШ № {number}" for number in range(1, max(respondents, schools or 0) + 1)
        ),
    )
    for index, school in enumerate(town.schools[:respondents]):
        await make_person(
            database,
            FIRST_USER_ID + index,
            Role.RESPONDENT,
            full_name=f"Респондентова Анна {index + 1}",
            school_id=school.id,
        )
    now = utcnow()
    await open_form_for_schools(
        database,
        catalog,
        ORGANISER,
        form_key,
        deadline=(now + timedelta(days=10)).date(),
        period_label="бенчмарк",
        now=now,
    )


async def run_bot(
    database: Database,
    form: FormDefinition,
    plan: Plan,
    respondents: int,
    limit: float,
    profile: Path | None,
    pace: Pace,
) -> tuple[Result, int]:
    """The real bot; returns the result and the number of answer history rows afterwards."""
    tally = Tally()
    async with BotAPIEmulator() as emulator:
        inbox = Inbox(emulator)
        users = [
            FakeUser(emulator, FIRST_USER_ID + i, first_name="Анна") for i in range(respondents)
        ]
        for user in users:
            inbox.watch(user.chat_id)
        # The app as production builds it; reminders are not part of this benchmark.
        app = await build_app(
            test_settings(database, emulator.base_url),
            database,
            token=TEST_TOKEN,
            retry_options={"server_error_backoff": 0.01},
        )
        await populate(database, app.catalog, form.id, respondents)
        heap.settle()  # as ``python -m bot run`` does once started (undone after the run)

        async def open_form(user: FakeUser) -> BotMessage | None:
            try:
                _, listing = await exchange(
                    inbox, user, press=None, typed=texts.MY_FORMS_BUTTON, on=None
                )
                label = texts.BUTTON_START.format(title=form.short_title)
                _, screen = await exchange(inbox, user, press=label, typed=None, on=listing)
                check_screen(form, screen, plan.first)
            except FAILURES as error:
                tally.failures.append(f"user {user.user_id}, opening the form: {error}")
                return None
            return screen

        async def respond(user: FakeUser, screen: BotMessage | None) -> None:
            if screen is None:
                return
            meant = await pace.start()
            for number, step in enumerate(plan.steps, start=1):
                if number > 1:
                    meant = await pace.think()
                try:
                    latency, screen = await exchange(
                        inbox, user, press=step.press, typed=step.typed, on=screen, meant=meant
                    )
                    check_screen(form, screen, step.expect)
                except FAILURES as error:
                    tally.failures.append(f"user {user.user_id}, step {number}: {error}")
                    return
                (tally.answers if step.is_answer else tally.navigation).append(latency)

        async with polling(app.dispatcher, app.bot) as in_flight:
            screens = await gather_bounded([open_form(user) for user in users], limit)
            await drain(in_flight)
            with counting(emulator, database) as activity, profiled(profile):
                seconds, cpu = await timed(
                    [respond(user, screen) for user, screen in zip(users, screens, strict=True)],
                    limit,
                    tally,
                )
        await app.sending_bot.session.close()
    gc.unfreeze()  # the next runs (echo's too) start from a heap like this one's
    async with database.read() as conn:
        stored = (await conn.execute(select(func.count()).select_from(answer_history))).scalar_one()
    return Result("bot", seconds, cpu, tally, activity), int(stored)


def echo_router() -> Router:
    router = Router(name="echo")

    @router.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "")

    return router


async def run_echo(respondents: int, answers: int, limit: float, pace: Pace) -> Result:
    """A bare aiogram echo bot on the same emulator, polling mode and client session."""
    tally = Tally()
    async with BotAPIEmulator() as emulator:
        inbox = Inbox(emulator)
        users = [
            FakeUser(emulator, FIRST_USER_ID + i, first_name="Анна") for i in range(respondents)
        ]
        for user in users:
            inbox.watch(user.chat_id)
        bot = create_bot(TEST_TOKEN, emulator.base_url, server_error_backoff=0.01)
        dispatcher = Dispatcher()
        dispatcher.include_router(echo_router())

        async def say(user: FakeUser, words: str, meant: float | None = None) -> float:
            latency, reply = await exchange(
                inbox, user, press=None, typed=words, on=None, meant=meant
            )
            if reply.plain_text != words:
                raise UnexpectedReply(f"expected {words!r}, got {reply.plain_text!r}")
            return latency

        async def warm_up(user: FakeUser) -> None:
            try:
                await say(user, "Здравствуйте")
            except FAILURES as error:
                tally.failures.append(f"user {user.user_id}, warm-up: {error}")

        async def respond(user: FakeUser) -> None:
            meant = await pace.start()
            for number in range(1, answers + 1):
                if number > 1:
                    meant = await pace.think()
                try:
                    tally.answers.append(await say(user, f"Ответ {number}", meant))
                except FAILURES as error:
                    tally.failures.append(f"user {user.user_id}, message {number}: {error}")
                    return

        async with polling(dispatcher, bot) as in_flight:
            await gather_bounded([warm_up(user) for user in users], limit)
            await drain(in_flight)
            with counting(emulator, None) as activity:
                seconds, cpu = await timed([respond(user) for user in users], limit, tally)
    return Result("echo", seconds, cpu, tally, activity)


# -- the database --------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def open_database(spec: str) -> AsyncIterator[tuple[Database, str]]:
    """A fresh database: a temporary SQLite file, or a new schema on a local PostgreSQL."""
    if spec == "sqlite":
        with tempfile.TemporaryDirectory(prefix="bench-answering-") as directory:
            database = Database(f"sqlite+aiosqlite:///{Path(directory) / 'bench.sqlite3'}")
            try:
                yield database, "SQLite (a temporary file, WAL)"
            finally:
                await database.close()
        return
    url = make_url(spec)
    if url.get_backend_name() != "postgresql" or url.host not in LOCAL_HOSTS:
        raise SystemExit("--database: 'sqlite' or a postgresql+asyncpg:// URL on 127.0.0.1")
    schema = f"bench_{uuid4().hex[:12]}"
    admin = Database(spec)
    try:
        async with admin.engine.begin() as conn:
            await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        database = Database(spec, connect_args={"server_settings": {"search_path": schema}})
        try:
            yield database, f"PostgreSQL (schema {schema}, dropped afterwards)"
        finally:
            await database.close()
            async with admin.engine.begin() as conn:
                await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    finally:
        await admin.close()


# -- the report ----------------------------------------------------------------------------


COLUMNS = (
    "answers",
    "updates",
    "seconds",
    "answers/s",
    "p50 ms",
    "p95 ms",
    "p99 ms",
    "CPU ms/upd",
)


@dataclass(frozen=True)
class Summary:
    """The median of each figure over the runs of one side."""

    name: str
    answers: float
    updates: float
    seconds: float
    throughput: float
    p50: float
    p95: float
    p99: float
    cpu_ms: float  # CPU ms per update

    @classmethod
    def of(cls, results: Sequence[Result]) -> Summary:
        def median(values: Sequence[float]) -> float:
            return statistics.median(values)

        return cls(
            results[0].name,
            median([r.answers for r in results]),
            median([r.updates for r in results]),
            median([r.seconds for r in results]),
            median([r.throughput for r in results]),
            median([r.latency_ms(50) for r in results]),
            median([r.latency_ms(95) for r in results]),
            median([r.latency_ms(99) for r in results]),
            median([r.cpu_ms_per_update for r in results]),
        )


def ratio(mine: float, theirs: float) -> str:
    return f"{mine / theirs:.2f}" if theirs > 0 else "—"


def table(bot: Summary, echo: Summary) -> str:
    def row(name: str, cells: Sequence[str]) -> str:
        return f"{name:<10}" + "".join(f"{cell:>12}" for cell in cells)

    def cells(summary: Summary) -> list[str]:
        return [
            f"{summary.answers:g}",
            f"{summary.updates:g}",
            f"{summary.seconds:.2f}",
            f"{summary.throughput:.1f}",
            f"{summary.p50:.1f}",
            f"{summary.p95:.1f}",
            f"{summary.p99:.1f}",
            f"{summary.cpu_ms:.2f}",
        ]

    lines = [row("", COLUMNS), row("bot", cells(bot)), row("echo", cells(echo))]
    return "\n".join(lines)


def run_line(number: int, bot: Result, echo: Result) -> str:
    return (
        f"run {number}: bot {bot.throughput:.1f} answers/s, p95 {bot.latency_ms(95):.1f} ms, "
        f"{bot.cpu_ms_per_update:.2f} CPU ms/update; echo {echo.throughput:.1f} updates/s, "
        f"p95 {echo.latency_ms(95):.1f} ms, {echo.cpu_ms_per_update:.2f} CPU ms/update"
    )


def per_update(result: Result) -> str:
    updates = max(1, result.updates)
    activity = result.activity
    text = f"{result.name}: {activity.api_calls / updates:.1f} Bot API calls"
    if activity.transactions or activity.statements:
        text += (
            f", {activity.transactions / updates:.1f} database transactions"
            f" ({activity.statements / updates:.1f} SQL statements)"
        )
    return text


def show_failures(result: Result) -> None:
    failures = result.tally.failures
    if failures:
        print(f"{result.name}: {len(failures)} failure(s), the first ones:")
        for failure in failures[:5]:
            print(f"  {failure}")


# -- the respondent's "Мои анкеты" at a large deployment -----------------------------------

MY_FORMS_REPEATS = 20


async def time_my_forms(spec: str, form_key: str, schools: int) -> tuple[float, float]:
    """(median ms of the respondent's "Мои анкеты" service call, median ms of reading the whole
    directory) on a deployment of ``schools`` schools with the form open for all of them."""
    async with open_database(spec) as (database, _):
        catalog = await prepare(database)
        await populate(database, catalog, form_key, 1, schools=schools)
        actor = await resolve_actor(database, FIRST_USER_ID, ())
        now = utcnow()

        async def median_ms(call: Any) -> float:
            spent = []
            for _ in range(MY_FORMS_REPEATS):
                started = time.perf_counter()
                await call()
                spent.append((time.perf_counter() - started) * 1000)
            return statistics.median(spent)

        found = await forms_to_answer(database, catalog, actor, now=now)
        if len(found) != 1:
            raise UnexpectedReply(f"the respondent has {len(found)} forms to answer, not 1")
        mine = await median_ms(lambda: forms_to_answer(database, catalog, actor, now=now))
        everything = await median_ms(lambda: load_directory(database))
    return mine, everything


async def benchmark(args: argparse.Namespace) -> int:
    forms = builtin_forms()
    if args.form not in forms:
        raise SystemExit(f"--form: one of {', '.join(sorted(forms))}")
    form = forms[args.form]
    try:
        plan = make_plan(form, args.answers)
    except UnsupportedForm as error:
        raise SystemExit(f"--form {args.form}: {error}") from None
    runs: list[tuple[Result, Result, int]] = []
    for number in range(1, args.runs + 1):
        echo = await run_echo(
            args.respondents, plan.answers, args.timeout, Pace(args.pace, seed=number)
        )
        async with open_database(args.database) as (database, described):
            if number == 1:
                print(
                    f"{args.respondents} respondents × {plan.answers} answers, form {form.id!r}; "
                    f"{described}; aiogram {aiogram.__version__}, "
                    f"Python {platform.python_version()}, {os.cpu_count()} CPUs; "
                    f"median of {args.runs} run(s)"
                )
                print(f"each respondent: {plan.describe()}")
                if args.pace:
                    print(
                        f"at a human pace: {args.pace:g} s between a reply and the next update "
                        f"on average ({args.pace / 2:g}–{args.pace * 1.5:g} s)"
                    )
            profile = args.profile if number == 1 else None
            bot, stored = await run_bot(
                database,
                form,
                plan,
                args.respondents,
                args.timeout,
                profile,
                Pace(args.pace, seed=number),
            )
        runs.append((bot, echo, stored))
        print(run_line(number, bot, echo))
    bot_summary = Summary.of([bot for bot, _, _ in runs])
    echo_summary = Summary.of([echo for _, echo, _ in runs])
    print()
    print(table(bot_summary, echo_summary))
    cpu = (
        f"CPU per update: bot {bot_summary.cpu_ms:.2f} ms, echo {echo_summary.cpu_ms:.2f} ms, "
        f"echo/bot {ratio(echo_summary.cpu_ms, bot_summary.cpu_ms)}"
    )
    if args.pace:  # the pace sets both rates: compare what an update costs
        print(f"bot/echo: {ratio(echo_summary.cpu_ms, bot_summary.cpu_ms)} ({cpu})")
    else:
        print(
            f"bot/echo: {ratio(bot_summary.throughput, echo_summary.throughput)} "
            f"(throughput, median answers/s over median updates/s; {cpu})"
        )
    print()
    bot, echo, stored = runs[-1]
    navigation = sorted(bot.tally.navigation)
    if navigation:
        middle = navigation[len(navigation) // 2] * 1000
        print(
            f"bot navigation updates (edit buttons, last run): {len(navigation)}, "
            f"p50 {middle:.1f} ms"
        )
    print(f"per update (last run): {per_update(bot)}; {per_update(echo)}")
    checks = [stored == bot.answers for bot, _, stored in runs]
    check = "OK" if all(checks) else "MISMATCH"
    print(
        f"database check: {', '.join(str(stored) for _, _, stored in runs)} answer history rows "
        f"for {', '.join(str(bot.answers) for bot, _, _ in runs)} answers accepted: {check}"
    )
    failed = False
    for bot, echo, _ in runs:
        show_failures(echo)
        show_failures(bot)
        failed = failed or bool(bot.tally.failures or echo.tally.failures)
        failed = failed or not bot.answers == echo.answers == args.respondents * plan.answers
    if args.schools:
        mine, everything = await time_my_forms(args.database, form.id, args.schools)
        print(
            f'respondent\'s "Мои анкеты" at {args.schools} schools: {mine:.1f} ms '
            f"(median of {MY_FORMS_REPEATS}; reading the whole directory: {everything:.1f} ms)"
        )
    return 0 if check == "OK" and not failed else 1


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.answering",
        description="Answers per second and reply latency of the bot vs a bare echo bot.",
    )
    parser.add_argument("--respondents", type=positive, default=50, help="default: 50")
    parser.add_argument("--answers", type=positive, default=10, help="per respondent; 10")
    parser.add_argument(
        "--database",
        default="sqlite",
        help="'sqlite' (a temporary file; the default) or a postgresql+asyncpg:// URL on "
        "127.0.0.1 (the run uses a new schema and drops it)",
    )
    parser.add_argument("--form", default="vsoko", help="the questionnaire; default: vsoko")
    parser.add_argument(
        "--runs", type=positive, default=3, help="runs of each side; the medians are shown; 3"
    )
    parser.add_argument(
        "--schools",
        type=int,
        default=2000,
        help='schools of the deployment for timing a respondent\'s "Мои анкеты"; 0 skips; 2000',
    )
    parser.add_argument(
        "--pace",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="a human pace: each respondent waits SECONDS on average before each update; "
        "0 (the default): as fast as the bot answers",
    )
    parser.add_argument(
        "--timeout", type=float, default=180.0, help="seconds each timed run may take; 180"
    )
    parser.add_argument(
        "--profile",
        type=Path,
        default=None,
        metavar="FILE",
        help="profile the bot's first timed run with cProfile, write the stats to FILE",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    return asyncio.run(benchmark(args))


if __name__ == "__main__":
    sys.exit(main())
