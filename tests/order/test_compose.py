"""The analytic order's draft composed from hand-made Exports: the clauses with their school
lists and notes, per-school paragraphs, topics, instructions, the schools that did not submit,
the previous period's shares (``core.order.compose``). No database, no Telegram.

The schools are Город Томск's СОШ № 5, 11, ООШ № 38, 66 and the unnumbered Александровская СОШ;
Томский район's СОШ № 2 joins them when a monitoring spans two towns.
"""

import io
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from docx import Document as read_docx

from bot.catalog import builtin_forms
from core.export.model import Export, Period, SchoolReport
from core.forms.models import (
    Condition,
    FormDefinition,
    Option,
    OrderWording,
    Question,
    QuestionType,
    Section,
)
from core.order import (
    MISSING,
    Finding,
    Instruction,
    OrderChoices,
    OrderDraft,
    Share,
    order_document,
    with_wording_of,
)
from core.order.compose import compose_order
from exports.documents import render_document
from storage.directory import School
from storage.responses import Status
from tests.factories import school_report

TOMSK = ZoneInfo("Asia/Tomsk")
DEADLINE = datetime(2026, 1, 25, 23, 59, tzinfo=TOMSK)
CITY = "Город Томск"
DISTRICT = "Томский район"

SCHOOLS = {
    "СОШ № 5": School(1, 1, None, "МАОУ СОШ № 5 имени А.К. Ерохина", "СОШ № 5", "МАОУ"),
    "СОШ № 11": School(2, 1, None, "МАОУ СОШ № 11 имени В.И. Смирнова", "СОШ № 11", "МАОУ"),
    "ООШ № 38": School(3, 1, None, "МАОУ ООШ № 38", "ООШ № 38", "МАОУ"),
    "ООШ № 66": School(4, 1, None, "МБОУ ООШ № 66", "ООШ № 66", "МБОУ"),
    "Александровская СОШ": School(
        5, 1, None, "МБОУ «Александровская СОШ»", "Александровская СОШ", "МБОУ"
    ),
    "Гимназия № 5": School(6, 1, None, "МАОУ Гимназия № 5", "Гимназия № 5", "МАОУ"),
    # Томский район's: a number is unique within a municipality only.
    "район СОШ № 2": School(7, 2, None, "МБОУ СОШ № 2 Томского района", "СОШ № 2", "МБОУ"),
}
TOWNS = {"район СОШ № 2": DISTRICT}

PERIODS = (
    Period("1 полугодие 2024/25", (1,), datetime(2024, 12, 1, tzinfo=TOMSK)),
    Period("1 полугодие 2025/26", (2,), datetime(2025, 12, 1, tzinfo=TOMSK)),
)
MISSING_ACTION = "Представить результаты мониторинга в полном объёме"


# --- building forms and exports by hand ------------------------------------------------------


def _yes_no(question_id: str, text: str = "Вопрос?", **order: Any) -> Question:
    return Question(
        id=question_id, type=QuestionType.YES_NO, text=text, order=OrderWording(**order)
    )


def _choice(
    question_id: str,
    options: Sequence[Option],
    *,
    multi: bool = False,
    text: str = "Выбор",
    other: bool = False,
    **order: Any,
) -> Question:
    return Question(
        id=question_id,
        type=QuestionType.MULTI if multi else QuestionType.SINGLE,
        text=text,
        options=list(options),
        other=other,
        order=OrderWording(**order),
    )


def _shown_if(question_id: str, **test: Any) -> list[Condition]:
    return [Condition(question=question_id, **test)]


def _form(
    key: str, *sections: tuple[str, Sequence[Question]], short_title: str | None = None
) -> FormDefinition:
    return FormDefinition(
        id=key,
        version=1,
        title=f"Анкета {key}",
        short_title=short_title or key,
        sections=[Section(title=title, questions=list(found)) for title, found in sections],
    )


def _report(
    school: str,
    answers: dict[str, Any] | None = None,
    status: Status = Status.SUBMITTED,
    *,
    period: int = 0,
) -> SchoolReport:
    return school_report(
        SCHOOLS[school],
        answers,
        deadline=DEADLINE,
        status=status,
        period=period,
        municipality=TOWNS.get(school, CITY),
    )


def _export(
    form: FormDefinition,
    reports: Sequence[SchoolReport],
    *,
    periods: int = 1,
    title: str = "Мониторинг выполнения программы ШНОР",
) -> Export:
    return Export(
        form_key=form.id,
        form_title=title,
        short_title=form.short_title,
        questions=tuple(form.questions),
        periods=PERIODS[-periods:],
        scope=CITY,
        generated_at=DEADLINE,
        reports=tuple(reports),
        summary=(),
        areas=(),
        dynamics=(),
        sheets=(),
    )


def _draft(form: FormDefinition, reports: Sequence[SchoolReport], **export: Any) -> OrderDraft:
    """The draft of a one-form monitoring."""
    return compose_order(_export(form, reports, **export), {form.id: form}, campaign_id=2)


def _monitoring(*forms: tuple[FormDefinition, Sequence[SchoolReport]]) -> OrderDraft:
    """The draft of a monitoring of several forms, assembled as ``core.export.build`` does."""
    parts = tuple(_export(form, reports) for form, reports in forms)
    export = replace(
        parts[0],
        form_key="+".join(part.form_key for part in parts),
        form_title="Мониторинг ВСОКО",
        short_title="ВСОКО",
        questions=(),
        parts=parts,
    )
    return compose_order(export, {form.id: form for form, _ in forms}, campaign_id=2)


