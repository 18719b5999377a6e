"""Invitations: hashed tokens with a role, a scope, an expiry and a use limit."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.people import Role
from storage.schema import invitation_redemptions, invitation_schools, invitations


@dataclass(frozen=True, slots=True)
class Invitation:
    id: int
    role: Role
    municipality_id: int | None
    district_id: int | None
    school_ids: tuple[int, ...]
    created_by: int | None
    created_at: datetime
    expires_at: datetime
    max_uses: int | None
    uses: int
    revoked_at: datetime | None

    def is_used_up(self) -> bool:
        return self.max_uses is not None and self.uses >= self.max_uses


async def add_invitation(
    conn: AsyncConnection,
    *,
    token_hash: str,
    role: Role,
    municipality_id: int | None,
    district_id: int | None,
    school_ids: Sequence[int],
    created_by: int | None,
    created_at: datetime,
    expires_at: datetime,
    max_uses: int | None,
) -> Invitation:
    result = await conn.execute(
        insert(invitations)
        .values(
            token_hash=token_hash,
            role=role.value,
            municipality_id=municipality_id,
            district_id=district_id,
            created_by=created_by,
            created_at=created_at,
            expires_at=expires_at,
            max_uses=max_uses,
            uses=0,
        )
        .returning(invitations.c.id)
    )
    invitation_id = result.scalar_one()
    if school_ids:
        await conn.execute(
            insert(invitation_schools),
            [{"invitation_id": invitation_id, "school_id": school_id} for school_id in school_ids],
        )
    return Invitation(
        id=invitation_id,
        role=role,
        municipality_id=municipality_id,
        district_id=district_id,
        school_ids=tuple(school_ids),
        created_by=created_by,
        created_at=created_at,
        expires_at=expires_at,
        max_uses=max_uses,
        uses=0,
        revoked_at=None,
    )


async def _load(conn: AsyncConnection, condition: ColumnElement[bool]) -> list[Invitation]:
    rows = (
        await conn.execute(select(invitations).where(condition).order_by(invitations.c.id))
    ).all()
    if not rows:
        return []
    schools_of: dict[int, list[int]] = {row.id: [] for row in rows}
    links = await conn.execute(
        select(invitation_schools.c.invitation_id, invitation_schools.c.school_id)
        .where(invitation_schools.c.invitation_id.in_(list(schools_of)))
        .order_by(invitation_schools.c.school_id)
    )
    for invitation_id, school_id in links:
        schools_of[invitation_id].append(school_id)
    return [
        Invitation(
            id=row.id,
            role=Role(row.role),
            municipality_id=row.municipality_id,
            district_id=row.district_id,
            school_ids=tuple(schools_of[row.id]),
            created_by=row.created_by,
            created_at=row.created_at,
            expires_at=row.expires_at,
            max_uses=row.max_uses,
            uses=row.uses,
            revoked_at=row.revoked_at,
        )
        for row in rows
    ]


async def get_invitation_by_hash(conn: AsyncConnection, token_hash: str) -> Invitation | None:
    found = await _load(conn, invitations.c.token_hash == token_hash)
    return found[0] if found else None


async def get_invitation(conn: AsyncConnection, invitation_id: int) -> Invitation | None:
    found = await _load(conn, invitations.c.id == invitation_id)
    return found[0] if found else None


async def list_open_invitations(conn: AsyncConnection, now: datetime) -> list[Invitation]:
    """Invitations that can still be used: not revoked, not expired, not used up."""
    return await _load(
        conn,
        and_(
            invitations.c.revoked_at.is_(None),
            invitations.c.expires_at > now,
            or_(invitations.c.max_uses.is_(None), invitations.c.uses < invitations.c.max_uses),
        ),
    )


async def take_use(conn: AsyncConnection, invitation_id: int, now: datetime) -> bool:
    """Count one use if the invitation is still open; False if it no longer is (a lost race)."""
    result = await conn.execute(
        update(invitations)
        .where(
            invitations.c.id == invitation_id,
            invitations.c.revoked_at.is_(None),
            invitations.c.expires_at > now,
            or_(invitations.c.max_uses.is_(None), invitations.c.uses < invitations.c.max_uses),
        )
        .values(uses=invitations.c.uses + 1)
    )
    return result.rowcount == 1


async def record_redemption(
    conn: AsyncConnection, invitation_id: int, user_id: int, now: datetime
) -> None:
    await conn.execute(
        insert(invitation_redemptions).values(
            invitation_id=invitation_id, user_id=user_id, redeemed_at=now
        )
    )


async def revoke_invitation(conn: AsyncConnection, invitation_id: int, now: datetime) -> bool:
    result = await conn.execute(
        update(invitations)
        .where(invitations.c.id == invitation_id, invitations.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return result.rowcount == 1
