"""Issue 11, points 9 and 10, over the fake Bot API.

9. A coordinator nudges schools that have not submitted before the deadline too (a friendly
   reminder of it), at most once an hour per school, and the alert names the schools reminded,
   skipped and unreachable.
10. A respondent of one school who opens another school's respondent link is asked first, and
    nothing changes (no role, no use of the link) without "Да, добавить".
"""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.handlers.onboarding.callbacks import AddSchool
from botapi_emulator import BotMessage, FakeUser
from core.actors import Actor, resolve_actor
from core.campaigns import open_form_for_schools
from core.invitations import Refusal, Scope, create_invitation
from storage.campaigns import get_campaign
from storage.people import Role, grant_role
from storage.responses import Status, change_status, get_or_create_response, save_answer
from storage.schema import invitations
from tests.factories import Town, campaign_of, make_person, make_town
from tests.harness import BotHarness
from texts import common as common_texts
from texts import people as people_texts

ORGANISER = Actor(telegram_id=0, user=None, bootstrap_admin=True)
FIVE, ELEVEN, SIXTY_SIX = 311, 312, 313
COORDINATOR = 411
TTL = timedelta(days=14)


# --- 9. nudging before and after the deadline ----------------------------------------------


@pytest.fixture
async def town(harness: BotHarness) -> Town:
    """СОШ № 5 submitted, СОШ № 11 in progress, ООШ № 66 not started; a coordinator of all
    three; the deadline ten days ahead."""
    database = harness.database
    town = await make_town(database, short_names=("СОШ № 5", "СОШ № 11", "ООШ № 66"))
    for telegram_id, school in zip((FIVE, ELEVEN, SIXTY_SIX), town.schools, strict=True):
        await make_person(database, telegram_id, Role.RESPONDENT, school_id=school.id)
    coordinator = await make_person(
        database, COORDINATOR, Role.COORDINATOR, school_id=town.schools[0].id
    )
    async with database.write() as conn:
        for school in town.schools[1:]:
            await grant_role(conn, coordinator.id, Role.COORDINATOR, school_id=school.id)
    now = harness.clock()
    await open_form_for_schools(
        database,
        harness.catalog,
        ORGANISER,
        "vsoko",
        deadline=(now + timedelta(days=10)).date(),
        period_label="1 полугодие",
        now=now,
    )
    form = harness.catalog.current["vsoko"]
    campaign_id = await campaign_of(database, town.municipality.id)
    async with database.write() as conn:
        for school, submit in ((town.schools[0], True), (town.schools[1], False)):
            response = await get_or_create_response(
                conn, campaign_id, school.id, "vsoko", harness.catalog.row_id("vsoko"), now
            )
            await save_answer(conn, response.id, form.questions[0].id, "yes", user_id=None, now=now)
            draft = await change_status(conn, response, Status.DRAFT, user_id=None, now=now)
            if submit:
                await change_status(conn, draft, Status.SUBMITTED, user_id=None, now=now)
    return town


async def _board(harness: BotHarness) -> BotMessage:
    coordinator = harness.user(COORDINATOR)
    await coordinator.send("/status")
    await harness.settle()
    board = coordinator.last_message()
    assert board is not None
    return board


async def _alert(harness: BotHarness, button: str, board: BotMessage) -> str:
    coordinator = harness.user(COORDINATOR)
    pressed = await coordinator.press(button, message=board)
    await harness.settle()
    answer = coordinator.callback_answer(pressed)
    assert answer is not None
    assert answer.get("show_alert") is True
    return str(answer["text"])


