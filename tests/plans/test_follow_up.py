"""Seed 001's road map followed up (issue 16): owners are reminded before an item's deadline, on
its day and once after it, in Tomsk time, claimed once; the day's digest of overdue items goes
to the municipality's methodist, and to a coordinator only for items that concern their
schools."""

from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update

from bot.catalog import builtin_forms
from core.access import AccessDenied
from core.actors import resolve_actor
from core.plans.follow_up import item_slots
from core.plans.progress import report_done
from core.plans.store import my_items, save_plan
from core.questionnaires import FormCatalog
from core.reminders import DoneButton, Notice, NoticeResult, Outcome, run_tick
from storage import Database
from storage.people import Role, grant_role, list_grants, revoke_grant
from storage.plans import (
    Approval,
    FollowedItem,
    ItemStatus,
    NewItem,
    Owner,
    PlanKind,
    add_plan,
    change_item_status,
    get_plan,
)
from storage.reminders import list_reminders
from storage.schema import plans
from tests.factories import make_actor, make_person, make_town
from tests.plans.seed import seed_draft
from texts import plan_reminders as texts

pytestmark = pytest.mark.asyncio

TOMSK = ZoneInfo("Asia/Tomsk")
LOADED = datetime(2020, 6, 16, 12, tzinfo=TOMSK)


def _at(day: date, hour: int, minute: int = 5) -> datetime:
    return datetime.combine(day, time(hour, minute), TOMSK).astimezone(UTC)


def _followed(due: date, created: datetime) -> FollowedItem:
    return FollowedItem(
        1,
        1,
        "План",
        created,
        "Asia/Tomsk",
        "Методическая работа",
        "4",
        "Десант",
        due,
        "август",
        1,
        1,
    )


async def test_slots_fall_at_ten_tomsk_and_none_before_the_plan_was_stored() -> None:
    due = date(2020, 8, 31)
    slots = item_slots(_followed(due, LOADED.astimezone(UTC)))
    assert [(slot.kind, slot.due_at) for slot in slots] == [
        ("before:7d@2020-08-31", _at(date(2020, 8, 24), 10, 0)),
        ("before:1d@2020-08-31", _at(date(2020, 8, 30), 10, 0)),
        ("deadline@2020-08-31", _at(due, 10, 0)),
        ("overdue@2020-08-31", _at(date(2020, 9, 1), 10, 0)),
    ]
    # Stored on 30.08 at noon: only the deadline's day and the day after are left.
    late = item_slots(_followed(due, _at(date(2020, 8, 30), 12)))
    assert [slot.kind for slot in late] == ["deadline@2020-08-31", "overdue@2020-08-31"]
    # Stored long after the deadline: one overdue reminder, at once.
    stored = _at(date(2020, 10, 15), 12)
    [overdue] = item_slots(_followed(due, stored))
    assert (overdue.kind, overdue.due_at) == ("overdue@2020-08-31", stored)


@pytest.fixture
async def catalog(database: Database) -> FormCatalog:
    catalog = FormCatalog(builtin_forms())
    await catalog.sync(database)
    return catalog


class Recorder:
    def __init__(self) -> None:
        self.notices: list[Notice] = []

    async def __call__(self, notices: Sequence[Notice], on_result) -> None:  # type: ignore[no-untyped-def]
        for notice in notices:
            self.notices.append(notice)
            await on_result(NoticeResult(notice, Outcome.SENT, 1))

    def to(self, user_id: int) -> list[Notice]:
        return [notice for notice in self.notices if notice.user_id == user_id]


