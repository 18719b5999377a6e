"""Counts, shares, number statistics and school lists per question, over submitted responses.

Only responses with the status "submitted" or "accepted" are counted; a share is of all the
schools in the round (the reports given, submitted or not), as the orders count ("в 3 из 7
школ"), so the schools with no answer (not submitted, or the question hidden or skipped) are
``total - answered``, counted apart. A choice
option whose question has a grades question shown for it (``grades`` after ``held: true``)
lists each school with its grades: "СОШ № 5 (2–9 классы), 11 (5–9 классы)".

Numbers are pooled only where they are alike. A repeat group's items differ by their key, the
answers of its single choice sub-questions (ВПР: subject × grade): the statistics of its numbers
are per key ("Математика, 5 класс"), never over the items of different keys, and an item with a
key answer missing counts in none; a group with no single choice has items of one kind, pooled.
A sum is only of counts (integers): a sum of percentages or of decimals (average marks) means
nothing, at the top level as in a group. Dates are not numbers: their range spans all the items.
"""

import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from core.directory import natural_key
from core.export import labels
from core.export.model import (
    KeyedNumbers,
    NumberStats,
    OptionCount,
    QuestionSummary,
    SchoolReport,
)
from core.export.school_lists import Listed, grades_note, school_list
from core.forms.engine import condition_holds, group_items
from core.forms.models import NUMBER_TYPES, Question, QuestionType

# The keys of a repeat group's number given statistics, the first in the key's order (ВПР's
# form allows 10 subjects × 7 grades and «Другое»): Итоги stays readable; the rest are counted.
MAX_KEYS = 40


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
        if question.repeats:
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
        picked = _by_option(question, answers)
        options = [
            _option(question, key, label, picked.get(key, []), siblings, lister)
            for key, label in choices(question)
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
    if kind in NUMBER_TYPES:
        return _replace(base, numbers=number_stats(_numbers(answers), counts=is_count(question)))
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


def _by_option(question: Question, answers: Iterable[_Answer]) -> dict[str, list[_Answer]]:
    """The answers that pick each option (as ``is_chosen`` decides), in one pass."""
    found: dict[str, list[_Answer]] = {}
    yes_no = question.type is QuestionType.YES_NO
    for answer in answers:
        value = answer.value
        if yes_no:
            found.setdefault("yes" if bool(value) else "no", []).append(answer)
            continue
        selected = value.get("selected") if isinstance(value, dict) else None
        if isinstance(selected, list):
            for key in dict.fromkeys(selected):  # (each option once, in order)
                if isinstance(key, str):
                    found.setdefault(key, []).append(answer)
        elif isinstance(selected, str):
            found.setdefault(selected, []).append(answer)
    return found


def _option(
    question: Question,
    option_key: str,
    option_label: str,
    chosen: list[_Answer],
    siblings: Sequence[Question],
    lister: _Lister,
) -> OptionCount:
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


def is_count(question: Question) -> bool:
    """Whether the question's numbers add up: an integer counts things (pupils, events); a
    percentage or a decimal (an average mark) does not; the form may say otherwise
    (``summed: false`` for a distance)."""
    if question.summed is not None:
        return question.summed and question.type in NUMBER_TYPES
    return question.type is QuestionType.INTEGER


def _numbers(answers: Iterable[_Answer]) -> list[float]:
    return [a.value for a in answers if isinstance(a.value, int | float)]


def number_stats(numbers: Sequence[float], *, counts: bool) -> NumberStats | None:
    """Minimum, mean, median and maximum; the sum only of ``counts``."""
    if not numbers:
        return None
    return NumberStats(
        count=len(numbers),
        minimum=min(numbers),
        mean=round(statistics.fmean(numbers), 2),
        median=round(statistics.median(numbers), 2),
        maximum=max(numbers),
        total=round(sum(numbers), 6) if counts else None,
    )


def _group(group: Question, answers: list[_Answer], lister: _Lister) -> list[QuestionSummary]:
    """A repeat group: its items over all schools, then each sub-question over the items (a
    school counts once for an option however many of its items chose it); a number per key
    (``key_questions``) when the group's items differ by one."""
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
    keys = key_questions(group)
    for sub in group.questions:
        sub_items = [(answer, item) for answer, item in items if item.get(sub.id) is not None]
        sub_answers = [_Answer(answer.report, item[sub.id]) for answer, item in sub_items]
        label = labels.GROUP_QUESTION.format(group=group.text, question=sub.text)
        summary = _question(
            sub, f"{group.id}.{sub.id}", label, sub_answers, group.questions, lister
        )
        if keys and sub.type in NUMBER_TYPES:
            by_key = _by_key(sub, keys, sub_items, lister)
            summary = _replace(
                summary,
                numbers=None,
                by_key=tuple(by_key[:MAX_KEYS]),
                keys_left_out=max(len(by_key) - MAX_KEYS, 0),
            )
        found.append(summary)
    return found


def key_questions(group: Question) -> list[Question]:
    """The sub-questions whose answers tell a repeat group's items apart: its single choices
    (ВПР: subject and grade). A grades or multiple choice answer names several things, so it is
    no key; with no single choice the items are of one kind (events, courses) and pool. A
    table names its key columns itself: its numbers are never pooled across rows."""
    if group.type is QuestionType.TABLE:
        return [sub for sub in group.questions if sub.id in group.key]
    return [sub for sub in group.questions if sub.type is QuestionType.SINGLE]


@dataclass(frozen=True, slots=True)
class _KeyPart:
    order: tuple[int, str]  # the option's place in its question ("Другое" texts by text)
    id: str
    label: str


def _key_part(question: Question, value: Any) -> _KeyPart | None:
    """One key answer of an item: its option, or the text typed for "Другое" (two schools'
    "Немецкий язык" are one key, "Немецкий язык" and "Астрономия" two); None when not given."""
    if value is None:
        return None
    for index, (option_key, option_label) in enumerate(choices(question)):
        if not is_chosen(question, option_key, value):
            continue
        text = " ".join(str(value.get("other") or "").split()) if option_key == "other" else ""
        if not text:
            return _KeyPart((index, ""), option_key, option_label)
        return _KeyPart((index, text.casefold()), f"other:{text.casefold()}", text)
    return None


def _by_key(
    sub: Question,
    keys: Sequence[Question],
    items: Iterable[tuple[_Answer, dict[str, Any]]],
    lister: _Lister,
) -> list[KeyedNumbers]:
    """The number's statistics over the items of each key, in the order of the key's options
    (an item with a key answer missing is in none)."""
    grouped: dict[tuple[str, ...], tuple[tuple[_KeyPart, ...], list[_Answer]]] = {}
    for answer, item in items:
        parts = [_key_part(question, item.get(question.id)) for question in keys]
        if any(part is None for part in parts):
            continue
        known = tuple(part for part in parts if part is not None)
        entry = grouped.setdefault(tuple(part.id for part in known), (known, []))
        entry[1].append(_Answer(answer.report, item[sub.id]))
    found = []
    for key, keyed in sorted(grouped.values(), key=lambda entry: [p.order for p in entry[0]]):
        numbers = number_stats(_numbers(keyed), counts=is_count(sub))
        if numbers is None:
            continue
        found.append(
            KeyedNumbers(
                key=".".join(part.id for part in key),
                label=labels.KEY_JOIN.join(part.label for part in key),
                answered=len({answer.report.school.id for answer in keyed}),
                schools=lister(keyed),
                numbers=numbers,
            )
        )
    return found
