"""Reviewing responses: the queue, return for revision and resubmission, acceptance, the notices
the school receives; every transition recorded with who and when. Both databases, fixed clock."""

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

import core.reminders
from bot.catalog import builtin_forms
from core.access import AccessDenied, Action
from core.actors import Actor
from core.questionnaires import (
    FormCatalog,
    open_response,
    record_answer,
    submit_response,
)
from core.reminders import Notice, NoticeResult, Outcome
from core.review import (
    COMMENT_LIMIT,
    BadComment,
    ClosedCampaign,
    WrongStatus,
    accept,
    return_for_revision,
    review_card,
    review_queue,
    revision_note,
)
from storage import Database
from storage.campaigns import CampaignForm, add_campaign, close_campaign
from storage.directory import School, add_municipality, add_school
from storage.people import Role, get_user, set_removed
from storage.reminders import DeliveryState, list_reminders, mark_unreachable
from storage.responses import Status, get_or_create_response, get_response
from storage.review import decide, load_events
from tests.factories import make_actor, pending_claims_renewed_after

TOMSK = ZoneInfo("Asia/Tomsk")
OPENS = datetime(2026, 3, 2, 12, tzinfo=TOMSK)
DEADLINE = datetime(2026, 3, 10, 23, 59, tzinfo=TOMSK)
ANSWERED = datetime(2026, 3, 5, 9, 0, tzinfo=TOMSK)
SUBMITTED = datetime(2026, 3, 5, 9, 30, tzinfo=TOMSK)
VSOKO = {
    "regulation": {"selected": "none", "other": None},
    "year_programme": True,
    "comment": None,
}


class Recorder:
    """A Deliver that "sends" every notice at once with a chosen outcome, and remembers it."""

    def __init__(self, outcome: Outcome = Outcome.SENT) -> None:
        self.sent: list[Notice] = []
        self.outcome = outcome

    async def __call__(
        self, notices: Sequence[Notice], on_result: Callable[[NoticeResult], Awaitable[None]]
    ) -> None:
        for notice in notices:
            self.sent.append(notice)
            await on_result(NoticeResult(notice, self.outcome, 1))


@dataclass
class World:
    catalog: FormCatalog
    five: School
    eleven: School
    far: School  # in another municipality
    campaign_id: int
    actors: dict[str, Actor]


@pytest.fixture
async def world(database: Database) -> World:
    catalog = FormCatalog(builtin_forms())
    await catalog.sync(database)
    async with database.write() as conn:
        town = await add_municipality(conn, "Город Томск", "Asia/Tomsk")
        other = await add_municipality(conn, "Город Северск", "Asia/Tomsk")
        five = await add_school(
            conn, municipality_id=town.id, full_name="МАОУ СОШ № 5", short_name="СОШ № 5"
        )
        eleven = await add_school(
            conn, municipality_id=town.id, full_name="МАОУ СОШ № 11", short_name="СОШ № 11"
        )
        far = await add_school(
            conn, municipality_id=other.id, full_name="МАОУ СОШ № 2", short_name="СОШ № 2"
        )
        campaign = await add_campaign(
            conn,
            forms=[CampaignForm("vsoko", catalog.row_id("vsoko"))],
            municipality_id=town.id,
            period_label="1 полугодие 2025/26",
            opens_at=OPENS,
            deadline_at=DEADLINE,
            school_ids=[five.id, eleven.id],
        )
        await add_campaign(
            conn,
            forms=[CampaignForm("vsoko", catalog.row_id("vsoko"))],
            municipality_id=other.id,
            period_label="1 полугодие 2025/26",
            opens_at=OPENS,
            deadline_at=DEADLINE,
            school_ids=[far.id],
        )
    actors = {
        "teacher": await make_actor(
            database, 10, Role.RESPONDENT, full_name="Иванова Мария", school_id=five.id
        ),
        "colleague": await make_actor(
            database, 11, Role.RESPONDENT, full_name="Петров Пётр", school_id=five.id
        ),
        "blocked": await make_actor(
            database, 12, Role.RESPONDENT, full_name="Сидоров Иван", school_id=five.id
        ),
        "neighbour": await make_actor(
            database, 13, Role.RESPONDENT, full_name="Смирнова Анна", school_id=eleven.id
        ),
        "far_teacher": await make_actor(
            database, 14, Role.RESPONDENT, full_name="Орлова Ольга", school_id=far.id
        ),
        "methodist": await make_actor(
            database, 20, Role.METHODIST, full_name="Петрова Елена", municipality_id=town.id
        ),
        "colleague_methodist": await make_actor(
            database, 21, Role.METHODIST, full_name="Кузнецова Ирина", municipality_id=town.id
        ),
        "far_methodist": await make_actor(
            database, 30, Role.METHODIST, full_name="Чужой Методист", municipality_id=other.id
        ),
        "coordinator": await make_actor(
            database, 40, Role.COORDINATOR, full_name="Координатор Игорь", municipality_id=town.id
        ),
    }
    blocked = actors["blocked"].user
    assert blocked is not None
    async with database.write() as conn:
        await mark_unreachable(conn, blocked.id, OPENS)
    return World(catalog, five, eleven, far, campaign.id, actors)


