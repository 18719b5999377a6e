"""The workbook's charts read back from the saved .xlsx: sized to their categories, placed so that
none overlaps another or is cut by a printed page, pies labelled with their percentages only."""

import io
import re
import zipfile
from dataclasses import dataclass, replace

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

from core.export.labels import PROFILE
from core.export.layout import MAX_PIE_SLICES, charts_sheet
from core.export.model import OptionCount, QuestionSummary
from core.forms.models import QuestionType
from exports.charts import COLUMN_CM, DEFAULT_COLUMN_CM, ROW_CM, Page, page_rows
from exports.tables import Chart, ChartKind, Column, Format, Sheet
from exports.workbook import column_widths, render_workbook
from tests.exports.test_profile import chart_xml, passport_export

EMU_PER_CM = 360_000
# openpyxl's default margins (0.75 in left and right, 1 in top and bottom) on landscape A4
PAGE = Page(29.7 - 1.5 * 2.54, 21.0 - 2 * 2.54)


@dataclass(frozen=True)
class Drawn:
    """A chart as the saved file places it: rows and centimetres from the sheet's top left."""

    title: str
    top_row: int  # 0-based
    top_cm: float  # from the top of that row
    left_cm: float
    width_cm: float
    height_cm: float

    @property
    def bottom_row(self) -> float:
        """Where it ends, in rows of the default height (the sheets with charts keep it)."""
        return self.top_row + (self.top_cm + self.height_cm) / ROW_CM


def drawn(ws: Worksheet) -> list[Drawn]:
    found = []
    for chart in ws._charts:  # type: ignore[attr-defined]  # loaded charts, not in the stubs
        anchor = chart.anchor
        start = anchor._from
        left = sum(_column_cm(ws, index) for index in range(start.col))
        title = "".join(run.t for paragraph in chart.title.tx.rich.p for run in (paragraph.r or []))
        found.append(
            Drawn(
                title,
                start.row,
                start.rowOff / EMU_PER_CM,
                left + start.colOff / EMU_PER_CM,
                anchor.ext.width / EMU_PER_CM,
                anchor.ext.height / EMU_PER_CM,
            )
        )
    return found


def _column_cm(ws: Worksheet, index: int) -> float:
    letter = openpyxl.utils.get_column_letter(index + 1)
    dimension = ws.column_dimensions.get(letter)
    if dimension is None or dimension.width is None:
        return DEFAULT_COLUMN_CM
    return dimension.width * COLUMN_CM


def page_breaks(ws: Worksheet) -> list[int]:
    return [brk.id for brk in ws.row_breaks.brk]


def assert_printable(ws: Worksheet, sheet: Sheet) -> None:
    """No two charts overlap; no page break falls inside a chart; after a break, the charts take
    no more rows than a page holds (at the scale that fits the sheet to the page's width)."""
    charts = drawn(ws)
    for index, one in enumerate(charts):
        for other in charts[index + 1 :]:
            rows_apart = one.bottom_row <= other.top_row or other.bottom_row <= one.top_row
            side_by_side = (
                one.left_cm + one.width_cm <= other.left_cm
                or other.left_cm + other.width_cm <= one.left_cm
            )
            assert rows_apart or side_by_side, (one.title, other.title)
    breaks = page_breaks(ws)
    # printed shrunk to the page's width: the table's, or the charts' right edge
    table_cm = sum(_column_cm(ws, index) for index in range(len(sheet.columns)))
    printed = max([table_cm, *(chart.left_cm + chart.width_cm for chart in charts)])
    capacity = page_rows(sheet, column_widths(sheet), PAGE, printed)
    for chart in charts:
        # a break after row b (1-based) starts the next page at 0-based row b
        assert not any(chart.top_row < brk < chart.bottom_row for brk in breaks), chart.title
        page_start = max((brk for brk in breaks if brk <= chart.top_row), default=0)
        assert chart.bottom_row - page_start <= capacity, chart.title


def _bar_sheet(*counts: int, label: str = "Вариант ответа") -> Sheet:
    rows: list[list[object]] = []
    charts = []
    for number, count in enumerate(counts):
        first = len(rows)
        rows += [[f"{label} {n + 1}", (n + 1) / 20] for n in range(count)]
        charts.append(
            Chart(ChartKind.BAR, f"Вопрос {number + 1}", first, len(rows) - 1, 0, (1,), True)
        )
        rows.append([None, None])
    columns = [Column("Категория", width=40), Column("Доля", format=Format.SHARE, width=10)]
    return Sheet("Диаграммы", columns, rows, autofilter=False, charts=charts)  # type: ignore[arg-type]


def _read(sheet: Sheet) -> Worksheet:
    book = openpyxl.load_workbook(io.BytesIO(render_workbook([sheet])))
    found = book[sheet.title]
    assert isinstance(found, Worksheet)
    return found


