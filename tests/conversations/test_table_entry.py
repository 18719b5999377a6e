"""A table in the chat (issue 17): the built-in ВПР table's rows given one by one, each with its
summary; a wrong row (a sum over 100), a duplicate key and a value out of bounds refused with a
second chance; a row changed and deleted from its card; required rows asked for on «Готово» (a
test form's table); a restart in the middle of a row; sixty rows on one phone screen."""

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
import yaml

from bot.handlers.tables.callbacks import TableTemplate
from botapi_emulator import BotAPIEmulator, BotMessage, FakeUser
from core.actors import Actor
from core.campaigns import CampaignPlan, open_campaign
from core.forms.models import FormDefinition
from storage import Database
from storage.people import Role
from storage.responses import save_answer
from tests.conversations.answering import stored_values
from tests.conversations.scripted import answer_form
from tests.conversations.test_message_limits import limit_problems
from tests.factories import Town, make_person, make_town
from tests.harness import BotHarness
from texts import forms as form_texts
from texts import questionnaire as texts
from texts import tables as table_texts

ORGANISER = Actor(telegram_id=0, user=None, bootstrap_admin=True)
TEACHER = 421
KEEP = form_texts.KEEP

# A table whose form requires two rows (the grades a school teaches, say).
REQUIRED = FormDefinition.model_validate(
    yaml.safe_load(
        """
id: marks
version: 1
title: Итоги четверти
short_title: Итоги четверти
sections:
  - title: Итоги
    questions:
      - id: marks
        type: table
        text: Итоги по предметам и классам
        key: [subject, grade]
        required_rows:
          - {subject: math, grade: g5}
          - {subject: russian, grade: g5}
        row_checks:
          - {sum: [low, high], at_most: 100, message: доля «2» и доля «4–5» вместе больше 100 %}
        questions:
          - id: subject
            type: single_choice
            text: Предмет
            options:
              - {id: russian, label: Русский язык}
              - {id: math, label: Математика}
          - id: grade
            type: single_choice
            text: Класс
            options:
              - {id: g5, label: 5 класс}
              - {id: g6, label: 6 класс}
          - {id: low, type: percent, text: "Доля «2», %", short: «2»}
          - {id: high, type: percent, text: "Доля «4» и «5», %", short: «4–5»}
      - {id: notes, type: long_text, text: Комментарий, required: false}
"""
    )
)


@pytest.fixture
async def harness(emulator: BotAPIEmulator, sqlite_db: Database) -> AsyncIterator[BotHarness]:
    running = BotHarness(emulator, sqlite_db, extra_forms={REQUIRED.id: REQUIRED})
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


async def open_round(harness: BotHarness, town: Town, key: str) -> None:
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


async def start(harness: BotHarness, town: Town, key: str) -> tuple[FakeUser, int]:
    """Open a round of form ``key``; the teacher opens it. (teacher, response id)"""
    await open_round(harness, town, key)
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


def said(harness: BotHarness, count: int) -> list[str]:
    """The texts of the teacher's last ``count`` messages."""
    return [text_of(m) for m in harness.emulator.messages(TEACHER)[-count:]]


async def add_row(
    user: FakeUser, harness: BotHarness, subject: str, grade: str, low: str, high: str
) -> BotMessage:
    """One row, from its first question on screen; the table after it."""
    await press(user, harness, subject)
    await press(user, harness, grade)
    await send(user, harness, low)
    return await send(user, harness, high)


def rows_of(values: dict[str, Any], key: str = "results") -> list[dict[str, Any]]:
    return list(values[key]["items"])


def choice(option: str) -> dict[str, Any]:
    return {"selected": option, "other": None}


HEAD = "Вопрос 2 из 3\nРезультаты по предметам и классам\nРезультаты ВПР по предметам и классам\n"
TABLE_BUTTONS = [
    table_texts.ADD_ROW,
    table_texts.FINISH,
    table_texts.EXCEL,
    form_texts.BACK,
    form_texts.PAUSE,
]


