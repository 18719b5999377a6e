"""A monitoring of several forms, through the services: what a school answers, what it is reminded
of, the board, nudges, the next round and the export — on both databases."""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.catalog import builtin_forms
from core.actors import Actor
from core.campaigns import CampaignPlan, open_campaign
from core.export import build_export
from core.questionnaires import FormCatalog, forms_to_answer
from core.reminders import Notice, NoticeResult, Outcome, run_tick
from core.rounds import open_next_rounds
from core.schedule import Recurrence, ReminderPlan
from core.status import CellKind, completion_board, nudge
from storage import Database
from storage.campaigns import Campaign, CampaignForm, get_campaign, list_open_campaigns
from storage.people import Role
from storage.responses import Status, change_status, get_or_create_response, save_answer
from tests.factories import Town, make_actor, make_person, make_town

TOMSK = ZoneInfo("Asia/Tomsk")
OPENS = datetime(2027, 1, 1, tzinfo=TOMSK)
DEADLINE = datetime(2027, 1, 31, 23, 59, 59, tzinfo=TOMSK)
DURING = datetime(2027, 1, 10, 12, tzinfo=TOMSK)
TITLE = "Мониторинг выполнения программы повышения качества образования"
FORMS = ("parents", "vsoko")


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


@dataclass
class World:
    catalog: FormCatalog
    town: Town
    campaign: Campaign
    methodist: Actor
    respondent: Actor  # of the first school


@pytest.fixture
async def world(database: Database) -> World:
    catalog = FormCatalog(builtin_forms())
    await catalog.sync(database)
    town = await make_town(database)
    methodist = await make_actor(
        database, 700, Role.METHODIST, municipality_id=town.municipality.id
    )
    respondent = await make_actor(database, 501, Role.RESPONDENT, school_id=town.schools[0].id)
    await make_person(database, 502, Role.RESPONDENT, school_id=town.schools[1].id)
    plan = CampaignPlan(
        form_keys=FORMS,
        municipality_id=town.municipality.id,
        period_label="январь 2027",
        opens_at=OPENS,
        deadline_at=DEADLINE,
        school_ids=tuple(school.id for school in town.schools),
        reminder_plan=ReminderPlan(days_before=(3,)),
        recurrence=Recurrence.MONTHLY,
        title=TITLE,
    )
    campaign = await open_campaign(database, catalog, methodist, plan, now=OPENS)
    return World(catalog, town, campaign, methodist, respondent)


async def _submit(database: Database, world: World, school: int, key: str) -> None:
    form = world.catalog.current[key]
    async with database.write() as conn:
        response = await get_or_create_response(
            conn,
            world.campaign.id,
            world.town.schools[school].id,
            key,
            world.catalog.row_id(key),
            DURING,
        )
        await save_answer(conn, response.id, form.questions[0].id, "x", user_id=None, now=DURING)
        draft = await change_status(conn, response, Status.DRAFT, user_id=None, now=DURING)
        await change_status(conn, draft, Status.SUBMITTED, user_id=None, now=DURING)


async def test_a_monitoring_keeps_its_forms_in_order_and_its_title(
    database: Database, world: World
) -> None:
    async with database.read() as conn:
        stored = await get_campaign(conn, world.campaign.id)
    assert stored is not None
    assert stored.forms == tuple(CampaignForm(k, world.catalog.row_id(k)) for k in FORMS)
    assert stored.title == TITLE


async def test_a_school_answers_each_form_of_the_monitoring(
    database: Database, world: World
) -> None:
    found = await forms_to_answer(database, world.catalog, world.respondent, now=DURING)

    assert [(item.form.id, item.monitoring) for item in found] == [
        ("parents", TITLE),
        ("vsoko", TITLE),
    ]
    assert len({item.response.id for item in found}) == 2


async def test_a_school_counts_as_done_only_with_every_form_in(
    database: Database, world: World
) -> None:
    await _submit(database, world, 0, "vsoko")
    board = await completion_board(database, world.catalog, world.methodist, now=DURING)
    [monitoring] = board.campaigns
    first, second = monitoring.cells  # СОШ № 5, СОШ № 11 in natural order
    assert first.school.short_name == "СОШ № 5"
    assert (first.forms_done, len(first.forms), first.status) == (1, 2, Status.DRAFT)
    assert [form.kind for form in first.forms] == [CellKind.NOT_STARTED, CellKind.SUBMITTED]
    assert monitoring.done == 0
    assert monitoring.form_title == TITLE

    await _submit(database, world, 0, "parents")
    board = await completion_board(database, world.catalog, world.methodist, now=DURING)
    assert board.campaigns[0].done == 1
    assert board.campaigns[0].cells[0].kind is CellKind.SUBMITTED
    async with database.read() as conn:
        [counts] = await list_open_campaigns(conn, [world.town.municipality.id])
    assert (counts.submitted, counts.schools) == (1, 2)
    assert second.forms_done == 0


async def test_one_reminder_per_school_names_the_forms_still_owed(
    database: Database, world: World
) -> None:
    await _submit(database, world, 0, "vsoko")
    recorder = Recorder()

    await run_tick(database, world.catalog, recorder, now=OPENS + timedelta(hours=10))

    by_person = {notice.telegram_id: notice for notice in recorder.sent}
    assert set(by_person) == {501, 502}  # one message each, not one per form
    parents, vsoko = (world.catalog.current[key].short_title for key in FORMS)
    first = by_person[501]
    assert first.text.startswith(f"Открыт мониторинг «{TITLE}» (январь 2027) для СОШ № 5.")
    assert f"Осталось сдать: «{parents}»." in first.text  # vsoko is in
    assert first.buttons == ()  # one form owed: the message's own button opens it
    both = by_person[502]
    assert f"Анкеты мониторинга: «{parents}», «{vsoko}»." in both.text
    assert [button.label for button in both.buttons] == [f"Открыть: {parents}", f"Открыть: {vsoko}"]


