"""Answering questionnaires in the chat, over the fake Bot API."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from bot.catalog import builtin_forms
from bot.handlers.questionnaire.listing import PER_PAGE
from botapi_emulator import BotMessage, FakeUser
from core.actors import Actor
from core.campaigns import open_form_for_schools
from core.forms.engine import visible_questions
from core.forms.models import FormDefinition
from storage.people import Role
from storage.responses import Status, get_response, load_history
from storage.schema import responses
from storage.types import utcnow
from tests.conversations.answering import stored_values, walk
from tests.factories import Town, make_person, make_town
from tests.harness import ADMIN_TELEGRAM_ID, BotHarness
from texts import forms as form_texts
from texts import questionnaire as texts

FORMS = builtin_forms()
ORGANISER = Actor(telegram_id=0, user=None, bootstrap_admin=True)
TEACHER, COLLEAGUE, OUTSIDER = 301, 302, 303


@pytest.fixture
async def town(harness: BotHarness) -> Town:
    town = await make_town(harness.database, short_names=("СОШ № 5", "СОШ № 11"))
    await make_person(
        harness.database,
        TEACHER,
        Role.RESPONDENT,
        full_name="Иванова Мария",
        school_id=town.schools[0].id,
    )
    await make_person(
        harness.database,
        COLLEAGUE,
        Role.RESPONDENT,
        full_name="Петров Пётр",
        school_id=town.schools[0].id,
    )
    await make_person(
        harness.database,
        OUTSIDER,
        Role.RESPONDENT,
        full_name="Смирнова Анна",
        school_id=town.schools[1].id,
    )
    return town


async def open_round(harness: BotHarness, key: str, *, days: int = 10) -> None:
    deadline = (utcnow() + timedelta(days=days)).date()
    await open_form_for_schools(
        harness.database,
        harness.catalog,
        ORGANISER,
        key,
        deadline=deadline,
        period_label="1 полугодие",
        now=utcnow(),
    )


async def start_form(user: FakeUser, title: str) -> int:
    """Open "Мои анкеты", press the form's button, return the response id."""
    await user.send(texts.MY_FORMS_BUTTON)
    listing = await user.next_message()
    label = next(t for t in listing.button_texts if title in t)
    await user.press(label, message=listing)
    data = listing.button(label).callback_data or ""
    return int(data.split(":")[1])


async def response_status(harness: BotHarness, response_id: int) -> Status:
    async with harness.database.read() as conn:
        response = await get_response(conn, response_id)
    assert response is not None
    return response.status


@pytest.mark.parametrize("key", sorted(FORMS))
async def test_every_built_in_form_can_be_answered_and_submitted(
    harness: BotHarness, town: Town, key: str
) -> None:
    form = FORMS[key]
    await open_round(harness, key)
    teacher = harness.user(TEACHER)

    response_id = await start_form(teacher, form.short_title)
    given = await walk(teacher, harness, form, response_id)
    await harness.settle()

    review = teacher.last_message()
    assert review is not None
    assert texts.SUBMIT in review.button_texts
    values = await stored_values(harness.database, response_id)
    shown = visible_questions(form, values)
    assert {q.id for q in shown} <= set(values)
    assert len(shown) >= 0.75 * len(form.questions)  # the walk took the branches that ask more
    assert given >= len(shown)
    await teacher.press(texts.SUBMIT, message=review)
    await harness.settle()
    confirmation = teacher.last_message()
    assert confirmation is not None
    assert (confirmation.plain_text or "").startswith(f"Анкета «{form.title}» отправлена")
    assert await response_status(harness, response_id) is Status.SUBMITTED


async def test_my_forms_lists_status_and_deadline(harness: BotHarness, town: Town) -> None:
    await open_round(harness, "vsoko")
    teacher = harness.user(TEACHER)

    await teacher.send("/forms")

    listing = await teacher.next_message()
    text = listing.plain_text or ""
    assert "⏳ ВСОКО — 1 полугодие: отвечено 0 из" in text
    assert ", до " in text
    assert listing.button_texts == ["Заполнить: ВСОКО"]


