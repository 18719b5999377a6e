"""Итоги of a monitoring (one ``Export`` per form, same schools, same period): for each answer of
each choice or yes/no question, which schools gave it and which did not, in the orders' short
form ("Проводятся … в ООУ № 5 (2–9 классы), 11 (5–9 классы)").

One row per answer, forms in the order given, questions in the form's order (a repeat group's
choice sub-questions in place of the group), answers in the question's order ("Другое" last;
"да", "нет"). Columns:

 0 Анкета — the form's short title
 1 Вопрос — the question's text; "Группа — вопрос" for a sub-question of a repeat group
 2 Ответ — the option's label, "Другое", "да" or "нет"
 3 Школы с этим ответом — "ООУ № 5, 11, 28; МБОУ «Александровская СОШ»", each school with its
   grades when the answer shows a grades question ("held: да" → "ООУ № 5 (2–9 классы)")
 4 Школ — how many
 5 Доля от всех школ — of every school of the monitoring, answered or not ("в 3 из 7 школ")
 6 Ответили иначе — the schools that answered the question, but not with this answer
 7 Нет ответа — the schools with no answer: the form not submitted (not started, a draft,
   returned for revision) or the question hidden or left blank
 8 Школ в мониторинге
 9 Пояснения («другое») — on a "Другое" row, each school's text
10 код вопроса — the question id ("group.sub" for a sub-question)   } hidden: out of sight and
11 код ответа — the option id, "other", "yes" or "no"               } out of print

A row is found by (Анкета, код вопроса, код ответа). Only submitted and accepted responses are
answers (``core.export.model.DONE``). A school gives a sub-question's answer when any of its items
does. With schools of several municipalities each list is split by municipality ("Город Томск:
ООУ № 5, 11; Томский район: Мирненская СОШ"), as numbers repeat across them.
"""

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from core.export import labels
from core.export.aggregate import choices, grades_for, is_chosen
from core.export.model import Export, SchoolReport
from core.export.school_lists import Listed, grades_note, ooo_list
from core.forms.engine import group_items
from core.forms.models import CHOICE_TYPES, Question, QuestionType
from exports.tables import CellValue, Column, Format, Sheet

COUNTED = CHOICE_TYPES | {QuestionType.YES_NO}
LIST_WIDTH = 36


@dataclass(frozen=True, slots=True)
class _Given:
    """One school's answer to a question (one item's, for a sub-question of a repeat group)."""

    report: SchoolReport
    value: Any
    asked_with: Mapping[str, Any]  # the answers beside it: the response's, or the item's


@dataclass(frozen=True, slots=True)
class _Asked:
    question: Question
    key: str
    label: str
    siblings: Sequence[Question]  # the questions asked with it (for its grades question)
    given: list[_Given]


def findings_sheet(parts: Sequence[Export]) -> Sheet:
    schools = _schools(parts)
    lister = _Lister(schools)
    rows: list[list[CellValue]] = []
    for part in parts:
        done = [report for report in part.latest_reports() if report.done]
        for asked in _asked(part.questions, done):
            rows += _rows(part.short_title, asked, lister)
    return Sheet(
        title=labels.TOTALS,
        columns=[
            Column(labels.FINDINGS_FORM, width=16, wrap=True),
            Column(labels.QUESTION, width=40, wrap=True),
            Column(labels.FINDINGS_ANSWER, width=24, wrap=True),
            Column(labels.WITH_ANSWER, width=LIST_WIDTH, wrap=True),
            Column(labels.SCHOOLS_COUNT, format=Format.INTEGER, width=7),
            Column(labels.SHARE_OF_ALL, format=Format.SHARE, width=10),
            Column(labels.WITHOUT_ANSWER, width=LIST_WIDTH, wrap=True),
            Column(labels.NO_ANSWER, width=LIST_WIDTH, wrap=True),
            Column(labels.MONITORING_SCHOOLS, format=Format.INTEGER, width=11),
            Column(labels.OTHER_TEXTS, width=40, wrap=True),
            Column(labels.QUESTION_KEY, width=16, hidden=True),
            Column(labels.OPTION_KEY, width=12, hidden=True),
        ],
        rows=rows,
        preamble=_preamble(parts, len(schools)),
        frozen_columns=3,
    )


def _schools(parts: Sequence[Export]) -> dict[int, SchoolReport]:
    """Every school of the monitoring's latest period (a report of it, for its names)."""
    found: dict[int, SchoolReport] = {}
    for part in parts:
        for report in part.latest_reports():
            found.setdefault(report.school.id, report)
    return found


