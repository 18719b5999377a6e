"""The completion board and nudges, on both databases, with a controllable clock."""

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

import core.reminders
from bot.catalog import builtin_forms
from core.access import AccessDenied
from core.actors import Actor
from core.questionnaires import FormCatalog
from core.reminders import Notice, NoticeResult, Outcome
from core.status import CellKind, completion_board, nudge
from storage import Database
from storage.campaigns import CampaignForm, add_campaign
from storage.directory import School, add_district, add_municipality, add_school
from storage.people import Role
from storage.reminders import DeliveryState, list_reminders
from storage.responses import Status, change_status, get_or_create_response, save_answer
from tests.factories import make_actor, make_person, pending_claims_renewed_after

TOMSK = ZoneInfo("Asia/Tomsk")
OPENS = datetime(2026, 3, 2, 12, tzinfo=TOMSK)
DEADLINE = datetime(2026, 3, 10, 23, 59, tzinfo=TOMSK)
BEFORE = datetime(2026, 3, 5, 10, tzinfo=TOMSK)
AFTER = datetime(2026, 3, 11, 10, tzinfo=TOMSK)


@dataclass
class World:
    catalog: FormCatalog
    schools: dict[str, School]  # by short name; "Город:" prefix for the other town
    campaign_id: int
    other_campaign_id: int
    actors: dict[str, Actor]


class Recorder:
    """A Deliver that "sends" every notice at once and remembers it."""

    def __init__(self) -> None:
        self.sent: list[Notice] = []

    async def __call__(
        self, notices: Sequence[Notice], on_result: Callable[[NoticeResult], Awaitable[None]]
    ) -> None:
        for notice in notices:
            self.sent.append(notice)
            await on_result(NoticeResult(notice, Outcome.SENT, 1))


@pytest.fixture
async def world(database: Database) -> World:
    catalog = FormCatalog(builtin_forms())
    await catalog.sync(database)
    async with database.write() as conn:
        region = await add_municipality(conn, "Томский район", "Asia/Tomsk")
        city = await add_municipality(conn, "Город Томск", "Asia/Tomsk")
        north = await add_district(conn, region.id, "Северный")
        south = await add_district(conn, region.id, "Южный")
        schools = {
            name: await add_school(
                conn,
                municipality_id=region.id,
                district_id=where.id,
                full_name=f"МБОУ {name}",
                short_name=name,
            )
            for name, where in (("СОШ № 11", north), ("СОШ № 5", north), ("ООШ № 66", south))
        }
        schools["Город: СОШ № 2"] = await add_school(
            conn, municipality_id=city.id, full_name="МАОУ СОШ № 2", short_name="СОШ № 2"
        )
        campaign = await add_campaign(
            conn,
            forms=[CampaignForm("vsoko", catalog.row_id("vsoko"))],
            municipality_id=region.id,
            period_label="1 полугодие",
            opens_at=OPENS,
            deadline_at=DEADLINE,
            school_ids=[s.id for n, s in schools.items() if not n.startswith("Город")],
        )
        other = await add_campaign(
            conn,
            forms=[CampaignForm("vsoko", catalog.row_id("vsoko"))],
            municipality_id=city.id,
            period_label="1 полугодие",
            opens_at=OPENS,
            deadline_at=DEADLINE,
            school_ids=[schools["Город: СОШ № 2"].id],
        )
    for telegram_id, name in ((501, "СОШ № 5"), (502, "СОШ № 5"), (503, "СОШ № 11")):
        await make_person(database, telegram_id, Role.RESPONDENT, school_id=schools[name].id)
    await make_person(database, 504, Role.RESPONDENT, school_id=schools["Город: СОШ № 2"].id)
    actors = {
        "coordinator": await make_actor(database, 601, Role.COORDINATOR, district_id=north.id),
        "methodist": await make_actor(database, 701, Role.METHODIST, municipality_id=region.id),
        "respondent": await make_actor(
            database, 801, Role.RESPONDENT, school_id=schools["СОШ № 5"].id
        ),
    }
    return World(catalog, schools, campaign.id, other.id, actors)


async def _draft(database: Database, world: World, name: str, *, submit: bool = False) -> None:
    async with database.write() as conn:
        response = await get_or_create_response(
            conn,
            world.campaign_id,
            world.schools[name].id,
            "vsoko",
            world.catalog.row_id("vsoko"),
            BEFORE,
        )
        form = world.catalog.current["vsoko"]
        await save_answer(conn, response.id, form.questions[0].id, "yes", user_id=None, now=BEFORE)
        draft = await change_status(conn, response, Status.DRAFT, user_id=None, now=BEFORE)
        if submit:
            await change_status(conn, draft, Status.SUBMITTED, user_id=None, now=BEFORE)


