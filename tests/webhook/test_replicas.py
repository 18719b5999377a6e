"""Two webhook replicas on one PostgreSQL database, as behind a reverse proxy: one person's
updates alternate between them, posted as fast as Telegram would (each as soon as the previous
one was answered, never waiting for the bot's replies), and the conversation stays right.

Telegram is played by the test: updates made by the emulator's ``FakeUser`` are taken from the
emulator (nobody polls it) and POSTed to the replicas' webhooks with the secret header; the
bots' replies go to the emulator as usual.
"""

import json
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from datetime import timedelta
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from sqlalchemy import select

from bot.app import ALLOWED_UPDATES, App, build_app
from bot.isolation import PostgresEventIsolation
from bot.telegram import create_bot
from bot.webhook import HEALTH_PATH, register_webhook, serving
from botapi_emulator import BotAPIEmulator, FakeUser
from core.actors import Actor
from core.campaigns import open_form_for_schools
from core.forms.models import FormDefinition
from storage import Database
from storage.migrate import upgrade
from storage.people import Role
from storage.schema import answer_history
from storage.types import utcnow
from tests import harness
from tests.conversations.answering import stored_values
from tests.databases import postgres_database
from tests.factories import make_person, make_town
from tests.harness import TEST_TOKEN
from texts import questionnaire as texts

pytestmark = pytest.mark.postgres

SECRET = "replica-test_secret-0123456789"
PATH = "/webhook"
TEACHER = 4_201
ORGANISER = Actor(telegram_id=0, user=None, bootstrap_admin=True)
QUESTIONS = [f"q{number}" for number in range(1, 9)]
NUMBERS_FORM = FormDefinition.model_validate(
    {
        "id": "replica_numbers",
        "version": 1,
        "title": "Числа по порядку",
        "short_title": "Числа",
        "sections": [
            {
                "title": "Числа",
                "questions": [
                    {"id": q, "type": "integer", "text": f"Число номер {q[1:]}", "min": 0}
                    for q in QUESTIONS
                ],
            }
        ],
    }
)
REVIEW_PREFIX = texts.REVIEW_HEADER.split("{", 1)[0]


class Telegram:
    """Delivers the fake user's updates to webhooks instead of a getUpdates queue."""

    def __init__(self, emulator: BotAPIEmulator, monkeypatch: pytest.MonkeyPatch) -> None:
        self.outbox: list[dict[str, Any]] = []
        push = emulator.push_update

        def capture(payload: dict[str, Any]) -> int:
            update_id = push(payload)  # keeps the emulator's bookkeeping (callback queries)
            self.outbox.append({"update_id": update_id, **payload})
            return update_id

        monkeypatch.setattr(emulator, "push_update", capture)
        self.http = aiohttp.ClientSession()

    async def post(self, url: str, update: dict[str, Any], secret: str | None = SECRET) -> int:
        headers = {} if secret is None else {"X-Telegram-Bot-Api-Secret-Token": secret}
        async with self.http.post(url, json=update, headers=headers) as answer:
            await answer.read()
            return answer.status

    async def deliver(self, url: str) -> None:
        """Post every update made since the last delivery to ``url``, as Telegram does: the
        next one once the previous one was answered."""
        pending, self.outbox = self.outbox, []
        for update in pending:
            assert await self.post(url, update) == 200


@pytest.fixture
async def database() -> AsyncIterator[Database]:
    async with postgres_database() as database:
        await upgrade(database)
        yield database


@pytest.fixture
async def emulator() -> AsyncIterator[BotAPIEmulator]:
    async with BotAPIEmulator() as running:
        yield running


@pytest.fixture
async def telegram(
    emulator: BotAPIEmulator, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Telegram]:
    telegram = Telegram(emulator, monkeypatch)
    yield telegram
    await telegram.http.close()


@pytest.fixture
async def replicas(emulator: BotAPIEmulator, database: Database) -> AsyncIterator[list[str]]:
    """Two apps (own Dispatcher, own bot sessions, own aiohttp server) on one database; yields
    their webhook URLs."""
    settings = harness.test_settings(database, emulator.base_url)
    extra = {NUMBERS_FORM.id: NUMBERS_FORM}
    async with AsyncExitStack() as stack:
        urls = []
        for _ in range(2):
            app: App = await build_app(settings, database, token=TEST_TOKEN, extra_forms=extra)
            stack.push_async_callback(app.close)
            assert isinstance(app.dispatcher.fsm.events_isolation, PostgresEventIsolation)
            port = await stack.enter_async_context(
                serving(app, host="127.0.0.1", port=0, path=PATH, secret_token=SECRET)
            )
            urls.append(f"http://127.0.0.1:{port}{PATH}")
        yield urls