async def test_a_wrong_row_is_refused_and_its_values_entered_again(
    harness: BotHarness, town: Town
) -> None:
    teacher, response_id = await start(harness, town, "vpr")
    first = await send(teacher, harness, "весна 2021")
    assert text_of(first) == HEAD + (
        "Одна строка — одна пара «предмет — класс», в которых школа писала ВПР. Можно заполнить "
        "таблицу в Excel и прислать файлом.\nСтрока № 1\nПредмет"
    )
    assert first.button_texts[-3:] == [table_texts.EXCEL, form_texts.BACK, form_texts.PAUSE]
    excel = first.button(table_texts.EXCEL).callback_data
    assert excel == TableTemplate(r=response_id, q="results").pack()

    await press(teacher, harness, "Математика")
    fail = await press(teacher, harness, "5 класс")
    assert text_of(fail) == HEAD + (
        "Строка № 1: Математика, 5 класс\nДоля отметок «2», %\nНапример, 24 или 12,5."
    )
    # Out of bounds: refused, asked again.
    again = await send(teacher, harness, "120")
    assert said(harness, 2) == ["Число должно быть не больше 100.", text_of(fail)]
    await send(teacher, harness, "12,5")
    await send(teacher, harness, "95")  # 12,5 + 95 > 100
    refusal, asked = said(harness, 2)
    assert refusal == (
        "Не принято: доля «2» и доля «4–5» вместе больше 100 % («2» — 12,5 %, «4–5» — 95 %). "
        "Введите заново: «2», «4–5»."
    )
    assert asked == text_of(again)  # the first offending value first
    values = await stored_values(harness.database, response_id)
    assert values["results"] == {  # nothing half-valid is left: the row is not complete
        "items": [{"subject": choice("math"), "grade": choice("g5")}],
        "done": False,
    }

    await send(teacher, harness, "12,5")
    table = await send(teacher, harness, "35")
    assert text_of(table) == HEAD + (
        "1. Математика, 5 класс: «2» — 12,5 %, «4–5» — 35 %\n"
        "Чтобы изменить или удалить строку, нажмите ✏️ с её номером."
    )
    assert table.button_texts == ["✏️ 1", *TABLE_BUTTONS]
    assert table.button(table_texts.EXCEL).callback_data == excel
    values = await stored_values(harness.database, response_id)
    assert rows_of(values) == [
        {"subject": choice("math"), "grade": choice("g5"), "fail_pct": 12.5, "high_pct": 35}
    ]

    # Typing on the table: the buttons are the answer.
    await send(teacher, harness, "10")
    hint, shown = said(harness, 2)
    assert hint == table_texts.USE_BUTTONS
    assert shown == text_of(table)


async def test_a_duplicate_key_is_refused_at_once_with_a_second_chance(
    harness: BotHarness, town: Town
) -> None:
    teacher, response_id = await start(harness, town, "vpr")
    await send(teacher, harness, "весна 2021")
    await add_row(teacher, harness, "Математика", "5 класс", "12,5", "35")
    await press(teacher, harness, table_texts.ADD_ROW)
    await press(teacher, harness, "Математика")
    grade = await last(teacher, harness)
    await press(teacher, harness, "5 класс")
    refusal, asked = said(harness, 2)
    assert refusal == (
        "Математика, 5 класс уже есть в таблице (строка № 1) — измените ту строку или выберите "
        "класс заново."
    )
    assert asked == text_of(grade) == HEAD + "Строка № 2: Математика\nКласс"
    values = await stored_values(harness.database, response_id)
    assert rows_of(values)[1] == {"subject": choice("math")}  # the grade not written

    await press(teacher, harness, "6 класс")
    await send(teacher, harness, "10")
    table = await send(teacher, harness, "20")
    assert "\n2. Математика, 6 класс: «2» — 10 %, «4–5» — 20 %\n" in text_of(table)

    # Changing row 2's key to row 1's is refused the same way; nothing is written.
    card = await press(teacher, harness, "✏️ 2")
    assert text_of(card) == HEAD + (
        "Строка № 2\nМатематика, 6 класс: «2» — 10 %, «4–5» — 20 %\nЧто изменить?"
    )
    assert card.button_texts == [
        "✏️ «2»",
        "✏️ «4–5»",
        "✏️ Предмет, класс",
        table_texts.DELETE_ROW,
        table_texts.TO_TABLE,
        form_texts.PAUSE,
    ]
    subject = await press(teacher, harness, "✏️ Предмет, класс")
    assert "Сейчас: Математика" in text_of(subject)
    grade = await press(teacher, harness, KEEP)
    assert "Сейчас: 6 класс" in text_of(grade)
    await press(teacher, harness, "5 класс")
    refusal, asked = said(harness, 2)
    assert refusal.startswith("Математика, 5 класс уже есть в таблице (строка № 1)")
    assert asked == text_of(grade)
    before = await stored_values(harness.database, response_id)
    assert rows_of(before)[1]["grade"] == choice("g6")

    # A new key is chosen column by column and written whole, a restart between them.
    await press(teacher, harness, form_texts.BACK)  # to the subject
    await press(teacher, harness, "Русский язык")
    assert await stored_values(harness.database, response_id) == before
    grade = await last(teacher, harness)
    assert "Строка № 2: Русский язык, 6 класс" in text_of(grade)
    await harness.restart()
    await teacher.press("5 класс", message=grade)
    table = await last(teacher, harness)
    assert "\n2. Русский язык, 5 класс: «2» — 10 %, «4–5» — 20 %\n" in text_of(table)
    values = await stored_values(harness.database, response_id)
    assert rows_of(values)[1] == {
        "subject": choice("russian"),
        "grade": choice("g5"),
        "fail_pct": 10,
        "high_pct": 20,
    }


