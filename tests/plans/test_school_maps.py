"""A school's own road map (seed 003): its representative uploads it, the department returns it
with a comment or approves it, each version kept; the municipality's counts "утверждены N, на
доработке M, на рассмотрении S, не представлены K"."""

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncConnection

from core.access import AccessDenied
from core.plans.school_maps import (
    MapApproved,
    NotAwaiting,
    decide,
    latest_file,
    maps_summary,
    my_school_maps,
    reviewed_summaries,
    school_map_by_plan,
    submit_school_map,
)
from core.review import BadComment
from storage import Database
from storage.directory import School, add_municipality, add_school
from storage.people import Role
from storage.plans import Approval, Plan, get_plan
from tests.factories import make_actor, make_town
from tests.plans.seed import seed_draft

pytestmark = pytest.mark.asyncio

TOMSK = ZoneInfo("Asia/Tomsk")
SEPTEMBER = datetime(2020, 9, 1, 10, tzinfo=TOMSK)
YEAR = 2020


async def test_a_map_is_returned_with_a_comment_sent_again_and_approved(
    database: Database,
) -> None:
    kedrovy = await make_town(database, "Город Кедровый", ("МКОУ СОШ № 1", "МАОУ Пудинская СОШ"))
    mid = kedrovy.municipality.id
    school, neighbour = kedrovy.schools
    methodist = await make_actor(
        database, 1, Role.METHODIST, full_name="Смирнова Елена Александровна",
        municipality_id=mid,
    )  # fmt: skip
    durnikova = await make_actor(
        database, 2, Role.RESPONDENT, full_name="Дурникова Анна Викторовна", school_id=school.id
    )
    await make_actor(database, 3, Role.RESPONDENT, school_id=neighbour.id)
    draft = seed_draft()

    first = await submit_school_map(
        database, durnikova, school.id, draft, "карта.xlsx", b"v1", SEPTEMBER
    )
    plan_id = first.map.plan_id
    assert plan_id is not None
    assert (first.version, first.map.approval, first.items) == (1, Approval.SUBMITTED, 39)
    assert (first.known, first.people) == (2, 7)  # Смирнова and Дурникова, of seven named
    plan = await _plan(database, plan_id)
    assert (plan.school_id, plan.municipality_id, plan.school_year) == (school.id, mid, YEAR)
    assert {item.school_ids for item in plan.items} == {(school.id,)}

    # Returned: a comment is required, and bounded.
    with pytest.raises(BadComment):
        await decide(database, methodist, plan_id, False, "   ", SEPTEMBER)
    with pytest.raises(BadComment):
        await decide(database, methodist, plan_id, False, "я" * 1501, SEPTEMBER)
    returned = await decide(
        database, methodist, plan_id, False, " Добавьте сроки по ВПР ", SEPTEMBER, version=1
    )
    assert (returned.map.approval, returned.map.comment) == (
        Approval.RETURNED,
        "Добавьте сроки по ВПР",
    )
    assert [recipient.telegram_id for recipient in returned.recipients] == [2]
    decided = returned.map.versions[0]
    assert (decided.decision, decided.comment, decided.decider_name) == (
        Approval.RETURNED,
        "Добавьте сроки по ВПР",
        "Смирнова Елена Александровна",
    )
    with pytest.raises(NotAwaiting):  # decided already
        await decide(database, methodist, plan_id, True, "", SEPTEMBER)

    # Sent again, shorter: the same plan, its items replaced, version 2 awaits a decision.
    shorter = replace(draft, sections=draft.sections[:1])
    second = await submit_school_map(
        database, durnikova, school.id, shorter, "карта v2.docx", b"v2", SEPTEMBER
    )
    assert (second.map.plan_id, second.version) == (plan_id, 2)
    assert (second.map.approval, second.map.comment) == (Approval.SUBMITTED, None)
    assert [(v.version, v.decision) for v in second.map.versions] == [
        (1, Approval.RETURNED),
        (2, None),
    ]
    plan = await _plan(database, plan_id)
    assert len(plan.items) == len(shorter.items) < 39
    assert await latest_file(database, methodist, plan_id) == ("карта v2.docx", b"v2")

    with pytest.raises(NotAwaiting):  # a reviewer who saw version 1 only
        await decide(database, methodist, plan_id, True, "", SEPTEMBER, version=1)
    approved = await decide(database, methodist, plan_id, True, "", SEPTEMBER, version=2)
    assert (approved.map.approval, approved.version) == (Approval.APPROVED, 2)
    assert approved.map.versions[-1].decision is Approval.APPROVED

    # An approved map is final.
    with pytest.raises(MapApproved):
        await submit_school_map(database, durnikova, school.id, draft, "v3.xlsx", b"v3", SEPTEMBER)
    after = await school_map_by_plan(database, durnikova, plan_id)
    assert (len(after.versions), after.approval) == (2, Approval.APPROVED)
    assert [found.approval for found in await my_school_maps(database, durnikova, YEAR)] == [
        Approval.APPROVED
    ]


