"""What last round's answers carry into the next round: valid, still asked, still shown."""

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.catalog import builtin_forms
from core.access import Action
from core.actors import resolve_actor
from core.carry_forward import carry, confirm_rest, previous_answers
from core.forms.models import FormDefinition
from core.questionnaires import (
    FormCatalog,
    forms_to_answer,
    open_response,
    record_answer,
)
from core.rounds import open_next_rounds
from storage import Database
from storage.campaigns import CampaignForm, add_campaign
from storage.people import Role
from storage.responses import Status, load_history
from tests.factories import make_person, make_town
from tests.forms.builders import make_form, options, question

TODAY = date(2027, 2, 10)
TOMSK = ZoneInfo("Asia/Tomsk")

GROUP = question(
    "events",
    "group",
    item_name="Мероприятие",
    questions=[
        question("name", "text"),
        question("date", "date", not_in_future=True),
        question("people", "integer", min=0, required=False),
    ],
)
EVERY_TYPE = make_form(
    question("held", "yes_no"),
    question("kind", "single_choice", options=options("open", "closed"), other=True),
    question("forms", "multi_choice", options=options("meeting", "talk", "lecture"), other=True),
    question("count", "integer", min=0, max=100),
    question("hours", "decimal"),
    question("share", "percent"),
    question("approved", "date", not_in_future=True),
    question("note", "text"),
    question("links", "url", several=True),
    question("grades", "grades"),
    question("scan", "file"),
    GROUP,
)
FILE = {
    "file_id": "BQAD",
    "file_unique_id": "u1",
    "name": "приказ.pdf",
    "size": 2048,
    "mime": "application/pdf",
    "kind": "document",
}
ANSWERS: dict[str, Any] = {
    "held": True,
    "kind": {"selected": "other", "other": "смешанная"},
    "forms": {"selected": ["meeting", "other"], "other": "родительский патруль"},
    "count": 12,
    "hours": 3.5,
    "share": 45.0,
    "approved": "2020-12-25",
    "note": "Положение утверждено приказом № 5",
    "links": ["https://school5.example.ru/vsoko", "https://school5.example.ru/plan"],
    "grades": [5, 6, 7, 9],
    "scan": FILE,
    "events": {
        "items": [{"name": "Совет профилактики", "date": "2026-12-01", "people": 14}],
        "done": True,
    },
}


def changed(form: FormDefinition, **replaced: dict[str, Any]) -> FormDefinition:
    """``form`` with some questions replaced (by id) as the next version would have them."""
    data = form.model_dump(mode="json", exclude_defaults=True)
    for section in data["sections"]:
        section["questions"] = [replaced.get(q["id"], q) for q in section["questions"]]
    data["version"] = form.version + 1
    return FormDefinition.model_validate(data)


def test_every_type_of_answer_is_carried_as_it_was() -> None:
    assert carry(EVERY_TYPE, EVERY_TYPE, ANSWERS, {}, today=TODAY) == ANSWERS


def test_an_unfinished_group_is_carried_as_done() -> None:
    unfinished = {**ANSWERS, "events": {**ANSWERS["events"], "done": False}}
    assert carry(EVERY_TYPE, EVERY_TYPE, unfinished, {}, today=TODAY)["events"]["done"] is True


@pytest.mark.parametrize(
    ("question_id", "new_question"),
    [
        ("count", question("count", "integer", min=0, max=10)),  # 12 is above the new limit
        ("count", question("count", "percent")),  # a number of people is no percentage
        ("kind", question("kind", "single_choice", options=options("open", "closed"))),  # no other
        ("forms", question("forms", "multi_choice", options=options("meeting", "talk"))),
        (
            "forms",
            question(
                "forms",
                "multi_choice",
                options=options("meeting", "talk", "lecture"),
                other=True,
                min_selected=3,
            ),
        ),
        ("approved", question("approved", "date", min_date="2021-01-01")),
        ("note", question("note", "text", max_length=10)),
        ("note", question("note", "yes_no")),
        ("links", question("links", "url")),  # only one link now
        ("grades", question("grades", "integer")),
        (
            "events",
            {**GROUP, "questions": [*GROUP["questions"], question("place", "text")]},
        ),  # a new required sub-question nobody answered
    ],
)
def test_a_stale_or_incompatible_answer_is_not_carried(
    question_id: str, new_question: dict[str, Any]
) -> None:
    current = changed(EVERY_TYPE, **{question_id: new_question})

    carried = carry(current, EVERY_TYPE, ANSWERS, {}, today=TODAY)

    assert question_id not in carried
    assert set(carried) == set(ANSWERS) - {question_id}


def test_compatible_types_carry() -> None:
    current = changed(
        EVERY_TYPE,
        count=question("count", "decimal"),
        note=question("note", "long_text"),
    )

    carried = carry(current, EVERY_TYPE, ANSWERS, {}, today=TODAY)

    assert carried["count"] == 12.0
    assert carried["note"] == ANSWERS["note"]


