"""Reading a monitoring plan's table (seed 004's schedule) into lines, or every problem in it.

The table has the columns № | Направление | Ответственный | Периодичность и сроки, and two of
the bot's own, optional: Анкета (a form's key or title) and Срок сдачи (the day of the month
the schools hand in by; empty: the month's last day). The header row is found by its names
(any case and spacing, a few synonyms each: ``texts.monitoring_plan``); a table without one —
rows pasted from the middle of a document — is read in that column order.

Below the header each row is one of:

- blank, a repeated header or a row of column numbers ("1 | 2 | 3 | 4"): skipped;
- a **line**: a number ("1", "2.") and its cells; a row without a number that has both a
  direction and a periodicity is a line too (a plan that does not number its lines);
- a **section**: a single title and nothing else, in the number or the direction column
  ("Управленческие механизмы", "Педагоги");
- a **continuation**: no number, and text that goes on from the line above — it starts in
  lower case, or fills only the owner, periodicity, form or day columns ("\t\tобразования\t"):
  a row split by a page break. Each of its cells is appended to the same cell of that line.

Every problem is reported with its row and column (the file's row; the pasted text's line),
and a plan with any problem gives no lines: it is loaded whole or not at all. Forms and owners
are matched later (``core.monitoring_plan.loader``), since that needs the bot's forms and people.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache

from core.plans.cells import clean_cell, is_column_numbers_row, normalize_number
from core.plans.columns import header_key
from core.schedule import AnyRecurrence, PeriodicityError, parse_periodicity
from core.schedule.recurrence import ANY_MONTH_PATTERN
from texts import monitoring_plan as texts

MAX_LINES = 200
MAX_TEXT = {  # the longest cell of each column, after a continuation is joined
    "number": 20,
    "direction": 1000,
    "owners": 1000,
    "periodicity": 300,
    "form": 300,
    "due_day": 50,
}
MAX_SECTION = 300  # monitoring_plan_lines.section
_HEADER_SEARCH = 10  # rows at the top where a header may stand
_NUMBER = re.compile(r"\d{1,3}(?:\.\d{1,3})*")
# "25", "до 25", "25-го", "25 число", "до 25 числа (каждого) месяца": a day of the round's month.
_DUE_DAY = re.compile(
    r"(?:до\s+)?(\d{1,2})(?:\s*-?\s*(?:е|го|ое))?(?:\s+(?:число|числа|числу))?"
    r"(?:\s+(?:каждого\s+|текущего\s+|отчетного\s+)?месяца)?\.?"
)
# A deadline in another month ("до 5 числа месяца, следующего за отчётным", "до 1 июня").
_OTHER_MONTH = re.compile(r"следующ|(?<![а-я])" + ANY_MONTH_PATTERN)
_MONTH_END = re.compile(
    r"(?:до\s+|в\s+)?(?:последн\w* (?:день|число)(?: месяца)?|конец месяца|конца месяца)\.?"
)


class Column(StrEnum):
    NUMBER = "number"
    DIRECTION = "direction"
    OWNERS = "owners"
    PERIODICITY = "periodicity"
    FORM = "form"
    DUE_DAY = "due_day"


TITLES: dict[Column, str] = {
    Column.NUMBER: texts.NUMBER,
    Column.DIRECTION: texts.DIRECTION,
    Column.OWNERS: texts.OWNERS,
    Column.PERIODICITY: texts.PERIODICITY,
    Column.FORM: texts.FORM,
    Column.DUE_DAY: texts.DUE_DAY,
}
HEADERS: dict[Column, tuple[str, ...]] = {
    Column.NUMBER: texts.NUMBER_HEADERS,
    Column.DIRECTION: texts.DIRECTION_HEADERS,
    Column.OWNERS: texts.OWNER_HEADERS,
    Column.PERIODICITY: texts.PERIODICITY_HEADERS,
    Column.FORM: texts.FORM_HEADERS,
    Column.DUE_DAY: texts.DUE_DAY_HEADERS,
}
# Where a continuation may add text without being taken for a section.
_TRAILING = frozenset({Column.OWNERS, Column.PERIODICITY, Column.FORM, Column.DUE_DAY})


@dataclass(frozen=True, slots=True)
class RawRow:
    """A row of the table as text: ``number`` is the file's row (the pasted text's line),
    ``formulas`` the 0-based positions of cells holding a formula (never evaluated)."""

    number: int
    cells: tuple[str, ...]
    formulas: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class Problem:
    row: int | None  # None: the plan as a whole
    column: str  # the column's title as the table writes it; "" for the whole row
    message: str  # Russian, plain text

    def text(self) -> str:
        if self.row is None:
            return texts.PROBLEM_PLAN.format(message=self.message)
        if not self.column:
            return texts.PROBLEM_ROW.format(row=self.row, message=self.message)
        return texts.PROBLEM_AT.format(row=self.row, column=self.column, message=self.message)


@dataclass(frozen=True, slots=True)
class LineDraft:
    """One line of the plan as written, its periodicity read."""

    row: int  # where it starts
    number: str
    section: str
    direction: str
    owners: str
    periodicity: str
    recurrence: AnyRecurrence
    form: str  # as written; "" when none is chosen
    due_day: int | None  # None: the month's last day

    @property
    def key(self) -> str:
        """The direction compared ignoring case, spacing and "ё": a re-uploaded plan's line
        continues the old line with the same key."""
        return direction_key(self.direction)


@dataclass(frozen=True, slots=True)
class PlanReading:
    """The whole plan, or nothing and every problem (``lines`` is None exactly then)."""

    lines: tuple[LineDraft, ...] | None
    problems: tuple[Problem, ...] = ()
    titles: dict[Column, str] = field(default_factory=lambda: dict(TITLES))


def direction_key(text: str) -> str:
    return " ".join(text.replace("ё", "е").replace("Ё", "Е").split()).casefold()


@cache
def _aliases() -> dict[str, Column]:
    return {header_key(title): column for column, titles in HEADERS.items() for title in titles}


def header_columns(cells: Sequence[str]) -> tuple[dict[Column, int], dict[Column, str]] | None:
    positions: dict[Column, int] = {}
    titles: dict[Column, str] = {}
    for index, cell in enumerate(cells):
        column = _aliases().get(header_key(cell)) if cell.strip() else None
        if column is not None and column not in positions:
            positions[column] = index
            titles[column] = clean_cell(cell)
    if Column.DIRECTION in positions and Column.PERIODICITY in positions:
        return positions, titles
    return None


@dataclass(slots=True)
class _Pending:
    row: int
    section: str
    cells: dict[Column, str]
    rows: list[RawRow]


def read_rows(rows: Sequence[RawRow]) -> PlanReading:
    """The plan in these rows (see the module doc)."""
    filled = [row for row in rows if any(cell.strip() for cell in row.cells)]
    positions = {column: index for index, column in enumerate(Column)}
    titles = dict(TITLES)
    body = filled
    for index, row in enumerate(filled[:_HEADER_SEARCH]):
        found = header_columns(row.cells)
        if found is not None:
            positions, written = found
            titles.update(written)
            body = filled[index + 1 :]
            break
    problems: list[Problem] = []
    pending: list[_Pending] = []
    section = ""
    current: _Pending | None = None
    for row in body:
        cells = {column: _cell(row, positions.get(column)) for column in Column}
        values = [cells[column] for column in Column]
        if header_columns(row.cells) is not None or is_column_numbers_row(values):
            continue
        number = normalize_number(cells[Column.NUMBER])
        used = [column for column in Column if cells[column]]
        if number and _NUMBER.fullmatch(number):
            current = _Pending(row.number, section, {**cells, Column.NUMBER: number}, [row])
            pending.append(current)
            continue
        if not number and _continues(cells, used):
            if current is None:
                problems.append(Problem(row.number, "", texts.ORPHAN_CONTINUATION))
                continue
            for column in used:
                joined = f"{current.cells[column]} {cells[column]}".strip()
                current.cells[column] = joined
            current.rows.append(row)
            continue
        if len(used) == 1 and used[0] in (Column.NUMBER, Column.DIRECTION):
            section = cells[used[0]]
            current = None
            if len(section) > MAX_SECTION:
                message = texts.TOO_LONG.format(length=len(section), limit=MAX_SECTION)
                problems.append(Problem(row.number, titles[used[0]], message))
            continue
        if cells[Column.DIRECTION] and cells[Column.PERIODICITY] and not number:
            current = _Pending(row.number, section, cells, [row])
            pending.append(current)
            continue
        missing = Column.DIRECTION if not cells[Column.DIRECTION] else Column.PERIODICITY
        message = texts.NO_DIRECTION if missing is Column.DIRECTION else texts.NO_PERIODICITY
        problems.append(Problem(row.number, titles[missing], message))
        current = None
    lines: list[LineDraft] = []
    seen: dict[str, int] = {}
    for item in pending:
        direction = item.cells[Column.DIRECTION]
        key = direction_key(direction)
        if key and key in seen:
            message = texts.DUPLICATE_DIRECTION.format(text=_quoted(direction), row=seen[key])
            problems.append(Problem(item.row, titles[Column.DIRECTION], message))
            continue
        seen.setdefault(key, item.row)
        line = _line(item, positions, titles, problems)
        if line is not None:
            lines.append(line)
    if not pending and not problems:
        problems.append(Problem(None, "", texts.NO_LINES))
    if len(pending) > MAX_LINES:
        problems.append(Problem(None, "", texts.TOO_MANY_LINES.format(limit=MAX_LINES)))
    if problems:
        return PlanReading(None, tuple(_ordered(problems)), titles)
    return PlanReading(tuple(lines), (), titles)


def _cell(row: RawRow, position: int | None) -> str:
    if position is None or position >= len(row.cells):
        return ""
    return clean_cell(row.cells[position])


def _continues(cells: dict[Column, str], used: list[Column]) -> bool:
    """A row without a number that goes on from the line above (see the module doc)."""
    if not used:
        return False
    if all(column in _TRAILING for column in used):
        return True
    return any(cells[column][:1].islower() for column in used)


def _line(
    item: _Pending,
    positions: dict[Column, int],
    titles: dict[Column, str],
    problems: list[Problem],
) -> LineDraft | None:
    before = len(problems)
    cells = item.cells
    formulas: set[Column] = set()
    for row in item.rows:
        for column, position in positions.items():
            if position in row.formulas:
                problems.append(Problem(row.number, titles[column], texts.FORMULA))
                formulas.add(column)
    if formulas:  # a formula's text is not the cell's value: nothing more to say about it
        return None
    for column in Column:
        if len(cells[column]) > MAX_TEXT[column.value]:
            message = texts.TOO_LONG.format(length=len(cells[column]), limit=MAX_TEXT[column.value])
            problems.append(Problem(item.row, titles[column], message))
    if not cells[Column.DIRECTION]:
        problems.append(Problem(item.row, titles[Column.DIRECTION], texts.NO_DIRECTION))
    recurrence: AnyRecurrence | None = None
    if not cells[Column.PERIODICITY]:
        problems.append(Problem(item.row, titles[Column.PERIODICITY], texts.NO_PERIODICITY))
    else:
        try:
            recurrence = parse_periodicity(cells[Column.PERIODICITY])
        except PeriodicityError as error:
            message = _periodicity_message(error)
            problems.append(Problem(item.row, titles[Column.PERIODICITY], message))
    due_day: int | None = None
    if cells[Column.DUE_DAY]:
        written = " ".join(cells[Column.DUE_DAY].lower().replace("ё", "е").split())
        due_day = parse_due_day(written)
        if _OTHER_MONTH.search(written):
            due_day = None
            message = texts.DUE_DAY_OTHER_MONTH.format(text=_quoted(cells[Column.DUE_DAY]))
            problems.append(Problem(item.row, titles[Column.DUE_DAY], message))
        elif due_day is None and not _MONTH_END.fullmatch(written):
            message = texts.BAD_DUE_DAY.format(text=_quoted(cells[Column.DUE_DAY]))
            problems.append(Problem(item.row, titles[Column.DUE_DAY], message))
    if len(problems) > before or recurrence is None:
        return None
    return LineDraft(
        row=item.row,
        number=cells[Column.NUMBER],
        section=item.section,
        direction=cells[Column.DIRECTION],
        owners=cells[Column.OWNERS],
        periodicity=cells[Column.PERIODICITY],
        recurrence=recurrence,
        form=cells[Column.FORM],
        due_day=due_day,
    )


def parse_due_day(text: str) -> int | None:
    """The day of the month in "10", "до 10", "до 10 числа", "10-го", "10 число" (1–31); None
    for anything else — a text that only contains a number ("до 1 июня") is not a day."""
    normalized = " ".join(text.lower().replace("ё", "е").split())
    if _OTHER_MONTH.search(normalized):
        return None
    found = _DUE_DAY.fullmatch(normalized)
    if found is None:
        return None
    day = int(found[1])
    return day if 1 <= day <= 31 else None


def _periodicity_message(error: PeriodicityError) -> str:
    text = _quoted(error.text)
    if error.problem == "count_mismatch":
        return texts.COUNT_MISMATCH.format(text=text)
    if error.problem == "no_months":
        return texts.NO_MONTHS.format(text=text)
    if error.problem == "ambiguous":
        return texts.AMBIGUOUS_PERIODICITY.format(text=text)
    return texts.UNKNOWN_PERIODICITY.format(text=text)


def _quoted(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _ordered(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda problem: -1 if problem.row is None else problem.row)


# --- sources: pasted text and a workbook's cells -------------------------------------------


def text_rows(text: str) -> list[RawRow]:
    """A table pasted in the chat: one row per line, cells separated by tabs (as Word and
    Excel copy them), or by "|" when the text has no tab."""
    separator = "\t" if "\t" in text else "|"
    rows: list[RawRow] = []
    for number, line in enumerate(text.splitlines(), start=1):
        cells = line.split(separator)
        if separator == "|" and line.strip().startswith("|"):
            cells = cells[1:]
        rows.append(RawRow(number, tuple(cells)))
    return rows


def read_text(text: str) -> PlanReading:
    """The plan pasted as text (see ``text_rows``)."""
    return read_rows(text_rows(text))
