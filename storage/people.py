"""People who use the bot and the roles they hold."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.schema import role_grants, users
from storage.types import utcnow


class Role(StrEnum):
    ADMIN = "admin"
    METHODIST = "methodist"
    COORDINATOR = "coordinator"
    RESPONDENT = "respondent"

    @classmethod
    def parse(cls, value: str) -> "Role | None":
        """The role named by ``value``, or None for anything else (e.g. forged callback data)."""
        try:
            return cls(value)
        except ValueError:
            return None


@dataclass(frozen=True, slots=True)
class User:
    id: int
    telegram_id: int
    full_name: str
    position: str | None
    username: str | None
    unreachable_since: datetime | None
    removed_at: datetime | None


@dataclass(frozen=True, slots=True)
class RoleGrant:
    """A role with its scope: nothing (whole deployment), a municipality, a district or a school."""

    id: int
    user_id: int
    role: Role
    municipality_id: int | None = None
    district_id: int | None = None
    school_id: int | None = None


@dataclass(frozen=True, slots=True)
class Person:
    """A current user with every role they hold."""

    user: User
    grants: tuple[RoleGrant, ...]


def _user(row: Row[Any]) -> User:
    return User(
        id=row.id,
        telegram_id=row.telegram_id,
        full_name=row.full_name,
        position=row.position,
        username=row.username,
        unreachable_since=row.unreachable_since,
        removed_at=row.removed_at,
    )


def _grant(row: Row[Any]) -> RoleGrant:
    return RoleGrant(
        id=row.id,
        user_id=row.user_id,
        role=Role(row.role),
        municipality_id=row.municipality_id,
        district_id=row.district_id,
        school_id=row.school_id,
    )


async def get_user_by_telegram_id(conn: AsyncConnection, telegram_id: int) -> User | None:
    row = (
        await conn.execute(select(users).where(users.c.telegram_id == telegram_id))
    ).one_or_none()
    return None if row is None else _user(row)


async def get_user(conn: AsyncConnection, user_id: int) -> User | None:
    row = (await conn.execute(select(users).where(users.c.id == user_id))).one_or_none()
    return None if row is None else _user(row)


async def add_user(
    conn: AsyncConnection,
    *,
    telegram_id: int,
    full_name: str,
    position: str | None = None,
    username: str | None = None,
) -> User:
    result = await conn.execute(
        insert(users)
        .values(
            telegram_id=telegram_id,
            full_name=full_name,
            position=position,
            username=username,
            created_at=utcnow(),
        )
        .returning(users.c.id)
    )
    return User(
        id=result.scalar_one(),
        telegram_id=telegram_id,
        full_name=full_name,
        position=position,
        username=username,
        unreachable_since=None,
        removed_at=None,
    )


async def grant_role(
    conn: AsyncConnection,
    user_id: int,
    role: Role,
    *,
    municipality_id: int | None = None,
    district_id: int | None = None,
    school_id: int | None = None,
    granted_by: int | None = None,
) -> RoleGrant:
    result = await conn.execute(
        insert(role_grants)
        .values(
            user_id=user_id,
            role=role.value,
            municipality_id=municipality_id,
            district_id=district_id,
            school_id=school_id,
            granted_by=granted_by,
            created_at=utcnow(),
        )
        .returning(role_grants.c.id)
    )
    return RoleGrant(
        id=result.scalar_one(),
        user_id=user_id,
        role=role,
        municipality_id=municipality_id,
        district_id=district_id,
        school_id=school_id,
    )


# Built once: it runs on every update (building a statement costs more than running it here).
_USER_WITH_GRANTS = (
    select(
        users,
        role_grants.c.id.label("grant_id"),
        role_grants.c.role.label("grant_role"),
        role_grants.c.municipality_id.label("grant_municipality_id"),
        role_grants.c.district_id.label("grant_district_id"),
        role_grants.c.school_id.label("grant_school_id"),
    )
    .outerjoin(role_grants, (role_grants.c.user_id == users.c.id) & users.c.removed_at.is_(None))
    .where(users.c.telegram_id == bindparam("telegram_id"))
    .order_by(role_grants.c.id)
)


async def get_user_with_grants(
    conn: AsyncConnection, telegram_id: int
) -> tuple[User | None, list[RoleGrant]]:
    """The user with this Telegram id and the roles they hold, in one query (a removed user
    holds none); for resolving who sent each update."""
    rows = (await conn.execute(_USER_WITH_GRANTS, {"telegram_id": telegram_id})).all()
    if not rows:
        return None, []
    grants = [
        RoleGrant(
            id=row.grant_id,
            user_id=row.id,
            role=Role(row.grant_role),
            municipality_id=row.grant_municipality_id,
            district_id=row.grant_district_id,
            school_id=row.grant_school_id,
        )
        for row in rows
        if row.grant_id is not None
    ]
    return _user(rows[0]), grants


async def list_grants(conn: AsyncConnection, user_id: int) -> list[RoleGrant]:
    result = await conn.execute(
        select(role_grants).where(role_grants.c.user_id == user_id).order_by(role_grants.c.id)
    )
    return [_grant(row) for row in result]


async def get_grant(conn: AsyncConnection, grant_id: int) -> RoleGrant | None:
    row = (
        await conn.execute(select(role_grants).where(role_grants.c.id == grant_id))
    ).one_or_none()
    return None if row is None else _grant(row)


async def list_people(conn: AsyncConnection) -> list[Person]:
    """Every current (not removed) user who holds at least one role, by name."""
    grants_of: dict[int, list[RoleGrant]] = {}
    for row in await conn.execute(select(role_grants).order_by(role_grants.c.id)):
        grants_of.setdefault(row.user_id, []).append(_grant(row))
    rows = await conn.execute(
        select(users).where(users.c.removed_at.is_(None)).order_by(users.c.full_name, users.c.id)
    )
    return [Person(_user(row), tuple(grants_of[row.id])) for row in rows if row.id in grants_of]


async def update_profile(
    conn: AsyncConnection,
    user_id: int,
    *,
    full_name: str | None = None,
    position: str | None = None,
    username: str | None = None,
) -> None:
    values = {
        key: value
        for key, value in (("full_name", full_name), ("position", position), ("username", username))
        if value is not None
    }
    if values:
        await conn.execute(update(users).where(users.c.id == user_id).values(**values))


async def change_grant(
    conn: AsyncConnection,
    grant_id: int,
    role: Role,
    *,
    municipality_id: int | None,
    district_id: int | None,
    school_id: int | None,
) -> None:
    await conn.execute(
        update(role_grants)
        .where(role_grants.c.id == grant_id)
        .values(
            role=role.value,
            municipality_id=municipality_id,
            district_id=district_id,
            school_id=school_id,
        )
    )


async def revoke_grant(conn: AsyncConnection, grant_id: int) -> None:
    await conn.execute(delete(role_grants).where(role_grants.c.id == grant_id))


async def set_removed(conn: AsyncConnection, user_id: int, removed_at: datetime | None) -> None:
    """Mark a person removed (their row and past answers stay) or bring them back (None)."""
    await conn.execute(update(users).where(users.c.id == user_id).values(removed_at=removed_at))


async def mark_reachable(conn: AsyncConnection, user_id: int) -> None:
    await conn.execute(
        update(users)
        .where(users.c.id == user_id, users.c.unreachable_since.is_not(None))
        .values(unreachable_since=None)
    )
