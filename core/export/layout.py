"""The export laid out as sheets: Сводка, Ответы (and a sheet per repeat group), Итоги,
По округам, Динамика, Не сдали, Диаграммы, Профиль школ when the form defines a profile
(``core.export.profile``), and Длинные тексты when a text outgrows a cell."""

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from core.export import labels
from core.export.answer_cells import AnswerColumn, answer_columns
from core.export.model import (
    AreaSummary,
    Export,
    NumberStats,
    QuestionSummary,
    SchoolReport,
    Timeliness,
)
from core.export.profile import profile_sheets
from core.export.risk import risk_sheet
from core.export.table_pivots import column_title, keyed_rows, pivot_of, pivot_sheets, tables_of
from core.forms.engine import group_items
from core.forms.models import Question, QuestionType
from exports.tables import (
    CELL_LIMIT,
    CellValue,
    Chart,
    ChartKind,
    Column,
    Format,
    Sheet,
)
from exports.titles import unique_sheet_title
from storage.responses import Status

MAX_CHOICE_CHARTS = 8
MAX_PIE_SLICES = 6  # more slices than this are hard to tell apart: bars instead
NAME_WIDTH = 18
LIST_WIDTH = 50

TIMELINESS = {
    Timeliness.ON_TIME: labels.ON_TIME,
    Timeliness.LATE: labels.LATE,
    Timeliness.OVERDUE: labels.OVERDUE,
    Timeliness.NOT_DUE: labels.NOT_DUE,
}


def layout(export: Export) -> list[Sheet]:
    sheets = [summary_sheet(export), answers_sheet(export), *group_sheets(export)]
    sheets += [totals_sheet(export), districts_sheet(export)]
    if export.dynamics:
        sheets.append(dynamics_sheet(export))
    sheets += [missing_sheet(export), charts_sheet(export), *profile_sheets(export)]
    return fit_long_texts(with_final_titles(sheets))


def with_final_titles(sheets: list[Sheet]) -> list[Sheet]:
    """Valid, unique titles, fixed before anything points at a sheet by name (two repeat groups
    may share their first 20 characters; the workbook keeps these titles as they are)."""
    used: set[str] = set()
    for sheet in sheets:
        sheet.title = unique_sheet_title(sheet.title, used)
    return sheets


# --- shared pieces ---


def local(moment: datetime | None, timezone: str) -> datetime | None:
    """A UTC time as the municipality's wall clock (Excel has no time zones)."""
    return None if moment is None else moment.astimezone(ZoneInfo(timezone)).replace(tzinfo=None)


def _several_towns(export: Export) -> bool:
    return len({report.municipality for report in export.reports}) > 1


def _school_columns(export: Export) -> list[tuple[Column, Callable[[SchoolReport], CellValue]]]:
    found: list[tuple[Column, Callable[[SchoolReport], CellValue]]] = [
        (Column(labels.PERIOD, width=16), lambda r: export.periods[r.period].label)
    ]
    if _several_towns(export):
        found.append((Column(labels.MUNICIPALITY, width=NAME_WIDTH), lambda r: r.municipality))
    found += [
        (Column(labels.DISTRICT, width=24), lambda r: r.district_name or None),
        (Column(labels.SCHOOL, width=NAME_WIDTH), lambda r: r.school.short_name),
    ]
    return found


def _preamble(export: Export, *lines: list[CellValue]) -> list[list[CellValue]]:
    periods = [period.label for period in export.periods]
    return [
        [labels.FORM, export.form_title],
        [labels.PERIODS if len(periods) > 1 else labels.PERIOD, ", ".join(periods)],
        [labels.SCOPE, export.scope],
        *owners_lines(export.owners),
        [labels.GENERATED, export.generated_at.replace(tzinfo=None, microsecond=0)],
        *lines,
    ]


def owners_lines(owners: tuple[str, ...]) -> list[list[CellValue]]:
    """ "Ответственный: Смирнова О.В." on a title sheet, when the monitoring has owners."""
    if not owners:
        return []
    return [[labels.OWNER if len(owners) == 1 else labels.OWNERS, ", ".join(owners)]]


