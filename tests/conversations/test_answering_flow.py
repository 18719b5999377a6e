"""Answering on a phone: the places a teacher between lessons used to stumble (issue 11)."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from core.actors import Actor
from core.campaigns import CampaignPlan, open_campaign
from storage.people import Role
from storage.responses import get_response, load_answers
from tests.factories import Town, make_person, make_town
from tests.harness import BotHarness
from texts import common as common_texts
from texts import questionnaire as texts

ORGANISER = Actor(telegram_id=0, user=None, bootstrap_admin=True)
TEACHER = 311
ZONE = ZoneInfo("Asia/Tomsk")  # the test town's


@pytest.fixture
async def town(harness: BotHarness) -> Town:
    town = await make_town(harness.database, short_names=("СОШ № 5",))
    await make_person(
        harness.database,
        TEACHER,
        Role.RESPONDENT,
        full_name="Иванова Мария",
        school_id=town.schools[0].id,
    )
    return town


async def open_round(harness: BotHarness, town: Town, key: str, period: str, *, days: int) -> None:
    now = harness.clock()
    plan = CampaignPlan(
        form_keys=(key,),
        municipality_id=town.municipality.id,
        period_label=period,
        opens_at=now,
        deadline_at=now + timedelta(days=days),
        school_ids=(town.schools[0].id,),
    )
    await open_campaign(harness.database, harness.catalog, ORGANISER, plan, now=now)


async def test_a_command_typed_during_a_question_is_a_command_not_the_answer(
    harness: BotHarness, town: Town
) -> None:
    await open_round(harness, town, "extra_classes", "1 полугодие 2026/27", days=10)
    teacher = harness.user(TEACHER)
    await teacher.send(texts.MY_FORMS_BUTTON)
    listing = await teacher.next_message()
    await teacher.press(listing.button_texts[0], message=listing)
    question = await teacher.next_message()
    assert "обучающихся с низким уровнем подготовки" in (question.plain_text or "")

    await teacher.send("/help")  # a number question: was "Нужно целое число"
    help_text = (await teacher.next_message()).plain_text or ""
    assert "/forms" in help_text
    assert "Нужно" not in help_text
    await teacher.send("/whoami")
    whoami = await teacher.next_message()
    assert "Нужно" not in (whoami.plain_text or "")
    await teacher.send("/nonsense")
    assert (await teacher.next_message()).plain_text == common_texts.UNKNOWN_COMMAND.format(
        command="/nonsense"
    )
    data = listing.button(listing.button_texts[0]).callback_data or ""
    response = await get_response_by_id(harness, int(data.split(":")[1]))
    assert response == {}  # nothing stored as an answer

    await teacher.send("12")  # the question is still waiting for its answer
    following = await teacher.next_message()
    assert "Проводятся ли дополнительные занятия" in (following.plain_text or "")


async def get_response_by_id(harness: BotHarness, response_id: int) -> dict[str, object]:
    async with harness.database.read() as conn:
        assert await get_response(conn, response_id) is not None
        return dict(await load_answers(conn, response_id))


async def test_two_rounds_of_one_form_are_told_apart_and_a_far_deadline_has_its_year(
    harness: BotHarness, town: Town
) -> None:
    await open_round(harness, town, "vsoko", "1 полугодие 2026/27", days=10)
    await open_round(harness, town, "vsoko", "2026/27 учебный год", days=400)
    teacher = harness.user(TEACHER)
    await teacher.send("/forms")
    listing = await teacher.next_message()
    text = listing.plain_text or ""
    near = (harness.clock() + timedelta(days=10)).astimezone(ZONE)
    far = (harness.clock() + timedelta(days=400)).astimezone(ZONE)
    assert "ВСОКО — 1 полугодие 2026/27: отвечено 0 из" in text
    assert f"до {near:%d.%m}" in text
    assert f"до {near:%d.%m.%Y}" not in text
    assert f"до {far:%d.%m.%Y}" in text
    assert listing.button_texts == [
        "Заполнить: ВСОКО · 1 полугодие 2026/27",
        "Заполнить: ВСОКО · 2026/27 учебный год",
    ]


async def test_a_pressed_button_is_echoed_as_written_on_it(harness: BotHarness, town: Town) -> None:
    await open_round(harness, town, "extra_classes", "1 полугодие 2026/27", days=10)
    teacher = harness.user(TEACHER)
    await teacher.send(texts.MY_FORMS_BUTTON)
    listing = await teacher.next_message()
    await teacher.press(listing.button_texts[0], message=listing)
    await teacher.next_message()
    await teacher.send("12")
    question = await teacher.next_message()
    await teacher.press("Да", message=question)
    await harness.settle()
    answered = next(
        m for m in harness.emulator.messages(TEACHER) if m.message_id == question.message_id
    )
    assert answered.button_texts == ["✅ Да"]  # not "✅ да"
