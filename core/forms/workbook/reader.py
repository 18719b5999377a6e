"""An uploaded form workbook read back into a ``FormDefinition``, all or nothing.

``read_form_workbook(content)`` gives a ``FormReading``: the definition, or every problem found,
each with its sheet, row and column and a Russian message ("Вопросы, строка 7, столбец «тип»:
неизвестный тип «число» …"); any problem means no definition.

Safety comes first: the file is bounded before it is parsed (``exports.cells``: its size, the
unpacked sizes, rows and columns of each sheet), formulas are never evaluated (a formula cell is
a problem, "формулы не допускаются"), every cell and every text the model leaves unbounded has a
limit here (``layout``: questions, options, lengths), and the reader never raises on what a file
holds.

Then what a methodist can get wrong is said in their words, in the cell it is in: the sheets'
headers, the cells' kinds (yes/no, numbers, dates), unknown types, ids given twice, groups,
option lists and tables that are not there, conditions and checks naming questions that are not
above; and what the pydantic models refuse (``core.forms.models``) is mapped back from the
error's location to the row and column the value came from, its message translated.
"""

import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from core.forms.models import (
    CHOICE_TYPES,
    NUMBER_TYPES,
    REPEAT_TYPES,
    FormDefinition,
    Question,
    QuestionType,
)
from core.forms.workbook import layout
from core.forms.workbook.layout import (
    BOUNDS,
    MARK_TYPES,
    MARKS,
    OPTIONS,
    ORDER_COLUMNS,
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
    fold,
    type_named,
)
from core.forms.workbook.messages import At, field_message, profile_message, translate
from core.forms.workbook.rows import (
    OptionList,
    Problem,
    Problems,
    ReadOption,
    ReadQuestion,
    ReadRule,
    ReadSection,
    ReadSetting,
    Row,
    read_number,
    read_yes_no,
    sheet_rows,
    short,
    split_list,
)
from exports.cells import CellLimits, CellSheet, CellsRefused, read_cells
from texts import form_workbook as texts

__all__ = ["FormReading", "Problem", "read_form_workbook"]

LIMITS = CellLimits(
    file_bytes=layout.MAX_FILE_MB * 1024 * 1024,
    rows=layout.MAX_OPTIONS + 100,
    columns=40,
)
_ANSWERED = re.compile(r"(not\s+)?answered\s*\(\s*([^()\s]+)\s*\)", re.IGNORECASE)
_LIST_TEST = re.compile(r"(\S+)\s+(in|includes)\s+(.+)", re.IGNORECASE | re.DOTALL)
_EQUALS = re.compile(r"([^=\s]+)\s*=\s*(.+)", re.DOTALL)
_CHECK = re.compile(r"(>=|<=|≥|≤|=>|=<)\s*([^\s:]+)\s*:\s*(.+)", re.DOTALL)
_COMPARISONS = {">=": ">=", "≥": ">=", "=>": ">=", "<=": "<=", "≤": "<=", "=<": "<="}
_AXIS = re.compile(r"([^\s/:]+)\s*(?:/\s*([^\s/:]+)\s*)?:\s*(.+)", re.DOTALL)


@dataclass(frozen=True, slots=True)
class FormReading:
    definition: FormDefinition | None
    problems: list[Problem]
    # The «Настройки» row of each setting read (``Setting`` value → row), for what a caller
    # finds wrong later (a form code taken by another form).
    setting_rows: dict[str, int] = field(default_factory=dict)

    def setting_problem(self, setting: Setting, message: str) -> Problem:
        """A problem with a setting's value, in its row (the sheet's, if it has none)."""
        row = self.setting_rows.get(setting.value)
        column = None if row is None else SETTINGS.header(S.VALUE)
        return Problem(SETTINGS.title, row, column, message)

    @property
    def report(self) -> str:
        """The problems, one a line."""
        return "\n".join(map(str, self.problems))


def read_form_workbook(content: bytes) -> FormReading:
    """The form a workbook describes, or every problem with it (then no form)."""
    try:
        sheets = read_cells(content, LIMITS)
    except CellsRefused as refused:
        return FormReading(None, [_refusal(refused)])
    reading = _Reader(sheets)
    definition = reading.read()
    problems = reading.problems.listed()
    rows = {setting.value: found.row.line for setting, found in reading.settings.items()}
    return FormReading(None if problems else definition, problems, rows)


