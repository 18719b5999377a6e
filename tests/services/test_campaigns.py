"""Opening and changing campaigns: who may, what is refused, and what a change does. Both
databases, fixed clock."""

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.catalog import builtin_forms
from core.access import AccessDenied, Action
from core.actors import Actor
from core.campaigns import (
    CampaignPlan,
    CampaignRefused,
    Problem,
    SchoolChoice,
    add_schools,
    change_deadline,
    choose_schools,
    close_early,
    continuing_round,
    managed_campaigns,
    open_campaign,
    parse_local_moment,
)
from core.directory import load_directory
from core.questionnaires import (
    AnswerLocked,
    FormCatalog,
    forms_to_answer,
    open_response,
    record_answer,
)
from core.rounds import open_next_rounds
from core.schedule import Recurrence, ReminderPlan
from storage import Database
from storage.campaigns import Campaign, campaign_school_ids, get_campaign
from storage.directory import School, add_district, add_municipality, add_school
from storage.people import Role
from tests.factories import make_actor

TOMSK = ZoneInfo("Asia/Tomsk")
NOW = datetime(2026, 11, 20, 10, tzinfo=TOMSK).astimezone(UTC)


@dataclass
class World:
    catalog: FormCatalog
    municipality_id: int
    schools: list[School]  # СОШ № 5 (district, ШНОР), СОШ № 11 (district), СОШ № 28
    far: School
    methodist: Actor
    coordinator: Actor
    teacher: Actor


@pytest.fixture
async def world(database: Database) -> World:
    catalog = FormCatalog(builtin_forms())
    await catalog.sync(database)
    async with database.write() as conn:
        town = await add_municipality(conn, "Город Томск", "Asia/Tomsk")
        other = await add_municipality(conn, "Город Северск", "Asia/Tomsk")
        district = await add_district(conn, town.id, "Зональненский округ")
        schools = [
            await add_school(
                conn,
                municipality_id=town.id,
                full_name=f"МАОУ {short}",
                short_name=short,
                district_id=district.id if in_district else None,
                is_shnor=shnor,
            )
            for short, in_district, shnor in (
                ("СОШ № 5", True, True),
                ("СОШ № 11", True, False),
                ("СОШ № 28", False, False),
            )
        ]
        far = await add_school(
            conn, municipality_id=other.id, full_name="МАОУ СОШ № 2", short_name="СОШ № 2"
        )
    return World(
        catalog,
        town.id,
        schools,
        far,
        await make_actor(database, 1, Role.METHODIST, municipality_id=town.id),
        await make_actor(database, 2, Role.COORDINATOR, district_id=district.id),
        await make_actor(database, 3, Role.RESPONDENT, school_id=schools[0].id),
    )


def _plan(world: World, **changes: object) -> CampaignPlan:
    plan = CampaignPlan(
        form_keys=("vsoko",),
        municipality_id=world.municipality_id,
        period_label="1 полугодие 2026/27",
        opens_at=NOW,
        deadline_at=NOW + timedelta(days=10),
        school_ids=tuple(school.id for school in world.schools),
    )
    return replace(plan, **changes)  # type: ignore[arg-type]


async def test_school_choices(database: Database, world: World) -> None:
    directory = await load_directory(database)
    five, eleven, twenty_eight = world.schools
    district_id = five.district_id

    def names(choice: SchoolChoice, **extra: object) -> list[str]:
        chosen = choose_schools(directory, world.municipality_id, choice, **extra)  # type: ignore[arg-type]
        return [school.short_name for school in chosen]

    assert names(SchoolChoice.ALL) == ["СОШ № 5", "СОШ № 11", "СОШ № 28"]
    assert names(SchoolChoice.SHNOR) == ["СОШ № 5"]
    assert names(SchoolChoice.DISTRICT, district_id=district_id) == ["СОШ № 5", "СОШ № 11"]
    assert names(SchoolChoice.PICKED, picked={twenty_eight.id, world.far.id}) == ["СОШ № 28"]
    assert eleven.district_id == district_id


