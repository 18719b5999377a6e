"""Texts that XML or Excel would change come back from the written workbook exactly as typed,
read by openpyxl and by python-calamine (an independent reader)."""

import io

import openpyxl
from python_calamine import CalamineWorkbook

from exports.tables import Column, Sheet
from exports.workbook import render_workbook

TRICKY = [
    "\rstarts with a carriage return",
    "ends with one\r",
    "  spaces around  ",
    "a literal _x0041_ and _x000D_",
    "<b>not bold</b> & «кавычки»",
    "=1+2",
    "line one\nline two",
]


def test_tricky_texts_come_back_as_typed() -> None:
    sheet = Sheet("Тексты", [Column("Текст", width=40)], [[text] for text in TRICKY])
    content = render_workbook([sheet])

    # calamine decodes "_xHHHH_" as Excel does: every text as typed.
    calamine = CalamineWorkbook.from_filelike(io.BytesIO(content))
    values = calamine.get_sheet_by_name("Тексты").to_python()
    assert [row[0] for row in values[1:]] == TRICKY
    # openpyxl does not decode it: it shows the escape Excel turns back into the typed text.
    book = openpyxl.load_workbook(io.BytesIO(content))
    read = [row[0] for row in book["Тексты"].iter_rows(min_row=2, values_only=True)]
    escaped = "a literal _x005F_x0041_ and _x005F_x000D_"
    assert read == [escaped if "_x" in text else text for text in TRICKY]