async def test_a_school_with_everything_in_is_not_reminded_or_nudged(
    database: Database, world: World
) -> None:
    for key in FORMS:
        await _submit(database, world, 0, key)
    recorder = Recorder()
    await run_tick(database, world.catalog, recorder, now=OPENS + timedelta(hours=10))
    assert [notice.telegram_id for notice in recorder.sent] == [502]

    report = await nudge(
        database,
        world.catalog,
        world.methodist,
        world.campaign.id,
        [school.id for school in world.town.schools],
        recorder,
        now=DURING,
    )
    assert [school.short_name for school in report.submitted] == ["СОШ № 5"]
    assert [school.short_name for school in report.nudged] == ["СОШ № 11"]
    parents, vsoko = (world.catalog.current[key].short_title for key in FORMS)
    expected = f"Сданы ещё не все анкеты. Осталось сдать: «{parents}», «{vsoko}»."
    assert expected in recorder.sent[-1].text
    buttons = [button.label for button in recorder.sent[-1].buttons]
    assert buttons == [f"Открыть: {parents}", f"Открыть: {vsoko}"]  # one per form owed


async def test_the_next_round_takes_every_form_and_the_title(
    database: Database, world: World
) -> None:
    created = await open_next_rounds(
        database, world.catalog, now=datetime(2027, 2, 1, 1, tzinfo=TOMSK)
    )

    [february] = created
    assert february.form_keys == FORMS
    assert february.title == TITLE
    assert february.previous_campaign_id == world.campaign.id


async def test_the_export_is_one_workbook_of_the_monitoring(
    database: Database, world: World
) -> None:
    await _submit(database, world, 0, "vsoko")

    export = await build_export(
        database, world.catalog, world.methodist, campaign_ids=[world.campaign.id], now=DURING
    )

    assert [part.form_key for part in export.parts] == list(FORMS)
    assert export.short_title == TITLE
    titles = [sheet.title for sheet in export.sheets]
    assert titles[:3] == ["Сводка", "По школам", "Итоги"]
    shorts = {world.catalog.current[key].short_title for key in FORMS}
    assert shorts | {"Не сдали", "Диаграммы"} <= set(titles)
    summary = export.sheets[0]
    assert summary.rows[0][-3:] == ["Не начата", "Сдана", 1]
    owing = next(sheet for sheet in export.sheets if sheet.title == "Не сдали")
    assert [row[0] for row in owing.rows] == ["СОШ № 5", "СОШ № 11"]
    assert owing.rows[0][1] == world.catalog.current["parents"].short_title
    assert export.latest_counts() == (0, 0, 2)


async def test_two_rounds_of_the_monitoring_export_side_by_side(
    database: Database, world: World
) -> None:
    await _submit(database, world, 0, "vsoko")
    [february] = await open_next_rounds(
        database, world.catalog, now=datetime(2027, 2, 1, 1, tzinfo=TOMSK)
    )
    async with database.write() as conn:
        for school in world.town.schools:
            response = await get_or_create_response(
                conn, february.id, school.id, "vsoko", world.catalog.row_id("vsoko"), DURING
            )
            first = world.catalog.current["vsoko"].questions[0]
            none = {"selected": "none"}  # a single choice is stored as its selection
            await save_answer(conn, response.id, first.id, none, user_id=None, now=DURING)
            draft = await change_status(conn, response, Status.DRAFT, user_id=None, now=DURING)
            await change_status(conn, draft, Status.SUBMITTED, user_id=None, now=DURING)
    later = datetime(2027, 2, 10, tzinfo=TOMSK)

    export = await build_export(
        database,
        world.catalog,
        world.methodist,
        campaign_ids=[world.campaign.id, february.id],
        now=later,
    )

    assert [period.label for period in export.periods] == ["январь 2027", "февраль 2027"]
    dynamics = next(sheet for sheet in export.sheets if sheet.title == "Динамика")
    vsoko = world.catalog.current["vsoko"]
    regulation = f"{vsoko.short_title}: {vsoko.questions[0].text}"
    shares = {row[1]: row[2:4] for row in dynamics.rows if row[0] == regulation}
    none_label = next(o.label for o in vsoko.questions[0].options if o.id == "none")
    # January: nobody answered "нет" (the one answer was "x"); February: both schools of two.
    assert shares[f"{none_label}: доля от всех школ, %"] == [0.0, 100.0]


async def test_each_monitoring_counts_only_its_own_forms_and_responses(
    database: Database, world: World
) -> None:
    """Two monitorings side by side: a school's forms of one never count for the other."""
    plan = CampaignPlan(
        form_keys=("vsoko",),
        municipality_id=world.town.municipality.id,
        period_label="январь 2027",
        opens_at=OPENS,
        deadline_at=DEADLINE + timedelta(days=1),
        school_ids=tuple(school.id for school in world.town.schools),
    )
    alone = await open_campaign(database, world.catalog, world.methodist, plan, now=OPENS)
    for key in FORMS:
        await _submit(database, world, 0, key)  # the monitoring: СОШ № 5 handed in both

    async with database.read() as conn:
        counts = {
            found.campaign.id: (found.submitted, found.schools)
            for found in await list_open_campaigns(conn, [world.town.municipality.id])
        }
    assert counts == {world.campaign.id: (1, 2), alone.id: (0, 2)}
