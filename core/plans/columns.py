"""The columns of a plan table and finding its header row by their names."""

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from core.plans.cells import clean_cell
from texts import plans as texts


class Column(StrEnum):
    NUMBER = "number"
    CONTENT = "content"
    DEADLINE = "deadline"
    OWNERS = "owners"


HEADERS: dict[Column, tuple[str, ...]] = {
    Column.NUMBER: texts.NUMBER_HEADERS,
    Column.CONTENT: texts.CONTENT_HEADERS,
    Column.DEADLINE: texts.DEADLINE_HEADERS,
    Column.OWNERS: texts.OWNER_HEADERS,
}
REQUIRED = (Column.CONTENT, Column.DEADLINE)


@dataclass(frozen=True)
class Header:
    """Where each column found in the header row is, and its title as the file writes it."""

    positions: dict[Column, int]
    titles: dict[Column, str]

    def cell(self, cells: Sequence[str], column: Column) -> str:
        position = self.positions.get(column)
        if position is None or position >= len(cells):
            return ""
        return cells[position]

    def title(self, column: Column) -> str:
        return self.titles.get(column, HEADERS[column][0])


def header_key(title: str) -> str:
    """A header compared ignoring case, all spaces, "ё"/"е" and a trailing colon or asterisk."""
    return (
        "".join(clean_cell(title).replace("ё", "е").replace("Ё", "Е").split())
        .casefold()
        .strip(":*")
    )


@cache
def _aliases() -> dict[str, Column]:
    return {header_key(title): column for column, titles in HEADERS.items() for title in titles}


def read_header(cells: Sequence[str]) -> Header | None:
    """The header in this row, if it names at least the content and deadline columns."""
    positions: dict[Column, int] = {}
    titles: dict[Column, str] = {}
    for index, cell in enumerate(cells):
        column = _aliases().get(header_key(cell))
        if column is not None and column not in positions:
            positions[column] = index
            titles[column] = clean_cell(cell)
    if not all(column in positions for column in REQUIRED):
        return None
    return Header(positions, titles)


def find_header(rows: Sequence[Sequence[str]]) -> tuple[int, Header] | None:
    """The index of the first header row and its header, or None when no row is one."""
    for index, cells in enumerate(rows):
        header = read_header(cells)
        if header is not None:
            return index, header
    return None
