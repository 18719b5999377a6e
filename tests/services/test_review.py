"""Return for revision, resubmission and acceptance, with every transition recorded."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.forms.loader import load_forms
from bot.services.access import AccessDenied, Action
from bot.services.actors import Actor, resolve_actor
from bot.services.campaigns import open_form_for_schools
from bot.services.questionnaires import (
    FormCatalog,
    forms_to_answer,
    open_response,
    record_answer,
    submit_response,
)
from bot.services.review import WrongStatus, accept, return_for_revision
from storage import Database
from storage.people import Role
from storage.responses import Status
from storage.schema import response_events
from storage.types import utcnow
from tests.factories import make_person, make_town

ORGANISER = Actor(telegram_id=0, user=None, bootstrap_admin=True)


async def test_return_resubmit_accept(database: Database) -> None:
    town = await make_town(database)
    other = await make_town(database, "Томский район", ("Мирненская СОШ",))
    await make_person(database, 10, Role.RESPONDENT, school_id=town.schools[0].id)
    await make_person(
        database,
        20,
        Role.METHODIST,
        full_name="Петрова Елена",
        municipality_id=town.municipality.id,
    )
    await make_person(
        database,
        30,
        Role.METHODIST,
        full_name="Чужой Методист",
        municipality_id=other.municipality.id,
    )
    catalog = FormCatalog(load_forms())
    await catalog.sync(database)
    now = utcnow()
    await open_form_for_schools(
        database,
        catalog,
        ORGANISER,
        "vsoko",
        deadline=(now + timedelta(days=5)).date(),
        period_label="1 полугодие",
        now=now,
    )
    teacher = await resolve_actor(database, 10, ())
    methodist = await resolve_actor(database, 20, ())
    stranger = await resolve_actor(database, 30, ())
    (item,) = [
        i
        for i in await forms_to_answer(database, catalog, teacher, now=now)
        if i.form.id == "vsoko"
    ]
    response_id = item.response.id
    for question, value in (
        ("regulation", {"selected": "none", "other": None}),
        ("year_programme", True),
        ("comment", None),
    ):
        view = await open_response(database, catalog, teacher, response_id, Action.ANSWER)
        await record_answer(database, teacher, view, question, value, seen=None, now=now)

    with pytest.raises(WrongStatus):
        await accept(database, catalog, methodist, response_id, now=now)
    await submit_response(database, catalog, teacher, response_id, now=now)
    with pytest.raises(AccessDenied):
        await return_for_revision(database, catalog, stranger, response_id, "нет", now=now)
    with pytest.raises(AccessDenied):
        await accept(
            database, catalog, teacher, response_id, now=now
        )  # a school does not review itself

    returned = await return_for_revision(
        database, catalog, methodist, response_id, "Укажите дату положения", now=now
    )
    assert returned.response.status is Status.RETURNED
    view = await open_response(database, catalog, teacher, response_id, Action.ANSWER)
    await record_answer(database, teacher, view, "year_programme", False, seen=None, now=now)
    await submit_response(database, catalog, teacher, response_id, now=now)
    accepted = await accept(database, catalog, methodist, response_id, now=now)

    assert accepted.response.status is Status.ACCEPTED
    async with database.read() as conn:
        events = (
            await conn.execute(
                select(
                    response_events.c.from_status,
                    response_events.c.to_status,
                    response_events.c.comment,
                ).order_by(response_events.c.id)
            )
        ).all()
    assert [(e.from_status, e.to_status) for e in events] == [
        ("not_started", "draft"),
        ("draft", "submitted"),
        ("submitted", "returned"),
        ("returned", "draft"),
        ("draft", "submitted"),
        ("submitted", "accepted"),
    ]
    assert events[2].comment == "Укажите дату положения"
