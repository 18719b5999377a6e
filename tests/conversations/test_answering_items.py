"""Answering on a phone, issue 11 (points 1, 3, 4, 5): the items of a repeat group can be
opened, changed and deleted; "Другое…" of a multiple choice asks for its text at once; a typed
answer seen again can be kept as it is; the question count does not jump.

The repeat group is a test form's (``RESULTS_LOG``): the built-in ВПР form, whose group this
once was, is a table now (issue 17, ``test_table_entry``)."""

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
import yaml

from botapi_emulator import BotAPIEmulator, BotMessage, FakeUser
from core.actors import Actor
from core.campaigns import CampaignPlan, open_campaign
from core.forms.models import FormDefinition
from storage import Database
from storage.people import Role
from storage.responses import load_history
from tests.conversations.answering import stored_values
from tests.factories import Town, make_person, make_town
from tests.harness import BotHarness
from texts import forms as form_texts
from texts import questionnaire as texts

ORGANISER = Actor(telegram_id=0, user=None, bootstrap_admin=True)
TEACHER = 321
KEEP = "Оставить как есть"  # the button the issue asks for, literally

# A repeat group of results per subject and grade, as the ВПР form asked them before issue 17:
# a subject with «Другое…», no key, no row checks.
RESULTS_LOG = FormDefinition.model_validate(
    yaml.safe_load(
        """
id: results_log
version: 1
title: Результаты контрольных работ
short_title: Результаты КР
sections:
  - title: Период
    questions:
      - {id: period, type: text, text: "Когда проводились работы?", max_length: 50}
  - title: Результаты по предметам и классам
    questions:
      - id: results
        type: group
        text: Результаты по предметам и классам
        item_name: Результат
        questions:
          - id: subject
            type: single_choice
            text: Предмет
            other: true
            options:
              - {id: russian, label: Русский язык}
              - {id: math, label: Математика}
              - {id: history, label: История}
          - id: grade
            type: single_choice
            text: Класс
            options:
              - {id: g4, label: 4 класс}
              - {id: g5, label: 5 класс}
              - {id: g6, label: 6 класс}
              - {id: g7, label: 7 класс}
          - {id: fail_pct, type: percent, text: "Доля отметок «2», %"}
          - {id: high_pct, type: percent, text: "Доля высоких результатов («4» и «5»), %"}
  - title: Выводы
    questions:
      - {id: conclusions, type: long_text, text: Выводы и принятые меры, required: false}
"""
    )
)
GROUP_FORM = RESULTS_LOG.id


@pytest.fixture
async def harness(emulator: BotAPIEmulator, sqlite_db: Database) -> AsyncIterator[BotHarness]:
    running = BotHarness(emulator, sqlite_db, extra_forms={GROUP_FORM: RESULTS_LOG})
    await running.start()
    yield running
    await running.stop()


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


async def start(harness: BotHarness, town: Town, key: str) -> tuple[FakeUser, int]:
    """Open a round of form ``key`` for the school; the teacher opens it. (teacher, response)"""
    now = harness.clock()
    plan = CampaignPlan(
        form_keys=(key,),
        municipality_id=town.municipality.id,
        period_label="1 полугодие",
        opens_at=now,
        deadline_at=now + timedelta(days=10),
        school_ids=(town.schools[0].id,),
    )
    await open_campaign(harness.database, harness.catalog, ORGANISER, plan, now=now)
    teacher = harness.user(TEACHER)
    await teacher.send(texts.MY_FORMS_BUTTON)
    listing = await teacher.next_message()
    label = listing.button_texts[0]
    await teacher.press(label, message=listing)
    await harness.settle()
    return teacher, int((listing.button(label).callback_data or "").split(":")[1])


async def last(user: FakeUser, harness: BotHarness) -> BotMessage:
    await harness.settle()
    message = user.last_message()
    assert message is not None
    return message


def text_of(message: BotMessage) -> str:
    return message.plain_text or ""


async def press(user: FakeUser, harness: BotHarness, label: str) -> BotMessage:
    """Press ``label`` on the newest message; the newest message after it."""
    await user.press(label, message=await last(user, harness))
    return await last(user, harness)


