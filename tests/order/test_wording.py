"""How a form words the analytic order (``OrderWording``, ``Option.finding``/``instruction``):
what a form file may say, and the built-in forms' wording."""

from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from bot.catalog import builtin_forms
from core.forms.models import FormDefinition, Option, OrderWording, Question, QuestionType

OPTIONS = [
    {"id": "yes", "label": "Да"},
    {"id": "no", "label": "Нет"},
]


def _question(
    kind: QuestionType, options: list[dict[str, Any]] | None = None, **order: Any
) -> Question:
    """A question of ``kind`` with this ``order`` wording, validated as a form file is."""
    data: dict[str, Any] = {"id": "q", "type": kind.value, "text": "Вопрос?", "order": order}
    if kind in (QuestionType.SINGLE, QuestionType.MULTI):
        data["options"] = OPTIONS if options is None else options
    return Question.model_validate(data)


@pytest.mark.parametrize(
    ("kind", "order", "error"),
    [
        (
            QuestionType.SINGLE,
            {"finding": "есть", "finding_no": "нет"},
            "order.finding_no is for a yes/no question",
        ),
        (QuestionType.DATE, {"finding_no": "нет"}, "order.finding_no is for a yes/no question"),
        (
            QuestionType.MULTI,
            {"instruction": "Разработать"},
            "order.instruction is for a yes/no question; options carry their own",
        ),
        (
            QuestionType.TEXT,
            {"instruction": "Разработать"},
            "order.instruction is for a yes/no question",
        ),
        (
            QuestionType.SINGLE,
            {"finding": "выбрано {value}"},
            "{value} is for a date, number or text question",
        ),
        (
            QuestionType.SINGLE,
            {"finding": "выбрано {value}", "per_school": True},
            "{value} is for a date, number or text question",
        ),
        (
            QuestionType.YES_NO,
            {"finding": "есть {value}", "per_school": True},
            "{value} is for a date, number or text question",
        ),
        (
            QuestionType.TEXT,
            {"finding": "кроме того размещены материалы", "per_school": True},
            "the finding of an answer to type needs {value}",
        ),
        (
            QuestionType.MULTI,
            {"finding": "проработаны формы", "none_option": "nothing"},
            "order.none_option names 'nothing', not an option",
        ),
        (
            QuestionType.YES_NO,
            {"none_option": "no"},
            "order.none_option names 'no', not an option",
        ),
        (
            QuestionType.TEXT,
            {"finding": "размещены {schools}", "per_school": True},
            r"order.finding: the only placeholder is \{value\}",
        ),
        (
            QuestionType.YES_NO,
            {"finding_no": "нет в {schools}"},
            "order.finding_no takes no placeholder",
        ),
        (
            QuestionType.YES_NO,
            {"instruction": "Разработать {what}"},
            "order.instruction takes no placeholder",
        ),
        (QuestionType.YES_NO, {"omit": True, "finding": "есть"}, "an omitted question has no"),
        (QuestionType.YES_NO, {"omit": True, "instruction": "Сделать"}, "an omitted question"),
        (QuestionType.DATE, {"omit": True, "per_school": True}, "an omitted question has no"),
        (QuestionType.YES_NO, {"finding": ""}, "at least 1 character"),
        (QuestionType.YES_NO, {"finding": "а" * 401}, "at most 400 characters"),
        (QuestionType.YES_NO, {"topic": ""}, "at least 1 character"),
        (QuestionType.YES_NO, {"findings": "есть"}, "Extra inputs are not permitted"),
    ],
)
def test_wording_a_question_cannot_carry(
    kind: QuestionType, order: dict[str, Any], error: str
) -> None:
    with pytest.raises(ValidationError, match=error):
        _question(kind, **order)


def test_an_omitted_questions_options_have_no_wording() -> None:
    options = [{"id": "yes", "label": "Да", "finding": "есть"}, {"id": "no", "label": "Нет"}]
    with pytest.raises(
        ValidationError, match="an omitted question's options have no order wording"
    ):
        _question(QuestionType.SINGLE, options, omit=True)


