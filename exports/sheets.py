"""Generic spreadsheet input and output: tables of strings in, formatted workbooks out.

Reading turns an uploaded ``.xlsx`` or ``.csv`` into plain tables of stripped strings, the way a
person sees them in Excel. A reader of numbers may ask for more (``read_tables``' options): a
percent-formatted number as the percent Excel shows (0.3 → "30"), the cells holding a formula
without a computed value (they read as ""), and a sheet refused beyond ``Limits`` before it is
read whole. Writing builds an ``.xlsx`` whose header is bold, frozen and filtered.
Nothing here knows what the tables mean; errors carry an English ``kind`` that callers translate.
"""

import csv
import io
import re
import zipfile
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, Literal, TypeAlias

import openpyxl
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from exports.titles import unique_sheet_title

SheetErrorKind: TypeAlias = Literal["unsupported", "unreadable", "empty", "too_large"]
CellValue: TypeAlias = str | int | float | date | datetime | None

EXCEL_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIXES = (".csv", ".tsv", ".txt")
CSV_DELIMITERS = (";", "\t", ",")  # the order breaks ties: Russian Excel writes ";"
CSV_ENCODINGS = ("utf-8-sig", "cp1251")

# Strings Excel (or a CSV consumer) could take for a formula or a command.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Characters an .xlsx (XML 1.0 in UTF-8) cannot hold: control characters, lone surrogates and
# the two non-characters.
_ILLEGAL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
MIN_WIDTH, MAX_WIDTH = 8, 60

# The exceptions openpyxl and zipfile raise on damaged or foreign files.
_WORKBOOK_ERRORS: tuple[type[Exception], ...] = (
    InvalidFileException,
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    KeyError,
    ValueError,
    TypeError,
    IndexError,
    AttributeError,
    OSError,
    EOFError,
)


class SheetError(Exception):
    """A file that cannot be read as a table; ``kind`` says why, ``source`` names the file."""

    def __init__(self, kind: SheetErrorKind, source: str = "") -> None:
        super().__init__(f"{kind}: {source}" if source else kind)
        self.kind: SheetErrorKind = kind
        self.source = source


@dataclass(frozen=True, slots=True)
class Limits:
    """How large a sheet may be: a value beyond ``rows`` or ``columns`` refuses the file
    (``SheetTooLarge``), and so do more cells read than ``cells`` (empty ones and rows without
    cells count: a sheet may be large with nothing in it). The size a sheet declares is not
    trusted either way: a few kilobytes may declare a million cells, and a declared size too
    small would cut rows off; a bordered but empty area within the budget is no refusal."""

    rows: int
    columns: int

    @property
    def cells(self) -> int:
        return CELL_BUDGET * self.rows * self.columns


CELL_BUDGET = 4  # cells read at most, as many times the limits' area


class SheetTooLarge(SheetError):
    """A sheet beyond the reader's ``Limits`` (``sheet`` names it)."""

    def __init__(self, source: str, sheet: str, limits: Limits) -> None:
        super().__init__("too_large", source)
        self.sheet = sheet
        self.limits = limits


@dataclass(frozen=True)
class RawTable:
    """One sheet (or one CSV file) as stripped strings; ``rows[0]`` is the header.

    ``first_row`` is the spreadsheet row number of ``rows[0]`` (blank rows above it are dropped),
    so ``rows[i]`` is spreadsheet row ``first_row + i``. Rows are padded to the same width.
    ``uncomputed`` holds the cells (row index into ``rows``, column) of a formula without a
    computed value, read as "" (only when asked for: ``read_tables(formulas=True)``).
    """

    source: str
    rows: list[list[str]]
    first_row: int = 1
    uncomputed: frozenset[tuple[int, int]] = frozenset()


@dataclass(frozen=True)
class SheetData:
    title: str
    header: list[str]
    rows: list[list[CellValue]]
    column_widths: list[int] | None = None


# --- reading ---


def read_tables(
    filename: str,
    content: bytes,
    *,
    limits: Limits | None = None,
    percents: bool = False,
    formulas: bool = False,
) -> list[RawTable]:
    """The non-empty tables of an uploaded file: each sheet of an .xlsx, or the one of a .csv.

    ``limits``: a sheet larger is refused (``SheetTooLarge``) before it is read whole.
    ``percents``: a percent-formatted number reads as its percent, as Excel shows it (0.3 in a
    "0%" cell → "30"). ``formulas``: the cells of a formula without a computed value (a file
    written by a program, not saved by Excel) are listed in ``RawTable.uncomputed``.
    """
    suffix = _suffix(filename)
    if suffix in EXCEL_SUFFIXES:
        options = _Options(limits, percents, formulas)
        tables = _read_workbook(filename, content, options)
    elif suffix in CSV_SUFFIXES:
        tables = _read_csv(filename, content, limits)
    else:
        raise SheetError("unsupported", filename)
    if not tables:
        raise SheetError("empty", filename)
    return tables


