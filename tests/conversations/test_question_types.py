"""Every question type through the chat, on a test form that has them all."""

from collections.abc import AsyncIterator

import pytest

from botapi_emulator import BotAPIEmulator
from core.forms.models import FormDefinition
from storage import Database
from storage.people import Role
from tests.conversations.answering import stored_values
from tests.conversations.test_questionnaire import TEACHER, _last, open_round, start_form
from tests.factories import make_person, make_town
from tests.harness import BotHarness
from texts import forms as form_texts
from texts import questionnaire as texts

ALL_TYPES = FormDefinition.model_validate(
    {
        "id": "all_types",
        "version": 1,
        "title": "Все типы вопросов",
        "short_title": "Все типы",
        "sections": [
            {
                "title": "Раздел",
                "questions": [
                    {"id": "held", "type": "yes_no", "text": "Проводились?"},
                    {
                        "id": "kind",
                        "type": "single_choice",
                        "text": "Вид",
                        "other": True,
                        "options": [{"id": "a", "label": "Очно"}, {"id": "b", "label": "Онлайн"}],
                    },
                    {
                        "id": "forms",
                        "type": "multi_choice",
                        "text": "Формы",
                        "max_selected": 2,
                        "options": [
                            {"id": "x", "label": "Собрания"},
                            {"id": "y", "label": "Лектории"},
                            {"id": "z", "label": "Патруль"},
                        ],
                    },
                    {
                        "id": "count",
                        "type": "integer",
                        "text": "Сколько",
                        "min": 0,
                        "max": 100,
                        "unit": "занятие|занятия|занятий",
                    },
                    {"id": "hours", "type": "decimal", "text": "Часов в неделю", "min": 0},
                    {"id": "share", "type": "percent", "text": "Доля"},
                    {"id": "when", "type": "date", "text": "Когда", "not_in_future": True},
                    {"id": "title", "type": "text", "text": "Название", "max_length": 20},
                    {"id": "notes", "type": "long_text", "text": "Заметки", "required": False},
                    {"id": "links", "type": "url", "text": "Ссылки", "several": True},
                    {"id": "grades", "type": "grades", "text": "Классы"},
                    {"id": "proof", "type": "file", "text": "Подтверждение"},
                    {
                        "id": "events",
                        "type": "group",
                        "text": "Мероприятия",
                        "item_name": "Мероприятие",
                        "questions": [
                            {"id": "name", "type": "text", "text": "Название мероприятия"},
                            {"id": "people", "type": "integer", "text": "Участников", "min": 1},
                        ],
                    },
                ],
            }
        ],
    }
)


@pytest.fixture
async def harness(emulator: BotAPIEmulator, sqlite_db: Database) -> AsyncIterator[BotHarness]:
    running = BotHarness(emulator, sqlite_db, extra_forms={ALL_TYPES.id: ALL_TYPES})
    await running.start()
    yield running
    await running.stop()


async def test_each_type_takes_its_input_and_refuses_a_wrong_one(harness: BotHarness) -> None:
    town = await make_town(harness.database)
    await make_person(harness.database, TEACHER, Role.RESPONDENT, school_id=town.schools[0].id)
    await open_round(harness, ALL_TYPES.id)
    teacher = harness.user(TEACHER)
    response_id = await start_form(teacher, "Все типы")

    async def expect_refusal(message: str) -> None:
        await harness.settle()
        texts_sent = [m.plain_text or "" for m in harness.emulator.messages(TEACHER)[-2:]]
        assert message in texts_sent[0], texts_sent

    screen = await _last(teacher, harness)
    await teacher.send("может быть")
    await expect_refusal(form_texts.YES_NO_EXPECTED)
    await teacher.send("да")  # typed yes works too
    screen = await _last(teacher, harness)
    await teacher.press(form_texts.OTHER, message=screen)
    await harness.settle()
    await teacher.send("смешанный формат")
    screen = await _last(teacher, harness)
    for label in ("Собрания", "Лектории", "Патруль"):
        await teacher.press(label, message=screen)
    await teacher.press(form_texts.DONE, message=screen)
    await expect_refusal("Можно отметить не больше 2")
    screen = await _last(teacher, harness)  # asked again, the ticks kept: untick one
    await teacher.press(form_texts.CHECKED + "Лектории", message=screen)
    await teacher.press(form_texts.DONE, message=screen)
    await harness.settle()
    for wrong, message, right in [
        ("двенадцать", form_texts.INTEGER_EXPECTED, "12"),
        ("три с половиной", form_texts.DECIMAL_EXPECTED, "3,5"),
        ("120%", "не больше 100", "45 %"),
        ("10.13.2020", form_texts.DATE_EXPECTED, "10.03.21"),
        ("Очень длинное название мероприятия", "Слишком длинно", "Неделя науки"),
    ]:
        await teacher.send(wrong)
        await expect_refusal(message)
        await teacher.send(right)
        await harness.settle()
    screen = await _last(teacher, harness)
    await teacher.press(form_texts.SKIP, message=screen)  # optional long text
    await harness.settle()
    await teacher.send("не ссылка")
    await expect_refusal("Это не похоже на ссылку")
    await teacher.send("school5.tomsk.ru/shnor https://school5.tomsk.ru/parents")
    await harness.settle()
    await teacher.send("5-9, 11")  # grades typed
    await harness.settle()
    await teacher.send("вот файл")
    await expect_refusal(form_texts.FILE_EXPECTED)
    await teacher.send_photo(b"\xff\xd8\xff photo", caption="график")
    await harness.settle()
    await teacher.send("Предметная неделя")
    await harness.settle()
    await teacher.send("0")
    await expect_refusal("не меньше 1")
    await teacher.send("25")
    screen = await _last(teacher, harness)
    await teacher.press(form_texts.ITEMS_DONE, message=screen)
    review = await _last(teacher, harness)

    assert "Проверьте ответы" in (review.plain_text or "")
    values = await stored_values(harness.database, response_id)
    assert values["held"] is True
    assert values["kind"] == {"selected": "other", "other": "смешанный формат"}
    assert values["forms"] == {"selected": ["x", "z"], "other": None}
    assert (values["count"], values["hours"], values["share"]) == (12, 3.5, 45.0)
    assert values["when"] == "2021-03-10"
    assert values["title"] == "Неделя науки"
    assert values["notes"] is None
    assert values["links"] == ["https://school5.tomsk.ru/shnor", "https://school5.tomsk.ru/parents"]
    assert values["grades"] == [5, 6, 7, 8, 9, 11]
    assert values["proof"]["kind"] == "photo"
    assert values["events"] == {
        "items": [{"name": "Предметная неделя", "people": 25}],
        "done": True,
    }
    assert "12 занятий" in (review.plain_text or "")
    assert "5–9, 11 кл." in (review.plain_text or "")
    assert texts.SUBMIT in review.button_texts
