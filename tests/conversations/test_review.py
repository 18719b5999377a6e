"""/review over the fake Bot API: a methodist returns a response with a comment, the school is
told, changes an answer and resubmits, the methodist accepts; refusals, forgeries, races."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from bot.catalog import builtin_forms
from bot.handlers.review.callbacks import ReviewDecide, ReviewOpen
from botapi_emulator import BotMessage, FakeUser
from core.actors import Actor
from core.campaigns import open_form_for_schools
from storage.people import Role, get_user_by_telegram_id
from storage.responses import Status, change_status, get_or_create_response, get_response
from storage.review import load_events
from storage.schema import campaign_schools
from storage.types import utcnow
from tests.conversations.answering import walk
from tests.factories import Town, make_person, make_town
from tests.harness import BotHarness
from texts import common as common_texts
from texts import forms as form_texts
from texts import people as people_texts
from texts import questionnaire as questionnaire_texts
from texts import reminders as reminder_texts
from texts import review as texts

FORM = builtin_forms()["vsoko"]
ORGANISER = Actor(telegram_id=0, user=None, bootstrap_admin=True)
TEACHER, COLLEAGUE, NEIGHBOUR, FAR_TEACHER = 301, 302, 303, 304
METHODIST, SECOND_METHODIST, FAR_METHODIST, COORDINATOR = 401, 402, 403, 404
COMMENT = "Укажите дату утверждения положения о ВСОКО"


@pytest.fixture
async def towns(harness: BotHarness) -> tuple[Town, Town]:
    database = harness.database
    town = await make_town(database, short_names=("СОШ № 5", "СОШ № 11"))
    other = await make_town(database, name="Город Северск", short_names=("СОШ № 2",))
    five, eleven = town.schools
    people = [
        (TEACHER, Role.RESPONDENT, "Иванова Мария", {"school_id": five.id}),
        (COLLEAGUE, Role.RESPONDENT, "Петров Пётр", {"school_id": five.id}),
        (NEIGHBOUR, Role.RESPONDENT, "Смирнова Анна", {"school_id": eleven.id}),
        (FAR_TEACHER, Role.RESPONDENT, "Орлова Ольга", {"school_id": other.schools[0].id}),
        (METHODIST, Role.METHODIST, "Петрова Елена", {"municipality_id": town.municipality.id}),
        (
            SECOND_METHODIST,
            Role.METHODIST,
            "Кузнецова Ирина",
            {"municipality_id": town.municipality.id},
        ),
        (
            FAR_METHODIST,
            Role.METHODIST,
            "Чужой Методист",
            {"municipality_id": other.municipality.id},
        ),
        (
            COORDINATOR,
            Role.COORDINATOR,
            "Координатор Игорь",
            {"municipality_id": town.municipality.id},
        ),
    ]
    for telegram_id, role, name, scope in people:
        await make_person(database, telegram_id, role, full_name=name, **scope)
    await open_form_for_schools(
        database,
        harness.catalog,
        ORGANISER,
        "vsoko",
        deadline=(utcnow() + timedelta(days=10)).date(),
        period_label="1 полугодие",
        now=utcnow(),
    )
    return town, other


async def _submit_in_chat(harness: BotHarness, user: FakeUser) -> int:
    """The respondent answers the whole form in the chat and submits it; the response id."""
    await user.send(questionnaire_texts.MY_FORMS_BUTTON)
    listing = await user.next_message()
    label = next(t for t in listing.button_texts if FORM.short_title in t)
    response_id = int((listing.button(label).callback_data or "").split(":")[1])
    await user.press(label, message=listing)
    await walk(user, harness, FORM, response_id)
    await harness.settle()
    review = user.last_message()
    assert review is not None
    await user.press(questionnaire_texts.SUBMIT, message=review)
    await harness.settle()
    return response_id


async def _submit_directly(harness: BotHarness, school_id: int) -> int:
    """A submitted response written straight to the database (for tests about the reviewer)."""
    now = utcnow()
    async with harness.database.read() as conn:
        campaign_id = await conn.scalar(
            select(campaign_schools.c.campaign_id).where(campaign_schools.c.school_id == school_id)
        )
    assert campaign_id is not None
    async with harness.database.write() as conn:
        response = await get_or_create_response(
            conn, int(campaign_id), school_id, "vsoko", harness.catalog.row_id("vsoko"), now
        )
        draft = await change_status(conn, response, Status.DRAFT, user_id=None, now=now)
        await change_status(conn, draft, Status.SUBMITTED, user_id=None, now=now)
    return response.id


async def _open_card(harness: BotHarness, methodist: FakeUser, school: str) -> BotMessage:
    await methodist.send("/review")
    await harness.settle()
    queue = methodist.last_message()
    assert queue is not None
    label = next(t for t in queue.button_texts if school in t)
    await methodist.press(label, message=queue)
    await harness.settle()
    card = methodist.last_message()
    assert card is not None
    return card


async def _status(harness: BotHarness, response_id: int) -> Status:
    async with harness.database.read() as conn:
        response = await get_response(conn, response_id)
    assert response is not None
    return response.status


async def _user_id(harness: BotHarness, telegram_id: int) -> int:
    async with harness.database.read() as conn:
        user = await get_user_by_telegram_id(conn, telegram_id)
    assert user is not None
    return user.id


async def test_return_with_a_comment_resubmit_and_accept(
    harness: BotHarness, towns: tuple[Town, Town]
) -> None:
    started = utcnow()
    teacher, colleague = harness.user(TEACHER), harness.user(COLLEAGUE)
    methodist = harness.user(METHODIST)
    response_id = await _submit_in_chat(harness, teacher)
    assert await _status(harness, response_id) is Status.SUBMITTED
    teacher_seen = len(harness.emulator.messages(TEACHER))

    # The methodist's queue: school, form, period, when, on time.
    await methodist.send("/review")
    queue = await methodist.next_message()
    text = queue.plain_text or ""
    assert "Ждут проверки: 1" in text
    assert "1. СОШ № 5 — ВСОКО, 1 полугодие; сдана " in text
    assert texts.ON_TIME in text
    assert queue.button_texts == ["1. СОШ № 5 · ВСОКО"]

    await methodist.press("1. СОШ № 5 · ВСОКО", message=queue)
    card = await methodist.next_message()
    card_text = card.plain_text or ""
    assert card_text.startswith(f"{FORM.title} — 1 полугодие\nСОШ № 5")
    assert "Есть ли программа (план) ВСОКО на текущий учебный год? — да" in card_text
    assert "отправлена: Иванова Мария" in card_text
    assert "по местному времени (Томск)" in card_text  # never an IANA name like Asia/Tomsk
    assert "Asia/" not in card_text
    assert card.button_texts == [texts.ACCEPT_BUTTON, texts.RETURN_BUTTON, texts.BACK_BUTTON]

    # Return: an empty comment is refused and asked again, then the real one goes.
    await methodist.press(texts.RETURN_BUTTON, message=card)
    prompt = await methodist.next_message()
    assert "СОШ № 5" in (prompt.plain_text or "")
    assert prompt.button_texts == [texts.CANCEL_BUTTON]
    await methodist.send("   ")
    assert (await methodist.next_message()).plain_text == texts.EMPTY_COMMENT
    await methodist.send_sticker()
    assert (await methodist.next_message()).plain_text == texts.EMPTY_COMMENT
    assert await _status(harness, response_id) is Status.SUBMITTED
    await methodist.send(COMMENT)
    done = await methodist.next_message()
    assert (done.plain_text or "").splitlines() == [
        "↩️ Анкета «ВСОКО» (СОШ № 5) возвращена на доработку.",
        texts.NOTIFIED.format(count=2),
    ]
    await harness.settle()
    assert prompt.button_texts == []  # the prompt's "Отмена" is gone
    assert await _status(harness, response_id) is Status.RETURNED

    # Both respondents of СОШ № 5 hear of it, with the comment and the form's button.
    notices = {}
    for user in (teacher, colleague):
        notice = user.last_message()
        assert notice is not None
        assert COMMENT in (notice.plain_text or "")
        assert "Петрова Елена" in (notice.plain_text or "")
        assert notice.button_texts == [reminder_texts.OPEN_BUTTON]
        notices[user.chat_id] = notice
    assert len(harness.emulator.messages(TEACHER)) == teacher_seen + 1
    await harness.user(NEIGHBOUR).expect_no_message()

    # The teacher opens it from the notice: the comment first, then the answers to change.
    before = len(harness.emulator.messages(TEACHER))
    await teacher.press(reminder_texts.OPEN_BUTTON, message=notices[TEACHER])
    await harness.settle()
    note, review = harness.emulator.messages(TEACHER)[before : before + 2]
    assert (note.plain_text or "").startswith("↩️ Анкета возвращена на доработку")
    assert COMMENT in (note.plain_text or "")
    assert "Петрова Елена" in (note.plain_text or "")
    edit = next(
        b.text
        for row in review.buttons
        for b in row
        if (b.callback_data or "").endswith(":year_programme")
    )
    await teacher.press(edit, message=review)
    await harness.settle()
    await teacher.press(form_texts.NO)
    await harness.settle()
    assert await _status(harness, response_id) is Status.DRAFT
    again = teacher.last_message()
    assert again is not None
    await teacher.press(questionnaire_texts.SUBMIT, message=again)
    await harness.settle()
    assert await _status(harness, response_id) is Status.SUBMITTED

    # The methodist sees the history and accepts.
    card = await _open_card(harness, methodist, "СОШ № 5")
    card_text = card.plain_text or ""
    assert f"возвращена на доработку: Петрова Елена — «{COMMENT}»" in card_text
    assert "начата доработка: Иванова Мария" in card_text
    assert "отправлена повторно: Иванова Мария" in card_text
    assert "текущий учебный год? — нет" in card_text
    await methodist.press(texts.ACCEPT_BUTTON, message=card)
    await harness.settle()
    accepted = methodist.last_message()
    assert accepted is not None
    assert (accepted.plain_text or "").startswith("✅ Анкета «ВСОКО» (СОШ № 5) принята.")
    assert card.button_texts == []
    assert await _status(harness, response_id) is Status.ACCEPTED
    for user in (teacher, colleague):
        last = user.last_message()
        assert last is not None
        assert "принята" in (last.plain_text or "")
        assert last.button_texts == []

    # Pressing "Принять" again (a forwarded or stale card) is answered, not a crash.
    pressed = await methodist.press_data(card, ReviewDecide(r=response_id, act="a").pack())
    await harness.settle()
    answer = methodist.callback_answer(pressed)
    assert answer is not None
    assert answer["text"] == texts.ALREADY_DECIDED.format(state="принята")

    finished = utcnow()
    async with harness.database.read() as conn:
        events = await load_events(conn, response_id)
    teacher_id = await _user_id(harness, TEACHER)
    methodist_id = await _user_id(harness, METHODIST)
    assert [(e.from_status, e.to_status, e.user_id) for e in events] == [
        (Status.NOT_STARTED, Status.DRAFT, teacher_id),
        (Status.DRAFT, Status.SUBMITTED, teacher_id),
        (Status.SUBMITTED, Status.RETURNED, methodist_id),
        (Status.RETURNED, Status.DRAFT, teacher_id),
        (Status.DRAFT, Status.SUBMITTED, teacher_id),
        (Status.SUBMITTED, Status.ACCEPTED, methodist_id),
    ]
    moments: list[datetime] = [e.at for e in events]
    assert moments == sorted(moments)
    assert started <= moments[0]
    assert moments[-1] <= finished
    assert events[2].comment == COMMENT


async def test_a_respondent_and_a_coordinator_may_not_review(
    harness: BotHarness, towns: tuple[Town, Town]
) -> None:
    for telegram_id in (TEACHER, COORDINATOR):
        user = harness.user(telegram_id)
        await user.send("/review")
        refusal = await user.next_message()
        assert refusal.plain_text == texts.NOT_ALLOWED


async def test_forged_buttons_from_outside_the_scope_are_refused(
    harness: BotHarness, towns: tuple[Town, Town]
) -> None:
    town, _ = towns
    response_id = await _submit_directly(harness, town.schools[0].id)
    for telegram_id in (FAR_METHODIST, COORDINATOR, TEACHER):
        user = harness.user(telegram_id)
        await user.send("/review")
        anything = await user.next_message()
        for forged in (
            ReviewOpen(r=response_id),
            ReviewDecide(r=response_id, act="a"),
            ReviewDecide(r=response_id, act="r"),
        ):
            pressed = await user.press_data(anything, forged.pack())
            await harness.settle()
            answer = user.callback_answer(pressed)
            assert answer is not None, (telegram_id, forged)
            assert answer["text"] == people_texts.ACCESS_DENIED
        await user.send("Принято, всё хорошо")  # no comment state was entered
        await harness.settle()
        reply = user.last_message()
        assert reply is not None
        assert reply.plain_text == common_texts.UNEXPECTED_TEXT
        assert await _status(harness, response_id) is Status.SUBMITTED
    await harness.user(COLLEAGUE).expect_no_message()


async def test_two_methodists_act_on_the_same_response(
    harness: BotHarness, towns: tuple[Town, Town]
) -> None:
    town, _ = towns
    response_id = await _submit_directly(harness, town.schools[0].id)
    first, second = harness.user(METHODIST), harness.user(SECOND_METHODIST)
    first_card = await _open_card(harness, first, "СОШ № 5")
    second_card = await _open_card(harness, second, "СОШ № 5")

    # The second starts a return; meanwhile the first accepts.
    await second.press(texts.RETURN_BUTTON, message=second_card)
    await harness.settle()
    await first.press(texts.ACCEPT_BUTTON, message=first_card)
    await harness.settle()
    assert await _status(harness, response_id) is Status.ACCEPTED

    await second.send("Исправьте всё")
    await harness.settle()
    late = second.last_message()
    assert late is not None
    assert late.plain_text == texts.ALREADY_DECIDED.format(state="принята")
    pressed = await second.press(texts.ACCEPT_BUTTON, message=second_card)
    await harness.settle()
    answer = second.callback_answer(pressed)
    assert answer is not None
    assert answer["text"] == texts.ALREADY_DECIDED.format(state="принята")
    await second.send("просто текст")  # the comment state was left
    await harness.settle()
    reply = second.last_message()
    assert reply is not None
    assert reply.plain_text == common_texts.UNEXPECTED_TEXT
    async with harness.database.read() as conn:
        events = await load_events(conn, response_id)
    assert [e.to_status for e in events].count(Status.ACCEPTED) == 1
    assert Status.RETURNED not in [e.to_status for e in events]


async def test_cancelling_a_return_keeps_the_response_waiting(
    harness: BotHarness, towns: tuple[Town, Town]
) -> None:
    town, _ = towns
    response_id = await _submit_directly(harness, town.schools[0].id)
    methodist = harness.user(METHODIST)
    card = await _open_card(harness, methodist, "СОШ № 5")
    await methodist.press(texts.RETURN_BUTTON, message=card)
    await harness.settle()
    prompt = methodist.last_message()
    assert prompt is not None
    await methodist.press(texts.CANCEL_BUTTON, message=prompt)
    await harness.settle()
    cancelled = methodist.last_message()
    assert cancelled is not None
    assert cancelled.plain_text == texts.RETURN_CANCELLED
    assert prompt.button_texts == []
    assert await _status(harness, response_id) is Status.SUBMITTED
    await harness.user(TEACHER).expect_no_message()


async def test_the_status_board_leads_to_the_queue_which_pages(
    harness: BotHarness, towns: tuple[Town, Town]
) -> None:
    database = harness.database
    many = await make_town(
        database, name="Томский район", short_names=tuple(f"ООШ № {n}" for n in range(1, 11))
    )
    await make_person(
        database,
        499,
        Role.METHODIST,
        full_name="Районный Методист",
        municipality_id=many.municipality.id,
    )
    await open_form_for_schools(
        database,
        harness.catalog,
        ORGANISER,
        "vsoko",
        deadline=(utcnow() + timedelta(days=10)).date(),
        period_label="2 полугодие",
        now=utcnow(),
    )
    for school in many.schools:
        await _submit_directly(harness, school.id)
    methodist = harness.user(499)

    await methodist.send("/status")
    legend = await methodist.next_message()
    assert legend.button_texts == [texts.ENTRY_BUTTON.format(count=10)]
    await harness.settle()
    await methodist.press(texts.ENTRY_BUTTON.format(count=10), message=legend)
    await harness.settle()
    queue = methodist.last_message()
    assert queue is not None
    assert "Ждут проверки: 10 (стр. 1 из 2)" in (queue.plain_text or "")
    assert len([t for t in queue.button_texts if "ООШ" in t]) == 8
    assert queue.button_texts[-1] == texts.NEXT_PAGE

    await methodist.press(texts.NEXT_PAGE, message=queue)
    await harness.settle()
    assert "(стр. 2 из 2)" in (queue.plain_text or "")  # edited in place
    assert [t for t in queue.button_texts if "ООШ" in t] == [
        t for t in queue.button_texts if t.startswith(("9.", "10."))
    ]
    assert queue.button_texts[-1] == texts.PREVIOUS_PAGE
    await methodist.press(texts.PREVIOUS_PAGE, message=queue)
    await harness.settle()
    assert "(стр. 1 из 2)" in (queue.plain_text or "")
    assert methodist.last_message() is queue

    # A methodist with nothing to review gets no button on the board.
    far = harness.user(FAR_METHODIST)
    await far.send("/status")
    far_legend = await far.next_message()
    assert far_legend.button_texts == []


async def test_the_comment_state_survives_a_restart(
    harness: BotHarness, towns: tuple[Town, Town]
) -> None:
    town, _ = towns
    response_id = await _submit_directly(harness, town.schools[0].id)
    methodist = harness.user(METHODIST)
    card = await _open_card(harness, methodist, "СОШ № 5")
    await methodist.press(texts.RETURN_BUTTON, message=card)
    await harness.settle()

    await harness.restart()  # the FSM state is in the database, not in the process
    await methodist.send(COMMENT)
    await harness.settle()

    assert await _status(harness, response_id) is Status.RETURNED
    notice = harness.user(TEACHER).last_message()
    assert notice is not None
    assert COMMENT in (notice.plain_text or "")
