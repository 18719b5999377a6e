"""Generic spreadsheet input and output: tables of strings in, formatted workbooks out.

Reading turns an uploaded ``.xlsx`` or ``.csv`` into plain tables of stripped strings, the way a
person sees them in Excel. Writing builds an ``.xlsx`` whose header is bold, frozen and filtered.
Nothing here knows what the tables mean; errors carry an English ``kind`` that callers translate.
"""

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Literal, TypeAlias

import openpyxl
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from exports.titles import unique_sheet_title

SheetErrorKind: TypeAlias = Literal["unsupported", "unreadable", "empty"]
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


@dataclass(frozen=True)
class RawTable:
    """One sheet (or one CSV file) as stripped strings; ``rows[0]`` is the header.

    ``first_row`` is the spreadsheet row number of ``rows[0]`` (blank rows above it are dropped),
    so ``rows[i]`` is spreadsheet row ``first_row + i``. Rows are padded to the same width.
    """

    source: str
    rows: list[list[str]]
    first_row: int = 1


@dataclass(frozen=True)
class SheetData:
    title: str
    header: list[str]
    rows: list[list[CellValue]]
    column_widths: list[int] | None = None


# --- reading ---


def read_tables(filename: str, content: bytes) -> list[RawTable]:
    """The non-empty tables of an uploaded file: each sheet of an .xlsx, or the one of a .csv."""
    suffix = _suffix(filename)
    if suffix in EXCEL_SUFFIXES:
        tables = _read_workbook(filename, content)
    elif suffix in CSV_SUFFIXES:
        tables = _read_csv(filename, content)
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


def _read_workbook(filename: str, content: bytes) -> list[RawTable]:
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except _WORKBOOK_ERRORS as error:
        raise SheetError("unreadable", filename) from error
    try:
        tables = []
        for sheet in workbook.worksheets:
            table = _table(str(sheet.title), sheet.iter_rows(values_only=True))
            if table is not None:
                tables.append(table)
        return tables
    except _WORKBOOK_ERRORS as error:
        raise SheetError("unreadable", filename) from error
    finally:
        workbook.close()


def _read_csv(filename: str, content: bytes) -> list[RawTable]:
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


def _table(source: str, rows: Iterable[Sequence[Any]]) -> RawTable | None:
    texts = [[cell_text(value) for value in row] for row in rows]
    for row in texts:
        while row and not row[-1]:
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
    )


# --- writing ---


def write_workbook(sheets: Sequence[SheetData]) -> bytes:
    """An .xlsx with one sheet per ``SheetData``: bold frozen header, autofilter, set widths.

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
        for row_index, row in enumerate(data.rows, start=2):
            for column_index, value in enumerate(row, start=1):
                _write_cell(sheet.cell(row=row_index, column=column_index), value)
        width_count = max([len(data.header), *(len(row) for row in data.rows)], default=0)
        if width_count:
            sheet.freeze_panes = "A2"
            last = get_column_letter(width_count)
            sheet.auto_filter.ref = f"A1:{last}{max(len(data.rows) + 1, 1)}"
        widths = data.column_widths or _auto_widths(data)
        for column_index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(column_index)].width = width
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
