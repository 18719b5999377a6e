"""The export workbook: ``render_workbook(sheets)`` turns plain sheets (``exports.tables``, laid out
by ``core.export``) into .xlsx bytes.

openpyxl's write-only mode streams each row to the file as it is appended, so a workbook of
thousands of schools never holds its cells as objects. What that mode allows, and is used here:
column widths (and hidden columns) and frozen panes set before the first row, the autofilter
range and charts at any time, styled cells through ``WriteOnlyCell`` (wrapped columns, bold
heading rows). What it does not (merged cells, editing a cell already written) the layout does
without: repeated titles over a two-row header instead of a merged one.

Safety: every ``str`` is written as text. A text Excel could take for a formula, a command or an
error value (starting with ``=``, ``+``, ``-``, ``@``, tab or CR, or such as ``#N/A``) is forced
to the string type and given Excel's quote prefix, so it is shown as typed and stays text when
the cell is edited; nothing in the workbook is ever a formula. Control characters XML cannot hold
are dropped. Texts longer than Excel's 32,767-character cell limit never reach here: the layout
cuts them with a pointer to the Длинные тексты sheet, which keeps them whole in parts.
"""

import io
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, Cell
from openpyxl.chart import BarChart, PieChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.series import SeriesLabel
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from exports.sheets import FORMULA_PREFIXES, clean_text
from exports.tables import CellValue, Chart, ChartKind, Format, Sheet
from exports.titles import unique_sheet_title

NUMBER_FORMATS = {
    Format.SHARE: "0.0%",
    Format.DATE: "DD.MM.YYYY",
    Format.DATETIME: "DD.MM.YYYY HH:MM",
}
DATE_FORMAT = NUMBER_FORMATS[Format.DATE]
DATETIME_FORMAT = NUMBER_FORMATS[Format.DATETIME]
CHART_WIDTH_CM, CHART_HEIGHT_CM = 16, 8
ROWS_PER_CHART = 17  # a chart of 8 cm covers about this many rows of default height

_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")