async def test_a_row_is_changed_and_deleted_and_the_review_shows_each_row(
    harness: BotHarness, town: Town
) -> None:
    teacher, response_id = await start(harness, town, "vpr")
    await send(teacher, harness, "весна 2021")
    await add_row(teacher, harness, "Математика", "5 класс", "12,5", "35")
    await press(teacher, harness, table_texts.ADD_ROW)
    await add_row(teacher, harness, "Русский язык", "4 класс", "10", "12")
    await press(teacher, harness, table_texts.ADD_ROW)
    await add_row(teacher, harness, "История", "6 класс", "11", "13")

    await press(teacher, harness, "✏️ 2")
    confirm = await press(teacher, harness, table_texts.DELETE_ROW)
    assert text_of(confirm) == (
        "Удалить строку № 2 — Русский язык, 4 класс: «2» — 10 %, «4–5» — 12 %?"
    )
    card = await press(teacher, harness, form_texts.DELETE_ITEM_NO)
    assert "Русский язык, 4 класс" in text_of(card)
    await press(teacher, harness, table_texts.DELETE_ROW)
    table = await press(teacher, harness, table_texts.DELETE_YES)
    assert said(harness, 2)[0] == (
        "Строка удалена: Русский язык, 4 класс: «2» — 10 %, «4–5» — 12 %."
    )
    assert text_of(table) == HEAD + (
        "1. Математика, 5 класс: «2» — 12,5 %, «4–5» — 35 %\n"
        "2. История, 6 класс: «2» — 11 %, «4–5» — 13 %\n"
        "Чтобы изменить или удалить строку, нажмите ✏️ с её номером."
    )

    # A value changed from the card past the row check: both values asked again.
    await press(teacher, harness, "✏️ 1")
    low = await press(teacher, harness, "✏️ «2»")
    assert text_of(low).endswith("Доля отметок «2», %\nНапример, 24 или 12,5.\nСейчас: 12,5 %")
    await send(teacher, harness, "70")
    refusal, asked = said(harness, 2)
    assert refusal == (
        "Не принято: доля «2» и доля «4–5» вместе больше 100 % («2» — 70 %, «4–5» — 35 %). "
        "Введите заново: «2», «4–5»."
    )
    # The stored row is left as it was until new values pass: the table stays finished.
    assert asked.endswith("Доля отметок «2», %\nНапример, 24 или 12,5.\nСейчас: 12,5 %")
    kept = (await stored_values(harness.database, response_id))["results"]["items"][0]
    assert (kept["fail_pct"], kept["high_pct"]) == (12.5, 35)
    high = await send(teacher, harness, "60")
    assert "Доля высоких результатов" in text_of(high)
    table = await send(teacher, harness, "30")
    assert "\n1. Математика, 5 класс: «2» — 60 %, «4–5» — 30 %\n" in text_of(table)

    conclusions = await press(teacher, harness, table_texts.FINISH)
    assert "Выводы и принятые меры" in text_of(conclusions)
    review = await press(teacher, harness, form_texts.SKIP)
    assert text_of(review) == (
        "Проверьте ответы — «Результаты всероссийских проверочных работ (ВПР)», СОШ № 5:\n"
        "1. Когда проводились ВПР? — весна 2021\n"
        "2. Результаты ВПР по предметам и классам:\n"
        "• Математика, 5 класс: «2» — 60 %, «4–5» — 30 %\n"
        "• История, 6 класс: «2» — 11 %, «4–5» — 13 %\n"
        "3. Выводы и принятые меры по результатам ВПР — пропущено\n" + texts.REVIEW_HINT
    )
    values = await stored_values(harness.database, response_id)
    assert values["results"]["done"] is True
    # On the review the table opens on its rows; a row deleted there keeps it finished.
    await press(teacher, harness, "✏️ 2")
    await press(teacher, harness, "✏️ 2")
    await press(teacher, harness, table_texts.DELETE_ROW)
    await press(teacher, harness, table_texts.DELETE_YES)
    review = await press(teacher, harness, table_texts.FINISH)
    assert "\n• Математика, 5 класс: «2» — 60 %, «4–5» — 30 %\n3. Выводы" in text_of(review)


