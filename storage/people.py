"""People who use the bot and the roles they hold."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.schema import role_grants, users
from storage.types import utcnow


class Role(StrEnum):
    ADMIN = "admin"
    METHODIST = "methodist"
    COORDINATOR = "coordinator"
    RESPONDENT = "respondent"


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


async def get_user_by_telegram_id(conn: AsyncConnection, telegram_id: int) -> User | None:
    row = (
        await conn.execute(select(users).where(users.c.telegram_id == telegram_id))
    ).one_or_none()
    if row is None:
        return None
    return User(
        id=row.id,
        telegram_id=row.telegram_id,
        full_name=row.full_name,
        position=row.position,
        username=row.username,
        unreachable_since=row.unreachable_since,
        removed_at=row.removed_at,
    )


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


async def list_grants(conn: AsyncConnection, user_id: int) -> list[RoleGrant]:
    result = await conn.execute(
        select(role_grants).where(role_grants.c.user_id == user_id).order_by(role_grants.c.id)
    )
    return [
        RoleGrant(
            id=r.id,
            user_id=r.user_id,
            role=Role(r.role),
            municipality_id=r.municipality_id,
            district_id=r.district_id,
            school_id=r.school_id,
        )
        for r in result
    ]


async def mark_reachable(conn: AsyncConnection, user_id: int) -> None:
    await conn.execute(
        update(users)
        .where(users.c.id == user_id, users.c.unreachable_since.is_not(None))
        .values(unreachable_since=None)
    )