async def test_a_coordinator_reminds_schools_before_the_deadline(
    harness: BotHarness, town: Town
) -> None:
    coordinator = harness.user(COORDINATOR)
    five, eleven, sixty_six = harness.user(FIVE), harness.user(ELEVEN), harness.user(SIXTY_SIX)
    await coordinator.send("/help")
    assert "/status — какие школы сдали анкеты; напомнить тем, кто не сдал" in (
        (await coordinator.next_message()).plain_text or ""
    )

    board = await _board(harness)
    assert board.button_texts == [
        "Напомнить: ООШ № 66",
        "Напомнить: СОШ № 11",
        "Напомнить всем, кто не сдал",
    ]

    alert = await _alert(harness, "Напомнить: ООШ № 66", board)
    assert alert == "Напомнили (1 школа): ООШ № 66"
    reminder = await sixty_six.next_message()
    async with harness.database.read() as conn:
        campaign = await get_campaign(
            conn, await campaign_of(harness.database, town.municipality.id)
        )
    assert campaign is not None
    deadline = campaign.deadline_at.astimezone(ZoneInfo("Asia/Tomsk")).strftime("%d.%m.%Y %H:%M")
    title = harness.catalog.current["vsoko"].title
    assert reminder.plain_text == (
        f"Добрый день! Напоминаем: анкету «{title}» (1 полугодие) за ООШ № 66 нужно сдать до "
        f"{deadline}. Она ещё не сдана — откройте её кнопкой ниже."
    )
    assert reminder.button_texts == ["Открыть анкету"]

    # "Remind all" reaches СОШ № 11; ООШ № 66 had its reminder this hour; СОШ № 5 submitted.
    alert = await _alert(harness, "Напомнить всем, кто не сдал", board)
    assert alert == (
        "Напомнили (1 школа): СОШ № 11\n"
        "Пропустили — уже напоминали в течение часа (1 школа): ООШ № 66"
    )
    assert f"нужно сдать до {deadline}" in ((await eleven.next_message()).plain_text or "")
    await sixty_six.expect_no_message()
    await five.expect_no_message()

    # An hour later both may be reminded again.
    harness.clock.advance(minutes=61)
    alert = await _alert(harness, "Напомнить всем, кто не сдал", board)
    assert alert == "Напомнили (2 школы): ООШ № 66, СОШ № 11"


async def test_after_the_deadline_the_alert_names_who_could_not_be_reached(
    harness: BotHarness, town: Town
) -> None:
    harness.clock.advance(days=12)
    board = await _board(harness)
    assert board.button_texts == [
        "Напомнить: ООШ № 66",
        "Напомнить: СОШ № 11",
        "Напомнить всем опаздывающим",
    ]
    # The respondent of СОШ № 11 blocked the bot.
    harness.emulator.inject_error(
        "sendMessage",
        status=403,
        description="Forbidden: bot was blocked by the user",
        chat_id=ELEVEN,
        times=None,
    )

    alert = await _alert(harness, "Напомнить всем опаздывающим", board)
    assert alert == (
        "Напомнили (1 школа): ООШ № 66\n"
        "Не дошло — ответственный заблокировал бота или недоступен (1 школа): СОШ № 11"
    )
    assert "прошёл" in ((await harness.user(SIXTY_SIX).next_message()).plain_text or "")

    # Pressed again: ООШ № 66 is skipped for the hour, СОШ № 11 has nobody left to reach.
    alert = await _alert(harness, "Напомнить: СОШ № 11", board)
    assert alert == "Некому напомнить — нет ответственных в боте (1 школа): СОШ № 11"
    alert = await _alert(harness, "Напомнить: ООШ № 66", board)
    assert alert == "Пропустили — уже напоминали в течение часа (1 школа): ООШ № 66"


async def test_a_long_summary_goes_to_a_message_with_the_counts_in_the_alert(
    harness: BotHarness,
) -> None:
    names = tuple(f"Средняя школа № {number}" for number in range(1, 13))
    town = await make_town(harness.database, short_names=names)
    for index, school in enumerate(town.schools):
        await make_person(harness.database, 1000 + index, Role.RESPONDENT, school_id=school.id)
    await make_person(
        harness.database, COORDINATOR, Role.METHODIST, municipality_id=town.municipality.id
    )
    now = harness.clock()
    await open_form_for_schools(
        harness.database,
        harness.catalog,
        ORGANISER,
        "vsoko",
        deadline=(now + timedelta(days=10)).date(),
        period_label="1 полугодие",
        now=now,
    )
    board = await _board(harness)

    alert = await _alert(harness, "Напомнить всем, кто не сдал", board)

    assert alert == "Напомнили: 12 школ\nСписок школ — в сообщении."
    report = harness.user(COORDINATOR).last_message()
    assert report is not None
    text = report.plain_text or ""
    assert text.startswith("Итог напоминаний\nНапомнили (12 школ): Средняя школа № 1, ")
    assert all(name in text for name in names)