def render_workbook(sheets: Sequence[Sheet]) -> bytes:
    workbook = Workbook(write_only=True)
    used: set[str] = set()
    for sheet in sheets:
        worksheet = workbook.create_sheet(unique_sheet_title(sheet.title, used))
        _write_sheet(worksheet, sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_sheet(ws: WriteOnlyWorksheet, sheet: Sheet) -> None:
    # Printed as a methodist hands it in: landscape, every column on the page's width, the header
    # repeated on each page. (Properties and widths go into the sheet's head, written with the
    # first row.)
    ws.page_setup.orientation = "landscape"  # type: ignore[attr-defined]
    ws.page_setup.paperSize = 9  # type: ignore[attr-defined]  # A4
    widths = column_widths(sheet)
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
    header_row = len(sheet.preamble) + (1 if sheet.preamble else 0) + 1
    last_header = header_row + sheet.header_rows - 1
    ws.print_title_rows = f"{header_row}:{last_header}"
    ws.freeze_panes = f"{get_column_letter(sheet.frozen_columns + 1)}{last_header + 1}"

    # A preamble label runs over the empty cells after it; its values start where it ends.
    gap = _label_gap(sheet, widths)
    for line in sheet.preamble:
        heading = [_styled(ws, value, bold=True) for value in line[:1]] + [None] * gap
        ws.append(heading + [_styled(ws, value, bold=False) for value in line[1:]])
    if sheet.preamble:
        ws.append([])
    _set_height(ws, header_row, [column.title for column in sheet.columns], widths)
    ws.append([_header(ws, column.title) for column in sheet.columns])
    if sheet.header_rows == 2:
        ws.append([_header(ws, column.subtitle) for column in sheet.columns])

    formats = [NUMBER_FORMATS.get(column.format) for column in sheet.columns]
    wraps = [column.wrap for column in sheet.columns]
    wrapped = [width if wrap else 0 for width, wrap in zip(widths, wraps, strict=True)]
    for index, row in enumerate(sheet.rows):
        cells = _cells(ws, row, formats)
        if index in sheet.bold_rows or any(wraps):
            cells = _restyled(ws, cells, wraps, bold=index in sheet.bold_rows)
            _set_height(ws, last_header + 1 + index, row, wrapped)
        ws.append(list(cells))

    if sheet.autofilter and sheet.columns:
        last = get_column_letter(len(sheet.columns))
        end = last_header + max(len(sheet.rows), 1)
        ws.auto_filter.ref = f"A{last_header}:{last}{end}"  # type: ignore[attr-defined]
    for number, chart in enumerate(sheet.charts):
        _add_chart(ws, sheet, chart, number)


PAGE_FOOTER = "Страница &P из &N"
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
    word; at most MAX_WIDTH. The preamble's labels run over empty cells instead (``_label_gap``);
    its dates and numbers widen the columns they land in."""
    longest = [0] * len(sheet.columns)
    for row in sheet.rows:
        for index, value in enumerate(row[: len(longest)]):
            size = _shown_length(value, sheet.columns[index].wrap)
            if size > longest[index]:
                longest[index] = size
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


def _label_gap(sheet: Sheet, widths: Sequence[int]) -> int:
    """Empty cells after each preamble label so that the longest label is read whole."""
    needed = max((len(str(line[0])) + 1 for line in sheet.preamble if line), default=0)
    covered, gap = widths[0] if widths else 0, 0
    while covered < needed and gap + 1 < len(widths) - 1:
        gap += 1
        covered += widths[gap]
    return gap


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


# Excel does not grow a row to fit wrapped text it did not lay out itself (nor does a file
# written here), so a wrapped row gets the height of its longest cell: lines × LINE_HEIGHT points.
LINE_HEIGHT = 15
MAX_HEIGHT = 409  # Excel's limit, in points
CHARS_PER_WIDTH = 1.0  # characters of ordinary text per unit of column width (LibreOffice, Excel)


def _lines(text: str, width: int) -> int:
    per_line = max(int(width * CHARS_PER_WIDTH) - 1, 1)
    return sum(max(-(-len(part) // per_line), 1) for part in text.split("\n"))


def _set_height(
    ws: WriteOnlyWorksheet, row_number: int, values: Sequence[CellValue], widths: Sequence[int]
) -> None:
    """The height of a row whose texts wrap (``widths``: 0 for a column that does not wrap),
    set before the row is written."""
    lines = max(
        (
            _lines(value, width)
            for value, width in zip(values, widths, strict=False)
            if width and isinstance(value, str)
        ),
        default=1,
    )
    if lines > 1:
        height = min(lines * LINE_HEIGHT, MAX_HEIGHT)
        ws.row_dimensions[row_number].height = height  # type: ignore[attr-defined]


def _header(ws: WriteOnlyWorksheet, title: str) -> Cell:
    cell = _text_cell(ws, title)
    cell.font = _BOLD
    cell.alignment = _WRAP
    return cell


def _cells(
    ws: WriteOnlyWorksheet, row: Sequence[CellValue], formats: Sequence[str | None]
) -> Iterator[Any]:
    """Plain values where openpyxl's own typing is right (numbers, ordinary text); a styled
    cell for dates, shares and any text that must be forced to stay text."""
    for value, number_format in zip(row, formats, strict=False):
        if value is None or isinstance(value, bool):
            yield None if value is None else str(value)
        elif isinstance(value, str):
            yield _text(ws, value)
        elif isinstance(value, datetime):
            yield _formatted(ws, value.replace(tzinfo=None), DATETIME_FORMAT)
        elif isinstance(value, date):
            yield _formatted(ws, value, DATE_FORMAT)
        elif number_format is not None:
            yield _formatted(ws, value, number_format)
        else:
            yield value


def _restyled(
    ws: WriteOnlyWorksheet, cells: Iterator[Any], wraps: Sequence[bool], *, bold: bool
) -> Iterator[Any]:
    """The cells of a wrapping column wrapped and top-aligned (a long answer reads as a
    paragraph, its neighbours beside its first line), and a heading row's in bold."""
    for index, cell in enumerate(cells):
        wrap = index < len(wraps) and wraps[index]
        if cell is None or not (wrap or bold):
            yield cell
            continue
        styled = cell if isinstance(cell, Cell) else _plain_cell(ws, cell)
        if wrap:
            styled.alignment = _WRAP
        if bold:
            styled.font = _BOLD
        yield styled


def _plain_cell(ws: WriteOnlyWorksheet, value: Any) -> Cell:
    if isinstance(value, str):
        return _text_cell(ws, value)
    return WriteOnlyCell(ws, value)


def _text(ws: WriteOnlyWorksheet, value: str) -> Any:
    value = clean_text(value)
    if value.startswith(FORMULA_PREFIXES) or value in ERROR_CODES or "\n" in value:
        return _text_cell(ws, value)
    return value


def _text_cell(ws: WriteOnlyWorksheet, value: str) -> Cell:
    cell = WriteOnlyCell(ws, clean_text(value))
    cell.data_type = "s"  # never a formula ("=…") nor an error value ("#N/A")
    if value.startswith(FORMULA_PREFIXES):
        cell.quotePrefix = True  # and stays text when someone edits the cell
    if "\n" in value:
        cell.alignment = _WRAP
    return cell


def _formatted(ws: WriteOnlyWorksheet, value: Any, number_format: str) -> Cell:
    cell = WriteOnlyCell(ws, value)
    cell.number_format = number_format
    return cell


def _styled(ws: WriteOnlyWorksheet, value: CellValue, *, bold: bool) -> Any:
    if isinstance(value, str):
        cell = _text_cell(ws, value)
        if bold:
            cell.font = _BOLD
        return cell
    return next(_cells(ws, [value], [None]))


def _add_chart(ws: WriteOnlyWorksheet, sheet: Sheet, chart: Chart, number: int) -> None:
    first = sheet.first_data_row + chart.first_row
    last = sheet.first_data_row + chart.last_row
    categories = Reference(ws, min_col=chart.category_column + 1, min_row=first, max_row=last)
    made: BarChart | PieChart
    if chart.kind is ChartKind.PIE:
        made = PieChart()
        made.dataLabels = DataLabelList()
        made.dataLabels.showPercent = True
    else:
        made = BarChart()
        made.type = "bar"  # horizontal: long option labels stay readable
        if chart.stacked:
            made.grouping = "stacked"
            made.overlap = 100
        if chart.share:
            made.y_axis.numFmt = "0%"
            made.y_axis.scaling.min = 0
            made.y_axis.scaling.max = 1
    for column in chart.value_columns:
        made.add_data(Reference(ws, min_col=column + 1, min_row=first, max_row=last))
        made.series[-1].tx = SeriesLabel(v=sheet.columns[column].title)
    made.set_categories(categories)
    made.title = chart.title[:250]
    made.width, made.height = CHART_WIDTH_CM, CHART_HEIGHT_CM
    anchor_column = get_column_letter(len(sheet.columns) + 2)
    # The stubs type add_chart for the ordinary worksheet; write-only borrows the same method.
    ws.add_chart(made, f"{anchor_column}{1 + number * ROWS_PER_CHART}")  # type: ignore[misc]