async def test_a_second_upload_before_a_decision_leaves_the_first_undecided(
    database: Database,
) -> None:
    town = await make_town(database, "Город Кедровый", ("МКОУ СОШ № 1",))
    methodist = await make_actor(database, 1, Role.METHODIST, municipality_id=town.municipality.id)
    teacher = await make_actor(database, 2, Role.RESPONDENT, school_id=town.schools[0].id)
    draft = seed_draft()
    first = await submit_school_map(
        database, teacher, town.schools[0].id, draft, "a.xlsx", b"1", SEPTEMBER
    )
    await submit_school_map(database, teacher, town.schools[0].id, draft, "b.xlsx", b"2", SEPTEMBER)
    assert first.map.plan_id is not None
    approved = await decide(database, methodist, first.map.plan_id, True, "", SEPTEMBER)
    assert [(v.version, v.decision) for v in approved.map.versions] == [
        (1, None),
        (2, Approval.APPROVED),
    ]


async def test_the_counts_name_the_shnor_schools_without_a_map(database: Database) -> None:
    async with database.write() as conn:
        omsk = await add_municipality(conn, "Город Омск", "Asia/Omsk")
        schools = [
            await _school(conn, omsk.id, name, shnor=name != "СОШ № 99")
            for name in ("СОШ № 1", "СОШ № 2", "СОШ № 3", "СОШ № 4", "СОШ № 99")
        ]
    methodist = await make_actor(database, 1, Role.METHODIST, municipality_id=omsk.id)
    writers = [
        await make_actor(database, 10 + n, Role.RESPONDENT, school_id=school.id)
        for n, school in enumerate(schools)
    ]
    draft = seed_draft()
    plans = [
        (await submit_school_map(database, writer, school.id, draft, "x.xlsx", b"x", SEPTEMBER))
        for writer, school in zip(writers[:3], schools[:3], strict=True)
    ]
    assert all(found.map.plan_id for found in plans)
    await decide(database, methodist, plans[0].map.plan_id or 0, True, "", SEPTEMBER)
    await decide(database, methodist, plans[1].map.plan_id or 0, False, "Нет сроков", SEPTEMBER)

    summary = await maps_summary(database, methodist, omsk.id, YEAR)
    assert (summary.approved, summary.returned, summary.submitted) == (1, 1, 1)
    # СОШ № 99 is no ШНОР school: it owes no map.
    assert [school.short_name for school in summary.missing] == ["СОШ № 4"]
    assert [(found.school.short_name, found.approval) for found in summary.maps] == [
        ("СОШ № 3", Approval.SUBMITTED),
        ("СОШ № 2", Approval.RETURNED),
        ("СОШ № 1", Approval.APPROVED),
    ]
    # A map of the non-ШНОР school counts all the same; another year has none.
    await submit_school_map(database, writers[4], schools[4].id, draft, "x.xlsx", b"x", SEPTEMBER)
    summary = await maps_summary(database, methodist, omsk.id, YEAR)
    assert (summary.submitted, len(summary.missing)) == (2, 1)
    assert (await maps_summary(database, methodist, omsk.id, YEAR + 1)).missing == tuple(
        schools[:4]
    )
    assert [
        found.municipality.id for found in await reviewed_summaries(database, methodist, YEAR)
    ] == [omsk.id]