# --- 10. another school's respondent link ---------------------------------------------------

TEACHER = 321


@pytest.fixture
async def schools(harness: BotHarness) -> Town:
    """A respondent of СОШ № 5 (with a full name, so registration asks nothing more)."""
    town = await make_town(harness.database, short_names=("СОШ № 5", "СОШ № 11", "ООШ № 66"))
    await make_person(harness.database, TEACHER, Role.RESPONDENT, school_id=town.schools[0].id)
    return town


async def _link(harness: BotHarness, school_id: int, max_uses: int | None = 1) -> tuple[str, int]:
    created = await create_invitation(
        harness.database,
        ORGANISER,
        Role.RESPONDENT,
        Scope(school_ids=(school_id,)),
        now=harness.clock(),
        ttl=TTL,
        max_uses=max_uses,
    )
    return created.token, created.invitation.id


async def _schools_of(harness: BotHarness, telegram_id: int) -> list[int]:
    actor = await resolve_actor(harness.database, telegram_id, ())
    return sorted(g.school_id or 0 for g in actor.grants if g.role is Role.RESPONDENT)


async def _uses(harness: BotHarness, invitation_id: int) -> int:
    async with harness.database.read() as conn:
        found = await conn.scalar(
            select(invitations.c.uses).where(invitations.c.id == invitation_id)
        )
    return int(found or 0)


async def _question(teacher: FakeUser, token: str) -> BotMessage:
    await teacher.send(f"/start {token}")
    question = await teacher.next_message()
    assert question.plain_text == "Вы уже ответственный от СОШ № 5. Добавить СОШ № 11?"
    assert question.button_texts == ["Да, добавить", "Нет"]
    return question


async def test_no_keeps_everything_and_yes_adds_the_school(
    harness: BotHarness, schools: Town
) -> None:
    five, eleven = schools.schools[0].id, schools.schools[1].id
    token, invitation_id = await _link(harness, eleven)
    teacher = harness.user(TEACHER)

    question = await _question(teacher, token)
    await teacher.expect_no_message()
    assert await _schools_of(harness, TEACHER) == [five]
    assert await _uses(harness, invitation_id) == 0

    await teacher.press("Нет", message=question)
    said = await teacher.next_message()
    assert said.plain_text == (
        "Хорошо, ничего не изменилось: СОШ № 11 не добавлена. "
        "Если передумаете, откройте ссылку ещё раз."
    )
    assert question.buttons == []
    assert await _schools_of(harness, TEACHER) == [five]
    assert await _uses(harness, invitation_id) == 0

    # The answered question's "yes", pressed anyway, is stale and changes nothing.
    pressed = await teacher.press_data(question, AddSchool(i=invitation_id, yes=1).pack())
    await harness.settle()
    assert (teacher.callback_answer(pressed) or {}).get("text") == common_texts.STALE_BUTTON
    assert await _schools_of(harness, TEACHER) == [five]

    # The link still works (no use was taken): opened again, and this time "yes".
    question = await _question(teacher, token)
    await teacher.press("Да, добавить", message=question)
    done = await teacher.next_message()
    assert done.plain_text == (
        "Готово, школа добавлена: ответственный от школы — СОШ № 11 (Город Томск)."
    )
    await teacher.expect_no_message()  # registered before: no position question
    assert await _schools_of(harness, TEACHER) == sorted([five, eleven])
    assert await _uses(harness, invitation_id) == 1

    # Opening it once more: already a member, nothing asked.
    await teacher.send(f"/start {token}")
    assert (await teacher.next_message()).plain_text == people_texts.ALREADY_MEMBER.format(
        role="ответственный от школы", scope="СОШ № 11 (Город Томск)"
    )


