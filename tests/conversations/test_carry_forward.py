"""Carry forward in the chat: round 2 shows round 1's answers and keeps them on one press."""

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import update

from core.access import Action
from core.actors import resolve_actor
from core.questionnaires import forms_to_answer, open_response, record_answer
from core.rounds import open_next_rounds
from storage.campaigns import CampaignForm, add_campaign
from storage.people import Role
from storage.responses import Status, get_response, load_answers, load_history
from storage.schema import campaigns
from storage.types import utcnow
from tests.factories import make_person, make_town
from tests.harness import BotHarness
from texts import questionnaire as texts

TOMSK = ZoneInfo("Asia/Tomsk")
TEACHER = 301
LAST_TIME = {
    "regulation": {"selected": "vsoko", "other": None},
    "approved_on": "2019-12-25",
    "mechanisms": {"selected": "partly", "other": None},
}


async def test_round_two_offers_round_one_answers(harness: BotHarness) -> None:
    database, catalog = harness.database, harness.catalog
    town = await make_town(database, short_names=("СОШ № 5",))
    await make_person(database, TEACHER, Role.RESPONDENT, school_id=town.schools[0].id)
    # Round 1, long ago, answered in part; the chain then catches up to this month's round.
    async with database.write() as conn:
        first = await add_campaign(
            conn,
            forms=[CampaignForm("vsoko", catalog.row_id("vsoko"))],
            municipality_id=town.municipality.id,
            period_label="январь 2020",
            opens_at=datetime(2020, 1, 1, tzinfo=TOMSK),
            deadline_at=datetime(2020, 1, 31, 23, 59, 59, tzinfo=TOMSK),
            school_ids=[town.schools[0].id],
            recurrence="monthly",
        )
    teacher_actor = await resolve_actor(database, TEACHER, ())
    then = datetime(2020, 1, 10, 12, tzinfo=TOMSK)
    [old] = await forms_to_answer(database, catalog, teacher_actor, now=then)
    view = await open_response(database, catalog, teacher_actor, old.response.id, Action.ANSWER)
    for question_id, value in LAST_TIME.items():
        view = (
            await record_answer(
                database, teacher_actor, view, question_id, value, seen=None, now=then
            )
        ).view
    [second] = await open_next_rounds(database, catalog, now=utcnow())
    async with database.write() as conn:  # the methodist closed round 1
        await conn.execute(
            update(campaigns).where(campaigns.c.id == first.id).values(closed_at=utcnow())
        )
    teacher = harness.user(TEACHER)

    await teacher.send(texts.MY_FORMS_BUTTON)
    listing = await teacher.next_message()
    [label] = listing.button_texts
    await teacher.press(label, message=listing)
    response_id = int((listing.button(label).callback_data or "").split(":")[1])
    regulation = await teacher.next_message()

    assert "Есть ли в школе положение о ВСОКО?" in (regulation.plain_text or "")
    assert "В прошлый раз: Да, положение о ВСОКО" in (regulation.plain_text or "")
    assert regulation.button_texts[:2] == [texts.CARRY_SAME, texts.CARRY_REST]
    await teacher.press(texts.CARRY_SAME, message=regulation)
    approved_on = await teacher.next_message()

    assert "Дата утверждения положения" in (approved_on.plain_text or "")
    assert "В прошлый раз: 25.12.2019" in (approved_on.plain_text or "")
    await teacher.press(texts.CARRY_SAME, message=approved_on)
    mechanisms = await teacher.next_message()
    assert "В прошлый раз: Частично" in (mechanisms.plain_text or "")

    # "All the rest unchanged": keeps this one, stops where last round has no answer.
    await teacher.press(texts.CARRY_REST, message=mechanisms)
    done = await teacher.next_message()
    legal_base = await teacher.next_message()
    await harness.settle()

    assert done.plain_text == texts.CARRY_DONE.format(count=1)
    assert "Нормативно-правовая база положения" in (legal_base.plain_text or "")
    assert "В прошлый раз" not in (legal_base.plain_text or "")
    assert texts.CARRY_SAME not in legal_base.button_texts
    async with database.read() as conn:
        stored = await load_answers(conn, response_id)
        history = await load_history(conn, response_id)
        response = await get_response(conn, response_id)
    assert response is not None
    assert response.campaign_id == second.id
    assert response.status is Status.DRAFT
    assert {question: answer.value for question, answer in stored.items()} == LAST_TIME
    assert teacher_actor.user is not None
    assert {answer.answered_by for answer in stored.values()} == {teacher_actor.user.id}
    assert [entry.question_id for entry in history] == list(LAST_TIME)


async def test_a_stale_previous_answer_is_not_offered(harness: BotHarness) -> None:
    """An approval date outside the form's limits (before 2000) is not carried."""
    database, catalog = harness.database, harness.catalog
    town = await make_town(database, short_names=("СОШ № 5",))
    await make_person(database, TEACHER, Role.RESPONDENT, school_id=town.schools[0].id)
    async with database.write() as conn:
        await add_campaign(
            conn,
            forms=[CampaignForm("vsoko", catalog.row_id("vsoko"))],
            municipality_id=town.municipality.id,
            period_label="январь 2020",
            opens_at=datetime(2020, 1, 1, tzinfo=TOMSK),
            deadline_at=datetime(2020, 1, 31, 23, 59, 59, tzinfo=TOMSK),
            school_ids=[town.schools[0].id],
            recurrence="monthly",
        )
    teacher_actor = await resolve_actor(database, TEACHER, ())
    then = datetime(2020, 1, 10, 12, tzinfo=TOMSK)
    [old] = await forms_to_answer(database, catalog, teacher_actor, now=then)
    view = await open_response(database, catalog, teacher_actor, old.response.id, Action.ANSWER)
    for question_id, value in (*LAST_TIME.items(), ("approved_on", "1999-12-25")):
        view = (
            await record_answer(
                database, teacher_actor, view, question_id, value, seen=None, now=then
            )
        ).view
    [second] = await open_next_rounds(database, catalog, now=utcnow())
    teacher = harness.user(TEACHER)

    await teacher.send(texts.MY_FORMS_BUTTON)
    listing = await teacher.next_message()
    label = next(t for t in listing.button_texts if t.startswith("Заполнить"))
    await teacher.press(label, message=listing)
    regulation = await teacher.next_message()
    await teacher.press(texts.CARRY_SAME, message=regulation)
    approved_on = await teacher.next_message()
    await harness.settle()

    assert "Дата утверждения положения" in (approved_on.plain_text or "")
    assert "В прошлый раз" not in (approved_on.plain_text or "")
    assert texts.CARRY_SAME not in approved_on.button_texts
    assert second.previous_campaign_id is not None