async def _response_id(database: Database, world: World, school: School) -> int:
    async with database.write() as conn:
        response = await get_or_create_response(
            conn, world.campaign_id, school.id, "vsoko", world.catalog.row_id("vsoko"), OPENS
        )
    return response.id


async def _answer(
    database: Database, world: World, actor: Actor, response_id: int, values: dict[str, object]
) -> None:
    for question, value in values.items():
        view = await open_response(database, world.catalog, actor, response_id, Action.ANSWER)
        await record_answer(database, actor, view, question, value, seen=None, now=ANSWERED)


async def _submitted(
    database: Database, world: World, school: School | None = None, *, at: datetime = SUBMITTED
) -> int:
    school = school or world.five
    teacher = world.actors["teacher" if school.id == world.five.id else "neighbour"]
    response_id = await _response_id(database, world, school)
    await _answer(database, world, teacher, response_id, VSOKO)
    await submit_response(database, world.catalog, teacher, response_id, now=at)
    return response_id


def _user_id(actor: Actor) -> int:
    assert actor.user is not None
    return actor.user.id


async def test_return_change_resubmit_accept_records_who_and_when(
    database: Database, world: World
) -> None:
    catalog, actors = world.catalog, world.actors
    teacher, methodist = actors["teacher"], actors["methodist"]
    response_id = await _submitted(database, world)
    returned_at = SUBMITTED + timedelta(hours=2)
    changed_at = returned_at + timedelta(hours=20)
    resubmitted_at = changed_at + timedelta(minutes=5)
    accepted_at = resubmitted_at + timedelta(hours=1)
    deliver = Recorder()

    returned = await return_for_revision(
        database,
        catalog,
        methodist,
        response_id,
        "  Укажите дату утверждения положения  ",
        deliver,
        now=returned_at,
    )
    assert returned.view.response.status is Status.RETURNED
    view = await open_response(database, catalog, teacher, response_id, Action.ANSWER)
    note = await revision_note(database, view)
    assert note is not None
    assert note.comment == "Укажите дату утверждения положения"
    assert (note.user_name, note.at) == ("Петрова Елена", returned_at)

    await record_answer(database, teacher, view, "year_programme", False, seen=None, now=changed_at)
    view = await open_response(database, catalog, teacher, response_id, Action.ANSWER)
    assert view.response.status is Status.DRAFT
    assert await revision_note(database, view) is not None  # still reworking: still shown
    await submit_response(database, catalog, teacher, response_id, now=resubmitted_at)
    view = await open_response(database, catalog, teacher, response_id, Action.ANSWER)
    assert await revision_note(database, view) is None
    accepted = await accept(database, catalog, methodist, response_id, deliver, now=accepted_at)

    assert accepted.view.response.status is Status.ACCEPTED
    async with database.read() as conn:
        events = await load_events(conn, response_id)
    assert [(e.from_status, e.to_status, e.user_id, e.at) for e in events] == [
        (Status.NOT_STARTED, Status.DRAFT, _user_id(teacher), ANSWERED),
        (Status.DRAFT, Status.SUBMITTED, _user_id(teacher), SUBMITTED),
        (Status.SUBMITTED, Status.RETURNED, _user_id(methodist), returned_at),
        (Status.RETURNED, Status.DRAFT, _user_id(teacher), changed_at),
        (Status.DRAFT, Status.SUBMITTED, _user_id(teacher), resubmitted_at),
        (Status.SUBMITTED, Status.ACCEPTED, _user_id(methodist), accepted_at),
    ]
    assert events[2].comment == "Укажите дату утверждения положения"
    assert [e.id for e in events if e.to_status is Status.RETURNED] == [returned.event_id]
    card = await review_card(database, catalog, methodist, response_id)
    assert not card.awaiting
    assert card.view.values["year_programme"] is False


