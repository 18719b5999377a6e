"""What a plan table becomes: a draft of sections and items, or the rows that could not be read."""

from collections.abc import Sequence
from dataclasses import dataclass

from core.plans.deadlines import Deadline
from core.plans.owners import Owners


@dataclass(frozen=True)
class PlanTable:
    """One table of an uploaded file as strings, the way the readers give it.

    ``rows[i]`` is row ``first_row + i`` of the file (a spreadsheet's row, a document table's
    row). ``caption`` is the text just above a document's table, its likely title.
    """

    source: str
    rows: Sequence[Sequence[str]]
    first_row: int = 1
    caption: str = ""


@dataclass(frozen=True)
class Item:
    number: str  # "5", or "3.1" for an unnumbered row under item 3
    content: str
    deadline: Deadline
    owners: Owners
    row: int  # where the item starts in the file


@dataclass(frozen=True)
class Section:
    title: str  # "" for items above the first section row
    items: tuple[Item, ...]


@dataclass(frozen=True)
class PlanDraft:
    title: str
    school_year: int  # its first calendar year: 2020 for 2020/21
    sections: tuple[Section, ...]

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(item for section in self.sections for item in section.items)


@dataclass(frozen=True)
class RowProblem:
    row: int | None  # None: the table as a whole
    column: str  # the column's header as the file writes it; "" for the table as a whole
    message: str  # Russian, plain text


@dataclass(frozen=True)
class PlanReading:
    """The whole plan, or nothing and every problem found (``draft`` is None exactly then)."""

    draft: PlanDraft | None
    problems: tuple[RowProblem, ...] = ()
