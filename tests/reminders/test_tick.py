"""Reminder ticks with a controllable clock, delivered through the real sender to the fake API."""

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from sqlalchemy import select

from bot.catalog import builtin_forms
from bot.delivery.reminders import telegram_delivery
from bot.delivery.sender import Sender
from bot.handlers.questionnaire.callbacks import OpenResponse
from botapi_emulator import BotAPIEmulator
from core.questionnaires import FormCatalog
from core.reminders import run_tick
from core.review import return_for_revision
from storage import Database
from storage.campaigns import CampaignForm, add_campaign, set_deadline
from storage.people import Role, get_user_by_telegram_id, grant_role
from storage.reminders import (
    MAX_ATTEMPTS,
    PENDING_LEASE,
    RETRY_FAILED_AFTER,
    DeliveryState,
    claim,
    list_reminders,
)
from storage.responses import Status, change_status, get_or_create_response
from storage.schema import campaigns, responses, users
from tests.factories import Town, make_actor, make_person, make_town
from tests.harness import TEST_TOKEN

TOMSK = ZoneInfo("Asia/Tomsk")


def local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=TOMSK)


OPENS = local(2, 12)
DEADLINE = local(10, 23, 59)  # 10.03 23:59 Tomsk = 10.03 16:59 UTC


@pytest.fixture
async def bot(emulator: BotAPIEmulator) -> AsyncIterator[Bot]:
    session = AiohttpSession(api=TelegramAPIServer.from_base(emulator.base_url))
    bot = Bot(TEST_TOKEN, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))
    yield bot
    await session.close()


@pytest.fixture
async def world(database: Database) -> tuple[Town, FormCatalog, int]:
    town = await make_town(database, short_names=("СОШ № 5", "СОШ № 11"))
    for telegram_id, school in ((501, 0), (502, 0), (503, 1)):
        await make_person(database, telegram_id, Role.RESPONDENT, school_id=town.schools[school].id)
    catalog = FormCatalog(builtin_forms())
    await catalog.sync(database)
    async with database.write() as conn:
        campaign = await add_campaign(
            conn,
            forms=[CampaignForm("vsoko", catalog.row_id("vsoko"))],
            municipality_id=town.municipality.id,
            period_label="1 полугодие 2025/26",
            opens_at=OPENS,
            deadline_at=DEADLINE,
            school_ids=[s.id for s in town.schools],
        )
    return town, catalog, campaign.id


async def tick(database: Database, catalog: FormCatalog, bot: Bot, now: datetime) -> None:
    sender = Sender(bot, per_second=50, server_error_backoff=0.01)
    await run_tick(database, catalog, telegram_delivery(sender), now=now)


def texts_to(emulator: BotAPIEmulator, chat_id: int) -> list[str]:
    return [m.plain_text or "" for m in emulator.messages(chat_id)]


async def test_the_plan_around_a_deadline_in_local_time(
    database: Database, world: tuple[Town, FormCatalog, int], bot: Bot, emulator: BotAPIEmulator
) -> None:
    _, catalog, _ = world
    for now in (
        local(2, 12, 1),
        local(5, 9),
        local(7, 10, 1),
        local(8, 12),
        local(9, 10, 1),
        local(10, 10, 1),
        local(10, 23),
    ):
        await tick(database, catalog, bot, now)

    received = texts_to(emulator, 501)
    assert [t.split(":")[0].split(" анкета")[0] for t in received] == [
        "Открыта",
        "Напоминание",
        "Напоминание",
        "Сегодня последний день",
    ]
    assert "дней: 3" in received[1]
    assert "дней: 1" in received[2]
    assert "10.03.2026 23:59" in received[0]  # the deadline in the municipality's time
    assert emulator.messages(501)[0].button_texts == ["Открыть анкету"]


