"""/plan over the fake Bot API (issue 18): a methodist gets the plan's template, sends a plan
with a mistake and is told its row and column, uploads seed 004's schedule as a workbook, sees
the preview (owners found and not), saves it and sees the year's rounds by month; a school's
representative and a coordinator are refused."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import openpyxl

from botapi_emulator import BotMessage
from botapi_emulator.user import FakeUser
from core.monitoring_plan.files import read_workbook
from core.monitoring_plan.service import current_lines
from storage.people import Role, grant_role
from tests.factories import make_person, make_town
from tests.harness import BotHarness
from tests.monitoring_plan.seed import PEOPLE, as_rows, with_forms
from texts import monitoring_plan as texts

METHODIST, TEACHER, COORDINATOR = 961, 962, 963
TOMSK = ZoneInfo("Asia/Tomsk")


def workbook(text: str) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in as_rows(text):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def until_buttons(user: FakeUser, button: str) -> list[BotMessage]:
    """The messages up to the one that carries ``button`` (a long text comes in parts)."""
    messages = [await user.next_message()]
    while button not in messages[-1].button_texts:
        messages.append(await user.next_message())
    return messages


def text_of(messages: list[BotMessage]) -> str:
    return "\n".join(message.plain_text or "" for message in messages)


async def test_a_methodist_uploads_the_plan_and_sees_the_year_by_month(
    harness: BotHarness,
) -> None:
    harness.clock.set(datetime(2026, 9, 10, 10, tzinfo=TOMSK))
    town = await make_town(harness.database, "Томский район", ("СОШ № 1", "ООШ № 2"))
    municipality_id = town.municipality.id
    await make_person(
        harness.database, METHODIST, Role.METHODIST, full_name="Иванова Мария Петровна",
        municipality_id=municipality_id,
    )  # fmt: skip
    for index, full in enumerate(PEOPLE.values()):
        if not full.startswith("Гетманенко"):
            await make_person(
                harness.database, 970 + index, Role.METHODIST, full_name=full,
                municipality_id=municipality_id,
            )  # fmt: skip
    methodist = harness.user(METHODIST)

    await methodist.send("/plan")
    [empty] = await until_buttons(methodist, texts.UPLOAD_BUTTON)
    assert texts.EMPTY in (empty.plain_text or "")
    assert empty.button_texts == [texts.UPLOAD_BUTTON, texts.TEMPLATE_BUTTON]

    await methodist.press(texts.TEMPLATE_BUTTON, message=empty)
    template = await methodist.next_message()
    assert template.document is not None
    assert template.document.file_name == texts.TEMPLATE_FILE
    assert read_workbook(template.document.content).problems == ()

    await methodist.press(texts.UPLOAD_BUTTON, message=empty)
    assert (await methodist.next_message()).plain_text == texts.ASK_PLAN
    await methodist.send("1\tАнализ ВПР\tАксиненко О.С.\tпо запросу")
    refused = (await methodist.next_message()).plain_text or ""
    assert refused.startswith(texts.NOT_SAVED)
    assert "Строка 1, столбец «Периодичность и сроки»: не удалось понять периодичность" in refused

    plan = with_forms({"2": "parents", "4": "Результаты ВПР", "13": "vsoko"}, {"2": 25})
    await methodist.send_document("план мониторинга.xlsx", workbook(plan))
    preview = text_of(await until_buttons(methodist, texts.SAVE_BUTTON))
    assert "План мониторинга: 19 строк" in preview
    assert (
        "4. Анализ результатов государственной итоговой аттестации — июнь; Викулова Е.Г.; "
        "«Результаты ВПР»" in preview
    )
    assert (
        "13. Мониторинг обучающихся с низкой учебной мотивацией — октябрь, май; "
        "Максимова О.А., Смирнова О.В.; «ВСОКО»" in preview
    )
    assert "15. Мониторинг участия обучающихся в предметных олимпиадах и конкурсах — октябрь, " in (
        preview
    )
    assert "Гетманенко А.С. (нет в боте)" in preview
    assert "Ответственные найдены: 20 из 21." in preview
    assert "Мониторингов со сбором ответов: 3; строк без анкеты: 16." in preview

    await methodist.press(texts.SAVE_BUTTON)
    assert (await methodist.next_message()).plain_text == (
        "✅ План мониторинга сохранён: 19 строк, запущено мониторингов: 3."
    )
    year = text_of(await until_buttons(methodist, texts.UPLOAD_BUTTON))
    assert "План мониторинга на 2026/27 учебный год · Томский район" in year
    september = year[year.index("Сентябрь 2026") : year.index("Октябрь 2026")]
    assert (
        "• Реализация плана-работы образовательных округов — Смирнова О.В.; "
        "«Работа с родителями»: открыт до 25.09.2026" in september
    )
    assert (
        "• Реализация плана-работы муниципального методического совета — Филиппова У.О.; "
        "анкета не выбрана" in september
    )
    october = year[year.index("Октябрь 2026") : year.index("Ноябрь 2026")]
    assert (
        "• Мониторинг обучающихся с низкой учебной мотивацией — Максимова О.А., "
        "Смирнова О.В.; «ВСОКО»: ожидается" in october
    )
    june = year[year.index("Июнь 2027") : year.index("Июль 2027")]
    assert "Анализ результатов государственной итоговой аттестации — Викулова Е.Г." in june
    assert "Гетманенко А.С. (нет в боте)" in year
    assert year.index("Сентябрь 2026") < year.index("Май 2027") < year.index("Август 2027")

    # Later, /plan shows it again.
    await methodist.send("/plan")
    again = text_of(await until_buttons(methodist, texts.UPLOAD_BUTTON))
    assert "открыт до 25.09.2026" in again


async def test_people_who_do_not_run_monitorings_are_refused(harness: BotHarness) -> None:
    town = await make_town(harness.database)
    await make_person(harness.database, TEACHER, Role.RESPONDENT, school_id=town.schools[0].id)
    await make_person(
        harness.database, COORDINATOR, Role.COORDINATOR, municipality_id=town.municipality.id
    )
    for telegram_id in (TEACHER, COORDINATOR):
        user = harness.user(telegram_id)
        await user.send("/plan")
        assert (await user.next_message()).plain_text == texts.NOT_ALLOWED


async def test_a_methodist_of_two_municipalities_picks_one(harness: BotHarness) -> None:
    harness.clock.set(datetime(2026, 9, 10, 10, tzinfo=TOMSK))
    tomsk = await make_town(harness.database, "Томский район", ("СОШ № 1",))
    seversk = await make_town(harness.database, "ЗАТО Северск", ("СОШ № 7",))
    user = await make_person(
        harness.database, METHODIST, Role.METHODIST, full_name="Иванова Мария Петровна",
        municipality_id=tomsk.municipality.id,
    )  # fmt: skip
    async with harness.database.write() as conn:
        await grant_role(conn, user.id, Role.METHODIST, municipality_id=seversk.municipality.id)
    methodist = harness.user(METHODIST)

    await methodist.send("/plan")
    pick = await methodist.next_message()
    assert pick.plain_text == texts.PICK_MUNICIPALITY
    assert pick.button_texts == ["ЗАТО Северск", "Томский район"]
    await methodist.press("Томский район", message=pick)
    [empty] = await until_buttons(methodist, texts.UPLOAD_BUTTON)
    assert "Томский район" in (empty.plain_text or "")

    await methodist.press(texts.UPLOAD_BUTTON, message=empty)
    assert (await methodist.next_message()).plain_text == texts.ASK_PLAN
    await methodist.send("1\tАнализ ВПР\t\tиюнь")
    preview = text_of(await until_buttons(methodist, texts.SAVE_BUTTON))
    assert "1. Анализ ВПР — июнь; " + texts.PREVIEW_NOBODY + "; " + texts.NO_FORM in preview
    await methodist.press(texts.SAVE_BUTTON)
    assert (await methodist.next_message()).plain_text == (
        "✅ План мониторинга сохранён: 1 строка, запущено мониторингов: 0."
    )
    year = text_of(await until_buttons(methodist, texts.UPLOAD_BUTTON))
    assert "План мониторинга на 2026/27 учебный год · Томский район" in year
    assert len(await current_lines(harness.database, tomsk.municipality.id)) == 1
    assert await current_lines(harness.database, seversk.municipality.id) == []