async def send(user: FakeUser, harness: BotHarness, text: str) -> BotMessage:
    await harness.settle()
    await user.send(text)
    return await last(user, harness)


async def add_result(
    user: FakeUser, harness: BotHarness, subject: str, grade: str, fail: str, high: str
) -> BotMessage:
    """One item of the results group, from its first question on screen."""
    await press(user, harness, subject)
    await press(user, harness, grade)
    await send(user, harness, fail)
    return await send(user, harness, high)


# --- point 1: repeat-group items ---


async def test_items_of_a_group_are_listed_changed_and_deleted(
    harness: BotHarness, town: Town
) -> None:
    teacher, response_id = await start(harness, town, GROUP_FORM)
    await send(teacher, harness, "весна 2021")
    await add_result(teacher, harness, "Математика", "5 класс", "24", "8")
    listing = await press(teacher, harness, form_texts.ADD_ITEM)
    listing = await add_result(teacher, harness, "Русский язык", "4 класс", "10", "12")

    shown = text_of(listing)
    assert "1. Математика, 5 класс\n2. Русский язык, 4 класс" in shown
    assert form_texts.ITEMS_HINT in shown
    assert listing.button_texts[:2] == ["✏️ 1", "✏️ 2"]
    assert {form_texts.ADD_ITEM, form_texts.ITEMS_DONE} <= set(listing.button_texts)

    # Item 1 opens on its card, then its answers are walked with "Сейчас" and "Оставить как есть".
    card = await press(teacher, harness, "✏️ 1")
    lines = text_of(card).split("\n")
    assert "Результат № 1" in lines
    assert "Предмет: Математика" in lines
    assert "Класс: 5 класс" in lines
    assert "Доля отметок «2», %: 24 %" in lines
    assert card.button_texts[:2] == [form_texts.ITEM_EDIT, form_texts.ITEM_DELETE]
    subject = await press(teacher, harness, form_texts.ITEM_EDIT)
    assert "Предмет" in text_of(subject)
    assert "Сейчас: Математика" in text_of(subject)
    assert KEEP in subject.button_texts
    grade = await press(teacher, harness, KEEP)
    assert "Сейчас: 5 класс" in text_of(grade)
    fail = await press(teacher, harness, "6 класс")
    assert "Сейчас: 24 %" in text_of(fail)
    high = await send(teacher, harness, "20")
    assert "Сейчас: 8 %" in text_of(high)
    listing = await press(teacher, harness, KEEP)
    assert "1. Математика, 6 класс\n2. Русский язык, 4 класс" in text_of(listing)
    values = await stored_values(harness.database, response_id)
    assert values["results"]["items"] == [
        {
            "subject": {"selected": "math", "other": None},
            "grade": {"selected": "g6", "other": None},
            "fail_pct": 20.0,
            "high_pct": 8.0,
        },
        {
            "subject": {"selected": "russian", "other": None},
            "grade": {"selected": "g4", "other": None},
            "fail_pct": 10.0,
            "high_pct": 12.0,
        },
    ]

    # Deleting asks first; "Отмена" keeps it; confirmed, it is gone and the rest renumber.
    await press(teacher, harness, "✏️ 1")
    confirm = await press(teacher, harness, form_texts.ITEM_DELETE)
    assert text_of(confirm) == (
        "Удалить «Результат № 1» (Математика, 6 класс)? Ответы этого пункта будут удалены."
    )
    card = await press(teacher, harness, form_texts.DELETE_ITEM_NO)
    assert "Предмет: Математика" in text_of(card)
    assert len((await stored_values(harness.database, response_id))["results"]["items"]) == 2
    await press(teacher, harness, form_texts.ITEM_DELETE)
    listing = await press(teacher, harness, form_texts.DELETE_ITEM_YES)
    sent = [text_of(m) for m in harness.emulator.messages(TEACHER)[-2:]]
    assert sent[0] == "Удалено: Результат № 1 (Математика, 6 класс)."
    assert "1. Русский язык, 4 класс" in text_of(listing)
    assert "2." not in text_of(listing)
    assert listing.button_texts[0] == "✏️ 1"
    assert "✏️ 2" not in listing.button_texts
    values = await stored_values(harness.database, response_id)
    assert [item["subject"]["selected"] for item in values["results"]["items"]] == ["russian"]
    async with harness.database.read() as conn:  # the deletion is in the history, durably
        history = [h for h in await load_history(conn, response_id) if h.question_id == "results"]
    assert len(history[-1].value["items"]) == 1
    assert len(history[-2].value["items"]) == 2

    # Done; from the review the group opens on its list, an item changes, back to the review.
    await press(teacher, harness, form_texts.ITEMS_DONE)
    review = await press(teacher, harness, form_texts.SKIP)  # the optional conclusions
    assert "Проверьте ответы" in text_of(review)
    listing = await press(teacher, harness, "✏️ 2")
    assert "1. Русский язык, 4 класс" in text_of(listing)
    await press(teacher, harness, "✏️ 1")
    await press(teacher, harness, form_texts.ITEM_EDIT)
    await press(teacher, harness, "Математика")
    await press(teacher, harness, KEEP)
    await press(teacher, harness, KEEP)
    listing = await press(teacher, harness, KEEP)
    assert "1. Математика, 4 класс" in text_of(listing)
    values = await stored_values(harness.database, response_id)
    assert values["results"]["done"] is True  # changing an item keeps the group finished
    review = await press(teacher, harness, form_texts.ITEMS_DONE)
    assert "Проверьте ответы" in text_of(review)
    assert "1) Математика, 4 класс, 10 %, 12 %" in text_of(review)


