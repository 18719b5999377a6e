"""Reminders that arrive at awkward moments, over the fake Bot API (issue 11, point 8): while the
person is inside a form, a reminder neither takes the place of the question on screen nor sends
them back to the start."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from botapi_emulator import BotMessage, FakeUser
from core.actors import Actor
from core.campaigns import open_form_for_schools
from core.reminders import run_tick
from storage.people import Role
from storage.types import utcnow
from tests.conversations.answering import stored_values
from tests.factories import Town, make_person, make_town
from tests.harness import BotHarness
from texts import forms as form_texts
from texts import questionnaire as questionnaire_texts

ORGANISER = Actor(telegram_id=0, user=None, bootstrap_admin=True)
TEACHER = 301
ZONE = ZoneInfo("Asia/Tomsk")
REGULATION = "Есть ли в школе положение о ВСОКО?"
APPROVED_ON = "Дата утверждения положения"
MECHANISMS = "Описаны ли в положении механизмы оценки качества образования?"


def _next_local_noon() -> datetime:
    """A daytime moment ahead of the wall clock, so quiet hours do not hold the tick."""
    today = utcnow().astimezone(ZONE).date()
    return (
        datetime.combine(today + timedelta(days=1), datetime.min.time(), ZONE)
        .replace(hour=12)
        .astimezone(UTC)
    )


@pytest.fixture
async def opened(harness: BotHarness) -> datetime:
    """СОШ № 5 with one teacher; ВСОКО and «Развитие педагогов» open at a local noon (the
    harness clock stands there), due in ten days."""
    town: Town = await make_town(harness.database)
    await make_person(
        harness.database,
        TEACHER,
        Role.RESPONDENT,
        full_name="Иванова Мария",
        school_id=town.schools[0].id,
    )
    noon = _next_local_noon()
    harness.clock.set(noon)
    for key in ("vsoko", "teachers"):
        await open_form_for_schools(
            harness.database,
            harness.catalog,
            ORGANISER,
            key,
            deadline=(noon + timedelta(days=10)).astimezone(ZONE).date(),
            period_label="1 полугодие 2026/27",
            now=noon,
        )
    return noon


async def _tick(harness: BotHarness) -> None:
    await run_tick(harness.database, harness.catalog, harness.deliver, now=harness.clock())
    await harness.settle()


async def _open_vsoko(harness: BotHarness, teacher: FakeUser) -> int:
    """ "Мои анкеты" → ВСОКО → the first answer; the teacher is now on the date question."""
    await teacher.send(questionnaire_texts.MY_FORMS_BUTTON)
    await harness.settle()
    listing = teacher.last_message()
    assert listing is not None
    label = next(text for text in listing.button_texts if "ВСОКО" in text)
    response_id = int((listing.button(label).callback_data or "").split(":")[1])
    await teacher.press(label, message=listing)
    await harness.settle()
    await teacher.press("Да, положение о ВСОКО")
    await harness.settle()
    assert APPROVED_ON in _last_text(teacher)
    return response_id


def _last_text(user: FakeUser) -> str:
    last = user.last_message()
    assert last is not None
    return last.plain_text or ""


def _last_reminder(harness: BotHarness) -> BotMessage:
    found = [
        m
        for m in harness.emulator.messages(TEACHER)
        if any(text.startswith("Открыть") for text in m.button_texts)
    ]
    assert found
    return found[-1]


async def test_a_reminder_in_the_middle_of_a_form_keeps_the_question_and_resumes_there(
    harness: BotHarness, opened: datetime
) -> None:
    teacher = harness.user(TEACHER)
    response_id = await _open_vsoko(harness, teacher)

    # The opening reminder of both forms arrives in one message while the date is being asked.
    harness.clock.advance(minutes=1)
    await _tick(harness)
    reminder = _last_reminder(harness)
    assert reminder.button_texts == ["Открыть: ВСОКО", "Открыть: Развитие педагогов"]
    assert teacher.last_message() is reminder

    # Typing the answer still answers the date question, and the form goes on.
    await teacher.send("25.12.2020")
    await harness.settle()
    values = await stored_values(harness.database, response_id)
    assert values["approved_on"] == "2020-12-25"
    assert MECHANISMS in _last_text(teacher)

    # The reminder's button resumes the form where it was, not from the first question.
    await teacher.press("Открыть: ВСОКО", message=reminder)
    await harness.settle()
    shown = _last_text(teacher)
    assert MECHANISMS in shown
    assert REGULATION not in shown
    assert await stored_values(harness.database, response_id) == values

    # ...and the question it shows is answered as usual.
    await teacher.press("Частично")
    await harness.settle()
    assert (await stored_values(harness.database, response_id))["mechanisms"][
        "selected"
    ] == "partly"


async def test_a_deadline_reminder_while_on_a_question_then_the_answer_then_its_button(
    harness: BotHarness, opened: datetime
) -> None:
    """Three days before the deadline, the teacher is on the date question when the reminder
    comes: the typed date answers it; the reminder's button then shows the next question."""
    teacher = harness.user(TEACHER)
    harness.clock.advance(minutes=1)
    await _tick(harness)  # the opening, read and left
    deadline_day = (opened + timedelta(days=10)).astimezone(ZONE).date()
    three_days_before = datetime.combine(
        deadline_day - timedelta(days=3), datetime.min.time(), ZONE
    ).replace(hour=10, minute=1)
    harness.clock.set(three_days_before.astimezone(UTC))
    response_id = await _open_vsoko(harness, teacher)

    await _tick(harness)
    reminder = _last_reminder(harness)
    assert (reminder.plain_text or "").startswith("Напоминание о сроках сдачи анкет за СОШ № 5:")
    assert "осталось 3 дня" in (reminder.plain_text or "")

    await teacher.send("01.09.2021")
    await harness.settle()
    assert (await stored_values(harness.database, response_id))["approved_on"] == "2021-09-01"
    await teacher.press("Открыть: ВСОКО", message=reminder)
    await harness.settle()
    assert MECHANISMS in _last_text(teacher)


async def test_the_reminder_button_returns_to_the_question_the_person_went_back_to(
    harness: BotHarness, opened: datetime
) -> None:
    teacher = harness.user(TEACHER)
    response_id = await _open_vsoko(harness, teacher)
    await teacher.send("25.12.2020")
    await harness.settle()
    await teacher.press(form_texts.BACK)  # from the mechanisms back to the date, to check it
    await harness.settle()
    assert APPROVED_ON in _last_text(teacher)

    harness.clock.advance(minutes=1)
    await _tick(harness)
    await teacher.press("Открыть: ВСОКО", message=_last_reminder(harness))
    await harness.settle()
    assert APPROVED_ON in _last_text(teacher)
    assert (await stored_values(harness.database, response_id))["approved_on"] == "2020-12-25"
