"""Planning the rows of the districts table."""

from core.directory_import.changes import DistrictChange
from core.directory_import.columns import Column, TableKind
from core.directory_import.names import clean, key
from core.directory_import.planner import (
    Planner,
    Rows,
    change_action,
    duplicates,
    length_errors,
)
from texts import directory_import as texts


def plan_districts(planner: Planner, rows: Rows) -> list[DistrictChange]:
    directory = planner.directory
    repeated = duplicates(rows, (Column.MUNICIPALITY, Column.DISTRICT))
    changes = []
    for position, (source, row) in enumerate(rows):
        municipality = clean(row.text(Column.MUNICIPALITY))
        name = clean(row.text(Column.DISTRICT))
        errors = planner.municipality_errors(row)
        if not name:
            errors.append(texts.MISSING_DISTRICT)
        elif position in repeated:
            rows_text = texts.join_rows(repeated[position])
            errors.append(texts.DUPLICATE_DISTRICT.format(name=name, rows=rows_text))
        errors += length_errors(row, (Column.DISTRICT, Column.HEAD))

        existing = directory.district(key(municipality), key(name))
        stored_base = None if existing is None else directory.base_school_of(existing)
        head_cell = row.get(Column.HEAD)
        if head_cell is None:
            head = existing.head_name if existing is not None else None
        else:
            head = clean(head_cell) or None
        base_cell = row.get(Column.BASE_SCHOOL)
        if base_cell is None:
            base = stored_base
        else:
            base = key(base_cell) or None
            if base is not None and name and municipality:
                errors += _base_school_errors(planner, municipality, key(name), base_cell)

        action = change_action(
            None if existing is None else (existing.name, existing.head_name, stored_base),
            (name, head, base),
        )
        if planner.record(TableKind.DISTRICTS, source, row, name, errors, action):
            changes.append(
                DistrictChange(
                    municipality=key(municipality),
                    key=key(name),
                    existing_id=None if existing is None else existing.id,
                    name=name,
                    head_name=head,
                    base_school=base,
                )
            )
    return changes


def _base_school_errors(
    planner: Planner, municipality_name: str, district: str, cell: str
) -> list[str]:
    """The base school must be a school of the municipality that ends up in this district."""
    if not planner.check_references:
        return []
    directory = planner.directory
    municipality = key(municipality_name)
    school = (municipality, key(cell))
    name = clean(cell)
    if school in planner.file_school_districts:
        school_district = planner.file_school_districts[school]
    else:
        existing = directory.school(*school)
        if existing is None:
            return [texts.UNKNOWN_BASE_SCHOOL.format(name=name, municipality=municipality_name)]
        school_district = directory.district_of(existing)
    if school_district is None:
        return [texts.BASE_SCHOOL_WITHOUT_DISTRICT.format(name=name)]
    if school_district != district:
        return [
            texts.BASE_SCHOOL_IN_OTHER_DISTRICT.format(
                name=name, district=_district_name(planner, municipality, school_district)
            )
        ]
    return []


def _district_name(planner: Planner, municipality: str, district: str) -> str:
    """How a district is spelled in the directory or, for a new one, in the file."""
    existing = planner.directory.district(municipality, district)
    if existing is not None:
        return existing.name
    return planner.file_districts.get((municipality, district), district)
