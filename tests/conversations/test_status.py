"""/status over the fake Bot API: the board, and nudging late schools from it."""

from datetime import timedelta

import pytest

from bot.handlers.status.callbacks import NudgeSchool
from botapi_emulator import BotMessage
from core.actors import Actor
from core.campaigns import open_form_for_schools
from core.forms.engine import progress
from storage.people import Role
from storage.reminders import list_reminders
from storage.responses import Status, change_status, get_or_create_response, save_answer
from storage.schema import campaigns
from storage.types import utcnow
from tests.factories import Town, campaign_of, make_person, make_town
from tests.harness import BotHarness
from texts import people as people_texts
from texts import status as texts

ORGANISER = Actor(telegram_id=0, user=None, bootstrap_admin=True)
FIVE, ELEVEN, SIXTY_SIX, FAR_AWAY = 301, 302, 303, 304
METHODIST = 401


@pytest.fixture
async def towns(harness: BotHarness) -> tuple[Town, Town]:
    database = harness.database
    town = await make_town(database, short_names=("СОШ № 5", "СОШ № 11", "ООШ № 66"))
    other = await make_town(database, name="Город Северск", short_names=("СОШ № 2",))
    for telegram_id, school in zip((FIVE, ELEVEN, SIXTY_SIX), town.schools, strict=True):
        await make_person(database, telegram_id, Role.RESPONDENT, school_id=school.id)
    await make_person(database, FAR_AWAY, Role.RESPONDENT, school_id=other.schools[0].id)
    await make_person(database, METHODIST, Role.METHODIST, municipality_id=town.municipality.id)
    await open_form_for_schools(
        database,
        harness.catalog,
        ORGANISER,
        "vsoko",
        deadline=(utcnow() + timedelta(days=10)).date(),
        period_label="1 полугодие",
        now=utcnow(),
    )
    # СОШ № 5 submitted; СОШ № 11 has answered one question; ООШ № 66 has not started.
    form = harness.catalog.current["vsoko"]
    now = utcnow()
    async with database.write() as conn:
        for school, submit in ((town.schools[0], True), (town.schools[1], False)):
            campaign_id = await campaign_of(harness.database, town.municipality.id)
            response = await get_or_create_response(
                conn, campaign_id, school.id, "vsoko", harness.catalog.row_id("vsoko"), now
            )
            await save_answer(conn, response.id, form.questions[0].id, "yes", user_id=None, now=now)
            draft = await change_status(conn, response, Status.DRAFT, user_id=None, now=now)
            if submit:
                await change_status(conn, draft, Status.SUBMITTED, user_id=None, now=now)
    return town, other


async def _make_late(harness: BotHarness) -> None:
    """Move every deadline an hour into the past (the opening stays before it)."""
    now = utcnow()
    async with harness.database.write() as conn:
        await conn.execute(
            campaigns.update().values(
                opens_at=now - timedelta(days=10), deadline_at=now - timedelta(hours=1)
            )
        )


async def _board(harness: BotHarness) -> BotMessage:
    methodist = harness.user(METHODIST)
    await methodist.send("/status")
    await harness.settle()
    board = methodist.last_message()
    assert board is not None
    return board


async def test_the_board_shows_submitted_draft_and_not_started(
    harness: BotHarness, towns: tuple[Town, Town]
) -> None:
    methodist = harness.user(METHODIST)
    await methodist.send("/status")

    legend = await methodist.next_message()
    board = await methodist.next_message()
    assert legend.plain_text == texts.LEGEND
    lines = (board.plain_text or "").splitlines()
    assert lines[0] == "ВСОКО — 1 полугодие"
    assert "сдали 1 из 3" in lines[1]
    form = harness.catalog.current["vsoko"]
    total = progress(form, {form.questions[0].id: "yes"}, None).total
    assert lines[3:] == ["⏳ ООШ № 66 — не начата", "✅ СОШ № 5", f"✏️ СОШ № 11 — 1/{total}"]
    # Before the deadline, every school that has not submitted can be reminded.
    assert board.button_texts == [
        "Напомнить: ООШ № 66",
        "Напомнить: СОШ № 11",
        texts.NUDGE_ALL_OWING_BUTTON,
    ]
    await methodist.expect_no_message()


