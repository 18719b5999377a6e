"""Reading a table question's rows back from a spreadsheet, cell by cell, all or nothing.

A filled template (or any sheet with the table's column titles) becomes the table's value,
``{"items": rows, "done": True}``, or the list of what is wrong with it, every problem with its
cell: "C7: число должно быть не больше 100.", "A9: «Матем» — такого нет в столбце «Предмет»",
"A8–B8: эта строка уже есть (строка 5)". The cells are read as the chat reads typed answers:

- the header row is found by its titles: case, spaces, ``ё``, quotes, "%", commas and dots do
  not matter, and a column's question text or short name works as well as the template's title;
- a key cell names an option by its label ("Математика"); a grade also as "5", "5 кл.",
  "5 класс" (the number of exactly one option);
- a number goes through the chat's parser (``core.forms.parsing``): "12,5", "12.5 %", the same
  bounds and the same messages;
- a row without numbers is no row (a prefilled key the school left empty); "-" is no number;
  a formula without a computed value is no empty cell but a problem ("C7: формула без значения
  — впишите число"); a percent-formatted cell reads as the percent it shows (0,3 as 30 %);
- then the table's rules (``core.forms.tables``): one row per key, the row checks, the required
  rows, at most ``max_items`` rows.

The methodist's bulk load (``core.tables.bulk``) reads its rows with the same functions.
"""

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from core.forms.inputs import Accepted, Text
from core.forms.models import Question, QuestionType
from core.forms.parsing import parse
from core.forms.tables import key_label as key_words
from core.forms.tables import missing_rows, row_key, row_problems, table_problems
from exports.sheets import RawTable
from texts import table_files as texts
from texts import tables as table_texts

# What a cell without a value holds: nothing, or a dash ("-" is how published tables say
# "no data").
NO_VALUE = frozenset({"", "-", "–", "—"})
# Table columns are numbers and choices: the parser never reads this date.
_NO_DATES = date(2000, 1, 1)
_QUOTES = str.maketrans({char: " " for char in "«»\"'“”„"})
_DASHES = str.maketrans({"–": "-", "—": "-", "−": "-"})
_HEADER_NOISE = re.compile(r"[%,.:;()]")
_GRADE = re.compile(r"^(\d{1,2})\s*(?:-?(?:й|ый|ой|го|х))?\s*(?:кл(?:асс(?:а|ы|ов)?)?)?\.?$")


def fold(text: str) -> str:
    """What two spellings of one name have in common: lower case, ``е`` for ``ё``, no quotes,
    one kind of dash, single spaces."""
    return " ".join(text.translate(_QUOTES).translate(_DASHES).lower().replace("ё", "е").split())


def header_name(text: str) -> str:
    """A column title as compared: folded, without "%", commas, dots, colons and brackets."""
    return " ".join(_HEADER_NOISE.sub(" ", fold(text)).split())


def column_title(column: Question) -> str:
    """A column's title in a template: a key column's name ("Предмет"), a value column's
    short name with its unit ("«2», %")."""
    percent = column.type is QuestionType.PERCENT
    unit = "%" if percent else (column.unit or "").split("|")[-1]
    return f"{column.label}, {unit}" if unit else column.label


def column_names(column: Question) -> frozenset[str]:
    """Every title a header cell may give this column."""
    titles = (column_title(column), column.text, column.label)
    return frozenset(name for name in map(header_name, titles) if name)


def grade_number(text: str) -> int | None:
    """The grade a cell or a label names: "5", "5 кл.", "5 класс", "5-й класс" → 5."""
    match = _GRADE.match(fold(text))
    return None if match is None else int(match.group(1))


def option_named(column: Question, text: str) -> str | None:
    """The option a cell names: by its label (or button), folded; a grade by its number when
    exactly one option has it."""
    wanted = fold(text).rstrip(".")
    for option in column.options:
        if wanted in (fold(option.label).rstrip("."), fold(option.button_text).rstrip(".")):
            return option.id
    return _by_number(column, text)


def _by_number(column: Question, text: str) -> str | None:
    number = grade_number(text)
    if number is None:
        return None
    found = [option.id for option in column.options if grade_number(option.label) == number]
    return found[0] if len(found) == 1 else None


