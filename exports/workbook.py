"""The export workbook: ``render_workbook(sheets)`` turns plain sheets (``exports.tables``, laid out
by ``core.export``) into .xlsx bytes, ready to print.

openpyxl's write-only mode streams each row to the file as it is written, so a workbook of
thousands of schools never holds its cells as objects; ``exports.rows`` writes the rows
themselves, fast, and ``exports.charts`` the charts. Set before the first row: column widths from
the content, hidden columns, frozen panes, print setup. What write-only mode does not allow
(editing a cell already written) the layout does without: repeated titles over a two-row
header instead of a merged one, unless the sheet asks for ``merged_titles`` (a subject's title
merged over its grades' subtitles, the header centred). A heading across the whole table
(``Sheet.heading``, a plan's section in ``spanning_rows``) is one cell merged over the row.

How a sheet prints: landscape A4, as many pages wide as keep it readable (``pages_wide``), the
header rows (and the frozen columns) repeated on each page, the sheet's name above and "Страница
N из M" below. A column is as wide as its longest value (a wrapped one: its longest word; never
narrower than its header's longest word), within ``MAX_WIDTH``; a text wider than that wraps,
and a row with wrapped texts is as tall as its tallest cell, its other cells at the top. Machine
names of the columns (question ids) sit in a hidden row above the header; the filter is on the
Russian header. Rows in ``highlighted_rows`` (overdue items) are tinted across the table; cells in
``alert_cells`` (past a threshold) are filled red, in bold dark red; a ``centred`` column's cells
are centred.

Safety: every ``str`` is written as text (an inline string, never a formula). A text Excel could
take for a formula, a command or an error value (starting with ``=``, ``+``, ``-``, ``@``, tab or
CR) gets Excel's quote prefix, so it stays text when the cell is edited. Characters XML cannot
hold are dropped. Texts longer than Excel's 32,767-character cell limit never reach here: the
layout cuts them with a pointer to the Длинные тексты sheet, which keeps them whole in parts.
"""

import io
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.pagebreak import Break

from exports.charts import add_charts
from exports.rows import DATE_FORMAT, DATETIME_FORMAT, SIGNED_FORMAT, RowSheet, add_row_sheet
from exports.tables import CellValue, Format, Sheet
from exports.titles import unique_sheet_title

NUMBER_FORMATS = {
    Format.SHARE: "0.0%",
    Format.DATE: DATE_FORMAT,
    Format.DATETIME: DATETIME_FORMAT,
    Format.SIGNED: SIGNED_FORMAT,
}


