"""What the models refuse (``core.forms.models``), said in the methodist's words in the cell the
value came from: ``At`` is a place (a question's row on «Вопросы», or the row of «Варианты» or
«Таблицы» a value came from, and a column), ``field_message`` words a field's error,
``translate`` a validator's message (matched by pattern, each with its place).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from core.forms.workbook import layout
from core.forms.workbook.layout import OPTIONS, ORDER_COLUMNS, QUESTIONS, TABLES, O, Q, Rule, T
from core.forms.workbook.rows import Problems, ReadQuestion
from texts import form_workbook as texts


@dataclass(frozen=True)
class At:
    """Where a problem of a question goes: its row on «Вопросы», or a row of «Варианты» or
    «Таблицы» it came from, and a column."""

    question: ReadQuestion
    problems: Problems
    sheet: str = QUESTIONS.title
    row: int | None = None
    column: str | None = None

    def add(self, message: str) -> None:
        self.question.row.failed = True
        row = self.question.row.line if self.row is None else self.row
        self.problems.add(self.sheet, row, self.column, message)

    def col(self, key: str) -> "At":
        return At(self.question, self.problems, QUESTIONS.title, None, QUESTIONS.header(key))

    def option_at(self, index: int) -> "At":
        options = self.question.options
        if options is None or index >= len(options.options):
            return self.col(Q.OPTIONS)
        row = options.options[index].row.line
        return At(self.question, self.problems, OPTIONS.title, row, self.column)

    def option(self, option_id: str, key: str) -> "At":
        options = self.question.options
        found = (
            None
            if options is None
            else next(
                (option for option in options.options if option.raw.get("id") == option_id), None
            )
        )
        if found is None:
            return self.col(Q.OPTIONS)
        return At(self.question, self.problems, OPTIONS.title, found.row.line, OPTIONS.header(key))

    def option_column(self, key: str) -> "At":
        if self.sheet != OPTIONS.title:
            return self.col(Q.OPTIONS)
        return At(self.question, self.problems, self.sheet, self.row, OPTIONS.header(key))

    def sub(self, sub_id: str, key: str) -> "At":
        found = self.question.sub(sub_id)
        if found is None:
            return self.col(Q.TYPE)
        return At(found, self.problems).col(key)

    def rule(self, kinds: tuple[Rule, ...], key: str, index: int = 0) -> "At":
        found = [rule for rule in self.question.rules if rule.rule in kinds]
        if not found:
            return self.col(Q.TYPE)
        rule = found[min(index, len(found) - 1)]
        return At(self.question, self.problems, TABLES.title, rule.row.line, TABLES.header(key))

    def rule_where(self, kinds: tuple[Rule, ...], key: str, test: Callable[[Any], bool]) -> "At":
        for index, rule in enumerate(r for r in self.question.rules if r.rule in kinds):
            if test(rule.raw):
                return self.rule(kinds, key, index)
        return self.rule(kinds, key)

    def at_loc(self, loc: list[Any]) -> "At":
        """The cell a field's location names."""
        if not loc:
            return self.col(Q.TYPE)
        head = loc[0]
        if head == "options" and len(loc) >= 2 and isinstance(loc[1], int):
            at = self.option_at(loc[1])
            option_key = layout.OPTION_COLUMNS.get(str(loc[2])) if len(loc) >= 3 else None
            return at.option_column(option_key) if option_key is not None else at
        if head == "order":
            order_key = ORDER_COLUMNS.get(str(loc[1])) if len(loc) >= 2 else None
            return self.col(order_key or Q.FINDING)
        rules = {
            "row_checks": (Rule.SUM,),
            "required_rows": (Rule.REQUIRED_ROW,),
            "thresholds": (Rule.AT_LEAST, Rule.AT_MOST),
            "key": (Rule.KEY,),
        }
        if head in rules:
            index = loc[1] if len(loc) >= 2 and isinstance(loc[1], int) else 0
            name = str(loc[2]) if len(loc) >= 3 else ""
            fields = {"message": T.TEXT, "label": T.TEXT, "at_most": T.VALUE, "at_least": T.VALUE}
            return self.rule(rules[head], fields.get(name, T.COLUMNS), index)
        return self.col(layout.FIELD_COLUMNS.get(str(head), Q.TYPE))