def _asked(questions: Sequence[Question], done: Sequence[SchoolReport]) -> Iterator[_Asked]:
    for question in questions:
        if question.repeats:
            items = [
                (report, item)
                for report in done
                for item in group_items(report.answers.get(question.id))
            ]
            for sub in question.questions:
                if sub.type in COUNTED:
                    label = labels.GROUP_QUESTION.format(group=question.text, question=sub.text)
                    given = [
                        _Given(report, item[sub.id], item)
                        for report, item in items
                        if item.get(sub.id) is not None
                    ]
                    key = f"{question.id}.{sub.id}"
                    yield _Asked(sub, key, label, question.questions, given)
        elif question.type in COUNTED:
            given = [
                _Given(report, report.answers[question.id], report.answers)
                for report in done
                if report.answers.get(question.id) is not None
            ]
            yield _Asked(question, question.id, question.text, questions, given)


class _Lister:
    """Lists of the monitoring's schools in the "ООУ №" form, by municipality when several."""

    def __init__(self, schools: dict[int, SchoolReport]) -> None:
        self.schools = schools
        self.several_towns = len({report.municipality for report in schools.values()}) > 1

    def __call__(self, school_ids: Iterable[int], notes: Mapping[int, str] | None = None) -> str:
        by_town: dict[str, list[Listed]] = {}
        for school_id in school_ids:
            report = self.schools[school_id]
            listed = Listed(report.school.short_name, (notes or {}).get(school_id, ""))
            by_town.setdefault(report.municipality, []).append(listed)
        if not self.several_towns:
            return ooo_list(entry for entries in by_town.values() for entry in entries)
        return "; ".join(
            f"{town}: {ooo_list(entries)}" for town, entries in sorted(by_town.items())
        )

    def name(self, school_id: int) -> str:
        report = self.schools[school_id]
        short = ooo_list([report.school.short_name])
        return f"{report.municipality}, {short}" if self.several_towns else short


def _rows(form: str, asked: _Asked, lister: _Lister) -> list[list[CellValue]]:
    total = len(lister.schools)
    answered = {given.report.school.id for given in asked.given}
    no_answer = [school_id for school_id in lister.schools if school_id not in answered]
    rows: list[list[CellValue]] = []
    for option_key, option_label in choices(asked.question):
        chosen = [g for g in asked.given if is_chosen(asked.question, option_key, g.value)]
        with_ids = {given.report.school.id for given in chosen}
        without = [school_id for school_id in answered if school_id not in with_ids]
        notes = _grades_notes(asked, option_key, chosen)
        texts = _other_texts(chosen, lister) if option_key == "other" else ""
        rows.append(
            [
                form,
                asked.label,
                option_label,
                lister(with_ids, notes) or None,
                len(with_ids),
                round(len(with_ids) / total, 6) if total else None,
                lister(without) or None,
                lister(no_answer) or None,
                total,
                texts or None,
                asked.key,
                option_key,
            ]
        )
    return rows


def _grades_notes(asked: _Asked, option_key: str, chosen: Sequence[_Given]) -> dict[int, str]:
    """Each school's grades for this answer, when it shows a grades question (all its items')."""
    grades = grades_for(asked.question, option_key, asked.siblings)
    if grades is None:
        return {}
    found: dict[int, set[int]] = {}
    for given in chosen:
        value = given.asked_with.get(grades.id)
        if isinstance(value, list):
            found.setdefault(given.report.school.id, set()).update(int(g) for g in value)
    return {school_id: grades_note(values) for school_id, values in found.items()}


def _other_texts(chosen: Sequence[_Given], lister: _Lister) -> str:
    """ "ООУ № 11: вебинар; Мирненская СОШ: …", in the order of the schools."""
    texts: dict[int, list[str]] = {}
    for given in chosen:
        text = given.value.get("other") if isinstance(given.value, dict) else None
        if text and str(text) not in texts.get(given.report.school.id, []):
            texts.setdefault(given.report.school.id, []).append(str(text))
    return "; ".join(
        f"{lister.name(school_id)}: {'; '.join(texts[school_id])}"
        for school_id in lister.schools
        if school_id in texts
    )


def _preamble(parts: Sequence[Export], total: int) -> list[list[CellValue]]:
    if not parts:
        return []
    first = parts[0]
    lines: list[list[CellValue]] = [
        [labels.PERIOD, first.latest.label],
        [labels.SCOPE, first.scope],
        [labels.GENERATED, first.generated_at.replace(tzinfo=None, microsecond=0)],
        [labels.COUNTED, None],
        [labels.MONITORING_SCHOOLS, total],
    ]
    for part in parts:
        latest = part.latest_reports()
        done = sum(report.done for report in latest)
        lines.append(
            [
                labels.FORM_SUBMITTED.format(form=part.short_title),
                done,
                labels.OF.format(total=len(latest)),
            ]
        )
    return lines
