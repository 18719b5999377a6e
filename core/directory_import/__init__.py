"""Import the directory (municipalities, districts, schools) from spreadsheets, all or nothing.

``read_files`` turns uploads into raw tables; ``plan_import`` (pure) recognises each table by its
header, validates every row against the file and a directory snapshot and decides the writes;
``apply_plan`` writes them. ``import_directory`` does all three in one transaction and writes
nothing when any row or file has an error.

Identity: a municipality by name, a district by (municipality, name), a school by
(municipality, short name); names compare ignoring case, "ё"/"е" and repeated spaces, so a
re-import updates rows in place. Rows absent from the file are left alone. An absent column keeps
the field; an empty cell clears it (a district's base school or head, a school's district or
problem categories) or means "no" (flags) — except that an empty time zone keeps the
municipality's one (a new one gets ``default_timezone``) and an empty legal form is taken from
the full name.
"""

from core.directory_import.apply import apply_plan
from core.directory_import.changes import (
    DistrictChange,
    ImportPlan,
    MunicipalityChange,
    SchoolChange,
)
from core.directory_import.columns import (
    COLUMN_TITLES,
    LAYOUTS,
    MAX_LENGTHS,
    Column,
    TableKind,
    TableLayout,
    header_column,
)
from core.directory_import.names import clean, key
from core.directory_import.pipeline import import_directory
from core.directory_import.plan import plan_import
from core.directory_import.report import (
    ACTIONS,
    Action,
    ImportReport,
    RowOutcome,
    format_report,
)
from core.directory_import.tables import ParsedRow, ParsedTable, parse_table, read_files
from core.directory_import.template import directory_template
from core.directory_import.values import (
    canonical_timezone,
    derive_legal_form,
    parse_flag,
    parse_problem_categories,
)

__all__ = [
    "ACTIONS",
    "COLUMN_TITLES",
    "LAYOUTS",
    "MAX_LENGTHS",
    "Action",
    "Column",
    "DistrictChange",
    "ImportPlan",
    "ImportReport",
    "MunicipalityChange",
    "ParsedRow",
    "ParsedTable",
    "RowOutcome",
    "SchoolChange",
    "TableKind",
    "TableLayout",
    "apply_plan",
    "canonical_timezone",
    "clean",
    "derive_legal_form",
    "directory_template",
    "format_report",
    "header_column",
    "import_directory",
    "key",
    "parse_flag",
    "parse_problem_categories",
    "parse_table",
    "plan_import",
    "read_files",
]
