"""A sheet's rows streamed into openpyxl's write-only file as whole ``<row>`` elements.

Why not ``WriteOnlyWorksheet.append``: openpyxl writes each cell through a ``Cell`` object, type
sniffing and three nested lxml ``xmlfile`` contexts, 8–9 µs a cell; a regional export has
millions of cells, and that loop was most of its time (bench/export.py, cProfile). Building lxml
elements instead still cost ~4 µs a cell. Here a row is one string, escaped here (``&``, ``<``,
``>``, CR) after ``clean_text`` has dropped what XML cannot hold, and written to the sheet's file
between openpyxl's own elements: openpyxl still writes everything around the rows (the sheet's
head, print setup, filters, charts, styles, the package).

What a cell becomes (the export's ``CellValue``): a number a ``<v>`` (NaN and infinities
dropped); a date or a wall-clock time Excel's serial day number with its date format; every text
an inline string, so nothing written here is ever a formula. Styles (bold, wrapped, number
formats, the quote prefix that keeps a formula-like text text when edited) are registered once
per combination with the workbook's stylesheet, through an ordinary openpyxl cell.
"""

import math
import re
from collections.abc import Collection, Generator, Sequence
from datetime import date, datetime
from typing import Any, BinaryIO

from lxml.etree import xmlfile
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.fonts import DEFAULT_FONT
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel as _to_excel
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.xml.constants import SHEET_MAIN_NS

from exports.sheets import FORMULA_PREFIXES, clean_text
from exports.tables import CellValue

# The workbook's own font in bold: a bold font without a name is drawn in some other face.
BOLD = Font(name=DEFAULT_FONT.name, sz=DEFAULT_FONT.sz, family=DEFAULT_FONT.family, b=True)
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
# A highlighted row's tint: pale red on screen, a light grey on a black-and-white printer.
HIGHLIGHT = PatternFill(fill_type="solid", fgColor="FFD9D9")
# An alert cell (past a threshold): Excel's own "light red fill with dark red text", in bold so
# that it still stands out on a black-and-white printer.
ALERT = PatternFill(fill_type="solid", fgColor="FFC7CE")
ALERT_FONT = Font(
    name=DEFAULT_FONT.name, sz=DEFAULT_FONT.sz, family=DEFAULT_FONT.family, b=True, color="9C0006"
)
CENTRED = Alignment(wrap_text=True, horizontal="center", vertical="center")
_THIN = Side(style="thin", color="FF000000")
RULED = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)  # a printed table's grid
DATE_FORMAT = "DD.MM.YYYY"
DATETIME_FORMAT = "DD.MM.YYYY HH:MM"
SIGNED_FORMAT = "+General;-General;0"  # a change with its sign: "+5", "-3,5", "0"
# (number format, wrapped, bold, quote prefix, at the top, highlighted, ruled, alert, centred):
# a cell's look, one stylesheet entry each.
_Look = tuple[str | None, bool, bool, bool, bool, bool, bool, bool, bool]


LINE_HEIGHT = 15  # points a line of ordinary text takes
MAX_HEIGHT = 409  # Excel's limit, in points
CHARS_PER_WIDTH = 1.0  # characters of ordinary text per unit of column width (LibreOffice, Excel)


def to_excel(moment: date | datetime) -> float:
    """Excel's serial day number of a date or a wall-clock time."""
    return _to_excel(moment)  # type: ignore[no-untyped-call,no-any-return]


