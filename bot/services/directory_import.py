"""Import the directory (municipalities, districts, schools) from spreadsheets, all or nothing.

Three steps: ``read_files`` turns uploads into raw tables; ``plan_import`` — pure, no database —
recognises each table by its header, validates every row against the file and a snapshot of the
directory, and decides what to create or update; ``apply_plan`` writes that plan. The whole of
``import_directory`` reads the snapshot and writes in one transaction, and writes nothing at all
when any row or file has an error.

Identity: a municipality by name, a district by (municipality, name), a school by
(municipality, short name); names compare ignoring case, "ё"/"е" and repeated spaces, so a
re-import updates rows in place and never duplicates them. Rows absent from the file are left
alone. A column absent from a table leaves that field as it is; a column present with an empty
cell clears it (a district's base school or head, a school's district or problem categories) or
means "no" (flags). Two exceptions: an empty time zone keeps the municipality's one (or gives a
new municipality ``default_timezone``) and an empty legal form is taken from the full name.
"""

import asyncio
import re
import zoneinfo
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Literal, TypeAlias, TypeVar

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.texts import directory_import as texts
from exports.sheets import CellValue, RawTable, SheetData, SheetError, read_tables, write_workbook
from storage import Database
from storage.directory import (
    DirectorySnapshot,
    add_district,
    add_municipality,
    add_school,
    load_directory,
    set_district_base_school,
    update_district,
    update_municipality,
    update_school,
)

Action: TypeAlias = Literal["created", "updated", "unchanged", "rejected"]
ACTIONS: tuple[Action, ...] = ("created", "updated", "unchanged", "rejected")


class TableKind(StrEnum):
    MUNICIPALITIES = "municipalities"
    DISTRICTS = "districts"
    SCHOOLS = "schools"


class Column(StrEnum):
    """A column of the import; the value is its English alias."""

    MUNICIPALITY = "municipality"
    TIMEZONE = "timezone"
    DISTRICT = "district"
    BASE_SCHOOL = "base_school"
    HEAD = "head"
    FULL_NAME = "full_name"
    SHORT_NAME = "short_name"
    LEGAL_FORM = "legal_form"
    SHNOR = "shnor"
    UNFAVOURABLE = "unfavourable"
    PROBLEMS = "problem_categories"


COLUMN_TITLES: dict[Column, str] = {
    Column.MUNICIPALITY: texts.COLUMN_MUNICIPALITY,
    Column.TIMEZONE: texts.COLUMN_TIMEZONE,
    Column.DISTRICT: texts.COLUMN_DISTRICT,
    Column.BASE_SCHOOL: texts.COLUMN_BASE_SCHOOL,
    Column.HEAD: texts.COLUMN_HEAD,
    Column.FULL_NAME: texts.COLUMN_FULL_NAME,
    Column.SHORT_NAME: texts.COLUMN_SHORT_NAME,
    Column.LEGAL_FORM: texts.COLUMN_LEGAL_FORM,
    Column.SHNOR: texts.COLUMN_SHNOR,
    Column.UNFAVOURABLE: texts.COLUMN_UNFAVOURABLE,
    Column.PROBLEMS: texts.COLUMN_PROBLEMS,
}
_EXTRA_ALIASES: dict[str, Column] = {
    "time zone": Column.TIMEZONE,
    "tz": Column.TIMEZONE,
    "head name": Column.HEAD,
    "unfavourable conditions": Column.UNFAVOURABLE,
    "unfavorable": Column.UNFAVOURABLE,
    "unfavorable conditions": Column.UNFAVOURABLE,
    "problems": Column.PROBLEMS,
    "is shnor": Column.SHNOR,
}


@dataclass(frozen=True)
class TableLayout:
    """The columns of one kind of table, in template order."""

    required: tuple[Column, ...]
    optional: tuple[Column, ...]

    @property
    def columns(self) -> tuple[Column, ...]:
        order = list(COLUMN_TITLES)
        return tuple(sorted((*self.required, *self.optional), key=order.index))


