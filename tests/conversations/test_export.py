"""/export over the fake Bot API: the workbook arrives, in the asker's scope only."""

from datetime import timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook

from bot.handlers.export.callbacks import ExportPick, ExportRun
from botapi_emulator import BotMessage
from core.actors import Actor
from core.campaigns import open_form_for_schools
from storage.directory import add_district, add_municipality, add_school
from storage.people import Role
from storage.responses import Status, change_status, get_or_create_response, save_answer
from storage.types import utcnow
from tests.factories import Town, campaign_of, make_person, make_town
from tests.harness import BotHarness
from texts import export as texts
from texts import people as people_texts

ORGANISER = Actor(telegram_id=0, user=None, bootstrap_admin=True)
METHODIST, COORDINATOR, TEACHER, FAR_METHODIST = 701, 702, 703, 704
NORTH, SOUTH = "Северный округ", "Южный округ"


@pytest.fixture
async def towns(harness: BotHarness) -> tuple[Town, Town]:
    """Томск: СОШ № 5 and СОШ № 11 in the north (5 submitted), ООШ № 66 in the south."""
    database = harness.database
    async with database.write() as conn:
        municipality = await add_municipality(conn, "Город Томск", "Asia/Tomsk")
        north = await add_district(conn, municipality.id, NORTH)
        south = await add_district(conn, municipality.id, SOUTH)
        schools = [
            await add_school(
                conn,
                municipality_id=municipality.id,
                full_name=f"МАОУ {short}",
                short_name=short,
                district_id=district.id,
            )
            for short, district in (("СОШ № 5", north), ("СОШ № 11", north), ("ООШ № 66", south))
        ]
    town = Town(municipality, schools)
    other = await make_town(database, name="Город Северск", short_names=("СОШ № 2",))
    await make_person(database, METHODIST, Role.METHODIST, municipality_id=municipality.id)
    await make_person(database, COORDINATOR, Role.COORDINATOR, district_id=north.id)
    await make_person(database, TEACHER, Role.RESPONDENT, school_id=schools[0].id)
    await make_person(
        database, FAR_METHODIST, Role.METHODIST, municipality_id=other.municipality.id
    )
    await open_form_for_schools(
        database,
        harness.catalog,
        ORGANISER,
        "vsoko",
        deadline=(utcnow() + timedelta(days=10)).date(),
        period_label="1 полугодие 2026/27",
        now=utcnow(),
    )
    form = harness.catalog.current["vsoko"]
    now = utcnow()
    campaign_id = await campaign_of(harness.database, municipality.id)
    async with database.write() as conn:
        response = await get_or_create_response(
            conn, campaign_id, schools[0].id, "vsoko", harness.catalog.row_id("vsoko"), now
        )
        await save_answer(conn, response.id, form.questions[0].id, "yes", user_id=None, now=now)
        draft = await change_status(conn, response, Status.DRAFT, user_id=None, now=now)
        await change_status(conn, draft, Status.SUBMITTED, user_id=None, now=now)
    return town, other


def _workbook_rows(message: BotMessage, sheet: str) -> list[tuple[object, ...]]:
    assert message.document is not None
    workbook = load_workbook(BytesIO(message.document.content), read_only=True)
    return [tuple(row) for row in workbook[sheet].iter_rows(values_only=True)]


def _schools_in(rows: list[tuple[object, ...]]) -> set[str]:
    names = {"СОШ № 5", "СОШ № 11", "ООШ № 66", "СОШ № 2"}
    return {str(cell) for row in rows for cell in row if str(cell) in names}