async def test_a_coordinator_sees_only_the_schools_of_their_district(
    database: Database, world: World
) -> None:
    board = await completion_board(database, world.catalog, world.actors["coordinator"], now=BEFORE)

    assert [b.campaign.id for b in board.campaigns] == [world.campaign_id]
    only = board.campaigns[0]
    assert [c.school.short_name for c in only.cells] == ["СОШ № 5", "СОШ № 11"]  # natural order
    assert {c.kind for c in only.cells} == {CellKind.NOT_STARTED}
    assert only.title == "ВСОКО — 1 полугодие"
    assert only.deadline_at == DEADLINE


async def test_a_methodist_sees_submitted_drafts_with_progress_and_not_started(
    database: Database, world: World
) -> None:
    await _draft(database, world, "СОШ № 5", submit=True)
    await _draft(database, world, "СОШ № 11")

    board = await completion_board(database, world.catalog, world.actors["methodist"], now=BEFORE)

    cells = {c.school.short_name: c for c in board.campaigns[0].cells}
    assert [c.school.short_name for c in board.campaigns[0].cells] == [
        "ООШ № 66",
        "СОШ № 5",
        "СОШ № 11",
    ]
    assert cells["СОШ № 5"].kind is CellKind.SUBMITTED
    assert cells["СОШ № 11"].kind is CellKind.DRAFT
    assert cells["СОШ № 11"].answered == 1
    assert cells["СОШ № 11"].total > 1
    assert cells["ООШ № 66"].kind is CellKind.NOT_STARTED
    assert board.campaigns[0].done == 1
    assert board.campaigns[0].late == []


async def test_after_the_deadline_every_school_that_has_not_submitted_is_late(
    database: Database, world: World
) -> None:
    await _draft(database, world, "СОШ № 5", submit=True)
    await _draft(database, world, "СОШ № 11")

    board = await completion_board(database, world.catalog, world.actors["methodist"], now=AFTER)

    kinds = {c.school.short_name: c.kind for c in board.campaigns[0].cells}
    assert kinds == {
        "ООШ № 66": CellKind.LATE,
        "СОШ № 5": CellKind.SUBMITTED,
        "СОШ № 11": CellKind.LATE,
    }
    late = {c.school.short_name: c for c in board.campaigns[0].late}
    assert late["СОШ № 11"].status is Status.DRAFT  # the progress is still known
    assert late["СОШ № 11"].answered == 1


async def test_a_respondent_has_no_board(database: Database, world: World) -> None:
    board = await completion_board(database, world.catalog, world.actors["respondent"], now=BEFORE)
    assert board.campaigns == []


async def test_a_nudge_reaches_the_respondents_once_an_hour(
    database: Database, world: World
) -> None:
    coordinator = world.actors["coordinator"]
    school_ids = [world.schools["СОШ № 5"].id, world.schools["СОШ № 11"].id]
    deliver = Recorder()

    first = await nudge(
        database, world.catalog, coordinator, world.campaign_id, school_ids, deliver, now=AFTER
    )

    assert sorted(s.short_name for s in first.nudged) == ["СОШ № 11", "СОШ № 5"]
    assert first.outcomes[Outcome.SENT] == 4
    assert sorted(n.telegram_id for n in deliver.sent) == [501, 502, 503, 801]
    assert "прошёл" in deliver.sent[0].text
    async with database.read() as conn:
        claimed = await list_reminders(conn, campaign_id=world.campaign_id)
    assert len(claimed) == 4
    assert {r.status for r in claimed} == {DeliveryState.SENT}
    assert all(r.kind.startswith("nudge:") for r in claimed)

    # 59 minutes later, across an hour boundary: still too soon.
    later = AFTER + timedelta(minutes=59)
    second = await nudge(
        database, world.catalog, coordinator, world.campaign_id, school_ids, deliver, now=later
    )
    assert second.nudged == []
    assert len(second.throttled) == 2
    assert len(deliver.sent) == 4

    third = await nudge(
        database,
        world.catalog,
        coordinator,
        world.campaign_id,
        school_ids[:1],
        deliver,
        now=AFTER + timedelta(minutes=61),
    )
    assert [s.short_name for s in third.nudged] == ["СОШ № 5"]
    assert len(deliver.sent) == 7


async def test_a_school_that_submitted_or_has_no_respondent_is_not_nudged(
    database: Database, world: World
) -> None:
    await _draft(database, world, "СОШ № 5", submit=True)
    deliver = Recorder()
    report = await nudge(
        database,
        world.catalog,
        world.actors["methodist"],
        world.campaign_id,
        [world.schools["СОШ № 5"].id, world.schools["ООШ № 66"].id],
        deliver,
        now=AFTER,
    )
    assert report.nudged == []
    assert [s.short_name for s in report.submitted] == ["СОШ № 5"]
    assert [s.short_name for s in report.nobody] == ["ООШ № 66"]
    assert deliver.sent == []