async def test_a_return_notifies_every_reachable_respondent_of_the_school_once(
    database: Database, world: World
) -> None:
    actors = world.actors
    response_id = await _submitted(database, world)
    deliver = Recorder()

    decision = await return_for_revision(
        database,
        world.catalog,
        actors["methodist"],
        response_id,
        "Нет <ссылки> на положение",
        deliver,
        now=SUBMITTED + timedelta(hours=1),
    )

    # СОШ № 5's two reachable respondents; not the one who blocked the bot, not other schools.
    assert sorted(n.telegram_id for n in deliver.sent) == [10, 11]
    assert decision.recipients == 2
    assert decision.outcomes[Outcome.SENT] == 2
    for notice in deliver.sent:
        assert notice.response_id == response_id  # the button that opens the form
        assert "Нет &lt;ссылки&gt; на положение" in notice.text
        assert "Петрова Елена" in notice.text
        assert "СОШ № 5" in notice.text
    async with database.read() as conn:
        reminders = await list_reminders(conn, campaign_id=world.campaign_id)
    assert {r.kind for r in reminders} == {f"returned:{decision.event_id}"}
    assert {r.status for r in reminders} == {DeliveryState.SENT}

    # Resubmitted and accepted: a short notice without a button, under its own key.
    teacher = actors["teacher"]
    await submit_response(
        database, world.catalog, teacher, response_id, now=SUBMITTED + timedelta(hours=2)
    )
    deliver.sent.clear()
    accepted = await accept(
        database,
        world.catalog,
        actors["methodist"],
        response_id,
        deliver,
        now=SUBMITTED + timedelta(hours=3),
    )
    assert sorted(n.telegram_id for n in deliver.sent) == [10, 11]
    assert all(n.response_id is None and "принята" in n.text for n in deliver.sent)
    async with database.read() as conn:
        kinds = sorted(r.kind for r in await list_reminders(conn, campaign_id=world.campaign_id))
    assert kinds == sorted(
        [f"returned:{decision.event_id}"] * 2 + [f"accepted:{accepted.event_id}"] * 2
    )


async def test_a_notice_that_cannot_be_delivered_is_marked_not_lost(
    database: Database, world: World
) -> None:
    response_id = await _submitted(database, world)
    decision = await return_for_revision(
        database,
        world.catalog,
        world.actors["methodist"],
        response_id,
        "Исправьте",
        Recorder(Outcome.UNREACHABLE),
        now=SUBMITTED + timedelta(hours=1),
    )
    assert decision.outcomes[Outcome.UNREACHABLE] == 2
    async with database.read() as conn:
        reminders = await list_reminders(conn, campaign_id=world.campaign_id)
        teacher = await get_user(conn, _user_id(world.actors["teacher"]))
    assert {r.status for r in reminders} == {DeliveryState.UNREACHABLE}
    assert teacher is not None
    assert teacher.unreachable_since is not None


