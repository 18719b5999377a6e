"""The monitoring plan saved (issue 18), on SQLite and PostgreSQL: seed 004's schedule with
forms assigned becomes recurring rounds on the right months, owned by the right specialists,
who get its summary, find its responses first in review and are named in its export; rounds
pass their owners on; uploading again updates or restarts the chains; /plan's months."""

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.catalog import builtin_forms
from core.actors import Actor, resolve_actor
from core.export.build import build_export
from core.monitoring_plan import service
from core.monitoring_plan.reading import read_text
from core.monitoring_plan.service import (
    RoundState,
    SavedPlan,
    current_lines,
    plan_view,
    prepare_plan,
    round_period,
    save_plan,
)
from core.questionnaires import FormCatalog
from core.reminders import Notice, NoticeResult, Outcome, run_tick
from core.review import review_queue
from core.rounds import _create, due_round, open_next_rounds
from core.schedule import Months, Recurrence
from storage import Database
from storage.campaigns import campaign_owner_ids, close_campaign, get_campaign
from storage.monitoring_plan import chain_rounds, municipality_rounds
from storage.people import Role, grant_role, list_people, revoke_grant
from storage.reminders import mark_unreachable
from storage.responses import Status, change_status, get_or_create_response
from storage.rounds import chain_heads
from tests.factories import Town, make_actor, make_person, make_town
from tests.monitoring_plan.seed import PEOPLE, with_forms

TOMSK = ZoneInfo("Asia/Tomsk")
NOW = datetime(2026, 9, 10, 10, tzinfo=TOMSK)
FORMS = {"2": "parents", "4": "vpr", "13": "vsoko", "15": "teachers"}
DAYS = {"2": 25}


def local(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=TOMSK)


class World:
    def __init__(self, town: Town, catalog: FormCatalog, uploader: Actor, ids: dict[str, int]):
        self.town, self.catalog, self.uploader, self.ids = town, catalog, uploader, ids

    def user(self, short: str) -> int:
        return self.ids[PEOPLE[short]]


@pytest.fixture
async def world(database: Database) -> World:
    town = await make_town(database, "Томский район", ("СОШ № 1", "ООШ № 2", "СОШ № 3"))
    catalog = FormCatalog(builtin_forms())
    await catalog.sync(database)
    uploader = await make_actor(
        database, 900, Role.METHODIST, full_name="Иванова Мария Петровна",
        municipality_id=town.municipality.id,
    )  # fmt: skip
    ids: dict[str, int] = {}
    for index, full in enumerate(PEOPLE.values()):
        if full.startswith("Гетманенко"):
            continue  # not in the bot: the uploader owns her line
        role = Role.ADMIN if full.startswith("Максимова") else Role.METHODIST
        user = await make_person(
            database, 910 + index, role, full_name=full, municipality_id=town.municipality.id
        )
        ids[full] = user.id
    # A coordinator of the district is not a possible owner, though named like one.
    coordinator = await make_person(
        database, 990, Role.COORDINATOR, full_name="Штауб Инна Юрьевна",
        municipality_id=town.municipality.id,
    )  # fmt: skip
    assert uploader.user is not None
    ids["uploader"] = uploader.user.id
    ids["coordinator"] = coordinator.id
    return World(town, catalog, uploader, ids)


async def upload(database: Database, world: World, text: str, now: datetime = NOW) -> SavedPlan:
    preview = await prepare_plan(
        database,
        world.catalog,
        world.uploader,
        read_text(text),
        municipality_id=world.town.municipality.id,
    )
    assert preview.problems == ()
    return await save_plan(
        database,
        world.catalog,
        world.uploader,
        preview,
        municipality_id=world.town.municipality.id,
        now=now,
    )


async def owners_of(database: Database, campaign_id: int) -> tuple[int, ...]:
    async with database.read() as conn:
        return (await campaign_owner_ids(conn, [campaign_id])).get(campaign_id, ())