def _with_topic(question: Question, topic: str) -> Question:
    return question.model_copy(update={"order": question.order.model_copy(update={"topic": topic})})


def _sentences(draft: OrderDraft) -> list[str]:
    return [finding.sentence for finding in draft.findings]


HELD = _yes_no("held", "Проводятся ли доп. занятия?", finding="проводятся дополнительные занятия")
GRADES = Question(
    id="grades",
    type=QuestionType.GRADES,
    text="Для каких классов?",
    show_if=_shown_if("held", equals=True),
)
EXTRA = _form("extra", ("Дополнительные занятия", [HELD, GRADES]))

FORMS_OF_WORK = _choice(
    "student_forms",
    [
        Option(id="hours", label="Классные часы"),
        Option(id="vks", label="ВКС"),
        Option(id="none", label="Отдельных форм работы нет"),
    ],
    multi=True,
    other=True,
    finding="проработаны активные формы работы с обучающимися",
    none_option="none",
)
WORK = _form("work", ("Формы работы", [FORMS_OF_WORK]))


# --- clauses and their notes ------------------------------------------------------------------


def test_a_yes_finding_lists_the_schools_with_their_grades() -> None:
    draft = _draft(
        EXTRA,
        [
            _report("СОШ № 11", {"held": True, "grades": [9, 5, 6, 7, 8]}),
            _report("ООШ № 66", {"held": False}),
            _report("СОШ № 5", {"held": True, "grades": [2, 3, 4, 5, 6, 7, 8, 9]}),
            _report("ООШ № 38", {"held": True, "grades": [9]}),
        ],
    )
    assert _sentences(draft) == [
        "Проводятся дополнительные занятия в ООУ № 5 (2–9 классы), 11 (5–9 классы), 38 (9 класс)."
    ]
    assert draft.findings[0].shares == (
        Share("Проводятся дополнительные занятия", 3, 4, always=True),
    )


def test_a_single_school_is_named_by_its_legal_form() -> None:
    draft = _draft(
        EXTRA,
        [
            _report("СОШ № 5", {"held": True, "grades": [2, 3, 4]}),
            _report("СОШ № 11", {"held": False}),
        ],
    )
    assert _sentences(draft) == ["Проводятся дополнительные занятия в МАОУ СОШ № 5 (2–4 классы)."]


def test_finding_no_lists_the_schools_that_answered_no() -> None:
    form = _form(
        "extra",
        ("Занятия", [_yes_no("held", finding="занятия проводятся", finding_no="занятий нет")]),
    )
    draft = _draft(
        form,
        [
            _report("СОШ № 5", {"held": True}),
            _report("ООШ № 38", {"held": False}),
            _report("ООШ № 66", {"held": False}),
        ],
    )
    assert _sentences(draft) == ["Занятия проводятся в МАОУ СОШ № 5; занятий нет в ООУ № 38, 66."]
    assert draft.findings[0].shares == (
        Share("Занятия проводятся", 1, 3, always=True),
        Share("Занятий нет", 2, 3, always=True),
    )


def test_a_short_text_the_answer_shows_is_the_note() -> None:
    contest = _yes_no("contest", finding="обучающиеся участвовали в конкурсе «Лидер»")
    shown = _shown_if("contest", equals=True)
    # A long text is no note, however early it comes; a short one (≤ 60 characters) is.
    story = Question(id="story", type=QuestionType.LONG_TEXT, text="Расскажите", show_if=shown)
    year = Question(
        id="year", type=QuestionType.TEXT, text="В каком году?", max_length=20, show_if=shown
    )
    form = _form("contests", ("Конкурсы", [contest, story, year]))
    draft = _draft(
        form,
        [
            _report("СОШ № 5", {"contest": True, "story": "Долго", "year": "2023"}),
            _report("СОШ № 11", {"contest": True, "year": "  Победа   в 2024 году. "}),
            _report("ООШ № 38", {"contest": True}),
        ],
    )
    assert _sentences(draft) == [
        "Обучающиеся участвовали в конкурсе «Лидер» в ООУ № 5 (2023), 11 (победа в 2024 году), 38."
    ]


@pytest.mark.parametrize(
    ("detail", "value", "note"),
    [
        (
            Question(id="detail", type=QuestionType.DATE, text="Когда?"),
            "2025-09-01",
            "от 01.09.2025",
        ),
        (Question(id="detail", type=QuestionType.PERCENT, text="Доля"), 45, "45 %"),
        (
            Question(id="detail", type=QuestionType.INTEGER, text="Сколько?", unit="чел."),
            12,
            "12 чел.",
        ),
        (
            Question(
                id="detail",
                type=QuestionType.INTEGER,
                text="Сколько?",
                unit="мероприятие|мероприятия|мероприятий",
            ),
            5,
            "5 мероприятий",
        ),
        (Question(id="detail", type=QuestionType.INTEGER, text="Сколько?"), 5, None),
        (Question(id="detail", type=QuestionType.TEXT, text="Что?", max_length=60), "Да", "да"),
        (Question(id="detail", type=QuestionType.TEXT, text="Что?", max_length=61), "Да", None),
    ],
    ids=["date", "percent", "unit", "unit-forms", "no-unit", "text-60", "text-61"],
)
def test_a_detail_is_a_date_a_percent_a_number_with_a_unit_or_a_short_text(
    detail: Question, value: Any, note: str | None
) -> None:
    held = _yes_no("held", finding="проводится работа")
    shown = detail.model_copy(update={"show_if": _shown_if("held", equals=True)})
    draft = _draft(
        _form("extra", ("Работа", [held, shown])),
        [_report("СОШ № 5", {"held": True, "detail": value})],
    )
    listed = "МАОУ СОШ № 5" + (f" ({note})" if note else "")
    assert _sentences(draft) == [f"Проводится работа в {listed}."]


