"""The workbook as plain data: sheets of typed cells, column formats and chart requests.

``exports.workbook`` turns these into an .xlsx; nothing here knows about openpyxl. A cell is a
Python value of its real type (numbers as numbers, dates as dates) or ``None`` for an empty cell;
every ``str`` is text and is written so that Excel never evaluates it.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import TypeAlias

CellValue: TypeAlias = str | int | float | date | datetime | None

# Excel keeps at most this many characters in a cell (openpyxl would silently cut the rest).
CELL_LIMIT = 32_767


class Format(StrEnum):
    TEXT = "text"
    INTEGER = "integer"
    NUMBER = "number"
    SHARE = "share"  # a fraction 0..1 shown as a percentage
    DATE = "date"  # a date, shown as дд.мм.гггг
    DATETIME = "datetime"  # a local wall-clock time (no time zone), shown as дд.мм.гггг чч:мм


@dataclass(frozen=True, slots=True)
class Column:
    title: str
    subtitle: str = ""  # the second header row: a question id, or what a number counts
    format: Format = Format.TEXT
    width: int = 14
    wrap: bool = False  # long texts wrap inside the column (and its cells align to the top)
    hidden: bool = False  # machine keys: kept in the file, out of sight and out of print


class ChartKind(StrEnum):
    BAR = "bar"
    PIE = "pie"


@dataclass(frozen=True, slots=True)
class Chart:
    """A chart over rows ``first_row..last_row`` (indexes into ``Sheet.rows``): categories from
    one column, one series per value column (series names from the column titles)."""

    kind: ChartKind
    title: str
    first_row: int
    last_row: int
    category_column: int
    value_columns: tuple[int, ...]
    share: bool = False  # the values are fractions: the axis shows percentages
    stacked: bool = False  # bars of several series stacked into one


@dataclass(slots=True)
class Sheet:
    title: str
    columns: list[Column]
    rows: list[list[CellValue]]
    # Lines above the header (totals, the form and period); each a short list of cells.
    preamble: list[list[CellValue]] = field(default_factory=list)
    frozen_columns: int = 0  # columns kept in view when scrolling right
    autofilter: bool = True
    charts: list[Chart] = field(default_factory=list)
    bold_rows: frozenset[int] = frozenset()  # indexes into ``rows``: headings inside the table

    @property
    def header_rows(self) -> int:
        return 2 if any(column.subtitle for column in self.columns) else 1

    @property
    def first_data_row(self) -> int:
        """The spreadsheet row (1-based) of ``rows[0]``: after the preamble, a blank line and
        the header."""
        return len(self.preamble) + (1 if self.preamble else 0) + self.header_rows + 1