async def test_quiet_hours_wait_for_the_morning(
    database: Database, world: tuple[Town, FormCatalog, int], bot: Bot, emulator: BotAPIEmulator
) -> None:
    _town, catalog, _campaign_id = world
    async with database.write() as conn:
        await conn.execute(campaigns.update().values(opens_at=local(2, 21)))
    await tick(database, catalog, bot, local(2, 21, 30))
    await tick(database, catalog, bot, local(3, 7, 59))
    assert texts_to(emulator, 501) == []

    await tick(database, catalog, bot, local(3, 8, 0))
    assert len(texts_to(emulator, 501)) == 1


async def test_a_school_that_submits_gets_no_more_reminders(
    database: Database, world: tuple[Town, FormCatalog, int], bot: Bot, emulator: BotAPIEmulator
) -> None:
    town, catalog, campaign_id = world
    await tick(database, catalog, bot, local(2, 12, 1))
    async with database.write() as conn:
        response = await get_or_create_response(
            conn, campaign_id, town.schools[0].id, "vsoko", catalog.row_id("vsoko"), local(3, 9)
        )
        draft = await change_status(conn, response, Status.DRAFT, user_id=None, now=local(3, 9))
        await change_status(conn, draft, Status.SUBMITTED, user_id=None, now=local(3, 9))
    await tick(database, catalog, bot, local(7, 10, 1))

    assert len(texts_to(emulator, 501)) == 1  # school 5 submitted
    assert len(texts_to(emulator, 503)) == 2  # school 11 did not


async def test_a_bot_down_over_reminder_times_catches_up_once(
    database: Database, world: tuple[Town, FormCatalog, int], bot: Bot, emulator: BotAPIEmulator
) -> None:
    _, catalog, _ = world
    await tick(database, catalog, bot, local(9, 11))  # down since before the opening
    await tick(database, catalog, bot, local(9, 11, 1))
    await tick(database, catalog, bot, local(9, 15))

    received = texts_to(emulator, 501)
    assert len(received) == 1
    assert "дней: 1" in received[0]  # only the latest due one


async def test_two_schedulers_on_one_database_send_each_reminder_once(
    database: Database, world: tuple[Town, FormCatalog, int], bot: Bot, emulator: BotAPIEmulator
) -> None:
    _, catalog, _ = world
    now = local(2, 12, 1)
    await asyncio.gather(*(tick(database, catalog, bot, now) for _ in range(2)))
    await tick(database, catalog, bot, now + timedelta(minutes=1))

    for chat in (501, 502, 503):
        assert len(texts_to(emulator, chat)) == 1, chat
    async with database.read() as conn:
        assert len(await list_reminders(conn)) == 3


async def test_429s_and_a_blocked_user_nothing_lost_nothing_twice(
    database: Database, world: tuple[Town, FormCatalog, int], bot: Bot, emulator: BotAPIEmulator
) -> None:
    _, catalog, _ = world
    emulator.inject_error("sendMessage", status=429, retry_after=1, chat_id=501, times=2)
    emulator.inject_error("sendMessage", status=502, chat_id=503, times=1)
    emulator.inject_error("sendMessage", status=403, chat_id=502, times=None)

    await tick(database, catalog, bot, local(2, 12, 1))
    await tick(database, catalog, bot, local(7, 10, 1))  # 502 is unreachable: not tried again

    assert len(texts_to(emulator, 501)) == 2
    assert len(texts_to(emulator, 503)) == 2
    assert [c.status for c in emulator.calls_of("sendMessage", chat_id=502)] == [403]
    async with database.read() as conn:
        states = {(r.user_id, r.kind): r.status for r in await list_reminders(conn)}
        unreachable = (await conn.execute(users.select().where(users.c.telegram_id == 502))).one()
    assert DeliveryState.UNREACHABLE in states.values()
    assert all(s in (DeliveryState.SENT, DeliveryState.UNREACHABLE) for s in states.values())
    assert unreachable.unreachable_since is not None


async def _supervisors(database: Database, town: Town) -> None:
    await make_person(
        database, 601, Role.COORDINATOR, full_name="Смирнова Ольга", school_id=town.schools[1].id
    )
    await make_person(
        database,
        602,
        Role.METHODIST,
        full_name="Петрова Елена",
        municipality_id=town.municipality.id,
    )