async def test_back_inside_a_group_goes_to_the_item_not_past_the_group(
    harness: BotHarness, town: Town
) -> None:
    teacher, response_id = await start(harness, town, GROUP_FORM)
    await send(teacher, harness, "весна 2021")
    await add_result(teacher, harness, "Математика", "5 класс", "24", "8")
    await press(teacher, harness, form_texts.ADD_ITEM)
    await press(teacher, harness, "История")
    grade = await last(teacher, harness)
    assert "Результат № 2" in text_of(grade)

    subject = await press(teacher, harness, form_texts.BACK)  # item 2's previous answer
    assert "Результат № 2" in text_of(subject)
    assert "Сейчас: История" in text_of(subject)
    card = await press(teacher, harness, form_texts.BACK)  # its card
    assert "Предмет: История" in text_of(card)
    assert "Класс: —" in text_of(card)
    assert card.button_texts[:3] == [
        form_texts.ITEM_EDIT,
        form_texts.ITEM_DELETE,
        form_texts.BACK,  # not complete: back to its next question, not to the list
    ]
    grade = await press(teacher, harness, form_texts.BACK)
    assert "Результат № 2\nКласс" in text_of(grade)
    await press(teacher, harness, "7 класс")
    await send(teacher, harness, "5")
    listing = await send(teacher, harness, "30")
    assert "2. История, 7 класс" in text_of(listing)

    # "Добавить ещё" by mistake: « Назад drops the empty item and shows the list again.
    await press(teacher, harness, form_texts.ADD_ITEM)
    listing = await press(teacher, harness, form_texts.BACK)
    assert form_texts.ASK_ANOTHER_ITEM in text_of(listing)
    values = await stored_values(harness.database, response_id)
    assert len(values["results"]["items"]) == 2


# --- point 4: keeping a typed answer ---


async def test_back_to_a_typed_answer_can_keep_it(harness: BotHarness, town: Town) -> None:
    teacher, response_id = await start(harness, town, "extra_classes")
    held = await send(teacher, harness, "24")
    assert "Проводятся ли" in text_of(held)

    again = await press(teacher, harness, form_texts.BACK)
    assert "Сейчас: 24 чел." in text_of(again)
    assert KEEP in again.button_texts
    following = await press(teacher, harness, KEEP)
    assert "Проводятся ли" in text_of(following)  # the next question, the answer unchanged
    assert again.button_texts == ["✅ 24 чел."]
    async with harness.database.read() as conn:
        history = [h for h in await load_history(conn, response_id) if h.question_id == "low_total"]
    assert [h.value for h in history] == [24]

    await press(teacher, harness, form_texts.NO)
    await press(teacher, harness, form_texts.NO)  # no extracurricular courses either
    await press(teacher, harness, form_texts.SKIP)
    review = await last(teacher, harness)
    assert "Проверьте ответы" in text_of(review)
    edit = await press(teacher, harness, "✏️ 1")
    assert "Сейчас: 24 чел." in text_of(edit)
    review = await press(teacher, harness, KEEP)  # from the review: back to it
    assert "Проверьте ответы" in text_of(review)


