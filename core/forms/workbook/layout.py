"""The layout of a questionnaire as a workbook: its sheets, their columns, what each one means.

One source for the writer (the headers, widths, drop-down lists), the reader (which header is
which column, the limits) and the workbook's own "Как заполнять" sheet (each column's meaning
and an example). The words are in ``texts.form_workbook``.

Sheets, in the spirit of XLSForm (ODK, KoBoToolbox):

- «Настройки»: ``параметр | значение | пояснение`` — the form's id, version, title, short title,
  description, source, and its profile (a title and a row per axis).
- «Вопросы»: a row per question, a row per sub-question of a group or table (its ``группа``
  names the group) right after its group, and a row of type «раздел» before each section.
- «Варианты»: ``список | код | вариант | кнопка | вывод | поручение`` — the options of the
  questions, by list; a choice question names its list in ``варианты``.
- «Таблицы»: ``таблица | правило | столбцы | значение | текст`` — a table's key, row checks
  (a sum at most N), required rows and thresholds.
- «Как заполнять»: this layout in words; never read back.
"""

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from core.forms.models import QuestionType
from texts import form_workbook as texts


class Q(StrEnum):
    """The columns of «Вопросы», by the question field each one gives."""

    GROUP = "group"
    ID = "id"
    TYPE = "type"
    TEXT = "text"
    HINT = "hint"
    REQUIRED = "required"
    SHOW_IF = "show_if"
    CHECKS = "checks"
    OPTIONS = "options"
    OTHER = "other"
    MIN = "min"  # min, min_date, min_length or min_selected, by type
    MAX = "max"  # max, max_date, max_length, max_selected or max_items, by type
    UNIT = "unit"  # a number's unit, a group's item_name
    MARKS = "marks"  # not_in_future, several, summed
    SHORT = "short"
    TOPIC = "topic"
    FINDING = "finding"
    FINDING_NO = "finding_no"
    FINDING_OTHER = "finding_other"
    INSTRUCTION = "instruction"
    PER_SCHOOL = "per_school"
    NONE_OPTION = "none_option"
    OMIT = "omit"


class O(StrEnum):  # noqa: E742 — the columns of «Варианты», as Q is of «Вопросы»
    LIST = "list"
    ID = "id"
    LABEL = "label"
    BUTTON = "button"
    FINDING = "finding"
    INSTRUCTION = "instruction"


class T(StrEnum):
    """The columns of «Таблицы»."""

    TABLE = "table"
    RULE = "rule"
    COLUMNS = "columns"
    VALUE = "value"
    TEXT = "text"


class S(StrEnum):
    """The columns of «Настройки»."""

    PARAMETER = "parameter"
    VALUE = "value"
    EXPLANATION = "explanation"


class Setting(StrEnum):
    """The parameters of «Настройки», by the form field each one gives."""

    ID = "id"
    VERSION = "version"
    TITLE = "title"
    SHORT_TITLE = "short_title"
    DESCRIPTION = "description"
    SOURCE = "source"
    PROFILE = "profile"
    AXIS = "axis"


class Rule(StrEnum):
    KEY = "key"
    SUM = "row_check"
    REQUIRED_ROW = "required_row"
    AT_LEAST = "at_least"
    AT_MOST = "at_most"


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    key: str
    header: str
    meaning: str
    example: str
    width: int
    choices: tuple[str, ...] = ()
    required: bool = False  # a sheet without this column is refused


@dataclass(frozen=True, slots=True)
class SheetSpec:
    title: str
    columns: tuple[ColumnSpec, ...]
    max_rows: int  # data rows at most (under the header)

    def column(self, key: str) -> ColumnSpec:
        return next(column for column in self.columns if column.key == key)

    def header(self, key: str) -> str:
        return self.column(key).header


def _column(
    key: str,
    words: tuple[str, str, str],
    width: int,
    *,
    choices: tuple[str, ...] = (),
    required: bool = False,
) -> ColumnSpec:
    header, meaning, example = words
    return ColumnSpec(key, header, meaning, example, width, choices, required)


