"""Writing a valid import plan through the storage functions."""

from sqlalchemy.ext.asyncio import AsyncConnection

from core.directory_import.changes import ImportPlan
from core.directory_import.index import DirectoryIndex
from storage.directory import (
    DirectorySnapshot,
    add_district,
    add_municipality,
    add_school,
    set_district_base_school,
    update_district,
    update_municipality,
    update_school,
)


async def apply_plan(conn: AsyncConnection, plan: ImportPlan, snapshot: DirectorySnapshot) -> None:
    """Write a valid plan made from ``snapshot``, in the caller's transaction."""
    if not plan.ok:
        raise ValueError("a plan with errors cannot be applied")
    directory = DirectoryIndex(snapshot)
    municipality_ids = {name: m.id for name, m in directory.municipalities.items()}
    district_ids = {pair: d.id for pair, d in directory.districts.items()}
    school_ids = {pair: s.id for pair, s in directory.schools.items()}

    for municipality in plan.municipalities:
        if municipality.existing_id is None:
            created = await add_municipality(conn, municipality.name, municipality.timezone)
            municipality_ids[municipality.key] = created.id
        else:
            await update_municipality(
                conn,
                municipality.existing_id,
                name=municipality.name,
                timezone=municipality.timezone,
            )

    for district in plan.districts:
        if district.existing_id is None:
            municipality_id = municipality_ids[district.municipality]
            added = await add_district(conn, municipality_id, district.name, district.head_name)
            district_ids[(municipality_id, district.key)] = added.id

    for school in plan.schools:
        municipality_id = municipality_ids[school.municipality]
        district_id = (
            None if school.district is None else district_ids[(municipality_id, school.district)]
        )
        if school.existing_id is None:
            added_school = await add_school(
                conn,
                municipality_id=municipality_id,
                full_name=school.full_name,
                short_name=school.short_name,
                district_id=district_id,
                legal_form=school.legal_form,
                is_shnor=school.is_shnor,
                unfavourable_conditions=school.unfavourable_conditions,
                problem_categories=school.problem_categories,
            )
            school_ids[(municipality_id, school.key)] = added_school.id
        else:
            await update_school(
                conn,
                school.existing_id,
                district_id=district_id,
                full_name=school.full_name,
                short_name=school.short_name,
                legal_form=school.legal_form,
                is_shnor=school.is_shnor,
                unfavourable_conditions=school.unfavourable_conditions,
                problem_categories=school.problem_categories,
            )

    # Base schools last: a new district's base school may be a school created above.
    for district in plan.districts:
        municipality_id = municipality_ids[district.municipality]
        base_id = (
            None
            if district.base_school is None
            else school_ids[(municipality_id, district.base_school)]
        )
        if district.existing_id is not None:
            await update_district(
                conn,
                district.existing_id,
                name=district.name,
                base_school_id=base_id,
                head_name=district.head_name,
            )
        elif base_id is not None:
            district_id = district_ids[(municipality_id, district.key)]
            await set_district_base_school(conn, district_id, base_id)
