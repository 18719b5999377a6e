"""A table question as a template to fill in on a computer: plain sheet data
(``exports.tables.Sheet``) that ``exports.workbook`` prints as an ``.xlsx``.

The sheet: a title, an instruction line, then the header — the key columns ("Предмет",
"Класс"), each with a dropdown of its options' labels, and the value columns with their units
("«2», %") — and the rows. A school's template is prefilled with what is known: the school's
rows as they stand (values too), else the keys of its answer in the previous round of the same
form, else the rows the form requires; then empty rows to add more. ``core.tables.reading``
reads it back filled.

The methodist's template of a bulk load has a "Школа" column first and a row per school.
"""

from collections.abc import Sequence
from typing import Any

from core.forms.engine import group_items
from core.forms.models import Question
from core.forms.tables import chosen
from core.tables.reading import column_title
from exports.tables import CellValue, Column, Format, Sheet
from exports.workbook import render_workbook
from texts import table_files as texts

BLANK_ROWS = 10  # empty rows under the prefilled ones, to add more
MIN_ROWS = 20  # rows of a template at least (prefilled and empty)


def key_words(table: Question) -> str:
    """ "предмет, класс": what keys a row, as the instruction says it."""
    return ", ".join(sub.label.lower() for sub in table.questions if sub.id in table.key)


def template_columns(table: Question) -> list[Column]:
    """The key columns with their options as a dropdown, then the value columns (plain
    numbers: a percent typed in, "30%", is read back as the 30 Excel shows)."""
    columns = []
    for sub in table.questions:
        if sub.id in table.key:
            labels = tuple(option.label for option in sub.options)
            width = max([len(sub.label), *map(len, labels)]) + 3
            columns.append(Column(sub.label, width=width, choices=labels))
        else:  # a plain number ("General"): never a percent format that turns 30 into 0,3
            width = max(len(column_title(sub)) + 2, 10)
            columns.append(Column(column_title(sub), format=Format.NUMBER, width=width))
    return columns


def _key_cells(table: Question, row: dict[str, Any]) -> list[CellValue] | None:
    """The labels of a row's key options, if every one is still an option of the table."""
    cells: list[CellValue] = []
    for sub in table.questions:
        if sub.id not in table.key:
            continue
        option_id = chosen(row.get(sub.id))
        option = None if option_id is None else sub.option(option_id)
        if option is None:
            return None
        cells.append(option.label)
    return cells


def _value_cells(table: Question, row: dict[str, Any] | None) -> list[CellValue]:
    cells: list[CellValue] = []
    for column in table.columns:
        value = None if row is None else row.get(column.id)
        number = isinstance(value, int | float) and not isinstance(value, bool)
        cells.append(value if number else None)
    return cells


def prefilled_rows(table: Question, current: Any, previous: Any) -> list[list[CellValue]]:
    """The rows a school's template starts with: its current rows (with their values), else
    the keys of the previous round's rows, else the form's required rows (keys only)."""
    current_rows = group_items(current)
    if current_rows:
        source, with_values = current_rows, True
    elif group_items(previous):
        source, with_values = group_items(previous), False
    else:
        source = [
            {name: {"selected": option, "other": None} for name, option in required.items()}
            for required in table.required_rows
        ]
        with_values = False
    rows: list[list[CellValue]] = []
    seen: set[tuple[CellValue, ...]] = set()
    for row in source:
        keys = _key_cells(table, row)
        if keys is None or tuple(keys) in seen:
            continue
        seen.add(tuple(keys))
        rows.append(keys + _value_cells(table, row if with_values else None))
    return rows


def _with_blanks(rows: list[list[CellValue]], width: int, limit: int) -> list[list[CellValue]]:
    total = max(len(rows) + BLANK_ROWS, MIN_ROWS)
    total = max(min(total, limit), len(rows))
    return rows + [[None] * width for _ in range(total - len(rows))]


def template_sheet(
    table: Question, *, heading: str, current: Any = None, previous: Any = None
) -> Sheet:
    """A school's template of ``table``: ``heading`` on top, prefilled rows, empty rows."""
    columns = template_columns(table)
    rows = prefilled_rows(table, current, previous)
    return Sheet(
        title=texts.TEMPLATE_SHEET,
        columns=columns,
        rows=_with_blanks(rows, len(columns), table.max_items),
        preamble=[[texts.TEMPLATE_INSTRUCTION.format(keys=key_words(table))]],
        heading=heading,
        autofilter=False,
        ruled=True,
    )


def bulk_template_sheet(table: Question, *, heading: str, schools: Sequence[str]) -> Sheet:
    """The methodist's template of a bulk load: "Школа" first, a row per school."""
    school = Column(
        texts.SCHOOL_COLUMN,
        width=max([len(texts.SCHOOL_COLUMN), *map(len, schools)]) + 3,
        choices=tuple(schools),
    )
    columns = [school, *template_columns(table)]
    rows: list[list[CellValue]] = [[name] + [None] * (len(columns) - 1) for name in schools]
    return Sheet(
        title=texts.TEMPLATE_SHEET,
        columns=columns,
        rows=rows,
        preamble=[[texts.BULK_TEMPLATE_INSTRUCTION.format(keys=key_words(table))]],
        heading=heading,
        autofilter=False,
        ruled=True,
    )


def render(sheet: Sheet) -> bytes:
    """The sheet as an ``.xlsx`` file."""
    return render_workbook([sheet])
