"""Form versions, responses, answers and their history, on SQLite and PostgreSQL."""

import asyncio
from datetime import timedelta

import pytest

from storage import Database
from storage.campaigns import CampaignForm, add_campaign, open_campaigns_for_schools
from storage.forms import FormVersionConflict, ensure_form_version, latest_form
from storage.people import Role
from storage.responses import (
    Status,
    change_status,
    get_or_create_response,
    load_answer_values,
    load_answers,
    load_history,
    save_answer,
)
from storage.types import utcnow
from tests.factories import make_person, make_town

DEFINITION = {"id": "vsoko", "version": 1, "sections": []}


async def test_a_form_version_is_stored_once_and_may_not_change(database: Database) -> None:
    async with database.write() as conn:
        first = await ensure_form_version(conn, "vsoko", 1, "ВСОКО", DEFINITION)
        again = await ensure_form_version(conn, "vsoko", 1, "ВСОКО", dict(DEFINITION))
        second = await ensure_form_version(conn, "vsoko", 2, "ВСОКО", {**DEFINITION, "version": 2})
        assert first.id == again.id
        assert (await latest_form(conn, "vsoko")) == second
    with pytest.raises(FormVersionConflict, match="raise its version"):
        async with database.write() as conn:
            await ensure_form_version(conn, "vsoko", 1, "ВСОКО", {**DEFINITION, "sections": [1]})


async def _response(database: Database) -> tuple[int, int]:
    town = await make_town(database)
    user = await make_person(database, 1, Role.RESPONDENT, school_id=town.schools[0].id)
    now = utcnow()
    async with database.write() as conn:
        form = await ensure_form_version(conn, "vsoko", 1, "ВСОКО", DEFINITION)
        campaign = await add_campaign(
            conn,
            forms=[CampaignForm("vsoko", form.id)],
            municipality_id=town.municipality.id,
            period_label="1 полугодие",
            opens_at=now - timedelta(hours=1),
            deadline_at=now + timedelta(days=7),
            school_ids=[s.id for s in town.schools],
        )
        assert [
            c.id for _, c in await open_campaigns_for_schools(conn, [town.schools[0].id], now)
        ] == [campaign.id]
        response = await get_or_create_response(
            conn, campaign.id, town.schools[0].id, "vsoko", form.id, now
        )
        same = await get_or_create_response(
            conn, campaign.id, town.schools[0].id, "vsoko", form.id, now
        )
        assert same.id == response.id
        assert response.status is Status.NOT_STARTED
    return response.id, user.id


async def test_answers_keep_the_last_value_and_every_change(database: Database) -> None:
    response_id, user_id = await _response(database)
    async with database.write() as conn:
        await save_answer(
            conn, response_id, "regulation", {"selected": "vsoko"}, user_id=user_id, now=utcnow()
        )
        await save_answer(
            conn, response_id, "regulation", {"selected": "none"}, user_id=user_id, now=utcnow()
        )
        await save_answer(conn, response_id, "comment", None, user_id=user_id, now=utcnow())

    async with database.read() as conn:
        answers = await load_answers(conn, response_id)
        history = await load_history(conn, response_id)
    assert answers["regulation"].value == {"selected": "none"}
    assert answers["regulation"].answered_by_name == "Иванова Мария Петровна"
    assert answers["comment"].value is None
    assert [(h.question_id, h.value) for h in history] == [
        ("regulation", {"selected": "vsoko"}),
        ("regulation", {"selected": "none"}),
        ("comment", None),
    ]


async def test_status_changes_are_recorded(database: Database) -> None:
    response_id, user_id = await _response(database)
    async with database.write() as conn:
        from storage.responses import get_response

        response = await get_response(conn, response_id)
        assert response is not None
        draft = await change_status(conn, response, Status.DRAFT, user_id=user_id, now=utcnow())
        submitted = await change_status(
            conn, draft, Status.SUBMITTED, user_id=user_id, now=utcnow()
        )
    assert draft.started_at is not None
    assert submitted.submitted_at is not None
    assert submitted.status is Status.SUBMITTED


async def test_concurrent_writers_lose_no_answer(database: Database) -> None:
    """Many answers written at once (two people, many questions): every one is in the history."""
    response_id, user_id = await _response(database)

    async def write(number: int) -> None:
        async with database.write() as conn:
            await save_answer(
                conn, response_id, f"q{number % 7}", number, user_id=user_id, now=utcnow()
            )

    await asyncio.gather(*(write(number) for number in range(60)))

    async with database.read() as conn:
        history = await load_history(conn, response_id)
        answers = await load_answers(conn, response_id)
    assert sorted(h.value for h in history) == list(range(60))
    assert len(answers) == 7


async def test_answer_values_of_many_responses_in_one_query(database: Database) -> None:
    response_id, user_id = await _response(database)
    async with database.write() as conn:
        await save_answer(
            conn, response_id, "regulation", {"selected": "none"}, user_id=user_id, now=utcnow()
        )
        await save_answer(conn, response_id, "comment", None, user_id=user_id, now=utcnow())

    async with database.read() as conn:
        values = await load_answer_values(conn, [response_id, 999_999])
        assert await load_answer_values(conn, []) == {}

    assert values == {
        response_id: {"regulation": {"selected": "none"}, "comment": None},
        999_999: {},
    }
