"""The monitoring-level sheets (По школам, Итоги across forms), built from hand-made Exports.

Five schools of Город Томск answer two forms, as in seed 000: "Доп. занятия" (a yes/no that shows
a grades question and a multiple choice with "other", a date) and "Работа с родителями" (a
multiple choice with "other", a single choice, a date, a repeat group with a choice). ООШ № 38
has only a draft of the first form, Александровская СОШ has not started it, ООШ № 66 has not
started the second; СОШ № 11 sent the first one late.
"""

import io
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from core.export.aggregate import summarize
from core.export.by_school import by_school_sheet
from core.export.findings import findings_sheet
from core.export.layout import charts_sheet, totals_sheet
from core.export.model import Export, Period, SchoolReport
from core.export.school_lists import Listed, ooo_list
from core.forms.models import Condition, Option, Question, QuestionType
from exports.tables import CellValue, Sheet
from exports.workbook import render_workbook
from storage.directory import School
from storage.responses import Status
from tests.factories import school_report

TOMSK = ZoneInfo("Asia/Tomsk")
DEADLINE = datetime(2021, 1, 25, 23, 59, tzinfo=TOMSK)
GENERATED = datetime(2021, 1, 28, 12, tzinfo=TOMSK)

SCHOOLS = {
    "Александровская СОШ": School(5, 1, None, "МБОУ «Александровская СОШ»", "Александровская СОШ"),
    "ООШ № 38": School(3, 1, None, "МАОУ ООШ № 38", "ООШ № 38"),
    "ООШ № 66": School(4, 1, None, "МБОУ ООШ № 66", "ООШ № 66"),
    "СОШ № 5": School(1, 1, None, "МАОУ СОШ № 5 имени А.К. Ерохина", "СОШ № 5"),
    "СОШ № 11": School(2, 1, None, "МАОУ СОШ № 11 имени В.И. Смирнова", "СОШ № 11"),
}
ALL_SCHOOLS = list(SCHOOLS)  # the order of the reports (a real export sorts them so)

HELD = Question(id="held", type=QuestionType.YES_NO, text="Проводятся ли доп. занятия?")
IF_HELD = [Condition(question="held", equals=True)]
GRADES = Question(id="grades", type=QuestionType.GRADES, text="Для каких классов?", show_if=IF_HELD)
SUBJECTS = Question(
    id="subjects",
    type=QuestionType.MULTI,
    text="По каким предметам?",
    other=True,
    options=[
        Option(id="russian", label="Русский язык"),
        Option(id="math", label="Математика"),
        Option(id="reading", label="Литературное чтение"),
    ],
    show_if=IF_HELD,
)
SCHEDULE = Question(
    id="schedule", type=QuestionType.DATE, text="Дата утверждения графика", show_if=IF_HELD
)
EXTRA = (HELD, GRADES, SUBJECTS, SCHEDULE)

PARENT_FORMS = Question(
    id="forms",
    type=QuestionType.MULTI,
    text="Формы работы с родителями",
    other=True,
    options=[
        Option(id="meetings", label="Родительские собрания"),
        Option(id="council", label="Совет профилактики"),
        Option(id="lectures", label="Лектории"),
    ],
)
VSOKO = Question(
    id="vsoko",
    type=QuestionType.SINGLE,
    text="Положение о ВСОКО",
    options=[
        Option(id="vsoko", label="положение о ВСОКО"),
        Option(id="vshk", label="только положение о ВШК"),
        Option(id="none", label="нет"),
    ],
)
APPROVED = Question(id="approved", type=QuestionType.DATE, text="Дата утверждения", required=False)
EVENTS = Question(
    id="events",
    type=QuestionType.GROUP,
    text="Мероприятия ИМЦ",
    item_name="Мероприятие",
    questions=[
        Question(
            id="direction",
            type=QuestionType.SINGLE,
            text="Направление",
            other=True,
            options=[
                Option(id="gia", label="Подготовка к ГИА"),
                Option(id="vpr", label="Результаты ВПР"),
            ],
        ),
        Question(id="name", type=QuestionType.TEXT, text="Название"),
        Question(id="teachers", type=QuestionType.INTEGER, text="Учителей", unit="чел."),
    ],
)
PARENTS = (PARENT_FORMS, VSOKO, APPROVED, EVENTS)


