"""An uploaded .xlsx as bounded raw cells: every value as stored, formulas marked, never run.

``read_cells(content, limits)`` is for files a person sends that describe something (a form): it
refuses what is too big before openpyxl parses it (the file's size, each part's and all parts'
unpacked sizes from the zip's directory, each sheet's rows and cells counted in its XML, a
document type declaration in any XML part: no entity tricks), then streams each sheet's rows,
stopping at the first row or column past the limits (a sheet's declared dimension is checked
first). A formula is never evaluated and its cached result never read: the cell says
``formula=True`` and carries the formula's text. Nothing here knows what the sheets mean;
``CellsRefused.kind`` says in English why a file is refused, the caller translates.

openpyxl's read-only worksheet fills every gap between rows with empty rows (a sheet with one
cell at row 1,000,000 would yield a million rows), so the rows are read with its sheet parser,
as that worksheet does, and only the rows that exist are seen.
"""

import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Literal, TypeAlias

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._reader import WorkSheetParser

RawValue: TypeAlias = str | int | float | bool | date | datetime | time | timedelta | None
RefusalKind: TypeAlias = Literal[
    "too_large",
    "unreadable",
    "too_many_sheets",
    "too_many_rows",
    "too_many_columns",
    "too_many_cells",
]

# The exceptions openpyxl, zipfile and the XML parser raise on damaged or foreign files.
_DAMAGED: tuple[type[Exception], ...] = (
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
    SyntaxError,  # xml.etree's ParseError
    RuntimeError,
    NotImplementedError,
    zlib.error,  # a damaged part
)
_PROLOGUE = 4096  # bytes of an XML part where a document type declaration would be
# A sheet's rows and cells, counted in its XML before it is parsed (openpyxl reads a whole sheet
# to find its size when the sheet does not declare one).
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
_CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")


@dataclass(frozen=True, slots=True)
class CellLimits:
    file_bytes: int = 2 * 1024 * 1024
    part_bytes: int = 4 * 1024 * 1024  # one unpacked part (a sheet, the shared strings)
    unpacked_bytes: int = 16 * 1024 * 1024  # all parts together
    sheets: int = 20
    rows: int = 2_100  # the last row number a sheet may use
    columns: int = 40  # the last column number a sheet may use


class CellsRefused(Exception):
    """The file cannot be read within the limits: ``kind`` says why, ``sheet`` where, if known."""

    def __init__(self, kind: RefusalKind, sheet: str = "") -> None:
        super().__init__(f"{kind}: {sheet}" if sheet else kind)
        self.kind: RefusalKind = kind
        self.sheet = sheet


@dataclass(frozen=True, slots=True)
class RawCell:
    row: int  # 1-based, as the spreadsheet numbers it
    column: int  # 1-based
    value: RawValue
    formula: bool = False  # ``value`` is then the formula's text ("=SUM(A1:A3)")


@dataclass(frozen=True, slots=True)
class CellSheet:
    title: str
    cells: list[RawCell] = field(default_factory=list)  # non-empty cells, row by row

    def rows(self) -> dict[int, dict[int, RawCell]]:
        """The cells by row number, then column number."""
        found: dict[int, dict[int, RawCell]] = {}
        for cell in self.cells:
            found.setdefault(cell.row, {})[cell.column] = cell
        return found


def read_cells(content: bytes, limits: CellLimits = CellLimits()) -> list[CellSheet]:
    """Every sheet of an .xlsx as its non-empty cells, within ``limits``; ``CellsRefused``."""
    if len(content) > limits.file_bytes:
        raise CellsRefused("too_large")
    _check_package(content, limits)
    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(content), read_only=True, data_only=False, keep_links=False
        )
    except _DAMAGED as error:
        raise CellsRefused("unreadable") from error
    try:
        if len(workbook.worksheets) > limits.sheets:
            raise CellsRefused("too_many_sheets")
        return [_read_sheet(workbook, sheet, limits) for sheet in workbook.worksheets]
    except _DAMAGED as error:
        raise CellsRefused("unreadable") from error
    finally:
        workbook.close()


def _check_package(content: bytes, limits: CellLimits) -> None:
    """The zip's own directory within bounds, and no XML part declaring a document type."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            members = package.infolist()
            total = 0
            for member in members:
                if member.file_size > limits.part_bytes:
                    raise CellsRefused("too_large")
                total += member.file_size
            if total > limits.unpacked_bytes:
                raise CellsRefused("too_large")
            for member in members:
                if member.filename.startswith("xl/worksheets/") and member.filename.endswith(
                    ".xml"
                ):
                    _count(package.read(member), limits)
                elif member.filename.endswith((".xml", ".rels", ".vml")):
                    with package.open(member) as part:
                        _check_prologue(part.read(_PROLOGUE))
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        OSError,
        EOFError,
        ValueError,
        zlib.error,
    ) as error:
        raise CellsRefused("unreadable") from error
    except RuntimeError as error:  # an encrypted member
        raise CellsRefused("unreadable") from error


def _count(sheet: bytes, limits: CellLimits) -> None:
    """A sheet's XML: no document type, rows and cells within the limits."""
    _check_prologue(sheet[:_PROLOGUE])
    if len(_ROW_TAG.findall(sheet)) > limits.rows:
        raise CellsRefused("too_many_rows")
    if len(_CELL_TAG.findall(sheet)) > limits.rows * limits.columns:
        raise CellsRefused("too_many_cells")


def _check_prologue(head: bytes) -> None:
    if b"<!DOCTYPE" in head.upper() or b"<!ENTITY" in head.upper():
        raise CellsRefused("unreadable")


def _read_sheet(workbook: Any, sheet: Any, limits: CellLimits) -> CellSheet:
    title = str(sheet.title)
    declared_rows, declared_columns = sheet.max_row, sheet.max_column
    if isinstance(declared_rows, int) and declared_rows > limits.rows:
        raise CellsRefused("too_many_rows", title)
    if isinstance(declared_columns, int) and declared_columns > limits.columns:
        raise CellsRefused("too_many_columns", title)
    cells = []
    for parsed in _parsed_cells(workbook, sheet):
        row, column = parsed["row"], parsed["column"]
        if row > limits.rows:
            raise CellsRefused("too_many_rows", title)
        if column > limits.columns:
            raise CellsRefused("too_many_columns", title)
        value = parsed["value"]
        if value is None or value == "":
            continue
        formula = parsed["data_type"] == "f"
        cells.append(RawCell(row, column, _plain(value, formula), formula))
    return CellSheet(title, cells)


def _parsed_cells(workbook: Any, sheet: Any) -> Iterator[dict[str, Any]]:
    """The cells of the rows the sheet stores, as openpyxl's parser gives them (no gap rows)."""
    with sheet._get_source() as source:
        parser = WorkSheetParser(
            source,
            sheet._shared_strings,
            data_only=False,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        for _, row in parser.parse():
            yield from row


def _plain(value: Any, formula: bool) -> RawValue:
    """A value of a plain type: a formula (also an array or a data table one) as its text."""
    if formula:
        text = getattr(value, "text", value)
        return str(text) if text is not None else "="
    if isinstance(value, str | int | float | bool | date | datetime | time | timedelta):
        return value
    return str(value)