async def test_with_no_shnor_school_marked_every_school_owes_a_map(database: Database) -> None:
    town = await make_town(database, "Город Кедровый", ("СОШ № 1", "СОШ № 2"))
    methodist = await make_actor(database, 1, Role.METHODIST, municipality_id=town.municipality.id)
    summary = await maps_summary(database, methodist, town.municipality.id, YEAR)
    assert (summary.approved, summary.returned, summary.submitted) == (0, 0, 0)
    assert summary.missing == tuple(town.schools)


async def test_only_the_school_s_representative_submits_and_a_methodist_decides(
    database: Database,
) -> None:
    town = await make_town(database, "Город Кедровый", ("СОШ № 1", "СОШ № 2"))
    other = await make_town(database, "Город Томск", ("СОШ № 5",))
    mid = town.municipality.id
    own, neighbour = town.schools
    teacher = await make_actor(database, 1, Role.RESPONDENT, school_id=own.id)
    neighbour_teacher = await make_actor(database, 2, Role.RESPONDENT, school_id=neighbour.id)
    coordinator = await make_actor(database, 3, Role.COORDINATOR, school_id=own.id)
    methodist = await make_actor(database, 4, Role.METHODIST, municipality_id=mid)
    stranger = await make_actor(database, 5, Role.METHODIST, municipality_id=other.municipality.id)
    draft = seed_draft()

    for outsider in (neighbour_teacher, coordinator, methodist):
        with pytest.raises(AccessDenied):
            await submit_school_map(database, outsider, own.id, draft, "x.xlsx", b"x", SEPTEMBER)
    with pytest.raises(AccessDenied):  # no such school
        await submit_school_map(database, teacher, 10_000, draft, "x.xlsx", b"x", SEPTEMBER)
    submitted = await submit_school_map(database, teacher, own.id, draft, "x.xlsx", b"x", SEPTEMBER)
    plan_id = submitted.map.plan_id
    assert plan_id is not None

    for outsider in (teacher, neighbour_teacher, coordinator, stranger):
        with pytest.raises(AccessDenied):
            await decide(database, outsider, plan_id, True, "", SEPTEMBER)
    for outsider in (neighbour_teacher, coordinator, stranger):
        with pytest.raises(AccessDenied):
            await latest_file(database, outsider, plan_id)
    with pytest.raises(AccessDenied):
        await maps_summary(database, stranger, mid, YEAR)
    with pytest.raises(AccessDenied):
        await maps_summary(database, teacher, mid, YEAR)
    assert await reviewed_summaries(database, teacher, YEAR) == []
    assert await reviewed_summaries(database, stranger, YEAR) == [
        await maps_summary(database, stranger, other.municipality.id, YEAR)
    ]
    assert await my_school_maps(database, methodist, YEAR) == []
    assert (await decide(database, methodist, plan_id, True, "", SEPTEMBER)).map.approval is (
        Approval.APPROVED
    )


async def _plan(database: Database, plan_id: int) -> Plan:
    async with database.read() as conn:
        plan = await get_plan(conn, plan_id)
    assert plan is not None
    return plan


async def _school(conn: AsyncConnection, municipality_id: int, name: str, *, shnor: bool) -> School:
    return await add_school(
        conn,
        municipality_id=municipality_id,
        full_name=f"БОУ г. Омска «{name}»",
        short_name=name,
        is_shnor=shnor,
    )
