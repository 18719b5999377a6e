"""A repeat group's numbers are per key, never pooled; a sum is only of counts.

The ВПР form (``bot/forms/vpr.yaml``): one item per subject × grade with "% «2»" and "% «4-5»".
СОШ № 5 and СОШ № 11 both wrote mathematics in grade 5 and Russian in grade 6; the mean of
"% «2»" over mathematics 5 and Russian 6 together, or a sum of percentages, means nothing.
"""

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.catalog import builtin_forms
from core.export import aggregate
from core.export.aggregate import key_questions, summarize
from core.export.layout import districts_sheet, totals_sheet
from core.export.model import Export, Period, QuestionSummary, SchoolReport
from core.export.rollups import areas_of, dynamics_of
from core.forms.models import Option, Question, QuestionType
from exports.tables import CellValue, Sheet
from storage.directory import School
from storage.responses import Status
from tests.factories import school_report

TOMSK = ZoneInfo("Asia/Tomsk")
DEADLINE = datetime(2021, 5, 25, 23, 59, tzinfo=TOMSK)
SCHOOLS = {
    "СОШ № 5": School(1, 1, None, "МАОУ СОШ № 5", "СОШ № 5"),
    "СОШ № 11": School(2, 1, None, "МАОУ СОШ № 11", "СОШ № 11"),
    "ООШ № 38": School(3, 1, None, "МАОУ ООШ № 38", "ООШ № 38"),
}
VPR = builtin_forms()["vpr"]
GROUP = "Результаты ВПР по предметам и классам"
FAIL = f"{GROUP} — Доля отметок «2», %"
HIGH = f"{GROUP} — Доля высоких результатов («4» и «5»), %"
# A top-level count and percentage beside the group: the count is summed, the percentage not.
PUPILS = Question(id="pupils", type=QuestionType.INTEGER, text="Сколько участников ВПР?")
SHARE = Question(id="share", type=QuestionType.PERCENT, text="Доля участников, %")
QUESTIONS = [*VPR.questions, PUPILS, SHARE]


def _item(subject: str, grade: str, fail: float, high: float, other: str | None = None) -> Any:
    return {
        "subject": {"selected": subject, "other": other},
        "grade": {"selected": grade, "other": None},
        "fail_pct": fail,
        "high_pct": high,
    }


def _report(school: str, answers: dict[str, Any], period: int = 0) -> SchoolReport:
    return school_report(
        SCHOOLS[school],
        answers,
        deadline=DEADLINE,
        status=Status.SUBMITTED if answers else Status.NOT_STARTED,
        period=period,
        municipality="Томский район",
    )


def _answers(items: Sequence[Any], pupils: int, share: float) -> dict[str, Any]:
    return {
        "period": "весна 2021",
        "results": {"items": list(items), "done": True},
        "pupils": pupils,
        "share": share,
    }


REPORTS = [
    _report(
        "СОШ № 5",
        _answers([_item("math", "g5", 10, 40), _item("russian", "g6", 20, 30)], 50, 90),
    ),
    _report(
        "СОШ № 11",
        _answers([_item("russian", "g6", 26.5, 35), _item("math", "g5", 30, 20)], 70, 95.5),
    ),
    _report("ООШ № 38", {}),  # not started: in the round, with no answer
]


def _export(reports: Sequence[SchoolReport]) -> Export:
    export = Export(
        form_key="vpr",
        form_title=VPR.title,
        short_title=VPR.short_title,
        questions=tuple(QUESTIONS),
        periods=(Period("весна 2021", (1,), DEADLINE),),
        scope="Томский район",
        generated_at=DEADLINE,
        reports=tuple(reports),
        summary=(),
        areas=(),
        dynamics=(),
        sheets=(),
    )
    latest = export.latest_reports()
    return replace(
        export,
        summary=tuple(summarize(QUESTIONS, latest)),
        areas=tuple(areas_of(QUESTIONS, latest)),
    )


def _summary(summaries: Sequence[QuestionSummary], key: str) -> QuestionSummary:
    return next(summary for summary in summaries if summary.key == key)


def _rows(sheet: Sheet, question: str) -> dict[str, dict[str, CellValue]]:
    header = [column.title for column in sheet.columns]
    return {
        str(row[1]): dict(zip(header, row, strict=True)) for row in sheet.rows if row[0] == question
    }


def test_the_vpr_key_is_subject_and_grade() -> None:
    group = VPR.question("results")
    assert group is not None
    assert [sub.id for sub in key_questions(group)] == ["subject", "grade"]


def test_a_groups_numbers_are_per_key_and_percentages_have_no_sum() -> None:
    fail = _summary(summarize(QUESTIONS, REPORTS), "results.fail_pct")

    assert fail.numbers is None  # nothing over mathematics 5 and Russian 6 together
    assert fail.answered == 2
    assert [(k.key, k.label, k.answered, k.schools) for k in fail.by_key] == [
        ("russian.g6", "Русский язык, 6 класс", 2, "СОШ № 5, 11"),  # the subjects' order
        ("math.g5", "Математика, 5 класс", 2, "СОШ № 5, 11"),
    ]
    russian, math = (keyed.numbers for keyed in fail.by_key)
    assert (russian.count, russian.minimum, russian.mean, russian.maximum) == (2, 20, 23.25, 26.5)
    assert (math.minimum, math.mean, math.median, math.maximum) == (10, 20, 20, 30)
    assert (russian.total, math.total) == (None, None)


