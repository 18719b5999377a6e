"""Municipalities, educational districts and schools."""

from collections.abc import Collection, Sequence
from dataclasses import asdict, dataclass, field, replace

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.schema import districts, municipalities, schools
from storage.types import utcnow


@dataclass(frozen=True, slots=True)
class Municipality:
    id: int
    name: str
    timezone: str


@dataclass(frozen=True, slots=True)
class District:
    id: int
    municipality_id: int
    name: str
    base_school_id: int | None
    head_name: str | None


@dataclass(frozen=True, slots=True)
class School:
    id: int
    municipality_id: int
    district_id: int | None
    full_name: str
    short_name: str
    legal_form: str | None = None
    is_shnor: bool = False
    unfavourable_conditions: bool = False
    problem_categories: tuple[str, ...] = field(default=())


def _school(row: RowMapping) -> School:
    return School(
        id=row["id"],
        municipality_id=row["municipality_id"],
        district_id=row["district_id"],
        full_name=row["full_name"],
        short_name=row["short_name"],
        legal_form=row["legal_form"],
        is_shnor=row["is_shnor"],
        unfavourable_conditions=row["unfavourable_conditions"],
        problem_categories=tuple(row["problem_categories"] or ()),
    )


async def add_municipality(conn: AsyncConnection, name: str, timezone: str) -> Municipality:
    result = await conn.execute(
        insert(municipalities)
        .values(name=name, timezone=timezone, created_at=utcnow())
        .returning(municipalities.c.id)
    )
    return Municipality(id=result.scalar_one(), name=name, timezone=timezone)


async def list_municipalities(conn: AsyncConnection) -> list[Municipality]:
    result = await conn.execute(select(municipalities).order_by(municipalities.c.name))
    return [Municipality(id=r.id, name=r.name, timezone=r.timezone) for r in result]


async def get_municipality(conn: AsyncConnection, municipality_id: int) -> Municipality | None:
    row = (
        await conn.execute(select(municipalities).where(municipalities.c.id == municipality_id))
    ).one_or_none()
    return None if row is None else Municipality(id=row.id, name=row.name, timezone=row.timezone)


async def add_district(
    conn: AsyncConnection, municipality_id: int, name: str, head_name: str | None = None
) -> District:
    result = await conn.execute(
        insert(districts)
        .values(municipality_id=municipality_id, name=name, head_name=head_name)
        .returning(districts.c.id)
    )
    return District(
        id=result.scalar_one(),
        municipality_id=municipality_id,
        name=name,
        base_school_id=None,
        head_name=head_name,
    )


async def set_district_base_school(conn: AsyncConnection, district_id: int, school_id: int) -> None:
    await conn.execute(
        update(districts).where(districts.c.id == district_id).values(base_school_id=school_id)
    )


async def list_districts(
    conn: AsyncConnection, municipality_id: int | None = None
) -> list[District]:
    query = select(districts).order_by(districts.c.name)
    if municipality_id is not None:
        query = query.where(districts.c.municipality_id == municipality_id)
    return [
        District(
            id=r.id,
            municipality_id=r.municipality_id,
            name=r.name,
            base_school_id=r.base_school_id,
            head_name=r.head_name,
        )
        for r in await conn.execute(query)
    ]


async def add_school(
    conn: AsyncConnection,
    *,
    municipality_id: int,
    full_name: str,
    short_name: str,
    district_id: int | None = None,
    legal_form: str | None = None,
    is_shnor: bool = False,
    unfavourable_conditions: bool = False,
    problem_categories: Sequence[str] = (),
) -> School:
    school = School(
        id=0,
        municipality_id=municipality_id,
        district_id=district_id,
        full_name=full_name,
        short_name=short_name,
        legal_form=legal_form,
        is_shnor=is_shnor,
        unfavourable_conditions=unfavourable_conditions,
        problem_categories=tuple(problem_categories),
    )
    now = utcnow()
    values = asdict(school) | {"problem_categories": list(problem_categories)}
    del values["id"]
    result = await conn.execute(
        insert(schools).values(**values, created_at=now, updated_at=now).returning(schools.c.id)
    )
    return replace(school, id=result.scalar_one())


async def get_school(conn: AsyncConnection, school_id: int) -> School | None:
    row = (
        (await conn.execute(select(schools).where(schools.c.id == school_id)))
        .mappings()
        .one_or_none()
    )
    return None if row is None else _school(row)