SECTION: Final = "section"  # the «тип» of a section's row
TYPE_NAMES: dict[str, str] = {SECTION: texts.SECTION_TYPE, **texts.TYPE_NAMES}
YES_NO = (texts.YES, texts.NO)

# The limits of an uploaded form: a file this size is read in milliseconds, and no form
# within them can make a keyboard, a message or the export unusable.
MAX_FILE_MB = 2
MAX_QUESTIONS = 500  # question rows, sub-questions included
MAX_SECTIONS = 50
MAX_OPTIONS = 2_000  # rows of «Варианты»
MAX_LIST_OPTIONS = 50  # options of one question: buttons a phone shows
MAX_TABLE_RULES = 200
MAX_SETTINGS = 40
MAX_SUBS = 30  # sub-questions of a group
MAX_ITEMS = 200  # items of a group, rows of a table
MAX_LENGTH = 3_000  # the longest text answer a form may ask for
MAX_CONDITIONS = 10
MAX_CHECKS = 5
MAX_CELL = 2_000  # characters of any cell
# Lengths the model leaves open, bounded here: (field, limit).
MAX_HINT = 1_000
MAX_SECTION_TITLE = 200
MAX_DESCRIPTION = 2_000
MAX_SOURCE = 500
MAX_UNIT = 60
MAX_MESSAGE = 300
MAX_LIST_NAME = 60

QUESTIONS = SheetSpec(
    texts.QUESTIONS_SHEET,
    (
        _column(Q.GROUP, texts.COLUMN_GROUP, 10),
        _column(Q.ID, texts.COLUMN_ID, 16, required=True),
        _column(Q.TYPE, texts.COLUMN_TYPE, 20, choices=tuple(TYPE_NAMES.values()), required=True),
        _column(Q.TEXT, texts.COLUMN_TEXT, 42, required=True),
        _column(Q.HINT, texts.COLUMN_HINT, 30),
        _column(Q.REQUIRED, texts.COLUMN_REQUIRED, 14, choices=YES_NO),
        _column(Q.SHOW_IF, texts.COLUMN_SHOW_IF, 20),
        _column(Q.CHECKS, texts.COLUMN_CHECKS, 24),
        _column(Q.OPTIONS, texts.COLUMN_OPTIONS, 14),
        _column(Q.OTHER, texts.COLUMN_OTHER, 8, choices=YES_NO),
        _column(Q.MIN, texts.COLUMN_MIN, 10),
        _column(Q.MAX, texts.COLUMN_MAX, 10),
        _column(Q.UNIT, texts.COLUMN_UNIT, 12),
        _column(Q.MARKS, texts.COLUMN_MARKS, 14),
        _column(Q.SHORT, texts.COLUMN_SHORT, 8),
        _column(Q.TOPIC, texts.COLUMN_TOPIC, 24),
        _column(Q.FINDING, texts.COLUMN_FINDING, 34),
        _column(Q.FINDING_NO, texts.COLUMN_FINDING_NO, 20),
        _column(Q.FINDING_OTHER, texts.COLUMN_FINDING_OTHER, 20),
        _column(Q.INSTRUCTION, texts.COLUMN_INSTRUCTION, 30),
        _column(Q.PER_SCHOOL, texts.COLUMN_PER_SCHOOL, 9, choices=YES_NO),
        _column(Q.NONE_OPTION, texts.COLUMN_NONE_OPTION, 12),
        _column(Q.OMIT, texts.COLUMN_OMIT, 14, choices=YES_NO),
    ),
    max_rows=MAX_QUESTIONS + MAX_SECTIONS,
)
OPTIONS = SheetSpec(
    texts.OPTIONS_SHEET,
    (
        _column(O.LIST, texts.COLUMN_LIST, 18, required=True),
        _column(O.ID, texts.COLUMN_OPTION_ID, 18, required=True),
        _column(O.LABEL, texts.COLUMN_LABEL, 40, required=True),
        _column(O.BUTTON, texts.COLUMN_BUTTON, 24),
        _column(O.FINDING, texts.COLUMN_OPTION_FINDING, 40),
        _column(O.INSTRUCTION, texts.COLUMN_OPTION_INSTRUCTION, 40),
    ),
    max_rows=MAX_OPTIONS,
)
RULE_NAMES: dict[Rule, str] = {
    Rule.KEY: texts.RULE_KEY,
    Rule.SUM: texts.RULE_SUM,
    Rule.REQUIRED_ROW: texts.RULE_REQUIRED_ROW,
    Rule.AT_LEAST: texts.RULE_AT_LEAST,
    Rule.AT_MOST: texts.RULE_AT_MOST,
}
TABLES = SheetSpec(
    texts.TABLES_SHEET,
    (
        _column(T.TABLE, texts.COLUMN_TABLE, 16, required=True),
        _column(T.RULE, texts.COLUMN_RULE, 20, choices=tuple(RULE_NAMES.values()), required=True),
        _column(T.COLUMNS, texts.COLUMN_COLUMNS, 24, required=True),
        _column(T.VALUE, texts.COLUMN_RULE_VALUE, 16),
        _column(T.TEXT, texts.COLUMN_RULE_TEXT, 40),
    ),
    max_rows=MAX_TABLE_RULES,
)
SETTINGS = SheetSpec(
    texts.SETTINGS_SHEET,
    (
        _column(S.PARAMETER, texts.COLUMN_PARAMETER, 20, required=True),
        _column(S.VALUE, texts.COLUMN_VALUE, 60, required=True),
        _column(S.EXPLANATION, texts.COLUMN_EXPLANATION, 50),
    ),
    max_rows=MAX_SETTINGS,
)
SETTING_NAMES: dict[Setting, str] = {
    Setting.ID: texts.SETTING_ID,
    Setting.VERSION: texts.SETTING_VERSION,
    Setting.TITLE: texts.SETTING_TITLE,
    Setting.SHORT_TITLE: texts.SETTING_SHORT_TITLE,
    Setting.DESCRIPTION: texts.SETTING_DESCRIPTION,
    Setting.SOURCE: texts.SETTING_SOURCE,
    Setting.PROFILE: texts.SETTING_PROFILE,
    Setting.AXIS: texts.SETTING_AXIS,
}
REQUIRED_SETTINGS = (Setting.ID, Setting.VERSION, Setting.TITLE, Setting.SHORT_TITLE)
# The sheets the reader reads, in the order its problems are listed.
READ_SHEETS = (SETTINGS, QUESTIONS, OPTIONS, TABLES)

