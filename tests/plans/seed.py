"""The road map of seed 001 (Kedrovy, order of 16.06.2020, school year 2020\\21) as table rows.

``data/kedrovy_2020.tsv`` is the seed's table verbatim, from its header (line 68 of the seed) to
its last row (line 116): tab-separated, with the ``<b>``/``<ul><li>`` markup and the blank lines
of its page breaks.
"""

import io
from functools import cache
from pathlib import Path

import openpyxl
from docx import Document

from core.plans import PlanDraft, PlanTable, read_plan

DATA = Path(__file__).resolve().parent / "data" / "kedrovy_2020.tsv"
SCHOOL_YEAR = 2020
HEADER_LINE = 68  # the header's line in the seed, so that row numbers are the seed's lines
CAPTION = (
    "«Дорожная карта» (план мероприятий) по работе с общеобразовательными организациями с "
    "низкими образовательными результатами (далее – ШНОР) муниципального образования «Город "
    "Кедровый» на 2020\\21 учебный год, направленными на повышение образовательных результатов"
)


def seed_rows() -> list[list[str]]:
    """The rows as the seed has them; a blank line is a row of one empty cell."""
    text = DATA.read_text(encoding="utf-8").removesuffix("\n")
    return [line.split("\t") for line in text.split("\n")]


def seed_draft() -> PlanDraft:
    """The seed's draft (it must read without problems), its rows numbered as the seed's lines."""
    table = PlanTable("001", seed_rows(), first_row=HEADER_LINE, caption=CAPTION)
    reading = read_plan([table], SCHOOL_YEAR)
    assert reading.problems == ()
    assert reading.draft is not None
    return reading.draft


WIDTH = 4


def seed_table() -> list[list[str]]:
    """The seed's rows padded to the table's four columns (a blank line is an empty row)."""
    return [row + [""] * (WIDTH - len(row)) for row in seed_rows()]


def is_section(row: list[str]) -> bool:
    return row[0].startswith("<b>")


@cache
def seed_xlsx() -> bytes:
    """The caption in A1, the table from row 2; section rows merged across, numbers as numbers.
    Made once: openpyxl stamps the time into the file, and a test comparing a file sent back
    with the one uploaded must see the same bytes."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append([CAPTION])
    for row in seed_table():
        number = int(row[0]) if row[0].isdigit() else row[0]
        sheet.append([number or None, *(cell or None for cell in row[1:])])
        if is_section(row):
            sheet.merge_cells(
                start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=4
            )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def seed_docx() -> bytes:
    """A letterhead table, the caption, then the plan; section rows merged across the table."""
    document = Document()
    letterhead = document.add_table(rows=1, cols=2)
    letterhead.rows[0].cells[0].text = "ОТДЕЛ ОБРАЗОВАНИЯ"
    letterhead.rows[0].cells[1].text = "ПРИКАЗ от 16.06.2020 № 63"
    document.add_paragraph(CAPTION)
    document.add_paragraph("")
    rows = seed_table()
    table = document.add_table(rows=len(rows), cols=WIDTH)
    for cells, row in zip(table.rows, rows, strict=True):
        if is_section(row):
            cells.cells[0].merge(cells.cells[WIDTH - 1]).text = row[0]
            continue
        for cell, text in zip(cells.cells, row, strict=True):
            cell.text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
