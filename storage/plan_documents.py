"""A school's own road map: every version of its document as uploaded, the department's decision
on each, and the school maps of a municipality's school year.

A school's map is a row of ``plans`` (kind ``road_map``, ``school_id`` set) whose ``approval``
is the state of its latest version: submitted (awaiting a decision), approved or returned.
Uploads and decisions meet on that row: a decision is a conditional UPDATE of a submitted plan,
an upload a conditional UPDATE of one not approved, so of the two at once one goes first and
the other sees what it did (a row lock on PostgreSQL, the write lock on SQLite).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.plans import Approval, NewItem, PlanKind, add_items
from storage.schema import plan_documents, plan_items, plans, schools, users


@dataclass(frozen=True, slots=True)
class DocumentVersion:
    """One uploaded version of a school's map, and the decision taken on it (None: none yet,
    or none ever: a newer version came before one)."""

    plan_id: int
    version: int
    file_name: str
    uploaded_by: int | None
    uploader_name: str | None
    uploaded_at: datetime
    decision: Approval | None
    comment: str | None
    decided_by: int | None
    decider_name: str | None
    decided_at: datetime | None


@dataclass(frozen=True, slots=True)
class SchoolMapRow:
    """A school's map of a year as a municipality's summary counts it."""

    plan_id: int
    school_id: int
    approval: Approval
    latest_version: int
    uploaded_at: datetime  # of the latest version


async def school_map_for_upload(
    conn: AsyncConnection, school_id: int, school_year: int
) -> int | None:
    """The id of the school's map of that year, if any; takes the school's row lock first
    (PostgreSQL), so that two first uploads at once make one map, not two."""
    await conn.execute(select(schools.c.id).where(schools.c.id == school_id).with_for_update())
    return await school_map_id(conn, school_id, school_year)


async def school_map_id(conn: AsyncConnection, school_id: int, school_year: int) -> int | None:
    """The id of the school's own road map of that year, if it was ever uploaded."""
    return (
        await conn.execute(
            select(plans.c.id)
            .where(
                plans.c.school_id == school_id,
                plans.c.school_year == school_year,
                plans.c.kind == PlanKind.ROAD_MAP.value,
            )
            .order_by(plans.c.id)
            .limit(1)
        )
    ).scalar_one_or_none()


async def resubmit(conn: AsyncConnection, plan_id: int, *, title: str) -> bool:
    """A new version came: the map awaits a decision again, its last comment answered. False
    (nothing changed) when the map is approved."""
    changed = await conn.execute(
        update(plans)
        .where(
            plans.c.id == plan_id,
            (plans.c.approval.is_(None)) | (plans.c.approval != Approval.APPROVED.value),
        )
        .values(approval=Approval.SUBMITTED.value, review_comment=None, title=title)
    )
    return changed.rowcount == 1


async def replace_items(
    conn: AsyncConnection, plan_id: int, items: Sequence[NewItem], *, now: datetime
) -> None:
    """The plan's items become ``items``: the old ones go with their owners, schools, history
    and reminders (all cascade)."""
    await conn.execute(delete(plan_items).where(plan_items.c.plan_id == plan_id))
    await add_items(conn, plan_id, items, now=now)


async def add_version(
    conn: AsyncConnection,
    plan_id: int,
    *,
    file_name: str,
    content: bytes,
    uploaded_by: int | None,
    now: datetime,
) -> int:
    """Store the next version of the plan's document; its number (1 for the first)."""
    latest = await conn.scalar(
        select(func.max(plan_documents.c.version)).where(plan_documents.c.plan_id == plan_id)
    )
    version = (latest or 0) + 1
    await conn.execute(
        insert(plan_documents).values(
            plan_id=plan_id,
            version=version,
            file_name=file_name,
            content=content,
            uploaded_by=uploaded_by,
            uploaded_at=now,
        )
    )
    return version


def _versions_query(plan_id: int) -> Select[Any]:
    uploader = users.alias("uploader")
    decider = users.alias("decider")
    return (
        select(
            plan_documents.c.plan_id,
            plan_documents.c.version,
            plan_documents.c.file_name,
            plan_documents.c.uploaded_by,
            uploader.c.full_name.label("uploader_name"),
            plan_documents.c.uploaded_at,
            plan_documents.c.decision,
            plan_documents.c.comment,
            plan_documents.c.decided_by,
            decider.c.full_name.label("decider_name"),
            plan_documents.c.decided_at,
        )
        .outerjoin(uploader, uploader.c.id == plan_documents.c.uploaded_by)
        .outerjoin(decider, decider.c.id == plan_documents.c.decided_by)
        .where(plan_documents.c.plan_id == plan_id)
    )


