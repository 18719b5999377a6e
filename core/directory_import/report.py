"""What an import did or would have done, row by row, and its Russian plain-text report."""

from collections import defaultdict
from dataclasses import dataclass
from typing import Literal, TypeAlias

from core.directory_import.columns import TableKind
from texts import directory_import as texts

Action: TypeAlias = Literal["created", "updated", "unchanged", "rejected"]
ACTIONS: tuple[Action, ...] = ("created", "updated", "unchanged", "rejected")


@dataclass(frozen=True)
class RowOutcome:
    table: TableKind
    source: str
    row: int  # the spreadsheet row number: the header is row 1
    key: str  # the name (municipality, district) or the short name (school)
    action: Action
    errors: tuple[str, ...] = ()  # Russian reasons, when rejected


@dataclass(frozen=True)
class ImportReport:
    """What the import did (``applied``) or, when it was refused, would have done and why."""

    outcomes: tuple[RowOutcome, ...]
    file_errors: tuple[str, ...]
    applied: bool

    @property
    def ok(self) -> bool:
        return not self.file_errors and not self.rejected

    @property
    def rejected(self) -> tuple[RowOutcome, ...]:
        return tuple(outcome for outcome in self.outcomes if outcome.action == "rejected")

    @property
    def error_count(self) -> int:
        return len(self.file_errors) + sum(len(outcome.errors) for outcome in self.rejected)

    def count(self, table: TableKind, action: Action | None = None) -> int:
        return sum(
            1
            for outcome in self.outcomes
            if outcome.table == table and (action is None or outcome.action == action)
        )

    def counts(self) -> dict[TableKind, dict[Action, int]]:
        """Rows per table and action, every table and action present (zeros included)."""
        return {
            table: {action: self.count(table, action) for action in ACTIONS} for table in TableKind
        }


def format_report(report: ImportReport, *, max_errors: int = 30) -> str:
    """The report as Russian plain text (not HTML): counts on success, the errors otherwise."""
    if report.applied:
        return _format_success(report)
    if report.ok:
        return texts.REPORT_NOT_APPLIED
    count = report.error_count
    lines = [
        texts.REPORT_FAILED.format(
            count=count,
            errors=texts.plural(count, texts.ERROR_FORMS),
            them=texts.REPORT_FIX_ONE if count == 1 else texts.REPORT_FIX_MANY,
        )
    ]
    errors = [*report.file_errors, *_row_error_lines(report)]
    lines.extend(errors[:max_errors])
    hidden = len(errors) - max_errors
    if hidden > 0:
        lines.append(
            texts.REPORT_MORE_ERRORS.format(
                count=hidden, errors=texts.plural(hidden, texts.ERROR_FORMS)
            )
        )
    return "\n".join(lines)


def _format_success(report: ImportReport) -> str:
    counts = report.counts()
    changed = any(counts[table]["created"] or counts[table]["updated"] for table in TableKind)
    lines = [texts.REPORT_APPLIED if changed else texts.REPORT_APPLIED_NO_CHANGES]
    for table in TableKind:
        total = report.count(table)
        if total:
            lines.append(
                texts.REPORT_TABLE_LINE.format(
                    table=texts.TABLE_NAMES[table], total=total, **counts[table]
                )
            )
    return "\n".join(lines)


def _row_error_lines(report: ImportReport) -> list[str]:
    sources: dict[TableKind, set[str]] = defaultdict(set)
    for outcome in report.outcomes:
        sources[outcome.table].add(outcome.source)
    lines: list[str] = []
    for outcome in report.rejected:
        template = (
            texts.REPORT_ROW_ERROR_WITH_SOURCE
            if len(sources[outcome.table]) > 1
            else texts.REPORT_ROW_ERROR
        )
        table = texts.TABLE_NAMES[outcome.table]
        lines.extend(
            template.format(table=table, source=outcome.source, row=outcome.row, reason=reason)
            for reason in outcome.errors
        )
    return lines