LAYOUTS: dict[TableKind, TableLayout] = {
    TableKind.MUNICIPALITIES: TableLayout((Column.MUNICIPALITY,), (Column.TIMEZONE,)),
    TableKind.DISTRICTS: TableLayout(
        (Column.MUNICIPALITY, Column.DISTRICT), (Column.BASE_SCHOOL, Column.HEAD)
    ),
    TableKind.SCHOOLS: TableLayout(
        (Column.MUNICIPALITY, Column.FULL_NAME, Column.SHORT_NAME),
        (Column.DISTRICT, Column.LEGAL_FORM, Column.SHNOR, Column.UNFAVOURABLE, Column.PROBLEMS),
    ),
}
_SCHOOL_ONLY = frozenset(
    {
        Column.FULL_NAME,
        Column.SHORT_NAME,
        Column.LEGAL_FORM,
        Column.SHNOR,
        Column.UNFAVOURABLE,
        Column.PROBLEMS,
    }
)
_DISTRICT_MARKERS = frozenset({Column.DISTRICT, Column.BASE_SCHOOL, Column.HEAD})

# Column lengths of storage/schema.py.
MAX_LENGTHS: dict[Column, int] = {
    Column.MUNICIPALITY: 200,
    Column.TIMEZONE: 64,
    Column.DISTRICT: 200,
    Column.HEAD: 300,
    Column.FULL_NAME: 500,
    Column.SHORT_NAME: 200,
    Column.LEGAL_FORM: 20,
}


# --- the outcome ---


@dataclass(frozen=True)
class RowOutcome:
    table: TableKind
    source: str
    row: int  # the spreadsheet row number: the header is row 1
    key: str  # the name (municipality, district) or the short name (school)
    action: Action
    errors: tuple[str, ...] = ()  # Russian reasons, when rejected


@dataclass(frozen=True)
class ImportReport:
    """What the import did (``applied``) or, when it was refused, would have done and why."""

    outcomes: tuple[RowOutcome, ...]
    file_errors: tuple[str, ...]
    applied: bool

    @property
    def ok(self) -> bool:
        return not self.file_errors and not self.rejected

    @property
    def rejected(self) -> tuple[RowOutcome, ...]:
        return tuple(outcome for outcome in self.outcomes if outcome.action == "rejected")

    @property
    def error_count(self) -> int:
        return len(self.file_errors) + sum(len(outcome.errors) for outcome in self.rejected)

    def count(self, table: TableKind, action: Action | None = None) -> int:
        return sum(
            1
            for outcome in self.outcomes
            if outcome.table == table and (action is None or outcome.action == action)
        )

    def counts(self) -> dict[TableKind, dict[Action, int]]:
        """Rows per table and action, every table and action present (zeros included)."""
        return {
            table: {action: self.count(table, action) for action in ACTIONS} for table in TableKind
        }


# --- the plan ---


@dataclass(frozen=True)
class MunicipalityChange:
    key: str
    existing_id: int | None
    name: str
    timezone: str


@dataclass(frozen=True)
class DistrictChange:
    municipality: str  # key of the municipality
    key: str
    existing_id: int | None
    name: str
    head_name: str | None
    base_school: str | None  # key (short name) of a school of the same municipality


@dataclass(frozen=True)
class SchoolChange:
    municipality: str
    key: str
    existing_id: int | None
    district: str | None  # key of a district of the same municipality
    full_name: str
    short_name: str
    legal_form: str | None
    is_shnor: bool
    unfavourable_conditions: bool
    problem_categories: tuple[str, ...]


