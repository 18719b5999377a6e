"""/plans over the fake Bot API: under a plan's board, "📥 Выгрузить в Excel" sends the plan as a
workbook; a plan of another municipality, or one that is gone, gets a short alert."""

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import openpyxl

from bot.handlers.plans.export import PlanExport
from core.actors import resolve_actor
from core.plans.store import save_plan
from storage.people import Role
from storage.plans import ItemStatus, change_item_status, get_plan
from tests.factories import make_person, make_town
from tests.harness import BotHarness
from tests.plans.seed import seed_draft
from texts import plan_export as texts

METHODIST, STRANGER = 911, 912
TOMSK = ZoneInfo("Asia/Tomsk")


async def test_the_board_s_button_sends_the_plan_as_a_workbook(harness: BotHarness) -> None:
    harness.clock.set(datetime(2020, 10, 15, 10, tzinfo=TOMSK))
    kedrovy = await make_town(harness.database, "Город Кедровый", ("МКОУ СОШ № 1",))
    other = await make_town(harness.database, "Город Томск", ("СОШ № 5",))
    await make_person(
        harness.database, METHODIST, Role.METHODIST, full_name="Смирнова Елена Александровна",
        municipality_id=kedrovy.municipality.id,
    )  # fmt: skip
    await make_person(
        harness.database, STRANGER, Role.METHODIST, municipality_id=other.municipality.id
    )
    actor = await resolve_actor(harness.database, METHODIST, admin_ids=())
    plan_id = await save_plan(
        harness.database, actor, seed_draft(), municipality_id=kedrovy.municipality.id,
        now=datetime(2020, 6, 16, 12, tzinfo=TOMSK),
    )  # fmt: skip
    async with harness.database.write() as conn:
        plan = await get_plan(conn, plan_id)
        assert plan is not None
        await change_item_status(
            conn, plan.items[1].id, ItemStatus.DONE, user_id=None,
            now=datetime(2020, 8, 28, tzinfo=TOMSK), comment="Приказ от 28.08.2020 № 71",
        )  # fmt: skip

    methodist = harness.user(METHODIST)
    await methodist.send("/plans")
    listing = await methodist.next_message()
    plan_button = next(text for text in listing.button_texts if "«Дорожная карта»" in text)
    await methodist.press(plan_button, message=listing)
    board = await methodist.next_message()
    assert "Просрочено на 15.10.2020: 16" in (board.plain_text or "")
    assert texts.EXPORT_BUTTON in board.button_texts

    await methodist.press(texts.EXPORT_BUTTON, message=board)
    sent = await methodist.next_message()
    assert sent.document is not None
    name = sent.document.file_name or ""
    assert name == "«Дорожная карта» (план мероприятий) по работе с… — 15.10.2020.xlsx"
    caption = sent.plain_text or ""
    assert caption.startswith("«Дорожная карта» (план мероприятий)")
    assert "На 15.10.2020: выполнено 1 из 39, просрочено 16." in caption
    await harness.settle()
    actions = harness.emulator.calls_of("sendChatAction")
    assert [call.params.get("action") for call in actions] == ["upload_document"]

    book = openpyxl.load_workbook(io.BytesIO(sent.document.content))
    sheet = book["Дорожная карта"]
    assert str(sheet["A1"].value).startswith("«Дорожная карта» (план мероприятий)")
    assert sheet["A3"].value == "По состоянию на 15.10.2020: выполнено 1 из 39, просрочено 16"
    assert [cell.value for cell in sheet[5]][:3] == ["№ п/п", "Содержание мероприятия", "Сроки"]
    assert sheet["A6"].value == "1. Методическая работа"
    assert (sheet["C7"].value, sheet["H7"].value) == ("август", "на 45 дн.")
    assert sheet["D7"].value.date() == date(2020, 8, 31)
    assert (sheet["F8"].value, sheet["G8"].value) == ("выполнено", "Приказ от 28.08.2020 № 71")

    # Another town's methodist pressing a forged button, and a plan that is not there.
    stranger = harness.user(STRANGER)
    await stranger.send("/plans")
    theirs = await stranger.next_message()
    forged = await stranger.press_data(theirs, PlanExport(p=plan_id).pack())
    missing = await methodist.press_data(board, PlanExport(p=plan_id + 1).pack())
    await harness.settle()
    for user, press in ((stranger, forged), (methodist, missing)):
        answer = user.callback_answer(press) or {}
        assert (answer.get("text"), answer.get("show_alert")) == (texts.STALE, True)
    await stranger.expect_no_message()
    await methodist.expect_no_message()