async def test_after_the_deadline_coordinators_get_daily_digests_and_the_methodist_a_summary(
    database: Database, world: tuple[Town, FormCatalog, int], bot: Bot, emulator: BotAPIEmulator
) -> None:
    town, catalog, campaign_id = world
    await _supervisors(database, town)
    async with database.write() as conn:
        response = await get_or_create_response(
            conn, campaign_id, town.schools[0].id, "vsoko", catalog.row_id("vsoko"), local(9, 9)
        )
        draft = await change_status(conn, response, Status.DRAFT, user_id=None, now=local(9, 9))
        await change_status(conn, draft, Status.SUBMITTED, user_id=None, now=local(9, 9))

    await tick(database, catalog, bot, local(11, 8, 30))  # before the digest hour
    assert texts_to(emulator, 601) == []
    await tick(database, catalog, bot, local(11, 9, 1))
    await tick(database, catalog, bot, local(11, 15))
    await tick(database, catalog, bot, local(12, 9, 1))

    digests = texts_to(emulator, 601)
    assert len(digests) == 2  # one a day
    assert "Не сдали 1 из 2: СОШ № 11" in digests[0]
    summaries = texts_to(emulator, 602)
    assert len(summaries) == 1
    assert "сдали 1 из 2" in summaries[0]
    assert "Не сдали: СОШ № 11" in summaries[0]
    assert (
        len([t for t in texts_to(emulator, 501) if "прошёл" in t]) == 0
    )  # respondents get no digest


async def test_a_blocked_respondent_is_reported_to_the_coordinator_once(
    database: Database, world: tuple[Town, FormCatalog, int], bot: Bot, emulator: BotAPIEmulator
) -> None:
    town, catalog, _ = world
    await _supervisors(database, town)
    emulator.inject_error("sendMessage", status=403, chat_id=503, times=None)

    await tick(database, catalog, bot, local(2, 12, 1))
    await tick(database, catalog, bot, local(7, 10, 1))

    told = texts_to(emulator, 601)
    assert len(told) == 1
    assert "СОШ № 11" in told[0]
    assert "бот заблокирован или аккаунт удалён" in told[0]


async def test_a_failed_reminder_is_tried_again_later_and_then_visible(
    database: Database, world: tuple[Town, FormCatalog, int], bot: Bot, emulator: BotAPIEmulator
) -> None:
    """A 400 fails the send; its claim lapses after RETRY_FAILED_AFTER, the next tick sends it."""
    _, catalog, _ = world
    emulator.inject_error("sendMessage", status=400, chat_id=501, times=1)
    opened = local(2, 12, 1)
    await tick(database, catalog, bot, opened)
    assert texts_to(emulator, 501) == []
    async with database.read() as conn:
        [failed] = await list_reminders(conn, status=DeliveryState.FAILED)

    await tick(database, catalog, bot, opened + RETRY_FAILED_AFTER - timedelta(minutes=1))
    assert texts_to(emulator, 501) == []  # not yet

    retry_at = opened + RETRY_FAILED_AFTER
    await asyncio.gather(*(tick(database, catalog, bot, retry_at) for _ in range(2)))
    await tick(database, catalog, bot, retry_at + timedelta(minutes=30))
    assert len(texts_to(emulator, 501)) == 1  # once, though two replicas ticked
    assert "Открыта" in texts_to(emulator, 501)[0]
    async with database.read() as conn:
        again = next(r for r in await list_reminders(conn) if r.id == failed.id)
        assert len(await list_reminders(conn)) == 3  # the same row, not a new one
    assert again.status is DeliveryState.SENT
    assert again.attempts == failed.attempts + 1


async def test_a_failure_that_persists_stays_visible_as_failed(
    database: Database, world: tuple[Town, FormCatalog, int], bot: Bot, emulator: BotAPIEmulator
) -> None:
    _, catalog, _ = world
    emulator.inject_error("sendMessage", status=400, chat_id=501, times=None)
    now = local(2, 12, 1)
    for _ in range(MAX_ATTEMPTS + 5):
        await tick(database, catalog, bot, now)
        now += RETRY_FAILED_AFTER
    assert len(emulator.calls_of("sendMessage", chat_id=501)) == MAX_ATTEMPTS
    async with database.read() as conn:
        [failed] = await list_reminders(conn, status=DeliveryState.FAILED)
    assert failed.user_id is not None
    assert failed.attempts == MAX_ATTEMPTS
    assert failed.last_error is not None