@dataclass(frozen=True)
class ImportPlan:
    """Every row's outcome, and the rows to create or update (in the order to write them)."""

    outcomes: tuple[RowOutcome, ...]
    file_errors: tuple[str, ...]
    municipalities: tuple[MunicipalityChange, ...]
    districts: tuple[DistrictChange, ...]
    schools: tuple[SchoolChange, ...]

    @property
    def ok(self) -> bool:
        return not self.file_errors and all(o.action != "rejected" for o in self.outcomes)

    def report(self, *, applied: bool) -> ImportReport:
        return ImportReport(outcomes=self.outcomes, file_errors=self.file_errors, applied=applied)


# --- entry points ---


async def import_directory(
    database: Database, files: Sequence[tuple[str, bytes]], *, default_timezone: str
) -> ImportReport:
    """Read, validate and — only when nothing is wrong — write the directory in one transaction.

    ``default_timezone`` (an IANA name) is given to new municipalities whose cell is empty.
    """
    if canonical_timezone(default_timezone) is None:
        raise ValueError(f"unknown default time zone {default_timezone!r}")
    # Parsing a workbook is CPU work: keep it off the event loop.
    tables, file_errors = await asyncio.to_thread(read_files, files)
    async with database.write() as conn:
        snapshot = await load_directory(conn)
        plan = plan_import(
            tables, snapshot, default_timezone=default_timezone, file_errors=file_errors
        )
        if plan.ok:
            await apply_plan(conn, plan, snapshot)
    return plan.report(applied=plan.ok)


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


def directory_template() -> bytes:
    """An .xlsx with the three sheets, their headers and one example row each."""
    examples = {
        TableKind.MUNICIPALITIES: texts.TEMPLATE_EXAMPLE_MUNICIPALITY,
        TableKind.DISTRICTS: texts.TEMPLATE_EXAMPLE_DISTRICT,
        TableKind.SCHOOLS: texts.TEMPLATE_EXAMPLE_SCHOOL,
    }
    sheets = []
    for kind, layout in LAYOUTS.items():
        header = [COLUMN_TITLES[column] for column in layout.columns]
        example = list[CellValue](examples[kind])
        widths = [max(14, min(60, len(str(value)) + 2)) for value in example]
        sheets.append(SheetData(texts.TABLE_NAMES[kind], header, [example], widths))
    return write_workbook(sheets)


def format_report(report: ImportReport, *, max_errors: int = 30) -> str:
    """The report as Russian plain text (not HTML): counts on success, the errors otherwise."""
    if report.applied:
        return _format_success(report)
    if report.ok:
        return texts.REPORT_NOT_APPLIED
    count = report.error_count
    lines = [
        texts.REPORT_FAILED.format(
            count=count,
            errors=texts.plural(count, texts.ERROR_FORMS),
            them=texts.REPORT_FIX_ONE if count == 1 else texts.REPORT_FIX_MANY,
        )
    ]
    errors = [*report.file_errors, *_row_error_lines(report)]
    lines.extend(errors[:max_errors])
    hidden = len(errors) - max_errors
    if hidden > 0:
        lines.append(
            texts.REPORT_MORE_ERRORS.format(
                count=hidden, errors=texts.plural(hidden, texts.ERROR_FORMS)
            )
        )
    return "\n".join(lines)


def _format_success(report: ImportReport) -> str:
    counts = report.counts()
    changed = any(counts[table]["created"] or counts[table]["updated"] for table in TableKind)
    lines = [texts.REPORT_APPLIED if changed else texts.REPORT_APPLIED_NO_CHANGES]
    for table in TableKind:
        total = report.count(table)
        if total:
            lines.append(
                texts.REPORT_TABLE_LINE.format(
                    table=texts.TABLE_NAMES[table], total=total, **counts[table]
                )
            )
    return "\n".join(lines)


def _row_error_lines(report: ImportReport) -> list[str]:
    sources: dict[TableKind, set[str]] = defaultdict(set)
    for outcome in report.outcomes:
        sources[outcome.table].add(outcome.source)
    lines: list[str] = []
    for outcome in report.rejected:
        template = (
            texts.REPORT_ROW_ERROR_WITH_SOURCE
            if len(sources[outcome.table]) > 1
            else texts.REPORT_ROW_ERROR
        )
        table = texts.TABLE_NAMES[outcome.table]
        lines.extend(
            template.format(table=table, source=outcome.source, row=outcome.row, reason=reason)
            for reason in outcome.errors
        )
    return lines


