"""People management at the service level."""

import pytest

from core.access import AccessDenied
from core.actors import resolve_actor
from core.people import change_role, people_in_scope, person_for, remove_person
from storage import Database
from storage.people import Role, get_user, list_grants
from storage.types import utcnow
from tests.factories import make_person, make_town


async def test_a_methodist_lists_and_removes_only_people_of_their_municipality(
    database: Database,
) -> None:
    town = await make_town(database)
    other = await make_town(database, "Томский район", ("Мирненская СОШ",))
    await make_person(database, 50, Role.METHODIST, municipality_id=town.municipality.id)
    ours = await make_person(
        database, 60, Role.RESPONDENT, full_name="Иванова Мария", school_id=town.schools[0].id
    )
    theirs = await make_person(
        database, 61, Role.RESPONDENT, full_name="Петров Пётр", school_id=other.schools[0].id
    )
    admin = await make_person(database, 62, Role.ADMIN, full_name="Кузнецов Андрей")
    methodist = await resolve_actor(database, 50, admin_ids=())

    listed = await people_in_scope(database, methodist)
    assert [p.user.id for p in listed] == [ours.id]
    for forbidden in (theirs.id, admin.id):
        with pytest.raises(AccessDenied):
            await person_for(database, methodist, forbidden)
        with pytest.raises(AccessDenied):
            await remove_person(database, methodist, forbidden, now=utcnow())

    removal = await remove_person(database, methodist, ours.id, now=utcnow())

    assert removal.fully_removed
    async with database.read() as conn:
        kept = await get_user(conn, ours.id)
        assert await list_grants(conn, ours.id) == []
    assert kept is not None  # the row stays: past answers remain attributed
    assert kept.removed_at is not None
    assert not (await resolve_actor(database, 60, admin_ids=())).is_registered


async def test_removing_takes_only_the_roles_in_scope(database: Database) -> None:
    town = await make_town(database)
    other = await make_town(database, "Томский район", ("Мирненская СОШ",))
    await make_person(database, 50, Role.METHODIST, municipality_id=town.municipality.id)
    person = await make_person(database, 60, Role.RESPONDENT, school_id=town.schools[0].id)
    async with database.write() as conn:
        from storage.people import grant_role

        await grant_role(conn, person.id, Role.COORDINATOR, school_id=other.schools[0].id)
    methodist = await resolve_actor(database, 50, admin_ids=())

    removal = await remove_person(database, methodist, person.id, now=utcnow())

    assert (removal.removed_grants, removal.fully_removed) == (1, False)
    assert (await resolve_actor(database, 60, admin_ids=())).roles == {Role.COORDINATOR}


async def test_change_role_within_what_the_scope_allows(database: Database) -> None:
    town = await make_town(database)
    await make_person(database, 50, Role.METHODIST, municipality_id=town.municipality.id)
    person = await make_person(database, 60, Role.RESPONDENT, school_id=town.schools[0].id)
    methodist = await resolve_actor(database, 50, admin_ids=())
    async with database.read() as conn:
        (grant,) = await list_grants(conn, person.id)

    changed = await change_role(database, methodist, grant.id, Role.COORDINATOR)
    assert (changed.role, changed.school_id) == (Role.COORDINATOR, town.schools[0].id)

    with pytest.raises(AccessDenied):
        await change_role(database, methodist, grant.id, Role.ADMIN)
    with pytest.raises(AccessDenied):
        await change_role(database, methodist, grant.id, Role.METHODIST)