async def test_a_forged_or_stale_confirmation_is_refused(
    harness: BotHarness, schools: Town
) -> None:
    five, eleven, sixty_six = (s.id for s in schools.schools)
    token, invitation_id = await _link(harness, eleven)
    _, not_theirs = await _link(harness, sixty_six)  # a link this person never opened
    teacher = harness.user(TEACHER)
    question = await _question(teacher, token)

    for forged in (AddSchool(i=not_theirs, yes=1).pack(), AddSchool(i=10_000, yes=1).pack()):
        pressed = await teacher.press_data(question, forged)
        await harness.settle()
        assert (teacher.callback_answer(pressed) or {}).get("text") == common_texts.STALE_BUTTON
    pressed = await teacher.press_data(question, "oas:99999999999:1")  # does not parse
    await harness.settle()
    assert (teacher.callback_answer(pressed) or {}).get("text") == people_texts.ACCESS_DENIED
    assert await _schools_of(harness, TEACHER) == [five]
    assert await _uses(harness, not_theirs) == 0

    # A stranger pressing a copied button gets nothing either.
    stranger = harness.user(9999)
    pressed = await stranger.press_data(question, AddSchool(i=invitation_id, yes=1).pack())
    await harness.settle()
    assert (stranger.callback_answer(pressed) or {}).get("text") == common_texts.STALE_BUTTON
    assert (await resolve_actor(harness.database, 9999, ())).roles == set()

    # The real question still works after all that.
    await teacher.press("Да, добавить", message=question)
    await harness.settle()
    assert await _schools_of(harness, TEACHER) == sorted([five, eleven])
    assert await _uses(harness, invitation_id) == 1
    assert await _uses(harness, not_theirs) == 0


async def test_a_question_for_an_earlier_link_goes_stale_when_another_is_opened(
    harness: BotHarness, schools: Town
) -> None:
    five, eleven, sixty_six = (s.id for s in schools.schools)
    first, first_id = await _link(harness, eleven)
    second, second_id = await _link(harness, sixty_six)
    teacher = harness.user(TEACHER)
    old = await _question(teacher, first)
    await teacher.send(f"/start {second}")
    new = await teacher.next_message()
    assert new.plain_text == "Вы уже ответственный от СОШ № 5. Добавить ООШ № 66?"

    pressed = await teacher.press("Да, добавить", message=old)
    await harness.settle()
    assert (teacher.callback_answer(pressed) or {}).get("text") == common_texts.STALE_BUTTON
    assert await _schools_of(harness, TEACHER) == [five]
    assert (await _uses(harness, first_id), await _uses(harness, second_id)) == (0, 0)


@pytest.mark.parametrize("reason", [Refusal.USED_UP, Refusal.REVOKED, Refusal.EXPIRED])
async def test_the_link_is_checked_again_at_yes(
    harness: BotHarness, schools: Town, reason: Refusal
) -> None:
    five, eleven = schools.schools[0].id, schools.schools[1].id
    token, invitation_id = await _link(harness, eleven, max_uses=1)
    teacher = harness.user(TEACHER)
    question = await _question(teacher, token)

    if reason is Refusal.USED_UP:
        someone = harness.user(5555, first_name="Анна", last_name="Смирнова")
        await someone.send(f"/start {token}")
        assert (await someone.next_message()).plain_text.startswith("Добро пожаловать!")  # type: ignore[union-attr]
    elif reason is Refusal.REVOKED:
        async with harness.database.write() as conn:
            await conn.execute(
                invitations.update()
                .where(invitations.c.id == invitation_id)
                .values(revoked_at=harness.clock())
            )
    else:
        harness.clock.advance(TTL + timedelta(hours=1))

    await teacher.press("Да, добавить", message=question)
    assert (await teacher.next_message()).plain_text == people_texts.REFUSALS[reason]
    assert await _schools_of(harness, TEACHER) == [five]