def _report(
    school: str,
    status: Status,
    answers: dict[str, Any] | None = None,
    *,
    late: bool = False,
    municipality: str = "Город Томск",
    schools: dict[str, School] = SCHOOLS,
) -> SchoolReport:
    submitted = DEADLINE + timedelta(hours=30 if late else -30)
    return school_report(
        schools[school],
        answers,
        deadline=DEADLINE,
        status=status,
        submitted=submitted,
        municipality=municipality,
    )


def _export(
    key: str, short_title: str, questions: Sequence[Question], reports: Sequence[SchoolReport]
) -> Export:
    return Export(
        form_key=key,
        form_title=short_title,
        short_title=short_title,
        questions=tuple(questions),
        periods=(Period("1 полугодие", (1,), GENERATED),),
        scope="Город Томск",
        generated_at=GENERATED,
        reports=tuple(reports),
        summary=(),
        areas=(),
        dynamics=(),
        sheets=(),
    )


def _subjects(*selected: str, other: str | None = None) -> dict[str, Any]:
    return {"selected": list(selected), "other": other}


def _event(direction: str, name: str, teachers: int, other: str | None = None) -> dict[str, Any]:
    return {
        "direction": {"selected": direction, "other": other},
        "name": name,
        "teachers": teachers,
    }


EXTRA_REPORTS = [
    _report("Александровская СОШ", Status.NOT_STARTED),
    # A draft: its answers are no finding.
    _report(
        "ООШ № 38",
        Status.DRAFT,
        {"held": True, "grades": [5, 6], "subjects": _subjects("russian")},
    ),
    _report("ООШ № 66", Status.SUBMITTED, {"held": False}),
    _report(
        "СОШ № 5",
        Status.ACCEPTED,
        {
            "held": True,
            "grades": [2, 3, 4, 5, 6, 7, 8, 9],
            "subjects": _subjects("russian", "math"),
            "schedule": "2020-09-01",
        },
    ),
    _report(
        "СОШ № 11",
        Status.SUBMITTED,
        {
            "held": True,
            "grades": [9, 5, 6, 7, 8],
            "subjects": _subjects("other", "math", other="астрономия"),
        },
        late=True,
    ),
]
PARENT_REPORTS = [
    _report(
        "Александровская СОШ",
        Status.SUBMITTED,
        {
            "forms": _subjects("lectures"),
            "vsoko": {"selected": "none", "other": None},
            "events": {"items": [_event("other", "Семинар", 2, other="семинар директоров")]},
        },
    ),
    _report(
        "ООШ № 38",
        Status.SUBMITTED,
        {
            "forms": _subjects("meetings"),
            "vsoko": {"selected": "vshk", "other": None},
            "events": {"items": [_event("vpr", "Разбор ВПР", 1)]},
        },
    ),
    _report("ООШ № 66", Status.NOT_STARTED),
    _report(
        "СОШ № 5",
        Status.SUBMITTED,
        {
            "forms": _subjects("council", "meetings"),
            "vsoko": {"selected": "vsoko", "other": None},
            "approved": "2020-12-25",
            "events": {
                "items": [
                    _event("gia", "Семинар «Трудные задания ОГЭ»", 3),
                    _event("vpr", "Разбор ВПР", 5),
                ],
                "done": True,
            },
        },
    ),
    _report(
        "СОШ № 11",
        Status.SUBMITTED,
        {
            "forms": _subjects("other", other="online собрание родительского комитета"),
            "vsoko": {"selected": "vsoko", "other": None},
            "approved": "2020-12-20",
            "events": {"items": [], "done": True},
        },
    ),
]
EXTRA_FORM = _export("extra_classes", "Доп. занятия", EXTRA, EXTRA_REPORTS)
PARENTS_FORM = _export("parents", "Работа с родителями", PARENTS, PARENT_REPORTS)
MONITORING = [EXTRA_FORM, PARENTS_FORM]


def _row(sheet: Sheet, form: str, question: str, option: str) -> dict[str, CellValue]:
    """The Итоги row of this answer, found by its keys (the two last columns), by header."""
    header = [column.title for column in sheet.columns]
    found = [
        row for row in sheet.rows if row[0] == form and row[-2] == question and row[-1] == option
    ]
    assert len(found) == 1
    return dict(zip(header, found[0], strict=True))