async def test_owners_are_reminded_and_the_methodist_gets_the_digest(
    database: Database, catalog: FormCatalog
) -> None:
    kedrovy = await make_town(database, "Город Кедровый", ("МКОУ СОШ № 1",))
    mid = kedrovy.municipality.id
    methodist = await make_actor(database, 1, Role.METHODIST, municipality_id=mid)
    smirnova = await make_person(
        database, 2, Role.METHODIST, full_name="Смирнова Елена Александровна", municipality_id=mid
    )
    durnikova = await make_person(
        database, 3, Role.RESPONDENT, full_name="Дурникова Анна Викторовна",
        school_id=kedrovy.schools[0].id,
    )  # fmt: skip
    coordinator = await make_person(database, 4, Role.COORDINATOR, municipality_id=mid)
    plan_id = await save_plan(database, methodist, seed_draft(), municipality_id=mid, now=LOADED)
    async with database.read() as conn:
        plan = await get_plan(conn, plan_id)
    assert plan is not None
    hers = [item for item in plan.items if any(o.user_id == durnikova.id for o in item.owners)]
    august = [item for item in hers if item.due_on == date(2020, 8, 31)]
    assert august, "Дурникова answers for items due in August"

    # 24.08 at 10:05 Tomsk: a week before August's deadline. Items due earlier (May, June)
    # were overdue already: they come first, in the same one message.
    sent = Recorder()
    await run_tick(database, catalog, sent, now=_at(date(2020, 8, 24), 10))
    [message] = sent.to(durnikova.id)
    assert message.text.startswith(texts.LIST_HEADER)
    lines = message.text.splitlines()
    assert texts.STAGE_HEADERS["before"] in lines
    open_hers = [i for i in hers if i.due_on <= date(2020, 8, 31)]
    assert len(message.claims) == len(open_hers)
    assert all(isinstance(button, DoneButton) for button in message.buttons)
    assert {b.item_id for b in message.buttons} == {i.id for i in open_hers}  # type: ignore[union-attr]
    # The coordinator owns no item; the municipality's road map concerns all its schools, so
    # its overdue items (naming none) are in the coordinator's digest too.
    [coordinators] = sent.to(coordinator.id)
    assert coordinators.text.startswith("⏰ Просроченные пункты планов на 24.08.2020: 1")
    # 10:05 is after the 9:00 digest: the methodists get today's digest of overdue items.
    [digest] = sent.to(methodist.user.id if methodist.user else 0)
    assert digest.text.startswith("⏰ Просроченные пункты планов на 24.08.2020:")
    assert "«Дорожная карта" in digest.text
    assert texts.DIGEST_FOOTER in digest.text
    assert len(sent.to(smirnova.id)) == 2  # her own items, and the digest: she is a methodist

    # The same moment again, or a replica ticking with it: nothing twice.
    again = Recorder()
    await run_tick(database, catalog, again, now=_at(date(2020, 8, 24), 10))
    assert again.notices == []

    # She marks one done; on the deadline's day the others come as "today", that one not.
    done = august[0]
    async with database.write() as conn:
        await change_item_status(
            conn, done.id, ItemStatus.DONE, user_id=durnikova.id, now=_at(date(2020, 8, 25), 12)
        )
    today = Recorder()
    await run_tick(database, catalog, today, now=_at(date(2020, 8, 31), 10))
    [deadline] = today.to(durnikova.id)
    ids = {b.item_id for b in deadline.buttons}  # type: ignore[union-attr]
    assert done.id not in ids
    assert {i.id for i in august} - {done.id} <= ids
    assert texts.STAGE_HEADERS["deadline"] in deadline.text or deadline.text.startswith("📅")
    # The methodist's next digest is the next day's, at 9:00, not before.
    assert today.to(methodist.user.id if methodist.user else 0) != []  # 31.08's digest
    early = Recorder()
    await run_tick(database, catalog, early, now=_at(date(2020, 9, 1), 8, 30))
    assert early.notices == []  # quiet hours until 8:00, then nothing due before 9:00
    morning = Recorder()
    await run_tick(database, catalog, morning, now=_at(date(2020, 9, 1), 9))
    [digest] = morning.to(methodist.user.id if methodist.user else 0)
    assert "01.09.2020" in digest.text
    assert done.content[:30] not in digest.text
    async with database.read() as conn:
        rows = await list_reminders(conn)
    assert all(row.campaign_id is None for row in rows)
    assert {row.kind for row in rows if row.plan_item_id is None} >= {
        "plans-digest:2020-08-24",
        "plans-digest:2020-08-31",
        "plans-digest:2020-09-01",
    }