async def list_versions(conn: AsyncConnection, plan_id: int) -> list[DocumentVersion]:
    """Every version of the plan's document, oldest first (without the files themselves)."""
    rows = await conn.execute(_versions_query(plan_id).order_by(plan_documents.c.version))
    return [
        DocumentVersion(
            plan_id=row.plan_id,
            version=row.version,
            file_name=row.file_name,
            uploaded_by=row.uploaded_by,
            uploader_name=row.uploader_name,
            uploaded_at=row.uploaded_at,
            decision=None if row.decision is None else Approval(row.decision),
            comment=row.comment,
            decided_by=row.decided_by,
            decider_name=row.decider_name,
            decided_at=row.decided_at,
        )
        for row in rows
    ]


async def latest_version(conn: AsyncConnection, plan_id: int) -> DocumentVersion | None:
    versions = await list_versions(conn, plan_id)
    return versions[-1] if versions else None


async def version_file(
    conn: AsyncConnection, plan_id: int, version: int
) -> tuple[str, bytes] | None:
    """The file name and content of one version."""
    row = (
        await conn.execute(
            select(plan_documents.c.file_name, plan_documents.c.content).where(
                plan_documents.c.plan_id == plan_id, plan_documents.c.version == version
            )
        )
    ).one_or_none()
    return None if row is None else (row.file_name, bytes(row.content))


async def record_decision(
    conn: AsyncConnection,
    plan_id: int,
    version: int,
    decision: Approval,
    *,
    comment: str | None,
    decided_by: int | None,
    now: datetime,
) -> bool:
    """Approve or return a submitted map on its version ``version``. False when the map is not
    awaiting a decision or ``version`` is not its latest undecided one: then the caller must
    roll back (the plan's row may already be changed)."""
    if decision is Approval.SUBMITTED:
        raise ValueError("a decision approves or returns")
    changed = await conn.execute(
        update(plans)
        .where(plans.c.id == plan_id, plans.c.approval == Approval.SUBMITTED.value)
        .values(approval=decision.value, review_comment=comment)
    )
    if changed.rowcount != 1:
        return False
    newer = (
        select(plan_documents.c.id)
        .where(plan_documents.c.plan_id == plan_id, plan_documents.c.version > version)
        .exists()
    )
    recorded = await conn.execute(
        update(plan_documents)
        .where(
            plan_documents.c.plan_id == plan_id,
            plan_documents.c.version == version,
            plan_documents.c.decision.is_(None),
            ~newer,
        )
        .values(decision=decision.value, comment=comment, decided_by=decided_by, decided_at=now)
    )
    return recorded.rowcount == 1


async def school_maps(
    conn: AsyncConnection, municipality_id: int, school_year: int
) -> list[SchoolMapRow]:
    """The school maps of a municipality's school year, each with its latest version."""
    latest = (
        select(
            plan_documents.c.plan_id,
            func.max(plan_documents.c.version).label("version"),
        )
        .group_by(plan_documents.c.plan_id)
        .subquery()
    )
    rows = await conn.execute(
        select(
            plans.c.id,
            plans.c.school_id,
            plans.c.approval,
            latest.c.version,
            plan_documents.c.uploaded_at,
        )
        .join(latest, latest.c.plan_id == plans.c.id)
        .join(
            plan_documents,
            (plan_documents.c.plan_id == plans.c.id)
            & (plan_documents.c.version == latest.c.version),
        )
        .where(
            plans.c.municipality_id == municipality_id,
            plans.c.school_year == school_year,
            plans.c.kind == PlanKind.ROAD_MAP.value,
            plans.c.school_id.is_not(None),
            plans.c.approval.is_not(None),
        )
        .order_by(plans.c.id)
    )
    found: dict[int, SchoolMapRow] = {}
    for row in rows:
        # One map per school and year; should an older release have made two, the first counts.
        found.setdefault(
            row.school_id,
            SchoolMapRow(
                row.id, row.school_id, Approval(row.approval), row.version, row.uploaded_at
            ),
        )
    return list(found.values())


async def school_map_ids(conn: AsyncConnection) -> set[int]:
    """The ids of every school's own road map, of any year."""
    rows = await conn.execute(
        select(plans.c.id).where(
            plans.c.kind == PlanKind.ROAD_MAP.value, plans.c.school_id.is_not(None)
        )
    )
    return {row.id for row in rows}


async def municipalities_with_maps(conn: AsyncConnection, school_year: int) -> set[int]:
    """The municipalities where some school sent its map of that school year."""
    rows = await conn.execute(
        select(plans.c.municipality_id)
        .where(
            plans.c.school_year == school_year,
            plans.c.kind == PlanKind.ROAD_MAP.value,
            plans.c.school_id.is_not(None),
        )
        .distinct()
    )
    return {row.municipality_id for row in rows}