async def test_a_reminder_claimed_by_a_process_that_died_is_sent_after_the_lease(
    database: Database, world: tuple[Town, FormCatalog, int], bot: Bot, emulator: BotAPIEmulator
) -> None:
    town, catalog, campaign_id = world
    opened = local(2, 12, 1)
    async with database.read() as conn:
        [user_id] = (
            await conn.scalars(
                users.select().with_only_columns(users.c.id).where(users.c.telegram_id == 501)
            )
        ).all()
    async with database.write() as conn:  # claimed, then the process died before sending
        lost = await claim(
            conn,
            campaign_id=campaign_id,
            school_id=town.schools[0].id,
            user_id=user_id,
            kind="opening",
            now=opened,
        )
    assert lost is not None
    await tick(database, catalog, bot, opened + PENDING_LEASE - timedelta(minutes=1))
    assert texts_to(emulator, 501) == []  # it might still be on its way
    await tick(database, catalog, bot, opened + PENDING_LEASE)
    await tick(database, catalog, bot, opened + PENDING_LEASE + timedelta(minutes=1))
    assert len(texts_to(emulator, 501)) == 1
    assert len(texts_to(emulator, 502)) == 1  # its colleague got theirs at the first tick
    async with database.read() as conn:
        states = {r.id: r.status for r in await list_reminders(conn)}
    assert states[lost] is DeliveryState.SENT


async def test_a_moved_deadline_moves_the_reminders_still_ahead(
    database: Database, world: tuple[Town, FormCatalog, int], bot: Bot, emulator: BotAPIEmulator
) -> None:
    _, catalog, campaign_id = world
    await tick(database, catalog, bot, local(2, 12, 1))  # the opening
    async with database.write() as conn:
        assert await set_deadline(conn, campaign_id, local(20, 23, 59))

    await tick(database, catalog, bot, local(7, 10, 1))  # 3 days before the old deadline
    assert len(texts_to(emulator, 501)) == 1
    await tick(database, catalog, bot, local(17, 10, 1))  # 3 days before the new one
    await tick(database, catalog, bot, local(19, 10, 1))
    received = texts_to(emulator, 501)
    assert len(received) == 3
    assert "дней: 3" in received[1]
    assert "20.03.2026 23:59" in received[1]  # the new deadline
    assert "дней: 1" in received[2]


# --- several reminders for one person in one tick: one message ----------------------------------

VSOKO = "Внутренняя система оценки качества образования (ВСОКО)"
TEACHERS = "Развитие профессиональной компетентности педагогов"
VPR = "Результаты всероссийских проверочных работ (ВПР)"


async def _more_rounds(
    database: Database,
    town: Town,
    catalog: FormCatalog,
    *forms: tuple[str, str, datetime],
    school: int | None = None,
) -> list[int]:
    """More open rounds (form key, period, deadline) opening with the world's, for its schools."""
    ids = []
    async with database.write() as conn:
        for key, period, deadline in forms:
            campaign = await add_campaign(
                conn,
                forms=[CampaignForm(key, catalog.row_id(key))],
                municipality_id=town.municipality.id,
                period_label=period,
                opens_at=OPENS,
                deadline_at=deadline,
                school_ids=[s.id for s in town.schools] if school is None else [school],
            )
            ids.append(campaign.id)
    return ids


def _opened(emulator: BotAPIEmulator, chat_id: int) -> list[int]:
    """The response ids the buttons of a chat's last message open, in order."""
    message = emulator.messages(chat_id)[-1]
    return [
        OpenResponse.unpack(button.callback_data or "").response_id
        for row in message.buttons
        for button in row
    ]


