"""Plans in the database, on SQLite and PostgreSQL: items keep their order, owners, schools and
deadlines; a status change is recorded with who, when and why; what is overdue."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from storage import Database
from storage.people import Role
from storage.plans import (
    Approval,
    ItemStatus,
    NewItem,
    Owner,
    PlanKind,
    add_plan,
    change_item_status,
    get_plan,
)
from storage.schema import plan_item_events
from tests.factories import make_person, make_town

pytestmark = pytest.mark.asyncio

TOMSK = ZoneInfo("Asia/Tomsk")
NOW = datetime(2020, 6, 16, 10, tzinfo=TOMSK)
METHODICAL = "Методическая работа"


async def test_a_plan_keeps_its_items_owners_and_schools(database: Database) -> None:
    town = await make_town(database, "Город Кедровый", ("МКОУ СОШ № 1", "МАОУ Пудинская СОШ"))
    methodist = await make_person(
        database,
        11,
        Role.METHODIST,
        full_name="Смирнова Е.А.",
        municipality_id=town.municipality.id,
    )
    items = [
        NewItem(
            METHODICAL, "2", "Назначение куратора для сопровождения ШНОР", date(2020, 8, 31),
            "month", "август", [Owner("Ильина М.А.", "руководитель отдела образования")],
        ),
        NewItem(
            METHODICAL, "3.1", "Рекомендации для педагогического коллектива", date(2021, 8, 31),
            "school_year", "в течение учебного года",
            [Owner("Смирнова Е.А.", None, methodist.id), Owner("Администрации ШНОР")],
            [school.id for school in town.schools],
        ),
    ]  # fmt: skip
    async with database.write() as conn:
        plan_id = await add_plan(
            conn,
            municipality_id=town.municipality.id,
            kind=PlanKind.ROAD_MAP,
            title="«Дорожная карта» на 2020\\21 учебный год",
            school_year=2020,
            items=items,
            created_by=methodist.id,
            now=NOW,
        )
    async with database.read() as conn:
        plan = await get_plan(conn, plan_id)
        assert await get_plan(conn, plan_id + 1) is None

    assert plan is not None
    assert (plan.kind, plan.school_year, plan.approval) == (PlanKind.ROAD_MAP, 2020, None)
    assert [(i.position, i.number, i.due_on, i.deadline_label) for i in plan.items] == [
        (1, "2", date(2020, 8, 31), "август"),
        (2, "3.1", date(2021, 8, 31), "в течение учебного года"),
    ]
    first, second = plan.items
    assert first.owners == (Owner("Ильина М.А.", "руководитель отдела образования"),)
    assert second.owners == (
        Owner("Смирнова Е.А.", None, methodist.id),
        Owner("Администрации ШНОР"),
    )
    assert second.school_ids == tuple(sorted(school.id for school in town.schools))
    assert {i.status for i in plan.items} == {ItemStatus.PLANNED}
    assert first.overdue(date(2020, 9, 1))
    assert not first.overdue(date(2020, 8, 31))


async def test_status_changes_are_recorded_and_close_an_item(database: Database) -> None:
    town = await make_town(database)
    school = town.schools[0]
    director = await make_person(database, 21, Role.RESPONDENT, school_id=school.id)
    due = date(2021, 3, 10)
    async with database.write() as conn:
        plan_id = await add_plan(
            conn,
            municipality_id=town.municipality.id,
            school_id=school.id,
            kind=PlanKind.ROAD_MAP,
            title="Дорожная карта школы",
            school_year=2020,
            approval=Approval.SUBMITTED,
            items=[NewItem("", "1", "Провести педсовет", due, "date", "до 10.03.2021")],
            created_by=director.id,
            now=NOW,
        )
        (item,) = (await get_plan(conn, plan_id)).items  # type: ignore[union-attr]
        later = date(2021, 4, 1)
        assert await change_item_status(
            conn, item.id, ItemStatus.POSTPONED, user_id=director.id, now=NOW,
            comment="карантин", due_on=later,
        )  # fmt: skip
        with pytest.raises(ValueError, match="new deadline"):
            await change_item_status(conn, item.id, ItemStatus.POSTPONED, user_id=None, now=NOW)
        assert await change_item_status(
            conn, item.id, ItemStatus.DONE, user_id=director.id, now=NOW,
            comment="Педсовет проведён 25.03", evidence="https://school.example/protocol.pdf",
        )  # fmt: skip
        assert not await change_item_status(
            conn, item.id + 100, ItemStatus.DONE, user_id=None, now=NOW
        )
        events = (
            await conn.execute(select(plan_item_events).order_by(plan_item_events.c.id))
        ).all()
    async with database.read() as conn:
        plan = await get_plan(conn, plan_id)

    assert plan is not None
    assert plan.approval is Approval.SUBMITTED
    (done,) = plan.items
    assert (done.status, done.due_on, done.report) == (
        ItemStatus.DONE,
        later,
        "Педсовет проведён 25.03",
    )
    assert done.evidence == "https://school.example/protocol.pdf"
    assert not done.overdue(date(2022, 1, 1))  # done: never overdue
    assert [(e.from_status, e.to_status, e.comment, e.due_on) for e in events] == [
        ("planned", "postponed", "карантин", later),
        ("postponed", "done", "Педсовет проведён 25.03", None),
    ]
