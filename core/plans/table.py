"""From the rows of a plan table to a plan draft, or to every row that could not be read.

The header row is found by its names (``core.plans.columns``); the last filled row above it is
the title when the file gives none. Below it each row is one of:

- blank, a repeated header or a row of column numbers ("1 | 2 | 3 | 4"): skipped;
- a section: its only filled cell holds the title ("<b>Методическая работа</b>"), or a Roman
  number and a title ("II | Аналитические мероприятия"), or a number and a title with nothing
  else when the next numbered row is under it ("2 | …" above "2.1");
- an item: a number, the content, a deadline and owners. Tables copied from a document may have
  "Сроки" and "Ответственные" swapped for a while without repeating the header (the Kedrovy
  road map from its second section on), so each row's deadline is whichever of the two cells
  reads as one, and the other holds the owners;
- a sub-item: no number but a deadline of its own, under the last numbered item ("3.1", "3.2");
- a continuation: no number, no deadline, and text that goes on from the item above (it starts
  in lower case, or only the owners cell is filled) — a row split by a page break. Its content
  and owners are appended to that item's.

Anything else — a row with no content, or with no deadline that can be read — is a problem with
its row and column. A plan with any problem gives no draft: it is loaded whole or not at all.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

from core.plans.cells import clean_cell, is_column_numbers_row, is_roman, normalize_number
from core.plans.columns import HEADERS, Column, Header, find_header, read_header
from core.plans.deadlines import Deadline, parse_deadline
from core.plans.model import Item, PlanDraft, PlanReading, PlanTable, RowProblem, Section
from core.plans.owners import parse_owners
from texts import plans as texts


def read_plan(tables: Sequence[PlanTable], school_year: int) -> PlanReading:
    """The plan in the first of ``tables`` that has a plan header (a document has many tables).

    ``school_year`` is the first calendar year of the plan's school year (2020 for 2020/21):
    deadlines without a year fall in it.
    """
    for table in tables:
        found = find_header(table.rows)
        if found is not None:
            index, header = found
            return _read_table(table, index, header, school_year)
    message = texts.NO_HEADER.format(**{column.value: HEADERS[column][0] for column in Column})
    return PlanReading(None, (RowProblem(None, "", message),))


def _read_table(table: PlanTable, index: int, header: Header, school_year: int) -> PlanReading:
    rows = [[clean_cell(cell) for cell in row] for row in table.rows]
    # The title stands just above the table, as a document's caption does: an order's text
    # further up is not part of it.
    above = next((row for row in reversed(rows[:index]) if any(row)), [])
    title = clean_cell(table.caption) or " ".join(cell for cell in above if cell)
    body = rows[index + 1 :]
    # The number of the next numbered row after each row, to tell "2 | Раздел" above "2.1".
    following = [""] * len(body)
    upcoming = ""
    for position in reversed(range(len(body))):
        following[position] = upcoming
        upcoming = normalize_number(header.cell(body[position], Column.NUMBER)) or upcoming
    builder = _Builder(header, school_year)
    for position, cells in enumerate(body):
        builder.add(table.first_row + index + 1 + position, cells, following[position])
    return builder.finish(title)


@dataclass
class _OpenItem:
    """An item while its rows are read: page-break continuations may still extend it."""

    number: str
    content: str
    deadline: Deadline | None
    owners: str
    row: int
    swapped: bool  # its "Сроки" and "Ответственные" cells were swapped


@dataclass
class _OpenSection:
    title: str
    items: list[_OpenItem] = field(default_factory=list)


class _Builder:
    def __init__(self, header: Header, school_year: int) -> None:
        self._header = header
        self._school_year = school_year
        self._sections = [_OpenSection("")]
        self._problems: list[RowProblem] = []
        self._numbered: str | None = None  # the last numbered item of the section
        self._sub_items = 0  # under it
        self._top_items = 0  # in the section: the number of an item the file did not number
        self._swapped = False  # the last row with a deadline had it under "Ответственные"

    def add(self, row: int, cells: list[str], following: str) -> None:
        if not any(cells) or read_header(cells) is not None or is_column_numbers_row(cells):
            return
        number = normalize_number(self._cell(cells, Column.NUMBER))
        content = self._cell(cells, Column.CONTENT)
        title = self._section_title(cells, number, content, following)
        if title is not None:
            self._start_section(title)
            return
        deadline, swapped = self._deadline(cells)
        if not number and deadline is None and self._continues(cells, content):
            return
        self._add_item(row, cells, number, content, deadline, swapped)

    def finish(self, title: str) -> PlanReading:
        if self._problems:
            return PlanReading(None, tuple(self._problems))
        sections = tuple(
            Section(section.title, tuple(_item(item) for item in section.items))
            for section in self._sections
            if section.title or section.items
        )
        if not any(section.items for section in sections):
            return PlanReading(None, (RowProblem(None, "", texts.NO_ITEMS),))
        return PlanReading(PlanDraft(title, self._school_year, sections))

    # --- the kinds of row ---

    def _section_title(
        self, cells: list[str], number: str, content: str, following: str
    ) -> str | None:
        filled = [index for index, cell in enumerate(cells) if cell]
        positions = self._header.positions
        if len(filled) == 1:
            text = cells[filled[0]]
            if filled[0] in (positions.get(Column.DEADLINE), positions.get(Column.OWNERS)):
                return None  # a deadline or owners alone: a continuation or a problem
            if not any(char.isalpha() for char in text):
                return None  # a number alone
            if text[0].islower() and self._last_item() is not None:
                return None  # the rest of the item above
            return text
        title_only = set(filled) <= {positions.get(Column.NUMBER), positions.get(Column.CONTENT)}
        heading = is_roman(number) or following.startswith(f"{number}.")
        return content if title_only and number and content and heading else None

    def _deadline(self, cells: list[str]) -> tuple[Deadline | None, bool]:
        """The row's deadline and whether it sits under "Ответственные" (swapped columns)."""
        written = self._cell(cells, Column.DEADLINE)
        other = self._cell(cells, Column.OWNERS)
        deadline = parse_deadline(written, self._school_year) if written else None
        if deadline is not None:
            return deadline, False
        deadline = parse_deadline(other, self._school_year) if other else None
        if deadline is not None:
            return deadline, True
        # Neither reads as a deadline: the one that does not name people was meant to be it.
        people_here = bool(parse_owners(written).people)
        people_there = bool(parse_owners(other).people)
        if people_here != people_there:
            return None, people_here
        return None, self._swapped

    def _continues(self, cells: list[str], content: str) -> bool:
        """Append the row to the item above if it goes on from it; whether it did."""
        item = self._last_item()
        if item is None or (content and not content[0].islower()):
            return False
        deadline_column, owners_column = _columns(item.swapped)
        if self._cell(cells, deadline_column):
            return False
        owners = self._cell(cells, owners_column)
        if not content and not owners:
            return False
        item.content = _joined(item.content, content)
        item.owners = _joined(item.owners, owners)
        return True

    def _add_item(
        self,
        row: int,
        cells: list[str],
        number: str,
        content: str,
        deadline: Deadline | None,
        swapped: bool,
    ) -> None:
        deadline_column, owners_column = _columns(swapped)
        if not content:
            self._problem(row, Column.CONTENT, texts.MISSING_CONTENT)
        if deadline is None:
            written = self._cell(cells, deadline_column)
            if written:
                self._problem(row, deadline_column, texts.BAD_DEADLINE, value=written)
            else:
                self._problem(row, Column.DEADLINE, texts.MISSING_DEADLINE)
        else:
            self._swapped = swapped
        if number:
            self._numbered, self._sub_items = number, 0
            self._top_items += 1
        elif self._numbered is not None:
            self._sub_items += 1
            number = f"{self._numbered}.{self._sub_items}"
        else:
            self._top_items += 1
            number = str(self._top_items)
        owners = self._cell(cells, owners_column)
        item = _OpenItem(number, content, deadline, owners, row, swapped)
        self._sections[-1].items.append(item)

    # --- helpers ---

    def _start_section(self, title: str) -> None:
        if not self._sections[-1].title and not self._sections[-1].items:
            self._sections[-1].title = title
        else:
            self._sections.append(_OpenSection(title))
        self._numbered, self._sub_items, self._top_items = None, 0, 0

    def _last_item(self) -> _OpenItem | None:
        items = self._sections[-1].items
        return items[-1] if items else None

    def _cell(self, cells: list[str], column: Column) -> str:
        return self._header.cell(cells, column)

    def _problem(self, row: int, column: Column, template: str, **values: str) -> None:
        title = self._header.title(column)
        message = template.format(column=title, **values)
        self._problems.append(RowProblem(row, title, message))


def _columns(swapped: bool) -> tuple[Column, Column]:
    """The columns holding (the deadline, the owners)."""
    if swapped:
        return Column.OWNERS, Column.DEADLINE
    return Column.DEADLINE, Column.OWNERS


def _joined(text: str, more: str) -> str:
    return f"{text} {more}" if text and more else text or more


def _item(item: _OpenItem) -> Item:
    if item.deadline is None:  # never: such a row is a problem, and problems give no draft
        raise AssertionError(f"row {item.row} has no deadline")
    return Item(item.number, item.content, item.deadline, parse_owners(item.owners), item.row)