def option_abbreviated(column: Question, token: str) -> str | None:
    """The option a heading's word stands for ("МА" → Математика, "РУ" → Русский язык, "5" →
    5 класс): a grade by its number; a word of two or more letters that begins exactly one
    option's label, or is the initials of its words."""
    if grade_number(token) is not None:
        return _by_number(column, token)
    short = fold(token)
    if len(short) < 2 or not short.isalpha():
        return None
    found = [
        option.id
        for option in column.options
        if fold(option.label).startswith(short)
        or "".join(word[0] for word in fold(option.label).split()) == short
    ]
    return found[0] if len(found) == 1 else None


def _fits(token: str, word: str) -> bool:
    """A heading's word abbreviates a title's word: its beginning ("выс" — "высоких"), its
    beginning and end around a hyphen ("рез-тов" — "результатов"), or a number as is."""
    if token.isdigit() or word.isdigit():
        return token == word
    head, hyphen, tail = token.partition("-")
    if hyphen and head and tail and word != token:
        return word.startswith(head) and word.endswith(tail) and len(word) > len(head + tail)
    return word.startswith(token)


def column_abbreviated(columns: Sequence[Question], title: str) -> Question | None:
    """The value column a subtitle names ("% 2" → «2», "% Выс. рез-тов" → «4–5»): by one of its
    titles, else every word of it abbreviating a word of one column's titles; None unless
    exactly one column fits."""
    name = header_name(title)
    if not name:
        return None
    exact = [column for column in columns if name in column_names(column)]
    if len(exact) == 1:
        return exact[0]
    tokens = name.split()
    fitting = []
    for column in columns:
        words = {word for title_ in column_names(column) for word in title_.split()}
        words |= {part for word in words for part in word.split("-") if part}
        if all(any(_fits(token, word) for word in words) for token in tokens):
            fitting.append(column)
    return fitting[0] if len(fitting) == 1 else None


def column_letter(index: int) -> str:
    """Excel's name of the column ``index`` (0-based): A, B, … Z, AA, …"""
    letters = ""
    number = index + 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def quoted(name: str) -> str:
    """ "«Предмет»"; quotes inside a name become the inner ones: "«„2“, %»"."""
    return texts.COLUMN_NAME.format(name=name.replace("«", "„").replace("»", "“"))


def lower_first(text: str) -> str:
    """A sentence's first letter in lower case, to follow a colon ("СОШ № 5: не хватает …");
    an abbreviation ("ВПР …") stays as it is."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def school_problem(school: str, problem: str) -> str:
    """ "СОШ № 5: не хватает строк …": a problem of one school's table."""
    return texts.SCHOOL_PROBLEM.format(school=school, problem=lower_first(problem))


LAST = 1 << 30  # a problem of a whole table comes after those of cells


@dataclass(frozen=True, slots=True)
class Problem:
    """A problem in words, and where it is (sheet, row, column): problems are listed in the
    order of the cells, those of a whole table last."""

    text: str
    place: tuple[int, int, int] = (LAST, LAST, LAST)


def in_order(problems: Sequence[Problem]) -> list[str]:
    """The problems' words, cell by cell through the file (a stable sort: the order found)."""
    return [problem.text for problem in sorted(problems, key=lambda problem: problem.place)]