async def test_a_coordinator_hears_of_overdue_items_that_concern_their_schools(
    database: Database, catalog: FormCatalog
) -> None:
    town = await make_town(database, "Город Томск", ("СОШ № 5", "СОШ № 11"))
    other = await make_town(database, "Город Кедровый", ("МКОУ СОШ № 1",))
    mid = town.municipality.id
    coordinator = await make_person(database, 10, Role.COORDINATOR, municipality_id=mid)
    stranger = await make_person(
        database, 11, Role.COORDINATOR, municipality_id=other.municipality.id
    )
    due = date(2021, 3, 10)
    async with database.write() as conn:
        await add_plan(
            conn,
            municipality_id=mid,
            kind=PlanKind.INSTRUCTIONS,
            title="Поручения по мониторингу",
            school_year=2020,
            items=[
                NewItem(
                    "СОШ № 5",
                    "1",
                    "Разработать план",
                    due,
                    "date",
                    "10.03.2021",
                    owners=[Owner("Иванова")],
                    school_ids=[town.schools[0].id],
                ),
            ],
            created_by=None,
            now=_at(date(2021, 3, 1), 12),
        )
    sent = Recorder()
    await run_tick(database, catalog, sent, now=_at(date(2021, 3, 11), 9))
    [digest] = sent.to(coordinator.id)
    assert "• п. 1. Разработать план — до 10.03.2021; Иванова (СОШ № 5)" in digest.text
    assert sent.to(stranger.id) == []


async def test_a_school_road_map_is_followed_up_once_approved(
    database: Database, catalog: FormCatalog
) -> None:
    town = await make_town(database, "Город Томск", ("СОШ № 5",))
    teacher = await make_person(database, 20, Role.RESPONDENT, school_id=town.schools[0].id)
    due = date(2021, 3, 10)
    async with database.write() as conn:
        plan_id = await add_plan(
            conn,
            municipality_id=town.municipality.id,
            school_id=town.schools[0].id,
            kind=PlanKind.ROAD_MAP,
            title="Дорожная карта СОШ № 5",
            school_year=2020,
            items=[
                NewItem(
                    "Раздел",
                    "1",
                    "Разработать план",
                    due,
                    "date",
                    "10.03.2021",
                    owners=[Owner("Иванова", None, teacher.id)],
                ),
            ],
            created_by=None,
            now=_at(date(2021, 3, 1), 12),
            approval=Approval.SUBMITTED,
        )
    under_review = Recorder()
    await run_tick(database, catalog, under_review, now=_at(date(2021, 3, 9), 10))
    assert under_review.notices == []
    async with database.write() as conn:
        await conn.execute(
            update(plans).where(plans.c.id == plan_id).values(approval=Approval.APPROVED.value)
        )
    approved = Recorder()
    await run_tick(database, catalog, approved, now=_at(date(2021, 3, 9), 10, 6))
    [reminder] = approved.to(teacher.id)
    assert reminder.text.startswith("🔔 Завтра — срок пункта плана «Дорожная карта СОШ № 5»:")


async def test_an_owner_who_left_the_school_is_neither_reminded_nor_may_report(
    database: Database, catalog: FormCatalog
) -> None:
    town = await make_town(database, "Город Томск", ("СОШ № 5", "СОШ № 11"))
    teacher = await make_person(database, 30, Role.RESPONDENT, school_id=town.schools[0].id)
    due = date(2021, 3, 10)
    async with database.write() as conn:
        plan_id = await add_plan(
            conn,
            municipality_id=town.municipality.id,
            kind=PlanKind.INSTRUCTIONS,
            title="Поручения",
            school_year=2020,
            items=[
                NewItem(
                    "СОШ № 5",
                    "1",
                    "Разработать план",
                    due,
                    "date",
                    "10.03.2021",
                    owners=[Owner("Иванова", None, teacher.id)],
                    school_ids=[town.schools[0].id],
                ),
            ],
            created_by=None,
            now=_at(date(2021, 3, 1), 12),
        )
        plan = await get_plan(conn, plan_id)
        [grant] = await list_grants(conn, teacher.id)
        await revoke_grant(conn, grant.id)  # she moved to СОШ № 11
        await grant_role(conn, teacher.id, Role.RESPONDENT, school_id=town.schools[1].id)
    assert plan is not None
    sent = Recorder()
    await run_tick(database, catalog, sent, now=_at(date(2021, 3, 9), 10))
    assert sent.to(teacher.id) == []
    actor = await resolve_actor(database, 30, ())
    with pytest.raises(AccessDenied):
        await report_done(database, actor, plan.items[0].id, "Сделано", now=_at(due, 12))
    assert await my_items(database, actor) == []