def test_a_details_own_wording_words_its_note() -> None:
    held = _yes_no("held", finding="утвержден график занятий")
    until = Question(
        id="until",
        type=QuestionType.DATE,
        text="До какой даты действует?",
        show_if=_shown_if("held", equals=True),
        order=OrderWording(finding="до {value}"),
    )
    draft = _draft(
        _form("extra", ("График", [held, until])),
        [
            _report("СОШ № 5", {"held": True, "until": "2026-05-31"}),
            _report("СОШ № 11", {"held": True, "until": "2026-06-15"}),
        ],
    )
    assert _sentences(draft) == [
        "Утвержден график занятий в ООУ № 5 (до 31.05.2026), 11 (до 15.06.2026)."
    ]


def test_a_detail_shown_by_the_other_answer_is_not_this_answers_note() -> None:
    held = _yes_no("held", finding="занятия проводятся", finding_no="занятия не проводятся")
    reason = Question(
        id="reason",
        type=QuestionType.TEXT,
        text="Почему?",
        max_length=40,
        show_if=_shown_if("held", equals=False),
    )
    draft = _draft(
        _form("extra", ("Занятия", [held, reason])),
        [
            _report("СОШ № 5", {"held": True}),
            _report("ООШ № 66", {"held": False, "reason": "Нет учителя"}),
        ],
    )
    assert _sentences(draft) == [
        "Занятия проводятся в МАОУ СОШ № 5; занятия не проводятся в МБОУ ООШ № 66 (нет учителя)."
    ]


def test_a_multiple_choice_finding_lists_what_each_school_chose_but_none() -> None:
    draft = _draft(
        WORK,
        [
            _report("СОШ № 5", {"student_forms": {"selected": ["hours", "vks"]}}),
            _report("СОШ № 11", {"student_forms": {"selected": ["none"]}}),
            # "none" among others: the others count, "none" is not listed.
            _report("ООШ № 38", {"student_forms": {"selected": ["vks", "none"]}}),
        ],
    )
    # Labels start lowercase inside the sentence; an abbreviation ("ВКС") stays as it is.
    assert _sentences(draft) == [
        "Проработаны активные формы работы с обучающимися в ООУ № 5 (классные часы, ВКС), 38 (ВКС)."
    ]
    assert draft.findings[0].shares == (
        Share("Проработаны активные формы работы с обучающимися", 2, 3),
    )


def test_the_other_text_is_among_the_chosen_forms() -> None:
    draft = _draft(
        WORK,
        [
            _report(
                "СОШ № 5",
                {"student_forms": {"selected": ["hours", "other"], "other": " Тренинги. "}},
            ),
            # "other" ticked with no text says nothing, and so is no form of work.
            _report("СОШ № 11", {"student_forms": {"selected": ["other"], "other": ""}}),
        ],
    )
    assert _sentences(draft) == [
        "Проработаны активные формы работы с обучающимися в МАОУ СОШ № 5 (классные часы, тренинги)."
    ]


def test_an_options_finding_lists_the_schools_that_chose_it() -> None:
    mechanisms = _choice(
        "mechanisms",
        [
            Option(id="developed", label="Разработаны", finding="разработаны механизмы"),
            Option(id="none", label="Нет", finding="не разработаны механизмы"),
            Option(id="unsure", label="Не знаю"),
        ],
    )
    draft = _draft(
        _form("management", ("Механизмы", [mechanisms])),
        [
            _report("СОШ № 5", {"mechanisms": {"selected": "developed"}}),
            _report("СОШ № 11", {"mechanisms": {"selected": "developed"}}),
            _report("ООШ № 66", {"mechanisms": {"selected": "none"}}),
            _report("ООШ № 38", {"mechanisms": {"selected": "unsure"}}),
        ],
    )
    assert _sentences(draft) == [
        "Разработаны механизмы в ООУ № 5, 11; не разработаны механизмы в МБОУ ООШ № 66."
    ]
    # An option is no yes/no: a line nobody chose is said only if someone did before.
    assert draft.findings[0].shares == (
        Share("Разработаны механизмы", 2, 4),
        Share("Не разработаны механизмы", 1, 4),
    )


# --- merging the lists --------------------------------------------------------------------------


def test_clauses_in_a_row_with_the_same_schools_share_one_list() -> None:
    form = _form(
        "management",
        (
            "Анализ",
            [
                _yes_no("causes", finding="проанализированы причины"),
                _yes_no("decisions", finding="приняты управленческие решения"),
                _yes_no("roadmap", finding="разработана дорожная карта"),
                _yes_no("meetings", finding="проведены совещания"),
            ],
        ),
    )
    everything = {"causes": True, "decisions": True, "roadmap": True, "meetings": True}
    draft = _draft(
        form,
        [
            _report("СОШ № 5", everything),
            _report("СОШ № 11", {**everything, "roadmap": False}),
        ],
    )
    # The same list again after a different one is a new list: only neighbours merge.
    assert _sentences(draft) == [
        "Проанализированы причины, приняты управленческие решения в ООУ № 5, 11; "
        "разработана дорожная карта в МАОУ СОШ № 5; проведены совещания в ООУ № 5, 11."
    ]


