"""People management: who holds which role, changing a role, removing a person.

A person is managed through their grants: an actor manages a grant when it may both manage
people there and hand out that grant's role there. So a methodist manages the coordinators and
respondents of their municipality, never an administrator.
"""

from dataclasses import dataclass
from datetime import datetime

from core.access import AccessDenied, Action, Target, allows, authorize_grant, may_grant
from core.actors import Actor
from core.directory import Directory, load_directory
from storage import Database
from storage.people import (
    Person,
    Role,
    RoleGrant,
    change_grant,
    get_grant,
    get_user,
    list_grants,
    list_people,
    revoke_grant,
    set_removed,
    update_profile,
)

MAX_NAME_LENGTH = 200


class ProfileError(ValueError):
    """A name or position that cannot be kept as given."""


@dataclass(frozen=True, slots=True)
class Removal:
    removed_grants: int
    fully_removed: bool


def manages(actor: Actor, directory: Directory, grant: RoleGrant) -> bool:
    target = grant_target(directory, grant)
    return allows(actor, Action.MANAGE_PEOPLE, target) and may_grant(actor, grant.role, target)


def grant_target(directory: Directory, grant: RoleGrant) -> Target:
    return directory.target(
        municipality_id=grant.municipality_id,
        district_id=grant.district_id,
        school_id=grant.school_id,
    )


def roles_for_scope(grant: RoleGrant) -> list[Role]:
    """The roles a grant's scope can carry: a school fits a respondent or a coordinator, ..."""
    if grant.school_id is not None:
        return [Role.RESPONDENT, Role.COORDINATOR]
    if grant.district_id is not None:
        return [Role.COORDINATOR]
    if grant.municipality_id is not None:
        return [Role.METHODIST]
    return [Role.ADMIN, Role.METHODIST]


async def people_in_scope(
    database: Database,
    actor: Actor,
    *,
    role: Role | None = None,
    school_id: int | None = None,
) -> list[Person]:
    """People with at least one grant the actor manages, optionally of a role or a school."""
    directory = await load_directory(database)
    async with database.read() as conn:
        everyone = await list_people(conn)
    found = []
    for person in everyone:
        grants = tuple(
            g
            for g in person.grants
            if manages(actor, directory, g)
            and (role is None or g.role is role)
            and (school_id is None or g.school_id == school_id)
        )
        if grants:
            found.append(Person(person.user, grants))
    return found


async def person_for(database: Database, actor: Actor, user_id: int) -> Person:
    """A person with the grants the actor manages; AccessDenied if there are none."""
    directory = await load_directory(database)
    async with database.read() as conn:
        user = await get_user(conn, user_id)
        grants = [] if user is None else await list_grants(conn, user_id)
    managed = tuple(g for g in grants if manages(actor, directory, g))
    if user is None or user.removed_at is not None or not managed:
        raise AccessDenied(Action.MANAGE_PEOPLE)
    return Person(user, managed)


async def change_role(database: Database, actor: Actor, grant_id: int, role: Role) -> RoleGrant:
    directory = await load_directory(database)
    async with database.write() as conn:
        grant = await get_grant(conn, grant_id)
        if grant is None or not manages(actor, directory, grant):
            raise AccessDenied(Action.MANAGE_PEOPLE)
        if role not in roles_for_scope(grant):
            raise AccessDenied(Action.MANAGE_PEOPLE)
        authorize_grant(actor, role, grant_target(directory, grant))
        await change_grant(
            conn,
            grant.id,
            role,
            municipality_id=grant.municipality_id,
            district_id=grant.district_id,
            school_id=grant.school_id,
        )
    return RoleGrant(
        id=grant.id,
        user_id=grant.user_id,
        role=role,
        municipality_id=grant.municipality_id,
        district_id=grant.district_id,
        school_id=grant.school_id,
    )


async def remove_person(
    database: Database, actor: Actor, user_id: int, *, now: datetime
) -> Removal:
    """Take away every role the actor manages; with none left the person is removed.

    The user row stays, so answers they gave remain attributed to them.
    """
    directory = await load_directory(database)
    async with database.write() as conn:
        grants = await list_grants(conn, user_id)
        managed = [g for g in grants if manages(actor, directory, g)]
        if not managed:
            raise AccessDenied(Action.MANAGE_PEOPLE)
        for grant in managed:
            await revoke_grant(conn, grant.id)
        fully = len(managed) == len(grants)
        if fully:
            await set_removed(conn, user_id, now)
    return Removal(len(managed), fully)


def name_from_telegram(first_name: str, last_name: str | None) -> str:
    """One name order everywhere, as the department writes it: "Фамилия Имя [Отчество]".
    Telegram gives the first name and the last name apart; they are put in that order."""
    return " ".join(part for part in (last_name, first_name) if part and part.strip())


def clean_full_name(text: str) -> str:
    name = " ".join(text.split())
    if not name or len(name) > MAX_NAME_LENGTH or len(name.split()) < 2:
        raise ProfileError(name)
    if any(ch.isdigit() for ch in name) or not all(ch.isalpha() or ch in " .-'" for ch in name):
        raise ProfileError(name)
    return name


def clean_position(text: str) -> str:
    position = " ".join(text.split())
    if not position or len(position) > MAX_NAME_LENGTH:
        raise ProfileError(position)
    return position


async def save_profile(
    database: Database, user_id: int, *, full_name: str | None = None, position: str | None = None
) -> None:
    async with database.write() as conn:
        await update_profile(conn, user_id, full_name=full_name, position=position)