# --- recognising tables ---


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


def key(name: str) -> str:
    """The identity of a name: case, "ё"/"е" and runs of spaces do not matter."""
    return " ".join(name.replace("ё", "е").replace("Ё", "Е").split()).casefold()


def clean(value: str) -> str:
    """A cell as stored: runs of whitespace collapsed to single spaces."""
    return " ".join(value.split())


@cache
def _header_aliases() -> dict[str, Column]:
    aliases = {key(title): column for column, title in COLUMN_TITLES.items()}
    aliases.update({key(column.value.replace("_", " ")): column for column in Column})
    aliases.update({key(alias): column for alias, column in _EXTRA_ALIASES.items()})
    return aliases


def header_column(title: str) -> Column | None:
    """The column a header cell names: Russian or English, any case, brackets tolerated."""
    aliases = _header_aliases()
    candidates = [title, re.sub(r"[\(\[].*?[\)\]]", " ", title)]
    candidates += re.findall(r"[\(\[](.*?)[\)\]]", title)
    for candidate in candidates:
        normalized = key(candidate.replace("_", " ").strip(" *:"))
        if normalized in aliases:
            return aliases[normalized]
    return None


def _kind_of(columns: set[Column]) -> TableKind | None:
    if columns & _SCHOOL_ONLY:
        return TableKind.SCHOOLS
    if columns & _DISTRICT_MARKERS:
        return TableKind.DISTRICTS
    if columns:
        return TableKind.MUNICIPALITIES
    return None


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
    kind = _kind_of(set(positions))
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


# --- values ---


def parse_flag(value: str) -> bool | None:
    """Yes or no; None when the word is neither. An empty cell is "no"."""
    word = value.strip().casefold()
    if not word or word in texts.NO_WORDS:
        return False
    if word in texts.YES_WORDS:
        return True
    return None


def parse_problem_categories(value: str) -> tuple[tuple[str, ...], list[str]]:
    """The categories in storage order, and the pieces that name no category."""
    found: set[str] = set()
    unknown: list[str] = []
    for piece in re.split(r"[,;\n]+", value):
        words = [w for w in key(piece).strip(" .").split() if w not in texts.PROBLEM_FILLER_WORDS]
        if not words:
            if piece.strip():
                unknown.append(piece.strip())
            continue
        text = " ".join(words)
        category = next(
            (c for c in texts.PROBLEM_CATEGORIES if text == c or text.startswith(c[:-2])), None
        )
        if category is None:
            unknown.append(piece.strip())
        else:
            found.add(category)
    return tuple(c for c in texts.PROBLEM_CATEGORIES if c in found), unknown


def derive_legal_form(full_name: str) -> str | None:
    """The legal form a full name starts with ("МАОУ «…»" → "МАОУ"), if a known one."""
    match = re.match(r"\W*([\w-]+)", full_name)
    if match is None:
        return None
    word = match.group(1).upper()
    return word if word in texts.LEGAL_FORMS else None


@cache
def _timezones() -> dict[str, str]:
    return {name.casefold(): name for name in zoneinfo.available_timezones()}


def canonical_timezone(value: str) -> str | None:
    """The IANA name of a time zone written in any case; None when there is no such zone."""
    name = _timezones().get(value.strip().casefold())
    if name is not None:
        return name
    try:
        zoneinfo.ZoneInfo(value.strip())
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None
    return value.strip()


# --- planning ---

T = TypeVar("T")
K = TypeVar("K")


def _first_by(items: Iterable[T], by: Callable[[T], K]) -> dict[K, T]:
    index: dict[K, T] = {}
    for item in items:
        index.setdefault(by(item), item)
    return index