async def list_schools(
    conn: AsyncConnection,
    *,
    municipality_id: int | None = None,
    district_id: int | None = None,
) -> list[School]:
    query = select(schools).order_by(schools.c.municipality_id, schools.c.short_name)
    if municipality_id is not None:
        query = query.where(schools.c.municipality_id == municipality_id)
    if district_id is not None:
        query = query.where(schools.c.district_id == district_id)
    return [_school(row) for row in (await conn.execute(query)).mappings()]


# Built once: a respondent's every answer reads its school.
_WITH_MUNICIPALITIES = (
    select(
        schools,
        municipalities.c.name.label("municipality_name"),
        municipalities.c.timezone.label("municipality_timezone"),
    )
    .join(municipalities, municipalities.c.id == schools.c.municipality_id)
    .where(schools.c.id.in_(bindparam("school_ids", expanding=True)))
    .order_by(schools.c.id)
)


async def schools_with_municipalities(
    conn: AsyncConnection, school_ids: Collection[int]
) -> list[tuple[School, Municipality]]:
    """These schools (ordered by id), each with its municipality, in one query: what a person
    of a few schools needs instead of the whole directory."""
    if not school_ids:
        return []
    rows = await conn.execute(_WITH_MUNICIPALITIES, {"school_ids": sorted(school_ids)})
    return [
        (
            _school(row),
            Municipality(
                id=row["municipality_id"],
                name=row["municipality_name"],
                timezone=row["municipality_timezone"],
            ),
        )
        for row in rows.mappings()
    ]


# --- the whole directory at once, and updates by id (used by the directory import) ---


@dataclass(frozen=True, slots=True)
class DirectorySnapshot:
    """Every municipality, district and school, ordered by id."""

    municipalities: tuple[Municipality, ...]
    districts: tuple[District, ...]
    schools: tuple[School, ...]


def _municipality(row: RowMapping) -> Municipality:
    return Municipality(id=row["id"], name=row["name"], timezone=row["timezone"])


def _district(row: RowMapping) -> District:
    return District(
        id=row["id"],
        municipality_id=row["municipality_id"],
        name=row["name"],
        base_school_id=row["base_school_id"],
        head_name=row["head_name"],
    )


async def load_directory(conn: AsyncConnection) -> DirectorySnapshot:
    municipality_rows = await conn.execute(select(municipalities).order_by(municipalities.c.id))
    district_rows = await conn.execute(select(districts).order_by(districts.c.id))
    school_rows = await conn.execute(select(schools).order_by(schools.c.id))
    return DirectorySnapshot(
        municipalities=tuple(_municipality(row) for row in municipality_rows.mappings()),
        districts=tuple(_district(row) for row in district_rows.mappings()),
        schools=tuple(_school(row) for row in school_rows.mappings()),
    )


async def update_municipality(
    conn: AsyncConnection, municipality_id: int, *, name: str, timezone: str
) -> Municipality | None:
    """Rename a municipality or change its time zone; None when there is no such row."""
    row = (
        (
            await conn.execute(
                update(municipalities)
                .where(municipalities.c.id == municipality_id)
                .values(name=name, timezone=timezone)
                .returning(*municipalities.c)
            )
        )
        .mappings()
        .one_or_none()
    )
    return None if row is None else _municipality(row)


async def update_district(
    conn: AsyncConnection,
    district_id: int,
    *,
    name: str,
    base_school_id: int | None,
    head_name: str | None,
) -> District | None:
    """Set every editable field of a district; None when there is no such row."""
    row = (
        (
            await conn.execute(
                update(districts)
                .where(districts.c.id == district_id)
                .values(name=name, base_school_id=base_school_id, head_name=head_name)
                .returning(*districts.c)
            )
        )
        .mappings()
        .one_or_none()
    )
    return None if row is None else _district(row)


async def update_school(
    conn: AsyncConnection,
    school_id: int,
    *,
    district_id: int | None,
    full_name: str,
    short_name: str,
    legal_form: str | None,
    is_shnor: bool,
    unfavourable_conditions: bool,
    problem_categories: Sequence[str],
) -> School | None:
    """Set every editable field of a school and its ``updated_at``; None when there is none."""
    row = (
        (
            await conn.execute(
                update(schools)
                .where(schools.c.id == school_id)
                .values(
                    district_id=district_id,
                    full_name=full_name,
                    short_name=short_name,
                    legal_form=legal_form,
                    is_shnor=is_shnor,
                    unfavourable_conditions=unfavourable_conditions,
                    problem_categories=list(problem_categories),
                    updated_at=utcnow(),
                )
                .returning(*schools.c)
            )
        )
        .mappings()
        .one_or_none()
    )
    return None if row is None else _school(row)
