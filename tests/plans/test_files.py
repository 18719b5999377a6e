"""Reading plan files: the seed's road map saved as .xlsx and .docx gives the same draft."""

import dataclasses
import io

import pytest
from docx import Document

from core.plans import PlanDraft, file_error_text, load_plan, read_plan_tables
from core.plans.files import read_document_tables
from exports.sheets import SheetError
from tests.plans.seed import (
    CAPTION,
    HEADER_LINE,
    SCHOOL_YEAR,
    seed_docx,
    seed_draft,
    seed_xlsx,
)


def shifted(draft: PlanDraft, by: int) -> PlanDraft:
    """The draft with every item's row moved by ``by``."""
    return dataclasses.replace(
        draft,
        sections=tuple(
            dataclasses.replace(
                section,
                items=tuple(dataclasses.replace(item, row=item.row + by) for item in section.items),
            )
            for section in draft.sections
        ),
    )


def test_the_seed_as_xlsx_reads_the_same() -> None:
    reading = load_plan("Дорожная карта.xlsx", seed_xlsx(), SCHOOL_YEAR)
    assert reading.problems == ()
    assert reading.draft == shifted(seed_draft(), 2 - HEADER_LINE)  # the header is in row 2


def test_the_seed_as_docx_reads_the_same() -> None:
    reading = load_plan("Дорожная карта.docx", seed_docx(), SCHOOL_YEAR)
    assert reading.problems == ()
    assert reading.draft == shifted(seed_draft(), 1 - HEADER_LINE)  # the table's first row


def test_a_document_gives_each_table_with_the_paragraph_above_it() -> None:
    letterhead, plan = read_plan_tables("plan.docx", seed_docx())
    assert letterhead.rows == [["ОТДЕЛ ОБРАЗОВАНИЯ", "ПРИКАЗ от 16.06.2020 № 63"]]
    assert letterhead.caption == ""
    assert plan.caption == CAPTION
    assert plan.rows[1] == ["<b>Методическая работа</b>", "", "", ""]  # merged: read once
    assert plan.rows[0] == ["№ п/п", "Содержание мероприятия", "Сроки", "Ответственные"]


def test_a_cell_merged_down_is_read_in_its_first_row_only() -> None:
    document = Document()
    table = document.add_table(rows=3, cols=3)
    for row, texts in zip(
        table.rows, [["a", "b", "c"], ["d", "", "f"], ["g", "", "i"]], strict=True
    ):
        for cell, text in zip(row.cells, texts, strict=True):
            cell.text = text
    table.cell(0, 1).merge(table.cell(2, 1))
    buffer = io.BytesIO()
    document.save(buffer)
    (read,) = read_document_tables("t.docx", buffer.getvalue())
    assert read.rows == [["a", "b", "c"], ["d", "", "f"], ["g", "", "i"]]


def test_a_document_cell_keeps_its_paragraphs_as_lines() -> None:
    document = Document()
    cell = document.add_table(rows=1, cols=1).rows[0].cells[0]
    cell.text = "Смирнова Е.А."
    cell.add_paragraph("Дурникова А.В.")
    buffer = io.BytesIO()
    document.save(buffer)
    (read,) = read_document_tables("t.docx", buffer.getvalue())
    assert read.rows == [["Смирнова Е.А.\nДурникова А.В."]]


@pytest.mark.parametrize(
    ("filename", "content", "kind"),
    [
        ("plan.docx", b"not a zip", "unreadable"),
        ("plan.docx", seed_xlsx(), "unreadable"),  # a workbook renamed
        ("plan.xlsx", b"not a zip", "unreadable"),
        ("plan.pdf", b"%PDF-1.4", "unsupported"),
        ("plan.doc", b"\xd0\xcf\x11\xe0", "unsupported"),
    ],
)
def test_a_file_that_is_not_a_table_raises(filename: str, content: bytes, kind: str) -> None:
    with pytest.raises(SheetError) as raised:
        read_plan_tables(filename, content)
    assert raised.value.kind == kind
    assert filename in file_error_text(raised.value)


def test_a_document_without_tables_is_empty() -> None:
    document = Document()
    document.add_paragraph("Только текст")
    buffer = io.BytesIO()
    document.save(buffer)
    with pytest.raises(SheetError) as raised:
        read_plan_tables("plan.docx", buffer.getvalue())
    assert raised.value.kind == "empty"
    assert file_error_text(raised.value) == "Файл «plan.docx»: в нём нет ни одной таблицы."
