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
    SIGNED = "signed"  # a change: a number with its sign, "+5", "-3,5", "0"


@dataclass(frozen=True, slots=True)
class Column:
    title: str
    subtitle: str = ""  # a second header row a reader needs: what a number counts
    format: Format = Format.TEXT
    width: int = 14
    wrap: bool = False  # long texts wrap inside the column (and its cells align to the top)
    hidden: bool = False  # machine keys: kept in the file, out of sight and out of print
    # A machine's name for the column (a question id): in a hidden row above the header, so a
    # script finds its columns while people see and filter on the Russian header only.
    code: str = ""
    # A dropdown of these values over the column's data rows (a template's subject or grade);
    # Excel warns about another value typed in but lets it stand. Values with a comma or a
    # quote, or a list longer than Excel's 255 characters, get no dropdown.
    choices: tuple[str, ...] = ()
    centred: bool = False  # its cells centred: a matrix of numbers, a "—" among them


class ChartKind(StrEnum):
    BAR = "bar"  # horizontal bars: long category labels stay readable
    PIE = "pie"
    RADAR = "radar"  # a profile: one axis per value column, one line per row of ``series_rows``


@dataclass(frozen=True, slots=True)
class Chart:
    """A chart over rows ``first_row..last_row`` (indexes into ``Sheet.rows``): categories from
    one column, one series per value column (series names from the column titles).

    A radar reads the table the other way: its axes are the ``value_columns`` (adjacent ones,
    named by their titles), and each row of ``series_rows`` is a line, named by its cell in
    ``category_column``; ``first_row`` and ``last_row`` are then the first and last of those rows.
    """

    kind: ChartKind
    title: str
    first_row: int
    last_row: int
    category_column: int
    value_columns: tuple[int, ...]
    share: bool = False  # the values are fractions: the axis shows percentages
    stacked: bool = False  # bars of several series stacked into one
    series_rows: tuple[int, ...] = ()  # a radar's lines; of two, the first is the reference


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
    # Indexes into ``rows``: a heading whose one text (the row's first cell) runs across the
    # whole table, merged and wrapped, in bold (a plan's section between its items). Its text
    # does not widen the first column.
    spanning_rows: frozenset[int] = frozenset()
    # Indexes into ``rows``: rows tinted to catch the eye on screen and on paper (overdue items).
    highlighted_rows: frozenset[int] = frozenset()
    # A title above everything else, across the table's width, wrapped, in bold (a plan's name).
    heading: str = ""
    ruled: bool = False  # the header and rows outlined cell by cell, as a printed plan's table
    # (row, column) indexes into ``rows``: single cells that cross a line the data draws (a
    # share of «2» of 25 % and more), filled red and in bold, so they stand out in grey print too.
    alert_cells: frozenset[tuple[int, int]] = frozenset()
    # Adjacent columns with the same title share one merged, centred title cell over their
    # subtitles (a subject over its grades); the header is centred.
    merged_titles: bool = False

    @property
    def has_codes(self) -> bool:
        return any(column.code for column in self.columns)

    @property
    def header_rows(self) -> int:
        """Rows above the data: the hidden codes row, if any, the header and its subtitles."""
        subtitles = any(column.subtitle for column in self.columns)
        return self.has_codes + 1 + subtitles

    @property
    def lines_above(self) -> int:
        """Rows above the header: the heading, the preamble and a blank line after them."""
        above = bool(self.heading) + len(self.preamble)
        return above + (1 if above else 0)

    @property
    def first_data_row(self) -> int:
        """The spreadsheet row (1-based) of ``rows[0]``: after the heading and the preamble, a
        blank line and the header."""
        return self.lines_above + self.header_rows + 1
