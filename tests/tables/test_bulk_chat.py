"""Issue 17 review, the methodist's bulk load in the chat: a file of one year is loaded only
after the year is confirmed, a submitted response is named as such when "Заменить" is asked and
after it, and the files the load takes are named."""

from datetime import timedelta

from botapi_emulator import BotMessage, FakeUser
from core.access import Action
from core.actors import Actor
from core.campaigns import CampaignPlan, open_campaign
from core.questionnaires import open_response, record_answer
from storage.people import Role
from storage.responses import Status, change_status, get_or_create_response, get_response
from tests.conversations.answering import stored_values
from tests.factories import make_actor, make_person, make_town
from tests.harness import BotHarness
from texts import table_files as texts

ORGANISER = Actor(telegram_id=0, user=None, bootstrap_admin=True)
TEACHER, METHODIST = 321, 654
TITLE = "Результаты всероссийских проверочных работ (ВПР), весна 2021"
PUBLISHED = (
    "№ п/п\tНазвание ОО\tВПР МА 5 2019\t\n"
    '\t\t" % 2"\t% Выс. рез-тов\n'
    "1\tМАОУ СОШ № 5\t20\t0\n"
    "2\tМАОУ СОШ № 11\t24\t8\n"
)


async def last(user: FakeUser, harness: BotHarness) -> BotMessage:
    await harness.settle()
    message = user.last_message()
    assert message is not None
    return message


def text_of(message: BotMessage) -> str:
    return message.plain_text or ""


async def the_load(harness: BotHarness) -> tuple[FakeUser, int]:
    """A round of the ВПР form for СОШ № 5 and СОШ № 11, the teacher of СОШ № 5 having
    submitted its own rows; the methodist at the load's file step. (СОШ № 5's response id.)"""
    town = await make_town(harness.database, short_names=("СОШ № 5", "СОШ № 11"))
    now = harness.clock()
    plan = CampaignPlan(
        form_keys=("vpr",),
        municipality_id=town.municipality.id,
        period_label="весна 2021",
        opens_at=now,
        deadline_at=now + timedelta(days=10),
        school_ids=tuple(school.id for school in town.schools),
    )
    campaign = await open_campaign(harness.database, harness.catalog, ORGANISER, plan, now=now)
    school = town.schools[0]
    teacher = await make_actor(harness.database, TEACHER, Role.RESPONDENT, school_id=school.id)
    async with harness.database.write() as conn:
        response = await get_or_create_response(
            conn, campaign.id, school.id, "vpr", harness.catalog.row_id("vpr"), now
        )
    view = await open_response(
        harness.database, harness.catalog, teacher, response.id, Action.ANSWER
    )
    own = {
        "items": [
            {
                "subject": {"selected": "math", "other": None},
                "grade": {"selected": "g5", "other": None},
                "fail_pct": 19,
                "high_pct": 1,
            }
        ],
        "done": True,
    }
    await record_answer(harness.database, teacher, view, "results", own, seen=None, now=now)
    async with harness.database.write() as conn:
        current = await get_response(conn, response.id)
        assert current is not None
        await change_status(conn, current, Status.SUBMITTED, user_id=None, now=now)
    await make_person(
        harness.database, METHODIST, Role.METHODIST, municipality_id=town.municipality.id
    )
    methodist = harness.user(METHODIST)
    await methodist.send("/campaigns")
    listing = await last(methodist, harness)
    await methodist.press(listing.button_texts[0], message=listing)
    card = await last(methodist, harness)
    await methodist.press(texts.BULK_BUTTON, message=card)
    ask = await last(methodist, harness)
    assert "Пришлите файл .xlsx, .xlsm, .csv, .tsv или .txt (до 10 МБ)" in text_of(ask)
    return methodist, response.id


async def test_one_year_is_confirmed_and_a_submitted_response_is_named(
    harness: BotHarness,
) -> None:
    methodist, response_id = await the_load(harness)
    await methodist.send_document("итоги.doc", b"x")
    assert text_of(await last(methodist, harness)) == (
        "Нужен файл .xlsx, .xlsm, .csv, .tsv или .txt, а «итоги.doc» — другой."
    )
    await methodist.send("вот")
    assert text_of(await last(methodist, harness)) == (
        "Жду файл .xlsx, .xlsm, .csv, .tsv или .txt со строками школ. /cancel — выйти."
    )

    await methodist.send_document("впр.tsv", PUBLISHED.encode())
    year = await last(methodist, harness)
    assert text_of(year) == f"В файле — столбцы 2019 года. Загрузить их в «{TITLE}»?"
    assert year.button_texts == ["Загрузить 2019 год"]
    await methodist.press("Загрузить 2019 год", message=year)

    asked = await last(methodist, harness)
    assert "• СОШ № 5 — анкета сдана: строки заменятся, она останется сданной" in text_of(asked)
    assert (await stored_values(harness.database, response_id))["results"]["items"][0][
        "fail_pct"
    ] == 19
    await methodist.press(texts.BULK_REPLACE, message=asked)
    done = text_of(await last(methodist, harness))
    assert done.startswith(f"✅ Загружено в «{TITLE}»: 2 школы, 2 строки.")
    assert texts.BULK_DONE_NOTE in done  # СОШ № 11: a draft
    assert (
        "Уже сданные анкеты остались сданными, строки в них заменены: СОШ № 5. Проверяющий "
        "увидит новые строки в /review."
    ) in done
    assert (await stored_values(harness.database, response_id))["results"]["items"][0][
        "fail_pct"
    ] == 20
