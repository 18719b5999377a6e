"""Loading a plan (дорожная карта: activities, deadlines, owners) from an uploaded table.

Pure: files in, a draft or a list of problems out; nothing is stored here.

- ``load_plan(filename, content, school_year) -> PlanReading``: the whole path below for one
  upload; raises ``exports.sheets.SheetError`` for a file that is not a readable table.
- ``read_plan_tables(filename, content) -> list[PlanTable]`` (``core.plans.files``): the tables
  of an .xlsx, .csv or .docx file as strings.
- ``read_plan(tables, school_year) -> PlanReading`` (``core.plans.table``): the first table with
  a plan header read into sections and items, or every row that could not be read (no draft).
- ``parse_deadline(text, school_year) -> Deadline | None`` (``core.plans.deadlines``): a "Сроки"
  cell as a kind and a due date.
- ``parse_owners(text) -> Owners`` (``core.plans.owners``): an "Ответственные" cell as people
  (surname, initials, position) and free-text owners; ``PeopleIndex`` (``core.plans.matching``)
  finds the directory's person a written one is.
- ``problem_lines``, ``file_error_text`` (``core.plans.report``): the Russian report.
"""

from core.plans.deadlines import (
    Deadline,
    DeadlineKind,
    find_school_year,
    parse_deadline,
    school_year_end,
)
from core.plans.files import read_plan_tables
from core.plans.matching import KnownPerson, PeopleIndex
from core.plans.model import Item, PlanDraft, PlanReading, PlanTable, RowProblem, Section
from core.plans.owners import Owners, WrittenPerson, parse_owners
from core.plans.report import file_error_text, problem_lines
from core.plans.table import read_plan


def load_plan(filename: str, content: bytes, school_year: int) -> PlanReading:
    """The plan in an uploaded file; ``SheetError`` when the file is not a readable table."""
    return read_plan(read_plan_tables(filename, content), school_year)


__all__ = [
    "Deadline",
    "DeadlineKind",
    "Item",
    "KnownPerson",
    "Owners",
    "PeopleIndex",
    "PlanDraft",
    "PlanReading",
    "PlanTable",
    "RowProblem",
    "Section",
    "WrittenPerson",
    "file_error_text",
    "find_school_year",
    "load_plan",
    "parse_deadline",
    "parse_owners",
    "problem_lines",
    "read_plan",
    "read_plan_tables",
    "school_year_end",
]
