"""A form as a workbook: ``form_workbook(definition)`` lays it out on the sheets of
``core.forms.workbook.layout`` as plain sheet data, and ``exports.workbook`` prints it (a bold,
frozen, filtered header; widths from the layout; drop-down lists of types and yes/no; every
text written as text, never as a formula).

What it writes, ``core.forms.workbook.reader`` reads back into the same definition: the
conditions and checks in the small syntax the "Как заполнять" sheet explains (``held = да``,
``status in a, b``, ``forms includes x``, ``answered(q)``, ``not answered(q)``;
``>= students: сообщение``), the options by list (a question's id names its list; questions
with the same options share one), a table's rules on «Таблицы».
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from core.forms.models import (
    Condition,
    CrossCheck,
    FormDefinition,
    Option,
    Question,
    QuestionType,
)
from core.forms.workbook.example import example_form
from core.forms.workbook.layout import (
    BOUNDS,
    MARKS,
    OPTIONS,
    QUESTIONS,
    RULE_NAMES,
    SECTION,
    SETTING_NAMES,
    SETTINGS,
    TABLES,
    TYPE_NAMES,
    O,
    Q,
    Rule,
    S,
    Setting,
    SheetSpec,
    T,
    guide_rows,
)
from exports.tables import CellValue, Column, Sheet
from exports.workbook import render_workbook
from texts import form_workbook as texts


def form_workbook(definition: FormDefinition) -> bytes:
    """The form as an .xlsx: «Настройки», «Вопросы», «Варианты», «Таблицы», «Как заполнять»."""
    return render_workbook(form_sheets(definition))


def template_workbook() -> bytes:
    """The blank template: the example form (``core.forms.workbook.example``) to start from."""
    return form_workbook(example_form())


def form_sheets(definition: FormDefinition) -> list[Sheet]:
    lists = _option_lists(definition)
    return [
        _settings_sheet(definition),
        _questions_sheet(definition, lists),
        _options_sheet(lists),
        _tables_sheet(definition),
        guide_sheet(),
    ]


# --- sheets ---


def _columns(spec: SheetSpec) -> list[Column]:
    return [
        # (every cell wraps, so that a row's cells all start at its top)
        Column(column.header, width=column.width, wrap=True, choices=column.choices)
        for column in spec.columns
    ]


def _row(spec: SheetSpec, values: dict[str, CellValue]) -> list[CellValue]:
    return [values.get(column.key) for column in spec.columns]


def _settings_sheet(definition: FormDefinition) -> Sheet:
    values: list[tuple[Setting, CellValue]] = [
        (Setting.ID, definition.id),
        (Setting.VERSION, str(definition.version)),
        (Setting.TITLE, definition.title),
        (Setting.SHORT_TITLE, definition.short_title),
        (Setting.DESCRIPTION, definition.description or None),
        (Setting.SOURCE, definition.source or None),
    ]
    profile = definition.profile
    values.append((Setting.PROFILE, None if profile is None else profile.title))
    for axis in [] if profile is None else profile.axes:
        share = f" / {axis.of}" if axis.of else ""
        values.append((Setting.AXIS, f"{axis.question}{share}: {axis.label}"))
    rows = [
        _row(
            SETTINGS,
            {
                S.PARAMETER: SETTING_NAMES[setting],
                S.VALUE: value,
                S.EXPLANATION: texts.SETTINGS_MEANINGS[SETTING_NAMES[setting]][0],
            },
        )
        for setting, value in values
    ]
    return Sheet(SETTINGS.title, _columns(SETTINGS), rows, autofilter=False, ruled=True)


def _questions_sheet(definition: FormDefinition, lists: "_Lists") -> Sheet:
    rows: list[list[CellValue]] = []
    sections: set[int] = set()
    for section in definition.sections:
        sections.add(len(rows))
        rows.append(_row(QUESTIONS, {Q.TYPE: TYPE_NAMES[SECTION], Q.TEXT: section.title}))
        for question in section.questions:
            rows.append(_row(QUESTIONS, _question_values(question, definition, lists)))
            for sub in question.questions:
                values = _question_values(sub, definition, lists, group=question)
                rows.append(_row(QUESTIONS, {Q.GROUP: question.id, **values}))
    return Sheet(
        QUESTIONS.title,
        _columns(QUESTIONS),
        rows,
        frozen_columns=2,
        bold_rows=frozenset(sections),
        ruled=True,
    )


def _options_sheet(lists: "_Lists") -> Sheet:
    rows: list[list[CellValue]] = []
    for name, options in lists.options.items():
        for option in options:
            values: dict[str, CellValue] = {
                O.LIST: name,
                O.ID: option.id,
                O.LABEL: option.label,
                O.BUTTON: option.button,
                O.FINDING: option.finding,
                O.INSTRUCTION: option.instruction,
            }
            rows.append(_row(OPTIONS, values))
    return Sheet(OPTIONS.title, _columns(OPTIONS), rows, ruled=True)


def _tables_sheet(definition: FormDefinition) -> Sheet:
    rows: list[list[CellValue]] = []
    for table in _all_questions(definition):
        if table.type is QuestionType.TABLE:
            rows.extend(_row(TABLES, values) for values in _table_rules(table))
    return Sheet(TABLES.title, _columns(TABLES), rows, ruled=True)


def _table_rules(table: Question) -> Iterator[dict[str, CellValue]]:
    def rule(kind: Rule, columns: str, value: CellValue, text: str | None) -> dict[str, CellValue]:
        return {
            T.TABLE: table.id,
            T.RULE: RULE_NAMES[kind],
            T.COLUMNS: columns,
            T.VALUE: value,
            T.TEXT: text,
        }

    key = ", ".join(table.key)
    yield rule(Rule.KEY, key, None, None)
    for check in table.row_checks:
        yield rule(Rule.SUM, ", ".join(check.sum), _number(check.at_most), check.message)
    for required in table.required_rows:
        yield rule(Rule.REQUIRED_ROW, key, ", ".join(required[name] for name in table.key), None)
    for threshold in table.thresholds:
        if threshold.at_least is not None:
            yield rule(
                Rule.AT_LEAST, threshold.column, _number(threshold.at_least), threshold.label
            )
        if threshold.at_most is not None:
            yield rule(Rule.AT_MOST, threshold.column, _number(threshold.at_most), threshold.label)


def guide_sheet() -> Sheet:
    """«Как заполнять»: every sheet's columns with their meaning and an example, the types, the
    conditions' syntax, the order's wording."""
    rows, headings = guide_rows()
    widths = (14, 22, 70, 34)
    columns = [
        Column(title, width=width, wrap=True)
        for title, width in zip(texts.GUIDE_COLUMNS, widths, strict=True)
    ]
    cells: list[list[CellValue]] = [list(row) for row in rows]
    return Sheet(
        texts.GUIDE_SHEET,
        columns,
        cells,
        spanning_rows=frozenset(headings),
        autofilter=False,
    )


# --- a question's cells ---


def _question_values(
    question: Question,
    definition: FormDefinition,
    lists: "_Lists",
    group: Question | None = None,
) -> dict[str, CellValue]:
    order = question.order
    values: dict[str, CellValue] = {
        Q.ID: question.id,
        Q.TYPE: TYPE_NAMES[question.type.value],
        Q.TEXT: question.text,
        Q.HINT: question.hint,
        Q.REQUIRED: texts.YES if question.required else texts.NO,
        Q.SHOW_IF: "; ".join(condition_text(condition) for condition in question.show_if) or None,
        Q.CHECKS: "\n".join(check_text(check) for check in question.checks) or None,
        Q.OPTIONS: lists.names.get(id(question)),
        Q.OTHER: texts.YES if question.other else None,
        Q.UNIT: question.item_name if question.repeats else question.unit,
        Q.MARKS: ", ".join(_marks(question)) or None,
        Q.SHORT: question.short,
        Q.TOPIC: order.topic,
        Q.FINDING: order.finding,
        Q.FINDING_NO: order.finding_no,
        Q.FINDING_OTHER: order.finding_other,
        Q.INSTRUCTION: order.instruction,
        Q.PER_SCHOOL: texts.YES if order.per_school else None,
        Q.NONE_OPTION: order.none_option,
        Q.OMIT: texts.YES if order.omit else None,
    }
    low, high = BOUNDS.get(question.type, (None, None))
    values[Q.MIN] = _bound(question, low)
    values[Q.MAX] = _bound(question, high)
    return values


def _bound(question: Question, name: str | None) -> CellValue:
    if name is None:
        return None
    value = getattr(question, name)
    defaults = {"min_length": 1, "max_items": 50}
    if value is None or defaults.get(name) == value:
        return None
    if isinstance(value, date):
        return value
    return _number(value)


def _marks(question: Question) -> Iterator[str]:
    if question.not_in_future:
        yield MARKS["not_in_future"]
    if question.several:
        yield MARKS["several"]
    if question.summed is True:
        yield MARKS["summed"]
    elif question.summed is False:
        yield MARKS["not_summed"]


def condition_text(condition: Condition) -> str:
    """``held = да``, ``status in a, b``, ``forms includes x``, ``answered(q)``."""
    name = condition.question
    if condition.answered is not None:
        return f"answered({name})" if condition.answered else f"not answered({name})"
    if condition.one_of is not None:
        return f"{name} in " + ", ".join(_value_text(value) for value in condition.one_of)
    if condition.includes is not None:
        return f"{name} includes {_value_text(condition.includes)}"
    return f"{name} = {_value_text(condition.equals)}"


def check_text(check: CrossCheck) -> str:
    """``<= students: Это больше, чем обучающихся``."""
    return f"{check.compare.value} {check.question}: {check.message}"


def _value_text(value: Any) -> str:
    if isinstance(value, bool):
        return texts.YES if value else texts.NO
    if isinstance(value, float):
        return str(_number(value))
    return str(value)


def _number(value: float) -> int | float:
    """A whole number as an integer (Excel shows "5", not "5.0")."""
    return int(value) if float(value).is_integer() else value


# --- option lists ---


def _all_questions(definition: FormDefinition) -> Iterator[Question]:
    for question in definition.questions:
        yield question
        yield from question.questions


@dataclass(frozen=True)
class _Lists:
    """The option lists of a form: each choice question's list name (by the question's
    ``id()``), and each list's options, in the order they are first used."""

    names: dict[int, str]
    options: dict[str, tuple[Option, ...]]


def _option_lists(definition: FormDefinition) -> _Lists:
    """A list is named by the first question that has it (a sub-question's name prefixed by its
    group's when taken); a question with the same options as an earlier one shares its list."""
    names: dict[int, str] = {}
    lists: dict[str, tuple[Option, ...]] = {}
    by_options: dict[tuple[Option, ...], str] = {}
    for question in definition.questions:
        for asked, group in [(question, None), *((sub, question) for sub in question.questions)]:
            if not asked.options:
                continue
            options = tuple(asked.options)
            name = by_options.get(options)
            if name is None:
                name = _free_name(asked.id, group, lists)
                by_options[options] = name
                lists[name] = options
            names[id(asked)] = name
    return _Lists(names, lists)


def _free_name(name: str, group: Question | None, taken: dict[str, Any]) -> str:
    if name in taken and group is not None:
        name = f"{group.id}.{name}"
    base, number = name, 1
    while name in taken:
        number += 1
        name = f"{base}_{number}"
    return name
