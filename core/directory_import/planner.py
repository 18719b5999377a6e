"""What planning the rows of every table shares: the context and the common checks."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeAlias

from core.directory_import.columns import COLUMN_TITLES, MAX_LENGTHS, Column, TableKind
from core.directory_import.index import DirectoryIndex
from core.directory_import.names import clean, key
from core.directory_import.report import Action, RowOutcome
from core.directory_import.tables import ParsedRow
from texts import directory_import as texts

Rows: TypeAlias = Sequence[tuple[str, ParsedRow]]  # (source, row) of one kind of table


@dataclass
class Planner:
    directory: DirectoryIndex
    default_timezone: str
    check_references: bool
    outcomes: list[RowOutcome]
    # Names the file declares, by key: what rows of the other tables may refer to.
    file_municipalities: set[str]
    file_districts: dict[tuple[str, str], str]  # → the first spelling in the file
    # The first row of each school in the file, and its final district key.
    file_school_districts: dict[tuple[str, str], str | None]

    def record(
        self,
        kind: TableKind,
        source: str,
        row: ParsedRow,
        name: str,
        errors: list[str],
        action: Action,
    ) -> bool:
        """Note a row's outcome (rejected when there are errors); whether to write the row."""
        if errors:
            outcome = RowOutcome(kind, source, row.number, name, "rejected", tuple(errors))
        else:
            outcome = RowOutcome(kind, source, row.number, name, action)
        self.outcomes.append(outcome)
        return outcome.action in ("created", "updated")

    def municipality_errors(self, row: ParsedRow) -> list[str]:
        """A district's or a school's municipality must be given and known."""
        name = clean(row.text(Column.MUNICIPALITY))
        if not name:
            return [texts.MISSING_MUNICIPALITY]
        known = key(name) in self.file_municipalities or key(name) in self.directory.municipalities
        if self.check_references and not known:
            return [texts.UNKNOWN_MUNICIPALITY.format(name=name)]
        return []


def change_action(stored: tuple[object, ...] | None, wanted: tuple[object, ...]) -> Action:
    """Created when nothing is stored, else unchanged or updated."""
    if stored is None:
        return "created"
    return "unchanged" if stored == wanted else "updated"


def duplicates(rows: Rows, columns: tuple[Column, ...]) -> dict[int, list[int]]:
    """For each row (by position) whose identity repeats, the row numbers sharing it.

    The identity is the keys of ``columns``; a row whose last column is empty has none.
    """
    groups: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for position, (_, row) in enumerate(rows):
        if row.text(columns[-1]):
            groups[tuple(key(row.text(column)) for column in columns)].append(position)
    repeated: dict[int, list[int]] = {}
    for positions in groups.values():
        if len(positions) > 1:
            numbers = sorted(rows[p][1].number for p in positions)
            for position in positions:
                repeated[position] = numbers
    return repeated


def length_errors(row: ParsedRow, columns: Iterable[Column]) -> list[str]:
    errors = []
    for column in columns:
        limit = MAX_LENGTHS.get(column)
        value = clean(row.text(column))
        if limit is not None and len(value) > limit:
            errors.append(
                texts.TOO_LONG.format(column=COLUMN_TITLES[column], limit=limit, length=len(value))
            )
    return errors
