"""По школам: a monitoring (one ``Export`` per form, same schools, same period) read school by
school: the page a methodist writes each school's paragraph of the order from.

Three columns, about an A4 portrait page wide, the last two wrapping: Школа (the short name, on
every row of the block, so that a filter shows one school) | Анкета / вопрос | Ответ. For each
school of the latest period, in the order of the reports:

- a heading, in bold: the full name | how many forms it has in ("сдано 3 из 5 анкет"), or
  "не ответила" when it has handed in none;
- for each form, in the order given, in bold: its short title | its status ("сдана",
  "черновик, не сдана", "не сдана", …);
- under a submitted or accepted form only (a draft is not a finding), one line per answered
  top-level question: its text | the answer (``answer_text``);
- a blank row before the next school.

A form whose round does not include the school is left out of its block and its count.
"""

from collections.abc import Sequence

from core.export import labels
from core.export.answer_text import answer_text
from core.export.model import Export, SchoolReport, Timeliness
from exports.tables import CellValue, Column, Sheet
from texts.plurals import FORMS_GENITIVE, word

SCHOOL_WIDTH = 12
ITEM_WIDTH = 38
ANSWER_WIDTH = 44


def by_school_sheet(parts: Sequence[Export]) -> Sheet:
    latest = [{report.school.id: report for report in part.latest_reports()} for part in parts]
    several_towns = len({r.municipality for reports in latest for r in reports.values()}) > 1
    rows: list[list[CellValue]] = []
    bold: set[int] = set()
    for school_id in _schools(parts):
        if rows:
            rows.append([None, None, None])
        forms = [
            (part, reports[school_id])
            for part, reports in zip(parts, latest, strict=True)
            if school_id in reports
        ]
        first = forms[0][1]
        short = first.school.short_name
        name = first.school.full_name
        if several_towns:
            name = f"{name} ({first.municipality})"
        done = sum(report.done for _, report in forms)
        total = len(forms)
        heading = (
            labels.SCHOOL_FORMS_DONE.format(
                done=done, total=total, forms=word(total, FORMS_GENITIVE)
            )
            if done
            else labels.SCHOOL_NOT_ANSWERED
        )
        bold.add(len(rows))
        rows.append([short, name, heading])
        for part, report in forms:
            bold.add(len(rows))
            rows.append([short, part.short_title, _status(report)])
            if report.done:
                rows += [[short, text, answer] for text, answer in _lines(part, report)]
    return Sheet(
        title=labels.BY_SCHOOL,
        columns=[
            Column(labels.SCHOOL, width=SCHOOL_WIDTH, wrap=True),
            Column(labels.FORM_OR_QUESTION, width=ITEM_WIDTH, wrap=True),
            Column(labels.ANSWER, width=ANSWER_WIDTH, wrap=True),
        ],
        rows=rows,
        preamble=_preamble(parts),
        bold_rows=frozenset(bold),
    )


def _schools(parts: Sequence[Export]) -> list[int]:
    """Every school of the latest period, in the order of the reports (the first form's, then
    any that only a later form's round includes)."""
    found: dict[int, None] = {}
    for part in parts:
        for report in part.latest_reports():
            found.setdefault(report.school.id)
    return list(found)


def _status(report: SchoolReport) -> str:
    status = labels.FORM_STATUSES[report.status]
    if report.done and report.timeliness is Timeliness.LATE:
        return labels.SUBMITTED_LATE.format(status=status)
    return status


def _lines(part: Export, report: SchoolReport) -> list[tuple[str, str]]:
    return [
        (question.text, answer_text(question, report.answers[question.id]))
        for question in part.questions
        if report.answers.get(question.id) is not None
    ]


def _preamble(parts: Sequence[Export]) -> list[list[CellValue]]:
    if not parts:
        return []
    first = parts[0]
    return [
        [labels.PERIOD, first.latest.label],
        [labels.SCOPE, first.scope],
        [labels.FORMS, "; ".join(part.short_title for part in parts)],
        [labels.GENERATED, first.generated_at.replace(tzinfo=None, microsecond=0)],
    ]
