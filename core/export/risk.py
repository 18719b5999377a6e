"""Зона риска: the schools whose table values of this period cross a threshold the form defines
(ВПР: a share of «2» of 25 % or more), one line per school, key and threshold crossed, with the
value of the previous period beside it. Sorted by school in the export's order, then by the
table's keys in the form's order; only the schools that cross are listed."""

from collections.abc import Sequence
from dataclasses import dataclass

from core.export import labels
from core.export.model import Export, SchoolReport
from core.export.table_pivots import (
    NAME_WIDTH,
    PivotKey,
    TablePivot,
    periods_preamble,
    school_columns,
    school_order,
)
from core.forms.display import format_answer
from core.forms.engine import sub_question
from core.forms.models import Question, Threshold
from exports.tables import CellValue, Column, Format, Sheet


@dataclass(frozen=True, slots=True)
class RiskRow:
    report: SchoolReport
    table: Question
    key: PivotKey
    column: Question
    threshold: Threshold
    value: float
    previous: float | None  # the same key's value in the previous period, if given


def risk_rows(pivots: Sequence[TablePivot]) -> list[RiskRow]:
    found: list[tuple[tuple[object, ...], int, RiskRow]] = []
    for number, pivot in enumerate(pivots):
        table = pivot.table
        for report in pivot.schools:
            school = report.school.id
            for key in pivot.keys:
                for threshold in table.thresholds:
                    column = sub_question(table, threshold.column)
                    value = pivot.value(pivot.current, school, key.id, threshold.column)
                    if column is None or value is None or not threshold.crossed(value):
                        continue
                    before = pivot.value(pivot.previous, school, key.id, threshold.column)
                    row = RiskRow(report, table, key, column, threshold, value, before)
                    found.append((school_order(report), number, row))
    # (a stable sort: within a school, each table's lines stay in its keys' order)
    found.sort(key=lambda entry: (entry[0], entry[1]))
    return [row for _, _, row in found]


def bound_text(column: Question, threshold: Threshold) -> str:
    """ "25 % и больше"."""
    if threshold.at_least is not None:
        return labels.AT_LEAST.format(value=format_answer(column, _plain(threshold.at_least)))
    assert threshold.at_most is not None
    return labels.AT_MOST.format(value=format_answer(column, _plain(threshold.at_most)))


def _plain(number: float) -> float | int:
    return int(number) if float(number).is_integer() else number


def risk_sheet(export: Export, pivots: Sequence[TablePivot]) -> Sheet:
    rows_found = risk_rows(pivots)
    several = len(pivots) > 1
    schools = [school for pivot in pivots for school in pivot.schools]
    base = school_columns(schools)
    previous = pivots[0].previous
    key_titles = {
        labels.KEY_JOIN.join(sub.text for sub in pivot.table.questions if sub.id in pivot.table.key)
        for pivot in pivots
    }
    key_title = key_titles.pop() if len(key_titles) == 1 else labels.TABLE_ROW
    columns = [column for column, _ in base]
    columns += [
        Column(key_title.capitalize(), width=NAME_WIDTH),
        Column(labels.RISK_INDICATOR, width=24),
        Column(labels.VALUE, format=Format.NUMBER, width=10, centred=True),
        Column(labels.RISK_THRESHOLD, width=14, centred=True),
    ]
    if previous is not None:
        columns.append(Column(labels.PREVIOUS_PERIOD, format=Format.NUMBER, width=10, centred=True))
    rows: list[list[CellValue]] = []
    for found in rows_found:
        row = [cell(found.report) for _, cell in base]
        indicator = found.column.text
        if several:
            indicator = labels.GROUP_QUESTION.format(group=found.table.text, question=indicator)
        row += [
            found.key.label,
            indicator,
            found.value,
            bound_text(found.column, found.threshold),
        ]
        if previous is not None:
            row.append(found.previous if found.previous is not None else labels.NO_CHANGE)
        rows.append(row)
    spanning: frozenset[int] = frozenset()
    if not rows:
        rows, spanning = [[labels.NO_RISK]], frozenset({0})
    answered = len({school for pivot in pivots for school in _answered(pivot)})
    at_risk = len({found.report.school.id for found in rows_found})
    thresholds = "; ".join(t.label for pivot in pivots for t in pivot.table.thresholds)
    preamble = periods_preamble(export, pivots[0])
    preamble += [
        [labels.COUNTED_AS, labels.COUNTED_WHAT],
        [labels.THRESHOLDS, thresholds],
        [labels.SCHOOLS_AT_RISK, at_risk, labels.OF_ANSWERED.format(total=answered)],
    ]
    return Sheet(
        title=labels.RISK,
        columns=columns,
        rows=rows,
        preamble=preamble,
        frozen_columns=len(base),
        spanning_rows=spanning,
        autofilter=bool(rows_found),
    )


def _answered(pivot: TablePivot) -> set[int]:
    return {school for period, school, _ in pivot.values if period == pivot.current}