class _Directory:
    """The snapshot indexed by keys."""

    def __init__(self, snapshot: DirectorySnapshot) -> None:
        self.municipalities = _first_by(snapshot.municipalities, lambda m: key(m.name))
        self.districts = _first_by(snapshot.districts, lambda d: (d.municipality_id, key(d.name)))
        self.schools = _first_by(snapshot.schools, lambda s: (s.municipality_id, key(s.short_name)))
        self.district_keys = {d.id: key(d.name) for d in snapshot.districts}
        self.school_keys = {s.id: key(s.short_name) for s in snapshot.schools}

    def municipality_id(self, municipality: str) -> int | None:
        found = self.municipalities.get(municipality)
        return None if found is None else found.id

    def has_district(self, municipality: str, district: str) -> bool:
        municipality_id = self.municipality_id(municipality)
        return municipality_id is not None and (municipality_id, district) in self.districts


@dataclass
class _Planner:
    directory: _Directory
    default_timezone: str
    check_references: bool
    outcomes: list[RowOutcome]
    # Names the file declares, by key: what rows of the other tables may refer to.
    file_municipalities: set[str]
    file_districts: dict[tuple[str, str], str]  # → the first spelling in the file
    # The first row of each school in the file, and its final district key.
    file_school_districts: dict[tuple[str, str], str | None]


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

    directory = _Directory(snapshot)
    planner = _Planner(
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

    municipality_changes = _plan_municipalities(planner, by_kind[TableKind.MUNICIPALITIES])
    district_changes = _plan_districts(planner, by_kind[TableKind.DISTRICTS])
    school_changes = _plan_schools(planner, by_kind[TableKind.SCHOOLS])
    return ImportPlan(
        outcomes=tuple(planner.outcomes),
        file_errors=tuple(errors),
        municipalities=tuple(municipality_changes),
        districts=tuple(district_changes),
        schools=tuple(school_changes),
    )


def _school_district(directory: _Directory, school: tuple[str, str], row: ParsedRow) -> str | None:
    """The district key a school of the file will have: its cell, or the stored one."""
    cell = row.get(Column.DISTRICT)
    if cell is not None:
        return key(cell) or None
    municipality_id = directory.municipality_id(school[0])
    existing = directory.schools.get((municipality_id or 0, school[1]))
    if existing is None or existing.district_id is None:
        return None
    return directory.district_keys[existing.district_id]


def _duplicates(
    rows: Sequence[tuple[str, ParsedRow]], identity: Callable[[ParsedRow], tuple[str, ...] | None]
) -> dict[int, list[int]]:
    """For each row (by position) whose identity repeats, the row numbers sharing it."""
    groups: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for position, (_, row) in enumerate(rows):
        found = identity(row)
        if found is not None:
            groups[found].append(position)
    repeated: dict[int, list[int]] = {}
    for positions in groups.values():
        if len(positions) > 1:
            numbers = sorted(rows[p][1].number for p in positions)
            for position in positions:
                repeated[position] = numbers
    return repeated


def _length_errors(row: ParsedRow, columns: Iterable[Column]) -> list[str]:
    errors = []
    for column in columns:
        limit = MAX_LENGTHS.get(column)
        value = clean(row.text(column))
        if limit is not None and len(value) > limit:
            errors.append(
                texts.TOO_LONG.format(column=COLUMN_TITLES[column], limit=limit, length=len(value))
            )
    return errors


def _municipality_errors(planner: _Planner, row: ParsedRow) -> list[str]:
    name = clean(row.text(Column.MUNICIPALITY))
    if not name:
        return [texts.MISSING_MUNICIPALITY]
    known = (
        key(name) in planner.file_municipalities or key(name) in planner.directory.municipalities
    )
    if planner.check_references and not known:
        return [texts.UNKNOWN_MUNICIPALITY.format(name=name)]
    return []


def _outcome(
    kind: TableKind, source: str, row: ParsedRow, name: str, errors: list[str], action: Action
) -> RowOutcome:
    if errors:
        return RowOutcome(kind, source, row.number, name, "rejected", tuple(errors))
    return RowOutcome(kind, source, row.number, name, action)


def _plan_municipalities(
    planner: _Planner, rows: Sequence[tuple[str, ParsedRow]]
) -> list[MunicipalityChange]:
    repeated = _duplicates(
        rows,
        lambda r: (key(r.text(Column.MUNICIPALITY)),) if r.text(Column.MUNICIPALITY) else None,
    )
    changes = []
    for position, (source, row) in enumerate(rows):
        name = clean(row.text(Column.MUNICIPALITY))
        errors = [] if name else [texts.MISSING_MUNICIPALITY]
        if name and position in repeated:
            rows_text = texts.join_rows(repeated[position])
            errors.append(texts.DUPLICATE_MUNICIPALITY.format(name=name, rows=rows_text))
        errors += _length_errors(row, (Column.MUNICIPALITY,))
        existing = planner.directory.municipalities.get(key(name)) if name else None
        cell = row.text(Column.TIMEZONE)
        timezone = canonical_timezone(cell) if cell else None
        if cell and timezone is None:
            errors.append(texts.BAD_TIMEZONE.format(value=cell))
        if timezone is None:
            timezone = existing.timezone if existing is not None else planner.default_timezone
        if existing is None:
            action: Action = "created"
        elif (existing.name, existing.timezone) != (name, timezone):
            action = "updated"
        else:
            action = "unchanged"
        outcome = _outcome(TableKind.MUNICIPALITIES, source, row, name, errors, action)
        planner.outcomes.append(outcome)
        if outcome.action in ("created", "updated"):
            changes.append(
                MunicipalityChange(
                    key(name), None if existing is None else existing.id, name, timezone
                )
            )
    return changes


def _plan_districts(
    planner: _Planner, rows: Sequence[tuple[str, ParsedRow]]
) -> list[DistrictChange]:
    directory = planner.directory
    repeated = _duplicates(
        rows,
        lambda r: (
            (key(r.text(Column.MUNICIPALITY)), key(r.text(Column.DISTRICT)))
            if r.text(Column.DISTRICT)
            else None
        ),
    )
    changes = []
    for position, (source, row) in enumerate(rows):
        municipality = clean(row.text(Column.MUNICIPALITY))
        name = clean(row.text(Column.DISTRICT))
        errors = _municipality_errors(planner, row)
        if not name:
            errors.append(texts.MISSING_DISTRICT)
        elif position in repeated:
            rows_text = texts.join_rows(repeated[position])
            errors.append(texts.DUPLICATE_DISTRICT.format(name=name, rows=rows_text))
        errors += _length_errors(row, (Column.DISTRICT, Column.HEAD))

        municipality_id = directory.municipality_id(key(municipality))
        existing = directory.districts.get((municipality_id or 0, key(name)))
        head_cell = row.get(Column.HEAD)
        if head_cell is None:
            head = existing.head_name if existing is not None else None
        else:
            head = clean(head_cell) or None
        base_cell = row.get(Column.BASE_SCHOOL)
        if base_cell is None:
            base_id = existing.base_school_id if existing is not None else None
            base = None if base_id is None else directory.school_keys[base_id]
        else:
            base = key(base_cell) or None
            if base is not None and name and municipality:
                errors += _base_school_errors(planner, municipality, key(name), base_cell)

        if existing is None:
            action: Action = "created"
        else:
            stored_base = (
                None
                if existing.base_school_id is None
                else directory.school_keys[existing.base_school_id]
            )
            same = (existing.name, existing.head_name, stored_base) == (name, head, base)
            action = "unchanged" if same else "updated"
        outcome = _outcome(TableKind.DISTRICTS, source, row, name, errors, action)
        planner.outcomes.append(outcome)
        if outcome.action in ("created", "updated"):
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
    planner: _Planner, municipality_name: str, district: str, cell: str
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
        municipality_id = directory.municipality_id(municipality)
        existing = directory.schools.get((municipality_id or 0, school[1]))
        if existing is None:
            return [texts.UNKNOWN_BASE_SCHOOL.format(name=name, municipality=municipality_name)]
        school_district = (
            None if existing.district_id is None else directory.district_keys[existing.district_id]
        )
    if school_district is None:
        return [texts.BASE_SCHOOL_WITHOUT_DISTRICT.format(name=name)]
    if school_district != district:
        return [
            texts.BASE_SCHOOL_IN_OTHER_DISTRICT.format(
                name=name, district=_district_name(planner, municipality, school_district)
            )
        ]
    return []


def _district_name(planner: _Planner, municipality: str, district: str) -> str:
    """How a district is spelled in the directory or, for a new one, in the file."""
    municipality_id = planner.directory.municipality_id(municipality)
    existing = planner.directory.districts.get((municipality_id or 0, district))
    if existing is not None:
        return existing.name
    return planner.file_districts.get((municipality, district), district)


def _plan_schools(planner: _Planner, rows: Sequence[tuple[str, ParsedRow]]) -> list[SchoolChange]:
    directory = planner.directory
    repeated = _duplicates(
        rows,
        lambda r: (
            (key(r.text(Column.MUNICIPALITY)), key(r.text(Column.SHORT_NAME)))
            if r.text(Column.SHORT_NAME)
            else None
        ),
    )
    changes = []
    for position, (source, row) in enumerate(rows):
        municipality = clean(row.text(Column.MUNICIPALITY))
        full_name = clean(row.text(Column.FULL_NAME))
        short_name = clean(row.text(Column.SHORT_NAME))
        errors = _municipality_errors(planner, row)
        if not full_name:
            errors.append(texts.MISSING_FULL_NAME)
        if not short_name:
            errors.append(texts.MISSING_SHORT_NAME)
        elif position in repeated:
            rows_text = texts.join_rows(repeated[position])
            errors.append(texts.DUPLICATE_SHORT_NAME.format(name=short_name, rows=rows_text))
        errors += _length_errors(
            row, (Column.FULL_NAME, Column.SHORT_NAME, Column.LEGAL_FORM, Column.DISTRICT)
        )

        municipality_id = directory.municipality_id(key(municipality))
        existing = directory.schools.get((municipality_id or 0, key(short_name)))
        stored_district = (
            None
            if existing is None or existing.district_id is None
            else directory.district_keys[existing.district_id]
        )
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
        flags: dict[Column, bool] = {}
        for column in (Column.SHNOR, Column.UNFAVOURABLE):
            cell = row.get(column)
            if cell is None:
                if existing is None:
                    flags[column] = False
                elif column is Column.SHNOR:
                    flags[column] = existing.is_shnor
                else:
                    flags[column] = existing.unfavourable_conditions
                continue
            flag = parse_flag(cell)
            if flag is None:
                errors.append(texts.BAD_FLAG.format(column=COLUMN_TITLES[column], value=cell))
            flags[column] = bool(flag)
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
        if existing is None:
            action: Action = "created"
        else:
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
            action = "unchanged" if stored == wanted else "updated"
        outcome = _outcome(TableKind.SCHOOLS, source, row, short_name, errors, action)
        planner.outcomes.append(outcome)
        if outcome.action in ("created", "updated"):
            changes.append(change)
    return changes


# --- applying ---


async def apply_plan(conn: AsyncConnection, plan: ImportPlan, snapshot: DirectorySnapshot) -> None:
    """Write a valid plan made from ``snapshot``, in the caller's transaction."""
    if not plan.ok:
        raise ValueError("a plan with errors cannot be applied")
    directory = _Directory(snapshot)
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