async def test_a_school_with_nobody_reachable_is_reported(database: Database, world: World) -> None:
    response_id = await _submitted(database, world)
    async with database.write() as conn:
        for key in ("teacher", "colleague"):
            await set_removed(conn, _user_id(world.actors[key]), OPENS)
    deliver = Recorder()
    decision = await accept(
        database,
        world.catalog,
        world.actors["methodist"],
        response_id,
        deliver,
        now=SUBMITTED + timedelta(hours=1),
    )
    assert decision.recipients == 0
    assert deliver.sent == []
    async with database.read() as conn:
        response = await get_response(conn, response_id)
    assert response is not None
    assert response.status is Status.ACCEPTED


@pytest.mark.parametrize("comment", ["", "   \n ", "x" * (COMMENT_LIMIT + 1)])
async def test_a_return_needs_a_usable_comment(
    database: Database, world: World, comment: str
) -> None:
    response_id = await _submitted(database, world)
    deliver = Recorder()
    with pytest.raises(BadComment) as raised:
        await return_for_revision(
            database,
            world.catalog,
            world.actors["methodist"],
            response_id,
            comment,
            deliver,
            now=SUBMITTED,
        )
    assert raised.value.length == len(comment.strip())
    assert deliver.sent == []
    async with database.read() as conn:
        response = await get_response(conn, response_id)
    assert response is not None
    assert response.status is Status.SUBMITTED


async def test_only_a_submitted_response_can_be_decided_and_only_once(
    database: Database, world: World
) -> None:
    catalog, actors = world.catalog, world.actors
    deliver = Recorder()
    draft = await _response_id(database, world, world.eleven)
    await _answer(database, world, actors["neighbour"], draft, {"year_programme": True})
    with pytest.raises(WrongStatus) as raised:
        await accept(database, catalog, actors["methodist"], draft, deliver, now=SUBMITTED)
    assert raised.value.status is Status.DRAFT

    response_id = await _submitted(database, world)
    later = SUBMITTED + timedelta(hours=1)
    await accept(database, catalog, actors["methodist"], response_id, deliver, now=later)
    colleague = actors["colleague_methodist"]
    with pytest.raises(WrongStatus) as raised:
        await accept(database, catalog, colleague, response_id, deliver, now=later)
    assert raised.value.status is Status.ACCEPTED
    with pytest.raises(WrongStatus) as raised:
        await return_for_revision(
            database, catalog, colleague, response_id, "Поздно", deliver, now=later
        )
    assert raised.value.status is Status.ACCEPTED
    assert len(deliver.sent) == 2  # the first acceptance only
    async with database.read() as conn:
        events = await load_events(conn, response_id)
    assert [e.to_status for e in events].count(Status.ACCEPTED) == 1


async def test_a_closed_campaign_s_response_can_be_accepted_but_not_returned(
    database: Database, world: World
) -> None:
    """Returned, the school could not change it (a closed round takes no answers)."""
    catalog, methodist = world.catalog, world.actors["methodist"]
    deliver = Recorder()
    response_id = await _submitted(database, world)
    async with database.write() as conn:
        await close_campaign(conn, world.campaign_id, SUBMITTED)
    later = SUBMITTED + timedelta(hours=1)

    with pytest.raises(ClosedCampaign):
        await return_for_revision(
            database, catalog, methodist, response_id, "Исправьте", deliver, now=later
        )
    assert deliver.sent == []
    decision = await accept(database, catalog, methodist, response_id, deliver, now=later)
    assert decision.view.response.status is Status.ACCEPTED


