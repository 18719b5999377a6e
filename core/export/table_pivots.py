"""A table question's pivots: for each value column (ВПР: the share of «2», the share of «4–5») a
matrix of schools × row keys (subject × grade), this period beside the one before it, with the
change; the cells past a threshold the form defines are red.

Data first: ``pivot_of`` gathers a table's values from the export's reports (``TablePivot``);
``pivot_sheets`` lays each value column out as a sheet; ``core.export.risk`` lists the crossings.

What the matrix holds, and what it does not:

- Rows: the schools with the table answered in this period or the previous one, in the export's
  order (municipality, educational district, school), with their district (and municipality,
  when there are several) in columns of their own, as the other sheets show them. Only submitted
  and accepted responses count, as everywhere in the aggregates.
- Columns: the keys present in any school's rows of the two periods, in the order of the key
  columns' options in the form ("Русский язык, 5 класс", "Русский язык, 6 класс",
  "Математика, 5 класс", …). With a previous period each key has three columns: the previous
  period, this period, the change (this − previous; "—" when only one of them is given); alone,
  one column, the subject above its grades.
- No statistic over several keys: a row of a school has no total or mean (a mean of «2» in
  mathematics grade 5 and Russian grade 6 means nothing), and there is no mean per key at the
  bottom either: it would be the unweighted mean of shares of schools of different sizes, not the
  district's share, it would be sorted and filtered with the schools, and Итоги already gives each
  key's minimum, mean, median and maximum.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from core.directory import natural_key
from core.export import labels
from core.export.model import Export, SchoolReport
from core.forms.engine import group_items, sub_question
from core.forms.models import Question, QuestionType, Threshold
from core.forms.tables import chosen
from exports.tables import CellValue, Column, Format, Sheet

NAME_WIDTH = 18
DISTRICT_WIDTH = 24
VALUE_WIDTH = 8
CHANGE_WIDTH = 10
GENERATED_FORMAT = "%d.%m.%Y %H:%M"

KeyId = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PivotKey:
    """A row key of a table: its key columns' options ("math", "g5") and their labels."""

    id: KeyId
    parts: tuple[str, ...]  # "Математика", "5 класс"
    order: tuple[tuple[int, str], ...]  # each option's place in its column (unknown ones last)

    @property
    def label(self) -> str:
        """ "Математика, 5 класс"."""
        return labels.KEY_JOIN.join(self.parts)


@dataclass(frozen=True, slots=True)
class TablePivot:
    """One table's values by period, school and key, for the latest period and the one before."""

    table: Question
    current: int  # index into Export.periods: the latest
    previous: int | None  # the period before it, when the export has one
    schools: tuple[SchoolReport, ...]  # a report per school with values, in the export's order
    keys: tuple[PivotKey, ...]  # in the form's order
    values: Mapping[tuple[int, int, KeyId], Mapping[str, Any]]  # (period, school id, key) -> row
    schools_in_round: int  # the schools of the latest period, with values or not

    def value(self, period: int | None, school_id: int, key: KeyId, column: str) -> float | None:
        if period is None:
            return None
        found = self.values.get((period, school_id, key), {}).get(column)
        if isinstance(found, bool) or not isinstance(found, int | float):
            return None
        return found

    def answered(self, period: int) -> int:
        """Schools with the table given in this period."""
        return len({school for at, school, _ in self.values if at == period})


def tables_of(export: Export) -> list[Question]:
    return [question for question in export.questions if question.type is QuestionType.TABLE]


def pivot_of(export: Export, table: Question) -> TablePivot:
    current = len(export.periods) - 1
    previous = current - 1 if current > 0 else None
    periods = {current} if previous is None else {current, previous}
    values: dict[tuple[int, int, KeyId], Mapping[str, Any]] = {}
    keys: dict[KeyId, PivotKey] = {}
    reports: dict[int, SchoolReport] = {}
    for report in export.reports:
        if report.period not in periods or not report.done:
            continue
        for key, row in keyed_rows(table, report.answers.get(table.id)):
            keys.setdefault(key.id, key)
            # (a key given twice, as an old repeat group allowed: its first row, never a mean)
            values.setdefault((report.period, report.school.id, key.id), row)
            if report.period == current or report.school.id not in reports:
                reports[report.school.id] = report
    return TablePivot(
        table=table,
        current=current,
        previous=previous,
        schools=tuple(sorted(reports.values(), key=school_order)),
        keys=tuple(sorted(keys.values(), key=lambda key: key.order)),
        values=values,
        schools_in_round=len({r.school.id for r in export.reports if r.period == current}),
    )


def school_order(report: SchoolReport) -> tuple[object, ...]:
    """The export's order of schools: municipality, district (none last), name."""
    district = report.district_name
    return (
        report.municipality,
        district == "",
        natural_key(district),
        natural_key(report.school.short_name),
    )


def keyed_rows(table: Question, value: Any) -> list[tuple[PivotKey, Mapping[str, Any]]]:
    """The table's rows with their keys, in the form's order (a row with a key cell empty is
    left out: it belongs to no key)."""
    found = []
    for row in group_items(value):
        key = key_of(table, row)
        if key is not None:
            found.append((key, row))
    return sorted(found, key=lambda pair: pair[0].order)