@dataclass(frozen=True, slots=True)
class Grid:
    """One sheet's cells as the messages name them: "C7", or "«Лист2» C7" in a workbook of
    several sheets."""

    raw: RawTable
    named: bool = False  # prefix the sheet's name
    number: int = 0  # the sheet's place in the workbook

    def text(self, row: int, column: int) -> str:
        cells = self.raw.rows[row]
        return cells[column].strip() if 0 <= column < len(cells) else ""

    def formula(self, row: int, column: int) -> bool:
        """The cell holds a formula without a computed value (its text is "")."""
        return (row, column) in self.raw.uncomputed

    def blank(self, row: int, columns: Iterable[int]) -> bool:
        """No value in any of the cells: empty, a dash, and no formula either."""
        return all(self.text(row, at) in NO_VALUE and not self.formula(row, at) for at in columns)

    def missing(self, row: int, column: int) -> str:
        """Why an empty cell is wrong: a formula without a value, or nothing in it."""
        return texts.FORMULA_NO_VALUE if self.formula(row, column) else texts.EMPTY_CELL

    def line(self, row: int) -> int:
        """The spreadsheet row number of ``rows[row]``."""
        return self.raw.first_row + row

    def cell(self, row: int, column: int) -> str:
        address = f"{column_letter(column)}{self.line(row)}"
        return (
            texts.SHEET_CELL.format(sheet=self.raw.source, cell=address) if self.named else address
        )

    def span(self, row: int, columns: Sequence[int]) -> str:
        """Cells of one row: "C7", "A8–B8" (adjacent), "C7, E7"."""
        ordered = sorted(set(columns))
        if len(ordered) == 1:
            return self.cell(row, ordered[0])
        if ordered[-1] - ordered[0] == len(ordered) - 1:
            first = self.cell(row, ordered[0])
            return f"{first}–{column_letter(ordered[-1])}{self.line(row)}"
        return ", ".join(self.cell(row, column) for column in ordered)

    def problem(self, row: int, columns: Sequence[int], problem: str) -> Problem:
        text = texts.CELL_PROBLEM.format(cell=self.span(row, columns), problem=problem)
        return Problem(text, (self.number, row, min(columns)))


def grids(tables: Sequence[RawTable]) -> list[Grid]:
    named = len(tables) > 1
    return [Grid(raw, named, number) for number, raw in enumerate(tables)]


@dataclass(frozen=True, slots=True)
class Placed:
    """A row read from a sheet, and where its cells are (for the messages)."""

    row: dict[str, Any]
    grid: Grid
    index: int  # into the sheet's rows
    columns: Mapping[str, int]  # value column id -> its column
    key_columns: tuple[int, ...]  # the cells that name the row's key

    @property
    def line(self) -> int:
        return self.grid.line(self.index)


def read_values(
    table: Question, grid: Grid, index: int, columns: Mapping[str, int], row: dict[str, Any]
) -> list[Problem]:
    """The value cells of row ``index`` parsed into ``row`` as the chat parses typed numbers;
    what is wrong, by cell."""
    problems: list[Problem] = []
    for column in table.columns:
        at = columns[column.id]
        text = grid.text(index, at)
        if grid.formula(index, at):
            problems.append(grid.problem(index, [at], texts.FORMULA_NO_VALUE))
            continue
        if text in NO_VALUE:
            if column.required:
                problems.append(grid.problem(index, [at], texts.EMPTY_CELL))
            else:
                row[column.id] = None
            continue
        outcome = parse(column, Text(text), today=_NO_DATES, answers=row)
        if isinstance(outcome, Accepted):
            row[column.id] = outcome.value
        else:
            problems.append(grid.problem(index, [at], lower_first(outcome.message)))
    return problems


def read_keyed_row(
    table: Question, grid: Grid, index: int, columns: Mapping[str, int]
) -> tuple[Placed | None, list[Problem]]:
    """Row ``index`` of a sheet whose key columns are cells too (a template, a bulk load by
    rows): the row, or None when it gives no numbers; and what is wrong, by cell."""
    if grid.blank(index, [columns[column.id] for column in table.columns]):
        return None, []
    row: dict[str, Any] = {}
    problems: list[Problem] = []
    for name in table.key:
        key_column = next(sub for sub in table.questions if sub.id == name)
        at = columns[name]
        text = grid.text(index, at)
        if not text:
            problems.append(grid.problem(index, [at], grid.missing(index, at)))
            continue
        option = option_named(key_column, text)
        if option is None:
            unknown = texts.UNKNOWN_OPTION.format(value=text, column=key_column.label)
            problems.append(grid.problem(index, [at], unknown))
        else:
            row[name] = {"selected": option, "other": None}
    problems += read_values(table, grid, index, columns, row)
    if problems:
        return None, problems
    keys = tuple(columns[name] for name in table.key)
    return Placed(ordered_row(table, row), grid, index, columns, keys), []


def ordered_row(table: Question, row: Mapping[str, Any]) -> dict[str, Any]:
    """The row's answers in the table's column order (as the chat stores them)."""
    return {sub.id: row[sub.id] for sub in table.questions if sub.id in row}


