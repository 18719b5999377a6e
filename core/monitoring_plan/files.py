"""A monitoring plan from an uploaded workbook, and the template workbook of a plan.

The workbook is read as bounded raw cells (``exports.cells.read_cells``: its size, sheets, rows
and columns limited before it is parsed; a formula is never evaluated, its cell is reported).
The plan is the first sheet with a plan header, or the first sheet with anything in it.
"""

from core.monitoring_plan.reading import (
    TITLES,
    Column,
    PlanReading,
    RawRow,
    header_columns,
    read_rows,
)
from exports.cells import CellLimits, CellSheet, CellsRefused, read_cells
from exports.sheets import SheetData, cell_text, write_workbook
from texts import monitoring_plan as texts

LIMITS = CellLimits(file_bytes=2 * 1024 * 1024, sheets=20, rows=2_000, columns=30)


class PlanFileError(ValueError):
    """The file cannot be read as a plan; ``message`` says why, in Russian."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def sheet_rows(sheet: CellSheet) -> list[RawRow]:
    rows: list[RawRow] = []
    for number, cells in sorted(sheet.rows().items()):
        width = max(cells)
        texts_ = [""] * width
        formulas: set[int] = set()
        for column, cell in cells.items():
            texts_[column - 1] = cell_text(cell.value)
            if cell.formula:
                formulas.add(column - 1)
        rows.append(RawRow(number, tuple(texts_), frozenset(formulas)))
    return rows


def read_workbook(content: bytes) -> PlanReading:
    """The plan in an .xlsx (see the module doc); ``PlanFileError`` when it cannot be read."""
    try:
        sheets = read_cells(content, LIMITS)
    except CellsRefused as error:
        if error.kind == "too_large":
            raise PlanFileError(texts.FILE_TOO_LARGE) from error
        if error.kind == "unreadable":
            raise PlanFileError(texts.FILE_UNREADABLE) from error
        raise PlanFileError(texts.FILE_TOO_BIG_SHEET.format(sheet=error.sheet)) from error
    tables = [sheet_rows(sheet) for sheet in sheets if sheet.cells]
    if not tables:
        raise PlanFileError(texts.FILE_EMPTY)
    for rows in tables:
        if any(header_columns(row.cells) is not None for row in rows[:10]):
            return read_rows(rows)
    return read_rows(tables[0])


# Seed 004's first lines, as the template's example.
_EXAMPLE: list[list[str | int | None]] = [
    ["Управленческие механизмы", None, None, None, None, None],
    [1, "Мониторинг функционирования ВШСОКО", "Смирнова О.В., начальник отдела", "1 раз в год",
     "vsoko", None],
    [2, "Реализация плана работы образовательных округов", "Смирнова О.В., начальник отдела",
     "Ежемесячно", None, 25],
    ["Результаты ВПР, ОГЭ, ЕГЭ", None, None, None, None, None],
    [3, "Анализ результатов государственной итоговой аттестации",
     "Викулова Е.Г., специалист по УМР", "1 раз в год, июнь", None, None],
    [4, "Анализ результатов ВПР", "Аксиненко О.С., специалист по УМР",
     "2 раза в год (входной — октябрь, итоговый — май)", "vpr", 20],
]  # fmt: skip


def template_workbook() -> bytes:
    """The plan's template: its columns with an example, and how to fill each column."""
    plan = SheetData(
        title=texts.TEMPLATE_SHEET,
        header=[TITLES[column] for column in Column],
        rows=[list(row) for row in _EXAMPLE],
        column_widths=[6, 50, 40, 34, 20, 12],
    )
    howto = SheetData(
        title=texts.TEMPLATE_HOWTO_SHEET,
        header=list(texts.TEMPLATE_HOWTO[0]),
        rows=[list(row) for row in texts.TEMPLATE_HOWTO[1:]],
        column_widths=[24, 100],
    )
    return write_workbook([plan, howto])