async def test_seed_004_becomes_rounds_with_the_right_months_and_owners(
    database: Database, world: World
) -> None:
    saved = await upload(database, world, with_forms(FORMS, DAYS))

    assert saved.lines == 19
    assert saved.refused == []
    rounds = {campaign.title: campaign for campaign in saved.started}
    assert len(rounds) == 4
    gia = rounds["Анализ результатов государственной итоговой аттестации"]  # "1 раз в год, июнь"
    assert (gia.period_label, gia.recurrence) == ("июнь 2027", "months:6")
    assert (gia.opens_at, gia.deadline_at) == (local(2027, 6, 1), local(2027, 6, 30, 23, 59, 59))
    assert gia.form_keys == ("vpr",)
    assert await owners_of(database, gia.id) == (world.user("Викулова Е.Г."),)
    motivation = rounds["Мониторинг обучающихся с низкой учебной мотивацией"]  # line 13
    assert (motivation.period_label, motivation.recurrence) == ("1 полугодие 2026/27", "semiannual")
    assert motivation.opens_at == local(2026, 10, 1)
    assert await owners_of(database, motivation.id) == (
        world.user("Максимова О.А."),
        world.user("Смирнова О.В."),
    )
    districts = rounds["Реализация плана-работы образовательных округов"]  # monthly, by the 25th
    assert (districts.period_label, districts.recurrence) == ("сентябрь 2026", "monthly")
    assert districts.deadline_at == local(2026, 9, 25, 23, 59, 59)
    olympiads = rounds["Мониторинг участия обучающихся в предметных олимпиадах и конкурсах"]
    assert olympiads.period_label == "1 четверть 2026/27"
    assert await owners_of(database, olympiads.id) == (world.ids["uploader"],)  # not found

    lines = await current_lines(database, world.town.municipality.id)
    assert [line.number for line in lines] == [str(n) for n in range(1, 20)]
    by_number = {line.number: line for line in lines}
    assert by_number["15"].unmatched_owners == ("Гетманенко А.С.",)
    assert by_number["13"].recurrence == "semiannual"
    assert by_number["4"].recurrence == "months:6"
    assert by_number["1"].campaign_id is None
    assert by_number["1"].form_key is None
    assert [owner.full_name for owner in by_number["14"].owners] == [
        "Лапшина Галина Юрьевна",
        "Аксиненко Оксана Сергеевна",
    ]

    # The chains go on with their owners.
    october = await open_next_rounds(database, world.catalog, now=local(2026, 9, 26))
    assert [c.period_label for c in october] == ["октябрь 2026"]
    assert october[0].deadline_at == local(2026, 10, 25, 23, 59, 59)
    assert await owners_of(database, october[0].id) == (world.user("Смирнова О.В."),)
    following = await open_next_rounds(database, world.catalog, now=local(2027, 7, 1))
    june = next(c for c in following if c.previous_campaign_id == gia.id)
    assert (june.period_label, june.recurrence) == ("июнь 2028", "months:6")
    assert await owners_of(database, june.id) == (world.user("Викулова Е.Г."),)


async def test_plan_view_by_month(database: Database, world: World) -> None:
    await upload(database, world, with_forms(FORMS, DAYS))
    view = await plan_view(database, world.uploader, world.town.municipality.id, now=NOW)
    assert view.school_year == 2026
    assert [(month.year, month.month) for month in view.months][:5] == [
        (2026, 9), (2026, 10), (2026, 11), (2026, 12), (2027, 1),
    ]  # fmt: skip
    september = {entry.line.number: entry for entry in view.months[0].entries}
    assert set(september) == {"2", "16"}  # the monthly lines
    assert september["2"].state is RoundState.OPEN
    assert september["16"].state is RoundState.NO_FORM
    october = {entry.line.number: entry.state for entry in view.months[1].entries}
    assert october["13"] is RoundState.EXPECTED
    assert october["11"] is RoundState.NO_FORM
    june = {entry.line.number: entry for entry in view.months[9].entries}
    assert set(june) == {"2", "4", "16"}
    assert june["4"].state is RoundState.EXPECTED
    assert june["4"].round is not None
    may = {entry.line.number for entry in view.months[8].entries}
    assert {"1", "3", "5", "13", "14", "19"} <= may
    assert "4" not in may
    later = await plan_view(
        database, world.uploader, world.town.municipality.id, now=local(2026, 9, 27)
    )
    assert {e.line.number: e.state for e in later.months[0].entries}["2"] is RoundState.CLOSED


