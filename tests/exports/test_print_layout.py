"""The export workbook as a methodist prints it, checked sheet by sheet on the saved file: every
sheet set up for print, columns as wide as what they show (or wrapped, with rows tall enough),
no machine ids in sight, filters on the Russian header."""

import io
import re
from typing import Any

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from core.export import Export
from exports.rows import LINE_HEIGHT, MAX_HEIGHT, text_lines
from exports.workbook import render_workbook
from storage import Database
from tests.services.test_export import World, city_export, region_export, sample_world


@pytest.fixture
async def world(sqlite_db: Database) -> World:
    return await sample_world(sqlite_db)


@pytest.fixture(params=["city", "region"])
async def export(request: pytest.FixtureRequest, sqlite_db: Database, world: World) -> Export:
    if request.param == "city":
        return await city_export(sqlite_db, world)
    return await region_export(sqlite_db, world)


@pytest.fixture
def book(export: Export) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(render_workbook(export.sheets)))


def _title_rows(sheet: Worksheet) -> tuple[int, int]:
    found = re.fullmatch(r"\$(\d+):\$(\d+)", sheet.print_title_rows or "")
    assert found, f"{sheet.title}: no header rows repeated on each page"
    return int(found[1]), int(found[2])


def _codes(export: Export) -> set[str]:
    """The machine names of the answer columns: question ids and "id.option" keys."""
    return {column.code for sheet in export.sheets for column in sheet.columns if column.code}


def test_every_sheet_is_set_up_for_print(book: openpyxl.Workbook) -> None:
    for sheet in book.worksheets:
        setup: Any = sheet.page_setup
        assert setup.orientation == "landscape", sheet.title
        assert setup.paperSize == 9, sheet.title  # A4
        properties: Any = sheet.sheet_properties.pageSetUpPr
        assert properties.fitToPage, sheet.title
        assert setup.fitToWidth >= 1, sheet.title
        assert setup.fitToHeight == 0, sheet.title  # as many pages down as it takes
        header: Any = sheet.oddHeader
        footer: Any = sheet.oddFooter
        assert header.center.text == "&A", sheet.title  # the sheet's name
        assert "&P" in footer.center.text, sheet.title
        assert "&N" in footer.center.text, sheet.title
        first, last = _title_rows(sheet)
        assert first <= last, sheet.title
        assert str(sheet.freeze_panes).endswith(str(last + 1)), sheet.title


def test_columns_show_their_content_whole_or_wrapped_in_tall_enough_rows(
    book: openpyxl.Workbook,
) -> None:
    checked = wrapped_rows = 0
    for sheet in book.worksheets:
        _, last_header = _title_rows(sheet)
        for row in sheet.iter_rows(min_row=last_header):
            needed = 1
            for cell in row:
                if not isinstance(cell.value, str) or not cell.value:
                    continue
                letter = get_column_letter(cell.column)
                if sheet.column_dimensions[letter].hidden:
                    continue
                width = sheet.column_dimensions[letter].width
                where = f"{sheet.title}!{cell.coordinate}"
                if cell.alignment.wrap_text:
                    longest_word = max((len(w) for w in cell.value.split()), default=0)
                    assert longest_word <= width, f"{where}: a word is cut"
                    needed = max(needed, text_lines(cell.value, int(width)))
                else:
                    assert len(cell.value) < width, f"{where}: {cell.value[:40]!r}… is cut"
                checked += 1
            if needed > 1:
                wrapped_rows += 1
                height = sheet.row_dimensions[int(row[0].row or 0)].height
                assert height is not None, f"{sheet.title}!{row[0].row}: no height"
                assert height >= min(needed * LINE_HEIGHT, MAX_HEIGHT), sheet.title
                # the cells beside a tall one start at its top, not at its last line
                for cell in row:
                    if cell.value is not None:
                        assert cell.alignment.vertical == "top", f"{sheet.title}!{cell.coordinate}"
    assert checked > 100
    assert wrapped_rows > 0


def test_no_machine_id_is_in_sight_and_filters_sit_on_the_russian_header(
    export: Export, book: openpyxl.Workbook
) -> None:
    codes = _codes(export)
    assert {"held", "subjects.math"} & codes or {"mentoring"} & codes
    for sheet in book.worksheets:
        first_header, last_header = _title_rows(sheet)
        for row in sheet.iter_rows():
            number = int(row[0].row or 0)
            shown = [
                cell.value
                for cell in row
                if isinstance(cell.value, str)
                and not sheet.column_dimensions[get_column_letter(cell.column)].hidden
            ]
            if sheet.row_dimensions[number].hidden:
                assert number == first_header - 1, f"{sheet.title}: hidden row {number}"
                continue
            assert not codes & set(shown), f"{sheet.title}!{number}: {codes & set(shown)}"
        if sheet.auto_filter.ref:
            assert sheet.auto_filter.ref.startswith(f"A{last_header}:"), sheet.title
            assert not sheet.row_dimensions[last_header].hidden


def test_schools_come_in_one_order_on_every_sheet(export: Export) -> None:
    """Period, municipality, district, then the school by its number ("СОШ № 5" before
    "СОШ № 11"): the same rows in the same order wherever a sheet lists schools."""
    sheets = {sheet.title: sheet for sheet in export.sheets}

    def schools(title: str) -> list[tuple[object, ...]]:
        sheet = sheets[title]
        titles = [column.title for column in sheet.columns]
        keys = [titles.index(name) for name in ("Период", "Школа") if name in titles]
        return [tuple(row[k] for k in keys) for row in sheet.rows]

    listed = schools("Сводка")
    assert listed
    answers_sheet = next(t for t in sheets if t.startswith("Ответы"))
    assert schools(answers_sheet) == listed
    missing = schools("Не сдали")
    assert missing  # a subsequence of the same order
    positions = [listed.index(row) for row in missing]
    assert positions == sorted(positions)