def test_the_same_schools_with_different_notes_are_not_merged() -> None:
    form = _form(
        "extra",
        (
            "Занятия",
            [
                HELD,
                GRADES,
                _yes_no("consultations", finding="проводятся консультации"),
            ],
        ),
    )
    draft = _draft(
        form,
        [
            _report("СОШ № 5", {"held": True, "grades": [5, 6], "consultations": True}),
            _report("СОШ № 11", {"held": True, "grades": [7], "consultations": True}),
        ],
    )
    assert _sentences(draft) == [
        "Проводятся дополнительные занятия в ООУ № 5 (5–6 классы), 11 (7 класс); "
        "проводятся консультации в ООУ № 5, 11."
    ]


# --- per-school paragraphs -----------------------------------------------------------------------


VSOKO = _form(
    "vsoko",
    (
        "Положение о ВСОКО",
        [
            _choice(
                "regulation",
                [
                    Option(
                        id="vsoko", label="Положение о ВСОКО", finding="имеется положение о ВСОКО"
                    ),
                    Option(id="none", label="Нет", finding="положение о ВСОКО отсутствует"),
                    Option(id="draft", label="В разработке"),
                ],
                per_school=True,
            ),
            Question(
                id="approved_on",
                type=QuestionType.DATE,
                text="Дата утверждения",
                required=False,
                order=OrderWording(finding="утверждено {value}", per_school=True),
            ),
        ],
    ),
)


def test_per_school_questions_make_a_paragraph_for_each_school_in_the_orders_order() -> None:
    draft = _draft(
        VSOKO,
        [
            _report("Александровская СОШ", {"regulation": {"selected": "vsoko"}}),
            _report(
                "ООШ № 38",
                {"regulation": {"selected": "vsoko"}, "approved_on": "2021-09-01"},
            ),
            _report("СОШ № 11", {"regulation": {"selected": "none"}}),
            _report(
                "СОШ № 5",
                {"regulation": {"selected": "vsoko"}, "approved_on": "2020-08-28"},
            ),
            # An option with no finding says nothing: no paragraph.
            _report("ООШ № 66", {"regulation": {"selected": "draft"}}),
        ],
    )
    (finding,) = draft.findings
    # Told only school by school: the sentence is the topic's lead.
    assert finding.sentence == "Положение о ВСОКО:"
    assert finding.per_school[:3] == (
        "В МАОУ СОШ № 5 имеется положение о ВСОКО, утверждено 28.08.2020.",
        "В МАОУ СОШ № 11 положение о ВСОКО отсутствует.",
        "В МАОУ ООШ № 38 имеется положение о ВСОКО, утверждено 01.09.2021.",
    )
    # The unnumbered school comes last, its name in quotes after its legal form.
    assert finding.per_school[3] == "В МБОУ «Александровская СОШ» имеется положение о ВСОКО."
    assert finding.shares == ()


def test_per_school_yes_no_number_and_text_phrases() -> None:
    form = _form(
        "vsoko",
        (
            "Программа ВСОКО",
            [
                _yes_no(
                    "programme",
                    finding="представлена программа ВСОКО",
                    finding_no="программа ВСОКО не представлена",
                    per_school=True,
                ),
                _yes_no("council", finding="создан совет", per_school=True),
                Question(
                    id="experts",
                    type=QuestionType.INTEGER,
                    text="Экспертов",
                    unit="эксперт|эксперта|экспертов",
                    order=OrderWording(finding="привлечено {value}", per_school=True),
                ),
                Question(
                    id="extra",
                    type=QuestionType.LONG_TEXT,
                    text="Что ещё?",
                    required=False,
                    order=OrderWording(finding="кроме того, {value}", per_school=True),
                ),
            ],
        ),
    )
    draft = _draft(
        form,
        [
            _report(
                "СОШ № 5",
                {"programme": True, "council": False, "experts": 3, "extra": "Проведён аудит."},
            ),
            _report("СОШ № 11", {"programme": False, "council": True, "experts": 5}),
        ],
    )
    assert draft.findings[0].per_school == (
        "В МАОУ СОШ № 5 представлена программа ВСОКО, привлечено 3 эксперта, "
        "кроме того, проведён аудит.",
        "В МАОУ СОШ № 11 программа ВСОКО не представлена, создан совет, привлечено 5 экспертов.",
    )


def test_a_finding_has_its_clauses_and_then_its_per_school_paragraphs() -> None:
    form = _form(
        "vsoko",
        ("ВСОКО", [_yes_no("held", finding="проводится мониторинг"), *VSOKO.questions]),
    )
    draft = _draft(
        form,
        [
            _report("СОШ № 5", {"held": True, "regulation": {"selected": "vsoko"}}),
            _report("СОШ № 11", {"held": True, "regulation": {"selected": "none"}}),
        ],
    )
    assert draft.findings == (
        Finding(
            "Проводится мониторинг в ООУ № 5, 11.",
            (
                "В МАОУ СОШ № 5 имеется положение о ВСОКО.",
                "В МАОУ СОШ № 11 положение о ВСОКО отсутствует.",
            ),
            (Share("Проводится мониторинг", 2, 2, always=True),),
        ),
    )