# What «мин.» and «макс.» mean, by type: the question fields they give.
NUMBER_BOUNDS = ("min", "max")
DATE_BOUNDS = ("min_date", "max_date")
LENGTH_BOUNDS = ("min_length", "max_length")
SELECTED_BOUNDS = ("min_selected", "max_selected")
BOUNDS: dict[QuestionType, tuple[str | None, str | None]] = {
    QuestionType.INTEGER: NUMBER_BOUNDS,
    QuestionType.DECIMAL: NUMBER_BOUNDS,
    QuestionType.PERCENT: NUMBER_BOUNDS,
    QuestionType.DATE: DATE_BOUNDS,
    QuestionType.TEXT: LENGTH_BOUNDS,
    QuestionType.LONG_TEXT: LENGTH_BOUNDS,
    QuestionType.MULTI: SELECTED_BOUNDS,
    QuestionType.GROUP: (None, "max_items"),
    QuestionType.TABLE: (None, "max_items"),
}
# The question field each column gives, where it is one field (for the reader's messages).
FIELD_COLUMNS: dict[str, Q] = {
    "id": Q.ID,
    "type": Q.TYPE,
    "text": Q.TEXT,
    "hint": Q.HINT,
    "required": Q.REQUIRED,
    "show_if": Q.SHOW_IF,
    "checks": Q.CHECKS,
    "options": Q.OPTIONS,
    "other": Q.OTHER,
    "min": Q.MIN,
    "min_date": Q.MIN,
    "min_length": Q.MIN,
    "min_selected": Q.MIN,
    "max": Q.MAX,
    "max_date": Q.MAX,
    "max_length": Q.MAX,
    "max_selected": Q.MAX,
    "max_items": Q.MAX,
    "unit": Q.UNIT,
    "item_name": Q.UNIT,
    "summed": Q.MARKS,
    "not_in_future": Q.MARKS,
    "several": Q.MARKS,
    "short": Q.SHORT,
    "questions": Q.GROUP,
    "key": Q.TYPE,
    "row_checks": Q.TYPE,
    "required_rows": Q.TYPE,
    "thresholds": Q.TYPE,
}
ORDER_COLUMNS: dict[str, Q] = {
    "topic": Q.TOPIC,
    "finding": Q.FINDING,
    "finding_no": Q.FINDING_NO,
    "finding_other": Q.FINDING_OTHER,
    "instruction": Q.INSTRUCTION,
    "per_school": Q.PER_SCHOOL,
    "none_option": Q.NONE_OPTION,
    "omit": Q.OMIT,
}
OPTION_COLUMNS: dict[str, O] = {
    "id": O.ID,
    "label": O.LABEL,
    "button": O.BUTTON,
    "finding": O.FINDING,
    "instruction": O.INSTRUCTION,
}
MARKS: dict[str, str] = {
    "not_in_future": texts.MARK_NOT_IN_FUTURE,
    "several": texts.MARK_SEVERAL,
    "summed": texts.MARK_SUMMED,
    "not_summed": texts.MARK_NOT_SUMMED,
}
MARK_TYPES: dict[str, frozenset[QuestionType]] = {
    "not_in_future": frozenset({QuestionType.DATE}),
    "several": frozenset({QuestionType.URL}),
    "summed": frozenset({QuestionType.INTEGER, QuestionType.DECIMAL, QuestionType.PERCENT}),
    "not_summed": frozenset({QuestionType.INTEGER, QuestionType.DECIMAL, QuestionType.PERCENT}),
}

