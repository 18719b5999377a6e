"""Answers that are not answers (issue 11): invisible text and links without a website are
refused in the chat with a message saying why, and the same question is asked again."""

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

LONG = "Родительский патруль (наблюдение за учебным процессом)"
CHECKED_FORM = FormDefinition.model_validate(
    {
        "id": "answer_checks",
        "version": 1,
        "title": "Проверка ответов",
        "short_title": "Проверка ответов",
        "sections": [
            {
                "title": "Мероприятие",
                "questions": [
                    {"id": "title", "type": "text", "text": "Название мероприятия"},
                    {"id": "page", "type": "url", "text": "Ссылка на страницу мероприятия"},
                    {
                        "id": "who",
                        "type": "single_choice",
                        "text": "Кто проводил?",
                        "options": [
                            {"id": "teachers", "label": "Педагоги"},
                            {"id": "patrol", "label": LONG, "button": "Родительский патруль"},
                        ],
                    },
                ],
            }
        ],
    }
)


@pytest.fixture
async def harness(emulator: BotAPIEmulator, sqlite_db: Database) -> AsyncIterator[BotHarness]:
    running = BotHarness(emulator, sqlite_db, extra_forms={CHECKED_FORM.id: CHECKED_FORM})
    await running.start()
    yield running
    await running.stop()


async def test_invisible_text_and_numbers_as_links_get_a_reason_and_a_second_chance(
    harness: BotHarness,
) -> None:
    town = await make_town(harness.database)
    await make_person(harness.database, TEACHER, Role.RESPONDENT, school_id=town.schools[0].id)
    await open_round(harness, CHECKED_FORM.id)
    teacher = harness.user(TEACHER)
    response_id = await start_form(teacher, "Проверка ответов")
    await harness.settle()

    async def refused(typed: str, message: str, question: str) -> None:
        """The reply to ``typed`` is ``message``, then ``question`` is asked again."""
        before = len(harness.emulator.messages(TEACHER))
        await teacher.send(typed)
        await harness.settle()
        error, again = harness.emulator.messages(TEACHER)[before : before + 2]
        assert error.plain_text == message, typed
        assert question in (again.plain_text or ""), typed
        assert await stored_values(harness.database, response_id) == answered

    answered: dict[str, object] = {}
    for invisible in ("\u200b", "\u2060\ufeff", "\u200b\u200c\u200d"):
        await refused(
            invisible,
            "В ответе нет ни одной буквы или цифры. Напишите ответ словами.",
            "Название мероприятия",
        )
    await teacher.send("\u200bНеделя науки")
    await harness.settle()
    answered = {"title": "Неделя науки"}

    for number in ("1.5", "100.0001"):
        await refused(
            number,
            f"Это не похоже на адрес сайта: {number}. После точки должно быть доменное имя, "
            "например school5.tomsk.ru",
            "Ссылка на страницу мероприятия",
        )
    await refused(
        "localhost",
        form_texts.URL_LOCAL.format(url="localhost"),
        "Ссылка на страницу мероприятия",
    )
    await teacher.send("school5.tomsk.ru/nauka")
    answered = {**answered, "page": ["https://school5.tomsk.ru/nauka"]}

    # A long option's button says its short wording, and pressing it chooses the option.
    choice = await _last(teacher, harness)
    assert "Кто проводил?" in (choice.plain_text or "")
    assert "Родительский патруль" in choice.button_texts
    assert LONG not in choice.button_texts
    await teacher.press("Родительский патруль", message=choice)
    await harness.settle()

    assert await stored_values(harness.database, response_id) == {
        **answered,
        "who": {"selected": "patrol", "other": None},
    }
