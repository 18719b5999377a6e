"""The workbook's sheets for a monitoring.

A monitoring of one form keeps that form's sheets (Сводка, Ответы, Итоги, …) and gains По школам
(every answer of a school as readable lines) and Есть и нет (for each option, the schools with it
and without it). A monitoring of several forms is laid out as one document: Сводка (each school's
forms, submitted of N), По школам, Итоги across the forms, then each form's answers (and repeat
groups), Динамика when there are several periods, Не сдали (which forms each school owes),
Диаграммы (completion per form) and the Профиль школ of each form that defines a profile.
"""

from collections.abc import Callable, Sequence
from dataclasses import replace

from core.export import labels
from core.export.by_school import by_school_sheet
from core.export.findings import findings_sheet
from core.export.layout import (
    NAME_WIDTH,
    answers_sheet,
    charts_sheet,
    districts_sheet,
    dynamics_sheet,
    fit_long_texts,
    group_sheets,
    missing_sheet,
    owners_lines,
    summary_sheet,
    totals_sheet,
    with_final_titles,
)
from core.export.model import DONE, DynamicsRow, Export, SchoolReport
from core.export.profile import profile_sheets
from exports.tables import CellValue, Chart, ChartKind, Column, Format, Sheet


def single_form_sheets(export: Export) -> list[Sheet]:
    found = findings_sheet([export])
    found.title = labels.FINDINGS_ONE_FORM
    sheets = [summary_sheet(export), by_school_sheet([export])]
    sheets += [answers_sheet(export), *group_sheets(export), totals_sheet(export), found]
    sheets.append(districts_sheet(export))
    if export.dynamics:
        sheets.append(dynamics_sheet(export))
    sheets += [missing_sheet(export), charts_sheet(export), *profile_sheets(export)]
    return fit_long_texts(with_final_titles(sheets))


def monitoring_sheets(parts: Sequence[Export], title: str) -> list[Sheet]:
    sheets = [status_sheet(parts, title), by_school_sheet(parts), findings_sheet(parts)]
    for part in parts:
        answers = answers_sheet(part)
        answers.title = part.short_title
        sheets.append(answers)
        for group in group_sheets(part):
            group.title = f"{part.short_title}, {group.title}"
            sheets.append(group)
    if len(parts[0].periods) > 1:
        sheets.append(_dynamics(parts, title))
    sheets += [owing_sheet(parts, title), completion_charts(parts)]
    sheets += [sheet for part in parts for sheet in profile_sheets(part)]
    return fit_long_texts(with_final_titles(sheets))


def _by_school(parts: Sequence[Export]) -> list[tuple[SchoolReport, list[SchoolReport]]]:
    """Each school of each period (in the first form's order) with its report of every form."""
    keyed = [{(r.period, r.school.id): r for r in part.reports} for part in parts]
    return [
        (report, [reports[(report.period, report.school.id)] for reports in keyed])
        for report in parts[0].reports
    ]


def _school_cells(
    parts: Sequence[Export],
) -> list[tuple[Column, Callable[[SchoolReport], CellValue]]]:
    first = parts[0]
    found: list[tuple[Column, Callable[[SchoolReport], CellValue]]] = []
    if len(first.periods) > 1:
        found.append((Column(labels.PERIOD, width=16), lambda r: first.periods[r.period].label))
    if len({report.municipality for report in first.reports}) > 1:
        found.append((Column(labels.MUNICIPALITY, width=NAME_WIDTH), lambda r: r.municipality))
    if any(report.district is not None for report in first.reports):
        found.append((Column(labels.DISTRICT, width=24), lambda r: r.district_name or None))
    found.append((Column(labels.SCHOOL, width=NAME_WIDTH), lambda r: r.school.short_name))
    return found


def _preamble(parts: Sequence[Export], title: str) -> list[list[CellValue]]:
    first = parts[0]
    periods = [period.label for period in first.periods]
    return [
        [labels.MONITORING, title],
        [labels.PERIODS if len(periods) > 1 else labels.PERIOD, ", ".join(periods)],
        [labels.SCOPE, first.scope],
        *owners_lines(first.owners),
        [labels.FORMS_LIST, ", ".join(f"«{part.short_title}»" for part in parts)],
        [labels.GENERATED, first.generated_at.replace(tzinfo=None, microsecond=0)],
    ]


