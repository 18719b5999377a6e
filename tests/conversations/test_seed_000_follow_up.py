"""Seed 000's instructions followed up (issue 16): the methodist drafts the Tomsk order, puts
its instructions under follow-up; each school's representative is reminded the day before the
deadline and reports one item done from the reminder's button; the day after the deadline the
methodist's digest lists what is still open, and not what was done."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.handlers.order.callbacks import OrderTrack
from botapi_emulator import BotMessage, FakeUser
from core.reminders import run_tick
from storage.plans import ItemStatus, get_plan, instructions_plan
from storage.schema import campaigns
from tests.conversations.test_seed_000 import (
    RESPONDENTS,
    SCHOOLS,
    draft_order_in_chat,
    replay_seed,
)
from tests.harness import BotHarness
from texts import order_chat as order_texts
from texts import plan_items as item_texts
from texts import plan_reminders as reminder_texts
from texts import plans as plan_texts

TOMSK = ZoneInfo("Asia/Tomsk")


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 5), TOMSK).astimezone(UTC)


async def _tick(harness: BotHarness, now: datetime) -> None:
    harness.clock.set(now)
    await run_tick(harness.database, harness.catalog, harness.deliver, now=now)
    await harness.settle()


async def test_the_orders_instructions_are_reminded_reported_done_and_digested(
    harness: BotHarness,
) -> None:
    methodist = await replay_seed(harness)
    deadline_text, _ = await draft_order_in_chat(harness, methodist)
    deadline = datetime.strptime(deadline_text, "%d.%m.%Y").date()
    offer = methodist.last_message()
    assert offer is not None
    assert deadline_text in (offer.plain_text or "")

    await methodist.press(order_texts.TRACK_BUTTON, message=offer)
    await harness.settle()
    tracked = _last(methodist)
    assert tracked.button_texts == []
    assert (tracked.plain_text or "").startswith("📌 Поручения на контроле: «Поручения по")
    campaign_id = await _only_campaign(harness)
    async with harness.database.read() as conn:
        plan_id = await instructions_plan(conn, campaign_id)
        assert plan_id is not None
        plan = await get_plan(conn, plan_id)
    assert plan is not None
    # One item per instruction and school, each school's under its name, due on the deadline,
    # owned by its representative.
    assert f"Добавлено пунктов: {len(plan.items)}." in (tracked.plain_text or "")
    assert {item.section for item in plan.items} <= set(SCHOOLS)
    assert all(item.due_on == deadline and len(item.school_ids) == 1 for item in plan.items)
    assert all([o.name for o in item.owners] != [] for item in plan.items)
    assert not any(item.content.startswith("Привести положение о ВСОКО") for item in plan.items)
    per_school = {school: [i for i in plan.items if i.section == school] for school in SCHOOLS}
    busiest = max(SCHOOLS, key=lambda school: len(per_school[school]))
    assert len(per_school[busiest]) >= 2

    # Pressed again (its button is gone; a copy of its payload): the offer is spent.
    again = await methodist.press_data(offer, OrderTrack(campaign_id=campaign_id).pack())
    await harness.settle()
    assert (methodist.callback_answer(again) or {}).get("text") == order_texts.STALE

    # The day before the deadline, at 10:05 Tomsk: one message per representative with items,
    # none to one without.
    chats = {school: harness.user(RESPONDENTS[school]).chat_id for school in SCHOOLS}
    counts = {school: len(harness.emulator.messages(chat)) for school, chat in chats.items()}
    await _tick(harness, _at(deadline - timedelta(days=1), 10))
    for school, chat in chats.items():
        sent = len(harness.emulator.messages(chat)) - counts[school]
        assert sent == (1 if per_school[school] else 0), school
    teacher = harness.user(RESPONDENTS[busiest])
    reminder = teacher.last_message()
    assert reminder is not None
    text = reminder.plain_text or ""
    assert text.startswith(reminder_texts.LIST_HEADER)
    assert reminder_texts.STAGE_HEADERS["before"] in text
    first = per_school[busiest][0]
    assert f"1. п. 1. {first.content[:40]}" in text
    assert reminder.button_texts[: len(per_school[busiest])] == [
        f"✅ {n}" for n in range(1, len(per_school[busiest]) + 1)
    ]

    await teacher.press("✅ 1", message=reminder)
    await harness.settle()
    assert "Коротко напишите, что сделано" in (_last(teacher).plain_text or "")
    await teacher.send("Результаты представлены в отдел 09.03, письмо № 12")
    await harness.settle()
    evidence = _last(teacher)
    assert evidence.button_texts == [item_texts.NO_EVIDENCE_BUTTON]
    await teacher.press(item_texts.NO_EVIDENCE_BUTTON, message=evidence)
    await harness.settle()
    done = _last(teacher).plain_text or ""
    assert done.startswith("✅ Отмечено выполненным: п. 1 «"), done

    # The same tick again sends nothing new.
    before = len(harness.emulator.messages(teacher.chat_id))
    await _tick(harness, _at(deadline - timedelta(days=1), 10))
    assert len(harness.emulator.messages(teacher.chat_id)) == before

    # The day after the deadline, 9:05: the methodist's digest lists the open items only.
    await _tick(harness, _at(deadline + timedelta(days=1), 9))
    digest = methodist.last_message()
    assert digest is not None
    day = (deadline + timedelta(days=1)).strftime("%d.%m.%Y")
    open_items = len(plan.items) - 1
    assert (digest.plain_text or "").startswith(
        reminder_texts.DIGEST_HEADER.format(day=day, count=open_items)
    )
    assert f"({busiest})" in (digest.plain_text or "")
    async with harness.database.read() as conn:
        after = await get_plan(conn, plan.id)
    assert after is not None
    assert [i.status for i in after.items].count(ItemStatus.DONE) == 1
    assert next(i for i in after.items if i.id == first.id).report == (
        "Результаты представлены в отдел 09.03, письмо № 12"
    )

    # /plans shows the round's plan with its one item done.
    await methodist.send("/plans")
    await harness.settle()
    listing = methodist.last_message()
    assert listing is not None
    [button] = [b for b in listing.button_texts if "Поручения по" in b]
    await methodist.press(button, message=listing)
    await harness.settle()
    board = _last(methodist).plain_text or ""
    assert f"Выполнено 1 · в работе 0 · запланировано {open_items}" in board
    assert plan_texts.NO_PLANS not in (listing.plain_text or "")


def _last(user: FakeUser) -> BotMessage:
    message = user.last_message()
    assert message is not None
    return message


async def _only_campaign(harness: BotHarness) -> int:
    async with harness.database.read() as conn:
        [campaign_id] = (await conn.execute(select(campaigns.c.id))).scalars().all()
    return int(campaign_id)