async def test_a_person_hears_of_every_round_that_opened_in_one_message(
    database: Database, world: tuple[Town, FormCatalog, int], bot: Bot, emulator: BotAPIEmulator
) -> None:
    """A school in three open rounds: one message per person listing them, a button per form;
    each reminder still claimed once under its own key and recorded as sent."""
    town, catalog, _ = world
    await _more_rounds(
        database,
        town,
        catalog,
        ("teachers", "1 полугодие 2025/26", local(20, 18)),
        ("vpr", "2025/26 учебный год", local(6, 23, 59)),
    )
    await tick(database, catalog, bot, local(2, 12, 1))
    await tick(database, catalog, bot, local(2, 12, 2))

    for chat in (501, 502, 503):
        assert len(emulator.messages(chat)) == 1, chat
    [message] = emulator.messages(501)
    assert (message.plain_text or "").splitlines() == [
        "Для СОШ № 5 открыты 3 анкеты:",
        f"• «{VPR}» (2025/26 учебный год) — срок 06.03.2026 23:59",
        f"• «{VSOKO}» (1 полугодие 2025/26) — срок 10.03.2026 23:59",
        f"• «{TEACHERS}» (1 полугодие 2025/26) — срок 20.03.2026 18:00",
    ]
    assert message.button_texts == [
        "Открыть: Результаты ВПР",
        "Открыть: ВСОКО",
        "Открыть: Развитие педагогов",
    ]
    async with database.read() as conn:
        reminders = await list_reminders(conn)
        user = await get_user_by_telegram_id(conn, 501)
        assert user is not None
        theirs = {(r.campaign_id, r.school_id) for r in reminders if r.user_id == user.id}
        rows = await conn.execute(
            select(responses.c.id, responses.c.campaign_id, responses.c.school_id)
        )
        opened = {row.id for row in rows if (row.campaign_id, row.school_id) in theirs}
    assert len(reminders) == 9  # 3 people x 3 rounds, each claimed once
    assert {(r.kind, r.status) for r in reminders} == {("opening", DeliveryState.SENT)}
    assert all(r.attempts == 1 for r in reminders)
    assert sorted(_opened(emulator, 501)) == sorted(opened)  # each button opens its own form


async def test_near_deadlines_of_one_person_come_in_one_message(
    database: Database, world: tuple[Town, FormCatalog, int], bot: Bot, emulator: BotAPIEmulator
) -> None:
    town, catalog, _ = world
    await _more_rounds(database, town, catalog, ("vsoko", "2 полугодие 2025/26", DEADLINE))
    await tick(database, catalog, bot, local(2, 12, 1))
    await tick(database, catalog, bot, local(7, 10, 1))
    await tick(database, catalog, bot, local(10, 10, 1))

    opening, before, last_day = emulator.messages(503)
    assert (opening.plain_text or "").startswith("Для СОШ № 11 открыты 2 анкеты:")
    assert (before.plain_text or "").splitlines() == [
        "Напоминание о сроках сдачи анкет за СОШ № 11:",
        f"• «{VSOKO}» (1 полугодие 2025/26) — осталось 3 дня, срок 10.03.2026 23:59",
        f"• «{VSOKO}» (2 полугодие 2025/26) — осталось 3 дня, срок 10.03.2026 23:59",
    ]
    assert (last_day.plain_text or "").splitlines()[1:] == [
        f"• «{VSOKO}» (1 полугодие 2025/26) — сегодня последний день, срок 10.03.2026 23:59",
        f"• «{VSOKO}» (2 полугодие 2025/26) — сегодня последний день, срок 10.03.2026 23:59",
    ]
    # The same form twice: its buttons name the period.
    assert last_day.button_texts == [
        "Открыть: ВСОКО, 1 полугодие 2025/26",
        "Открыть: ВСОКО, 2 полугодие 2025/26",
    ]