async def test_required_rows_missing_are_named_on_done(harness: BotHarness, town: Town) -> None:
    teacher, response_id = await start(harness, town, REQUIRED.id)
    table = await add_row(teacher, harness, "Математика", "6 класс", "5", "40")
    assert text_of(table) == (
        "Вопрос 1 из 2\nИтоги\nИтоги по предметам и классам\n"
        "1. Математика, 6 класс: «2» — 5 %, «4–5» — 40 %\n"
        "Ещё нужны строки: Математика, 5 класс; Русский язык, 5 класс.\n"
        "Чтобы изменить или удалить строку, нажмите ✏️ с её номером."
    )
    await press(teacher, harness, table_texts.FINISH)
    refusal, shown = said(harness, 2)
    assert refusal == (
        "Таблицу пока нельзя закончить:\n"
        "• Не хватает обязательных строк: Математика, 5 класс; Русский язык, 5 класс\n"
        "Добавьте их кнопкой «➕ Добавить строку»."
    )
    assert shown == text_of(table)
    values = await stored_values(harness.database, response_id)
    assert values["marks"]["done"] is False

    await press(teacher, harness, table_texts.ADD_ROW)
    table = await add_row(teacher, harness, "Математика", "5 класс", "0", "100")
    assert "Ещё нужны строки: Русский язык, 5 класс." in text_of(table)
    await press(teacher, harness, table_texts.ADD_ROW)
    table = await add_row(teacher, harness, "Русский язык", "5 класс", "20", "30")
    assert "Ещё нужны" not in text_of(table)
    notes = await press(teacher, harness, table_texts.FINISH)
    assert "Комментарий" in text_of(notes)
    assert table.button_texts == ["✅ Готово: 3 строки"]  # the table's mark
    values = await stored_values(harness.database, response_id)
    assert values["marks"]["done"] is True
    assert len(rows_of(values, "marks")) == 3

    # Deleting a required row from the finished table makes it unfinished again.
    review = await press(teacher, harness, form_texts.SKIP)
    assert "Проверьте ответы" in text_of(review)
    await press(teacher, harness, "✏️ 1")
    await press(teacher, harness, "✏️ 2")
    await press(teacher, harness, table_texts.DELETE_ROW)
    await press(teacher, harness, table_texts.DELETE_YES)
    values = await stored_values(harness.database, response_id)
    assert values["marks"]["done"] is False


