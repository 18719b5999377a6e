"""The plan of an import: every row's outcome and the rows to create or update."""

from dataclasses import dataclass

from core.directory_import.report import ImportReport, RowOutcome


@dataclass(frozen=True)
class MunicipalityChange:
    key: str
    existing_id: int | None
    name: str
    timezone: str


@dataclass(frozen=True)
class DistrictChange:
    municipality: str  # key of the municipality
    key: str
    existing_id: int | None
    name: str
    head_name: str | None
    base_school: str | None  # key (short name) of a school of the same municipality


@dataclass(frozen=True)
class SchoolChange:
    municipality: str
    key: str
    existing_id: int | None
    district: str | None  # key of a district of the same municipality
    full_name: str
    short_name: str
    legal_form: str | None
    is_shnor: bool
    unfavourable_conditions: bool
    problem_categories: tuple[str, ...]


@dataclass(frozen=True)
class ImportPlan:
    """Every row's outcome, and the rows to create or update (in the order to write them)."""

    outcomes: tuple[RowOutcome, ...]
    file_errors: tuple[str, ...]
    municipalities: tuple[MunicipalityChange, ...]
    districts: tuple[DistrictChange, ...]
    schools: tuple[SchoolChange, ...]

    @property
    def ok(self) -> bool:
        return not self.file_errors and all(o.action != "rejected" for o in self.outcomes)

    def report(self, *, applied: bool) -> ImportReport:
        return ImportReport(outcomes=self.outcomes, file_errors=self.file_errors, applied=applied)