async def test_of_two_simultaneous_decisions_only_one_is_recorded(
    database: Database, world: World
) -> None:
    response_id = await _submitted(database, world)
    methodist = _user_id(world.actors["methodist"])
    async with database.write() as conn:
        first = await decide(conn, response_id, Status.ACCEPTED, user_id=methodist, now=SUBMITTED)
    async with database.write() as conn:
        second = await decide(
            conn, response_id, Status.RETURNED, user_id=methodist, now=SUBMITTED, comment="x"
        )
    assert first is not None
    assert second is None
    async with database.read() as conn:
        events = await load_events(conn, response_id)
        response = await get_response(conn, response_id)
    assert [e.to_status for e in events][-1] is Status.ACCEPTED
    assert response is not None
    assert response.status is Status.ACCEPTED


async def test_only_reviewers_of_the_school_may_decide(database: Database, world: World) -> None:
    catalog, actors = world.catalog, world.actors
    response_id = await _submitted(database, world)
    deliver = Recorder()
    for who in ("far_methodist", "coordinator", "teacher", "far_teacher"):
        with pytest.raises(AccessDenied):
            await accept(database, catalog, actors[who], response_id, deliver, now=SUBMITTED)
        with pytest.raises(AccessDenied):
            await return_for_revision(
                database, catalog, actors[who], response_id, "нет", deliver, now=SUBMITTED
            )
        with pytest.raises(AccessDenied):
            await review_card(database, catalog, actors[who], response_id)
    with pytest.raises(AccessDenied):  # a response that does not exist
        await accept(database, catalog, actors["methodist"], 10_000, deliver, now=SUBMITTED)
    assert deliver.sent == []
    async with database.read() as conn:
        response = await get_response(conn, response_id)
    assert response is not None
    assert response.status is Status.SUBMITTED


async def test_the_queue_lists_submitted_responses_in_scope_with_lateness(
    database: Database, world: World
) -> None:
    catalog, actors = world.catalog, world.actors
    late_at = DEADLINE + timedelta(hours=3)
    five = await _submitted(database, world, world.five, at=late_at)
    eleven = await _submitted(database, world, world.eleven)
    assert await review_queue(database, catalog, actors["far_methodist"]) == []

    queue = await review_queue(database, catalog, actors["methodist"])

    assert [item.response_id for item in queue] == [eleven, five]  # oldest submission first
    assert [item.late for item in queue] == [False, True]
    assert [item.school.short_name for item in queue] == ["СОШ № 11", "СОШ № 5"]
    assert {item.form_title for item in queue} == {"ВСОКО"}
    assert {item.period_label for item in queue} == {"1 полугодие 2025/26"}
    assert queue[1].submitted_at == late_at
    assert queue[1].timezone == "Asia/Tomsk"

    await accept(database, catalog, actors["methodist"], eleven, Recorder(), now=late_at)
    remaining = await review_queue(database, catalog, actors["methodist"])
    assert [item.response_id for item in remaining] == [five]
    for who in ("coordinator", "teacher"):
        with pytest.raises(AccessDenied):
            await review_queue(database, catalog, actors[who])


async def test_a_return_renews_its_notices_claims_while_they_are_delivered(
    database: Database, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Notices slow to go out keep their claims: no other replica's tick takes them over."""
    monkeypatch.setattr(core.reminders, "LEASE_RENEWAL", timedelta(seconds=0.02))
    response_id = await _submitted(database, world)
    now = SUBMITTED + timedelta(hours=1)
    go_on = asyncio.Event()
    recorder = Recorder()

    async def slow(
        notices: Sequence[Notice], on_result: Callable[[NoticeResult], Awaitable[None]]
    ) -> None:
        await go_on.wait()  # "on their way" for a long time
        await recorder(notices, on_result)

    returning = asyncio.create_task(
        return_for_revision(
            database,
            world.catalog,
            world.actors["methodist"],
            response_id,
            "Нет ссылки",
            slow,
            now=now,
        )
    )
    async with asyncio.timeout(10):
        while not await pending_claims_renewed_after(database, now):  # noqa: ASYNC110
            await asyncio.sleep(0.01)
    go_on.set()
    decision = await returning

    assert decision.outcomes[Outcome.SENT] == 2
    async with database.read() as conn:
        assert {r.status for r in await list_reminders(conn)} == {DeliveryState.SENT}