async def test_a_methodist_exports_the_whole_municipality_or_one_district(
    harness: BotHarness, towns: tuple[Town, Town]
) -> None:
    methodist = harness.user(METHODIST)
    await methodist.send("/export")
    menu = await methodist.next_message()
    assert menu.plain_text == texts.CHOOSE
    assert menu.button_texts == ["ВСОКО — 1 полугодие 2026/27"]  # not Северск's

    await methodist.press("ВСОКО — 1 полугодие 2026/27")
    districts = await methodist.next_message()
    assert districts.plain_text == texts.CHOOSE_DISTRICT
    assert districts.button_texts == ["Все школы (3)", f"{NORTH} (2)", f"{SOUTH} (1)"]

    await methodist.press("Все школы (3)")
    preparing = await methodist.next_message()
    assert preparing.plain_text == texts.PREPARING
    document = await methodist.next_message()
    assert document.document is not None
    assert (document.document.file_name or "").endswith(".xlsx")
    assert "Сдали 1 из 3" in (document.plain_text or "")
    await harness.settle()
    assert preparing.deleted
    actions = harness.emulator.calls_of("sendChatAction")
    assert [call.params.get("action") for call in actions] == ["upload_document"]
    assert _schools_in(_workbook_rows(document, "Сводка")) == {"СОШ № 5", "СОШ № 11", "ООШ № 66"}
    missing = _schools_in(_workbook_rows(document, "Не сдали"))
    assert missing == {"СОШ № 11", "ООШ № 66"}

    await methodist.press(f"{SOUTH} (1)", message=districts)
    await methodist.next_message()
    south = await methodist.next_message()
    assert _schools_in(_workbook_rows(south, "Сводка")) == {"ООШ № 66"}


async def test_a_coordinator_exports_only_their_district(
    harness: BotHarness, towns: tuple[Town, Town]
) -> None:
    coordinator = harness.user(COORDINATOR)
    await coordinator.send("/export")
    menu = await coordinator.next_message()
    await coordinator.press(menu.button_texts[0])
    await coordinator.next_message()  # one district in scope: no district step
    document = await coordinator.next_message()
    assert _schools_in(_workbook_rows(document, "Сводка")) == {"СОШ № 5", "СОШ № 11"}
    assert "Сдали 1 из 2" in (document.plain_text or "")


async def test_respondents_are_refused_and_forged_buttons_denied(
    harness: BotHarness, towns: tuple[Town, Town]
) -> None:
    teacher = harness.user(TEACHER)
    await teacher.send("/export")
    assert (await teacher.next_message()).plain_text == texts.NOT_ALLOWED

    far = harness.user(FAR_METHODIST)
    await far.send("/export")
    menu = await far.next_message()
    assert menu.button_texts == ["ВСОКО — 1 полугодие 2026/27"]  # Северск's own campaign
    tomsk = await campaign_of(harness.database, towns[0].municipality.id)
    pressed = await far.press_data(menu, ExportPick(campaign_id=tomsk).pack())
    await harness.settle()
    answer = far.callback_answer(pressed)
    assert answer is not None
    assert answer["text"] == people_texts.ACCESS_DENIED
    await far.press_data(menu, ExportRun(campaign_id=tomsk, district_id=0).pack())
    assert (await far.next_message()).plain_text == texts.GONE
    assert all(message.document is None for message in harness.emulator.messages(FAR_METHODIST))


async def test_a_form_over_all_its_periods_gets_a_dynamics_sheet(
    harness: BotHarness, towns: tuple[Town, Town]
) -> None:
    await open_form_for_schools(
        harness.database,
        harness.catalog,
        ORGANISER,
        "vsoko",
        deadline=(utcnow() + timedelta(days=40)).date(),
        period_label="2 полугодие 2026/27",
        now=utcnow() + timedelta(seconds=1),
    )
    methodist = harness.user(METHODIST)
    await methodist.send("/export")
    menu = await methodist.next_message()
    assert "📈 ВСОКО — все периоды (2)" in menu.button_texts
    await methodist.press("📈 ВСОКО — все периоды (2)")
    districts = await methodist.next_message()
    assert districts.button_texts[0] == "Все школы (3)"
    await methodist.press("Все школы (3)")
    await methodist.next_message()  # "Готовлю файл…"
    document = await methodist.next_message()
    assert document.document is not None
    workbook = load_workbook(BytesIO(document.document.content), read_only=True)
    assert "Динамика" in workbook.sheetnames
    assert "2 полугодие 2026/27" in (document.plain_text or "")  # the latest period's totals
