"""A table question's rules, as pure functions over its rows: what keys a row, how a row reads,
what is wrong with a row or with the table, which rows cross a threshold.

A table is stored as a repeat group is (``{"items": [row, ...], "done": bool}``, a row
``{column id: value}``, a key column's value ``{"selected": option id, "other": None}``), so the
chat, carry-forward and the export's item sheets handle it as one; what makes it a table is here:
one row per key, the row checks, the required rows, the thresholds. The chat, the filled
template and the methodist's bulk load all check rows with these functions, so a row refused in
one is refused in the others with the same words.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from core.forms.display import format_answer
from core.forms.engine import group_items, sub_question
from core.forms.models import Question, Threshold
from texts import tables as texts

Row = Mapping[str, Any]
Key = tuple[str, ...]


def chosen(value: Any) -> str | None:
    """The option id a key cell holds."""
    if isinstance(value, dict):
        selected = value.get("selected")
        return selected if isinstance(selected, str) else None
    return None


def row_key(table: Question, row: Row) -> Key | None:
    """The row's key (its key columns' options, in the table's key order); None until every key
    column is answered."""
    found = [chosen(row.get(name)) for name in table.key]
    if any(option is None for option in found):
        return None
    return tuple(option for option in found if option is not None)


def key_label(table: Question, key: Key) -> str:
    """ "Математика, 5 класс": the key's options as written."""
    labels = []
    for name, option_id in zip(table.key, key, strict=True):
        column = sub_question(table, name)
        option = column.option(option_id) if column is not None else None
        labels.append(option.label if option is not None else option_id)
    return ", ".join(labels)


def _row_label(table: Question, row: Row) -> str:
    """A row's key as written; an older version of the form (a repeat group) allowed «Другое»
    in a key column: such a cell reads as its typed text ("Астрономия, 10 класс")."""
    labels = []
    for name in table.key:
        column = sub_question(table, name)
        cell = row.get(name)
        option_id = chosen(cell) or ""
        option = column.option(option_id) if column is not None else None
        typed = cell.get("other") if isinstance(cell, dict) else None
        if option is not None:
            labels.append(option.label)
        elif isinstance(typed, str) and typed.strip():
            labels.append(typed.strip())
        else:
            labels.append(option_id)
    return ", ".join(labels)


def row_summary(table: Question, row: Row) -> str:
    """ "Математика, 5 класс: «2» — 12,5 %, «4–5» — 35 %": the key, then each column by its
    short name ("—" for a column not given yet)."""
    key = row_key(table, row)
    head = _row_label(table, row) if key is not None else texts.KEY_NOT_CHOSEN
    values = [
        texts.CELL.format(
            column=column.label,
            value=format_answer(column, row[column.id])
            if row.get(column.id) is not None
            else texts.NO_VALUE,
        )
        for column in table.columns
    ]
    return texts.ROW.format(key=head, values=", ".join(values))


def duplicate_of(table: Question, rows: Sequence[Row], index: int) -> int | None:
    """The index of another row with row ``index``'s key, if any."""
    key = row_key(table, rows[index])
    if key is None:
        return None
    return next(
        (other for other, row in enumerate(rows) if other != index and row_key(table, row) == key),
        None,
    )


def row_problems(table: Question, row: Row) -> list[str]:
    """What the table's row checks find wrong with a complete row (its sum over a limit)."""
    problems = []
    for check in table.row_checks:
        values = [row.get(name) for name in check.sum]
        numbers = [float(value) for value in values if isinstance(value, int | float)]
        if len(numbers) < len(values):
            continue  # a value not given yet: checked once it is
        total = sum(numbers)
        if total > check.at_most + 1e-9:
            problems.append(check.message)
    return problems


def missing_rows(table: Question, rows: Sequence[Row]) -> list[Key]:
    """The required rows the table does not have yet, in the form's order."""
    given = {row_key(table, row) for row in rows}
    wanted = [tuple(row[name] for name in table.key) for row in table.required_rows]
    return [key for key in wanted if key not in given]


@dataclass(frozen=True, slots=True)
class Crossing:
    """A row's value past one of the table's thresholds."""

    key: Key
    threshold: Threshold
    value: float


def crossings(table: Question, rows: Sequence[Row]) -> list[Crossing]:
    """Every value of these rows past a threshold, row by row."""
    found = []
    for row in rows:
        key = row_key(table, row)
        if key is None:
            continue
        for threshold in table.thresholds:
            value = row.get(threshold.column)
            if isinstance(value, int | float) and threshold.crossed(float(value)):
                found.append(Crossing(key, threshold, float(value)))
    return found


def table_problems(table: Question, value: Any) -> list[str]:
    """Everything wrong with a table as a whole, in words a school reads: a row with a key
    column or a value missing, a key given twice, a row check failed, a required row missing."""
    rows = group_items(value)
    problems = []
    for index, row in enumerate(rows):
        key = row_key(table, row)
        name = key_label(table, key) if key is not None else texts.ROW_NUMBER.format(n=index + 1)
        if key is None:
            keys = [c.label for c in table.questions if c.id in table.key]
            problems.append(texts.KEY_MISSING.format(row=name, columns=", ".join(keys)))
            continue
        empty = [c.label for c in table.columns if c.required and row.get(c.id) is None]
        if empty:
            problems.append(texts.VALUES_MISSING.format(row=name, columns=", ".join(empty)))
        twin = duplicate_of(table, rows, index)
        if twin is not None and twin < index:
            problems.append(texts.DUPLICATE.format(row=name))
        problems += [
            texts.ROW_PROBLEM.format(row=name, problem=p) for p in row_problems(table, row)
        ]
    missing = missing_rows(table, rows)
    if missing:
        names = "; ".join(key_label(table, key) for key in missing)
        problems.append(texts.REQUIRED_MISSING.format(rows=names))
    return problems
