"""Профиль школ: a form's profile (``FormProfile``: seed 003's social passports, drawn as radar
charts) as a sheet: each school of the latest period that handed the form in, its value on each
axis, and the municipality's mean; under the table, a radar per school, its line over the mean's.

Every axis is a percentage (a share 0..1 in the cell): a percent answer as given, or a count as a
share of another count of the same school (pupils from low-income families of all its pupils).
The mean is the schools' mean share, each school counting once whatever its size, over the
schools with an answer to that axis; an export of several municipalities has a mean for each,
and each school is drawn against its own. Radars are drawn for at most ``MAX_RADARS`` schools
(a district's or a town's export); a larger export keeps the table and draws the means alone.
"""

import statistics
from collections.abc import Sequence
from typing import Any

from core.export import labels
from core.export.model import Export, SchoolReport
from core.forms.models import FormProfile, ProfileAxis
from exports.tables import CellValue, Chart, ChartKind, Column, Format, Sheet

MAX_RADARS = 40  # more radars than this are no longer read school by school
AXIS_WIDTH = 14  # the longest word of an axis name on a line of the header


def profile_sheets(export: Export) -> list[Sheet]:
    """The Профиль школ sheet when the form defines a profile, else none."""
    if export.profile is None:
        return []
    return [profile_sheet(export, export.profile)]


def profile_sheet(export: Export, profile: FormProfile) -> Sheet:
    latest = export.latest_reports()
    done = [report for report in latest if report.done]
    towns = list(dict.fromkeys(report.municipality for report in latest))
    districts = any(report.district is not None for report in done)
    first_axis = 1 + districts + (len(towns) > 1)
    columns = [Column(labels.SCHOOL, width=24)]
    if districts:
        columns.append(Column(labels.DISTRICT, width=24))
    if len(towns) > 1:
        columns.append(Column(labels.MUNICIPALITY, width=18))
    columns += [Column(axis.label, format=Format.SHARE, width=AXIS_WIDTH) for axis in profile.axes]
    values = {
        id(report): [axis_value(axis, report.answers) for axis in profile.axes] for report in done
    }

    rows: list[list[CellValue]] = []
    mean_row: dict[str, int] = {}
    for town in towns:
        area = export.scope if len(towns) == 1 else town
        mine = [values[id(report)] for report in done if report.municipality == town]
        mean_row[town] = len(rows)
        label = _padded([labels.PROFILE_MEAN.format(area=area)], first_axis)
        rows.append(label + _means(mine, len(profile.axes)))
    bold = frozenset(range(len(rows)))
    school_row: list[tuple[SchoolReport, int]] = []
    for report in done:
        cells: list[CellValue] = [report.school.short_name]
        if districts:
            cells.append(report.district_name or labels.NO_DISTRICT)
        if len(towns) > 1:
            cells.append(report.municipality)
        school_row.append((report, len(rows)))
        rows.append(cells + list(values[id(report)]))

    axes = tuple(range(first_axis, first_axis + len(profile.axes)))
    charts: list[Chart] = []
    if len(done) <= MAX_RADARS:
        for report, index in school_row:
            mean = mean_row[report.municipality]
            charts.append(
                Chart(
                    ChartKind.RADAR,
                    report.school.short_name,
                    mean,
                    index,
                    0,
                    axes,
                    share=True,
                    series_rows=(mean, index),
                )
            )
    elif rows:
        means = tuple(mean_row.values())
        title = labels.PROFILE_MEANS_CHART.format(title=profile.title)
        charts.append(
            Chart(ChartKind.RADAR, title, means[0], means[-1], 0, axes, True, series_rows=means)
        )
    preamble: list[list[CellValue]] = [
        [labels.FORM, export.form_title],
        [labels.PERIOD, export.latest.label],
        [labels.SCOPE, export.scope],
        [labels.PROFILE_TITLE, profile.title],
        [labels.COUNTED, None],
        [labels.COUNTED_SCHOOLS, len(done), labels.OF.format(total=len(latest))],
        [labels.PROFILE_SHARES, labels.PROFILE_SHARES_NOTE],
        [labels.PROFILE_MEANS, labels.PROFILE_MEANS_NOTE],
    ]
    if len(done) > MAX_RADARS:
        preamble.append([labels.CHARTS, labels.PROFILE_MEANS_ONLY_NOTE.format(limit=MAX_RADARS)])
    return Sheet(
        labels.PROFILE,
        columns,
        rows,
        preamble=preamble,
        frozen_columns=1,
        autofilter=False,  # sorting would move the rows under the charts that read them
        charts=charts,
        bold_rows=bold,
    )


def axis_value(axis: ProfileAxis, answers: dict[str, Any]) -> float | None:
    """A school's share on the axis (0..1), or None when it is not answered (or of zero)."""
    value = answers.get(axis.question)
    if not isinstance(value, int | float) or isinstance(value, bool):
        return None
    if axis.of is None:
        return round(value / 100, 6)
    total = answers.get(axis.of)
    if not isinstance(total, int | float) or isinstance(total, bool) or total <= 0:
        return None
    return round(value / total, 6)


def _means(values: Sequence[Sequence[float | None]], count: int) -> list[CellValue]:
    found: list[CellValue] = []
    for index in range(count):
        given = [value for row in values if (value := row[index]) is not None]
        found.append(round(statistics.fmean(given), 6) if given else None)
    return found


def _padded(cells: list[CellValue], size: int) -> list[CellValue]:
    return cells + [None] * (size - len(cells))
