"""The charts of a sheet (``exports.tables.Chart``), sized to what they show and placed so that
none is cut by a printed page.

Size: a bar chart grows in height with its categories (and the bars of each, and the lines of
its longest label), so that every label is shown; a pie's with its legend; a radar is nearly
square, as wide as its share of the page. No chart is taller than a printed page: one cut to it
has its labels set smaller.

Place: beside the table, under its header, when the table and the widest chart fit side by side
on a landscape page (shrunk to no less than 80 %); else below the table, from a page of their
own, as many side by side as the page is wide. Charts are stacked in bands; a band that would
run over the page's end starts the next page, and a manual row break says so. A page holds the
rows of its printable height, less the header rows printed on every page, at the scale that fits
the sheet to the page's width (estimated from the column widths, rounded towards fewer rows);
the rows beside or under a chart are of the default height (no sheet with charts wraps its
cells). The tests read the anchors and breaks back from the file and check the same.

Labels: a pie shows only each slice's percentage (its option is in the legend); bars of shares
show their percentage at the end of the bar; a radar draws the reference (its first row, the
municipality's mean) as a dashed grey line under the school's own.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

from openpyxl.chart import BarChart, PieChart, RadarChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.legend import Legend
from openpyxl.chart.marker import Marker
from openpyxl.chart.series import SeriesLabel
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.chart.text import RichText
from openpyxl.drawing.line import LineProperties
from openpyxl.drawing.spreadsheet_drawing import AnchorMarker, OneCellAnchor
from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties
from openpyxl.drawing.xdr import XDRPositiveSize2D
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.pagebreak import Break

from exports.tables import Chart, ChartKind, Sheet

CM_PER_INCH = 2.54
ROW_CM = 15 / 72 * CM_PER_INCH  # a row of the default height, 15 points
LINE_CM = ROW_CM  # a wrapped header's line (the workbook gives it 15 points too)
COLUMN_CM = 7 / 96 * CM_PER_INCH  # a unit of column width: 7 pixels of 1/96 inch
DEFAULT_COLUMN_CM = 64 / 96 * CM_PER_INCH  # a column the sheet leaves at its default width
A4_CM = (29.7, 21.0)  # landscape: width, height
MIN_SCALE = 0.8  # beside the table only while the page need not shrink below this
FEWEST = 0.6  # the smallest scale a sheet is shrunk to before it takes two pages' width
SAFETY = 1.05  # the estimated scale of a shrunk page, taken a twentieth larger (fewer rows)
GAP_CM = 0.5  # between charts side by side
GAP_ROWS = 1  # between bands of charts
# A chart starts a little below its row's top: one starting on a page's first row exactly has
# its border printed on the page before too.
TOP_CM = 0.15

# Sizes, in cm. A bar chart: its title, axis and margins, then each category's share.
BAR_WIDTH = 16.0
BAR_FRAME = 2.6
LEGEND = 0.9  # a legend under the chart (several series)
BAR_THICKNESS = 0.45  # a bar with its gap, per series shown side by side
LABEL_LINE = 0.42  # a category label's line of text
LABEL_CHARS = 32  # characters of a category label on one line before it wraps
MIN_CATEGORY = 0.6
PIE_WIDTH, PIE_HEIGHT, PIE_LEGEND_LINE, PIE_FRAME = 15.0, 8.0, 0.5, 2.5
RADAR_WIDTH, RADAR_MIN_HEIGHT, RADAR_ASPECT = 12.5, 7.0, 0.85
RADAR_LABEL_SIZE = 900  # 9 points: ten axis names around the web
LABEL_SIZE, MIN_LABEL_SIZE = 1000, 600  # category labels: as drawn, and at the smallest
UNBOUNDED = 10**6  # rows: a page with no end
MEAN_COLOUR, SCHOOL_COLOUR = "808080", "1F5FA8"
EMU_PER_CM = 360_000


@dataclass(frozen=True, slots=True)
class Placed:
    """Where a chart goes: the top-left corner (0-based row and column, and the distance from
    the column's left edge) and its size."""

    chart: Chart
    row: int
    column: int
    offset_cm: float
    width_cm: float
    height_cm: float


@dataclass(frozen=True, slots=True)
class Page:
    """The printable area of a landscape A4 page within the sheet's margins, in cm."""

    width: float
    height: float

    @classmethod
    def of(cls, ws: WriteOnlyWorksheet) -> "Page":
        margins = ws.page_margins  # type: ignore[attr-defined]
        return cls(
            A4_CM[0] - (margins.left + margins.right) * CM_PER_INCH,
            A4_CM[1] - (margins.top + margins.bottom) * CM_PER_INCH,
        )


def add_charts(ws: WriteOnlyWorksheet, sheet: Sheet, widths: Sequence[int]) -> None:
    """The sheet's charts, each sized and placed, and a page break before each page of them."""
    placed, breaks = placements(sheet, widths, Page.of(ws))
    for each in placed:
        add_chart(ws, sheet, each)
    for row in breaks:
        ws.row_breaks.append(Break(id=row))  # type: ignore[attr-defined]


def placements(sheet: Sheet, widths: Sequence[int], page: Page) -> tuple[list[Placed], list[int]]:
    """Each chart's place, and the rows (1-based) after which a new page starts."""
    if not sheet.charts:
        return [], []
    shown = [
        width for width, column in zip(widths, sheet.columns, strict=True) if not column.hidden
    ]
    table_cm = sum(shown) * COLUMN_CM
    widest = max(chart_width(chart) for chart in sheet.charts)
    breaks: list[int] = []
    if table_cm + DEFAULT_COLUMN_CM + widest <= page.width / MIN_SCALE:
        # Beside the table, after an empty column, from its first row (a chart over the header
        # would be printed again, cut, with the header repeated on every page).
        spots = [(len(sheet.columns) + 1, 0.0)]
        printed = table_cm + DEFAULT_COLUMN_CM + widest
        row = sheet.first_data_row - 1
        page_start = 0  # the first page holds what is above the table too
        each = None
    else:
        # Below the table, from a page of their own, as many side by side as the page takes,
        # sharing its width.
        across = max(table_cm, page.width)
        per_band = max(1, int((across + GAP_CM) // (widest + GAP_CM)))
        each = (across + GAP_CM) / per_band - GAP_CM
        spots = [column_at(index * (each + GAP_CM), widths) for index in range(per_band)]
        printed = across
        row = sheet.first_data_row + len(sheet.rows)  # 0-based: after one empty row
        breaks.append(row)
        page_start = row
    capacity = page_rows(sheet, widths, page, printed)
    sizes = [chart_size(sheet, chart, capacity, each) for chart in sheet.charts]
    found: list[Placed] = []
    for start in range(0, len(sheet.charts), len(spots)):
        band = list(zip(sheet.charts[start:], sizes[start:], spots, strict=False))
        band_rows = max(math.ceil((TOP_CM + height) / ROW_CM) for _, (_, height), _ in band)
        if row + band_rows > page_start + capacity and row > page_start:
            breaks.append(row)
            page_start = row
        for chart, (width, height), (column, offset) in band:
            found.append(Placed(chart, row, column, offset, width, height))
        row += band_rows + GAP_ROWS
    return found, breaks


def page_rows(sheet: Sheet, widths: Sequence[int], page: Page, printed_cm: float) -> int:
    """Rows of the default height a printed page holds under the header repeated on it.

    A sheet wider than the page is shrunk to its width and so holds more rows; the shrinking is
    estimated from the widths, and counted a twentieth short of it. A sheet printed over several
    pages side by side is counted at full scale."""
    scale = 1.0
    if page.width < printed_cm <= page.width / FEWEST:
        scale = min(1.0, page.width / printed_cm * SAFETY)
    header = [column.title for column in sheet.columns]
    subtitles = [column.subtitle for column in sheet.columns]
    title_cm = _row_cm(header, widths)
    if any(subtitles):
        title_cm += _row_cm(subtitles, widths)
    return int((page.height / scale - title_cm) // ROW_CM) - 1  # a row to spare for rounding


def _row_cm(texts: Sequence[str], widths: Sequence[int]) -> float:
    """A header row's height: its longest title's wrapped lines (as the workbook counts them)."""
    lines = max(
        (
            sum(max(-(-len(part) // max(width - 1, 1)), 1) for part in text.split("\n"))
            for text, width in zip(texts, widths, strict=False)
            if text
        ),
        default=1,
    )
    return max(lines, 1) * LINE_CM


def column_at(left_cm: float, widths: Sequence[int]) -> tuple[int, float]:
    """The 0-based column a distance from the sheet's left edge falls in, and how far into it."""
    edge = 0.0
    for index, width in enumerate(widths):
        size = width * COLUMN_CM
        if left_cm < edge + size:
            return index, left_cm - edge
        edge += size
    beyond = int((left_cm - edge) // DEFAULT_COLUMN_CM)
    return len(widths) + beyond, left_cm - edge - beyond * DEFAULT_COLUMN_CM


def chart_width(chart: Chart) -> float:
    return {ChartKind.RADAR: RADAR_WIDTH, ChartKind.PIE: PIE_WIDTH}.get(chart.kind, BAR_WIDTH)


def chart_size(
    sheet: Sheet, chart: Chart, capacity: int, width: float | None = None
) -> tuple[float, float]:
    """(width, height) in cm: tall enough for every category's label, at most a page (less the
    gap after it). A radar is nearly square, its web as large as its width allows: its axes'
    names around the web take the rest."""
    count = chart.last_row - chart.first_row + 1
    width = width or chart_width(chart)
    if chart.kind is ChartKind.RADAR:
        height = max(RADAR_MIN_HEIGHT, width * RADAR_ASPECT)
    elif chart.kind is ChartKind.PIE:
        height = max(PIE_HEIGHT, PIE_FRAME + count * PIE_LEGEND_LINE)
    else:
        labels = [
            str(sheet.rows[index][chart.category_column] or "")
            for index in range(chart.first_row, chart.last_row + 1)
        ]
        lines = max((-(-len(label) // LABEL_CHARS) for label in labels), default=1)
        bars = 1 if chart.stacked else len(chart.value_columns)
        each = max(MIN_CATEGORY, bars * BAR_THICKNESS + 0.15, lines * LABEL_LINE + 0.15)
        legend = LEGEND if len(chart.value_columns) > 1 else 0.0
        height = BAR_FRAME + legend + count * each
    return width, min(height, (capacity - GAP_ROWS) * ROW_CM - TOP_CM)


def add_chart(ws: WriteOnlyWorksheet, sheet: Sheet, placed: Placed) -> None:
    """One chart at its place."""
    chart = placed.chart
    if chart.kind is ChartKind.RADAR:
        made: BarChart | PieChart | RadarChart = _radar(ws, sheet, chart)
    else:
        made = _by_columns(ws, sheet, chart)
        # Cut to a page, a bar chart's labels are set smaller so that each is still shown.
        natural = chart_size(sheet, chart, UNBOUNDED, placed.width_cm)[1]
        if isinstance(made, BarChart) and natural > placed.height_cm:
            shrunk = LABEL_SIZE * placed.height_cm / natural
            made.x_axis.txPr = _font(max(MIN_LABEL_SIZE, int(shrunk) // 50 * 50))
    made.title = chart.title[:250]
    anchor = OneCellAnchor(
        _from=AnchorMarker(
            col=placed.column, colOff=_emu(placed.offset_cm), row=placed.row, rowOff=_emu(TOP_CM)
        ),
        ext=XDRPositiveSize2D(_emu(placed.width_cm), _emu(placed.height_cm)),
    )
    # The stubs type add_chart for the ordinary worksheet; write-only borrows the same method.
    ws.add_chart(made, anchor)  # type: ignore[misc, arg-type]


def _by_columns(ws: WriteOnlyWorksheet, sheet: Sheet, chart: Chart) -> BarChart | PieChart:
    first = sheet.first_data_row + chart.first_row
    last = sheet.first_data_row + chart.last_row
    made: BarChart | PieChart
    if chart.kind is ChartKind.PIE:
        made = PieChart()
        # Only the percentage on a slice: unset flags are shown by LibreOffice ("Другое; Доля
        # школ; 20.6%; 21%"), so each is said.
        made.dataLabels = _labels(percent=True)
        made.legend = Legend(legendPos="r")
    else:
        made = BarChart()
        made.type = "bar"  # horizontal: long option labels stay readable
        made.x_axis.scaling.orientation = "maxMin"  # the first category on top, as in the table
        made.y_axis.crosses = "max"  # and the values' axis under the bars
        made.x_axis.delete = made.y_axis.delete = False
        made.y_axis.scaling.min = 0  # a bar's length is its value
        if chart.stacked:
            made.grouping = "stacked"
            made.overlap = 100
        if chart.share:
            made.y_axis.numFmt = "0%"
            made.y_axis.scaling.max = 1
            made.dataLabels = _labels(value=True)  # as the table shows it: 27.5%
        made.legend = Legend(legendPos="b") if len(chart.value_columns) > 1 else None
    for column in chart.value_columns:
        made.add_data(Reference(ws, min_col=column + 1, min_row=first, max_row=last))
        made.series[-1].tx = SeriesLabel(v=sheet.columns[column].title)
    made.set_categories(
        Reference(ws, min_col=chart.category_column + 1, min_row=first, max_row=last)
    )
    return made


def _radar(ws: WriteOnlyWorksheet, sheet: Sheet, chart: Chart) -> RadarChart:
    """Axes from the value columns' titles, a line per row of ``series_rows``."""
    low, high = min(chart.value_columns) + 1, max(chart.value_columns) + 1
    made = RadarChart()
    made.type = "marker"
    against = len(chart.series_rows) == 2  # a school against the mean; else lines alike
    for number, index in enumerate(chart.series_rows):
        row = sheet.first_data_row + index
        made.add_data(
            Reference(ws, min_col=low, max_col=high, min_row=row, max_row=row), from_rows=True
        )
        series = made.series[-1]
        series.tx = SeriesLabel(v=str(sheet.rows[index][chart.category_column]))
        if not against:
            continue
        line = LineProperties(solidFill=MEAN_COLOUR if number == 0 else SCHOOL_COLOUR)
        line.width = 19050 if number == 0 else 28575  # 1.5 and 2.25 points, in EMU
        if number == 0:
            line.prstDash = "dash"
        series.graphicalProperties = GraphicalProperties(ln=line)
        series.marker = Marker(symbol="none" if number == 0 else "circle")
    header = sheet.first_data_row - 1 - any(column.subtitle for column in sheet.columns)
    made.set_categories(Reference(ws, min_col=low, max_col=high, min_row=header, max_row=header))
    made.x_axis.delete = made.y_axis.delete = False
    made.x_axis.txPr = _font(RADAR_LABEL_SIZE)  # the axes' names, around the web
    made.y_axis.scaling.min = 0
    if chart.share:
        made.y_axis.numFmt = "0%"
    made.legend = Legend(legendPos="b")
    return made


def _labels(*, percent: bool = False, value: bool = False) -> DataLabelList:
    return DataLabelList(
        showPercent=percent,
        showVal=value,
        showCatName=False,
        showSerName=False,
        showLegendKey=False,
        showLeaderLines=False,
    )


def _emu(cm: float) -> int:
    return round(cm * EMU_PER_CM)


def _font(hundredths: int) -> RichText:
    """Text properties of a chart element: its size in hundredths of a point."""
    size = CharacterProperties(sz=hundredths)
    return RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=size), endParaRPr=size)])
