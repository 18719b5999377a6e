"""Validating every row against the file and a directory snapshot, and deciding the writes."""

from collections.abc import Sequence

from core.directory_import.changes import ImportPlan
from core.directory_import.columns import Column, TableKind
from core.directory_import.index import DirectoryIndex
from core.directory_import.names import clean, key
from core.directory_import.plan_districts import plan_districts
from core.directory_import.plan_municipalities import plan_municipalities
from core.directory_import.plan_schools import plan_schools
from core.directory_import.planner import Planner
from core.directory_import.tables import ParsedRow, ParsedTable, parse_table
from exports.sheets import RawTable
from storage.directory import DirectorySnapshot
from texts import directory_import as texts


def plan_import(
    tables: Sequence[RawTable],
    snapshot: DirectorySnapshot,
    *,
    default_timezone: str,
    file_errors: Sequence[str] = (),
) -> ImportPlan:
    """Validate every row of every table against the file and the directory; decide the writes.

    Pure: no database. Reference checks (an unknown municipality, district or base school) are
    skipped when some table could not be recognised, since it may be the one they refer to.
    """
    errors = list(file_errors)
    parsed: list[ParsedTable] = []
    for raw in tables:
        table, table_errors = parse_table(raw)
        errors += table_errors
        if table is not None:
            parsed.append(table)
    by_kind: dict[TableKind, list[tuple[str, ParsedRow]]] = {kind: [] for kind in TableKind}
    for table in parsed:
        by_kind[table.kind] += [(table.source, row) for row in table.rows]
    if not errors and not any(by_kind.values()):
        errors.append(texts.NO_DATA)

    directory = DirectoryIndex(snapshot)
    planner = Planner(
        directory=directory,
        default_timezone=default_timezone,
        check_references=not errors,
        outcomes=[],
        file_municipalities={
            key(row.text(Column.MUNICIPALITY))
            for _, row in by_kind[TableKind.MUNICIPALITIES]
            if row.text(Column.MUNICIPALITY)
        },
        file_districts={},
        file_school_districts={},
    )
    for _, row in by_kind[TableKind.DISTRICTS]:
        district = (key(row.text(Column.MUNICIPALITY)), key(row.text(Column.DISTRICT)))
        if district[1]:
            planner.file_districts.setdefault(district, clean(row.text(Column.DISTRICT)))
    for _, row in by_kind[TableKind.SCHOOLS]:
        school = (key(row.text(Column.MUNICIPALITY)), key(row.text(Column.SHORT_NAME)))
        if school[1] and school not in planner.file_school_districts:
            planner.file_school_districts[school] = _school_district(directory, school, row)

    municipality_changes = plan_municipalities(planner, by_kind[TableKind.MUNICIPALITIES])
    district_changes = plan_districts(planner, by_kind[TableKind.DISTRICTS])
    school_changes = plan_schools(planner, by_kind[TableKind.SCHOOLS])
    return ImportPlan(
        outcomes=tuple(planner.outcomes),
        file_errors=tuple(errors),
        municipalities=tuple(municipality_changes),
        districts=tuple(district_changes),
        schools=tuple(school_changes),
    )


def _school_district(
    directory: DirectoryIndex, school: tuple[str, str], row: ParsedRow
) -> str | None:
    """The district key a school of the file will have: its cell, or the stored one."""
    cell = row.get(Column.DISTRICT)
    if cell is not None:
        return key(cell) or None
    existing = directory.school(*school)
    return None if existing is None else directory.district_of(existing)
