"""One question's stored answer as spreadsheet cells: one column per question, except a multiple
choice (a yes/no column per option, plus the "other" text), a choice with "other" (its text in
a column of its own) and a repeat group (its item count here; the items go to a sheet of their
own, through the same columns for each sub-question)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from core.export import labels
from core.forms.display import grade_ranges
from core.forms.engine import group_items
from core.forms.models import Question, QuestionType
from exports.tables import CellValue, Column, Format

TEXT_WIDTH = 30
NUMBER_WIDTH = 12
CHOICE_WIDTH = 14


@dataclass(frozen=True, slots=True)
class AnswerColumn:
    column: Column
    cell: Callable[[Any], CellValue]  # the stored value (None: no answer) -> the cell


def answer_columns(question: Question, label: str | None = None) -> list[AnswerColumn]:
    title = label or question.text
    kind = question.type
    if kind is QuestionType.MULTI:
        found = [
            AnswerColumn(
                Column(
                    labels.OPTION_COLUMN.format(question=title, option=option.label),
                    width=CHOICE_WIDTH,
                    code=f"{question.id}.{option.id}",
                ),
                _option_cell(option.id),
            )
            for option in question.options
        ]
        if question.other:
            found.append(_other_column(question, title))
        return found
    if kind is QuestionType.SINGLE:
        single = AnswerColumn(
            Column(title, width=TEXT_WIDTH, code=question.id), _single_cell(question)
        )
        return [single, _other_column(question, title)] if question.other else [single]
    if question.repeats:
        return [
            AnswerColumn(
                Column(
                    labels.ITEMS_COLUMN.format(question=title),
                    format=Format.INTEGER,
                    width=NUMBER_WIDTH,
                    code=question.id,
                ),
                lambda value: None if value is None else len(group_items(value)),
            )
        ]
    format_, width = _FORMATS.get(kind, (Format.TEXT, TEXT_WIDTH))
    column = Column(title, format=format_, width=width, code=question.id)
    return [AnswerColumn(column, _CELLS[kind])]


def _option_cell(option_id: str) -> Callable[[Any], CellValue]:
    def cell(value: Any) -> CellValue:
        if not isinstance(value, dict):
            return None
        return labels.YES if option_id in (value.get("selected") or ()) else labels.NO

    return cell


def _single_cell(question: Question) -> Callable[[Any], CellValue]:
    def cell(value: Any) -> CellValue:
        if not isinstance(value, dict) or value.get("selected") is None:
            return None
        chosen = str(value["selected"])
        option = question.option(chosen)
        return option.label if option is not None else labels.OTHER if chosen == "other" else chosen

    return cell


def _other_column(question: Question, title: str) -> AnswerColumn:
    return AnswerColumn(
        Column(
            labels.OTHER_COLUMN.format(question=title),
            width=TEXT_WIDTH,
            code=f"{question.id}.other",
        ),
        other_text,
    )


def other_text(value: Any) -> CellValue:
    if not isinstance(value, dict):
        return None
    text = value.get("other")
    return str(text) if text else None


def _yes_no(value: Any) -> CellValue:
    return None if value is None else labels.YES if value else labels.NO


def _number(value: Any) -> CellValue:
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def _date(value: Any) -> CellValue:
    return date.fromisoformat(value) if isinstance(value, str) else None


def _text(value: Any) -> CellValue:
    return None if value is None else str(value)


def _urls(value: Any) -> CellValue:
    return "\n".join(str(url) for url in value) if isinstance(value, list) else _text(value)


def _grades(value: Any) -> CellValue:
    return grade_ranges([int(grade) for grade in value]) if isinstance(value, list) else None


def _file(value: Any) -> CellValue:
    if not isinstance(value, dict):
        return None
    return labels.FILE_VALUE.format(
        name=value.get("name") or labels.UNNAMED_FILE, code=value.get("file_unique_id") or "—"
    )


_FORMATS = {
    QuestionType.INTEGER: (Format.INTEGER, NUMBER_WIDTH),
    QuestionType.DECIMAL: (Format.NUMBER, NUMBER_WIDTH),
    QuestionType.PERCENT: (Format.NUMBER, NUMBER_WIDTH),
    QuestionType.DATE: (Format.DATE, NUMBER_WIDTH),
    QuestionType.YES_NO: (Format.TEXT, CHOICE_WIDTH),
    QuestionType.GRADES: (Format.TEXT, CHOICE_WIDTH),
    QuestionType.URL: (Format.TEXT, 40),
    QuestionType.LONG_TEXT: (Format.TEXT, 50),
}

_CELLS: dict[QuestionType, Callable[[Any], CellValue]] = {
    QuestionType.YES_NO: _yes_no,
    QuestionType.INTEGER: _number,
    QuestionType.DECIMAL: _number,
    QuestionType.PERCENT: _number,
    QuestionType.DATE: _date,
    QuestionType.TEXT: _text,
    QuestionType.LONG_TEXT: _text,
    QuestionType.URL: _urls,
    QuestionType.GRADES: _grades,
    QuestionType.FILE: _file,
}