def test_a_paragraph_ending_with_a_unit_has_one_period() -> None:
    form = _form(
        "staff",
        (
            "Кадры",
            [
                Question(
                    id="trained",
                    type=QuestionType.INTEGER,
                    text="Обучено",
                    unit="чел.",
                    order=OrderWording(finding="обучено {value}", per_school=True),
                )
            ],
        ),
    )
    draft = _draft(form, [_report("СОШ № 5", {"trained": 12})])
    assert draft.findings[0].per_school == ("В МАОУ СОШ № 5 обучено 12 чел.",)


def test_a_text_answer_that_is_a_name_keeps_its_capital() -> None:
    form = _form(
        "staff",
        (
            "Кадры",
            [
                Question(
                    id="head",
                    type=QuestionType.TEXT,
                    text="Ответственный",
                    order=OrderWording(finding="ответственный — {value}", per_school=True),
                )
            ],
        ),
    )
    draft = _draft(form, [_report("СОШ № 5", {"head": "Иванова Мария Петровна"})])
    assert draft.findings[0].per_school == (
        "В МАОУ СОШ № 5 ответственный — Иванова Мария Петровна.",
    )


def test_an_unnumbered_school_is_named_with_its_name_in_quotes() -> None:
    draft = _draft(VSOKO, [_report("Александровская СОШ", {"regulation": {"selected": "vsoko"}})])
    assert draft.findings[0].per_school == (
        "В МБОУ «Александровская СОШ» имеется положение о ВСОКО.",
    )


def test_an_unnumbered_school_in_a_list_has_its_legal_form() -> None:
    draft = _draft(
        EXTRA,
        [
            _report("СОШ № 5", {"held": True}),
            _report("Александровская СОШ", {"held": True}),
        ],
    )
    assert _sentences(draft) == [
        "Проводятся дополнительные занятия в ООУ № 5; МБОУ «Александровская СОШ»."
    ]


# --- what counts -----------------------------------------------------------------------------


def test_only_handed_in_answers_are_facts() -> None:
    draft = _draft(
        EXTRA,
        [
            _report("СОШ № 5", {"held": True}, Status.ACCEPTED),
            _report("СОШ № 11", {"held": True}, Status.SUBMITTED),
            _report("ООШ № 38", {"held": True, "grades": [5]}, Status.DRAFT),
            _report("ООШ № 66", {"held": True}, Status.RETURNED),
            _report("Александровская СОШ", None, Status.NOT_STARTED),
        ],
    )
    assert _sentences(draft) == ["Проводятся дополнительные занятия в ООУ № 5, 11."]
    assert (draft.submitted, draft.total) == (2, 5)
    assert draft.findings[0].shares == (
        Share("Проводятся дополнительные занятия", 2, 5, always=True),
    )
    assert draft.not_submitted[:2] == ("МАОУ ООШ № 38", "МБОУ ООШ № 66")
    assert len(draft.not_submitted) == 3


def test_the_drafts_header() -> None:
    draft = compose_order(
        _export(
            EXTRA,
            [_report("ООШ № 38", {"held": False}), _report("СОШ № 11", {"held": False})],
        ),
        {"extra": EXTRA},
        campaign_id=9,
        author="Иванова И.И.",
    )
    assert draft.campaign_id == 9
    assert draft.title == "Мониторинг выполнения программы ШНОР"
    assert draft.period == "1 полугодие 2025/26"
    assert draft.previous_period is None
    assert draft.municipality == CITY
    assert draft.municipality_id == 1
    assert draft.schools == ("МАОУ СОШ № 11 имени В.И. Смирнова", "МАОУ ООШ № 38")
    assert draft.submitted_share == Share("Результаты мониторинга представили", 2, 2)
    assert draft.author == "Иванова И.И."


def test_plain_wording_for_a_question_with_none() -> None:
    clubs = _yes_no("clubs", "Работают ли кружки?")
    mode = _choice(
        "mode",
        [Option(id="live", label="Очно"), Option(id="remote", label="Дистанционно")],
        text="Формат занятий:",
        other=True,
    )
    draft = _draft(
        _form("clubs", ("Кружки", [clubs, mode])),
        [
            _report("СОШ № 5", {"clubs": True, "mode": {"selected": "live"}}),
            _report(
                "СОШ № 11", {"clubs": True, "mode": {"selected": "other", "other": "смешанно"}}
            ),
            _report("ООШ № 66", {"clubs": False}),
        ],
    )
    assert draft.findings == (
        Finding(
            "Работают ли кружки: «да» — ООУ № 5, 11; «нет» — МБОУ ООШ № 66; "
            "Формат занятий: «Очно» — МАОУ СОШ № 5; «другое» — МАОУ СОШ № 11."
        ),
    )