def field_message(issue: Any) -> str:
    kind = issue["type"]
    context = issue.get("ctx") or {}
    value = issue.get("input")
    if kind in ("missing", "string_too_short") or (kind == "too_short" and not value):
        return texts.EMPTY
    if kind == "string_too_long":
        length = len(value) if isinstance(value, str) else 0
        return texts.TOO_LONG.format(limit=context.get("max_length"), length=length)
    if kind == "string_pattern_mismatch":
        return texts.BAD_ID.format(value=value)
    if kind == "too_short":
        return texts.TOO_SHORT_LIST.format(limit=context.get("min_length"))
    if kind == "too_long":
        return texts.TOO_MANY.format(limit=context.get("max_length"))
    if kind == "greater_than_equal":
        return texts.AT_LEAST.format(limit=context.get("ge"))
    return texts.INVALID.format(detail=issue.get("msg", ""))


def profile_message(message: str) -> str:
    patterns = (
        (r"profile: axis '([^']*)' is not a question", texts.PROFILE_AXIS_UNKNOWN),
        (r"profile: axis '([^']*)' is \w+: a percent", texts.PROFILE_AXIS_NOT_PERCENT),
        (r"profile: axis '([^']*)' with `of`", texts.PROFILE_AXIS_NOT_COUNT),
        (r"profile: axis '([^']*)' is a share", texts.PROFILE_AXIS_NOT_COUNT),
    )
    for pattern, words in patterns:
        match = re.match(pattern, message)
        if match:
            return words.format(id=match.group(1))
    if message.startswith(("profile: an axis is given twice", "profile: two axes")):
        return texts.PROFILE_TWICE
    return texts.INVALID.format(detail=message)


_Handler = Callable[[re.Match[str], At], None]


def _say(where: Callable[[re.Match[str], At], At], words: str) -> _Handler:
    def handle(match: re.Match[str], at: At) -> None:
        where(match, at).add(words.format(**match.groupdict()))

    return handle


def _column(key: str) -> Callable[[re.Match[str], At], At]:
    return lambda match, at: at.col(key)