def text_lines(text: str, width: int) -> int:
    """Lines a text takes in a column ``width`` wide (0: only its own line breaks)."""
    if not width:
        return text.count("\n") + 1
    per_line = max(int(width * CHARS_PER_WIDTH) - 1, 1)
    return sum(max(-(-len(part) // per_line), 1) for part in text.split("\n"))


class RowSheet(WriteOnlyWorksheet):
    """A write-only worksheet whose rows arrive as ready ``<row>`` elements (``write_row``)."""

    def __init__(self, parent: Any, title: str) -> None:
        super().__init__(parent, title)
        self._letters: list[str] = []
        self._styles: dict[_Look, str] = {}
        self._next_row = 1

    def write_row(
        self,
        values: Sequence[CellValue],
        formats: Sequence[str | None] = (),
        *,
        widths: Sequence[int] = (),
        wrapped: Sequence[bool] = (),
        bold: bool | Sequence[bool] = False,
        hidden: bool = False,
        highlighted: int = 0,
        ruled: int = 0,
        span: int = 0,
        alerts: Collection[int] = (),
        centred: bool | Sequence[bool] = False,
    ) -> int:
        """Append one row: ``formats[i]`` is column i's number format (None: as the value
        goes), ``widths[i]`` its width and ``wrapped[i]`` whether its texts wrap, ``bold`` the
        whole row's or each cell's weight. A row whose texts take several lines is made as
        tall as its tallest cell. ``highlighted``: the first so many cells are tinted, and
        ``ruled`` outlined, empty ones too. ``span``: the first cell is merged over so many
        columns (its width, for the lines it takes, is ``widths[0]``: give the columns' sum).
        ``alerts``: the indexes of cells filled red (``ALERT``); ``centred``, as ``bold``: the
        cells centred (and wrapped), a header under merged titles or a column of numbers.
        Returns the row's height in points, as set (or a line's, for a row of one line)."""
        number = self._next_row
        self._next_row += 1
        suffix = str(number)
        letters = self._letters_for(max(len(values), highlighted, ruled, span))
        if span > 1:
            # (openpyxl writes a write-only sheet's merged cells after its rows, on close)
            merged: Any = self.merged_cells  # type: ignore[attr-defined]
            merged.add(f"A{suffix}:{letters[span - 1]}{suffix}")
        bold_cells = () if isinstance(bold, bool) else bold
        centred_cells = () if isinstance(centred, bool) else centred
        made: list[tuple[int, _Look, str]] = []
        lines = 1
        if max(highlighted, ruled) > len(values):
            values = [*values, *[None] * (max(highlighted, ruled) - len(values))]
        for index, value in enumerate(values):
            tinted, lined = index < highlighted, index < ruled
            middle = centred is True or (index < len(centred_cells) and centred_cells[index])
            if value is None:
                if tinted or lined:  # an empty cell of a tinted or ruled row: drawn all the same
                    blank: _Look = (None, False, False, False, False, tinted, lined, False, middle)
                    made.append((index, blank, ""))
                continue
            wrap = index < len(wrapped) and wrapped[index]
            strong = bold is True or (index < len(bold_cells) and bold_cells[index])
            number_format, quoted = None, False
            if isinstance(value, str):
                text = clean_text(value)
                several = "\n" in text
                if wrap or several:
                    width = widths[index] if wrap and index < len(widths) else 0
                    lines = max(lines, text_lines(text, width))
                    wrap = True
                quoted = text.startswith(FORMULA_PREFIXES)
                content = _inline(text)
            elif isinstance(value, bool):  # (a bool is an int: keep it a word, not 1)
                content = _inline(str(value))
            elif isinstance(value, datetime):
                number_format = DATETIME_FORMAT
                content = f"<v>{to_excel(value.replace(tzinfo=None)):.16g}</v>"
            elif isinstance(value, date):
                number_format, content = DATE_FORMAT, f"<v>{to_excel(value):.16g}</v>"
            elif isinstance(value, int | float):
                if isinstance(value, float) and not math.isfinite(value):
                    continue
                number_format = formats[index] if index < len(formats) else None
                content = f"<v>{value:.16g}</v>"
            else:  # not a CellValue: written as the text it reads as
                content = _inline(clean_text(str(value)))
            alert = index in alerts
            look: _Look = (
                number_format,
                wrap,
                strong,
                quoted,
                False,
                tinted,
                lined,
                alert,
                middle,
            )
            made.append((index, look, content))
        cells = []
        for index, look, content in made:
            if lines > 1 and not look[1]:  # beside a tall cell: at the top, with its first line
                look = (*look[:4], True, *look[5:])
            style = "" if look == _PLAIN else f' s="{self._style(look)}"'
            if not content:
                cells.append(f'<c r="{letters[index]}{suffix}"{style}/>')
                continue
            kind = "" if content.startswith("<v>") else ' t="inlineStr"'
            cells.append(f'<c r="{letters[index]}{suffix}"{style}{kind}>{content}</c>')
        attributes = f' r="{suffix}"'
        height = min(lines * LINE_HEIGHT, MAX_HEIGHT)
        if lines > 1:  # (Excel does not grow a row for wrapped text it did not lay out)
            attributes += f' ht="{height}" customHeight="1"'
        if hidden:
            attributes += ' hidden="1"'
        self._send(f"<row{attributes}>{''.join(cells)}</row>")
        return 0 if hidden else height

    def _letters_for(self, count: int) -> list[str]:
        while len(self._letters) < count:
            self._letters.append(get_column_letter(len(self._letters) + 1))
        return self._letters

    def _style(self, look: _Look) -> str:
        """The stylesheet index of a look, registered on first use."""
        found = self._styles.get(look)
        if found is None:
            number_format, wrap, bold, quoted, top, tinted, lined, alert, centred = look
            cell = WriteOnlyCell(self)
            if number_format is not None:
                cell.number_format = number_format
            if centred:
                cell.alignment = CENTRED
            elif wrap:
                cell.alignment = WRAP
            elif top:
                cell.alignment = TOP
            if bold:
                cell.font = BOLD
            if quoted:
                cell.quotePrefix = True
            if tinted:
                cell.fill = HIGHLIGHT
            if lined:
                cell.border = RULED
            if alert:
                cell.fill = ALERT
                cell.font = ALERT_FONT
            found = self._styles[look] = str(cell.style_id)
        return found

    def _get_writer(self) -> None:
        this: Any = self
        if this._writer is None:
            this._writer = _Writer(self)
            this._writer.write_top()

    def _send(self, row: str) -> None:
        # (openpyxl's private stream; its stubs do not declare it. ``close`` ends ``_rows``.)
        this: Any = self
        if this._rows is None:
            self._get_writer()
            this._rows = self._stream(this._writer)
            next(this._rows)
        this._rows.send(row)

    def _stream(self, writer: "_Writer") -> Generator[None, str, None]:
        """openpyxl's ``_write_rows`` with whole rows: the sheet's head is written, the rows go
        into ``<sheetData>`` as they come, and on close the rest of the sheet follows."""
        xf: Any = writer.xf.send(True)
        with xf.element("sheetData"):
            xf.flush()  # the rows go after what lxml has written so far
            handle = writer.handle
            try:
                while True:
                    handle.write((yield).encode())
            except GeneratorExit:
                pass
        writer.xf.send(None)


class _Writer(WorksheetWriter):
    """openpyxl's sheet writer with a file object of its own under lxml's incremental writer,
    so whole rows can go between lxml's elements as bytes."""

    handle: BinaryIO

    def get_stream(self) -> Generator[Any, Any, None]:
        path: Any = self.out  # (a temporary file's name)
        with (
            open(path, "wb") as handle,
            xmlfile(handle) as xf,
            xf.element("worksheet", xmlns=SHEET_MAIN_NS),
        ):
            self.handle = handle
            try:
                while True:
                    element = yield
                    if element is True:
                        yield xf
                    elif element is not None:
                        xf.write(element)
            except GeneratorExit:
                pass


_PLAIN: _Look = (None, False, False, False, False, False, False, False, False)
_EXCEL_ESCAPE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})


def _inline(text: str) -> str:
    """An inline string's XML: the text escaped, its edge spaces (and CRs) kept, and a literal
    "_x0041_" kept as typed (Excel reads such a sequence as an escaped character)."""
    edges = text != text.strip()
    if "_x" in text:
        text = _EXCEL_ESCAPE.sub(r"_x005F_\1", text)
    if "&" in text or "<" in text or ">" in text or "\r" in text:
        text = text.translate(_ESCAPES)
    if edges:
        return f'<is><t xml:space="preserve">{text}</t></is>'
    return f"<is><t>{text}</t></is>"


def add_row_sheet(workbook: Any, title: str) -> RowSheet:
    """A new RowSheet at the end of a write-only workbook."""
    sheet = RowSheet(workbook, title)
    workbook._add_sheet(sheet)
    return sheet
