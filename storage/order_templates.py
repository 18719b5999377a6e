"""Departments' .docx templates of the analytic order: a municipality's own, or the deployment's.

A municipality without its own template prints on the deployment-wide one (NULL municipality),
if there is one; ``load_template`` says which it found.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.schema import order_templates, users


@dataclass(frozen=True, slots=True)
class StoredTemplate:
    id: int
    municipality_id: int | None  # None: the deployment-wide template
    file_name: str
    content: bytes
    uploaded_by: int | None
    uploaded_by_name: str | None  # the uploader's full name, when they had a user row
    uploaded_at: datetime
    # True: the municipality's own (or, asked for None, the deployment's); False: the
    # deployment-wide one a municipality without its own falls back to.
    own: bool


def _scope(municipality_id: int | None) -> Any:
    column = order_templates.c.municipality_id
    return column.is_(None) if municipality_id is None else column == municipality_id


async def _find(
    conn: AsyncConnection, municipality_id: int | None, *, own: bool
) -> StoredTemplate | None:
    row: Row[Any] | None = (
        await conn.execute(
            select(order_templates, users.c.full_name)
            .select_from(
                order_templates.outerjoin(users, users.c.id == order_templates.c.uploaded_by)
            )
            .where(_scope(municipality_id))
            # Two deployment-wide rows could only come from saves racing on PostgreSQL: the
            # newest wins.
            .order_by(order_templates.c.uploaded_at.desc(), order_templates.c.id.desc())
            .limit(1)
        )
    ).one_or_none()
    if row is None:
        return None
    return StoredTemplate(
        id=row.id,
        municipality_id=row.municipality_id,
        file_name=row.file_name,
        content=bytes(row.content),
        uploaded_by=row.uploaded_by,
        uploaded_by_name=row.full_name,
        uploaded_at=row.uploaded_at,
        own=own,
    )


async def load_template(
    conn: AsyncConnection, municipality_id: int | None
) -> StoredTemplate | None:
    """The municipality's own template, else the deployment-wide one (``own`` False); for None,
    the deployment-wide one."""
    found = await _find(conn, municipality_id, own=True)
    if found is None and municipality_id is not None:
        found = await _find(conn, None, own=False)
    return found


async def save_template(
    conn: AsyncConnection,
    municipality_id: int | None,
    *,
    file_name: str,
    content: bytes,
    uploaded_by: int | None,
    uploaded_at: datetime,
) -> StoredTemplate:
    """Replace the template of the municipality (None: the deployment's). Call it inside one
    write transaction: the old row is deleted first, as NULLs never collide in a unique key."""
    await conn.execute(delete(order_templates).where(_scope(municipality_id)))
    result = await conn.execute(
        insert(order_templates)
        .values(
            municipality_id=municipality_id,
            file_name=file_name,
            content=content,
            uploaded_by=uploaded_by,
            uploaded_at=uploaded_at,
        )
        .returning(order_templates.c.id)
    )
    name = None
    if uploaded_by is not None:
        name = (
            await conn.execute(select(users.c.full_name).where(users.c.id == uploaded_by))
        ).scalar_one_or_none()
    return StoredTemplate(
        id=result.scalar_one(),
        municipality_id=municipality_id,
        file_name=file_name,
        content=content,
        uploaded_by=uploaded_by,
        uploaded_by_name=name,
        uploaded_at=uploaded_at,
        own=True,
    )


async def delete_template(conn: AsyncConnection, municipality_id: int | None) -> bool:
    """Remove the municipality's own template (None: the deployment's); whether there was one."""
    result = await conn.execute(delete(order_templates).where(_scope(municipality_id)))
    return bool(result.rowcount)