def late_text(late_by: timedelta | None) -> str | None:
    if late_by is None:
        return None
    hours = int(late_by.total_seconds() // 3600)
    if hours < 24:
        return labels.HOURS.format(hours=hours)
    return labels.DAYS_HOURS.format(days=hours // 24, hours=hours % 24)


def late_hours(late_by: timedelta | None) -> int | None:
    return None if late_by is None else int(late_by.total_seconds() // 3600)


# --- Сводка ---


def summary_sheet(export: Export) -> Sheet:
    base = _school_columns(export)
    extra: list[tuple[Column, Callable[[SchoolReport], CellValue]]] = [
        (Column(labels.FULL_NAME, width=40), lambda r: r.school.full_name),
        (Column(labels.STATUS, width=16), lambda r: labels.STATUSES[r.status]),
        (Column(labels.TIMELINESS, width=16), lambda r: TIMELINESS[r.timeliness]),
        (
            Column(labels.DEADLINE, format=Format.DATETIME, width=17),
            lambda r: local(r.deadline_at, r.timezone),
        ),
        (
            Column(labels.FIRST_SUBMITTED_AT, format=Format.DATETIME, width=17),
            lambda r: local(r.first_submitted_at, r.timezone),
        ),
        (
            Column(labels.SUBMITTED_AT, format=Format.DATETIME, width=17),
            lambda r: local(r.submitted_at, r.timezone),
        ),
        (
            Column(labels.LATE_HOURS, format=Format.INTEGER, width=12),
            lambda r: late_hours(r.late_by),
        ),
        (Column(labels.LATE_TEXT, width=12), lambda r: late_text(r.late_by)),
        (Column(labels.ANSWERED_BY, width=30), lambda r: "\n".join(r.answered_by) or None),
        (Column(labels.RETURNED, format=Format.INTEGER, width=14), lambda r: r.returned),
        (
            Column(labels.ACCEPTED_AT, format=Format.DATETIME, width=17),
            lambda r: local(r.accepted_at, r.timezone),
        ),
    ]
    columns = base + extra
    lines: list[list[CellValue]] = []
    for index, period in enumerate(export.periods):
        chosen = [r for r in export.reports if r.period == index]
        suffix = f" — {period.label}" if len(export.periods) > 1 else ""
        done = sum(r.done for r in chosen)
        late = sum(r.timeliness in (Timeliness.LATE, Timeliness.OVERDUE) for r in chosen)
        lines.append([labels.SUBMITTED_OF + suffix, done, labels.OF.format(total=len(chosen))])
        lines.append([labels.LATE_COUNT + suffix, late])
        lines.append([labels.NOT_SUBMITTED_COUNT + suffix, len(chosen) - done])
        # The review outcome, as the orders report it ("47 approved, 14 under revision").
        accepted = sum(r.status is Status.ACCEPTED for r in chosen)
        lines.append([labels.ACCEPTED_COUNT + suffix, accepted])
        lines.append(
            [labels.RETURNED_COUNT + suffix, sum(r.status is Status.RETURNED for r in chosen)]
        )
    return Sheet(
        title=labels.SUMMARY,
        columns=[column for column, _ in columns],
        rows=[[cell(report) for _, cell in columns] for report in export.reports],
        preamble=_preamble(export, *lines),
        frozen_columns=len(base),
    )


# --- Ответы and the repeat groups ---


def answers_sheet(export: Export) -> Sheet:
    base = _school_columns(export)
    base.append((Column(labels.STATUS, width=16), lambda r: labels.STATUSES[r.status]))
    answer_cols = [
        (question.id, column)
        for question in export.questions
        for column in answer_columns(question)
    ]
    rows = []
    for report in export.reports:
        row = [cell(report) for _, cell in base]
        answers = report.answers
        row += [column.cell(answers.get(question_id)) for question_id, column in answer_cols]
        rows.append(row)
    return Sheet(
        title=labels.ANSWERS,
        columns=[column for column, _ in base] + [column.column for _, column in answer_cols],
        rows=rows,
        frozen_columns=len(base),
    )


def group_sheets(export: Export) -> list[Sheet]:
    """The repeat questions' sheets. Tables first: each value column's pivot of schools × keys
    (``core.export.table_pivots``), then Зона риска when a table has thresholds
    (``core.export.risk``); then, in the form's order, each table's rows as a list (a key's
    columns by name, the values by their short names) and each group's items."""
    pivots = [pivot_of(export, table) for table in tables_of(export)]
    sheets = [sheet for pivot in pivots for sheet in pivot_sheets(export, pivot)]
    with_thresholds = [pivot for pivot in pivots if pivot.table.thresholds]
    if with_thresholds:
        sheets.append(risk_sheet(export, with_thresholds))
    for group in export.questions:
        if not group.repeats:
            continue
        if group.type is QuestionType.TABLE:
            sheets.append(_table_rows_sheet(export, group))
            continue
        base = _school_columns(export)
        base.append((Column(labels.STATUS, width=16), lambda r: labels.STATUSES[r.status]))
        subs: list[tuple[str, AnswerColumn]] = [
            (sub.id, column) for sub in group.questions for column in answer_columns(sub)
        ]
        rows: list[list[CellValue]] = []
        for report in export.reports:
            for number, item in enumerate(group_items(report.answers.get(group.id)), start=1):
                row = [cell(report) for _, cell in base]
                row.append(number)
                row += [column.cell(item.get(sub_id)) for sub_id, column in subs]
                rows.append(row)
        sheets.append(
            Sheet(
                title=labels.GROUP_SHEET.format(name=(group.item_name or group.id)[:20]),
                columns=[column for column, _ in base]
                + [Column(labels.ITEM_NUMBER, format=Format.INTEGER, width=10)]
                + [column.column for _, column in subs],
                rows=rows,
                frozen_columns=len(base) + 1,
            )
        )
    return sheets


def _table_rows_sheet(export: Export, table: Question) -> Sheet:
    """A table's rows, one line each, every period and status (to filter, or to pivot in
    Excel): the school, then the key's columns ("Предмет", "Класс"), then the values under their
    short names ("«2», %"); each school's rows in the form's order of keys."""
    base = _school_columns(export)
    base.append((Column(labels.STATUS, width=16), lambda r: labels.STATUSES[r.status]))
    keys = [
        AnswerColumn(replace(column.column, width=NAME_WIDTH), column.cell)
        for sub in table.questions
        if sub.id in table.key
        for column in answer_columns(sub)
    ]
    values = [
        answer_columns(sub, column_title(sub))[0]
        for sub in table.questions
        if sub.id not in table.key
    ]
    rows: list[list[CellValue]] = []
    for report in export.reports:
        for _, row in keyed_rows(table, report.answers.get(table.id)):
            cells = [cell(report) for _, cell in base]
            cells += [column.cell(row.get(column.column.code)) for column in keys]
            cells += [column.cell(row.get(column.column.code)) for column in values]
            rows.append(cells)
    return Sheet(
        title=labels.TABLE_ROWS_SHEET,
        columns=[column for column, _ in base] + [c.column for c in [*keys, *values]],
        rows=rows,
        frozen_columns=len(base),
    )


# --- Итоги ---


def summary_rows(
    summary: QuestionSummary,
) -> list[tuple[str, int | None, float | None, Any, str, str]]:
    """(indicator, schools, share, value, school list, "other" texts) rows of one question: its
    own, then a keyed repeat group's number per key ("Математика, 5 класс: среднее")."""
    return _question_rows(summary) + _key_rows(summary)


def _question_rows(
    summary: QuestionSummary,
) -> list[tuple[str, int | None, float | None, Any, str, str]]:
    rows: list[tuple[str, int | None, float | None, Any, str, str]] = []
    if summary.items is not None:
        return [(labels.ITEMS, summary.answered, None, summary.items, summary.schools, "")]
    for option in summary.options:
        texts = summary.other_texts if option.key == "other" else ""
        rows.append((option.label, option.count, option.share, None, option.schools, texts))
    numbers = summary.numbers
    if not summary.options or numbers is not None or summary.dates is not None:
        rows.insert(0, (labels.ANSWERED_SCHOOLS, summary.answered, None, None, summary.schools, ""))
    if numbers is not None:
        for label, value in _stats(numbers, STATS):
            rows.append((label, None, None, value, "", ""))
    if summary.dates is not None:
        rows.append((labels.EARLIEST, None, None, summary.dates[0], "", ""))
        rows.append((labels.LATEST, None, None, summary.dates[1], "", ""))
    return rows


# The names of minimum, mean, median, maximum and sum: a question's, and a key's after its name
STATS = (labels.MINIMUM, labels.MEAN, labels.MEDIAN, labels.MAXIMUM, labels.SUM)
KEY_STATS = (
    labels.KEY_MINIMUM,
    labels.KEY_MEAN,
    labels.KEY_MEDIAN,
    labels.KEY_MAXIMUM,
    labels.KEY_SUM,
)


def _stats(numbers: NumberStats, names: tuple[str, str, str, str, str]) -> list[tuple[str, float]]:
    """(name, value) of the minimum, mean, median, maximum, and the sum of a count."""
    minimum, mean, median, maximum, total = names
    found = [
        (minimum, numbers.minimum),
        (mean, numbers.mean),
        (median, numbers.median),
        (maximum, numbers.maximum),
    ]
    if numbers.total is not None:
        found.append((total, numbers.total))
    return found


def _key_rows(
    summary: QuestionSummary,
) -> list[tuple[str, int | None, float | None, Any, str, str]]:
    """Per key: its schools, then its statistics; and how many keys were left out."""
    rows: list[tuple[str, int | None, float | None, Any, str, str]] = []
    for keyed in summary.by_key:
        name = keyed.label
        answered = labels.KEY_STAT.format(key=name, stat=labels.KEY_ANSWERED)
        rows.append((answered, keyed.answered, None, None, keyed.schools, ""))
        for stat, value in _stats(keyed.numbers, KEY_STATS):
            rows.append((labels.KEY_STAT.format(key=name, stat=stat), None, None, value, "", ""))
    if summary.keys_left_out:
        rows.append((labels.KEYS_LEFT_OUT, None, None, summary.keys_left_out, "", ""))
    return rows


def totals_sheet(export: Export) -> Sheet:
    """One row per option or statistic. A share is of all the schools of the round; the schools
    with no answer to the question (not submitted, or the question not answered) stand apart.
    A repeat group's number has its statistics per key ("Математика, 5 класс: среднее"), a
    sum only when it counts things."""
    latest = export.latest_reports()
    counted = sum(report.done for report in latest)
    total = len({report.school.id for report in latest})
    rows: list[list[CellValue]] = []
    for summary in export.summary:
        for indicator, count, share, value, schools, texts in _question_rows(summary):
            no_answer = None if count is None else total - summary.answered
            rows.append(
                [
                    summary.label,
                    indicator,
                    count,
                    share,
                    no_answer,
                    value,
                    schools or None,
                    texts or None,
                ]
            )
        # A key's schools are those that wrote it: the others did not "not answer".
        for indicator, count, _, value, schools, _ in _key_rows(summary):
            rows.append([summary.label, indicator, count, None, None, value, schools or None, None])
    return Sheet(
        title=labels.TOTALS,
        columns=[
            Column(labels.QUESTION, width=50),
            Column(labels.INDICATOR, width=30),
            Column(labels.SCHOOLS_COUNT, format=Format.INTEGER, width=8),
            Column(labels.SHARE_OF_ALL, format=Format.SHARE, width=10),
            Column(labels.NO_ANSWER_COUNT, format=Format.INTEGER, width=10),
            Column(labels.VALUE, format=Format.NUMBER, width=12),
            Column(labels.SCHOOL_LIST, width=LIST_WIDTH),
            Column(labels.OTHER_TEXTS, width=40),
        ],
        rows=rows,
        preamble=[
            [labels.FORM, export.form_title],
            [labels.PERIOD, export.latest.label],
            [labels.SCOPE, export.scope],
            [labels.COUNTED, None],
            [labels.COUNTED_SCHOOLS, counted, labels.OF.format(total=len(latest))],
        ],
        frozen_columns=2,
    )


# --- По округам ---


def districts_sheet(export: Export) -> Sheet:
    areas = export.areas
    columns = [Column(labels.QUESTION, width=40), Column(labels.INDICATOR, width=30)]
    for area in areas:
        columns.append(Column(area.name, labels.COUNT_OR_VALUE, Format.NUMBER, 14))
        columns.append(Column(area.name, labels.SHARE_OF_ALL, Format.SHARE, 10))
    rows: list[list[CellValue]] = [
        [labels.COMPLETION, labels.COMPLETION_TOTAL, *_pairs(areas, lambda a: (a.total, None))],
        [
            labels.COMPLETION,
            labels.SUBMITTED_OF,
            *_pairs(areas, lambda a: (a.done, a.done / a.total if a.total else None)),
        ],
        [
            labels.COMPLETION,
            labels.LATE_COUNT,
            *_pairs(areas, lambda a: (a.late, a.late / a.total if a.total else None)),
        ],
    ]
    lookups = [
        {
            (summary.key, indicator): (count, share, value)
            for summary in area.questions
            for indicator, count, share, value, _, _ in summary_rows(summary)
        }
        for area in areas
    ]
    for summary in export.summary:
        if summary.dates is not None:
            continue  # the earliest and latest dates say little per district
        for indicator, *_ in summary_rows(summary):
            cells: list[CellValue] = [summary.label, indicator]
            for lookup in lookups:
                count, share, value = lookup.get((summary.key, indicator), (None, None, None))
                cells += [value if value is not None else count, share]
            rows.append(cells)
    return Sheet(
        title=labels.DISTRICTS,
        columns=columns,
        rows=rows,
        preamble=[
            [labels.FORM, export.form_title],
            [labels.PERIOD, export.latest.label],
            [labels.COUNTED, None],
        ],
        frozen_columns=2,
    )


def _pairs(
    areas: Sequence[AreaSummary], pick: Callable[[AreaSummary], tuple[CellValue, CellValue]]
) -> list[CellValue]:
    return [cell for area in areas for cell in pick(area)]


# --- Динамика ---


def dynamics_sheet(export: Export) -> Sheet:
    columns = [Column(labels.QUESTION, width=40), Column(labels.INDICATOR, width=34)]
    columns += [Column(p.label, format=Format.NUMBER, width=14) for p in export.periods]
    columns.append(Column(labels.CHANGE, labels.CHANGE_NOTE, Format.NUMBER, 16))
    return Sheet(
        title=labels.DYNAMICS,
        columns=columns,
        rows=[[row.question, row.indicator, *row.values, row.change] for row in export.dynamics],
        preamble=[
            [labels.FORM, export.form_title],
            [labels.SCOPE, export.scope],
            [labels.COUNTED, None],
        ],
        frozen_columns=2,
    )


# --- Не сдали ---


def missing_sheet(export: Export) -> Sheet:
    base = _school_columns(export)
    extra: list[tuple[Column, Callable[[SchoolReport], CellValue]]] = [
        (Column(labels.STATUS, width=16), lambda r: labels.STATUSES[r.status]),
        (Column(labels.TIMELINESS, width=16), lambda r: TIMELINESS[r.timeliness]),
        (
            Column(labels.DEADLINE, format=Format.DATETIME, width=17),
            lambda r: local(r.deadline_at, r.timezone),
        ),
        (
            Column(labels.LATE_HOURS, format=Format.INTEGER, width=12),
            lambda r: late_hours(r.late_by),
        ),
        (
            Column(labels.RESPONDENTS, width=32),
            lambda r: _lines(c.full_name for c in r.respondents),
        ),
        (
            Column(labels.POSITIONS, width=30),
            lambda r: _lines(c.position or "" for c in r.respondents),
        ),
        (
            Column(labels.TELEGRAM, width=18),
            lambda r: _lines(f"@{c.username}" if c.username else "" for c in r.respondents),
        ),
        (
            Column(labels.UNREACHABLE, width=12),
            lambda r: _lines(labels.YES if c.unreachable else labels.NO for c in r.respondents),
        ),
        (
            Column(labels.DISTRICT_HEAD, width=40),
            lambda r: None if r.district is None else r.district.head_name,
        ),
        (Column(labels.BASE_SCHOOL, width=NAME_WIDTH), lambda r: r.base_school),
    ]
    columns = base + extra
    missing = [report for report in export.reports if not report.done]
    return Sheet(
        title=labels.MISSING,
        columns=[column for column, _ in columns],
        rows=[[cell(report) for _, cell in columns] for report in missing],
        frozen_columns=len(base),
    )


def _lines(parts: Any) -> str | None:
    """One line per respondent, so that the columns line up; empty when nobody is registered."""
    found = list(parts)
    return "\n".join(found) if found and any(found) else None


# --- Диаграммы ---


def charts_sheet(export: Export) -> Sheet:
    """Small tables the charts read: completion per district, then the shares per option of the
    main choice questions, of all schools, with the schools with no answer as a share of their
    own (a pie for a single choice, whose shares add up to 100 %, while its slices stay few
    enough to tell apart; bars for a multiple choice, whose shares do not, and for a single
    choice of many options)."""
    columns = [
        Column(labels.CATEGORY, width=40),
        Column(labels.CHART_SUBMITTED, format=Format.INTEGER, width=10),
        Column(labels.CHART_NOT_SUBMITTED, format=Format.INTEGER, width=10),
        Column(labels.CHART_SHARE, format=Format.SHARE, width=10),
    ]
    rows: list[list[CellValue]] = []
    charts: list[Chart] = []
    districts = [a for a in export.areas if a.name != labels.ALL]
    by_district = [a for a in districts if a.name not in _town_names(export)] or districts
    rows.append([labels.CHART_COMPLETION, None, None, None])
    first = len(rows)
    rows += [[a.name, a.done, a.total - a.done, None] for a in by_district]
    charts.append(
        Chart(ChartKind.BAR, labels.CHART_COMPLETION, first, len(rows) - 1, 0, (1, 2), stacked=True)
    )
    rows.append([None, None, None, None])
    choices = [
        s
        for s in export.summary
        if s.type in (QuestionType.SINGLE, QuestionType.MULTI) and "." not in s.key and s.answered
    ]
    total = len({report.school.id for report in export.latest_reports()})
    for summary in choices[:MAX_CHOICE_CHARTS]:
        rows.append([summary.label, None, None, None])
        first = len(rows)
        rows += [[option.label, None, None, option.share] for option in summary.options]
        no_answer = round((total - summary.answered) / total, 6) if total else None
        rows.append([labels.CHART_NO_ANSWER, None, None, no_answer])
        slices = len(rows) - first
        single = summary.type is QuestionType.SINGLE and slices <= MAX_PIE_SLICES
        kind = ChartKind.PIE if single else ChartKind.BAR
        charts.append(Chart(kind, summary.label, first, len(rows) - 1, 0, (3,), share=True))
        rows.append([None, None, None, None])
    return Sheet(labels.CHARTS, columns, rows, autofilter=False, charts=charts)


def _town_names(export: Export) -> set[str]:
    return {report.municipality for report in export.reports}


# --- texts longer than a cell ---


def column_letter(index: int) -> str:
    """0 -> "A", 26 -> "AA"."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def fit_long_texts(sheets: list[Sheet]) -> list[Sheet]:
    """A text longer than Excel's cell limit is cut in its cell with a pointer, and kept whole on
    the Длинные тексты sheet, in parts that fit, one row each."""
    overflow: list[list[CellValue]] = []
    for sheet in sheets:
        for row_index, row in enumerate(sheet.rows):
            for column_index, value in enumerate(row):
                if isinstance(value, str) and len(value) > CELL_LIMIT:
                    cell = f"{column_letter(column_index)}{sheet.first_data_row + row_index}"
                    pointer = labels.CONTINUED.format(cell=f"{sheet.title}!{cell}")
                    row[column_index] = value[: CELL_LIMIT - len(pointer)] + pointer
                    parts = [value[i : i + CELL_LIMIT] for i in range(0, len(value), CELL_LIMIT)]
                    overflow += [
                        [sheet.title, cell, number, part]
                        for number, part in enumerate(parts, start=1)
                    ]
    if not overflow:
        return sheets
    long_sheet = Sheet(
        labels.LONG_TEXTS,
        [
            Column(labels.LONG_SHEET, width=16),
            Column(labels.LONG_CELL, width=10),
            Column(labels.LONG_PART, format=Format.INTEGER, width=8),
            Column(labels.LONG_TEXT, width=100),
        ],
        overflow,
    )
    return [*sheets, long_sheet]