def test_omitted_questions_groups_and_answers_to_type_say_nothing() -> None:
    form = _form(
        "misc",
        (
            "Прочее",
            [
                _yes_no("secret", omit=True),
                Question(
                    id="events",
                    type=QuestionType.GROUP,
                    text="Мероприятия",
                    questions=[_yes_no("online", finding="онлайн")],
                ),
                Question(id="when", type=QuestionType.DATE, text="Когда?"),
                Question(id="comment", type=QuestionType.LONG_TEXT, text="Комментарий"),
            ],
        ),
    )
    draft = _draft(
        form,
        [
            _report(
                "СОШ № 5",
                {
                    "secret": True,
                    "events": [{"online": True}],
                    "when": "2025-10-01",
                    "comment": "Всё хорошо",
                },
            )
        ],
    )
    assert draft.findings == ()
    assert draft.instructions == ()


def test_a_topic_whose_clauses_have_no_schools_is_not_numbered() -> None:
    draft = _draft(
        EXTRA,
        [_report("СОШ № 5", {"held": False}), _report("СОШ № 11", {"held": False})],
    )
    # Nothing to say in "выявлено", only the gap for Выводы.
    assert [finding.sentence for finding in draft.findings] == [""]
    assert all(not finding.per_school for finding in draft.findings)


def test_a_yes_no_gap_is_still_in_the_conclusions() -> None:
    draft = _draft(
        EXTRA,
        [_report("СОШ № 5", {"held": False}), _report("СОШ № 11", {"held": False})],
    )
    shares = [share for finding in draft.findings for share in finding.shares]
    assert Share("Проводятся дополнительные занятия", 0, 2, always=True) in shares


# --- topics --------------------------------------------------------------------------------------


def test_sections_are_topics_in_the_forms_order_and_topic_overrides_the_section() -> None:
    form = _form(
        "management",
        (
            "Анализ",
            [
                _yes_no("causes", finding="проанализированы причины"),
                _yes_no("plan", finding="имеется план-график", topic="Подготовка к ГИА"),
            ],
        ),
        ("Решения", [_yes_no("decisions", finding="приняты решения")]),
        ("Итоги", [_yes_no("meetings", finding="проведены совещания", topic="Анализ")]),
    )
    draft = _draft(
        form,
        [_report("СОШ № 5", {"causes": True, "plan": True, "decisions": True, "meetings": True})],
    )
    assert _sentences(draft) == [
        "Проанализированы причины, проведены совещания в МАОУ СОШ № 5.",
        "Имеется план-график в МАОУ СОШ № 5.",
        "Приняты решения в МАОУ СОШ № 5.",
    ]


def test_a_topic_shared_by_two_forms_is_one_finding() -> None:
    topic = "Активные формы работы с родителями и обучающимися"
    parents = _form(
        "parents",
        (
            "Работа с родителями",
            [
                _choice(
                    "parent_forms",
                    [Option(id="meetings", label="Родительские собрания")],
                    multi=True,
                    finding="проработаны формы работы с родителями",
                    topic=topic,
                ),
                _yes_no("individual", finding="ведется индивидуальная работа"),
            ],
        ),
        short_title="Родители",
    )
    students = _form(
        "students",
        ("Работа с обучающимися", [_with_topic(FORMS_OF_WORK, topic)]),
        short_title="Обучающиеся",
    )
    draft = _monitoring(
        (
            parents,
            [
                _report(
                    "СОШ № 5", {"parent_forms": {"selected": ["meetings"]}, "individual": True}
                ),
                _report("СОШ № 11", {"parent_forms": {"selected": []}, "individual": True}),
            ],
        ),
        (
            students,
            [
                _report("СОШ № 5", {"student_forms": {"selected": ["hours"]}}),
                _report("СОШ № 11", {"student_forms": {"selected": ["vks"]}}),
            ],
        ),
    )
    assert _sentences(draft) == [
        "Проработаны формы работы с родителями в МАОУ СОШ № 5 (родительские собрания); "
        "проработаны активные формы работы с обучающимися в ООУ № 5 (классные часы), 11 (ВКС).",
        "Ведется индивидуальная работа в ООУ № 5, 11.",
    ]
    assert [share.text for share in draft.findings[0].shares] == [
        "Проработаны формы работы с родителями",
        "Проработаны активные формы работы с обучающимися",
    ]


def test_without_definitions_each_question_is_its_own_topic() -> None:
    export = _export(
        _form(
            "extra",
            (
                "Занятия",
                [_yes_no("a", "А?", finding="есть А"), _yes_no("b", "Б?", finding="есть Б")],
            ),
        ),
        [_report("СОШ № 5", {"a": True, "b": True})],
    )
    draft = compose_order(export, {}, campaign_id=2)
    assert _sentences(draft) == ["Есть А в МАОУ СОШ № 5.", "Есть Б в МАОУ СОШ № 5."]


# --- instructions --------------------------------------------------------------------------------


def test_instructions_go_to_the_schools_that_lack_and_merge_by_their_text() -> None:
    develop = "Разработать механизмы мониторинга"
    mechanisms = _choice(
        "mechanisms",
        [
            Option(id="developed", label="Разработаны", finding="разработаны механизмы"),
            Option(id="in_progress", label="В процессе", instruction=develop),
            Option(id="none", label="Нет", instruction=develop),
        ],
    )
    plan = _yes_no("plan", finding="разработан план", instruction="Разработать план")
    unused = _yes_no("audit", instruction="Провести аудит")
    form = _form("management", ("Мониторинг", [mechanisms, plan, unused]))
    draft = _draft(
        form,
        [
            _report(
                "СОШ № 5", {"mechanisms": {"selected": "developed"}, "plan": True, "audit": True}
            ),
            _report("ООШ № 38", {"mechanisms": {"selected": "none"}, "plan": False, "audit": True}),
            _report(
                "СОШ № 11",
                {"mechanisms": {"selected": "in_progress"}, "plan": False, "audit": True},
            ),
            # Not handed in: no instruction of the form's, only to hand it in.
            _report("ООШ № 66", {"mechanisms": {"selected": "none"}, "plan": False}, Status.DRAFT),
        ],
    )
    assert draft.instructions == (
        Instruction("management.mechanisms.in_progress", develop, (2, 3), "ООУ № 11, 38"),
        Instruction("management.plan", "Разработать план", (2, 3), "ООУ № 11, 38"),
        Instruction(MISSING, MISSING_ACTION, (4,), "МБОУ ООШ № 66"),
    )