async def test_a_plan_loaded_mid_year_shows_the_past_months_as_not_held(
    database: Database, world: World
) -> None:
    december = local(2026, 12, 5)
    await upload(database, world, with_forms(FORMS, DAYS), now=december)
    view = await plan_view(database, world.uploader, world.town.municipality.id, now=december)
    october = {e.line.number: e.state for e in view.months[1].entries}
    assert october["13"] is RoundState.NOT_HELD  # not "ожидается": October is over
    assert october["11"] is RoundState.NO_FORM
    this_month = {e.line.number: e.state for e in view.months[3].entries}
    assert this_month["2"] is RoundState.OPEN


async def test_uploading_again_updates_or_restarts_the_chains(
    database: Database, world: World
) -> None:
    first = await upload(database, world, with_forms(FORMS, DAYS))
    rounds = {campaign.title: campaign for campaign in first.started}
    gia = rounds["Анализ результатов государственной итоговой аттестации"]
    motivation = rounds["Мониторинг обучающихся с низкой учебной мотивацией"]
    districts = rounds["Реализация плана-работы образовательных округов"]

    text = with_forms({**FORMS, "2": ""}, DAYS)
    text = text.replace(
        "Викулова Е.Г., специалист по УМР Управления образования\t1 раз в год, июнь",
        "Аксиненко О.С.\t1 раз в год, июнь",
    ).replace("2 раз в год (входной-октябрь, итоговый-май)", "ноябрь, апрель")
    second = await upload(database, world, text, now=local(2026, 9, 12))

    # Line 4: the same form and months, a new owner: the chain goes on with her.
    assert await owners_of(database, gia.id) == (world.user("Аксиненко О.С."),)
    stored = await current_lines(database, world.town.municipality.id)
    lines = {line.number: line for line in stored}
    assert lines["4"].campaign_id == gia.id
    # Line 13: other months: October's round (not opened yet) is closed, November's starts.
    async with database.read() as conn:
        closed = await get_campaign(conn, motivation.id)
        old_districts = await get_campaign(conn, districts.id)
        new_chain = await chain_rounds(conn, lines["13"].campaign_id or 0)
    assert closed is not None
    assert closed.closed_at is not None
    assert [c.period_label for c in second.started] == ["ноябрь 2026"]
    assert [c.period_label for c in new_chain] == ["ноябрь 2026"]
    assert new_chain[0].recurrence == Months((4, 11)).value
    # Line 2: its form removed: September's round runs to its deadline, then no more.
    assert old_districts is not None
    assert (old_districts.closed_at, old_districts.recurrence) == (None, None)
    assert lines["2"].campaign_id is None
    created = await open_next_rounds(database, world.catalog, now=local(2026, 9, 26))
    assert all(c.previous_campaign_id != districts.id for c in created)


async def tick_notices(database: Database, world: World) -> list[Notice]:
    """What the reminders tick sends the day after the September round's deadline."""
    sent: list[Notice] = []

    async def deliver(
        notices: Sequence[Notice], on_result: Callable[[NoticeResult], Awaitable[None]]
    ) -> None:
        for notice in notices:
            sent.append(notice)
            await on_result(NoticeResult(notice, Outcome.SENT, attempts=1))

    await run_tick(database, world.catalog, deliver, now=local(2026, 9, 26, 12))
    return sent