def _cells(row: dict[str, CellValue]) -> tuple[CellValue, ...]:
    """The counting cells: with, count, share, without, no answer, schools in the monitoring."""
    return (
        row["Школы с этим ответом"],
        row["Школ"],
        row["Доля от всех школ"],
        row["Ответили иначе"],
        row["Нет ответа (не сдали анкету или не ответили)"],
        row["Школ в мониторинге"],
    )


# --- the short lists ---


def test_ooo_list_puts_numbered_schools_under_one_prefix_and_names_after() -> None:
    assert ooo_list(["ООШ № 38", "СОШ № 28", "СОШ № 5", "Гимназия № 11", "ООШ № 66"]) == (
        "ООУ № 5, 11, 28, 38, 66"
    )
    assert ooo_list(["Мирненская СОШ", "СОШ № 11", "МБОУ «Александровская СОШ»", "СОШ № 5"]) == (
        "ООУ № 5, 11; МБОУ «Александровская СОШ»; Мирненская СОШ"
    )
    assert ooo_list([Listed("СОШ № 11", "5–9 классы"), Listed("СОШ № 5", "2–9 классы")]) == (
        "ООУ № 5 (2–9 классы), 11 (5–9 классы)"
    )
    assert ooo_list([Listed("Мирненская СОШ", "9 класс")]) == "Мирненская СОШ (9 класс)"
    assert ooo_list([]) == ""


# --- Итоги across the forms ---


def test_findings_list_the_schools_with_and_without_each_answer() -> None:
    sheet = findings_sheet(MONITORING)

    assert sheet.title == "Итоги"
    held = "Проводятся ли доп. занятия?"
    yes = _row(sheet, "Доп. занятия", "held", "yes")
    assert (yes["Вопрос"], yes["Ответ"]) == (held, "да")
    # A share of all five schools; the draft (ООШ № 38) and the not started school have no answer.
    assert _cells(yes) == (
        "ООУ № 5 (2–9 классы), 11 (5–9 классы)",
        2,
        0.4,
        "ООУ № 66",
        "ООУ № 38; Александровская СОШ",
        5,
    )
    no = _row(sheet, "Доп. занятия", "held", "no")
    assert _cells(no) == (
        "ООУ № 66",
        1,
        0.2,
        "ООУ № 5, 11",
        "ООУ № 38; Александровская СОШ",
        5,
    )
    subjects_no_answer = "ООУ № 38, 66; Александровская СОШ"  # 66 was not asked (held: no)
    assert _cells(_row(sheet, "Доп. занятия", "subjects", "russian")) == (
        "ООУ № 5",
        1,
        0.2,
        "ООУ № 11",
        subjects_no_answer,
        5,
    )
    assert _cells(_row(sheet, "Доп. занятия", "subjects", "math"))[:4] == (
        "ООУ № 5, 11",
        2,
        0.4,
        None,
    )
    nobody = _row(sheet, "Доп. занятия", "subjects", "reading")
    assert _cells(nobody) == (None, 0, 0.0, "ООУ № 5, 11", subjects_no_answer, 5)
    other = _row(sheet, "Доп. занятия", "subjects", "other")
    assert (other["Ответ"], other["Школы с этим ответом"]) == ("Другое", "ООУ № 11")
    assert other["Пояснения («другое»)"] == "ООУ № 11: астрономия"
    assert nobody["Пояснения («другое»)"] is None
    # Neither grades nor dates get rows: only the answers of choices and yes/no questions.
    assert {row[-2] for row in sheet.rows if row[0] == "Доп. занятия"} == {"held", "subjects"}