def test_the_same_instruction_in_two_forms_is_one_item() -> None:
    organise = "Организовать работу с родителями"
    first = _form("a", ("А", [_yes_no("x", instruction=organise)]), short_title="А")
    second = _form("b", ("Б", [_yes_no("y", instruction=organise)]), short_title="Б")
    draft = _monitoring(
        (first, [_report("СОШ № 5", {"x": False}), _report("СОШ № 11", {"x": True})]),
        (second, [_report("СОШ № 5", {"y": True}), _report("СОШ № 11", {"y": False})]),
    )
    assert draft.instructions == (Instruction("a.x", organise, (1, 2), "ООУ № 5, 11"),)


def test_an_instruction_nobody_needs_is_left_out() -> None:
    form = _form("extra", ("Занятия", [_yes_no("held", instruction="Организовать занятия")]))
    draft = _draft(form, [_report("СОШ № 5", {"held": True})])
    assert draft.instructions == ()
    assert draft.not_submitted == ()


# --- the schools that did not submit -----------------------------------------------------------


def test_a_one_form_monitoring_lists_the_schools_that_did_not_submit_by_name() -> None:
    draft = _draft(
        EXTRA,
        [
            _report("ООШ № 66", None, Status.NOT_STARTED),
            _report("СОШ № 5", {"held": True}),
            _report("СОШ № 11", {"held": True}, Status.DRAFT),
        ],
    )
    assert draft.not_submitted == ("МАОУ СОШ № 11", "МБОУ ООШ № 66")
    assert draft.instructions == (Instruction(MISSING, MISSING_ACTION, (2, 4), "ООУ № 11, 66"),)
    assert (draft.submitted, draft.total) == (1, 3)


def test_a_several_form_monitoring_says_which_forms_are_missing() -> None:
    first = _form("vsoko", ("А", [_yes_no("x")]), short_title="ВСОКО")
    second = _form("parents", ("Б", [_yes_no("y")]), short_title="Родители")
    third = _form("teachers", ("В", [_yes_no("z")]), short_title="Педагоги")
    done, missing = Status.SUBMITTED, Status.NOT_STARTED
    statuses = {
        "СОШ № 5": (missing, done, done),
        "СОШ № 11": (missing, missing, done),
        "ООШ № 38": (done, done, done),
        "ООШ № 66": (missing, Status.DRAFT, Status.RETURNED),
    }

    def reports(index: int) -> list[SchoolReport]:
        return [_report(school, None, status[index]) for school, status in statuses.items()]

    draft = _monitoring((first, reports(0)), (second, reports(1)), (third, reports(2)))
    assert draft.not_submitted == (
        "МАОУ СОШ № 5 (не сдана анкета «ВСОКО»)",
        "МАОУ СОШ № 11 (не сданы анкеты: ВСОКО, Родители)",
        "МБОУ ООШ № 66 (не сдано ни одной анкеты)",
    )
    assert (draft.submitted, draft.total) == (1, 4)
    assert draft.title == "Мониторинг ВСОКО"
    assert draft.instructions == (
        Instruction(MISSING, MISSING_ACTION, (1, 2, 4), "ООУ № 5, 11, 66"),
    )


# --- the previous period ----------------------------------------------------------------------


def test_shares_carry_the_previous_periods_counts() -> None:
    before = [
        _report("СОШ № 5", {"held": True}, period=0),
        _report("СОШ № 11", {"held": False}, period=0),
        _report("ООШ № 38", {"held": True}, period=0),
        _report("ООШ № 66", {"held": True}, Status.DRAFT, period=0),
    ]
    now = [
        _report("СОШ № 5", {"held": True}, period=1),
        _report("СОШ № 11", {"held": True}, period=1),
        _report("ООШ № 38", {"held": False}, period=1),
        _report("ООШ № 66", {"held": True}, period=1),
    ]
    draft = _draft(EXTRA, before + now, periods=2)
    assert draft.period == "1 полугодие 2025/26"
    assert draft.previous_period == "1 полугодие 2024/25"
    assert draft.findings[0].shares == (
        Share("Проводятся дополнительные занятия", 3, 4, (2, 4), always=True),
    )
    assert draft.submitted_share == Share("Результаты мониторинга представили", 4, 4, (3, 4))
    # The facts are the latest period's only.
    assert _sentences(draft) == ["Проводятся дополнительные занятия в ООУ № 5, 11, 66."]


