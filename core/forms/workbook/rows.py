"""The cells of a form workbook as the reader sees them, and what it found, with where each
thing came from (so that a problem found later, by a model, is said in the cell it is in).

- ``Problem``, ``Problems``: what is wrong and where (sheet, row, column), in order, each once; a
  column a sheet lacks is said once, not again in every row.
- ``sheet_rows``: a sheet's data rows under its header, the header's columns matched to the
  layout's by name; formulas and overlong cells refused; ``Row`` reads a cell as text, yes/no, a
  number, a whole number or a date, saying what is wrong with it.
- ``ReadQuestion``, ``OptionList``, ``ReadRule`` …: what a row became, with its row.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from core.forms.models import QuestionType
from core.forms.workbook import layout
from core.forms.workbook.layout import Rule, SheetSpec, fold
from exports.cells import CellSheet, RawCell, RawValue
from texts import form_workbook as texts

MAX_PROBLEMS = 100  # listed; the rest are counted
IGNORED_HEADERS = ("примечание", "комментарий", "#")  # a methodist's own columns
_DATE_TEXT = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})|(\d{4})-(\d{2})-(\d{2})")


@dataclass(frozen=True, slots=True)
class Problem:
    """What is wrong, and where: ``sheet`` ("" for the file), ``row`` and ``column`` (the
    header's name) when known."""

    sheet: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        if not self.sheet:
            return texts.PROBLEM_FILE.format(message=self.message)
        if self.row is None:
            return texts.PROBLEM_SHEET.format(sheet=self.sheet, message=self.message)
        if self.column is None:
            return texts.PROBLEM_ROW.format(sheet=self.sheet, row=self.row, message=self.message)
        return texts.PROBLEM.format(
            sheet=self.sheet, row=self.row, column=self.column, message=self.message
        )


# --- problems ---


class Problems:
    def __init__(self) -> None:
        self.found: list[Problem] = []
        self.keys: set[tuple[str, int | None, str | None, str]] = set()
        # (sheet, header) of the columns a sheet lacks: said once, not again in every row
        self.missing: set[tuple[str, str]] = set()

    def add(self, sheet: str, row: int | None, column: str | None, message: str) -> None:
        if column is not None and (sheet, column) in self.missing:
            return
        key = (sheet, row, column, message)
        if key not in self.keys:
            self.keys.add(key)
            self.found.append(Problem(sheet, row, column, message))

    def __bool__(self) -> bool:
        return bool(self.found)

    def count(self) -> int:
        return len(self.found)

    def listed(self) -> list[Problem]:
        """In the order of the sheets, rows and columns; at most ``MAX_PROBLEMS``."""
        sheets = {spec.title: index for index, spec in enumerate(layout.READ_SHEETS)}
        columns = {
            (spec.title, column.header): index
            for spec in layout.READ_SHEETS
            for index, column in enumerate(spec.columns)
        }

        def order(problem: Problem) -> tuple[int, int, int]:
            return (
                sheets.get(problem.sheet, -1),
                problem.row or 0,
                columns.get((problem.sheet, problem.column or ""), -1),
            )

        ordered = sorted(self.found, key=order)
        if len(ordered) <= MAX_PROBLEMS:
            return ordered
        more = texts.MORE_PROBLEMS.format(count=len(ordered) - MAX_PROBLEMS)
        return [*ordered[:MAX_PROBLEMS], Problem("", None, None, more)]


# --- sheets as rows of cells, by column key ---


@dataclass
class Row:
    """A data row of a sheet: its cells by column key; reading a value reports what is wrong
    with it, and a row with any problem is ``failed``."""

    spec: SheetSpec
    line: int  # the spreadsheet's row number
    cells: dict[str, RawValue]
    problems: Problems
    failed: bool = False

    def problem(self, key: str | None, message: str) -> None:
        self.failed = True
        column = None if key is None else self.spec.header(key)
        self.problems.add(self.spec.title, self.line, column, message)

    def fail(self) -> None:
        """Failed for a reason said elsewhere (a sheet or a column that is not there)."""
        self.failed = True

    def filled(self, key: str) -> bool:
        return self.cells.get(key) is not None

    def text(self, key: str, limit: int | None = None) -> str | None:
        value = self.cells.get(key)
        if value is None:
            return None
        text = cell_text(value)
        if limit is not None and len(text) > limit:
            self.problem(key, texts.TOO_LONG.format(limit=limit, length=len(text)))
            return None
        return text or None

    def yes_no(self, key: str, default: bool) -> bool:
        value = self.cells.get(key)
        if value is None:
            return default
        answer = read_yes_no(value)
        if answer is None:
            self.problem(key, texts.NOT_YES_NO.format(value=short(value)))
            return default
        return answer

    def number(self, key: str) -> float | None:
        value = self.cells.get(key)
        if value is None:
            return None
        number = read_number(value)
        if number is None:
            self.problem(key, texts.NOT_NUMBER.format(value=short(value)))
        return number

    def whole(self, key: str, least: int, limit: int) -> int | None:
        """A whole number from ``least`` to ``limit``."""
        value = self.cells.get(key)
        if value is None:
            return None
        number = read_number(value)
        if number is None or not number.is_integer():
            self.problem(key, texts.NOT_WHOLE.format(value=short(value)))
            return None
        if number < least:
            self.problem(key, texts.AT_LEAST.format(limit=least))
            return None
        if number > limit:
            self.problem(key, texts.TOO_MANY.format(limit=limit))
            return None
        return int(number)

    def day(self, key: str) -> date | None:
        value = self.cells.get(key)
        if value is None:
            return None
        found = read_date(value)
        if found is None:
            self.problem(key, texts.NOT_DATE.format(value=short(value)))
        return found


def sheet_rows(sheet: CellSheet | None, spec: SheetSpec, problems: Problems) -> list[Row]:
    """The data rows of a sheet under its header (its first non-empty row); the header's
    columns matched to the layout's by name; formulas and overlong cells reported."""
    if sheet is None:
        return []
    rows = sheet.rows()
    if not rows:
        return []
    header_number = min(rows)
    by_header = {fold(column.header): column.key for column in spec.columns}
    by_header.update({fold(column.key): column.key for column in spec.columns})
    positions: dict[int, str] = {}
    skipped: set[int] = set()
    for number, cell in sorted(rows[header_number].items()):
        title = cell_text(cell.value)
        if not title:
            continue  # (a blank header: the data under it is said to have none)
        if cell.formula:
            problems.add(spec.title, header_number, title, texts.FORMULA)
            skipped.add(number)
            continue
        folded = fold(title)
        key = by_header.get(folded)
        if folded.startswith(IGNORED_HEADERS):
            skipped.add(number)
        elif key is None:
            problems.add(
                spec.title, header_number, title, texts.UNKNOWN_COLUMN.format(column=short(title))
            )
            skipped.add(number)
        elif key in positions.values():
            header = spec.header(key)
            problems.add(
                spec.title, header_number, header, texts.DUPLICATE_COLUMN.format(column=header)
            )
            skipped.add(number)
        else:
            positions[number] = key
    for column in spec.columns:
        if column.required and column.key not in positions.values():
            problems.add(
                spec.title,
                header_number,
                column.header,
                texts.MISSING_COLUMN.format(column=column.header),
            )
            problems.missing.add((spec.title, column.header))
    data = [number for number in sorted(rows) if number > header_number]
    if len(data) > spec.max_rows:
        problems.add(spec.title, None, None, texts.SHEET_TOO_MANY_ROWS.format(limit=spec.max_rows))
        return []
    nameless: set[int] = set()
    found = []
    for number in data:
        row = Row(spec, number, {}, problems)
        for place, cell in sorted(rows[number].items()):
            key = positions.get(place)
            if key is None:
                if place not in skipped and place not in nameless:
                    nameless.add(place)
                    problems.add(spec.title, number, None, texts.NAMELESS_COLUMN)
                continue
            take_cell(row, key, cell)
        found.append(row)
    return found


def take_cell(row: Row, key: str, cell: RawCell) -> None:
    if cell.formula:
        row.problem(key, texts.FORMULA)
        return
    value = cell.value
    if isinstance(value, str):
        value = value.replace("\r\n", "\n").replace("\r", "\n").strip()
        if len(value) > layout.MAX_CELL:
            row.problem(key, texts.TOO_LONG.format(limit=layout.MAX_CELL, length=len(value)))
            return
        if not value:
            return
    row.cells[key] = value


# --- cell values ---


def cell_text(value: RawValue) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return texts.YES if value else texts.NO
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else f"{value:g}"
    if isinstance(value, datetime | date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, time | timedelta):
        return str(value)
    return value.strip()


def read_yes_no(value: RawValue) -> bool | None:
    if isinstance(value, bool):
        return value
    word = fold(cell_text(value))
    if word in texts.YES_WORDS:
        return True
    if word in texts.NO_WORDS:
        return False
    return None


def read_number(value: RawValue) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        text = value.replace("\u00a0", "").replace(" ", "").replace(",", ".")
        text = text.replace("−", "-").replace("–", "-")
        if not re.fullmatch(r"-?\d{1,15}(\.\d{1,10})?", text):
            return None
        number = float(text)
    else:
        return None
    return number if abs(number) < 1e15 else None


def read_date(value: RawValue) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    match = _DATE_TEXT.fullmatch(value.strip())
    if match is None:
        return None
    day, month, year, iso_year, iso_month, iso_day = match.groups()
    try:
        if year is not None:
            return date(int(year), int(month), int(day))
        return date(int(iso_year), int(iso_month), int(iso_day))
    except ValueError:
        return None


def short(value: RawValue, limit: int = 40) -> str:
    """A cell's value as a message quotes it: at most ``limit`` characters."""
    text = " ".join(cell_text(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def split_list(text: str, separators: str) -> list[str]:
    return [part.strip() for part in re.split(f"[{separators}]", text) if part.strip()]


# --- what was read, with where it came from ---


@dataclass
class ReadOption:
    row: Row
    raw: dict[str, Any]


@dataclass
class OptionList:
    name: str
    options: list[ReadOption] = field(default_factory=list)

    @property
    def ids(self) -> set[str]:
        return {str(option.raw.get("id")) for option in self.options}

    @property
    def failed(self) -> bool:
        return any(option.row.failed for option in self.options)


@dataclass
class ReadRule:
    row: Row
    rule: Rule
    raw: Any


@dataclass
class ReadQuestion:
    row: Row
    kind: QuestionType | None  # None: an unknown type (reported)
    id: str | None
    group: "ReadQuestion | None" = None
    subs: list["ReadQuestion"] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)
    options: OptionList | None = None
    rules: list[ReadRule] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return (
            self.row.failed
            or self.kind is None
            or any(sub.failed for sub in self.subs)
            or (self.options is not None and self.options.failed)
            or any(rule.row.failed for rule in self.rules)
        )

    def sub(self, sub_id: str) -> "ReadQuestion | None":
        return next((sub for sub in self.subs if sub.id == sub_id), None)


@dataclass
class ReadSection:
    row: Row | None
    title: str
    questions: list[ReadQuestion] = field(default_factory=list)


@dataclass
class ReadSetting:
    row: Row
    value: Any