async def test_a_methodist_opens_a_campaign_with_its_plan(database: Database, world: World) -> None:
    plan = _plan(
        world,
        opens_at=NOW - timedelta(days=2),  # in the past: the round is open at once
        reminder_plan=ReminderPlan(days_before=(5, 2)),
        recurrence=Recurrence.QUARTERLY,
    )
    campaign = await open_campaign(database, world.catalog, world.methodist, plan, now=NOW)
    assert campaign.opens_at == NOW - timedelta(days=2)
    assert campaign.recurrence == "quarterly"
    assert campaign.reminder_plan == ReminderPlan(days_before=(5, 2)).to_json()
    assert world.methodist.user is not None
    assert campaign.created_by == world.methodist.user.id
    async with database.read() as conn:
        assert await campaign_school_ids(conn, campaign.id) == {s.id for s in world.schools}
    [listed] = await managed_campaigns(database, world.methodist)
    assert (listed.campaign.id, listed.schools, listed.submitted) == (campaign.id, 3, 0)


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"form_keys": ("nonexistent",)}, Problem.UNKNOWN_FORM),
        ({"school_ids": ()}, Problem.NO_SCHOOLS),
        ({"deadline_at": NOW - timedelta(minutes=1)}, Problem.DEADLINE_PASSED),
        (
            {"opens_at": NOW + timedelta(days=5), "deadline_at": NOW + timedelta(days=4)},
            Problem.DEADLINE_BEFORE_OPENING,
        ),
    ],
)
async def test_a_bad_plan_is_refused(
    database: Database, world: World, changes: dict[str, object], problem: Problem
) -> None:
    with pytest.raises(CampaignRefused) as refused:
        await open_campaign(
            database, world.catalog, world.methodist, _plan(world, **changes), now=NOW
        )
    assert refused.value.problem is problem
    assert await managed_campaigns(database, world.methodist) == []


async def test_a_school_of_another_municipality_is_refused(
    database: Database, world: World
) -> None:
    plan = _plan(world, school_ids=(world.schools[0].id, world.far.id))
    with pytest.raises(CampaignRefused) as refused:
        await open_campaign(database, world.catalog, world.methodist, plan, now=NOW)
    assert refused.value.problem is Problem.FOREIGN_SCHOOL


@pytest.mark.parametrize("who", ["coordinator", "teacher"])
async def test_only_those_who_run_campaigns_may_open_or_change_them(
    database: Database, world: World, who: str
) -> None:
    actor: Actor = getattr(world, who)
    with pytest.raises(AccessDenied):
        await open_campaign(database, world.catalog, actor, _plan(world), now=NOW)
    campaign = await open_campaign(database, world.catalog, world.methodist, _plan(world), now=NOW)
    assert await managed_campaigns(database, actor) == []
    with pytest.raises(AccessDenied):
        await change_deadline(database, actor, campaign.id, NOW + timedelta(days=20), now=NOW)
    with pytest.raises(AccessDenied):
        await add_schools(database, actor, campaign.id, [world.schools[0].id], now=NOW)
    with pytest.raises(AccessDenied):
        await close_early(database, actor, campaign.id, now=NOW)


async def test_changing_the_deadline(database: Database, world: World) -> None:
    campaign = await open_campaign(database, world.catalog, world.methodist, _plan(world), now=NOW)
    later = NOW + timedelta(days=30)
    moved = await change_deadline(database, world.methodist, campaign.id, later, now=NOW)
    assert moved.deadline_at == later
    for bad, problem in (
        (NOW - timedelta(hours=1), Problem.DEADLINE_PASSED),
        (NOW, Problem.DEADLINE_PASSED),
    ):
        with pytest.raises(CampaignRefused) as refused:
            await change_deadline(database, world.methodist, campaign.id, bad, now=NOW)
        assert refused.value.problem is problem
    future = await open_campaign(
        database,
        world.catalog,
        world.methodist,
        _plan(world, opens_at=NOW + timedelta(days=3), deadline_at=NOW + timedelta(days=9)),
        now=NOW,
    )
    with pytest.raises(CampaignRefused) as refused:
        await change_deadline(
            database, world.methodist, future.id, NOW + timedelta(days=2), now=NOW
        )
    assert refused.value.problem is Problem.DEADLINE_BEFORE_OPENING


