"""The kinds of table, their columns, and recognising a column or a table by its header."""

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from core.directory_import.names import key
from texts import directory_import as texts


class TableKind(StrEnum):
    MUNICIPALITIES = "municipalities"
    DISTRICTS = "districts"
    SCHOOLS = "schools"


class Column(StrEnum):
    """A column of the import; the value is its English alias."""

    MUNICIPALITY = "municipality"
    TIMEZONE = "timezone"
    DISTRICT = "district"
    BASE_SCHOOL = "base_school"
    HEAD = "head"
    FULL_NAME = "full_name"
    SHORT_NAME = "short_name"
    LEGAL_FORM = "legal_form"
    SHNOR = "shnor"
    UNFAVOURABLE = "unfavourable"
    PROBLEMS = "problem_categories"


COLUMN_TITLES: dict[Column, str] = {
    Column.MUNICIPALITY: texts.COLUMN_MUNICIPALITY,
    Column.TIMEZONE: texts.COLUMN_TIMEZONE,
    Column.DISTRICT: texts.COLUMN_DISTRICT,
    Column.BASE_SCHOOL: texts.COLUMN_BASE_SCHOOL,
    Column.HEAD: texts.COLUMN_HEAD,
    Column.FULL_NAME: texts.COLUMN_FULL_NAME,
    Column.SHORT_NAME: texts.COLUMN_SHORT_NAME,
    Column.LEGAL_FORM: texts.COLUMN_LEGAL_FORM,
    Column.SHNOR: texts.COLUMN_SHNOR,
    Column.UNFAVOURABLE: texts.COLUMN_UNFAVOURABLE,
    Column.PROBLEMS: texts.COLUMN_PROBLEMS,
}
_EXTRA_ALIASES: dict[str, Column] = {
    "time zone": Column.TIMEZONE,
    "tz": Column.TIMEZONE,
    "head name": Column.HEAD,
    "unfavourable conditions": Column.UNFAVOURABLE,
    "unfavorable": Column.UNFAVOURABLE,
    "unfavorable conditions": Column.UNFAVOURABLE,
    "problems": Column.PROBLEMS,
    "is shnor": Column.SHNOR,
}


@dataclass(frozen=True)
class TableLayout:
    """The columns of one kind of table, in template order."""

    required: tuple[Column, ...]
    optional: tuple[Column, ...]

    @property
    def columns(self) -> tuple[Column, ...]:
        order = list(COLUMN_TITLES)
        return tuple(sorted((*self.required, *self.optional), key=order.index))


LAYOUTS: dict[TableKind, TableLayout] = {
    TableKind.MUNICIPALITIES: TableLayout((Column.MUNICIPALITY,), (Column.TIMEZONE,)),
    TableKind.DISTRICTS: TableLayout(
        (Column.MUNICIPALITY, Column.DISTRICT), (Column.BASE_SCHOOL, Column.HEAD)
    ),
    TableKind.SCHOOLS: TableLayout(
        (Column.MUNICIPALITY, Column.FULL_NAME, Column.SHORT_NAME),
        (Column.DISTRICT, Column.LEGAL_FORM, Column.SHNOR, Column.UNFAVOURABLE, Column.PROBLEMS),
    ),
}
_SCHOOL_ONLY = frozenset(
    {
        Column.FULL_NAME,
        Column.SHORT_NAME,
        Column.LEGAL_FORM,
        Column.SHNOR,
        Column.UNFAVOURABLE,
        Column.PROBLEMS,
    }
)
_DISTRICT_MARKERS = frozenset({Column.DISTRICT, Column.BASE_SCHOOL, Column.HEAD})

# Column lengths of storage/schema.py.
MAX_LENGTHS: dict[Column, int] = {
    Column.MUNICIPALITY: 200,
    Column.TIMEZONE: 64,
    Column.DISTRICT: 200,
    Column.HEAD: 300,
    Column.FULL_NAME: 500,
    Column.SHORT_NAME: 200,
    Column.LEGAL_FORM: 20,
}


@cache
def _header_aliases() -> dict[str, Column]:
    aliases = {key(title): column for column, title in COLUMN_TITLES.items()}
    aliases.update({key(column.value.replace("_", " ")): column for column in Column})
    aliases.update({key(alias): column for alias, column in _EXTRA_ALIASES.items()})
    return aliases


def header_column(title: str) -> Column | None:
    """The column a header cell names: Russian or English, any case, brackets tolerated."""
    aliases = _header_aliases()
    candidates = [title, re.sub(r"[\(\[].*?[\)\]]", " ", title)]
    candidates += re.findall(r"[\(\[](.*?)[\)\]]", title)
    for candidate in candidates:
        normalized = key(candidate.replace("_", " ").strip(" *:"))
        if normalized in aliases:
            return aliases[normalized]
    return None


def table_kind(columns: set[Column]) -> TableKind | None:
    """The kind of table a header with these columns is; None when it names no column."""
    if columns & _SCHOOL_ONLY:
        return TableKind.SCHOOLS
    if columns & _DISTRICT_MARKERS:
        return TableKind.DISTRICTS
    if columns:
        return TableKind.MUNICIPALITIES
    return None