async def open_numbers_round(database: Database, emulator: BotAPIEmulator) -> None:
    town = await make_town(database, short_names=("СОШ № 5",))
    await make_person(database, TEACHER, Role.RESPONDENT, school_id=town.schools[0].id)
    settings = harness.test_settings(database, emulator.base_url)
    app = await build_app(
        settings, database, token=TEST_TOKEN, extra_forms={NUMBERS_FORM.id: NUMBERS_FORM}
    )
    await app.close()
    await open_form_for_schools(
        database,
        app.catalog,
        ORGANISER,
        NUMBERS_FORM.id,
        deadline=(utcnow() + timedelta(days=10)).date(),
        period_label="1 полугодие",
        now=utcnow(),
    )


async def test_one_persons_quick_updates_alternating_between_two_replicas_stay_in_order(
    database: Database,
    emulator: BotAPIEmulator,
    telegram: Telegram,
    replicas: list[str],
) -> None:
    await open_numbers_round(database, emulator)
    teacher = FakeUser(emulator, TEACHER, first_name="Мария")
    await teacher.send(texts.MY_FORMS_BUTTON)
    await telegram.deliver(replicas[0])
    listing = await teacher.next_message(timeout=10)
    label = next(t for t in listing.button_texts if "Числа" in t)
    await teacher.press(label, message=listing)
    await telegram.deliver(replicas[1])
    first = await teacher.next_message(timeout=10)
    assert "Число номер 1" in (first.plain_text or "")
    response_id = int((listing.button(label).callback_data or "").split(":")[1])

    # Eight answers in a burst, alternating replicas, none waiting for the bot's reply.
    for index, _question in enumerate(QUESTIONS):
        await teacher.send(str(10 * (index + 1)))
        await telegram.deliver(replicas[index % 2])

    shown = [first]
    while REVIEW_PREFIX not in (shown[-1].plain_text or ""):
        shown.append(await teacher.next_message(timeout=15))
    # Every question asked once, in order, then the review; nothing refused or repeated.
    asked = [m.plain_text or "" for m in shown[:-1]]
    assert len(asked) == len(QUESTIONS)
    for number, text in enumerate(asked, start=1):
        assert f"Число номер {number}" in text
    await teacher.expect_no_message(within=0.5)

    expected = {q: 10 * number for number, q in enumerate(QUESTIONS, start=1)}
    assert await stored_values(database, response_id) == expected
    async with database.read() as conn:
        history = (
            await conn.execute(
                select(answer_history.c.question_id, answer_history.c.value)
                .where(answer_history.c.response_id == response_id)
                .order_by(answer_history.c.id)
            )
        ).all()
    assert [(row.question_id, row.value) for row in history] == list(expected.items())


async def test_a_wrong_or_missing_secret_is_refused_and_health_answers(
    database: Database, telegram: Telegram, replicas: list[str]
) -> None:
    update = {
        "update_id": 1,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": TEACHER, "type": "private"},
            "from": {"id": TEACHER, "is_bot": False, "first_name": "Мария"},
            "text": "/start",
        },
    }
    for url in replicas:
        assert await telegram.post(url, update, secret="not-the-secret") in (401, 403)
        assert await telegram.post(url, update, secret=None) in (401, 403)
        health = url.replace(PATH, HEALTH_PATH)
        async with telegram.http.get(health) as answer:
            assert answer.status == 200
            assert await answer.json() == {"status": "ok", "database": "ok"}


async def test_start_registers_the_webhook_with_the_secret_and_keeps_pending_updates() -> None:
    """setWebhook as Telegram receives it (the emulator has no webhook, so a tiny fake)."""
    calls: list[dict[str, Any]] = []

    async def set_webhook(request: web.Request) -> web.Response:
        calls.append(dict(await request.post()))
        return web.json_response({"ok": True, "result": True})

    fake = web.Application()
    fake.router.add_post(f"/bot{TEST_TOKEN}/setWebhook", set_webhook)
    runner = web.AppRunner(fake)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    port = runner.addresses[0][1]
    bot = create_bot(TEST_TOKEN, f"http://127.0.0.1:{port}")
    try:
        await register_webhook(bot, url="https://bot.example.org/webhook", secret_token=SECRET)
    finally:
        await bot.session.close()
        await runner.cleanup()
    assert len(calls) == 1
    call = calls[0]
    assert call["url"] == "https://bot.example.org/webhook"
    assert call["secret_token"] == SECRET
    assert call["drop_pending_updates"] == "false"
    assert set(json.loads(str(call["allowed_updates"]))) == set(ALLOWED_UPDATES)
