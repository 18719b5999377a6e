"""Seed 001's road map as a workbook: every item under its section, its deadline as written and
as a date, owners, status and report, overdue items marked on a chosen day; the printed sheet
keeps each section with its first item; only those who may see the plan get it."""

import io
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from core.access import AccessDenied
from core.plans.export import plan_sheet
from core.plans.store import plan_board, save_plan
from core.plans.workbook import plan_file, plan_filename
from exports.workbook import render_workbook
from storage import Database
from storage.people import Role
from storage.plans import ItemStatus, NewItem, Owner, PlanKind, add_plan, change_item_status
from tests.factories import make_actor, make_town
from tests.plans.seed import seed_draft

TOMSK = ZoneInfo("Asia/Tomsk")
LOADED = datetime(2020, 6, 16, 12, tzinfo=TOMSK)
DAY = date(2020, 10, 15)
HEADER = [
    "№ п/п",
    "Содержание мероприятия",
    "Сроки",
    "Срок (дата)",
    "Ответственные",
    "Статус",
    "Отчёт",
    "Просрочено",
]
SECTIONS = [
    "1. Методическая работа",
    "2. Аналитические и организационные мероприятия",
    "3. Работа с обучающимися",
    "4. Работа с родителями обучающихся",
]
REPORT = "Куратор назначен приказом от 28.08.2020 № 71"


async def _seed_plan(database: Database) -> tuple[Any, int]:
    """Kedrovy's methodist with the seed's road map; on 15.10.2020 item 2 (the curator) is
    done with a report, item 3 postponed to November, item 3.2 in progress."""
    kedrovy = await make_town(database, "Город Кедровый", ("МКОУ СОШ № 1",))
    mid = kedrovy.municipality.id
    methodist = await make_actor(database, 1, Role.METHODIST, municipality_id=mid)
    plan_id = await save_plan(database, methodist, seed_draft(), municipality_id=mid, now=LOADED)
    board = await plan_board(database, methodist, plan_id, today=DAY)
    first = {item.number: item.id for item in board.plan.items if item.section.startswith("Мет")}
    async with database.write() as conn:
        await change_item_status(
            conn, first["2"], ItemStatus.DONE, user_id=None, now=LOADED, comment=REPORT
        )
        await change_item_status(
            conn, first["3"], ItemStatus.POSTPONED, user_id=None, now=LOADED,
            comment="перенос", due_on=date(2020, 11, 30),
        )  # fmt: skip
        await change_item_status(
            conn, first["3.2"], ItemStatus.IN_PROGRESS, user_id=None, now=LOADED
        )
    return methodist, plan_id


async def test_the_sheet_has_every_item_under_its_section_and_marks_the_overdue(
    database: Database,
) -> None:
    methodist, plan_id = await _seed_plan(database)
    board = await plan_board(database, methodist, plan_id, today=DAY)
    plan = board.plan
    sheet = plan_sheet(board, {})

    assert sheet.title == "Дорожная карта"
    assert [column.title for column in sheet.columns] == HEADER  # no item names a school
    assert sheet.heading == plan.title
    # 17 were overdue on 15.10.2020: item 2 is done now and item 3 moved to November.
    assert sheet.preamble == [
        ["2020/2021 учебный год"],
        ["По состоянию на 15.10.2020: выполнено 1 из 39, просрочено 15"],
    ]
    sections = sorted(sheet.spanning_rows)
    assert [sheet.rows[index] for index in sections] == [[title] for title in SECTIONS]
    assert sections[0] == 0
    items = [row for index, row in enumerate(sheet.rows) if index not in sheet.spanning_rows]
    assert [row[1] for row in items] == [item.content for item in plan.items]
    assert len(items) == 39

    def row(number: str, start: str) -> list[Any]:
        return next(r for r in items if r[0] == number and str(r[1]).startswith(start))

    meeting = row("1", "Проведение тематического")
    assert meeting[2:] == [
        "август",
        date(2020, 8, 31),
        "Ильина М.А., руководитель отдела образования",
        "запланировано",
        None,
        "на 45 дн.",
    ]
    curator = row("2", "Назначение куратора")
    assert curator[5:] == ["выполнено", REPORT, None]
    postponed = row("3", "Создание муниципальной")
    assert postponed[3:] == [
        date(2020, 11, 30),
        "Смирнова Е.А., методист отдела образования",
        "перенесено",
        None,
        None,
    ]
    recommendations = row("3.1", "Рекомендации")
    assert recommendations[2:5] == [
        "в течение учебного года",
        date(2021, 8, 31),
        "Смирнова Е.А.\nДурникова А.В.\nМакринский А.Н.",
    ]
    assert row("3.2", "Систематическое")[5] == "в работе"
    oldest = next(row for row in items if row[2] == "Май 2020")
    assert oldest[-1] == "на 137 дн."

    tinted = {sheet.rows.index(row) for row in items if row[-1] is not None}
    assert sheet.highlighted_rows == tinted
    assert len(tinted) == 15
    assert sheet.rows.index(meeting) in sheet.highlighted_rows
    assert sheet.rows.index(curator) not in sheet.highlighted_rows

    # A day before the August items fell due, only May's is overdue.
    early = plan_sheet(await plan_board(database, methodist, plan_id, today=date(2020, 8, 1)), {})
    assert [row[-1] for row in early.rows if len(row) > 1 and row[-1]] == ["на 62 дн."]