async def test_adding_schools_adds_only_new_ones_of_the_municipality(
    database: Database, world: World
) -> None:
    five, eleven, twenty_eight = world.schools
    plan = _plan(world, school_ids=(five.id,))
    campaign = await open_campaign(database, world.catalog, world.methodist, plan, now=NOW)
    added = await add_schools(database, world.methodist, campaign.id, [five.id, eleven.id], now=NOW)
    assert added == [eleven.id]
    assert await add_schools(database, world.methodist, campaign.id, [eleven.id], now=NOW) == []
    with pytest.raises(CampaignRefused) as refused:
        await add_schools(
            database, world.methodist, campaign.id, [twenty_eight.id, world.far.id], now=NOW
        )
    assert refused.value.problem is Problem.FOREIGN_SCHOOL
    async with database.read() as conn:
        assert await campaign_school_ids(conn, campaign.id) == {five.id, eleven.id}


async def test_closing_early_stops_answers_and_changes(database: Database, world: World) -> None:
    campaign = await open_campaign(database, world.catalog, world.methodist, _plan(world), now=NOW)
    [form] = await forms_to_answer(database, world.catalog, world.teacher, now=NOW)
    view = await open_response(
        database, world.catalog, world.teacher, form.response.id, Action.ANSWER
    )
    question = view.form.questions[0].id

    closed = await close_early(database, world.methodist, campaign.id, now=NOW)
    assert closed.closed_at == NOW
    # The form disappears from the school's list, and an answer typed on an old screen is refused.
    assert await forms_to_answer(database, world.catalog, world.teacher, now=NOW) == []
    with pytest.raises(AnswerLocked):
        await record_answer(database, world.teacher, view, question, True, seen=None, now=NOW)
    for change in (
        close_early(database, world.methodist, campaign.id, now=NOW),
        change_deadline(database, world.methodist, campaign.id, NOW + timedelta(days=40), now=NOW),
        add_schools(database, world.methodist, campaign.id, [world.schools[0].id], now=NOW),
    ):
        with pytest.raises(CampaignRefused) as refused:
            await change
        assert refused.value.problem is Problem.CLOSED
    assert await managed_campaigns(database, world.methodist) == []


@pytest.mark.parametrize(
    ("text", "end_of_day", "expected"),
    [
        ("15.12.2026", True, datetime(2026, 12, 15, 23, 59, 59, tzinfo=TOMSK)),
        ("15.12.2026", False, datetime(2026, 12, 15, 0, 0, tzinfo=TOMSK)),
        ("15.12.2026 18:00", True, datetime(2026, 12, 15, 18, 0, tzinfo=TOMSK)),
        ("15.12 9.30", False, datetime(2026, 12, 15, 9, 30, tzinfo=TOMSK)),
        ("2027-01-10 08:05", False, datetime(2027, 1, 10, 8, 5, tzinfo=TOMSK)),
        ("15.12.2026 24:00", True, None),
        ("15.12.2026 18", True, None),
        ("31.02.2027", True, None),
        ("завтра", True, None),
        ("", True, None),
        ("15.12.2026 18:00 лишнее", True, None),
    ],
)
def test_typed_local_moments(text: str, end_of_day: bool, expected: datetime | None) -> None:
    """Read in the municipality's zone: 18:00 in Tomsk is 11:00 UTC."""
    moment = parse_local_moment(text, TOMSK, now=NOW, end_of_day=end_of_day)
    assert moment == expected
    if moment is not None and text == "15.12.2026 18:00":
        assert moment.astimezone(UTC).hour == 11