def check_rows(table: Question, placed: Sequence[Placed], *, owner: str = "") -> list[Problem]:
    """The table's rules over rows read from cells: a key given twice (named by the later
    row's key cells, with the first one's row), the row checks (by their cells), the required
    rows, the number of rows; then anything else the chat's rules find. A problem of the whole
    table names its ``owner`` (a school of a bulk load) when given."""
    problems: list[Problem] = []
    whole: list[str] = []
    first: dict[tuple[str, ...], Placed] = {}
    for one in placed:
        key = row_key(table, one.row)
        if key is None:
            continue
        if key in first:
            duplicate = texts.DUPLICATE_ROW.format(line=first[key].line)
            problems.append(one.grid.problem(one.index, one.key_columns, duplicate))
            continue
        first[key] = one
        found = row_problems(table, one.row)
        for check in table.row_checks:
            if check.message in found:
                cells = [one.columns[name] for name in check.sum]
                problems.append(one.grid.problem(one.index, cells, check.message))
    rows = [one.row for one in placed]
    missing = missing_rows(table, rows)
    if missing:
        names = "; ".join(key_words(table, key) for key in missing)
        whole.append(table_texts.REQUIRED_MISSING.format(rows=names))
    if len(rows) > table.max_items:
        whole.append(texts.TOO_MANY_ROWS.format(count=len(rows), limit=table.max_items))
    if not problems and not whole:
        whole = table_problems(table, table_value(rows))
    if owner:
        whole = [school_problem(owner, problem) for problem in whole]
    return problems + [Problem(text) for text in whole]


def table_value(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """A table's stored value: its rows, finished (as "Готово" leaves a group)."""
    return {"items": list(rows), "done": True}


@dataclass(frozen=True, slots=True)
class Layout:
    """Where a table's columns are on a sheet: the header row and each column's place."""

    grid: Grid
    header: int  # index of the header row
    columns: dict[str, int]  # sub-question id -> column index


def needed_titles(table: Question) -> str:
    return ", ".join(quoted(column_title(sub)) for sub in table.questions)


def find_columns(table: Question, cells: Sequence[str]) -> dict[str, int]:
    """The table's columns found among a row's cells, by their titles (the first of each)."""
    names = [header_name(cell) for cell in cells]
    found: dict[str, int] = {}
    for sub in table.questions:
        wanted = column_names(sub)
        at = next((index for index, name in enumerate(names) if name in wanted), None)
        if at is not None:
            found[sub.id] = at
    return found


def find_layout(table: Question, sheets: Sequence[Grid]) -> Layout | str:
    """The first row (of the first sheet) that titles every column of the table; else what is
    missing from the row that comes closest, or that there is no header at all."""
    best: tuple[int, Grid, int, dict[str, int]] | None = None
    for grid in sheets:
        for index, cells in enumerate(grid.raw.rows):
            found = find_columns(table, cells)
            if len(found) == len(table.questions):
                return Layout(grid, index, found)
            keys_found = sum(name in found for name in table.key)
            if keys_found and (best is None or len(found) > best[0]):
                best = (len(found), grid, index, found)
    if best is None:
        return texts.NO_HEADER.format(columns=needed_titles(table))
    _, grid, index, found = best
    missing = ", ".join(quoted(column_title(sub)) for sub in table.questions if sub.id not in found)
    return texts.MISSING_COLUMNS.format(line=grid.line(index), columns=missing)


@dataclass(frozen=True, slots=True)
class TableRead:
    """A filled table read: its value, or (then ``value`` is None) every problem."""

    value: dict[str, Any] | None
    problems: list[str]


def read_filled(table: Question, tables: Sequence[RawTable]) -> TableRead:
    """A filled template of ``table`` (any sheet titling its columns), all or nothing."""
    layout = find_layout(table, grids(tables))
    if isinstance(layout, str):
        return TableRead(None, [layout])
    placed: list[Placed] = []
    problems: list[Problem] = []
    for index in range(layout.header + 1, len(layout.grid.raw.rows)):
        one, wrong = read_keyed_row(table, layout.grid, index, layout.columns)
        problems += wrong
        if one is not None:
            placed.append(one)
    if not placed and not problems:
        return TableRead(None, [texts.NO_ROWS])
    problems += check_rows(table, placed)
    if problems:
        return TableRead(None, in_order(problems))
    return TableRead(table_value([one.row for one in placed]), [])
