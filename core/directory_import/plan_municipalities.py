"""Planning the rows of the municipalities table."""

from core.directory_import.changes import MunicipalityChange
from core.directory_import.columns import Column, TableKind
from core.directory_import.names import clean, key
from core.directory_import.planner import (
    Planner,
    Rows,
    change_action,
    duplicates,
    length_errors,
)
from core.directory_import.values import canonical_timezone
from texts import directory_import as texts


def plan_municipalities(planner: Planner, rows: Rows) -> list[MunicipalityChange]:
    repeated = duplicates(rows, (Column.MUNICIPALITY,))
    changes = []
    for position, (source, row) in enumerate(rows):
        name = clean(row.text(Column.MUNICIPALITY))
        errors = [] if name else [texts.MISSING_MUNICIPALITY]
        if name and position in repeated:
            rows_text = texts.join_rows(repeated[position])
            errors.append(texts.DUPLICATE_MUNICIPALITY.format(name=name, rows=rows_text))
        errors += length_errors(row, (Column.MUNICIPALITY,))
        existing = planner.directory.municipalities.get(key(name)) if name else None
        cell = row.text(Column.TIMEZONE)
        timezone = canonical_timezone(cell) if cell else None
        if cell and timezone is None:
            errors.append(texts.BAD_TIMEZONE.format(value=cell))
        if timezone is None:
            timezone = existing.timezone if existing is not None else planner.default_timezone
        action = change_action(
            None if existing is None else (existing.name, existing.timezone), (name, timezone)
        )
        if planner.record(TableKind.MUNICIPALITIES, source, row, name, errors, action):
            changes.append(
                MunicipalityChange(
                    key(name), None if existing is None else existing.id, name, timezone
                )
            )
    return changes