# --- point 3: "Другое…" of a multiple choice ---


async def test_other_of_a_multiple_choice_asks_its_text_at_once(
    harness: BotHarness, town: Town
) -> None:
    teacher, response_id = await start(harness, town, "extra_classes")
    await send(teacher, harness, "24")
    await press(teacher, harness, form_texts.YES)
    subjects = await send(teacher, harness, "5-9")
    assert "По каким предметам" in text_of(subjects)

    await teacher.press("Математика", message=subjects)
    prompt = await press(teacher, harness, form_texts.OTHER)
    assert text_of(prompt) == "Напишите свой вариант."
    assert prompt.button_texts == [form_texts.OTHER_CANCEL]
    subjects = await send(teacher, harness, "Технология и черчение в мастерских")
    assert "По каким предметам" in text_of(subjects)
    assert "✅ Математика" in subjects.button_texts
    assert "✅ Другое: Технология и черчение…" in subjects.button_texts

    await teacher.press("✅ Другое: Технология и черчение…", message=subjects)  # untick
    await harness.settle()
    assert form_texts.OTHER in subjects.button_texts
    await press(teacher, harness, form_texts.OTHER)
    subjects = await press(teacher, harness, form_texts.OTHER_CANCEL)  # changed my mind
    assert form_texts.OTHER in subjects.button_texts
    assert "✅ Математика" in subjects.button_texts
    await press(teacher, harness, form_texts.OTHER)
    subjects = await send(teacher, harness, "ОБЖ")
    await teacher.press(form_texts.DONE, message=subjects)
    await harness.settle()
    values = await stored_values(harness.database, response_id)
    assert values["subjects"] == {"selected": ["math", "other"], "other": "ОБЖ"}

    # Seen again, the choice shows its ticks and the typed text.
    again = await press(teacher, harness, form_texts.BACK)
    assert "✅ Другое: ОБЖ" in again.button_texts
    assert "✅ Математика" in again.button_texts


# --- point 5: the question count ---


async def test_the_count_does_not_jump_and_says_when_an_answer_changes_it(
    harness: BotHarness, town: Town
) -> None:
    teacher, _ = await start(harness, town, "extra_classes")
    first = await last(teacher, harness)
    assert text_of(first).startswith("Вопрос 1 из 11\n")
    second = await send(teacher, harness, "24")
    assert text_of(second).startswith("Вопрос 2 из 11\n")
    third = await press(teacher, harness, form_texts.YES)  # the branch counted: no change
    assert text_of(third).startswith("Вопрос 3 из 11\n")

    await press(teacher, harness, form_texts.BACK)
    fewer = await press(teacher, harness, form_texts.NO)
    assert text_of(fewer).startswith("Вопрос 3 из 4 — после вашего ответа вопросов стало меньше\n")
    back = await press(teacher, harness, form_texts.BACK)
    assert text_of(back).startswith("Вопрос 2 из 4\n")
    more = await press(teacher, harness, form_texts.YES)
    assert text_of(more).startswith("Вопрос 3 из 11 — после вашего ответа вопросов стало больше\n")
    following = await send(teacher, harness, "5-9")
    assert text_of(following).startswith("Вопрос 4 из 11\n")  # said once, then plain again

    await teacher.send("/forms")
    listing = await last(teacher, harness)
    assert "1 полугодие: отвечено 3 из 11 вопросов, до " in text_of(listing)