async def test_a_restart_in_the_middle_of_a_row_continues_it(
    harness: BotHarness, town: Town
) -> None:
    teacher, response_id = await start(harness, town, "vpr")
    await send(teacher, harness, "весна 2021")
    await press(teacher, harness, "Математика")
    await press(teacher, harness, "5 класс")
    await send(teacher, harness, "12,5")

    await harness.restart()  # the question on screen: the answer typed after it still counts
    table = await send(teacher, harness, "35")
    assert "\n1. Математика, 5 класс: «2» — 12,5 %, «4–5» — 35 %\n" in text_of(table)

    await press(teacher, harness, table_texts.ADD_ROW)
    await press(teacher, harness, "Русский язык")
    await press(teacher, harness, form_texts.PAUSE)
    await harness.restart()  # paused, then back from «Мои анкеты»: the row where it was left
    await teacher.send("/forms")
    listing = await last(teacher, harness)
    await teacher.press("Продолжить: Результаты ВПР", message=listing)
    grade = await last(teacher, harness)
    assert text_of(grade) == HEAD + "Строка № 2: Русский язык\nКласс"
    await press(teacher, harness, "4 класс")
    await send(teacher, harness, "10")
    table = await send(teacher, harness, "12")
    assert "\n2. Русский язык, 4 класс: «2» — 10 %, «4–5» — 12 %\n" in text_of(table)
    values = await stored_values(harness.database, response_id)
    assert len(rows_of(values)) == 2


async def test_a_scripted_respondent_fills_the_table(harness: BotHarness, town: Town) -> None:
    await open_round(harness, town, "vpr")
    rows = [
        {"subject": "math", "grade": "g5", "fail_pct": 12.5, "high_pct": 35},
        {"subject": "russian", "grade": "g4", "fail_pct": 0, "high_pct": 100},
    ]
    script = {"period": "весна 2021", "results": rows, "conclusions": "Темы повторены."}
    teacher = harness.user(TEACHER)
    await answer_form(harness, teacher, harness.catalog.current["vpr"], script)
    review = next(
        text_of(m)
        for m in reversed(harness.emulator.messages(TEACHER))
        if text_of(m).startswith("Проверьте ответы")
    )
    assert (
        "2. Результаты ВПР по предметам и классам:\n"
        "• Математика, 5 класс: «2» — 12,5 %, «4–5» — 35 %\n"
        "• Русский язык, 4 класс: «2» — 0 %, «4–5» — 100 %\n"
    ) in review


async def test_sixty_rows_fit_one_phone_screen(harness: BotHarness, town: Town) -> None:
    """The ВПР table holds 60 rows at most: its screen, a row's card and the review stay within
    Telegram's limits (text, buttons, callback data)."""
    teacher, response_id = await start(harness, town, "vpr")
    await send(teacher, harness, "весна 2021")
    form = harness.catalog.current["vpr"]
    results = form.question("results")
    assert results is not None
    subjects = [option.id for option in results.questions[0].options]
    grades = [option.id for option in results.questions[1].options][:6]
    rows = [
        {"subject": choice(s), "grade": choice(g), "fail_pct": 12.5, "high_pct": 87.5}
        for s in subjects
        for g in grades
    ]
    assert len(rows) == results.max_items == 60
    async with harness.database.write() as conn:
        value = {"items": rows, "done": False}
        await save_answer(conn, response_id, "results", value, user_id=None, now=harness.clock())
    await teacher.send("/forms")
    listing = await last(teacher, harness)
    await teacher.press("Продолжить: Результаты ВПР", message=listing)
    table = await last(teacher, harness)
    assert "\n60. Иностранный язык, 10 класс: «2» — 12,5 %, «4–5» — 87,5 %\n" in text_of(table)
    assert "✏️ 60" in table.button_texts
    assert table_texts.ADD_ROW not in table.button_texts  # full
    card = await press(teacher, harness, "✏️ 60")
    assert "Иностранный язык, 10 класс" in text_of(card)
    await press(teacher, harness, table_texts.TO_TABLE)
    await press(teacher, harness, table_texts.FINISH)
    review = await press(teacher, harness, form_texts.SKIP)
    assert texts.SUBMIT in review.button_texts
    assert any(text.startswith("Проверьте ответы") for text in said(harness, 2))
    problems, _, longest = limit_problems(harness)
    assert not problems, "\n".join(problems)
    assert longest > 3000  # the table really was long