def cell_text(value: object) -> str:
    """A cell value as Excel shows it: 5.0 → "5", a date → "дд.мм.гггг", None → ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ИСТИНА" if value else "ЛОЖЬ"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.15g}"
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.strftime("%d.%m.%Y")
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, timedelta):
        return str(value)
    return str(value).strip()


def _suffix(filename: str) -> str:
    dot = filename.rfind(".")
    return "" if dot < 0 else filename[dot:].lower()


@dataclass(frozen=True, slots=True)
class _Options:
    limits: Limits | None = None
    percents: bool = False
    formulas: bool = False

    @property
    def plain(self) -> bool:
        return self.limits is None and not self.percents and not self.formulas


def _read_workbook(filename: str, content: bytes, options: _Options) -> list[RawTable]:
    workbooks = []
    try:
        workbooks.append(_open(content, data_only=True))
        if options.formulas:  # the same sheets again, with their formulas instead of values
            workbooks.append(_open(content, data_only=False))
        tables = []
        for number, sheet in enumerate(workbooks[0].worksheets):
            if options.plain:
                table = _table(str(sheet.title), sheet.iter_rows(values_only=True))
            else:
                formula_sheet = workbooks[1].worksheets[number] if options.formulas else None
                table = _checked_sheet(filename, sheet, formula_sheet, options)
            if table is not None:
                tables.append(table)
        return tables
    except _WORKBOOK_ERRORS as error:
        raise SheetError("unreadable", filename) from error
    finally:
        for workbook in workbooks:
            workbook.close()


def _open(content: bytes, *, data_only: bool) -> Any:
    return openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=data_only)


_QUOTED_FORMAT = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


def is_percent_format(number_format: str | None) -> bool:
    """An Excel number format that shows a number as a percent: "0%", "0.0%" (not a "%" in
    quotes, escaped, or in a bracketed condition or colour)."""
    return bool(number_format) and "%" in _QUOTED_FORMAT.sub("", str(number_format))


def as_percent(value: int | float) -> int | float:
    """0.3 → 30, 0.125 → 12.5: a fraction as the percent Excel shows, without float noise."""
    percent = Decimal(repr(value)) * 100
    return int(percent) if percent == percent.to_integral_value() else float(percent)


def _checked_sheet(
    filename: str, sheet: Any, formula_sheet: Any | None, options: _Options
) -> RawTable | None:
    """A sheet read cell by cell: refused beyond ``options.limits`` as soon as a value beyond
    them or the cell budget is reached; percents and formulas without values as asked."""
    title = str(sheet.title)
    limits = options.limits
    if limits is not None:
        # Rows as they are stored, not padded to the declared size (20000 rows of 16000 empty
        # cells for one stored cell) nor cut to it.
        sheet.reset_dimensions()
        if formula_sheet is not None:
            formula_sheet.reset_dimensions()
    formula_rows = None if formula_sheet is None else formula_sheet.iter_rows()
    values: list[list[Any]] = []
    uncomputed: set[tuple[int, int]] = set()
    read = 0
    for cells in sheet.iter_rows():
        number = len(values)  # rows are read from the sheet's first
        read += max(len(cells), 1)  # a row without cells counts too
        row = [_cell_value(cell, options.percents) for cell in cells]
        formula_cells = () if formula_rows is None else next(formula_rows, ())
        held = [
            column
            for column, cell in enumerate(formula_cells)
            if column < len(row) and row[column] is None and _is_formula(cell)
        ]
        uncomputed.update((number, column) for column in held)
        if limits is not None:
            occupied = held + [at for at, value in enumerate(row) if value not in (None, "")]
            beyond = occupied and (number >= limits.rows or max(occupied) >= limits.columns)
            if beyond or read > limits.cells:
                raise SheetTooLarge(filename, title, limits)
            del row[limits.columns :]
        values.append(row)
    return _table(title, values, uncomputed)


def _cell_value(cell: Any, percents: bool) -> Any:
    value = cell.value
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if percents and number and is_percent_format(getattr(cell, "number_format", None)):
        return as_percent(value)
    return value


def _is_formula(cell: Any) -> bool:
    value = getattr(cell, "value", None)
    if isinstance(value, str):
        return value.startswith("=") and getattr(cell, "data_type", "") == "f"
    return value is not None and not isinstance(value, int | float | bool | date | time)


def _read_csv(filename: str, content: bytes, limits: Limits | None = None) -> list[RawTable]:
    if b"\x00" in content:
        raise SheetError("unreadable", filename)
    text = _decode(content)
    if text is None:
        raise SheetError("unreadable", filename)
    delimiter = _sniff_delimiter(text)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise SheetError("unreadable", filename) from error
    if limits is not None:
        for number, row in enumerate(rows):
            occupied = [at for at, cell in enumerate(row) if cell.strip()]
            if occupied and (number >= limits.rows or occupied[-1] >= limits.columns):
                raise SheetTooLarge(filename, filename, limits)
            del row[limits.columns :]
    table = _table(filename, rows)
    return [] if table is None else [table]


def _decode(content: bytes) -> str | None:
    for encoding in CSV_ENCODINGS:
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first non-blank line into the most fields."""
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    best, best_fields = CSV_DELIMITERS[0], 1
    for delimiter in CSV_DELIMITERS:
        try:
            fields = len(next(csv.reader([first_line], delimiter=delimiter), []))
        except csv.Error:
            continue
        if fields > best_fields:
            best, best_fields = delimiter, fields
    return best


