"""Counts, shares, number statistics and school lists per question, over submitted responses.

Only responses with the status "submitted" or "accepted" are counted; a share is of all the
schools in the round (the reports given, submitted or not), as the orders count ("в 3 из 7
школ"), so the schools with no answer (not submitted, or the question hidden or skipped) are
``total - answered``, counted apart. A choice
option whose question has a grades question shown for it (``grades`` after ``held: true``)
lists each school with its grades: "СОШ № 5 (2–9 классы), 11 (5–9 классы)".
"""

import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from core.directory import natural_key
from core.export import labels
from core.export.model import NumberStats, OptionCount, QuestionSummary, SchoolReport
from core.export.school_lists import Listed, grades_note, school_list
from core.forms.engine import condition_holds, group_items
from core.forms.models import Question, QuestionType


@dataclass(frozen=True, slots=True)
class _Answer:
    report: SchoolReport
    value: Any


def summarize(
    questions: Sequence[Question], reports: Iterable[SchoolReport], *, lists: bool = True
) -> list[QuestionSummary]:
    """One summary per question (a repeat group: one per sub-question, after its item count).

    ``lists=False`` leaves the school lists and "other" texts empty: the dynamics show
    counts only, and the lists are most of the work.
    """
    reports = list(reports)
    total = len({report.school.id for report in reports})
    done = [report for report in reports if report.done]
    several_towns = len({report.school.municipality_id for report in done}) > 1
    lister = _Lister(several_towns, total, enabled=lists)
    found: list[QuestionSummary] = []
    for question in questions:
        answers = [
            _Answer(report, report.answers[question.id])
            for report in done
            if report.answers.get(question.id) is not None
        ]
        if question.type is QuestionType.GROUP:
            found.extend(_group(question, answers, lister))
        else:
            found.append(
                _question(question, question.id, question.text, answers, questions, lister)
            )
    return found


class _Lister:
    """Short lists of schools (by municipality when the export covers several), and the number of
    schools in the round, which every share is of."""

    def __init__(self, several_towns: bool, total: int, *, enabled: bool = True) -> None:
        self.several_towns = several_towns
        self.total = total
        self.enabled = enabled

    def __call__(
        self, answers: Iterable[_Answer], note: Callable[[_Answer], str] | None = None
    ) -> str:
        if not self.enabled:
            return ""
        by_town: dict[str, dict[int, Listed]] = {}
        for answer in answers:
            school = answer.report.school
            listed = Listed(school.short_name, note(answer) if note else "")
            by_town.setdefault(answer.report.municipality, {}).setdefault(school.id, listed)
        if not self.several_towns:
            return school_list(item for items in by_town.values() for item in items.values())
        return "; ".join(
            f"{town}: {school_list(items.values())}" for town, items in sorted(by_town.items())
        )

    def texts(self, answers: Iterable[_Answer]) -> str:
        """The "other" texts, each after its school: "СОШ № 5: …; СОШ № 11: …"."""
        if not self.enabled:
            return ""
        return "; ".join(
            f"{self._name(answer.report)}: {answer.value['other']}"
            for answer in sorted(answers, key=lambda a: _order(a.report))
        )

    def _name(self, report: SchoolReport) -> str:
        name = report.school.short_name
        return f"{report.municipality}, {name}" if self.several_towns else name


def _order(report: SchoolReport) -> tuple[object, ...]:
    return (report.municipality, natural_key(report.school.short_name))


def _question(
    question: Question,
    key: str,
    label: str,
    answers: list[_Answer],
    siblings: Sequence[Question],
    lister: _Lister,
) -> QuestionSummary:
    answered = len({answer.report.school.id for answer in answers})
    base = QuestionSummary(key, label, question.type, answered, lister(answers))
    kind = question.type
    if kind in (QuestionType.YES_NO, QuestionType.SINGLE, QuestionType.MULTI):
        options = [
            _option(question, option_key, option_label, answers, siblings, lister)
            for option_key, option_label in choices(question)
        ]
        others = [a for a in answers if isinstance(a.value, dict) and a.value.get("other")]
        texts = lister.texts(others) if others else ""
        return _replace(base, options=tuple(options), other_texts=texts)
    if kind is QuestionType.GRADES:
        grades = sorted({int(g) for a in answers if isinstance(a.value, list) for g in a.value})
        return _replace(
            base,
            options=tuple(
                _counted(
                    f"grade:{grade}",
                    labels.GRADE.format(grade=grade),
                    [a for a in answers if grade in a.value],
                    lister,
                )
                for grade in grades
            ),
        )
    if kind in (QuestionType.INTEGER, QuestionType.DECIMAL, QuestionType.PERCENT):
        numbers = [a.value for a in answers if isinstance(a.value, int | float)]
        return _replace(base, numbers=number_stats(numbers))
    if kind is QuestionType.DATE:
        days = sorted(date.fromisoformat(a.value) for a in answers if isinstance(a.value, str))
        return _replace(base, dates=(days[0], days[-1]) if days else None)
    return base


