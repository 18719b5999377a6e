"""The pydantic models of a form: what they accept, what they refuse, their helpers."""

from typing import Any

import pytest
from pydantic import ValidationError

from core.forms.models import BUTTON_CHARS, Condition, FormDefinition, Question, QuestionType
from tests.forms.builders import form_data, make_form, make_question, options, question


def refused(data: dict[str, Any]) -> str:
    with pytest.raises(ValidationError) as caught:
        FormDefinition.model_validate(data)
    return str(caught.value)


def test_every_type_can_be_declared() -> None:
    form = make_form(
        question("held", "yes_no"),
        question("status", "single_choice", options=options("a", "b"), other=True),
        question("forms", "multi_choice", options=options("a", "b"), min_selected=1),
        question("count", "integer", min=0, max=100, unit="чел."),
        question("ratio", "decimal"),
        question("share", "percent"),
        question("on", "date", not_in_future=True),
        question("name", "text"),
        question("note", "long_text", required=False),
        question("link", "url", several=True),
        question("grades", "grades"),
        question("proof", "file", required=False),
        question("items", "group", item_name="Пункт", questions=[question("title", "text")]),
        question(
            "results",
            "table",
            key=["subject"],
            questions=[
                question("subject", "single_choice", options=options("math", "russian")),
                question("fail", "percent", short="«2»"),
            ],
        ),
    )
    assert [q.type for q in form.questions] == list(QuestionType)


def test_defaults() -> None:
    asked = make_question("name", "text")
    assert asked.required is True
    assert asked.show_if == []
    assert asked.checks == []
    assert asked.min_length == 1
    assert asked.max_items == 50


@pytest.mark.parametrize(
    ("type_", "max_length", "limit"),
    [("text", None, 300), ("long_text", None, 3000), ("text", 40, 40), ("long_text", 500, 500)],
)
def test_text_limit(type_: str, max_length: int | None, limit: int) -> None:
    assert make_question("name", type_, max_length=max_length).text_limit == limit


def test_option_lookup() -> None:
    asked = make_question("status", "single_choice", options=options("draft", "approved"))
    option = asked.option("approved")
    assert option is not None
    assert option.label == "Approved"
    assert asked.option("other") is None


def test_form_lookups() -> None:
    data = form_data(question("a", "text"))
    data["sections"].append({"title": "Второй", "questions": [question("b", "integer")]})
    form = FormDefinition.model_validate(data)
    assert [q.id for q in form.questions] == ["a", "b"]
    found = form.question("b")
    assert found is not None
    assert found.type is QuestionType.INTEGER
    assert form.question("missing") is None
    assert form.section_of("b").title == "Второй"


def test_group_sub_questions_are_not_top_level() -> None:
    form = make_form(question("items", "group", questions=[question("title", "text")]))
    assert form.question("title") is None
    assert [sub.id for sub in form.questions[0].questions] == ["title"]


@pytest.mark.parametrize(
    "condition",
    [
        {"question": "a", "equals": False},
        {"question": "a", "equals": 0},
        {"question": "a", "one_of": []},
        {"question": "a", "includes": "x"},
        {"question": "a", "answered": False},
    ],
)
def test_a_condition_has_exactly_one_test(condition: dict[str, Any]) -> None:
    Condition.model_validate(condition)


@pytest.mark.parametrize(
    "condition",
    [
        {"question": "a"},
        {"question": "a", "equals": True, "answered": True},
        {"question": "a", "one_of": ["x"], "includes": "x"},
    ],
)
def test_a_condition_with_no_or_two_tests_is_refused(condition: dict[str, Any]) -> None:
    with pytest.raises(ValidationError, match="exactly one of"):
        Condition.model_validate(condition)


def test_condition_may_name_the_other_option() -> None:
    make_form(
        question("status", "single_choice", options=options("a"), other=True),
        question("note", "text", show_if=[{"question": "status", "equals": "other"}]),
    )


def test_condition_values_on_non_choice_questions_are_free() -> None:
    make_form(
        question("grades", "grades"),
        question("note", "text", show_if=[{"question": "grades", "includes": 9}]),
    )