def _refusal(refused: CellsRefused) -> Problem:
    messages = {
        "too_large": texts.FILE_TOO_LARGE.format(limit=layout.MAX_FILE_MB),
        "unreadable": texts.FILE_UNREADABLE,
        "too_many_sheets": texts.FILE_TOO_MANY_SHEETS,
        "too_many_rows": texts.SHEET_TOO_MANY_ROWS.format(limit=LIMITS.rows),
        "too_many_columns": texts.SHEET_TOO_MANY_COLUMNS.format(limit=LIMITS.columns),
        "too_many_cells": texts.SHEET_TOO_MANY_CELLS,
    }
    return Problem(refused.sheet, None, None, messages[refused.kind])


class _Reader:
    def __init__(self, sheets: list[CellSheet]) -> None:
        self.problems = Problems()
        found = {fold(sheet.title): sheet for sheet in sheets}
        self.sheets = {spec.title: found.get(fold(spec.title)) for spec in layout.READ_SHEETS}
        self.settings: dict[Setting, ReadSetting] = {}
        self.axes: list[ReadSetting] = []
        self.lists: dict[str, OptionList] = {}
        self.sections: list[ReadSection] = []
        self.top: dict[str, ReadQuestion] = {}  # top-level questions by id
        self.ordered: list[ReadQuestion] = []  # every question row, in order

    def read(self) -> FormDefinition | None:
        for spec in (SETTINGS, QUESTIONS):
            if self.sheets[spec.title] is None:
                self.problems.add(spec.title, None, None, texts.NO_SHEET.format(sheet=spec.title))
        self._read_settings()
        self._read_options()
        self._read_questions()
        self._read_tables()
        self._read_references()
        self._validate_questions()
        settings = self._validate_settings()
        if self.problems:
            return None
        return self._validate_form(settings)

    # --- Настройки ---

    def _read_settings(self) -> None:
        names = {fold(name): setting for setting, name in SETTING_NAMES.items()}
        names.update({fold(setting.value): setting for setting in Setting})
        for row in sheet_rows(self.sheets[SETTINGS.title], SETTINGS, self.problems):
            name = row.text(S.PARAMETER)
            if name is None:
                if row.filled(S.VALUE):
                    row.problem(S.PARAMETER, texts.EMPTY)
                continue
            setting = names.get(fold(name))
            if setting is None:
                row.problem(S.PARAMETER, texts.UNKNOWN_SETTING.format(name=short(name)))
                continue
            if setting is Setting.AXIS:
                self.axes.append(ReadSetting(row, self._axis(row)))
                continue
            if setting in self.settings:
                first = self.settings[setting].row.line
                row.problem(S.PARAMETER, texts.DUPLICATE_SETTING.format(name=name, row=first))
                continue
            self.settings[setting] = ReadSetting(row, self._setting_value(setting, row))
        if self._lacks(SETTINGS, S.PARAMETER) or self._lacks(SETTINGS, S.VALUE):
            return
        for setting in layout.REQUIRED_SETTINGS:
            if setting not in self.settings:
                name = SETTING_NAMES[setting]
                self.problems.add(
                    SETTINGS.title, None, None, texts.MISSING_SETTING.format(name=name)
                )

    def _lacks(self, spec: SheetSpec, key: str) -> bool:
        """The sheet, or its column, is not there (and that is said once, already)."""
        missing = (spec.title, spec.header(key)) in self.problems.missing
        return self.sheets[spec.title] is None or missing

    def _setting_value(self, setting: Setting, row: Row) -> Any:
        limits = {Setting.DESCRIPTION: layout.MAX_DESCRIPTION, Setting.SOURCE: layout.MAX_SOURCE}
        if row.failed:  # (its cell was refused: said already)
            return None
        if setting is Setting.VERSION:
            value = row.cells.get(S.VALUE)
            number = None if value is None else read_number(value)
            if number is None or not number.is_integer() or not 1 <= number < 1e9:
                row.problem(S.VALUE, texts.BAD_VERSION.format(value=short(value)))
                return 1
            return int(number)
        return row.text(S.VALUE, limits.get(setting)) or ""

    def _axis(self, row: Row) -> dict[str, Any] | None:
        text = row.text(S.VALUE) or ""
        match = _AXIS.fullmatch(text)
        if match is None:
            row.problem(S.VALUE, texts.BAD_AXIS.format(value=short(text)))
            return None
        question, base, label = match.groups()
        return {"question": question, "of": base, "label": label.strip()}

    # --- Варианты ---

    def _read_options(self) -> None:
        for row in sheet_rows(self.sheets[OPTIONS.title], OPTIONS, self.problems):
            name = row.text(O.LIST)
            if name is None:
                row.problem(O.LIST, texts.EMPTY)
                continue
            if len(name) > layout.MAX_LIST_NAME or re.search("[,;]", name):
                row.problem(O.LIST, texts.BAD_LIST_NAME)
                continue
            options = self.lists.setdefault(fold(name), OptionList(name))
            raw = {
                field_name: row.text(key)
                for field_name, key in layout.OPTION_COLUMNS.items()
                if row.filled(key)
            }
            option_id = raw.get("id")
            twin = next((o for o in options.options if o.raw.get("id") == option_id), None)
            if option_id is not None and twin is not None:
                row.problem(
                    O.ID,
                    texts.DUPLICATE_OPTION.format(id=option_id, name=name, row=twin.row.line),
                )
            options.options.append(ReadOption(row, {k: v for k, v in raw.items() if v is not None}))

    # --- Вопросы ---

    def _read_questions(self) -> None:
        rows = sheet_rows(self.sheets[QUESTIONS.title], QUESTIONS, self.problems)
        section: ReadSection | None = None
        asked = 0
        for row in rows:
            kind_text = row.text(Q.TYPE)
            kind = None if kind_text is None else type_named(kind_text)
            if kind == SECTION:
                section = self._section(row)
                continue
            asked += 1
            if kind_text is None:
                row.problem(Q.TYPE, texts.EMPTY)
            elif kind is None:
                row.problem(Q.TYPE, texts.UNKNOWN_TYPE.format(value=short(kind_text)))
            if section is None:
                row.problem(Q.TYPE, texts.NO_SECTION)
                section = ReadSection(None, "")
                self.sections.append(section)
            question = ReadQuestion(
                row, None if kind is None else QuestionType(kind), row.text(Q.ID)
            )
            self._place(question, section)
        if asked > layout.MAX_QUESTIONS:
            self.problems.add(
                QUESTIONS.title,
                None,
                None,
                texts.TOO_MANY_QUESTIONS.format(limit=layout.MAX_QUESTIONS),
            )
        if len(self.sections) > layout.MAX_SECTIONS:
            self.problems.add(
                QUESTIONS.title,
                None,
                None,
                texts.TOO_MANY_SECTIONS.format(limit=layout.MAX_SECTIONS),
            )
        for found in self.sections:
            if not found.questions and found.row is not None:
                found.row.problem(Q.TEXT, texts.EMPTY_SECTION)
        for question in self.ordered:
            question.raw = self._question_fields(question)

    def _section(self, row: Row) -> ReadSection:
        others = [key for key in row.cells if key not in (Q.TYPE, Q.TEXT)]
        if others:
            row.problem(others[0], texts.SECTION_WITH_FIELDS)
        title = row.text(Q.TEXT, layout.MAX_SECTION_TITLE)
        if title is None and not row.failed:
            row.problem(Q.TEXT, texts.EMPTY)
        section = ReadSection(row, title or "")
        self.sections.append(section)
        return section

    def _place(self, question: ReadQuestion, section: ReadSection) -> None:
        row = question.row
        self.ordered.append(question)
        group_id = row.text(Q.GROUP)
        if group_id is None:
            if question.id is not None:
                first = self.top.get(question.id)
                if first is not None:
                    row.problem(Q.ID, texts.DUPLICATE_ID.format(id=question.id, row=first.row.line))
                else:
                    self.top[question.id] = question
            section.questions.append(question)
            return
        group = self.top.get(group_id)
        if group is None:
            row.problem(Q.GROUP, texts.UNKNOWN_GROUP.format(id=short(group_id)))
        elif group.kind is not None and group.kind not in REPEAT_TYPES:
            row.problem(Q.GROUP, texts.NOT_A_GROUP.format(id=group_id))
        elif question.kind in REPEAT_TYPES:
            row.problem(Q.GROUP, texts.NESTED_GROUP)
        elif len(group.subs) >= layout.MAX_SUBS:
            row.problem(Q.GROUP, texts.TOO_MANY_SUBS.format(limit=layout.MAX_SUBS))
        else:
            twin = None if question.id is None else group.sub(question.id)
            if twin is not None:
                row.problem(Q.ID, texts.DUPLICATE_ID.format(id=question.id, row=twin.row.line))
            question.group = group
            group.subs.append(question)

    def _question_fields(self, question: ReadQuestion) -> dict[str, Any]:
        row, kind = question.row, question.kind
        raw: dict[str, Any] = {}
        if question.id is not None:
            raw["id"] = question.id
        if kind is not None:
            raw["type"] = kind.value
        for name, key, limit in (
            ("text", Q.TEXT, None),
            ("hint", Q.HINT, layout.MAX_HINT),
            ("short", Q.SHORT, None),
        ):
            value = row.text(key, limit)
            if value is not None:
                raw[name] = value
        raw["required"] = row.yes_no(Q.REQUIRED, True)
        if row.yes_no(Q.OTHER, False):
            raw["other"] = True
        list_name = row.text(Q.OPTIONS)
        if list_name is not None:
            found = self.lists.get(fold(list_name))
            if found is None and self.sheets[OPTIONS.title] is None:
                self.problems.add(
                    OPTIONS.title, None, None, texts.NO_SHEET.format(sheet=OPTIONS.title)
                )
                row.fail()
            elif found is None and self._lacks(OPTIONS, O.LIST):
                row.fail()
            elif found is None:
                row.problem(Q.OPTIONS, texts.UNKNOWN_LIST.format(name=short(list_name)))
            elif len(found.options) > layout.MAX_LIST_OPTIONS:
                row.problem(
                    Q.OPTIONS,
                    texts.LIST_TOO_LONG.format(name=list_name, limit=layout.MAX_LIST_OPTIONS),
                )
            else:
                question.options = found
                raw["options"] = [dict(option.raw) for option in found.options]
        if kind is not None:
            self._bounds(question, raw)
            self._unit_and_marks(question, raw)
        order = self._order(row)
        if order:
            raw["order"] = order
        return raw

    def _bounds(self, question: ReadQuestion, raw: dict[str, Any]) -> None:
        row, kind = question.row, question.kind
        assert kind is not None
        names = BOUNDS.get(kind, (None, None))
        for key, name in zip((Q.MIN, Q.MAX), names, strict=True):
            if not row.filled(key):
                continue
            if name is None:
                row.problem(key, texts.NOT_FOR_TYPE.format(type=TYPE_NAMES[kind.value]))
                continue
            value: Any
            if name in ("min", "max"):
                value = row.number(key)
            elif name in ("min_date", "max_date"):
                value = row.day(key)
            elif name == "max_items":
                value = row.whole(key, 1, layout.MAX_ITEMS)
            else:  # a length, or how many options to choose
                value = row.whole(key, 1 if name.startswith("max") else 0, layout.MAX_LENGTH)
            if value is not None:
                raw[name] = value

    def _unit_and_marks(self, question: ReadQuestion, raw: dict[str, Any]) -> None:
        row, kind = question.row, question.kind
        assert kind is not None
        unit = row.text(Q.UNIT, layout.MAX_UNIT)
        if unit is not None:
            if kind in REPEAT_TYPES:
                raw["item_name"] = unit
            elif kind in NUMBER_TYPES:
                raw["unit"] = unit
            else:
                row.problem(Q.UNIT, texts.NOT_FOR_TYPE.format(type=TYPE_NAMES[kind.value]))
        marks_text = row.text(Q.MARKS)
        if marks_text is None:
            return
        by_word = {fold(word): mark for mark, word in MARKS.items()}
        given: set[str] = set()
        for word in split_list(marks_text, ",;\n"):
            mark = by_word.get(fold(word))
            if mark is None:
                known = ", ".join(f"«{name}»" for name in MARKS.values())
                row.problem(Q.MARKS, texts.UNKNOWN_MARK.format(value=short(word), known=known))
            elif kind not in MARK_TYPES[mark]:
                row.problem(
                    Q.MARKS,
                    texts.MARK_NOT_FOR_TYPE.format(mark=word, type=TYPE_NAMES[kind.value]),
                )
            else:
                given.add(mark)
        if {"summed", "not_summed"} <= given:
            row.problem(Q.MARKS, texts.BOTH_SUMMED)
        if "not_in_future" in given:
            raw["not_in_future"] = True
        if "several" in given:
            raw["several"] = True
        if "summed" in given:
            raw["summed"] = True
        elif "not_summed" in given:
            raw["summed"] = False

    def _order(self, row: Row) -> dict[str, Any]:
        order: dict[str, Any] = {}
        for name, key in ORDER_COLUMNS.items():
            if name in ("per_school", "omit"):
                if row.yes_no(key, False):
                    order[name] = True
                continue
            value = row.text(key)
            if value is not None:
                order[name] = value
        return order

    # --- Таблицы ---

    def _read_tables(self) -> None:
        if self._lacks(QUESTIONS, Q.ID) or self._lacks(QUESTIONS, Q.TYPE):
            return  # (which tables there are is not known: said as the missing sheet or column)
        names = {fold(name): rule for rule, name in RULE_NAMES.items()}
        keys: dict[str, ReadRule] = {}
        for row in sheet_rows(self.sheets[TABLES.title], TABLES, self.problems):
            table_id = row.text(T.TABLE)
            rule_text = row.text(T.RULE)
            if table_id is None:
                row.problem(T.TABLE, texts.EMPTY)
                continue
            table = self.top.get(table_id)
            if table is None or table.kind is not QuestionType.TABLE:
                row.problem(T.TABLE, texts.UNKNOWN_TABLE.format(id=short(table_id)))
                continue
            rule = None if rule_text is None else names.get(fold(rule_text))
            if rule is None:
                known = ", ".join(f"«{name}»" for name in RULE_NAMES.values())
                message = (
                    texts.EMPTY
                    if rule_text is None
                    else texts.UNKNOWN_RULE.format(value=short(rule_text), known=known)
                )
                row.problem(T.RULE, message)
                continue
            columns = split_list(row.text(T.COLUMNS) or "", ",;")
            if not columns:
                row.problem(T.COLUMNS, texts.EMPTY)
                continue
            for name in columns:
                if table.sub(name) is None:
                    row.problem(
                        T.COLUMNS, texts.UNKNOWN_TABLE_COLUMN.format(table=table_id, id=name)
                    )
            if rule is Rule.KEY and table_id in keys:
                first = keys[table_id].row.line
                row.problem(T.RULE, texts.RULE_TWICE.format(id=table_id, row=first))
                continue
            if rule is Rule.KEY:
                for name in columns:
                    sub = table.sub(name)
                    if sub is not None and (
                        sub.kind is not QuestionType.SINGLE or sub.raw.get("other")
                    ):
                        row.problem(T.COLUMNS, texts.KEY_NOT_CHOICE.format(id=name))
            found = ReadRule(row, rule, self._rule_value(row, rule, columns))
            if rule is Rule.KEY:
                keys[table_id] = found
            table.rules.append(found)
        unread = any(self._lacks(TABLES, key) for key in (T.TABLE, T.RULE, T.COLUMNS))
        for table in self.top.values():
            if table.kind is not QuestionType.TABLE:
                continue
            if unread and self.sheets[TABLES.title] is not None:
                table.row.fail()  # (its rules are not known: the missing column is said)
            self._table_fields(table)

    def _rule_value(self, row: Row, rule: Rule, columns: list[str]) -> Any:
        if rule is Rule.KEY:
            return columns
        if rule is Rule.REQUIRED_ROW:
            text = row.text(T.VALUE) or ""
            options = split_list(text, ",;")
            if len(options) != len(columns):
                row.problem(T.VALUE, texts.BAD_REQUIRED_ROW.format(value=short(text)))
                return {}
            return dict(zip(columns, options, strict=True))
        value = row.number(T.VALUE)
        if value is None and not row.failed:
            row.problem(T.VALUE, texts.EMPTY)
        words = row.text(T.TEXT) or ""
        if rule is Rule.SUM:
            return {"sum": columns, "at_most": value, "message": words}
        bound = "at_least" if rule is Rule.AT_LEAST else "at_most"
        if len(columns) != 1:
            row.problem(
                T.COLUMNS, texts.UNKNOWN_TABLE_COLUMN.format(table="", id=", ".join(columns))
            )
        return {"column": columns[0], bound: value, "label": words}

    def _table_fields(self, table: ReadQuestion) -> None:
        raw = table.raw
        for rule in table.rules:
            if rule.rule is Rule.KEY:
                raw["key"] = rule.raw
            else:
                name = {
                    Rule.SUM: "row_checks",
                    Rule.REQUIRED_ROW: "required_rows",
                    Rule.AT_LEAST: "thresholds",
                    Rule.AT_MOST: "thresholds",
                }[rule.rule]
                raw.setdefault(name, []).append(rule.raw)

    # --- conditions and checks ---

    def _read_references(self) -> None:
        earlier: dict[str, ReadQuestion] = {}
        for question in self.ordered:
            scope = earlier if question.group is None else self._earlier_subs(question)
            text = question.row.text(Q.SHOW_IF)
            if text is not None:
                conditions = [
                    self._condition(question, part, scope) for part in split_list(text, ";\n")
                ]
                if len(conditions) > layout.MAX_CONDITIONS:
                    question.row.problem(
                        Q.SHOW_IF, texts.TOO_MANY.format(limit=layout.MAX_CONDITIONS)
                    )
                question.raw["show_if"] = [found for found in conditions if found is not None]
            text = question.row.text(Q.CHECKS)
            if text is not None:
                checks = [self._check(question, line, scope) for line in split_list(text, "\n")]
                if len(checks) > layout.MAX_CHECKS:
                    question.row.problem(Q.CHECKS, texts.TOO_MANY.format(limit=layout.MAX_CHECKS))
                question.raw["checks"] = [found for found in checks if found is not None]
            if question.group is None and question.id is not None:
                earlier.setdefault(question.id, question)

    def _earlier_subs(self, question: ReadQuestion) -> dict[str, ReadQuestion]:
        assert question.group is not None
        subs = question.group.subs
        index = next((at for at, sub in enumerate(subs) if sub is question), len(subs))
        return {sub.id: sub for sub in subs[:index] if sub.id is not None}

    def _target(
        self, question: ReadQuestion, name: str, scope: dict[str, ReadQuestion], key: str, what: str
    ) -> ReadQuestion | None:
        row = question.row
        target = scope.get(name)
        if target is not None:
            return target
        if self._lacks(QUESTIONS, Q.ID):
            row.fail()
        elif name == question.id:
            row.problem(key, texts.CONDITION_SELF)
        elif question.group is not None:
            row.problem(key, texts.CONDITION_OUTSIDE_GROUP.format(id=name))
        elif any(other.id == name for other in self.ordered):
            row.problem(
                key,
                (texts.CONDITION_LATER if what == "condition" else texts.CHECK_UNKNOWN).format(
                    id=name
                ),
            )
        else:
            row.problem(
                key,
                (texts.CONDITION_UNKNOWN if what == "condition" else texts.CHECK_UNKNOWN).format(
                    id=name
                ),
            )
        return None

    def _condition(
        self, question: ReadQuestion, text: str, scope: dict[str, ReadQuestion]
    ) -> dict[str, Any] | None:
        row = question.row
        answered = _ANSWERED.fullmatch(text)
        listed = None if answered else _LIST_TEST.fullmatch(text)
        equals = None if answered or listed else _EQUALS.fullmatch(text)
        if answered:
            name = answered.group(2)
        elif listed:
            name = listed.group(1)
        elif equals:
            name = equals.group(1)
        else:
            row.problem(Q.SHOW_IF, texts.BAD_CONDITION.format(value=short(text)))
            return None
        target = self._target(question, name, scope, Q.SHOW_IF, "condition")
        if target is None:
            return None
        if target.kind in REPEAT_TYPES:
            row.problem(Q.SHOW_IF, texts.CONDITION_REPEAT.format(id=name))
            return None
        if answered:
            return {"question": name, "answered": answered.group(1) is None}
        if listed:
            operator = listed.group(2).lower()
            if operator == "includes":
                if target.kind not in (QuestionType.MULTI, QuestionType.GRADES, None):
                    row.problem(Q.SHOW_IF, texts.CONDITION_NOT_MULTI)
                    return None
                value = self._condition_value(question, target, listed.group(3).strip())
                return None if value is None else {"question": name, "includes": value}
            values = [
                self._condition_value(question, target, part)
                for part in split_list(listed.group(3), ",")
            ]
            if any(value is None for value in values) or not values:
                if not values:
                    row.problem(Q.SHOW_IF, texts.BAD_CONDITION.format(value=short(text)))
                return None
            return {"question": name, "one_of": values}
        assert equals is not None
        value = self._condition_value(question, target, equals.group(2).strip())
        return None if value is None else {"question": name, "equals": value}

    def _condition_value(self, question: ReadQuestion, target: ReadQuestion, text: str) -> Any:
        row, kind = question.row, target.kind
        if kind is QuestionType.YES_NO:
            answer = read_yes_no(text)
            if answer is None:
                row.problem(
                    Q.SHOW_IF, texts.CONDITION_NOT_YES_NO.format(value=short(text), id=target.id)
                )
            return answer
        if kind in CHOICE_TYPES:
            ids = (
                None if self._lacks(OPTIONS, O.ID) or target.options is None else target.options.ids
            )
            if ids is not None and text != "other" and text not in ids:
                row.problem(
                    Q.SHOW_IF, texts.CONDITION_NO_OPTION.format(id=target.id, value=short(text))
                )
                return None
            return text
        if kind is QuestionType.GRADES:
            number = read_number(text)
            if number is None or not number.is_integer() or not 1 <= number <= 11:
                row.problem(Q.SHOW_IF, texts.CONDITION_NOT_GRADE.format(value=short(text)))
                return None
            return int(number)
        if kind in NUMBER_TYPES:
            number = read_number(text)
            if number is None:
                row.problem(Q.SHOW_IF, texts.NOT_NUMBER.format(value=short(text)))
                return None
            return int(number) if kind is QuestionType.INTEGER and number.is_integer() else number
        return text

    def _check(
        self, question: ReadQuestion, text: str, scope: dict[str, ReadQuestion]
    ) -> dict[str, Any] | None:
        row = question.row
        match = _CHECK.fullmatch(text)
        if match is None:
            row.problem(Q.CHECKS, texts.BAD_CHECK.format(value=short(text)))
            return None
        comparison, name, message = match.groups()
        message = message.strip()
        if len(message) > layout.MAX_MESSAGE:
            row.problem(
                Q.CHECKS, texts.TOO_LONG.format(limit=layout.MAX_MESSAGE, length=len(message))
            )
            return None
        target = self._target(question, name, scope, Q.CHECKS, "check")
        if target is None:
            return None
        if target.kind is not None and target.kind not in NUMBER_TYPES:
            row.problem(Q.CHECKS, texts.CHECK_NOT_NUMBER.format(id=name))
            return None
        if question.kind is not None and question.kind not in NUMBER_TYPES:
            row.problem(Q.CHECKS, texts.CHECK_THIS_NOT_NUMBER)
            return None
        return {"compare": _COMPARISONS[comparison], "question": name, "message": message}

    # --- the models ---

    def _validate_questions(self) -> None:
        """Each top-level question (with its sub-questions) whose cells read well, through the
        model; what it refuses reported where it came from."""
        for section in self.sections:
            for question in section.questions:
                if question.failed:
                    continue
                try:
                    Question.model_validate(self._full_raw(question))
                except ValidationError as error:
                    for issue in error.errors():
                        self._report(issue, question)

    def _full_raw(self, question: ReadQuestion) -> dict[str, Any]:
        raw = dict(question.raw)
        if question.subs:
            raw["questions"] = [self._full_raw(sub) for sub in question.subs]
        return raw

    def _report(self, issue: Any, question: ReadQuestion) -> None:
        loc = list(issue["loc"])
        while len(loc) >= 2 and loc[0] == "questions" and isinstance(loc[1], int):
            if loc[1] >= len(question.subs):
                break
            question = question.subs[loc[1]]
            loc = loc[2:]
        at = At(question, self.problems)
        if issue["type"] == "value_error":
            message = str(issue["msg"]).removeprefix("Value error, ")
            if loc and loc[0] == "options" and len(loc) >= 2 and isinstance(loc[1], int):
                at = at.option_at(loc[1])
            translate(message, at)
            return
        at.at_loc(loc).add(field_message(issue))

    def _validate_settings(self) -> dict[str, Any]:
        """The form's own fields, through the model (with a stand-in for its questions); a
        setting whose cell was refused already, or that is missing, has a stand-in too."""
        raw: dict[str, Any] = {
            setting.value: found.value
            for setting, found in self.settings.items()
            if setting is not Setting.PROFILE and not found.row.failed
        }
        stand_ins = {
            Setting.ID: "x",
            Setting.VERSION: 1,
            Setting.TITLE: "-",
            Setting.SHORT_TITLE: "-",
        }
        for setting in layout.REQUIRED_SETTINGS:
            raw.setdefault(setting.value, stand_ins[setting])
        profile = self.settings.get(Setting.PROFILE)
        if (profile is not None and profile.value) or self.axes:
            if profile is None or not profile.value:
                self.axes[0].row.problem(S.PARAMETER, texts.AXES_WITHOUT_PROFILE)
            elif not profile.row.failed and not any(axis.row.failed for axis in self.axes):
                raw["profile"] = {
                    "title": profile.value,
                    "axes": [axis.value for axis in self.axes],
                }
        stand_in = [{"title": "-", "questions": [{"id": "x", "type": "text", "text": "-"}]}]
        try:
            FormDefinition.model_validate({**raw, "sections": stand_in})
        except ValidationError as error:
            for issue in error.errors():
                if issue["loc"]:
                    self._report_setting(issue)
        return raw

    def _report_setting(self, issue: Any) -> None:
        loc = list(issue["loc"])
        name = str(loc[0])
        if name == "profile":
            profile = self.settings[Setting.PROFILE].row
            if len(loc) >= 3 and loc[1] == "axes" and isinstance(loc[2], int):
                row = self.axes[loc[2]].row if loc[2] < len(self.axes) else profile
            else:
                row = profile
            if len(loc) == 2 and loc[1] == "axes":
                row.problem(S.VALUE, texts.AXES_COUNT)
                return
            row.problem(S.VALUE, field_message(issue))
            return
        found = self.settings.get(Setting(name)) if name in {s.value for s in Setting} else None
        if found is None:  # (a setting that is not there: said already)
            return
        if name == "id" and issue["type"] == "string_pattern_mismatch":
            found.row.problem(S.VALUE, texts.BAD_ID.format(value=found.value))
            return
        found.row.problem(S.VALUE, field_message(issue))

    def _validate_form(self, settings: dict[str, Any]) -> FormDefinition | None:
        sections = [
            {
                "title": section.title,
                "questions": [self._full_raw(question) for question in section.questions],
            }
            for section in self.sections
        ]
        try:
            return FormDefinition.model_validate({**settings, "sections": sections})
        except ValidationError as error:
            for issue in error.errors():
                self._report_form(issue)
        return None

    def _report_form(self, issue: Any) -> None:
        loc = list(issue["loc"])
        if len(loc) >= 4 and loc[0] == "sections" and loc[2] == "questions":
            section = self.sections[int(loc[1])]
            self._report({**issue, "loc": tuple(loc[4:])}, section.questions[int(loc[3])])
            return
        message = str(issue["msg"]).removeprefix("Value error, ")
        mentioned = re.match(r"(?:question|profile: axis) '?([a-z0-9_.]+)", message)
        if message.startswith("profile") and Setting.PROFILE in self.settings:
            at_row = self.settings[Setting.PROFILE].row
            for axis in self.axes:
                if mentioned and axis.value and axis.value.get("question") == mentioned.group(1):
                    at_row = axis.row
            at_row.problem(S.VALUE, profile_message(message))
            return
        question = None
        if mentioned:
            question = self.top.get(mentioned.group(1).split(".")[0])
        if question is not None:
            translate(message, At(question, self.problems))
            return
        self.problems.add(SETTINGS.title, None, None, texts.INVALID.format(detail=message))
