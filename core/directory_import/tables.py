"""From uploaded files to recognised tables: reading workbooks and checking their headers."""

from collections.abc import Sequence
from dataclasses import dataclass

from core.directory_import.columns import (
    COLUMN_TITLES,
    LAYOUTS,
    Column,
    TableKind,
    header_column,
    table_kind,
)
from exports.sheets import RawTable, SheetError, read_tables
from texts import directory_import as texts


def read_files(files: Sequence[tuple[str, bytes]]) -> tuple[list[RawTable], list[str]]:
    """The tables of every file, and a Russian error for each file that could not be read."""
    if not files:
        return [], [texts.NO_FILES]
    tables: list[RawTable] = []
    errors: list[str] = []
    messages = {
        "unsupported": texts.FILE_UNSUPPORTED,
        "unreadable": texts.FILE_UNREADABLE,
        "empty": texts.FILE_EMPTY,
    }
    for filename, content in files:
        try:
            tables.extend(read_tables(filename, content))
        except SheetError as error:
            errors.append(messages[error.kind].format(source=filename))
    return tables, errors


@dataclass(frozen=True)
class ParsedRow:
    number: int
    cells: dict[Column, str]  # only the table's columns: absent column → no key

    def get(self, column: Column) -> str | None:
        return self.cells.get(column)

    def text(self, column: Column) -> str:
        return self.cells.get(column, "")


@dataclass(frozen=True)
class ParsedTable:
    kind: TableKind
    source: str
    columns: frozenset[Column]
    rows: tuple[ParsedRow, ...]


def _expected_headers() -> str:
    lines = []
    for kind, layout in LAYOUTS.items():
        titles = [COLUMN_TITLES[column] for column in layout.required]
        titles += [
            texts.OPTIONAL_COLUMN.format(column=COLUMN_TITLES[column]) for column in layout.optional
        ]
        lines.append(
            texts.TABLE_EXPECTED_LINE.format(
                table=texts.TABLE_NAMES[kind], columns=", ".join(titles)
            )
        )
    return "\n".join(lines)


def parse_table(raw: RawTable) -> tuple[ParsedTable | None, list[str]]:
    """Recognise a table by its header; the table, or None and the file-level errors."""
    header = raw.rows[0] if raw.rows else []
    positions: dict[Column, int] = {}
    unknown: list[str] = []
    duplicated: list[Column] = []
    for index, title in enumerate(header):
        if not title:
            continue
        column = header_column(title)
        if column is None:
            unknown.append(title)
        elif column in positions:
            duplicated.append(column)
        else:
            positions[column] = index
    kind = table_kind(set(positions))
    if kind is None:
        return None, [texts.TABLE_UNKNOWN.format(source=raw.source, expected=_expected_headers())]
    layout = LAYOUTS[kind]
    table_name = texts.TABLE_NAMES[kind]
    allowed = ", ".join(COLUMN_TITLES[column] for column in layout.columns)
    errors = [
        texts.TABLE_UNKNOWN_COLUMN.format(
            source=raw.source, table=table_name, column=title, columns=allowed
        )
        for title in [*unknown, *(COLUMN_TITLES[c] for c in positions if c not in layout.columns)]
    ]
    errors += [
        texts.TABLE_DUPLICATE_COLUMN.format(
            source=raw.source, table=table_name, column=COLUMN_TITLES[column]
        )
        for column in dict.fromkeys(duplicated)
    ]
    errors += [
        texts.TABLE_MISSING_COLUMN.format(
            source=raw.source, table=table_name, column=COLUMN_TITLES[column]
        )
        for column in layout.required
        if column not in positions
    ]
    if errors:
        return None, errors
    rows = tuple(
        ParsedRow(
            number=raw.first_row + offset,
            cells={column: values[index].strip() for column, index in positions.items()},
        )
        for offset, values in enumerate(raw.rows[1:], start=1)
        if any(value.strip() for value in values)
    )
    return ParsedTable(kind, raw.source, frozenset(positions), rows), []
