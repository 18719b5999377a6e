"""Поручения in the monitoring's export: a round whose order's instructions were kept as a plan
gets the sheet (its schools' instructions with deadline, status, report, the overdue tinted);
a round without one does not, and another round's instructions stay out."""

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from sqlalchemy import select, update

from exports.workbook import render_workbook
from storage import Database
from storage.plans import ItemStatus, NewItem, PlanKind, add_plan, change_item_status, get_plan
from storage.schema import campaigns, plans
from tests.services.test_export import World, city_export, region_export, sample_world

TOMSK = ZoneInfo("Asia/Tomsk")
CREATED = datetime(2026, 1, 27, 12, tzinfo=TOMSK)  # the export is made on 28.01.2026
DUE = date(2026, 1, 27)
HEADER = ["Школа", "Поручение", "Срок", "Статус", "Отчёт", "Просрочено"]


@pytest.fixture
async def world(sqlite_db: Database) -> World:
    return await sample_world(sqlite_db)


async def _instructions(
    database: Database,
    world: World,
    campaign: str,
    items: list[tuple[str, tuple[str, ...]]],
    *,
    kind: PlanKind = PlanKind.INSTRUCTIONS,
) -> list[int]:
    """An order's instructions kept for a round: each item's text and schools; the items' ids."""
    round_id = world.campaigns[campaign]
    async with database.write() as conn:
        town = await conn.scalar(
            select(campaigns.c.municipality_id).where(campaigns.c.id == round_id)
        )
        assert town is not None
        plan_id = await add_plan(
            conn,
            municipality_id=town,
            kind=kind,
            title="Поручения распоряжения",
            school_year=2025,
            items=[
                NewItem("", str(number), text, DUE, "date", "до 27.01.2026",
                        school_ids=[world.schools[name] for name in schools])
                for number, (text, schools) in enumerate(items, start=1)
            ],
            created_by=None,
            now=CREATED,
        )  # fmt: skip
        # (set apart from add_plan: the round an order's plan belongs to)
        await conn.execute(update(plans).where(plans.c.id == plan_id).values(campaign_id=round_id))
        plan = await get_plan(conn, plan_id)
    assert plan is not None
    return [item.id for item in plan.items]


async def test_a_round_with_instructions_gets_the_sheet_and_one_without_does_not(
    sqlite_db: Database, world: World
) -> None:
    before = await city_export(sqlite_db, world)
    assert "Поручения" not in [sheet.title for sheet in before.sheets]

    # A road map tied to the round and another round's instructions are not this order's.
    await _instructions(sqlite_db, world, "city", [("Дорожная карта", ("СОШ № 5",))],
                        kind=PlanKind.ROAD_MAP)  # fmt: skip
    await _instructions(sqlite_db, world, "region_2", [("Чужое", ("Спасская СОШ",))])
    assert "Поручения" not in [
        sheet.title for sheet in (await city_export(sqlite_db, world)).sheets
    ]

    _, meeting, _ = await _instructions(
        sqlite_db,
        world,
        "city",
        [
            ("Разместить график консультаций на сайте", ("СОШ № 5", "СОШ № 11")),
            ("Провести педагогический совет", ("СОШ № 44",)),
            ("Направить отчёты в управление", ()),
        ],
    )
    async with sqlite_db.write() as conn:
        await change_item_status(
            conn, meeting, ItemStatus.DONE, user_id=None, now=CREATED, comment="Протокол № 3"
        )
    export = await city_export(sqlite_db, world)
    titles = [sheet.title for sheet in export.sheets]
    assert titles[-2:] == ["Поручения", "Длинные тексты"]  # the long texts' sheet stays last
    sheet = export.sheets[-2]
    assert [column.title for column in sheet.columns] == HEADER
    assert sheet.preamble == [["По состоянию на 28.01.2026: выполнено 1 из 4, просрочено 3"]]
    assert [row[:2] + row[3:] for row in sheet.rows] == [
        ["СОШ № 5", "Разместить график консультаций на сайте", "запланировано", None, "на 1 дн."],
        ["СОШ № 11", "Разместить график консультаций на сайте", "запланировано", None, "на 1 дн."],
        ["СОШ № 44", "Провести педагогический совет", "выполнено", "Протокол № 3", None],
        ["всем школам", "Направить отчёты в управление", "запланировано", None, "на 1 дн."],
    ]
    assert {row[2] for row in sheet.rows} == {DUE}
    assert sheet.highlighted_rows == frozenset({0, 1, 3})

    book = openpyxl.load_workbook(io.BytesIO(render_workbook(export.sheets)))
    printed = book["Поручения"]
    assert [cell.value for cell in printed[3]] == HEADER  # under the line and a blank row
    assert printed["A4"].value == "СОШ № 5"
    assert printed["C4"].is_date
    assert printed["A4"].fill.fill_type == "solid"
    assert printed["A6"].fill.fill_type is None


async def test_a_coordinator_sees_the_instructions_of_their_schools_over_the_periods(
    sqlite_db: Database, world: World
) -> None:
    await _instructions(sqlite_db, world, "region_1", [("Первое", ("Спасская СОШ",))])
    await _instructions(
        sqlite_db,
        world,
        "region_2",
        [("Второе", ("Спасская СОШ", "Нелюбинская СОШ")), ("Чужой округ", ("Нелюбинская СОШ",))],
    )
    export = await region_export(sqlite_db, world, "coordinator")
    sheet = next(sheet for sheet in export.sheets if sheet.title == "Поручения")
    assert [column.title for column in sheet.columns] == ["Период", *HEADER]
    assert [row[:3] for row in sheet.rows] == [
        ["1 полугодие", "Спасская СОШ", "Первое"],
        ["2 полугодие", "Спасская СОШ", "Второе"],
    ]
    assert sheet.frozen_columns == 2