def _replace(summary: QuestionSummary, **changes: Any) -> QuestionSummary:
    return replace(summary, **changes)


def choices(question: Question) -> list[tuple[str, str]]:
    """(key, label) of each answer a choice or yes/no question counts: its options, then
    "other" when it has one; "yes" and "no"."""
    if question.type is QuestionType.YES_NO:
        return [("yes", labels.YES), ("no", labels.NO)]
    found = [(option.id, option.label) for option in question.options]
    return [*found, ("other", labels.OTHER)] if question.other else found


def is_chosen(question: Question, option_key: str, value: Any) -> bool:
    """Whether the stored answer ``value`` picks this option (a key of ``choices``)."""
    if question.type is QuestionType.YES_NO:
        return bool(value) is (option_key == "yes")
    selected = value.get("selected") if isinstance(value, dict) else None
    if isinstance(selected, list):
        return option_key in selected
    return selected == option_key


def sample_value(question: Question, option_key: str) -> Any:
    """The answer that picks only this option, to test which questions it shows."""
    if question.type is QuestionType.YES_NO:
        return option_key == "yes"
    if question.type is QuestionType.MULTI:
        return {"selected": [option_key]}
    return {"selected": option_key}


def grades_for(
    question: Question, option_key: str, siblings: Sequence[Question]
) -> Question | None:
    """The grades question this option shows (its conditions name only this question), among the
    questions asked with it (``siblings``)."""
    sample = {question.id: sample_value(question, option_key)}
    return next(
        (
            other
            for other in siblings
            if other.type is QuestionType.GRADES
            and other.show_if
            and all(c.question == question.id for c in other.show_if)
            and all(condition_holds(c, sample) for c in other.show_if)
        ),
        None,
    )


def _option(
    question: Question,
    option_key: str,
    option_label: str,
    answers: list[_Answer],
    siblings: Sequence[Question],
    lister: _Lister,
) -> OptionCount:
    chosen = [a for a in answers if is_chosen(question, option_key, a.value)]
    grades = grades_for(question, option_key, siblings)
    note = None
    if grades is not None:
        grades_id = grades.id

        def note(answer: _Answer) -> str:
            value = answer.report.answers.get(grades_id)
            return grades_note(int(g) for g in value) if isinstance(value, list) else ""

    return _counted(option_key, option_label, chosen, lister, note)


def _counted(
    key: str,
    label: str,
    chosen: list[_Answer],
    lister: _Lister,
    note: Callable[[_Answer], str] | None = None,
) -> OptionCount:
    count = len({a.report.school.id for a in chosen})
    share = round(count / lister.total, 6) if lister.total else None
    return OptionCount(key, label, count, share, lister(chosen, note))


def number_stats(numbers: Sequence[float]) -> NumberStats | None:
    if not numbers:
        return None
    return NumberStats(
        count=len(numbers),
        minimum=min(numbers),
        mean=round(statistics.fmean(numbers), 2),
        median=round(statistics.median(numbers), 2),
        maximum=max(numbers),
        total=round(sum(numbers), 6),
    )


def _group(group: Question, answers: list[_Answer], lister: _Lister) -> list[QuestionSummary]:
    """A repeat group: its items over all schools, then each sub-question over the items (a
    school counts once for an option however many of its items chose it)."""
    items = [(answer, item) for answer in answers for item in group_items(answer.value)]
    found = [
        QuestionSummary(
            group.id,
            group.text,
            group.type,
            len({a.report.school.id for a, _ in items}),
            lister(answer for answer in answers if group_items(answer.value)),
            items=len(items),
        )
    ]
    for sub in group.questions:
        sub_answers = [
            _Answer(answer.report, item[sub.id])
            for answer, item in items
            if item.get(sub.id) is not None
        ]
        label = labels.GROUP_QUESTION.format(group=group.text, question=sub.text)
        summary = _question(
            sub, f"{group.id}.{sub.id}", label, sub_answers, group.questions, lister
        )
        found.append(summary)
    return found