def key_of(table: Question, row: Mapping[str, Any]) -> PivotKey | None:
    """A row's key. A table's key columns allow no «Другое»; an older version of the form (a
    repeat group) did: such a row's key is its typed text, after the form's options."""
    ids, parts, order = [], [], []
    for name in table.key:
        column = sub_question(table, name)
        cell = row.get(name)
        option_id = chosen(cell)
        if column is None or option_id is None:
            return None
        place = next((i for i, o in enumerate(column.options) if o.id == option_id), None)
        if place is not None:
            ids.append(option_id)
            parts.append(column.options[place].label)
            order.append((place, ""))
            continue
        other = " ".join(str(cell.get("other") or "").split()) if isinstance(cell, dict) else ""
        text = other or option_id
        ids.append(f"other:{text.casefold()}" if other else option_id)
        parts.append(text)
        order.append((len(column.options), text.casefold()))
    return PivotKey(tuple(ids), tuple(parts), tuple(order))


def column_title(column: Question) -> str:
    """A value column's short heading: "«2», %"."""
    title = column.label
    if column.type is QuestionType.PERCENT and "%" not in title:
        return f"{title}, %"
    return title


def thresholds_of(table: Question, column: Question) -> list[Threshold]:
    return [threshold for threshold in table.thresholds if threshold.column == column.id]


def crossed(thresholds: Iterable[Threshold], value: float | None) -> bool:
    return value is not None and any(threshold.crossed(value) for threshold in thresholds)


# --- the sheets ---


def school_columns(reports: Sequence[SchoolReport]) -> list[tuple[Column, Any]]:
    """Municipality (when several), district (when any), school: the other sheets' columns."""
    found: list[tuple[Column, Any]] = []
    if len({report.municipality for report in reports}) > 1:
        found.append((Column(labels.MUNICIPALITY, width=NAME_WIDTH), lambda r: r.municipality))
    if any(report.district is not None for report in reports):
        found.append(
            (Column(labels.DISTRICT, width=DISTRICT_WIDTH), lambda r: r.district_name or None)
        )
    found.append((Column(labels.SCHOOL, width=NAME_WIDTH), lambda r: r.school.short_name))
    return found


def periods_preamble(export: Export, pivot: TablePivot) -> list[list[CellValue]]:
    lines: list[list[CellValue]] = [
        [labels.FORM, export.form_title],
        [labels.PERIOD, export.periods[pivot.current].label],
    ]
    if pivot.previous is not None:
        lines.append([labels.PREVIOUS_PERIOD, export.periods[pivot.previous].label])
    lines += [
        [labels.SCOPE, export.scope],
        # (as text: a date would widen the column it lands in, a narrow column of numbers)
        [labels.GENERATED, export.generated_at.strftime(GENERATED_FORMAT)],
    ]
    return lines


def pivot_sheets(export: Export, pivot: TablePivot) -> list[Sheet]:
    """One sheet per value column of the table."""
    return [_column_sheet(export, pivot, column) for column in pivot.table.columns]


def _column_sheet(export: Export, pivot: TablePivot, column: Question) -> Sheet:
    base = school_columns(pivot.schools)
    columns = [found for found, _ in base]
    previous = pivot.previous
    for key in pivot.keys:
        if previous is None:
            # the subject above its grades: all but the key's last part, then the last
            head = labels.KEY_JOIN.join(key.parts[:-1]) or key.label
            sub = key.parts[-1] if len(key.parts) > 1 else ""
            columns.append(Column(head, sub, Format.NUMBER, VALUE_WIDTH, centred=True))
            continue
        earlier, latest = export.periods[previous].label, export.periods[pivot.current].label
        columns += [
            Column(key.label, earlier, Format.NUMBER, VALUE_WIDTH, centred=True),
            Column(key.label, latest, Format.NUMBER, VALUE_WIDTH, centred=True),
            Column(key.label, labels.CHANGE_SHORT, Format.SIGNED, CHANGE_WIDTH, centred=True),
        ]
    thresholds = thresholds_of(pivot.table, column)
    rows: list[list[CellValue]] = []
    alerts: set[tuple[int, int]] = set()
    for row_index, report in enumerate(pivot.schools):
        row: list[CellValue] = [cell(report) for _, cell in base]
        school = report.school.id
        for key in pivot.keys:
            now = pivot.value(pivot.current, school, key.id, column.id)
            if previous is None:
                if crossed(thresholds, now):
                    alerts.add((row_index, len(row)))
                row.append(now)
                continue
            before = pivot.value(previous, school, key.id, column.id)
            for value in (before, now):
                if crossed(thresholds, value):
                    alerts.add((row_index, len(row)))
                row.append(value)
            row.append(change(before, now))
        rows.append(row)
    preamble = periods_preamble(export, pivot)
    preamble += [
        [labels.COUNTED_AS, labels.COUNTED_WHAT],
        [
            labels.SCHOOLS_WITH_TABLE,
            pivot.answered(pivot.current),
            labels.OF.format(total=pivot.schools_in_round),
        ],
    ]
    if thresholds:
        legend = "; ".join(threshold.label for threshold in thresholds)
        preamble.append([labels.IN_RED, legend])
    return Sheet(
        title=column_title(column),
        columns=columns,
        rows=rows,
        preamble=preamble,
        frozen_columns=len(base),
        heading=labels.PIVOT_HEADING.format(column=column.text, table=pivot.table.text),
        alert_cells=frozenset(alerts),
        merged_titles=True,
    )


def change(before: float | None, now: float | None) -> CellValue:
    """This period less the previous; "—" when only one is given, empty when neither is."""
    if before is None and now is None:
        return None
    if before is None or now is None:
        return labels.NO_CHANGE
    return round(now - before, 6)