async def test_the_printed_workbook_keeps_sections_with_their_items(database: Database) -> None:
    methodist, plan_id = await _seed_plan(database)
    made = await plan_file(database, methodist, plan_id, today=DAY)
    assert made.filename == "«Дорожная карта» (план мероприятий) по работе с… — 15.10.2020.xlsx"
    assert (made.items, made.done, made.overdue) == (39, 1, 15)

    book = openpyxl.load_workbook(io.BytesIO(made.content))
    sheet = book["Дорожная карта"]
    assert str(sheet["A1"].value).startswith("«Дорожная карта» (план мероприятий)")
    assert sheet["A2"].value == "2020/2021 учебный год"
    assert [cell.value for cell in sheet[5]] == HEADER
    assert sheet["A6"].value == "1. Методическая работа"
    merged = {str(cells) for cells in sheet.merged_cells.ranges}
    assert {"A1:H1", "A6:H6"} <= merged
    assert sheet["B7"].value.startswith("Проведение тематического планерного совещания")
    assert sheet["D7"].is_date
    assert sheet["H7"].value == "на 45 дн."
    tint = sheet["G7"].fill.fgColor.rgb  # an empty cell of an overdue row is tinted too
    assert sheet["A7"].fill.fill_type == "solid"
    assert tint.endswith("FFD9D9")
    assert sheet["A8"].fill.fill_type is None  # item 2 is done
    assert sheet["C7"].border.left.style == "thin"

    setup: Any = sheet.page_setup
    assert setup.orientation == "landscape"
    assert setup.paperSize == 9
    assert 50 <= setup.scale <= 100
    assert sheet.print_title_rows == "$5:$5"
    header: Any = sheet.oddHeader
    assert header.center.text == "&A"
    breaks = [brk.id for brk in sheet.row_breaks.brk]
    assert breaks  # 43 rows do not fit one landscape page
    sections = {row for row in range(6, sheet.max_row + 1) if sheet[f"A{row}"].value in SECTIONS}
    assert len(sections) == 4
    assert not sections & set(breaks)  # no section is left alone at the foot of a page


async def test_items_for_schools_list_them_and_an_instruction_sheet_is_titled_so(
    database: Database,
) -> None:
    town = await make_town(database, "Город Томск", ("СОШ № 5", "СОШ № 11"))
    mid = town.municipality.id
    methodist = await make_actor(database, 1, Role.METHODIST, municipality_id=mid)
    five, eleven = town.schools
    async with database.write() as conn:
        plan_id = await add_plan(
            conn,
            municipality_id=mid,
            kind=PlanKind.INSTRUCTIONS,
            title="Поручения по итогам мониторинга",
            school_year=2020,
            items=[
                NewItem("", "1", "Разместить график консультаций", date(2021, 3, 10), "date",
                        "до 10.03.2021", (Owner("Директор"),), (five.id, eleven.id)),
                NewItem("", "2", "Провести совещание", date(2021, 3, 10), "date",
                        "до 10.03.2021"),
            ],
            created_by=None,
            now=LOADED,
        )  # fmt: skip
    board = await plan_board(database, methodist, plan_id, today=date(2021, 3, 11))
    sheet = plan_sheet(board, {five.id: five.short_name, eleven.id: eleven.short_name})
    assert sheet.title == "Поручения"
    assert [column.title for column in sheet.columns][5] == "Школы"
    assert sheet.spanning_rows == frozenset()  # items with no section have no section row
    assert [row[5] for row in sheet.rows] == ["СОШ № 5\nСОШ № 11", None]
    assert [row[-1] for row in sheet.rows] == ["на 1 дн.", "на 1 дн."]
    book = openpyxl.load_workbook(io.BytesIO(render_workbook([sheet])))
    properties: Any = book["Поручения"].sheet_properties.pageSetUpPr
    assert properties.fitToPage  # no sections: fit to width


async def test_only_those_who_may_see_the_plan_get_it(database: Database) -> None:
    methodist, plan_id = await _seed_plan(database)
    other = await make_town(database, "Город Томск", ("СОШ № 5",))
    stranger = await make_actor(database, 2, Role.METHODIST, municipality_id=other.municipality.id)
    with pytest.raises(AccessDenied):
        await plan_file(database, stranger, plan_id, today=DAY)
    with pytest.raises(AccessDenied):
        await plan_file(database, methodist, plan_id + 1, today=DAY)


def test_a_long_title_is_shortened_in_the_file_name() -> None:
    assert plan_filename("План: Кедровый/2020", DAY) == "План Кедровый 2020 — 15.10.2020.xlsx"
    name = plan_filename("Очень " * 30, DAY)
    assert name.endswith("… — 15.10.2020.xlsx")
    assert len(name) < 90