def test_removed_questions_and_hidden_answers_are_not_carried() -> None:
    before = make_form(
        question("regulation", "single_choice", options=options("vsoko", "none")),
        question(
            "approved",
            "date",
            show_if=[{"question": "regulation", "one_of": ["vsoko"]}],
        ),
        question("dropped", "text"),
    )
    after = make_form(
        question("regulation", "single_choice", options=options("vsoko", "none")),
        question(
            "approved",
            "date",
            show_if=[{"question": "regulation", "one_of": ["vsoko"]}],
        ),
    )
    # "approved" was answered, then hidden when the school changed its answer to "none".
    values = {
        "regulation": {"selected": "none", "other": None},
        "approved": "2020-12-25",
        "dropped": "x",
    }

    assert carry(after, before, values, {}, today=TODAY) == {
        "regulation": {"selected": "none", "other": None}
    }


def test_a_skip_is_carried_only_while_the_question_is_optional() -> None:
    optional = make_form(question("link", "url", required=False))
    required = make_form(question("link", "url"))

    assert carry(optional, optional, {"link": None}, {}, today=TODAY) == {"link": None}
    assert carry(required, optional, {"link": None}, {}, today=TODAY) == {}


def test_number_checks_use_the_current_answers() -> None:
    form = make_form(
        question("students", "integer"),
        question(
            "covered",
            "integer",
            checks=[{"compare": "<=", "question": "students", "message": "Больше, чем учеников"}],
        ),
    )
    last_round = {"students": 30, "covered": 20}

    assert carry(form, form, last_round, {}, today=TODAY)["covered"] == 20
    assert "covered" not in carry(form, form, last_round, {"students": 10}, today=TODAY)


# --- with the database: two rounds of a chain ---------------------------------------------------


def local(month: int, day: int, hour: int = 0) -> datetime:
    return datetime(2027, month, day, hour, tzinfo=TOMSK)


async def test_round_two_gets_round_one_answers_and_confirms_the_rest(database: Database) -> None:
    town = await make_town(database)
    await make_person(database, 10, Role.RESPONDENT, school_id=town.schools[0].id)
    await make_person(database, 11, Role.RESPONDENT, school_id=town.schools[1].id)
    catalog = FormCatalog(builtin_forms())
    await catalog.sync(database)
    async with database.write() as conn:
        await add_campaign(
            conn,
            forms=[CampaignForm("vsoko", catalog.row_id("vsoko"))],
            municipality_id=town.municipality.id,
            period_label="январь 2027",
            opens_at=local(1, 1),
            deadline_at=local(1, 31, 23),
            school_ids=[school.id for school in town.schools],
            recurrence="monthly",
        )
    teacher = await resolve_actor(database, 10, ())
    [first] = await forms_to_answer(database, catalog, teacher, now=local(1, 10))
    view = await open_response(database, catalog, teacher, first.response.id, Action.ANSWER)
    for question_id, value in (
        ("regulation", {"selected": "vsoko", "other": None}),
        ("approved_on", "2020-12-25"),
        ("mechanisms", {"selected": "partly", "other": None}),
    ):
        view = (
            await record_answer(
                database, teacher, view, question_id, value, seen=None, now=local(1, 10)
            )
        ).view

    [february] = await open_next_rounds(database, catalog, now=local(2, 1, 0))
    found = await forms_to_answer(database, catalog, teacher, now=local(2, 1, 9))
    [second] = [item for item in found if item.campaign.id == february.id]
    view = await open_response(database, catalog, teacher, second.response.id, Action.ANSWER)

    carried = await previous_answers(database, catalog, teacher, view, now=local(2, 1, 9))
    assert carried == {
        "regulation": {"selected": "vsoko", "other": None},
        "approved_on": "2020-12-25",
        "mechanisms": {"selected": "partly", "other": None},
    }
    # The other school answered nothing last time: nothing to carry.
    colleague = await resolve_actor(database, 11, ())
    [other] = [
        item
        for item in await forms_to_answer(database, catalog, colleague, now=local(2, 1, 9))
        if item.campaign.id == february.id
    ]
    other_view = await open_response(database, catalog, colleague, other.response.id, Action.ANSWER)
    assert await previous_answers(database, catalog, colleague, other_view, now=local(2, 1)) == {}
    # Round one itself has no previous round.
    first_view = await open_response(database, catalog, teacher, first.response.id, Action.ANSWER)
    assert await previous_answers(database, catalog, teacher, first_view, now=local(2, 1)) == {}

    confirmed, count = await confirm_rest(database, catalog, teacher, view, now=local(2, 2, 10))

    assert count == 3  # stops at legal_base, which was not answered last time
    assert confirmed.values == carried
    assert confirmed.response.status is Status.DRAFT
    async with database.read() as conn:
        history = await load_history(conn, confirmed.response.id)
    assert [(entry.question_id, entry.answered_at) for entry in history] == [
        ("regulation", local(2, 2, 10)),
        ("approved_on", local(2, 2, 10)),
        ("mechanisms", local(2, 2, 10)),
    ]