def test_an_options_wording_has_the_orders_length() -> None:
    with pytest.raises(ValidationError, match="at least 1 character"):
        Option(id="a", label="А", instruction="")
    with pytest.raises(ValidationError, match="at most 400 characters"):
        Option(id="a", label="А", finding="а" * 401)


@pytest.mark.parametrize(
    ("kind", "order"),
    [
        (QuestionType.YES_NO, {"finding": "есть", "finding_no": "нет", "instruction": "Сделать"}),
        (QuestionType.YES_NO, {"finding": "представлена программа", "per_school": True}),
        (QuestionType.MULTI, {"finding": "проработаны формы", "none_option": "no"}),
        (QuestionType.SINGLE, {"per_school": True, "topic": "Положение о ВСОКО"}),
        (QuestionType.DATE, {"finding": "утверждено {value}", "per_school": True}),
        (QuestionType.INTEGER, {"finding": "обучено {value}", "per_school": True}),
        (QuestionType.GRADES, {"finding": "для {value}", "per_school": True}),
        # A detail's own wording of its note, "(до 31.05.2026)".
        (QuestionType.DATE, {"finding": "до {value}"}),
        (QuestionType.LONG_TEXT, {"omit": True}),
    ],
)
def test_wording_a_question_may_carry(kind: QuestionType, order: dict[str, Any]) -> None:
    assert _question(kind, **order).order == OrderWording(**order)


def test_no_wording_is_the_default() -> None:
    question = Question(id="q", type=QuestionType.YES_NO, text="Вопрос?")
    assert question.order == OrderWording()
    assert not question.order.omit
    assert not question.order.per_school


@pytest.mark.parametrize(
    "order",
    [
        {"finding_no": "нет {value}"},
        {"instruction": "Разработать {value}"},
    ],
    ids=["finding_no", "instruction"],
)
def test_value_is_refused_where_there_is_no_value(order: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        _question(QuestionType.YES_NO, **order)


@pytest.mark.parametrize(
    "option",
    [
        {"id": "a", "label": "А", "finding": "есть в {schools}"},
        {"id": "a", "label": "А", "instruction": "Разработать {value}"},
    ],
    ids=["finding", "instruction"],
)
def test_an_options_wording_has_no_placeholder(option: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        _question(QuestionType.SINGLE, [option])


def test_a_finding_the_order_never_says_is_refused() -> None:
    with pytest.raises(ValidationError):
        _question(QuestionType.TEXT, finding="размещены материалы")


# --- the built-in forms ---------------------------------------------------------------------


def _questions(form: FormDefinition) -> Iterator[Question]:
    for question in form.questions:
        yield question
        yield from question.questions


def _wording(kind: str) -> list[tuple[str, str]]:
    """(where, text) of every built-in ``finding``/``finding_no`` (kind "finding") or
    ``instruction`` (kind "instruction"), of questions and of options."""
    names = ("finding", "finding_no") if kind == "finding" else ("instruction",)
    found = []
    for form in builtin_forms().values():
        for question in _questions(form):
            for name in names:
                text = getattr(question.order, name)
                if text is not None:
                    found.append((f"{form.id}.{question.id}.{name}", text))
            for option in question.options:
                text = getattr(option, kind)
                if text is not None:
                    found.append((f"{form.id}.{question.id}.{option.id}.{kind}", text))
    return found


def test_every_builtin_form_validates_as_stored() -> None:
    forms = builtin_forms()
    assert forms
    for form in forms.values():
        assert FormDefinition.model_validate(form.model_dump(mode="json")) == form


def test_the_builtin_forms_word_the_order() -> None:
    assert len(_wording("finding")) > 10
    assert len(_wording("instruction")) > 5


def test_builtin_findings_are_clauses_starting_lowercase() -> None:
    # A finding continues a sentence ("…; проводятся занятия в ООУ № 5") or a school's
    # paragraph ("В МАОУ СОШ № 28 имеется …").
    assert [(where, text) for where, text in _wording("finding") if not text[0].islower()] == []


def test_builtin_instructions_start_with_a_capital() -> None:
    # An instruction is an item of its own ("1.1. Разработать … — ООУ № 66.").
    assert [(where, text) for where, text in _wording("instruction") if not text[0].isupper()] == []
