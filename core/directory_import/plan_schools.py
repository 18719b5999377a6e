"""Planning the rows of the schools table."""

from core.directory_import.changes import SchoolChange
from core.directory_import.columns import COLUMN_TITLES, Column, TableKind
from core.directory_import.names import clean, key
from core.directory_import.planner import (
    Planner,
    Rows,
    change_action,
    duplicates,
    length_errors,
)
from core.directory_import.tables import ParsedRow
from core.directory_import.values import (
    derive_legal_form,
    parse_flag,
    parse_problem_categories,
)
from storage.directory import School
from texts import directory_import as texts


def plan_schools(planner: Planner, rows: Rows) -> list[SchoolChange]:
    directory = planner.directory
    repeated = duplicates(rows, (Column.MUNICIPALITY, Column.SHORT_NAME))
    changes = []
    for position, (source, row) in enumerate(rows):
        municipality = clean(row.text(Column.MUNICIPALITY))
        full_name = clean(row.text(Column.FULL_NAME))
        short_name = clean(row.text(Column.SHORT_NAME))
        errors = planner.municipality_errors(row)
        if not full_name:
            errors.append(texts.MISSING_FULL_NAME)
        if not short_name:
            errors.append(texts.MISSING_SHORT_NAME)
        elif position in repeated:
            rows_text = texts.join_rows(repeated[position])
            errors.append(texts.DUPLICATE_SHORT_NAME.format(name=short_name, rows=rows_text))
        errors += length_errors(
            row, (Column.FULL_NAME, Column.SHORT_NAME, Column.LEGAL_FORM, Column.DISTRICT)
        )

        existing = directory.school(key(municipality), key(short_name))
        stored_district = None if existing is None else directory.district_of(existing)
        district_cell = row.get(Column.DISTRICT)
        if district_cell is None:
            district = stored_district
        else:
            district = key(district_cell) or None
            known = district is None or (
                (key(municipality), district) in planner.file_districts
                or directory.has_district(key(municipality), district)
            )
            if municipality and planner.check_references and not known:
                errors.append(
                    texts.UNKNOWN_DISTRICT.format(
                        name=clean(district_cell), municipality=municipality
                    )
                )

        legal_cell = row.get(Column.LEGAL_FORM)
        if legal_cell is None and existing is not None:
            legal_form = existing.legal_form
        else:
            legal_form = clean(legal_cell or "") or derive_legal_form(full_name)
        flags, flag_errors = _flags(row, existing)
        errors += flag_errors
        problems_cell = row.get(Column.PROBLEMS)
        if problems_cell is None:
            problems = existing.problem_categories if existing is not None else ()
        else:
            problems, unknown = parse_problem_categories(problems_cell)
            allowed = ", ".join(texts.PROBLEM_CATEGORIES)
            errors += [texts.BAD_CATEGORY.format(value=v, allowed=allowed) for v in unknown]

        change = SchoolChange(
            municipality=key(municipality),
            key=key(short_name),
            existing_id=None if existing is None else existing.id,
            district=district,
            full_name=full_name,
            short_name=short_name,
            legal_form=legal_form,
            is_shnor=flags[Column.SHNOR],
            unfavourable_conditions=flags[Column.UNFAVOURABLE],
            problem_categories=problems,
        )
        stored = None
        if existing is not None:
            stored = (
                stored_district,
                existing.full_name,
                existing.short_name,
                existing.legal_form,
                existing.is_shnor,
                existing.unfavourable_conditions,
                tuple(existing.problem_categories),
            )
        wanted = (
            change.district,
            change.full_name,
            change.short_name,
            change.legal_form,
            change.is_shnor,
            change.unfavourable_conditions,
            change.problem_categories,
        )
        action = change_action(stored, wanted)
        if planner.record(TableKind.SCHOOLS, source, row, short_name, errors, action):
            changes.append(change)
    return changes


def _flags(row: ParsedRow, existing: School | None) -> tuple[dict[Column, bool], list[str]]:
    """The yes/no columns, and an error for each cell that is neither (it counts as no).

    An absent column keeps the stored value (no, for a new school).
    """
    stored = {
        Column.SHNOR: existing is not None and existing.is_shnor,
        Column.UNFAVOURABLE: existing is not None and existing.unfavourable_conditions,
    }
    flags: dict[Column, bool] = {}
    errors: list[str] = []
    for column, kept in stored.items():
        cell = row.get(column)
        if cell is None:
            flags[column] = kept
            continue
        flag = parse_flag(cell)
        if flag is None:
            errors.append(texts.BAD_FLAG.format(column=COLUMN_TITLES[column], value=cell))
        flags[column] = bool(flag)
    return flags, errors