async def test_the_summary_goes_to_the_owners_and_review_puts_their_rounds_first(
    database: Database, world: World
) -> None:
    saved = await upload(database, world, with_forms(FORMS, DAYS))
    districts = next(c for c in saved.started if c.period_label == "сентябрь 2026")
    school = world.town.schools[0]
    async with database.write() as conn:
        response = await get_or_create_response(
            conn, districts.id, school.id, "parents", world.catalog.row_id("parents"), NOW
        )
        draft = await change_status(conn, response, Status.DRAFT, user_id=None, now=NOW)
        await change_status(conn, draft, Status.SUBMITTED, user_id=None, now=NOW)

    sent = await tick_notices(database, world)
    summaries = [n for n in sent if n.text.startswith("Итог по")]
    assert {n.user_id for n in summaries} == {world.user("Смирнова О.В.")}  # not every methodist
    assert "сдали 1 из 3" in summaries[0].text
    digests = [n for n in sent if n.text.startswith("Срок сдачи")]
    assert {n.user_id for n in digests} == {world.ids["coordinator"]}  # coordinators as ever

    owner = await make_actor_of(database, world, "Смирнова О.В.")
    other = await make_actor_of(database, world, "Штауб И.Ю.")
    [mine] = await review_queue(database, world.catalog, owner)
    [theirs] = await review_queue(database, world.catalog, other)
    assert mine.mine
    assert not theirs.mine
    assert mine.response_id == theirs.response_id

    export = await build_export(
        database, world.catalog, owner, campaign_ids=[districts.id], now=local(2026, 9, 26)
    )
    assert ["Ответственный", "Смирнова Ольга Викторовна"] in export.sheets[0].preamble


async def make_actor_of(database: Database, world: World, short: str) -> Actor:
    index = list(PEOPLE).index(short)
    return await resolve_actor(database, 910 + index, admin_ids=())


def test_round_period() -> None:
    today = datetime(2026, 9, 26).date()
    period = round_period(Recurrence.MONTHLY, 25, today=today)
    assert (period.label, period.deadline_on.day) == ("октябрь 2026", 25)  # September's is past
    assert round_period(Recurrence.MONTHLY, None, today=today).label == "сентябрь 2026"
    assert round_period(Months((2,)), 31, today=today).deadline_on == datetime(2027, 2, 28).date()
    after = datetime(2026, 10, 1).date()
    assert round_period(Months((10, 11)), None, today=today, after=after).label == "ноябрь 2026"


async def test_an_unreachable_owner_hands_the_summary_back_to_every_methodist(
    database: Database, world: World
) -> None:
    saved = await upload(database, world, with_forms(FORMS, DAYS))
    assert any(c.period_label == "сентябрь 2026" for c in saved.started)
    async with database.write() as conn:
        await mark_unreachable(conn, world.user("Смирнова О.В."), NOW)
    sent = await tick_notices(database, world)
    readers = {n.user_id for n in sent if n.text.startswith("Итог по")}
    assert world.user("Штауб И.Ю.") in readers
    assert world.ids["uploader"] in readers
    assert world.user("Смирнова О.В.") not in readers


async def test_a_chain_stopped_in_campaigns_starts_again_on_upload(
    database: Database, world: World
) -> None:
    first = await upload(database, world, with_forms(FORMS, DAYS))
    gia = next(c for c in first.started if c.period_label == "июнь 2027")
    async with database.write() as conn:
        await close_campaign(conn, gia.id, NOW)
    again = await upload(database, world, with_forms(FORMS, DAYS), now=local(2026, 9, 11))
    assert [c.period_label for c in again.started] == ["июнь 2027"]
    lines = {
        line.number: line for line in await current_lines(database, world.town.municipality.id)
    }
    assert lines["4"].campaign_id == again.started[0].id
    assert lines["2"].campaign_id == next(
        c.id for c in first.started if c.period_label == "сентябрь 2026"
    )  # the running chains go on untouched


async def test_an_owner_who_is_no_longer_a_methodist_hands_the_summary_back(
    database: Database, world: World
) -> None:
    await upload(database, world, with_forms(FORMS, DAYS))
    smirnova = world.user("Смирнова О.В.")
    async with database.write() as conn:
        for person in await list_people(conn):
            if person.user.id == smirnova:
                for grant in person.grants:
                    await revoke_grant(conn, grant.id)
        # Still a user of the bot, now a coordinator: she cannot read a methodist's summary.
        await grant_role(
            conn, smirnova, Role.COORDINATOR, municipality_id=world.town.municipality.id
        )
    sent = await tick_notices(database, world)
    readers = {n.user_id for n in sent if n.text.startswith("Итог по")}
    assert world.user("Штауб И.Ю.") in readers
    assert world.ids["uploader"] in readers
    assert smirnova not in readers