async def test_text_typed_on_the_list_shows_the_list_again_with_its_buttons(
    harness: BotHarness, town: Town
) -> None:
    """Typing on the list used to get a bare "Добавить ещё один пункт?" with no buttons."""
    teacher, _ = await start(harness, town, GROUP_FORM)
    await send(teacher, harness, "весна 2021")
    await add_result(teacher, harness, "Математика", "5 класс", "24", "8")
    await harness.settle()
    await teacher.send("10")
    await harness.settle()
    hint, listing = harness.emulator.messages(TEACHER)[-2:]
    assert hint.plain_text == form_texts.GROUP_USE_BUTTONS
    assert "1. Математика, 5 класс" in text_of(listing)
    assert form_texts.ITEMS_DONE in listing.button_texts


# --- found in review ---


async def test_an_item_a_colleague_moved_is_not_deleted_by_its_old_number(
    harness: BotHarness, town: Town
) -> None:
    colleague_id = 654
    await make_person(
        harness.database,
        colleague_id,
        Role.RESPONDENT,
        full_name="Петров Пётр",
        school_id=town.schools[0].id,
    )
    teacher, response_id = await start(harness, town, GROUP_FORM)
    await send(teacher, harness, "весна 2021")
    await add_result(teacher, harness, "Математика", "5 класс", "24", "8")
    await press(teacher, harness, form_texts.ADD_ITEM)
    await add_result(teacher, harness, "Русский язык", "4 класс", "10", "12")
    await press(teacher, harness, form_texts.ADD_ITEM)
    await add_result(teacher, harness, "История", "6 класс", "11", "13")
    await press(teacher, harness, "✏️ 2")
    confirm = await press(teacher, harness, form_texts.ITEM_DELETE)
    # Meanwhile a colleague deletes item 1: "Русский язык" becomes item 1, "История" item 2.
    colleague = harness.user(colleague_id)
    await colleague.send(texts.MY_FORMS_BUTTON)
    listing = await colleague.next_message()
    await colleague.press(listing.button_texts[0], message=listing)
    await harness.settle()
    await press(colleague, harness, "✏️ 1")
    await press(colleague, harness, form_texts.ITEM_DELETE)
    await press(colleague, harness, form_texts.DELETE_ITEM_YES)

    await teacher.press(form_texts.DELETE_ITEM_YES, message=confirm)
    await harness.settle()
    items = (await stored_values(harness.database, response_id))["results"]["items"]
    assert [item["subject"]["selected"] for item in items] == ["russian", "history"]
    said = [m.plain_text for m in harness.emulator.messages(TEACHER)[-2:]]
    assert said[0] == form_texts.ITEMS_CHANGED


async def test_a_meaningless_other_text_is_asked_again_not_a_loop(
    harness: BotHarness, town: Town
) -> None:
    teacher, _ = await start(harness, town, "extra_classes")
    await send(teacher, harness, "24")
    await press(teacher, harness, form_texts.YES)
    await send(teacher, harness, "5-9")
    await press(teacher, harness, form_texts.OTHER)
    refused = await send(teacher, harness, "...")
    assert text_of(refused) == form_texts.TEXT_NO_LETTERS
    subjects = await send(teacher, harness, "Технология")  # the prompt is still open
    assert "✅ Другое: Технология" in subjects.button_texts


async def test_reopening_the_form_drops_a_half_given_other(harness: BotHarness, town: Town) -> None:
    now = harness.clock()
    plan = CampaignPlan(
        form_keys=(GROUP_FORM,),
        municipality_id=town.municipality.id,
        period_label="1 полугодие",
        opens_at=now,
        deadline_at=now + timedelta(days=10),
        school_ids=(town.schools[0].id,),
    )
    await open_campaign(harness.database, harness.catalog, ORGANISER, plan, now=now)
    teacher = harness.user(TEACHER)
    await teacher.send(texts.MY_FORMS_BUTTON)
    listing = await teacher.next_message()
    label = listing.button_texts[0]
    await teacher.press(label, message=listing)
    await harness.settle()
    await send(teacher, harness, "весна 2021")
    await press(teacher, harness, form_texts.OTHER)
    await teacher.press(label, message=listing)  # the form's button again: the prompt is gone
    await harness.settle()
    await send(teacher, harness, "Математика")  # typed as an option's label, not as "Другое"
    response_id = int((listing.button(label).callback_data or "").split(":")[1])
    items = (await stored_values(harness.database, response_id))["results"]["items"]
    assert items[0]["subject"] == {"selected": "math", "other": None}