async def _november_chain(database: Database, world: World) -> tuple[Campaign, Campaign, datetime]:
    """A monthly round for November 2026 and its December round, created at November's deadline."""
    november = await open_campaign(
        database,
        world.catalog,
        world.methodist,
        _plan(
            world,
            period_label="ноябрь 2026",
            opens_at=datetime(2026, 11, 1, tzinfo=TOMSK),
            deadline_at=datetime(2026, 11, 30, 23, 59, 59, tzinfo=TOMSK),
            school_ids=(world.schools[0].id,),
            recurrence=Recurrence.MONTHLY,
        ),
        now=NOW,
    )
    after_deadline = datetime(2026, 12, 1, 0, 0, 0, tzinfo=TOMSK) - timedelta(milliseconds=500)
    [december] = await open_next_rounds(database, world.catalog, now=after_deadline)
    assert december.period_label == "декабрь 2026"
    assert december.opens_at > after_deadline  # created ahead, not open yet
    return november, december, after_deadline


async def test_closing_a_round_closes_its_unopened_next_round_and_stops_the_chain(
    database: Database, world: World
) -> None:
    november, december, now = await _november_chain(database, world)
    assert await continuing_round(database, november, now=now) is None

    await close_early(database, world.methodist, november.id, now=now)

    async with database.read() as conn:
        closed = await get_campaign(conn, december.id)
    assert closed is not None
    assert closed.closed_at == now
    later = datetime(2027, 3, 1, tzinfo=TOMSK)
    assert await open_next_rounds(database, world.catalog, now=later) == []


async def test_an_opened_next_round_goes_on_when_the_previous_one_closes(
    database: Database, world: World
) -> None:
    november, december, _ = await _november_chain(database, world)
    december_open = december.opens_at + timedelta(hours=1)
    assert await continuing_round(database, november, now=december_open) == december

    await close_early(database, world.methodist, november.id, now=december_open)

    async with database.read() as conn:
        still = await get_campaign(conn, december.id)
    assert still is not None
    assert still.closed_at is None


async def test_added_schools_reach_the_next_round_until_it_opens(
    database: Database, world: World
) -> None:
    november, december, now = await _november_chain(database, world)
    five, eleven, twenty_eight = world.schools
    await add_schools(database, world.methodist, november.id, [eleven.id], now=now)
    async with database.read() as conn:
        assert await campaign_school_ids(conn, december.id) == {five.id, eleven.id}

    opened = december.opens_at + timedelta(minutes=1)
    await add_schools(database, world.methodist, november.id, [twenty_eight.id], now=opened)
    async with database.read() as conn:
        assert await campaign_school_ids(conn, november.id) == {s.id for s in world.schools}
        assert await campaign_school_ids(conn, december.id) == {five.id, eleven.id}


async def test_a_recorded_answer_s_view_is_what_the_database_gives_back(
    database: Database, world: World
) -> None:
    """``record_answer`` builds the response and answers it returns without reading them back:
    they must equal a fresh read (JSON round trip, UTC times, the first answer's status change)."""
    await open_campaign(database, world.catalog, world.methodist, _plan(world), now=NOW)
    [form] = await forms_to_answer(database, world.catalog, world.teacher, now=NOW)
    view = await open_response(
        database, world.catalog, world.teacher, form.response.id, Action.ANSWER
    )
    moment = datetime(2026, 11, 21, 9, 15, 30, 123456, tzinfo=TOMSK)
    values: list[object] = [
        True,
        None,
        2.5,
        10**17,
        "«кавычки» 😀 \x00",
        {"selected": ["a", "b"], "other": ("tuple", 1)},
    ]
    for number, value in enumerate(values):
        question = view.form.questions[number % len(view.form.questions)].id
        recorded = await record_answer(
            database, world.teacher, view, question, value, seen=None, now=moment
        )
        fresh = await open_response(
            database, world.catalog, world.teacher, form.response.id, Action.ANSWER
        )
        assert recorded.view.response == fresh.response
        assert recorded.view.answers == fresh.answers
        view = recorded.view