def _table(
    source: str, rows: Iterable[Sequence[Any]], uncomputed: Collection[tuple[int, int]] = ()
) -> RawTable | None:
    """The rows as texts without the blank rows above and below and the blank cells at the
    right (a formula without a value is no blank); ``uncomputed`` (row, column) of ``rows``."""
    texts = [[cell_text(value) for value in row] for row in rows]
    held: dict[int, int] = {}  # row -> the last column with a formula without a value
    for line, column in uncomputed:
        held[line] = max(held.get(line, -1), column)
    for line, row in enumerate(texts):
        while len(row) > held.get(line, -1) + 1 and not row[-1]:
            row.pop()
    while texts and not texts[-1]:
        texts.pop()
    first = next((index for index, row in enumerate(texts) if row), None)
    if first is None:
        return None
    texts = texts[first:]
    width = max(len(row) for row in texts)
    return RawTable(
        source=source,
        rows=[row + [""] * (width - len(row)) for row in texts],
        first_row=first + 1,
        uncomputed=frozenset((line - first, column) for line, column in uncomputed),
    )


# --- writing ---


_WRAP_FROM = 15  # characters of column width
_MAX_LINES = 20


def write_workbook(sheets: Sequence[SheetData]) -> bytes:
    """An .xlsx with one sheet per ``SheetData``: bold frozen header, autofilter, set widths,
    long texts wrapped, and printed landscape one page wide with the header on every page.

    Strings are always stored as text: one that starts like a formula is never evaluated and is
    marked with Excel's quote prefix so that editing the cell keeps it text. Time-zone-aware
    datetimes are written as their wall-clock time (Excel has no time zones).
    """
    workbook = openpyxl.Workbook()
    for default in list(workbook.worksheets):
        workbook.remove(default)
    bold = Font(bold=True)
    used_titles: set[str] = set()
    for data in sheets:
        sheet = workbook.create_sheet(unique_sheet_title(data.title, used_titles))
        sheet.append([_text(title) for title in data.header])
        for cell in sheet[1]:
            cell.font = bold
            _mark_text(cell)
        wrap, top = Alignment(wrap_text=True, vertical="top"), Alignment(vertical="top")
        widths = data.column_widths or _auto_widths(data)
        for row_index, row in enumerate(data.rows, start=2):
            lines = 1
            for column_index, value in enumerate(row, start=1):
                cell = sheet.cell(row=row_index, column=column_index)
                _write_cell(cell, value)
                width = widths[column_index - 1] if column_index <= len(widths) else 0
                # A long text in a wide column wraps (a narrow one, like "№", lets a section's
                # title run on over the empty cells beside it).
                if isinstance(value, str) and width >= _WRAP_FROM and len(value) > width:
                    cell.alignment = wrap
                    lines = max(lines, -(-len(value) * 11 // (width * 10)))
            if lines > 1:  # viewers do not all grow a row for wrapped text by themselves
                sheet.row_dimensions[row_index].height = 15 * min(lines, _MAX_LINES)
                for cell in sheet[row_index]:
                    if not cell.alignment.wrap_text:
                        cell.alignment = top
        width_count = max([len(data.header), *(len(row) for row in data.rows)], default=0)
        if width_count:
            sheet.freeze_panes = "A2"
            last = get_column_letter(width_count)
            sheet.auto_filter.ref = f"A1:{last}{max(len(data.rows) + 1, 1)}"
        for column_index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(column_index)].width = width
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.print_title_rows = "1:1"
    if not workbook.worksheets:
        workbook.create_sheet("Sheet1")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def clean_text(value: str) -> str:
    """``value`` without the characters an .xlsx cannot hold."""
    return _text(value)


def _text(value: str) -> str:
    return _ILLEGAL_CHARACTERS.sub("", value)


def _mark_text(cell: Any) -> None:
    if isinstance(cell.value, str):
        cell.data_type = "s"
        if cell.value.startswith(FORMULA_PREFIXES):
            cell.quotePrefix = True


def _write_cell(cell: Any, value: CellValue) -> None:
    if isinstance(value, str):
        cell.value = _text(value)
        _mark_text(cell)
    elif isinstance(value, datetime):
        cell.value = value.replace(tzinfo=None)
        cell.number_format = "DD.MM.YYYY HH:MM"
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = "DD.MM.YYYY"
    else:
        cell.value = value


def _auto_widths(data: SheetData) -> list[int]:
    count = max([len(data.header), *(len(row) for row in data.rows)], default=0)
    widths = [MIN_WIDTH] * count
    for row in [list[CellValue](data.header), *data.rows]:
        for index, value in enumerate(row):
            longest = max((len(line) for line in cell_text(value).splitlines()), default=0)
            widths[index] = max(widths[index], min(longest + 2, MAX_WIDTH))
    return widths