def render_workbook(sheets: Sequence[Sheet]) -> bytes:
    workbook = Workbook(write_only=True)
    used: set[str] = set()
    for sheet in sheets:
        _write_sheet(add_row_sheet(workbook, unique_sheet_title(sheet.title, used)), sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_sheet(ws: RowSheet, sheet: Sheet) -> None:
    # Printed as a methodist hands it in: landscape, every column on the page's width, the header
    # repeated on each page. (Properties and widths go into the sheet's head, written with the
    # first row.)
    ws.page_setup.orientation = "landscape"  # type: ignore[attr-defined]
    ws.page_setup.paperSize = 9  # type: ignore[attr-defined]  # A4
    widths = column_widths(sheet)
    pager = None
    if sheet.spanning_rows:
        # Headings kept with the rows under them need page breaks set by hand, which Excel
        # ignores under "fit to": such a sheet is printed at the scale that fits its width.
        pager = _Pager(sheet, widths)
        ws.page_setup.scale = pager.scale  # type: ignore[attr-defined]
    else:
        ws.page_setup.fitToWidth = pages_wide(sheet, widths)  # type: ignore[attr-defined]
        ws.page_setup.fitToHeight = 0  # type: ignore[attr-defined]  # as many pages as it takes
        ws.sheet_properties.pageSetUpPr.fitToPage = True  # type: ignore[attr-defined]
    if sheet.frozen_columns:  # a table wider than a page: its first columns on every page
        ws.print_title_cols = f"A:{get_column_letter(sheet.frozen_columns)}"
    # Which sheet, and which page of how many, on every printed page.
    ws.oddHeader.center.text = "&A"  # type: ignore[union-attr]  # the sheet's name
    ws.oddFooter.center.text = PAGE_FOOTER  # type: ignore[union-attr]
    for index, column in enumerate(sheet.columns, start=1):
        # (column_dimensions and auto_filter exist at run time; the stubs do not declare them)
        dimension = ws.column_dimensions[get_column_letter(index)]  # type: ignore[attr-defined]
        dimension.width = widths[index - 1]
        dimension.hidden = column.hidden
    codes_row = sheet.lines_above + 1
    header_row = codes_row + sheet.has_codes
    last_header = codes_row + sheet.header_rows - 1
    ws.print_title_rows = f"{header_row}:{last_header}"
    ws.freeze_panes = f"{get_column_letter(sheet.frozen_columns + 1)}{last_header + 1}"

    # A heading runs across the table, wrapped in the width of the columns on paper.
    across = [sum(w for w, c in zip(widths, sheet.columns, strict=True) if not c.hidden)]
    span = len(sheet.columns)
    above = 0  # points of the rows above the data, on the first page
    if sheet.heading:
        above += ws.write_row([sheet.heading], widths=across, wrapped=[True], bold=True, span=span)
    # A preamble label runs over the empty cells after it; its values start where it ends.
    gap = _label_gap(sheet, widths)
    for line in sheet.preamble:
        above += ws.write_row([*line[:1], *[None] * gap, *line[1:]], bold=(True,))
    if sheet.lines_above:
        above += ws.write_row([])
    if sheet.has_codes:  # for machines: out of sight, out of print, out of the filter
        ws.write_row([column.code or None for column in sheet.columns], hidden=True)
    every = [True] * len(sheet.columns)
    ruled = span if sheet.ruled else 0
    titles: list[CellValue] = [column.title for column in sheet.columns]
    centred = sheet.merged_titles
    runs = title_runs(sheet) if centred else []
    # (a merged title wraps in the width of its run)
    title_widths = list(widths)
    for left, right in runs:
        title_widths[left] = sum(widths[left : right + 1])
        titles[left + 1 : right + 1] = [None] * (right - left)  # (under the merge: not shown)
    header = ws.write_row(
        titles, widths=title_widths, wrapped=every, bold=True, ruled=ruled, centred=centred
    )
    if runs:
        merged: Any = ws.merged_cells  # type: ignore[attr-defined]
        for left, right in runs:
            span_from, span_to = get_column_letter(left + 1), get_column_letter(right + 1)
            merged.add(f"{span_from}{header_row}:{span_to}{header_row}")
    if any(column.subtitle for column in sheet.columns):
        subtitles = [column.subtitle or None for column in sheet.columns]
        header += ws.write_row(
            subtitles, widths=widths, wrapped=every, bold=True, ruled=ruled, centred=centred
        )
    if pager is not None:
        pager.start(above + header, header)

    formats = [NUMBER_FORMATS.get(column.format) for column in sheet.columns]
    # A text wider than the widest column wraps in it rather than run off the printed page.
    wraps = [
        column.wrap or (not column.hidden and width >= MAX_WIDTH)
        for column, width in zip(sheet.columns, widths, strict=True)
    ]
    bold_rows, tinted = sheet.bold_rows, sheet.highlighted_rows
    middle = [column.centred for column in sheet.columns]
    alerts: dict[int, set[int]] = {}
    for row_index, column_index in sheet.alert_cells:
        alerts.setdefault(row_index, set()).add(column_index)
    for index, row in enumerate(sheet.rows):
        if index in sheet.spanning_rows:
            height = ws.write_row(
                row[:1], widths=across, wrapped=[True], bold=True, ruled=ruled, span=span
            )
        else:
            height = ws.write_row(
                row,
                formats,
                widths=widths,
                wrapped=wraps,
                bold=index in bold_rows,
                highlighted=span if index in tinted else 0,
                ruled=ruled,
                alerts=alerts.get(index, ()),
                centred=middle,
            )
        if pager is not None:
            pager.add(sheet.first_data_row + index, height, index in sheet.spanning_rows)
    if pager is not None:
        for after in pager.breaks:
            ws.row_breaks.append(Break(id=after))  # type: ignore[attr-defined]

    if sheet.autofilter and sheet.columns:
        last = get_column_letter(len(sheet.columns))
        end = last_header + max(len(sheet.rows), 1)
        ws.auto_filter.ref = f"A{last_header}:{last}{end}"  # type: ignore[attr-defined]
    _add_choices(ws, sheet)
    add_charts(ws, sheet, widths)


CHOICES_LIMIT = 255  # characters of a list Excel keeps in a data validation itself


def _add_choices(ws: RowSheet, sheet: Sheet) -> None:
    """A dropdown over the data rows of each column with ``choices`` (a warning, not a stop,
    when another value is typed: the reader decides what it accepts)."""
    if not sheet.rows:
        return
    first, last = sheet.first_data_row, sheet.first_data_row + len(sheet.rows) - 1
    for index, column in enumerate(sheet.columns, start=1):
        listed = ",".join(column.choices)
        if not listed or len(listed) > CHOICES_LIMIT:
            continue
        if any("," in choice or '"' in choice for choice in column.choices):
            continue
        validation = DataValidation(
            type="list",
            formula1=f'"{listed}"',
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning",
        )
        letter = get_column_letter(index)
        validation.add(f"{letter}{first}:{letter}{last}")
        ws.data_validations.append(validation)  # type: ignore[attr-defined]


PAGE_FOOTER = "Страница &P из &N"
# A4 landscape within openpyxl's default margins (an inch above and below, ¾ inch at the
# sides), in points; a unit of column width on paper (Excel draws it about 5.3 points wide,
# LibreOffice 5.55).
PAPER_HEIGHT, PAPER_WIDTH, POINTS_PER_UNIT = 595 - 2 * 72, 842 - 2 * 54, 5.6
PAPER_MARGIN = 0.97  # of the estimates used, against the applications' rounding


class _Pager:
    """Page breaks that keep a heading (a spanning row) on the page of the row under it.

    Every break is set, from the rows' heights (as ``write_row`` sets them) and the printing
    scale: a page left to the application would start elsewhere, and the next heading's break
    with it. A heading and its row that do not fit what is left of a page begin the next one."""

    def __init__(self, sheet: Sheet, widths: Sequence[int]) -> None:
        shown = sum(w for w, c in zip(widths, sheet.columns, strict=True) if not c.hidden)
        fit = pages_wide(sheet, widths) * PAPER_WIDTH / max(shown * POINTS_PER_UNIT, 1)
        self.scale = max(10, min(100, int(100 * fit * PAPER_MARGIN)))
        self.capacity = PAPER_HEIGHT * 100 / self.scale * PAPER_MARGIN
        self.used = self.repeated = 0.0
        self.held: tuple[int, float] | None = None  # a heading waiting for its row
        self.breaks: list[int] = []  # the rows after which a page ends

    def start(self, used: float, repeated: float) -> None:
        """The first page holds ``used`` points already; each page repeats ``repeated``."""
        self.used, self.repeated = used, repeated

    def add(self, row: int, height: float, heading: bool) -> None:
        first, total = self.held or (row, 0.0)
        total += height
        if heading:
            self.held = (first, total)
            return
        self.held = None
        if self.used + total > self.capacity and self.used > self.repeated:
            self.breaks.append(first - 1)
            self.used = self.repeated
        self.used += total


MAX_WIDTH = 60  # a column wider than this wraps or is cut on paper (the cell keeps it all)
# Column-width units a landscape A4 page holds at about 60 % scale, still readable on paper.
PAGE_WIDTH_UNITS = 240
DATE_WIDTH, DATETIME_WIDTH, NUMBER_WIDTH = 11, 17, 10


def pages_wide(sheet: Sheet, widths: Sequence[int]) -> int:
    """Pages side by side the sheet is printed on: one when it fits at a readable scale, else as
    many as keep it readable (a 60-question answers sheet shrunk onto one page is dust)."""
    shown = sum(
        width for width, column in zip(widths, sheet.columns, strict=True) if not column.hidden
    )
    return max(1, -(-shown // PAGE_WIDTH_UNITS))


def column_widths(sheet: Sheet) -> list[int]:
    """Each column's width from its content, within bounds: at least the layout's width; a
    column that does not wrap as wide as its longest value, a wrapped one as wide as its longest
    word; never narrower than the longest word of its header; at most MAX_WIDTH. The
    preamble's labels run over empty cells instead (``_label_gap``); its dates and numbers widen
    the columns they land in."""
    # (a spanning row's text runs across the table: it widens no column)
    rows = [row for at, row in enumerate(sheet.rows) if at not in sheet.spanning_rows]
    titles = _title_lengths(sheet)
    longest = [
        max(
            _longest([row[index] for row in rows if index < len(row)], column.wrap),
            # the header wraps, but never inside a word
            titles[index],
            _shown_length(column.subtitle, True),
        )
        for index, column in enumerate(sheet.columns)
    ]
    widths = [
        column.width if column.hidden else min(max(column.width, size + 1), MAX_WIDTH)
        for column, size in zip(sheet.columns, longest, strict=True)
    ]
    start = 1 + _label_gap(sheet, widths)
    for line in sheet.preamble:
        for index, value in enumerate(line[1:], start=start):
            if index < len(widths) and not isinstance(value, str) and value is not None:
                widths[index] = max(widths[index], _shown_length(value, False) + 1)
    return widths


def title_runs(sheet: Sheet) -> list[tuple[int, int]]:
    """(first, last) column indexes of each run of two or more adjacent columns with the same
    title, merged into one title cell when the sheet asks for ``merged_titles``."""
    runs: list[tuple[int, int]] = []
    first = 0
    titles = [column.title for column in sheet.columns]
    for index in range(1, len(titles) + 1):
        if index < len(titles) and titles[index] == titles[first] and titles[first]:
            continue
        if index - first > 1:
            runs.append((first, index - 1))
        first = index
    return runs


def _title_lengths(sheet: Sheet) -> list[int]:
    """The width each column's title asks for: its longest word, or, for a title merged over a
    run of columns, that word's share of the run."""
    needed = [_shown_length(column.title, True) for column in sheet.columns]
    if sheet.merged_titles:
        for first, last in title_runs(sheet):
            share = -(-(needed[first] + 1) // (last - first + 1))
            needed[first : last + 1] = [share] * (last - first + 1)
    return needed


def _label_gap(sheet: Sheet, widths: Sequence[int]) -> int:
    """Empty cells after each preamble label so that the longest label is read whole."""
    needed = max((len(str(line[0])) + 1 for line in sheet.preamble if line), default=0)
    covered, gap = widths[0] if widths else 0, 0
    while covered < needed and gap + 1 < len(widths) - 1:
        gap += 1
        covered += widths[gap]
    return gap


def _longest(values: list[CellValue], wrapped: bool) -> int:
    """The widest of one column's values, in characters (the texts measured in C calls: a
    column has thousands of them)."""
    texts = [value for value in values if isinstance(value, str)]
    others = [value for value in values if value is not None and not isinstance(value, str)]
    size = max((_shown_length(value, wrapped) for value in others), default=0)
    if not texts:
        return size
    if wrapped or "\n" in "\x00".join(texts):
        return max(size, *(_shown_length(text, wrapped) for text in texts))
    return max(size, max(map(len, texts)))


def _shown_length(value: CellValue, wrapped: bool) -> int:
    """How many characters the value takes on one line (a wrapped text: its longest word)."""
    if isinstance(value, str):
        if wrapped:
            return max((len(word) for word in value.split()), default=0)
        return max((len(line) for line in value.split("\n")), default=0)
    if isinstance(value, datetime):
        return DATETIME_WIDTH
    if isinstance(value, date):
        return DATE_WIDTH
    if isinstance(value, int):
        return len(str(value))
    return 0 if value is None else NUMBER_WIDTH