async def test_a_new_respondent_gets_what_opened_and_what_is_due_in_one_message(
    database: Database, world: tuple[Town, FormCatalog, int], bot: Bot, emulator: BotAPIEmulator
) -> None:
    """Registered on the 8th, for two schools: the round still ahead and the one near its
    deadline, each school named on its line."""
    town, catalog, _ = world
    await tick(database, catalog, bot, local(2, 12, 1))
    [later] = await _more_rounds(database, town, catalog, ("teachers", "март 2026", local(20, 18)))
    async with database.write() as conn:
        await conn.execute(
            campaigns.update().where(campaigns.c.id == later).values(opens_at=local(8, 9))
        )
    await make_person(database, 504, Role.RESPONDENT, school_id=town.schools[0].id)
    async with database.write() as conn:
        user = await get_user_by_telegram_id(conn, 504)
        assert user is not None
        await grant_role(conn, user.id, Role.RESPONDENT, school_id=town.schools[1].id)
    await tick(database, catalog, bot, local(8, 12))

    [message] = emulator.messages(504)
    assert (message.plain_text or "").splitlines() == [
        "Открыты 2 анкеты:",
        f"• «{TEACHERS}» (март 2026), СОШ № 5 — срок 20.03.2026 18:00",
        f"• «{TEACHERS}» (март 2026), СОШ № 11 — срок 20.03.2026 18:00",
        "",
        "Напоминание о сроках сдачи:",
        f"• «{VSOKO}» (1 полугодие 2025/26), СОШ № 5 — осталось 3 дня, срок 10.03.2026 23:59",
        f"• «{VSOKO}» (1 полугодие 2025/26), СОШ № 11 — осталось 3 дня, срок 10.03.2026 23:59",
    ]
    assert message.button_texts == [
        "Открыть: Развитие педагогов, март 2026, СОШ № 5",
        "Открыть: Развитие педагогов, март 2026, СОШ № 11",
        "Открыть: ВСОКО, 1 полугодие 2025/26, СОШ № 5",
        "Открыть: ВСОКО, 1 полугодие 2025/26, СОШ № 11",
    ]


async def test_a_combined_message_that_fails_fails_for_each_reminder_and_is_sent_once_later(
    database: Database, world: tuple[Town, FormCatalog, int], bot: Bot, emulator: BotAPIEmulator
) -> None:
    town, catalog, _ = world
    await _more_rounds(database, town, catalog, ("teachers", "март 2026", local(20, 18)))
    emulator.inject_error("sendMessage", status=400, chat_id=501, times=1)
    opened = local(2, 12, 1)
    await tick(database, catalog, bot, opened)
    assert texts_to(emulator, 501) == []
    async with database.read() as conn:
        failed = await list_reminders(conn, status=DeliveryState.FAILED)
    assert len(failed) == 2  # both reminders the one message carried

    retry_at = opened + RETRY_FAILED_AFTER
    await asyncio.gather(*(tick(database, catalog, bot, retry_at) for _ in range(2)))
    await tick(database, catalog, bot, retry_at + timedelta(minutes=1))
    [message] = emulator.messages(501)
    assert len(message.button_texts) == 2
    assert len(emulator.calls_of("sendMessage", chat_id=501)) == 2  # the failure and the retry
    async with database.read() as conn:
        rows = {r.id: r for r in await list_reminders(conn)}
    assert len(rows) == 6
    assert all(rows[r.id].status is DeliveryState.SENT for r in failed)
    assert all(rows[r.id].attempts == 2 for r in failed)


async def test_a_combined_message_to_a_blocked_person_marks_each_reminder_and_tells_once(
    database: Database, world: tuple[Town, FormCatalog, int], bot: Bot, emulator: BotAPIEmulator
) -> None:
    town, catalog, _ = world
    await _supervisors(database, town)
    await _more_rounds(database, town, catalog, ("teachers", "март 2026", local(20, 18)))
    emulator.inject_error("sendMessage", status=403, chat_id=503, times=None)
    await tick(database, catalog, bot, local(2, 12, 1))
    await tick(database, catalog, bot, local(7, 10, 1))

    assert [c.status for c in emulator.calls_of("sendMessage", chat_id=503)] == [403]
    async with database.read() as conn:
        user = await get_user_by_telegram_id(conn, 503)
        assert user is not None
        theirs = [r for r in await list_reminders(conn) if r.user_id == user.id]
    assert [r.status for r in theirs] == [DeliveryState.UNREACHABLE] * 2
    [told] = texts_to(emulator, 601)  # once, though two rounds' reminders went undelivered
    assert "СОШ № 11" in told