def status_sheet(parts: Sequence[Export], title: str) -> Sheet:
    """Сводка: one row per school, each form's status, and how many of the forms it handed in."""
    base = _school_cells(parts)
    columns = [column for column, _ in base]
    columns.append(Column(labels.FULL_NAME, width=40, wrap=True))
    columns += [Column(part.short_title, width=16, wrap=True) for part in parts]
    columns.append(Column(labels.FORMS_DONE, format=Format.INTEGER, width=12))
    rows: list[list[CellValue]] = []
    for report, reports in _by_school(parts):
        row = [cell(report) for _, cell in base]
        row.append(report.school.full_name)
        row += [labels.STATUSES[each.status] for each in reports]
        row.append(sum(each.status in DONE for each in reports))
        rows.append(row)
    latest = len(parts[0].periods) - 1
    current = [reports for report, reports in _by_school(parts) if report.period == latest]
    complete = sum(all(each.status in DONE for each in reports) for reports in current)
    lines: list[list[CellValue]] = [
        [labels.ALL_FORMS_DONE, complete, labels.OF.format(total=len(current))],
        [labels.SOME_FORMS_MISSING, len(current) - complete],
    ]
    for index, part in enumerate(parts):
        done = sum(reports[index].status in DONE for reports in current)
        lines.append(
            [
                labels.FORM_DONE.format(form=part.short_title),
                done,
                labels.OF.format(total=len(current)),
            ]
        )
    return Sheet(
        title=labels.SUMMARY,
        columns=columns,
        rows=rows,
        preamble=_preamble(parts, title) + lines,
        frozen_columns=len(base),
    )


def owing_sheet(parts: Sequence[Export], title: str) -> Sheet:
    """Не сдали: the schools that owe any form, which forms, and whom to call."""
    base = _school_cells(parts)
    columns = [column for column, _ in base]
    columns += [
        Column(labels.FORMS_MISSING, width=40, wrap=True),
        Column(labels.RESPONDENTS, width=32, wrap=True),
        Column(labels.POSITIONS, width=30, wrap=True),
        Column(labels.TELEGRAM, width=18, wrap=True),
    ]
    rows: list[list[CellValue]] = []
    for report, reports in _by_school(parts):
        missing = [
            part.short_title
            for part, each in zip(parts, reports, strict=True)
            if each.status not in DONE
        ]
        if not missing:
            continue
        row = [cell(report) for _, cell in base]
        people = report.respondents
        row += [
            ", ".join(missing),
            "\n".join(c.full_name for c in people) or None,
            "\n".join(c.position or "" for c in people) or None,
            "\n".join(f"@{c.username}" if c.username else "" for c in people) or None,
        ]
        rows.append(row)
    return Sheet(
        title=labels.MISSING,
        columns=columns,
        rows=rows,
        preamble=_preamble(parts, title)[:3],
        frozen_columns=len(base),
    )


def completion_charts(parts: Sequence[Export]) -> Sheet:
    """Диаграммы: how many schools handed in each form (the latest period)."""
    columns = [
        Column(labels.CATEGORY, width=40),
        Column(labels.CHART_SUBMITTED, format=Format.INTEGER, width=10),
        Column(labels.CHART_NOT_SUBMITTED, format=Format.INTEGER, width=10),
    ]
    rows: list[list[CellValue]] = [[labels.CHART_FORMS_COMPLETION, None, None]]
    for part in parts:
        latest = part.latest_reports()
        done = sum(report.done for report in latest)
        rows.append([part.short_title, done, len(latest) - done])
    chart = Chart(
        ChartKind.BAR, labels.CHART_FORMS_COMPLETION, 1, len(rows) - 1, 0, (1, 2), stacked=True
    )
    return Sheet(labels.CHARTS, columns, rows, autofilter=False, charts=[chart])


def _dynamics(parts: Sequence[Export], title: str) -> Sheet:
    rows = [
        DynamicsRow(f"{part.short_title}: {row.question}", row.indicator, row.values)
        for part in parts
        for row in part.dynamics
    ]
    return dynamics_sheet(replace(parts[0], form_title=title, dynamics=tuple(rows)))