async def chain_firsts(database: Database, world: World) -> list[int]:
    """The first rounds of the municipality's chains that still run (recurring, not closed)."""
    async with database.read() as conn:
        every = await municipality_rounds(conn, world.town.municipality.id)
    following = {c.previous_campaign_id for c in every if c.previous_campaign_id is not None}
    heads = {c.id for c in every if c.id not in following and c.recurrence and not c.closed_at}
    by_id = {c.id: c for c in every}
    firsts: list[int] = []
    for head in sorted(heads):
        current = by_id[head]
        while current.previous_campaign_id is not None:
            current = by_id[current.previous_campaign_id]
        firsts.append(current.id)
    return sorted(firsts)


async def test_two_saves_at_once_take_turns(database: Database, world: World) -> None:
    first, second = await asyncio.gather(
        upload(database, world, with_forms(FORMS, DAYS)),
        upload(database, world, with_forms(FORMS, DAYS)),
    )
    # The second read the lines the first saved: the same chains go on, none is started twice.
    assert sorted([len(first.started), len(second.started)]) == [0, 4]
    lines = await current_lines(database, world.town.municipality.id)
    pointed = sorted(line.campaign_id for line in lines if line.campaign_id is not None)
    assert pointed == await chain_firsts(database, world)  # no chain without its line


async def test_a_save_that_fails_half_way_leaves_nothing(
    database: Database, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*args: object, **kwargs: object) -> list[int]:
        raise RuntimeError("the lines could not be written")

    monkeypatch.setattr(service, "replace_lines", broken)
    with pytest.raises(RuntimeError, match="lines"):
        await upload(database, world, with_forms(FORMS, DAYS))
    assert await chain_firsts(database, world) == []
    monkeypatch.undo()
    saved = await upload(database, world, with_forms(FORMS, DAYS))  # a retry starts them once
    assert len(saved.started) == 4
    assert len(await chain_firsts(database, world)) == 4


async def test_the_tick_does_not_extend_a_chain_the_plan_stopped(
    database: Database, world: World
) -> None:
    saved = await upload(database, world, with_forms(FORMS, DAYS))
    districts = next(c for c in saved.started if c.period_label == "сентябрь 2026")
    later = local(2026, 9, 26)
    async with database.read() as conn:
        (head,) = [h for h in await chain_heads(conn) if h.campaign.id == districts.id]
    next_round = due_round(head, later)
    assert next_round is not None
    # The tick read the chains; the plan drops line 2's form before the tick writes.
    await upload(database, world, with_forms({**FORMS, "2": ""}, DAYS), now=local(2026, 9, 12))
    available = await world.catalog.available(database, world.town.municipality.id)
    assert await _create(database, head, next_round, available, now=later) is None
    async with database.read() as conn:
        assert await chain_rounds(conn, districts.id) == [await get_campaign(conn, districts.id)]


async def test_a_month_skipped_for_its_passed_due_day_is_not_held(
    database: Database, world: World
) -> None:
    late = local(2026, 9, 27)  # line 2 is due on the 25th: its chain starts in October
    saved = await upload(database, world, with_forms(FORMS, DAYS), now=late)
    assert "сентябрь 2026" not in {c.period_label for c in saved.started}
    view = await plan_view(database, world.uploader, world.town.municipality.id, now=late)
    september = {e.line.number: e.state for e in view.months[0].entries}
    assert september["2"] is RoundState.NOT_HELD  # not "ожидается" forever
    october = {e.line.number: e.state for e in view.months[1].entries}
    assert october["2"] is RoundState.EXPECTED


async def test_the_year_keeps_the_rounds_of_a_line_s_earlier_chain(
    database: Database, world: World
) -> None:
    await upload(database, world, with_forms(FORMS, DAYS))
    october = local(2026, 10, 12)
    again = await upload(database, world, with_forms({**FORMS, "2": "vsoko"}, DAYS), now=october)
    assert [c.period_label for c in again.started] == ["октябрь 2026"]
    view = await plan_view(database, world.uploader, world.town.municipality.id, now=october)
    september = {e.line.number: e for e in view.months[0].entries}
    assert september["2"].state is RoundState.CLOSED  # it ran, with the earlier form
    assert september["2"].round is not None
    assert {e.line.number: e.state for e in view.months[1].entries}["2"] is RoundState.OPEN