def test_cross_check_between_numbers() -> None:
    form = make_form(
        question("total", "integer"),
        question(
            "part",
            "percent",
            checks=[{"compare": "<=", "question": "total", "message": "Больше общего."}],
        ),
    )
    assert form.questions[1].checks[0].compare == "<="


def test_check_message_must_not_be_empty() -> None:
    message = refused(
        form_data(
            question("total", "integer"),
            question("part", "integer", checks=[{"compare": "<=", "question": "total"}]),
        )
    )
    assert "message" in message


def test_unknown_comparison_is_refused() -> None:
    message = refused(
        form_data(
            question("total", "integer"),
            question(
                "part",
                "integer",
                checks=[{"compare": "==", "question": "total", "message": "Нет."}],
            ),
        )
    )
    assert "compare" in message


def test_models_are_frozen() -> None:
    asked = make_question("name", "text")
    with pytest.raises(ValidationError):
        asked.text = "Другой"  # type: ignore[misc]


def test_question_equality_is_by_value() -> None:
    assert make_question("name", "text") == Question.model_validate(question("name", "text"))


# --- short button labels of long options ---

LONG = "Родительский патруль (наблюдение за учебным процессом)"  # 54 characters


def choice(*option_list: dict[str, str]) -> Question:
    return make_question("forms", "multi_choice", options=list(option_list))


def test_a_short_label_is_its_own_button() -> None:
    asked = choice({"id": "meetings", "label": "Родительские собрания"})
    assert asked.options[0].button is None
    assert asked.options[0].button_text == "Родительские собрания"
    assert asked.option_legend() == []


def test_a_label_of_exactly_the_limit_needs_no_button() -> None:
    label = "я" * BUTTON_CHARS
    assert choice({"id": "a", "label": label}).options[0].button_text == label


def test_a_long_label_shows_its_short_button() -> None:
    asked = choice(
        {"id": "meetings", "label": "Родительские собрания"},
        {"id": "patrol", "label": LONG, "button": "Родительский патруль"},
    )
    assert [option.button_text for option in asked.options] == [
        "Родительские собрания",
        "Родительский патруль",
    ]
    assert asked.option("patrol") is not None
    assert asked.option_legend() == ["1. Родительские собрания", f"2. {LONG}"]


def test_a_short_label_may_have_a_shorter_button() -> None:
    asked = choice({"id": "a", "label": "Онлайн-встречи и собрания (ВКС)", "button": "ВКС"})
    assert asked.option_legend() == ["1. Онлайн-встречи и собрания (ВКС)"]


def test_a_button_equal_to_its_label_needs_no_legend() -> None:
    asked = choice({"id": "a", "label": "Лектории", "button": "Лектории"})
    assert asked.option_legend() == []


def test_questions_without_options_have_no_legend() -> None:
    assert make_question("name", "text").option_legend() == []


@pytest.mark.parametrize(
    ("option", "expected"),
    [
        (
            {"id": "patrol", "label": LONG},
            "option patrol: label is 54 characters, a phone button shows 35: "
            "add a short `button:` label",
        ),
        (
            {"id": "patrol", "label": LONG, "button": "Патруль " * 5},
            "option patrol: button 'Патруль Патруль Патруль Патруль Патруль ' is 40 characters, "
            "a phone shows at most 35",
        ),
        ({"id": "patrol", "label": LONG, "button": "  "}, "option patrol: button is empty"),
    ],
)
def test_button_rules(option: dict[str, str], expected: str) -> None:
    assert expected in refused(form_data(question("forms", "multi_choice", options=[option])))


def test_a_button_of_exactly_the_limit_is_fine() -> None:
    button = "я" * BUTTON_CHARS
    assert choice({"id": "a", "label": LONG, "button": button}).options[0].button_text == button


def test_two_options_may_not_share_a_button() -> None:
    message = refused(
        form_data(
            question(
                "forms",
                "single_choice",
                options=[
                    {"id": "patrol", "label": LONG, "button": "Патруль"},
                    {"id": "patrol_2", "label": "Патруль"},
                ],
            )
        )
    )
    assert "options patrol and patrol_2 have the same button 'Патруль'" in message