def test_findings_of_the_second_form_count_names_groups_and_single_choices() -> None:
    sheet = findings_sheet(MONITORING)

    meetings = _row(sheet, "Работа с родителями", "forms", "meetings")
    assert _cells(meetings) == (
        "ООУ № 5, 38",
        2,
        0.4,
        "ООУ № 11; Александровская СОШ",
        "ООУ № 66",
        5,
    )
    lectures = _row(sheet, "Работа с родителями", "forms", "lectures")
    assert _cells(lectures)[:3] == ("Александровская СОШ", 1, 0.2)
    parent_other = _row(sheet, "Работа с родителями", "forms", "other")
    assert parent_other["Пояснения («другое»)"] == (
        "ООУ № 11: online собрание родительского комитета"
    )
    assert [
        (row[2], row[3])
        for row in sheet.rows
        if row[0] == "Работа с родителями" and row[-2] == "vsoko"
    ] == [
        ("положение о ВСОКО", "ООУ № 5, 11"),
        ("только положение о ВШК", "ООУ № 38"),
        ("нет", "Александровская СОШ"),
    ]
    # A sub-question of a repeat group: a school gives an answer when any of its items does;
    # СОШ № 11 has no items, so no answer.
    vpr = _row(sheet, "Работа с родителями", "events.direction", "vpr")
    assert vpr["Вопрос"] == "Мероприятия ИМЦ — Направление"
    assert _cells(vpr) == (
        "ООУ № 5, 38",
        2,
        0.4,
        "Александровская СОШ",
        "ООУ № 11, 66",
        5,
    )
    gia = _row(sheet, "Работа с родителями", "events.direction", "gia")
    assert _cells(gia)[:4] == ("ООУ № 5", 1, 0.2, "ООУ № 38; Александровская СОШ")
    event_other = _row(sheet, "Работа с родителями", "events.direction", "other")
    assert event_other["Пояснения («другое»)"] == "Александровская СОШ: семинар директоров"
    # The forms follow the given order.
    assert [row[0] for row in sheet.rows].index("Работа с родителями") == len(
        [row for row in sheet.rows if row[0] == "Доп. занятия"]
    )
    assert sheet.preamble[4:] == [
        ["Школ в мониторинге", 5],
        ["Сдали «Доп. занятия»", 3, "из 5"],
        ["Сдали «Работа с родителями»", 4, "из 5"],
    ]


def test_findings_of_a_single_form() -> None:
    sheet = findings_sheet([EXTRA_FORM])

    assert {row[0] for row in sheet.rows} == {"Доп. занятия"}
    assert _cells(_row(sheet, "Доп. занятия", "held", "yes"))[:3] == (
        "ООУ № 5 (2–9 классы), 11 (5–9 классы)",
        2,
        0.4,
    )
    assert sheet.preamble[-1] == ["Сдали «Доп. занятия»", 3, "из 5"]


def test_findings_split_the_lists_by_municipality_when_there_are_several() -> None:
    mirny = School(9, 2, None, "МБОУ «Мирненская СОШ»", "Мирненская СОШ")
    five = School(10, 2, None, "МБОУ «СОШ № 5»", "СОШ № 5")  # a No. 5 in the other town too
    region = {"Мирненская СОШ": mirny, "СОШ № 5": five}
    reports = [
        *EXTRA_REPORTS,
        _report(
            "Мирненская СОШ",
            Status.SUBMITTED,
            {"held": True, "grades": [9]},
            municipality="Томский район",
            schools=region,
        ),
        _report(
            "СОШ № 5",
            Status.SUBMITTED,
            {"held": False},
            municipality="Томский район",
            schools=region,
        ),
    ]
    sheet = findings_sheet([_export("extra_classes", "Доп. занятия", EXTRA, reports)])

    yes = _row(sheet, "Доп. занятия", "held", "yes")
    assert _cells(yes) == (
        "Город Томск: ООУ № 5 (2–9 классы), 11 (5–9 классы); "
        "Томский район: Мирненская СОШ (9 класс)",
        3,
        round(3 / 7, 6),
        "Город Томск: ООУ № 66; Томский район: ООУ № 5",
        "Город Томск: ООУ № 38; Александровская СОШ",
        7,
    )


# --- По школам ---


def _blocks(sheet: Sheet) -> dict[str, list[list[CellValue]]]:
    """The rows of each school's block (without the blank row between blocks), by short name."""
    blocks: dict[str, list[list[CellValue]]] = {}
    for row in sheet.rows:
        if row[0] is not None:
            blocks.setdefault(str(row[0]), []).append(row[1:])
    return blocks