_KEY_RULE = (Rule.KEY,)
# The models' messages (``core.forms.models``), each with where it goes and what it says.
_TRANSLATIONS: list[tuple[str, _Handler]] = [
    (
        r"option (?P<id>\w+): an option's order wording takes no placeholder",
        _say(lambda m, at: at.option_column(O.FINDING), texts.OPTION_PLACEHOLDER),
    ),
    (
        r"option (?P<id>\w+): button is empty",
        _say(lambda m, at: at.option_column(O.BUTTON), texts.BUTTON_EMPTY),
    ),
    (
        r"option (?P<id>\w+): button .* is (?P<length>\d+) characters",
        _say(lambda m, at: at.option_column(O.BUTTON), texts.BUTTON_TOO_LONG),
    ),
    (
        r"option (?P<id>\w+): label is (?P<length>\d+) characters",
        _say(lambda m, at: at.option_column(O.BUTTON), texts.LABEL_NEEDS_BUTTON),
    ),
    (
        r"options (?P<first>\w+) and (?P<second>\w+) have the same button '(?P<button>.*)'",
        _say(lambda m, at: at.option(m["second"], O.BUTTON), texts.SAME_BUTTON),
    ),
    (r"a choice question needs", _say(_column(Q.OPTIONS), texts.NEEDS_OPTIONS)),
    (r"options and other are only", _say(_column(Q.OPTIONS), texts.OPTIONS_NOT_FOR_TYPE)),
    (r"min \(.*\) is greater than max", _say(_column(Q.MIN), texts.MIN_OVER_MAX)),
    (r"min_selected is greater", _say(_column(Q.MIN), texts.MIN_OVER_MAX)),
    (r"min_date is after", _say(_column(Q.MIN), texts.MIN_OVER_MAX)),
    (r"min_length is greater", _say(_column(Q.MIN), texts.MIN_OVER_MAX)),
    (
        r"max_selected is more than",
        _say(_column(Q.MAX), texts.SELECTED_OVER_OPTIONS.replace("{which}", texts.MAX_WORD)),
    ),
    (
        r"min_selected is more than",
        _say(_column(Q.MIN), texts.SELECTED_OVER_OPTIONS.replace("{which}", texts.MIN_WORD)),
    ),
    (r"a group needs sub-questions", _say(_column(Q.TYPE), texts.GROUP_EMPTY)),
    (r"groups cannot be nested", _say(_column(Q.GROUP), texts.NESTED_GROUP)),
    (r"only a group has sub-questions", _say(_column(Q.GROUP), texts.ONLY_GROUPS_HAVE_QUESTIONS)),
    (r"key, row_checks, required_rows", _say(_column(Q.TYPE), texts.RULES_ONLY_FOR_TABLES)),
    (r"cross-field checks compare numbers", _say(_column(Q.CHECKS), texts.CHECK_THIS_NOT_NUMBER)),
    (r"table \w+: key names the columns", _say(_column(Q.TYPE), texts.TABLE_NO_KEY)),
    (
        r"table \w+: key column '(?P<id>\w*)' must be",
        _say(lambda m, at: at.rule(_KEY_RULE, T.COLUMNS), texts.KEY_NOT_CHOICE),
    ),
    (
        r"table \w+: a key column is named twice",
        _say(lambda m, at: at.rule(_KEY_RULE, T.COLUMNS), texts.KEY_TWICE),
    ),
    (
        r"table \w+: column (?P<id>\w+) cannot be conditional",
        _say(lambda m, at: at.sub(m["id"], Q.SHOW_IF), texts.TABLE_COLUMN_CONDITION),
    ),
    (
        r"table \w+: column (?P<id>\w+) must be a number",
        _say(lambda m, at: at.sub(m["id"], Q.TYPE), texts.TABLE_COLUMN_NOT_NUMBER),
    ),
    (
        r"table \w+: row check sums",
        _say(lambda m, at: at.rule((Rule.SUM,), T.COLUMNS), texts.SUM_NOT_NUMBERS),
    ),
    (
        r"table \w+: a required row gives every key column",
        _say(lambda m, at: at.rule((Rule.REQUIRED_ROW,), T.COLUMNS), texts.REQUIRED_ROW_KEYS),
    ),
    (
        r"table \w+: required row names '(?P<value>.*)', not an option of (?P<column>\w+)",
        _say(
            lambda m, at: at.rule_where(
                (Rule.REQUIRED_ROW,), T.VALUE, lambda raw: m["value"] in raw.values()
            ),
            texts.REQUIRED_ROW_OPTION,
        ),
    ),
    (
        r"table \w+: a required row is given twice",
        _say(lambda m, at: at.rule((Rule.REQUIRED_ROW,), T.VALUE, 1), texts.REQUIRED_ROW_TWICE),
    ),
    (
        r"table \w+: threshold on '(?P<id>.*)', not a number column",
        _say(
            lambda m, at: at.rule_where(
                (Rule.AT_LEAST, Rule.AT_MOST), T.COLUMNS, lambda raw: raw.get("column") == m["id"]
            ),
            texts.THRESHOLD_NOT_NUMBER,
        ),
    ),
    (r"an omitted question has no order", _say(_column(Q.OMIT), texts.OMITTED_WORDED)),
    (r"an omitted question's options", _say(_column(Q.OMIT), texts.OMITTED_WORDED)),
    (r"order\.finding: the only placeholder", _say(_column(Q.FINDING), texts.FINDING_PLACEHOLDER)),
    (
        r"order\.(?P<name>finding_no|instruction|finding_other) takes no placeholder",
        lambda m, at: at.col(ORDER_COLUMNS[m["name"]]).add(texts.NO_PLACEHOLDER),
    ),
    (r"order\.finding_no is for", _say(_column(Q.FINDING_NO), texts.FINDING_NO_NOT_YES_NO)),
    (r"order\.instruction is for", _say(_column(Q.INSTRUCTION), texts.INSTRUCTION_NOT_YES_NO)),
    (
        r"order\.none_option names '(?P<value>.*)', not an option",
        _say(_column(Q.NONE_OPTION), texts.NONE_OPTION_UNKNOWN),
    ),
    (
        r"order\.finding_other is for",
        _say(_column(Q.FINDING_OTHER), texts.FINDING_OTHER_NEEDS_OTHER),
    ),
    (r"\{value\} is for a date", _say(_column(Q.FINDING), texts.VALUE_NOT_FOR_CHOICE)),
    (r"the finding of an answer to type needs", _say(_column(Q.FINDING), texts.VALUE_NEEDED)),
    (r"option ids must be unique", _say(_column(Q.OPTIONS), texts.OPTION_IDS_TWICE)),
]
_COMPILED = [(re.compile(pattern, re.DOTALL), handler) for pattern, handler in _TRANSLATIONS]


def translate(message: str, at: At) -> None:
    """The model's message said in Russian, where it belongs."""
    for pattern, handler in _COMPILED:
        match = pattern.search(message)
        if match is not None:
            handler(match, at)
            return
    at.col(Q.TYPE).add(texts.INVALID.format(detail=message))