async def test_two_replicas_send_one_combined_message_each_reminder_once(
    database: Database, world: tuple[Town, FormCatalog, int], bot: Bot, emulator: BotAPIEmulator
) -> None:
    town, catalog, _ = world
    await _more_rounds(
        database,
        town,
        catalog,
        ("teachers", "март 2026", local(20, 18)),
        ("vpr", "2025/26 учебный год", local(20, 18)),
    )
    now = local(2, 12, 1)
    await asyncio.gather(*(tick(database, catalog, bot, now) for _ in range(3)))

    for chat in (501, 502, 503):
        [message] = emulator.messages(chat)
        assert len(message.button_texts) == 3, chat
    async with database.read() as conn:
        assert len(await list_reminders(conn, status=DeliveryState.SENT)) == 9


# --- a form returned for revision -------------------------------------------------------------


async def _submit_and_return(
    database: Database,
    world: tuple[Town, FormCatalog, int],
    bot: Bot,
    *,
    at: datetime,
    returned: datetime,
) -> None:
    """СОШ № 5 submitted at ``at``; a methodist returns it at ``returned`` (the return notice
    goes out at once, claimed under returned:<event id>)."""
    town, catalog, campaign_id = world
    async with database.write() as conn:
        response = await get_or_create_response(
            conn, campaign_id, town.schools[0].id, "vsoko", catalog.row_id("vsoko"), at
        )
        draft = await change_status(conn, response, Status.DRAFT, user_id=None, now=at)
        await change_status(conn, draft, Status.SUBMITTED, user_id=None, now=at)
    methodist = await make_actor(
        database,
        602,
        Role.METHODIST,
        full_name="Петрова Елена",
        municipality_id=town.municipality.id,
    )
    sender = Sender(bot, per_second=50, server_error_backoff=0.01)
    await return_for_revision(
        database,
        catalog,
        methodist,
        response.id,
        "Укажите дату",
        telegram_delivery(sender),
        now=returned,
    )


async def test_a_form_returned_for_revision_is_not_announced_as_opened(
    database: Database, world: tuple[Town, FormCatalog, int], bot: Bot, emulator: BotAPIEmulator
) -> None:
    """СОШ № 5 answered before its opening reminder went out (opened at 21:00, the reminder
    waits for 08:00) and was returned that night: it hears of the return only, not "Открыта"."""
    _, catalog, _ = world
    async with database.write() as conn:
        await conn.execute(campaigns.update().values(opens_at=local(2, 21)))
    await _submit_and_return(database, world, bot, at=local(2, 21, 30), returned=local(2, 23))
    await tick(database, catalog, bot, local(3, 8, 0))
    await tick(database, catalog, bot, local(3, 12))

    received = texts_to(emulator, 501)
    assert len(received) == 1
    assert "возвращена на доработку" in received[0]
    assert len(texts_to(emulator, 503)) == 1  # СОШ № 11 did get its opening reminder
    assert "Открыта" in texts_to(emulator, 503)[0]

    await tick(database, catalog, bot, local(7, 10, 1))  # the reminders ahead still come
    assert "дней: 3" in texts_to(emulator, 501)[-1]


async def test_a_reminder_missed_while_submitted_is_not_caught_up_after_a_return(
    database: Database, world: tuple[Town, FormCatalog, int], bot: Bot, emulator: BotAPIEmulator
) -> None:
    _, catalog, _ = world
    await tick(database, catalog, bot, local(2, 12, 1))
    await _submit_and_return(database, world, bot, at=local(6, 12), returned=local(8, 14))
    await tick(database, catalog, bot, local(8, 14, 1))  # "3 days" would be wrong now
    received = texts_to(emulator, 501)
    assert len(received) == 2
    assert "возвращена на доработку" in received[-1]

    await tick(database, catalog, bot, local(9, 10, 1))
    assert "дней: 1" in texts_to(emulator, 501)[-1]