_FOLD = str.maketrans({char: "" for char in "«»\"'“”„.:*"})


def fold(text: str) -> str:
    """A header, a parameter, a type or a word as compared: lower case, ``е`` for ``ё``, no
    quotes, dots, colons or asterisks, single spaces."""
    return " ".join(text.replace("ё", "е").replace("Ё", "Е").translate(_FOLD).lower().split())


def type_named(text: str) -> str | None:
    """The type (or ``SECTION``) a «тип» cell names: by its Russian name or the engine's."""
    wanted = fold(text)
    for code, name in TYPE_NAMES.items():
        if wanted in (fold(name), fold(code)):
            return code
    return None


def guide_rows() -> tuple[list[list[str]], set[int]]:
    """The rows of the «Как заполнять» sheet (Лист, Столбец, Что писать, Пример) and the
    indexes of its headings."""
    rows: list[list[str]] = [[texts.GUIDE_INTRO, "", "", ""]]
    headings = {0}
    rows.append([texts.GUIDE_SHEETS_HEADING, "", "", ""])
    headings.add(len(rows) - 1)
    for sheet in (SETTINGS, QUESTIONS, OPTIONS, TABLES):
        for column in sheet.columns:
            rows.append([sheet.title, column.header, column.meaning, column.example])
        if sheet is SETTINGS:
            for name in SETTING_NAMES.values():
                meaning, example = texts.SETTINGS_MEANINGS[name]
                rows.append([sheet.title, name, meaning, example])
    rows.append([texts.GUIDE_TYPES_HEADING, "", "", ""])
    headings.add(len(rows) - 1)
    for code, name in TYPE_NAMES.items():
        rows.append([QUESTIONS.title, name, texts.TYPE_ANSWERS[code], ""])
    rows.append([texts.GUIDE_CONDITIONS_HEADING, "", "", ""])
    headings.add(len(rows) - 1)
    for syntax, meaning, example in texts.GUIDE_CONDITIONS:
        rows.append([QUESTIONS.title, syntax, meaning, example])
    rows.append([texts.GUIDE_CONDITIONS_NOTE, "", "", ""])
    headings.add(len(rows) - 1)
    rows.append([texts.GUIDE_ORDER_HEADING, "", "", ""])
    headings.add(len(rows) - 1)
    rows.append([texts.GUIDE_ORDER, "", "", ""])
    headings.add(len(rows) - 1)
    return rows, headings