@pytest.mark.parametrize("forged", ["ООШ № 66", "Город: СОШ № 2"])
async def test_a_school_outside_the_scope_refuses_the_whole_nudge(
    database: Database, world: World, forged: str
) -> None:
    deliver = Recorder()
    with pytest.raises(AccessDenied):
        await nudge(
            database,
            world.catalog,
            world.actors["coordinator"],
            world.campaign_id,
            [world.schools["СОШ № 5"].id, world.schools[forged].id],
            deliver,
            now=AFTER,
        )
    assert deliver.sent == []
    async with database.read() as conn:
        assert await list_reminders(conn) == []


async def test_a_respondent_may_not_nudge_and_unknown_ids_are_refused(
    database: Database, world: World
) -> None:
    deliver = Recorder()
    school = world.schools["СОШ № 5"].id
    for actor, campaign_id, school_ids in (
        (world.actors["respondent"], world.campaign_id, [school]),
        (world.actors["methodist"], 10_000, [school]),
        (world.actors["methodist"], world.campaign_id, [10_000]),
        (world.actors["methodist"], world.other_campaign_id, [school]),  # not in that campaign
    ):
        with pytest.raises(AccessDenied):
            await nudge(database, world.catalog, actor, campaign_id, school_ids, deliver, now=AFTER)
    assert deliver.sent == []


async def test_before_the_deadline_a_nudge_is_a_friendly_reminder_of_it(
    database: Database, world: World
) -> None:
    deliver = Recorder()
    report = await nudge(
        database,
        world.catalog,
        world.actors["coordinator"],
        world.campaign_id,
        [world.schools["СОШ № 11"].id],
        deliver,
        now=BEFORE,
    )
    assert [s.short_name for s in report.nudged] == ["СОШ № 11"]
    assert not report.overdue
    (sent,) = deliver.sent
    assert "нужно сдать до 10.03.2026 23:59" in sent.text
    assert "прошёл" not in sent.text
    assert sent.school_id == world.schools["СОШ № 11"].id

    again = await nudge(
        database,
        world.catalog,
        world.actors["coordinator"],
        world.campaign_id,
        [world.schools["СОШ № 11"].id],
        deliver,
        now=BEFORE + timedelta(minutes=30),
    )
    assert [s.short_name for s in again.throttled] == ["СОШ № 11"]
    assert len(deliver.sent) == 1


async def test_the_report_names_schools_whose_respondents_could_not_be_reached(
    database: Database, world: World
) -> None:
    blocked = 501  # one of the two respondents of СОШ № 5

    async def deliver(
        notices: Sequence[Notice], on_result: Callable[[NoticeResult], Awaitable[None]]
    ) -> None:
        for notice in notices:
            outcome = Outcome.UNREACHABLE if notice.telegram_id in (blocked, 503) else Outcome.SENT
            await on_result(NoticeResult(notice, outcome, 1))

    report = await nudge(
        database,
        world.catalog,
        world.actors["methodist"],
        world.campaign_id,
        [world.schools["СОШ № 5"].id, world.schools["СОШ № 11"].id],
        deliver,
        now=AFTER,
    )
    assert report.overdue
    # СОШ № 5: one reached, one not; СОШ № 11: its only respondent blocked the bot.
    assert [s.short_name for s in report.nudged] == ["СОШ № 5"]
    assert [s.short_name for s in report.unreachable] == ["СОШ № 5", "СОШ № 11"]


async def test_a_campaign_that_has_not_opened_cannot_be_nudged(
    database: Database, world: World
) -> None:
    deliver = Recorder()
    with pytest.raises(AccessDenied):
        await nudge(
            database,
            world.catalog,
            world.actors["methodist"],
            world.campaign_id,
            [world.schools["СОШ № 5"].id],
            deliver,
            now=OPENS - timedelta(hours=1),
        )
    assert deliver.sent == []


async def test_a_nudge_renews_its_claims_while_it_delivers(
    database: Database, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A delivery that outlasts the lease keeps its claims: no other replica takes them over."""
    monkeypatch.setattr(core.reminders, "LEASE_RENEWAL", timedelta(seconds=0.02))
    go_on = asyncio.Event()
    recorder = Recorder()

    async def slow(
        notices: Sequence[Notice], on_result: Callable[[NoticeResult], Awaitable[None]]
    ) -> None:
        await go_on.wait()  # "on their way" for a long time
        await recorder(notices, on_result)

    school_ids = [world.schools["СОШ № 5"].id]
    nudging = asyncio.create_task(
        nudge(
            database,
            world.catalog,
            world.actors["coordinator"],
            world.campaign_id,
            school_ids,
            slow,
            now=AFTER,
        )
    )
    async with asyncio.timeout(10):
        while not await pending_claims_renewed_after(database, AFTER):  # noqa: ASYNC110
            await asyncio.sleep(0.01)
    go_on.set()
    report = await nudging

    assert report.outcomes[Outcome.SENT] == 3
    async with database.read() as conn:
        assert {r.status for r in await list_reminders(conn)} == {DeliveryState.SENT}