def test_the_totals_sheet_reads_per_key_with_no_sum_of_percentages() -> None:
    sheet = totals_sheet(_export(REPORTS))
    fail = _rows(sheet, FAIL)

    assert list(fail) == [
        "Ответили (школ)",
        "Русский язык, 6 класс: ответили (школ)",
        "Русский язык, 6 класс: минимум",
        "Русский язык, 6 класс: среднее",
        "Русский язык, 6 класс: медиана",
        "Русский язык, 6 класс: максимум",
        "Математика, 5 класс: ответили (школ)",
        "Математика, 5 класс: минимум",
        "Математика, 5 класс: среднее",
        "Математика, 5 класс: медиана",
        "Математика, 5 класс: максимум",
    ]
    answered = fail["Ответили (школ)"]
    assert (answered["Школ"], answered["Нет ответа, школ"]) == (2, 1)  # ООШ № 38
    math = fail["Математика, 5 класс: ответили (школ)"]
    assert (math["Школ"], math["Нет ответа, школ"], math["Школы"]) == (2, None, "СОШ № 5, 11")
    assert fail["Математика, 5 класс: среднее"]["Значение"] == 20
    assert fail["Русский язык, 6 класс: среднее"]["Значение"] == 23.25
    assert _rows(sheet, HIGH)["Математика, 5 класс: максимум"]["Значение"] == 40

    values = [row for row in sheet.rows if row[0] in (FAIL, HIGH)]
    assert not any("сумма" in str(row[1]).casefold() for row in values)
    assert "Сумма" not in _rows(sheet, SHARE.text)
    assert _rows(sheet, SHARE.text)["Среднее"]["Значение"] == 92.75


def test_a_count_keeps_its_sum() -> None:
    pupils = _rows(totals_sheet(_export(REPORTS)), PUPILS.text)
    assert {name: row["Значение"] for name, row in pupils.items()} == {
        "Ответили (школ)": None,
        "Минимум": 50,
        "Среднее": 60,
        "Медиана": 60,
        "Максимум": 70,
        "Сумма": 120,
    }


def test_an_integer_the_form_says_is_no_count_has_no_sum() -> None:
    distance = builtin_forms()["social_passport"].question("distance_km")
    assert distance is not None
    assert distance.type is QuestionType.INTEGER
    assert not aggregate.is_count(distance)  # kilometres to the district centre add up to nothing
    assert aggregate.is_count(PUPILS)
    assert not aggregate.is_count(SHARE)
    summary = summarize([distance], [_report("СОШ № 5", {"distance_km": 12})])[0]
    assert summary.numbers is not None
    assert summary.numbers.total is None


def test_a_count_in_a_keyed_group_is_summed_per_key() -> None:
    events = Question(
        id="events",
        type=QuestionType.GROUP,
        text="Мероприятия",
        questions=[
            Question(
                id="direction",
                type=QuestionType.SINGLE,
                text="Направление",
                other=True,
                options=[Option(id="gia", label="ГИА"), Option(id="vpr", label="ВПР")],
            ),
            Question(id="teachers", type=QuestionType.INTEGER, text="Учителей"),
        ],
    )

    def event(direction: str, teachers: int, other: str | None = None) -> dict[str, Any]:
        return {"direction": {"selected": direction, "other": other}, "teachers": teachers}

    reports = [
        _report("СОШ № 5", {"events": {"items": [event("vpr", 3), event("gia", 4)]}}),
        _report(
            "СОШ № 11",
            {
                "events": {
                    "items": [
                        event("vpr", 5),
                        event("other", 2, "Семинар  директоров"),
                        event("other", 1, "семинар директоров"),
                        {"teachers": 9},  # no direction: in no key
                    ]
                }
            },
        ),
    ]
    teachers = _summary(summarize([events], reports), "events.teachers")

    assert [(k.label, k.numbers.count, k.numbers.total) for k in teachers.by_key] == [
        ("ГИА", 1, 4),
        ("ВПР", 2, 8),
        ("Семинар директоров", 2, 3),  # one "other" text, however it was spaced or cased
    ]


def test_many_keys_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(aggregate, "MAX_KEYS", 1)
    export = _export(REPORTS)
    fail = _summary(export.summary, "results.fail_pct")
    assert ([k.label for k in fail.by_key], fail.keys_left_out) == (["Русский язык, 6 класс"], 1)
    rows = _rows(totals_sheet(export), FAIL)
    assert rows["Другие сочетания (без статистики, см. лист повтора), всего"]["Значение"] == 1
    assert not any(name.startswith("Математика") for name in rows)


def test_districts_and_dynamics_are_per_key_too() -> None:
    export = _export(REPORTS)
    districts = districts_sheet(export)
    fail = {row[1]: row[2:] for row in districts.rows if row[0] == FAIL}
    assert fail["Математика, 5 класс: среднее"] == [20, None]
    assert fail["Математика, 5 класс: ответили (школ)"] == [2, None]

    earlier = [
        _report(
            "СОШ № 5",
            _answers([_item("math", "g5", 14, 30), _item("russian", "g6", 22, 25)], 40, 80),
            period=0,
        ),
        *(replace(report, period=1) for report in REPORTS),
    ]
    rows = {(row.question, row.indicator): row.values for row in dynamics_of(QUESTIONS, earlier, 2)}
    assert rows[(FAIL, "Математика, 5 класс: среднее")] == (14, 20)
    assert rows[(FAIL, "Русский язык, 6 класс: среднее")] == (22, 23.25)
    assert (FAIL, "Среднее") not in rows
    assert not any(
        "сумма" in indicator.casefold() for question, indicator in rows if question == FAIL
    )
    assert (SHARE.text, "Сумма") not in rows
    assert rows[(PUPILS.text, "Сумма")] == (40, 120)