def test_a_multiple_choice_share_carries_the_previous_count() -> None:
    before = [
        _report("СОШ № 5", {"student_forms": {"selected": ["none"]}}, period=0),
        _report("СОШ № 11", {"student_forms": {"selected": ["hours"]}}, period=0),
    ]
    now = [
        _report("СОШ № 5", {"student_forms": {"selected": ["vks"]}}, period=1),
        _report("СОШ № 11", {"student_forms": {"selected": ["hours"]}}, period=1),
    ]
    draft = _draft(WORK, before + now, periods=2)
    assert draft.findings[0].shares == (
        Share("Проработаны активные формы работы с обучающимися", 2, 2, (1, 2)),
    )


def test_a_question_the_previous_round_did_not_ask_has_no_previous_share() -> None:
    """A question new in this version has no "0 из 2" last time: that would be a false rise."""
    before = [
        _report("СОШ № 5", {"other_question": True}, period=0),
        _report("СОШ № 11", {"other_question": False}, period=0),
    ]
    now = [
        _report("СОШ № 5", {"held": True}, period=1),
        _report("СОШ № 11", {"held": True}, period=1),
    ]
    draft = _draft(EXTRA, before + now, periods=2)
    assert draft.findings[0].shares == (
        Share("Проводятся дополнительные занятия", 2, 2, None, always=True),
    )


def test_a_control_character_in_an_answer_does_not_break_the_document() -> None:
    form = _form(
        "staff",
        (
            "Кадры",
            [
                Question(
                    id="note",
                    type=QuestionType.LONG_TEXT,
                    text="Что ещё?",
                    order=OrderWording(finding="размещены {value}", per_school=True),
                )
            ],
        ),
    )
    draft = _draft(form, [_report("СОШ № 5", {"note": "памятки\x01 и\x0bтренажёры"})])
    content = render_document(order_document(draft, OrderChoices()))
    assert "памятки" in "\n".join(p.text for p in read_docx(io.BytesIO(content)).paragraphs)


@pytest.mark.parametrize(
    ("share", "said"),
    [
        (Share("Есть", 0, 5), False),
        (Share("Есть", 1, 5), True),
        (Share("Есть", 0, 5, always=True), True),
        (Share("Есть", 0, 5, (0, 4)), False),
        (Share("Есть", 0, 5, (2, 4)), True),
    ],
)
def test_a_share_with_no_school_is_said_only_when_it_must_be(share: Share, said: bool) -> None:
    assert share.said is said


# --- several towns -------------------------------------------------------------------------------


def test_several_towns_list_their_schools_by_town() -> None:
    draft = _draft(
        EXTRA,
        [
            _report("район СОШ № 2", {"held": True}),
            _report("СОШ № 11", {"held": True}),
            _report("СОШ № 5", {"held": True}),
            _report("ООШ № 66", {"held": False}),
        ],
    )
    assert _sentences(draft) == [
        "Проводятся дополнительные занятия в Город Томск: ООУ № 5, 11; Томский район: ООУ № 2."
    ]
    assert draft.municipality == "Город Томск, Томский район"
    assert draft.municipality_id is None
    # One school is still named by itself, whatever its town.
    alone = _draft(
        EXTRA,
        [_report("район СОШ № 2", {"held": True}), _report("СОШ № 5", {"held": False})],
    )
    assert _sentences(alone) == ["Проводятся дополнительные занятия в МБОУ СОШ № 2."]


def test_when_nobody_has_handed_in_there_is_nothing_to_number_or_conclude() -> None:
    draft = _draft(
        EXTRA,
        [
            _report("СОШ № 5", {"held": True}, Status.DRAFT),
            _report("СОШ № 11", None, Status.NOT_STARTED),
        ],
    )
    assert draft.numbered == ()
    assert not [share for finding in draft.findings for share in finding.shares if share.said]
    texts = [getattr(block, "text", "") for block in order_document(draft, OrderChoices()).blocks]
    assert "На основе анализа результатов мониторинга выявлено следующее:" not in texts
    assert "– Результаты мониторинга представили 0 из 2 школ (0 %)." in texts


def test_an_older_version_of_a_form_takes_the_current_wording() -> None:
    """A round opened on students_website v2 (no "none" option, no wording) is worded as v3."""
    current = builtin_forms()["students_website"]
    older = current.model_dump(mode="json")
    older["version"] = current.version - 1
    for section in older["sections"]:
        for question in section["questions"]:
            question["order"] = {}
            question["options"] = [o for o in question["options"] if o["id"] != "none"]
            for option in question["options"]:
                option["finding"] = option["instruction"] = None
    stored = FormDefinition.model_validate(older)
    worded = with_wording_of(stored, current)
    forms, wanted = worded.question("student_forms"), current.question("student_forms")
    older_forms = stored.question("student_forms")
    assert forms is not None
    assert wanted is not None
    assert older_forms is not None
    assert forms.order.finding == wanted.order.finding
    assert forms.order.none_option is None  # v2 had no such option
    assert [o.id for o in forms.options] == [o.id for o in older_forms.options]
    audience = worded.question("site_audience")
    assert audience is not None
    assert audience.options[0].finding == "материалы для обучающихся"


def test_schools_sharing_a_number_are_listed_by_their_kind() -> None:
    draft = _draft(
        EXTRA,
        [
            _report("СОШ № 5", {"held": True}),
            _report("Гимназия № 5", {"held": True}),
            _report("СОШ № 11", {"held": True}),
        ],
    )
    assert _sentences(draft) == ["Проводятся дополнительные занятия в Гимназия № 5; СОШ № 5, 11."]
