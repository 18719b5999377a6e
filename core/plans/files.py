"""Reading an uploaded plan file into tables of strings: .xlsx (or .csv) sheets, .docx tables.

Spreadsheets go through ``exports.sheets.read_tables``. A Word document gives each of its tables
in the body, in order, with the paragraph just above it as its caption (a plan's title usually
stands there). Merged cells are read once, where they start: a row merged across the table holds
its text in the first column, and a cell merged down from the row above is empty in the rows
below. A file that cannot be read raises ``exports.sheets.SheetError`` like a spreadsheet does.
"""

import io
import zipfile

from docx import Document as open_document
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.document import CT_Document
from docx.oxml.table import CT_Tbl, CT_Tc

from core.plans.model import PlanTable
from exports.sheets import SheetError, read_tables

DOCUMENT_SUFFIXES = (".docx",)
# What python-docx and lxml raise on a file that is not a Word document (a .doc or an .xlsx
# renamed, a cut download, broken XML); lxml's XMLSyntaxError is a SyntaxError.
_DOCUMENT_ERRORS: tuple[type[Exception], ...] = (
    zipfile.BadZipFile,
    PackageNotFoundError,
    KeyError,
    ValueError,
    SyntaxError,
    OSError,
)


def read_plan_tables(filename: str, content: bytes) -> list[PlanTable]:
    """The non-empty tables of an uploaded .xlsx, .csv or .docx file; ``SheetError`` otherwise."""
    if filename.lower().endswith(DOCUMENT_SUFFIXES):
        return read_document_tables(filename, content)
    return [
        PlanTable(source=table.source, rows=table.rows, first_row=table.first_row)
        for table in read_tables(filename, content)
    ]


def read_document_tables(filename: str, content: bytes) -> list[PlanTable]:
    """Every non-empty table in a .docx body, its rows as lists of cell texts."""
    try:
        document = open_document(io.BytesIO(content))
    except _DOCUMENT_ERRORS as error:
        raise SheetError("unreadable", filename) from error
    root = document.element
    if not isinstance(root, CT_Document):
        raise SheetError("unreadable", filename)
    tables: list[PlanTable] = []
    caption = ""
    for element in root.body.inner_content_elements:
        if isinstance(element, CT_Tbl):
            rows = _rows(element)
            if any(any(row) for row in rows):
                tables.append(PlanTable(source=filename, rows=rows, caption=caption))
            caption = ""
        else:
            caption = " ".join(str(element.text).split()) or caption
    if not tables:
        raise SheetError("empty", filename)
    return tables


def _rows(table: CT_Tbl) -> list[list[str]]:
    """The table's rows on its layout grid, padded to one width; merged cells read once."""
    rows: list[list[str]] = []
    for row in table.tr_lst:
        cells = [""] * row.grid_before
        for cell in row.tc_lst:
            cells.append("" if cell.vMerge == "continue" else _text(cell))
            cells.extend([""] * (cell.grid_span - 1))
        rows.append(cells)
    width = max((len(row) for row in rows), default=0)
    return [row + [""] * (width - len(row)) for row in rows]


def _text(cell: CT_Tc) -> str:
    """The cell's own paragraphs, one per line (tables nested in it are left out)."""
    return "\n".join(str(paragraph.text) for paragraph in cell.p_lst).strip()