def test_by_school_reads_each_school_form_by_form() -> None:
    sheet = by_school_sheet(MONITORING)

    assert sheet.title == "По школам"
    blocks = _blocks(sheet)
    assert list(blocks) == ALL_SCHOOLS
    assert blocks["СОШ № 5"] == [
        ["МАОУ СОШ № 5 имени А.К. Ерохина", "сдано 2 из 2 анкет"],
        ["Доп. занятия", "принята"],
        ["Проводятся ли доп. занятия?", "да"],
        ["Для каких классов?", "2–9 классы"],
        ["По каким предметам?", "Русский язык; Математика"],
        ["Дата утверждения графика", "01.09.2020"],
        ["Работа с родителями", "сдана"],
        ["Формы работы с родителями", "Родительские собрания; Совет профилактики"],
        ["Положение о ВСОКО", "положение о ВСОКО"],
        ["Дата утверждения", "25.12.2020"],
        [
            "Мероприятия ИМЦ",
            "1) Подготовка к ГИА, Семинар «Трудные задания ОГЭ», 3 чел.\n"
            "2) Результаты ВПР, Разбор ВПР, 5 чел.",
        ],
    ]
    assert blocks["СОШ № 11"] == [
        ["МАОУ СОШ № 11 имени В.И. Смирнова", "сдано 2 из 2 анкет"],
        ["Доп. занятия", "сдана, с опозданием"],
        ["Проводятся ли доп. занятия?", "да"],
        ["Для каких классов?", "5–9 классы"],
        ["По каким предметам?", "Математика; другое: астрономия"],
        ["Работа с родителями", "сдана"],
        ["Формы работы с родителями", "другое: online собрание родительского комитета"],
        ["Положение о ВСОКО", "положение о ВСОКО"],
        ["Дата утверждения", "20.12.2020"],
        ["Мероприятия ИМЦ", "нет"],
    ]
    # A draft's answers are not listed; a form not started reads as not submitted.
    assert blocks["ООШ № 38"][:3] == [
        ["МАОУ ООШ № 38", "сдано 1 из 2 анкет"],
        ["Доп. занятия", "черновик, не сдана"],
        ["Работа с родителями", "сдана"],
    ]
    assert blocks["ООШ № 66"] == [
        ["МБОУ ООШ № 66", "сдано 1 из 2 анкет"],
        ["Доп. занятия", "сдана"],
        ["Проводятся ли доп. занятия?", "нет"],
        ["Работа с родителями", "не сдана"],
    ]
    assert blocks["Александровская СОШ"][:2] == [
        ["МБОУ «Александровская СОШ»", "сдано 1 из 2 анкет"],
        ["Доп. занятия", "не сдана"],
    ]
    assert blocks["Александровская СОШ"][-1] == [
        "Мероприятия ИМЦ",
        "1) другое: семинар директоров, Семинар, 2 чел.",
    ]


def test_by_school_marks_headings_separates_blocks_and_wraps() -> None:
    sheet = by_school_sheet(MONITORING)

    headings = [sheet.rows[index][1:] for index in sorted(sheet.bold_rows)]
    assert headings[:3] == [
        ["МБОУ «Александровская СОШ»", "сдано 1 из 2 анкет"],
        ["Доп. занятия", "не сдана"],
        ["Работа с родителями", "сдана"],
    ]
    assert len(headings) == 5 * 3  # a heading and two forms per school
    blanks = [index for index, row in enumerate(sheet.rows) if row == [None, None, None]]
    assert len(blanks) == 4  # between the five blocks, none at the end
    assert [column.wrap for column in sheet.columns] == [True, True, True]
    assert sum(column.width for column in sheet.columns) <= 95  # an A4 portrait page
    assert sheet.preamble[:3] == [
        ["Период", "1 полугодие"],
        ["Школы", "Город Томск"],
        ["Анкеты", "Доп. занятия; Работа с родителями"],
    ]


def test_by_school_of_a_single_form() -> None:
    blocks = _blocks(by_school_sheet([EXTRA_FORM]))

    assert blocks["ООШ № 66"] == [
        ["МБОУ ООШ № 66", "сдано 1 из 1 анкеты"],
        ["Доп. занятия", "сдана"],
        ["Проводятся ли доп. занятия?", "нет"],
    ]
    # Nothing handed in (a draft is not an answer): the heading says so.
    assert blocks["ООШ № 38"] == [
        ["МАОУ ООШ № 38", "не ответила"],
        ["Доп. занятия", "черновик, не сдана"],
    ]


