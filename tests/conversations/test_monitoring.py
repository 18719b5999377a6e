"""A monitoring of several forms over the fake Bot API: the respondent's list groups its forms
under the monitoring, the board counts forms per school and drills down form by form."""

from datetime import timedelta

import pytest

from core.actors import Actor
from core.campaigns import open_form_for_schools
from storage.people import Role
from storage.responses import Status, change_status, get_or_create_response, save_answer
from storage.types import utcnow
from tests.factories import Town, campaign_of, make_person, make_town
from tests.harness import BotHarness
from texts import status as texts

ORGANISER = Actor(telegram_id=0, user=None, bootstrap_admin=True)
FIVE, ELEVEN, METHODIST = 301, 302, 401
TITLE = "Мониторинг выполнения программы повышения качества образования"
FORMS = ("parents", "vsoko")


@pytest.fixture
async def town(harness: BotHarness) -> Town:
    database = harness.database
    town = await make_town(database)
    for telegram_id, school in zip((FIVE, ELEVEN), town.schools, strict=True):
        await make_person(database, telegram_id, Role.RESPONDENT, school_id=school.id)
    await make_person(database, METHODIST, Role.METHODIST, municipality_id=town.municipality.id)
    await open_form_for_schools(
        database,
        harness.catalog,
        ORGANISER,
        FORMS,
        deadline=(utcnow() + timedelta(days=10)).date(),
        period_label="1 полугодие",
        now=utcnow(),
        title=TITLE,
    )
    # СОШ № 5 has handed in ВСОКО, not the other form.
    campaign_id = await campaign_of(database, town.municipality.id)
    form = harness.catalog.current["vsoko"]
    now = utcnow()
    async with database.write() as conn:
        response = await get_or_create_response(
            conn, campaign_id, town.schools[0].id, "vsoko", harness.catalog.row_id("vsoko"), now
        )
        await save_answer(conn, response.id, form.questions[0].id, "none", user_id=None, now=now)
        draft = await change_status(conn, response, Status.DRAFT, user_id=None, now=now)
        await change_status(conn, draft, Status.SUBMITTED, user_id=None, now=now)
    return town


async def test_the_respondent_sees_the_forms_under_their_monitoring(
    harness: BotHarness, town: Town
) -> None:
    teacher = harness.user(FIVE)
    await teacher.send("/forms")

    listing = await teacher.next_message()
    lines = (listing.plain_text or "").splitlines()
    parents = harness.catalog.current["parents"].short_title
    assert lines[1].startswith(f"📂 {TITLE} — 1 полугодие: сдано 1 из 2 анкет, до ")
    assert lines[2].startswith(f"    ⏳ {parents}: отвечено 0 из ")
    assert lines[3].startswith("    ✅ ВСОКО: отправлена ")
    assert listing.button_texts == [f"Заполнить: {parents}", "Посмотреть: ВСОКО"]


async def test_the_board_counts_forms_and_drills_down(harness: BotHarness, town: Town) -> None:
    methodist = harness.user(METHODIST)
    await methodist.send("/status")
    await methodist.next_message()  # the legend
    board = await methodist.next_message()

    lines = (board.plain_text or "").splitlines()
    assert lines[0] == f"{TITLE} — 1 полугодие"
    assert "сдали 0 из 2" in lines[1]
    assert lines[2] == "Анкет в мониторинге: 2. «Сдали» — школы, сдавшие все анкеты."
    assert lines[4:] == ["✏️ СОШ № 5 — сдано 1 из 2 анкет", "⏳ СОШ № 11 — сдано 0 из 2 анкет"]
    assert board.button_texts[0] == texts.DRILL_DOWN_BUTTON

    await methodist.press(texts.DRILL_DOWN_BUTTON, board)
    detail = await methodist.next_message()
    parents = harness.catalog.current["parents"].short_title
    assert (detail.plain_text or "").splitlines()[2:] == [
        f"СОШ № 5: ⏳ {parents} · ✅ ВСОКО",
        f"СОШ № 11: ⏳ {parents} · ⏳ ВСОКО",
    ]


async def test_a_page_that_starts_inside_a_monitoring_repeats_its_heading(
    harness: BotHarness, town: Town
) -> None:
    every = tuple(harness.catalog.current)  # nine forms: they do not fit one page of eight
    await open_form_for_schools(
        harness.database,
        harness.catalog,
        ORGANISER,
        every,
        deadline=(utcnow() + timedelta(days=20)).date(),
        period_label="2 полугодие",
        now=utcnow(),
        title="Большой мониторинг",
    )
    teacher = harness.user(FIVE)
    await teacher.send("/forms")
    first = await teacher.next_message()
    assert "📂 Большой мониторинг — 2 полугодие: сдано 0 из 9 анкет" in (first.plain_text or "")

    await teacher.press("▶️", first)
    await harness.settle()
    second = teacher.last_message()
    assert second is not None
    lines = (second.plain_text or "").splitlines()
    heading = next(i for i, line in enumerate(lines) if line.startswith("📂"))
    assert lines[heading].startswith("📂 Большой мониторинг — 2 полугодие: сдано 0 из 9 анкет")
    assert all(line.startswith("    ") for line in lines[heading + 1 :])