def test_a_bar_chart_grows_with_its_categories() -> None:
    """12 categories in a chart of 3's height showed every other label."""
    few, many = drawn(_read(_bar_sheet(3, 12)))
    assert many.height_cm > few.height_cm
    # at least half a centimetre a category beyond the title and axis
    assert (many.height_cm - few.height_cm) / 9 >= 0.5


def test_long_labels_take_more_height_than_short_ones() -> None:
    short = drawn(_read(_bar_sheet(8, label="Да")))[0]
    long = drawn(_read(_bar_sheet(8, label="Родительский патруль (наблюдение за порядком) №")))[0]
    assert long.height_cm > short.height_cm


def test_charts_stack_beside_the_table_without_overlap_or_a_page_cut() -> None:
    sheet = _bar_sheet(3, 12, 5, 8, 20, 2, 9, 14)
    ws = _read(sheet)
    charts = drawn(ws)
    assert len(charts) == 8
    table_cm = sum(_column_cm(ws, index) for index in range(len(sheet.columns)))
    assert all(chart.left_cm > table_cm for chart in charts)  # beside the table
    assert all(chart.top_row >= sheet.first_data_row - 1 for chart in charts)  # under the header
    assert len(page_breaks(ws)) >= 3  # more charts than one page holds
    assert_printable(ws, sheet)


def test_a_chart_taller_than_a_page_is_cut_to_the_page() -> None:
    sheet = _bar_sheet(80)
    ws = _read(sheet)
    (chart,) = drawn(ws)
    capacity = page_rows(sheet, column_widths(sheet), PAGE, PAGE.width)
    assert chart.bottom_row - chart.top_row <= capacity
    assert_printable(ws, sheet)
    # its labels set smaller, so that each is still shown
    xml = chart_xml(render_workbook([sheet]))[0]
    size = re.search(r'<catAx>.*?<a:defRPr sz="(\d+)"', xml)
    assert size is not None
    assert 600 <= int(size.group(1)) < 1000


def test_the_profile_radars_go_below_the_table_on_pages_of_their_own() -> None:
    export = passport_export(12)
    sheet = next(sheet for sheet in export.sheets if sheet.title == PROFILE)
    book = openpyxl.load_workbook(io.BytesIO(render_workbook([sheet])))
    ws = book[PROFILE]
    assert isinstance(ws, Worksheet)
    charts = drawn(ws)
    assert len(charts) == 11
    table_end = sheet.first_data_row + len(sheet.rows)
    assert all(chart.top_row >= table_end for chart in charts)
    assert page_breaks(ws)[0] == table_end  # the table's page ends before the first radar
    assert len({chart.left_cm for chart in charts}) >= 2  # side by side
    assert_printable(ws, sheet)


def test_pie_labels_show_only_the_percentage() -> None:
    export = passport_export(6)
    pies = [xml for xml in chart_xml(render_workbook(export.sheets)) if "<pieChart>" in xml]
    assert len(pies) == 2  # where the school is, its shifts
    for xml in pies:
        labels = re.search(r"<dLbls>(.*?)</dLbls>", xml)
        assert labels is not None
        flags = dict(re.findall(r'<(show\w+) val="(\d)"/>', labels.group(1)))
        assert flags == {
            "showLegendKey": "0",
            "showVal": "0",
            "showCatName": "0",
            "showSerName": "0",
            "showPercent": "1",
            "showLeaderLines": "0",
        }


def test_bars_of_shares_show_their_value_only() -> None:
    xml = chart_xml(render_workbook([_bar_sheet(4)]))[0]
    labels = re.search(r"<dLbls>(.*?)</dLbls>", xml)
    assert labels is not None
    flags = dict(re.findall(r'<(show\w+) val="(\d)"/>', labels.group(1)))
    assert flags["showVal"] == "1"
    assert {flags[name] for name in ("showCatName", "showSerName", "showPercent")} == {"0"}
    assert '<delete val="0"/>' in xml  # both axes shown


def test_a_single_choice_of_many_options_is_drawn_as_bars() -> None:
    export = passport_export(4)

    def single(key: str, options: int) -> QuestionSummary:
        counted = tuple(OptionCount(f"o{n}", f"Вариант {n}", 1, 0.25, "") for n in range(options))
        return QuestionSummary(key, key, QuestionType.SINGLE, 4, "", options=counted)

    few = single("few", MAX_PIE_SLICES - 1)  # and "Нет ответа": as many slices as a pie takes
    many = single("many", MAX_PIE_SLICES)
    sheet = charts_sheet(replace(export, summary=(few, many)))
    kinds = {chart.title: chart.kind for chart in sheet.charts}
    assert kinds["few"] is ChartKind.PIE
    assert kinds["many"] is ChartKind.BAR


def test_the_workbook_keeps_its_charts_in_the_file() -> None:
    with zipfile.ZipFile(io.BytesIO(render_workbook([_bar_sheet(3, 4)]))) as archive:
        drawing = archive.read("xl/drawings/drawing1.xml").decode()
    assert drawing.count("<oneCellAnchor>") == 2