async def test_my_forms_pages_a_long_list_in_place(harness: BotHarness, town: Town) -> None:
    keys = sorted(FORMS)[:7]  # 7 forms in both schools: more than a page, not three
    for key in keys:
        await open_round(harness, key)
    admin = harness.user(ADMIN_TELEGRAM_ID)
    total = len(keys) * len(town.schools)
    pages = -(-total // PER_PAGE)
    assert pages == 2

    await admin.send("/forms")
    listing = await _last(admin, harness)
    first_page = listing.plain_text or ""
    lines = first_page.split("\n")
    assert lines[:2] == [
        texts.FORMS_HEADER_SCHOOLS,
        texts.FORMS_PAGE.format(page=1, pages=pages, count=total),
    ]
    assert len(lines) == 2 + PER_PAGE
    assert "(СОШ № 5)" in first_page or "(СОШ № 11)" in first_page
    assert listing.button_texts[-2:] == [f"1/{pages}", texts.NEXT_PAGE]
    assert all(" · СОШ № " in label for label in listing.button_texts[:PER_PAGE])

    await admin.press(texts.NEXT_PAGE, message=listing)
    await harness.settle()
    assert admin.last_message() is listing  # edited in place, no new message
    assert texts.FORMS_PAGE.format(page=2, pages=pages, count=total) in (listing.plain_text or "")
    assert listing.button_texts[-2:] == [texts.PREVIOUS_PAGE, "2/2"]  # the last page
    seen = set(listing.button_texts[:-2])
    assert len(seen) == total - PER_PAGE

    pressed = await admin.press("2/2", message=listing)  # the same page again: no change
    await harness.settle()
    assert admin.callback_answer(pressed) is not None
    assert admin.last_message() is listing
    await admin.press(texts.PREVIOUS_PAGE, message=listing)
    await harness.settle()
    assert listing.plain_text == first_page
    assert not seen & set(listing.button_texts[:PER_PAGE])  # no form on two pages

    label = listing.button_texts[0]
    await admin.press(label, message=listing)  # a form opens from any page
    question = await _last(admin, harness)
    assert (question.plain_text or "").startswith("Вопрос 1 из ")


async def test_the_screen_reads_the_injected_clock(harness: BotHarness, town: Town) -> None:
    form = FORMS["vsoko"]
    await open_round(harness, "vsoko")
    teacher = harness.user(TEACHER)
    response_id = await start_form(teacher, "ВСОКО")
    await walk(teacher, harness, form, response_id)
    review = await _last(teacher, harness)
    await teacher.press(texts.SUBMIT, message=review)
    await harness.settle()

    harness.clock.advance(days=11)  # past the deadline by the bot's clock only
    await teacher.send("/forms")
    listing = await _last(teacher, harness)
    await teacher.press("Посмотреть: ВСОКО", message=listing)
    review = await _last(teacher, harness)

    assert "Срок сдачи прошёл" in (review.plain_text or "")
    assert not any(text.startswith("✏️") for text in review.button_texts)


async def test_wrong_inputs_get_a_specific_message_and_the_same_question(
    harness: BotHarness, town: Town
) -> None:
    await open_round(harness, "vsoko")
    teacher = harness.user(TEACHER)
    await start_form(teacher, "ВСОКО")
    await harness.settle()
    await teacher.press("Да, положение о ВСОКО")  # regulation exists -> approval date follows
    await harness.settle()
    date_question = teacher.last_message()
    assert date_question is not None
    assert "Дата утверждения положения" in (date_question.plain_text or "")

    cases = [
        ("вчера или позавчера", form_texts.DATE_EXPECTED),
        ("31.02.2021", form_texts.DATE_EXPECTED),
        ((date.today() + timedelta(days=40)).strftime("%d.%m.%Y"), "не может быть в будущем"),
    ]
    for typed, expected in cases:
        before = len(harness.emulator.messages(TEACHER))
        await teacher.send(typed)
        await harness.settle()
        error, again = harness.emulator.messages(TEACHER)[before : before + 2]
        assert expected in (error.plain_text or ""), typed
        assert "Дата утверждения положения" in (again.plain_text or "")
    await teacher.send_sticker()
    await harness.settle()
    assert form_texts.DATE_EXPECTED in (harness.emulator.messages(TEACHER)[-2].plain_text or "")

    await teacher.send("25.12.2020")
    await harness.settle()
    values = await stored_values(harness.database, 1)
    assert values["approved_on"] == "2020-12-25"


async def test_back_pause_resume_and_restart_mid_form(harness: BotHarness, town: Town) -> None:
    await open_round(harness, "vsoko")
    teacher = harness.user(TEACHER)
    response_id = await start_form(teacher, "ВСОКО")
    await harness.settle()
    await teacher.press("Да, положение о ВСОКО")
    await harness.settle()
    await teacher.send("25.12.2020")
    await harness.settle()
    mechanisms = teacher.last_message()
    assert mechanisms is not None
    assert "механизмы" in (mechanisms.plain_text or "")

    await teacher.press(form_texts.BACK, message=mechanisms)
    await harness.settle()
    back_to_date = teacher.last_message()
    assert back_to_date is not None
    assert "Дата утверждения" in (back_to_date.plain_text or "")
    assert "Сейчас: 25.12.2020" in (back_to_date.plain_text or "")
    await teacher.send("20.12.2020")
    await harness.settle()

    await teacher.press(form_texts.PAUSE)
    await harness.settle()
    assert (teacher.last_message().plain_text or "") == texts.PAUSED  # type: ignore[union-attr]

    await harness.restart()
    await teacher.send("/forms")
    listing = await _last(teacher, harness)
    assert "✏️ ВСОКО — 1 полугодие: отвечено 2 из" in (listing.plain_text or "")
    await teacher.press("Продолжить: ВСОКО", message=listing)
    await harness.settle()
    resumed = teacher.last_message()
    assert resumed is not None
    assert "механизмы" in (resumed.plain_text or "")  # the first unanswered question

    await harness.restart()  # again, with the question on screen: its buttons still work
    await teacher.press("Частично", message=resumed)
    await harness.settle()
    values = await stored_values(harness.database, response_id)
    assert values["approved_on"] == "2020-12-20"
    assert values["mechanisms"] == {"selected": "partly", "other": None}


async def _last(user: FakeUser, harness: BotHarness) -> BotMessage:
    await harness.settle()
    message = user.last_message()
    assert message is not None
    return message


async def test_stale_buttons_are_answered_and_write_nothing(
    harness: BotHarness, town: Town
) -> None:
    await open_round(harness, "vsoko")
    teacher = harness.user(TEACHER)
    response_id = await start_form(teacher, "ВСОКО")
    first = await _last(teacher, harness)
    await teacher.press("Нет", message=first)  # no regulation: the date is not asked
    await harness.settle()

    # The first question now shows only a mark; a forged press of its old button is refused.
    assert [b for b in first.button_texts] == ["✅ Нет"]
    pressed = await teacher.press_data(first, f"a:{response_id}:regulation:vsoko")
    await harness.settle()

    assert (teacher.callback_answer(pressed) or {}).get("text") == texts.STALE
    values = await stored_values(harness.database, response_id)
    assert values["regulation"] == {"selected": "none", "other": None}


async def test_review_change_submit_and_change_after_submit(
    harness: BotHarness, town: Town
) -> None:
    form = FORMS["vsoko"]
    await open_round(harness, "vsoko")
    teacher = harness.user(TEACHER)
    response_id = await start_form(teacher, "ВСОКО")
    await walk(teacher, harness, form, response_id)
    review = await _last(teacher, harness)
    assert "Проверьте ответы" in (review.plain_text or "")

    await teacher.press("✏️ 1", message=review)
    question = await _last(teacher, harness)
    await teacher.press("Нет", message=question)
    review = await _last(teacher, harness)
    assert "1. Есть ли в школе положение о ВСОКО? — Нет" in (review.plain_text or "")

    await teacher.press(texts.SUBMIT, message=review)
    await harness.settle()
    assert await response_status(harness, response_id) is Status.SUBMITTED

    await teacher.send("/forms")
    listing = await _last(teacher, harness)
    assert "✅ ВСОКО — 1 полугодие: отправлена" in (listing.plain_text or "")
    await teacher.press("Посмотреть: ВСОКО", message=listing)
    review = await _last(teacher, harness)
    assert texts.RESUBMIT in review.button_texts
    await teacher.press("✏️ 1", message=review)
    question = await _last(teacher, harness)
    await teacher.press("Только положение о ВШК", message=question)
    await harness.settle()

    async with harness.database.read() as conn:
        history = [
            h for h in await load_history(conn, response_id) if h.question_id == "regulation"
        ]
    assert [h.value["selected"] for h in history] == ["vsoko", "none", "vshk_only"]
    assert await response_status(harness, response_id) is Status.SUBMITTED


async def test_no_changes_after_the_deadline_once_submitted(
    harness: BotHarness, town: Town
) -> None:
    form = FORMS["vsoko"]
    await open_round(harness, "vsoko")
    teacher = harness.user(TEACHER)
    response_id = await start_form(teacher, "ВСОКО")
    await walk(teacher, harness, form, response_id)
    review = await _last(teacher, harness)
    await teacher.press(texts.SUBMIT, message=review)
    await harness.settle()
    async with harness.database.write() as conn:
        from storage.schema import campaigns

        await conn.execute(
            campaigns.update().values(
                opens_at=utcnow() - timedelta(days=2), deadline_at=utcnow() - timedelta(hours=1)
            )
        )

    await teacher.send("/forms")
    listing = await _last(teacher, harness)
    await teacher.press("Посмотреть: ВСОКО", message=listing)
    review = await _last(teacher, harness)

    assert "Срок сдачи прошёл" in (review.plain_text or "")
    assert not any(text.startswith("✏️") for text in review.button_texts)


async def test_two_representatives_share_one_response(harness: BotHarness, town: Town) -> None:
    await open_round(harness, "vsoko")
    maria, petr = harness.user(TEACHER), harness.user(COLLEAGUE)
    response_id = await start_form(maria, "ВСОКО")
    maria_screen = await _last(maria, harness)
    await start_form(petr, "ВСОКО")
    petr_screen = await _last(petr, harness)

    await maria.press("Да, положение о ВСОКО", message=maria_screen)
    await harness.settle()
    await petr.press("Только положение о ВШК", message=petr_screen)
    await harness.settle()

    notices = [m.plain_text or "" for m in harness.emulator.messages(COLLEAGUE)]
    assert any(
        "изменили (Иванова Мария)" in text and "Да, положение о ВСОКО" in text for text in notices
    )
    values = await stored_values(harness.database, response_id)
    assert values["regulation"]["selected"] == "vshk_only"  # last write wins
    async with harness.database.read() as conn:
        history = await load_history(conn, response_id)
    assert [h.value["selected"] for h in history if h.question_id == "regulation"] == [
        "vsoko",
        "vshk_only",
    ]

    await maria.send("/forms")
    listing = await _last(maria, harness)
    assert "✏️ ВСОКО — 1 полугодие: отвечено 1 из" in (
        listing.plain_text or ""
    )  # Maria sees Petr's answer counted


async def test_another_schools_response_cannot_be_opened(harness: BotHarness, town: Town) -> None:
    await open_round(harness, "vsoko")
    maria, anna = harness.user(TEACHER), harness.user(OUTSIDER)
    await maria.send("/forms")
    await harness.settle()
    async with harness.database.read() as conn:
        maria_response = (
            await conn.execute(
                select(responses.c.id).where(responses.c.school_id == town.schools[0].id)
            )
        ).scalar_one()
    await anna.send("/forms")
    anna_listing = await _last(anna, harness)

    pressed = await anna.press_data(anna_listing, f"or:{maria_response}")
    await harness.settle()

    assert (anna.callback_answer(pressed) or {}).get(
        "text"
    ) == "Недостаточно прав для этого действия."
    assert await stored_values(harness.database, maria_response) == {}


async def answer_until(
    user: FakeUser, harness: BotHarness, form: FormDefinition, response_id: int, text: str
) -> BotMessage:
    """Answer whatever comes first until the question whose text is ``text`` is on screen."""
    screen = await _last(user, harness)
    for _ in range(len(form.questions) * 3):
        if text in (screen.plain_text or ""):
            return screen
        await walk(user, harness, form, response_id, stop_after=1)
        screen = await _last(user, harness)
    raise AssertionError(f"never asked {text!r}; on screen: {screen.plain_text!r}")


async def test_other_specify_and_skipping_an_optional_question(
    harness: BotHarness, town: Town
) -> None:
    form = FORMS["parents"]
    multi = next(q for q in form.questions if q.type.value == "multi_choice" and q.other)
    optional = next(q for q in form.questions if not q.required and not q.show_if)
    await open_round(harness, "parents")
    teacher = harness.user(TEACHER)
    response_id = await start_form(teacher, form.short_title)
    screen = await answer_until(teacher, harness, form, response_id, multi.text)

    await teacher.press(multi.options[0].button_text, message=screen)
    await teacher.press(form_texts.OTHER, message=screen)
    prompt = await _last(teacher, harness)  # the text is asked at once
    assert prompt.plain_text == form_texts.OTHER_PROMPT
    await teacher.send("встречи с депутатом")
    screen = await _last(teacher, harness)  # back to the options, both ticked
    assert form_texts.CHECKED + multi.options[0].button_text in screen.button_texts
    assert "✅ Другое: встречи с депутатом" in screen.button_texts
    await teacher.press(form_texts.DONE, message=screen)
    await harness.settle()
    values = await stored_values(harness.database, response_id)
    assert values[multi.id] == {
        "selected": [multi.options[0].id, "other"],
        "other": "встречи с депутатом",
    }

    screen = await answer_until(teacher, harness, form, response_id, optional.text)
    await teacher.press(form_texts.SKIP, message=screen)
    await harness.settle()
    values = await stored_values(harness.database, response_id)
    assert optional.id in values
    assert values[optional.id] is None
