"""Seed 001's road map stored for Kedrovy, its owners recognised among Kedrovy's people, and
its board on a day in October 2020: what is overdue comes first."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from core.access import AccessDenied
from core.plans.progress import ItemClosed, report_done
from core.plans.store import my_items, plan_board, save_plan
from storage import Database
from storage.people import Role
from storage.plans import ItemStatus
from tests.factories import make_actor, make_person, make_town
from tests.plans.seed import seed_draft

pytestmark = pytest.mark.asyncio

TOMSK = ZoneInfo("Asia/Tomsk")
LOADED = datetime(2020, 6, 16, 12, tzinfo=TOMSK)


async def test_seed_road_map_is_stored_with_its_owners_and_shows_what_is_overdue(
    database: Database,
) -> None:
    kedrovy = await make_town(database, "Город Кедровый", ("МКОУ СОШ № 1", "МАОУ Пудинская СОШ"))
    elsewhere = await make_town(database, "Город Томск", ("СОШ № 5",))
    mid = kedrovy.municipality.id
    methodist = await make_actor(database, 1, Role.METHODIST, municipality_id=mid)
    smirnova = await make_person(
        database, 2, Role.METHODIST, full_name="Смирнова Елена Александровна", municipality_id=mid
    )
    durnikova = await make_person(
        database, 3, Role.RESPONDENT, full_name="Дурникова Анна Викторовна",
        school_id=kedrovy.schools[0].id,
    )  # fmt: skip
    # A namesake in another municipality is never taken for Kedrovy's Ильина М.А.
    await make_person(
        database, 4, Role.METHODIST, full_name="Ильина Мария Андреевна",
        municipality_id=elsewhere.municipality.id,
    )  # fmt: skip

    plan_id = await save_plan(database, methodist, seed_draft(), municipality_id=mid, now=LOADED)
    board = await plan_board(database, methodist, plan_id, today=date(2020, 10, 15))

    plan = board.plan
    assert (plan.school_year, len(plan.items)) == (2020, 39)
    assert "Город Кедровый" in plan.title
    assert [item.section for item in plan.items][:1] == ["Методическая работа"]
    assert board.counts[ItemStatus.PLANNED] == 39
    by_number = {(item.section[:5], item.number): item for item in plan.items}
    curator = by_number[("Метод", "2")]
    assert (curator.due_on, curator.deadline_label) == (date(2020, 8, 31), "август")
    assert [(o.name, o.position, o.user_id) for o in curator.owners] == [
        ("Ильина М.А.", "руководитель отдела образования", None)
    ]
    recommendations = by_number[("Метод", "3.1")]
    assert [(o.name, o.user_id) for o in recommendations.owners] == [
        ("Смирнова Е.А.", smirnova.id),
        ("Дурникова А.В.", durnikova.id),
        ("Макринский А.Н.", None),
    ]
    # Overdue on 15.10.2020: May 2020 first, then August, then September; not October's.
    assert [item.due_on for item in board.overdue] == sorted(item.due_on for item in board.overdue)
    assert board.overdue[0].deadline_label == "Май 2020"
    assert {item.due_on for item in board.overdue} == {
        date(2020, 5, 31),
        date(2020, 8, 31),
        date(2020, 9, 30),
    }
    assert len(board.overdue) == 17  # 8 + 6 + 2 + 1 over the four sections


async def test_only_the_municipality_s_methodists_store_and_see_its_plans(
    database: Database,
) -> None:
    kedrovy = await make_town(database, "Город Кедровый", ("МКОУ СОШ № 1",))
    other = await make_town(database, "Город Томск", ("СОШ № 5",))
    mid = kedrovy.municipality.id
    methodist = await make_actor(database, 1, Role.METHODIST, municipality_id=mid)
    stranger = await make_actor(database, 2, Role.METHODIST, municipality_id=other.municipality.id)
    respondent = await make_actor(database, 3, Role.RESPONDENT, school_id=kedrovy.schools[0].id)

    with pytest.raises(AccessDenied):
        await save_plan(database, stranger, seed_draft(), municipality_id=mid, now=LOADED)
    with pytest.raises(AccessDenied):
        await save_plan(database, respondent, seed_draft(), municipality_id=mid, now=LOADED)
    plan_id = await save_plan(database, methodist, seed_draft(), municipality_id=mid, now=LOADED)
    with pytest.raises(AccessDenied):
        await plan_board(database, stranger, plan_id, today=date(2020, 10, 15))
    with pytest.raises(AccessDenied):
        await plan_board(database, methodist, plan_id + 1, today=date(2020, 10, 15))


async def test_an_owner_or_the_methodist_reports_an_item_done_once(database: Database) -> None:
    kedrovy = await make_town(database, "Город Кедровый", ("МКОУ СОШ № 1", "МАОУ Пудинская СОШ"))
    mid = kedrovy.municipality.id
    methodist = await make_actor(database, 1, Role.METHODIST, municipality_id=mid)
    durnikova = await make_actor(
        database, 3, Role.RESPONDENT, full_name="Дурникова Анна Викторовна",
        school_id=kedrovy.schools[0].id,
    )  # fmt: skip
    other_school = await make_actor(database, 4, Role.RESPONDENT, school_id=kedrovy.schools[1].id)
    plan_id = await save_plan(database, methodist, seed_draft(), municipality_id=mid, now=LOADED)
    mine = await my_items(database, durnikova)
    assert [entry.item.number for entry in mine][:2] == ["4", "6"]  # soonest first
    assert await my_items(database, other_school) == []
    item_id = mine[0].item.id

    with pytest.raises(AccessDenied):
        await report_done(database, other_school, item_id, "не моё", now=LOADED)
    done = await report_done(database, durnikova, item_id, "  Проведён 27.08  ", now=LOADED)
    assert (done.status, done.report) == (ItemStatus.DONE, "Проведён 27.08")
    with pytest.raises(ItemClosed):
        await report_done(database, methodist, item_id, "ещё раз", now=LOADED)
    assert item_id not in {entry.item.id for entry in await my_items(database, durnikova)}
    # The methodist may close another's item (say, reported by phone).
    other_item = mine[1].item.id
    assert (await report_done(database, methodist, other_item, "по телефону", now=LOADED)).report
    board = await plan_board(database, methodist, plan_id, today=date(2020, 10, 15))
    assert board.counts[ItemStatus.DONE] == 2
