"""The aggregates rolled up per educational district and municipality, and across periods."""

from collections.abc import Sequence

from core.directory import natural_key
from core.export import labels
from core.export.aggregate import summarize
from core.export.model import (
    AreaSummary,
    DynamicsRow,
    QuestionSummary,
    SchoolReport,
    Timeliness,
)
from core.forms.models import Question

LATE = frozenset({Timeliness.LATE, Timeliness.OVERDUE})


def area(name: str, questions: Sequence[Question], reports: Sequence[SchoolReport]) -> AreaSummary:
    return AreaSummary(
        name=name,
        total=len(reports),
        done=sum(report.done for report in reports),
        late=sum(report.timeliness in LATE for report in reports),
        # (По округам shows counts and shares: no school lists, most of a summary's work)
        questions=tuple(summarize(questions, reports, lists=False)),
    )


def areas_of(questions: Sequence[Question], reports: Sequence[SchoolReport]) -> list[AreaSummary]:
    """Each district (and the schools without one, when a municipality has districts), then
    each municipality, then all of them when there are several."""
    towns: dict[str, list[SchoolReport]] = {}
    for report in reports:
        towns.setdefault(report.municipality, []).append(report)
    several = len(towns) > 1
    found: list[AreaSummary] = []
    for town, town_reports in sorted(towns.items()):
        districts: dict[str, list[SchoolReport]] = {}
        for report in town_reports:
            districts.setdefault(report.district_name, []).append(report)
        if set(districts) != {""}:
            for name, district_reports in sorted(
                districts.items(), key=lambda item: (item[0] == "", natural_key(item[0]))
            ):
                shown = name or labels.NO_DISTRICT
                if several and not name:
                    shown = f"{town}: {shown}"
                found.append(area(shown, questions, district_reports))
        found.append(area(town, questions, town_reports))
    if several:
        found.append(area(labels.ALL, questions, reports))
    return found


def indicators(summary: QuestionSummary) -> list[tuple[str, str, float | None]]:
    """(indicator key, label, value) of one question for the Динамика sheet: each option's share
    of schools in per cent; a number's mean, and its sum when it counts things; a keyed repeat
    group's number, the same per key ("Математика, 5 класс: среднее"), never pooled; a repeat
    group's item count."""
    found: list[tuple[str, str, float | None]] = [
        (
            f"{summary.key}:{option.key}",
            labels.SHARE_INDICATOR.format(option=option.label),
            None if option.share is None else round(option.share * 100, 1),
        )
        for option in summary.options
    ]
    numbers = summary.numbers
    if numbers is not None:
        found.append((f"{summary.key}:mean", labels.MEAN, numbers.mean))
        if numbers.total is not None:
            found.append((f"{summary.key}:sum", labels.SUM, numbers.total))
    for keyed in summary.by_key:
        key, name, stats = f"{summary.key}@{keyed.key}", keyed.label, keyed.numbers
        mean = labels.KEY_STAT.format(key=name, stat=labels.KEY_MEAN)
        found.append((f"{key}:mean", mean, stats.mean))
        if stats.total is not None:
            found.append(
                (f"{key}:sum", labels.KEY_STAT.format(key=name, stat=labels.KEY_SUM), stats.total)
            )
    if summary.items is not None:
        found.append((f"{summary.key}:items", labels.ITEMS, float(summary.items)))
    return found


def dynamics_of(
    questions: Sequence[Question], reports: Sequence[SchoolReport], periods: int
) -> list[DynamicsRow]:
    """Each indicator per period, side by side; nothing for a single period."""
    if periods < 2:
        return []
    values: dict[str, dict[int, float | None]] = {}
    order: dict[str, tuple[str, str]] = {}
    completion: dict[int, float | None] = {}
    for period in range(periods):
        chosen = [report for report in reports if report.period == period]
        done = sum(report.done for report in chosen)
        completion[period] = round(done / len(chosen) * 100, 1) if chosen else None
        for summary in summarize(questions, chosen, lists=False):
            for key, label, value in indicators(summary):
                order.setdefault(key, (summary.label, label))
                values.setdefault(key, {})[period] = value
    rows = [
        DynamicsRow(
            labels.COMPLETION,
            labels.COMPLETION_SHARE,
            tuple(completion[p] for p in range(periods)),
        )
    ]
    for key, (question, indicator) in order.items():
        rows.append(
            DynamicsRow(question, indicator, tuple(values[key].get(p) for p in range(periods)))
        )
    return rows