def test_by_school_says_a_school_that_handed_in_no_form_did_not_answer() -> None:
    """ООШ № 38 with a draft of one form and the other not started: "не ответила"; a school
    with one form of two in keeps its count."""
    parents = [
        _report("ООШ № 38", Status.NOT_STARTED)
        if report.school.short_name == "ООШ № 38"
        else report
        for report in PARENT_REPORTS
    ]
    monitoring = [EXTRA_FORM, _export("parents", "Работа с родителями", PARENTS, parents)]
    blocks = _blocks(by_school_sheet(monitoring))

    assert blocks["ООШ № 38"] == [
        ["МАОУ ООШ № 38", "не ответила"],
        ["Доп. занятия", "черновик, не сдана"],
        ["Работа с родителями", "не сдана"],
    ]
    assert blocks["ООШ № 66"][0] == ["МБОУ ООШ № 66", "сдано 1 из 2 анкет"]


def test_nothing_to_read_gives_empty_sheets() -> None:
    assert by_school_sheet([]).rows == []
    assert findings_sheet([]).rows == []


# --- per-form Итоги: shares of all schools ---


def test_per_form_totals_share_is_of_all_schools_with_no_answer_apart() -> None:
    export = replace(EXTRA_FORM, summary=tuple(summarize(EXTRA, EXTRA_FORM.latest_reports())))
    sheet = totals_sheet(export)
    header = [column.title for column in sheet.columns]
    rows = {(row[0], row[1]): dict(zip(header, row, strict=True)) for row in sheet.rows}

    assert "Доля от всех школ" in header
    yes = rows[("Проводятся ли доп. занятия?", "да")]
    assert (yes["Школ"], yes["Доля от всех школ"], yes["Нет ответа, школ"]) == (2, 0.4, 2)
    math = rows[("По каким предметам?", "Математика")]
    assert (math["Школ"], math["Доля от всех школ"], math["Нет ответа, школ"]) == (2, 0.4, 3)


# --- the workbook ---


def _sheet(content: bytes, title: str) -> Worksheet:
    found = openpyxl.load_workbook(io.BytesIO(content))[title]
    assert isinstance(found, Worksheet)
    return found


def test_the_rendered_sheets_hide_the_keys_wrap_and_bold_the_headings() -> None:
    content = render_workbook([findings_sheet(MONITORING), by_school_sheet(MONITORING)])

    totals = _sheet(content, "Итоги")
    header_at = next(r for r in range(1, totals.max_row + 1) if totals.cell(r, 1).value == "Анкета")
    header = [cell.value for cell in totals[header_at]]
    assert header[-2:] == ["код вопроса", "код ответа"]
    assert totals.column_dimensions["K"].hidden
    assert totals.column_dimensions["L"].hidden
    assert not totals.column_dimensions["D"].hidden
    row = next(
        r
        for r in totals.iter_rows(min_row=header_at + 1)
        if r[0].value == "Доп. занятия" and r[10].value == "held" and r[11].value == "yes"
    )
    assert row[3].value == "ООУ № 5 (2–9 классы), 11 (5–9 классы)"
    assert row[3].alignment.wrap_text
    assert row[5].value == pytest.approx(0.4)
    assert row[5].number_format == "0.0%"

    by_school = _sheet(content, "По школам")
    first = next(
        r
        for r in range(1, by_school.max_row + 1)
        if by_school.cell(r, 1).value == "Александровская СОШ"
    )
    assert by_school.cell(first, 2).value == "МБОУ «Александровская СОШ»"
    assert by_school.cell(first, 2).font.b
    assert by_school.cell(first, 3).alignment.wrap_text
    answer = next(
        r
        for r in range(first, by_school.max_row + 1)
        if by_school.cell(r, 2).value == "Положение о ВСОКО"
    )
    assert not by_school.cell(answer, 2).font.b
    assert by_school.cell(answer, 3).value == "нет"
    assert by_school.column_dimensions["C"].width == 44


def test_chart_shares_are_of_all_schools_with_no_answer_as_a_slice() -> None:
    export = replace(EXTRA_FORM, summary=tuple(summarize(EXTRA, EXTRA_FORM.latest_reports())))
    rows = charts_sheet(export).rows
    start = rows.index(["По каким предметам?", None, None, None])

    assert [(row[0], row[3]) for row in rows[start + 1 : start + 6]] == [
        ("Русский язык", 0.2),
        ("Математика", 0.4),
        ("Литературное чтение", 0.0),
        ("Другое", 0.2),
        ("Нет ответа", 0.6),  # 38 (a draft), 66 (not asked) and Александровская (not started)
    ]