async def test_a_respondent_gets_a_short_refusal(
    harness: BotHarness, towns: tuple[Town, Town]
) -> None:
    teacher = harness.user(FIVE)
    await teacher.send("/status")
    refusal = await teacher.next_message()
    assert refusal.plain_text == texts.NOT_ALLOWED


async def test_pressing_remind_sends_the_late_school_a_reminder_once_an_hour(
    harness: BotHarness, towns: tuple[Town, Town]
) -> None:
    await _make_late(harness)
    board = await _board(harness)
    text = board.plain_text or ""
    assert "⚠️ СОШ № 11 — 1/" in text
    assert "⚠️ ООШ № 66 — не начата" in text
    assert "✅ СОШ № 5" in text
    assert board.button_texts == [
        "Напомнить: ООШ № 66",
        "Напомнить: СОШ № 11",
        texts.NUDGE_ALL_LATE_BUTTON,
    ]
    methodist, eleven = harness.user(METHODIST), harness.user(ELEVEN)

    pressed = await methodist.press("Напомнить: СОШ № 11", message=board)
    await harness.settle()

    reminder = await eleven.next_message()
    assert "СОШ № 11" in (reminder.plain_text or "")
    assert "прошёл" in (reminder.plain_text or "")
    assert reminder.button_texts == ["Открыть анкету"]
    answer = methodist.callback_answer(pressed)
    assert answer is not None
    assert answer["text"] == "Напомнили (1 школа): СОШ № 11"

    again = await methodist.press("Напомнить: СОШ № 11", message=board)
    await harness.settle()
    answer = methodist.callback_answer(again)
    assert answer is not None
    assert answer["text"] == "Пропустили — уже напоминали в течение часа (1 школа): СОШ № 11"
    await eleven.expect_no_message()

    # "Remind all" reaches the other late school only; СОШ № 11 had its reminder this hour.
    everyone = await methodist.press(texts.NUDGE_ALL_LATE_BUTTON, message=board)
    await harness.settle()
    answer = methodist.callback_answer(everyone)
    assert answer is not None
    assert answer["text"] == (
        "Напомнили (1 школа): ООШ № 66\n"
        "Пропустили — уже напоминали в течение часа (1 школа): СОШ № 11"
    )
    assert "ООШ № 66" in ((await harness.user(SIXTY_SIX).next_message()).plain_text or "")
    await eleven.expect_no_message()
    await harness.user(FIVE).expect_no_message()  # submitted

    # The reminder's button opens the form for the respondent.
    await eleven.press("Открыть анкету", message=reminder)
    await harness.settle()
    opened = eleven.last_message()
    assert opened is not None
    assert opened.message_id != reminder.message_id


async def test_a_forged_nudge_for_another_municipality_is_refused(
    harness: BotHarness, towns: tuple[Town, Town], caplog: pytest.LogCaptureFixture
) -> None:
    town, other = towns
    await _make_late(harness)
    board = await _board(harness)
    methodist = harness.user(METHODIST)
    ours = await campaign_of(harness.database, town.municipality.id)
    theirs = await campaign_of(harness.database, other.municipality.id)

    for forged in (
        NudgeSchool(c=theirs, s=other.schools[0].id),
        NudgeSchool(c=ours, s=other.schools[0].id),
    ):
        pressed = await methodist.press_data(board, forged.pack())
        await harness.settle()
        answer = methodist.callback_answer(pressed)
        assert answer is not None
        assert answer["text"] == people_texts.ACCESS_DENIED

    await harness.user(FAR_AWAY).expect_no_message()
    async with harness.database.read() as conn:
        assert await list_reminders(conn) == []
    assert any("refused button" in r.getMessage() for r in caplog.records)
