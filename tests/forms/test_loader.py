"""Malformed form files fail at load, naming the file, the question and what is wrong."""

from pathlib import Path
from typing import Any

import pytest

from bot.catalog import FORMS_DIRECTORY, builtin_forms
from core.forms.loader import FormError, load_form, load_forms
from tests.forms.builders import form_data, options, question, write_form

BUILTIN_IDS = {
    "vsoko",
    "extra_classes",
    "parents",
    "students_website",
    "teachers",
    "roadmap",
    "vpr",
    "management",
    "social_passport",
}


def _check(other: str) -> dict[str, str]:
    return {"compare": "<=", "question": other, "message": "Проверьте числа."}


def load_error(tmp_path: Path, *questions: dict[str, Any]) -> str:
    path = write_form(tmp_path, "broken.yaml", form_data(*questions))
    with pytest.raises(FormError) as caught:
        load_form(path)
    return str(caught.value)


def test_builtin_forms_load() -> None:
    forms = builtin_forms()
    assert set(forms) == BUILTIN_IDS
    assert len(list(FORMS_DIRECTORY.glob("*.yaml"))) == len(BUILTIN_IDS)


def test_a_good_file_loads(tmp_path: Path) -> None:
    path = write_form(tmp_path, "good.yaml", form_data(question("count", "integer", min=0)))
    form = load_form(path)
    assert form.id == "test"
    assert [q.id for q in form.questions] == ["count"]


@pytest.mark.parametrize(
    ("questions", "expected"),
    [
        pytest.param(
            [question("kind", "choice_of_three")],
            ["question kind", "type", "unknown value 'choice_of_three'"],
            id="unknown type",
        ),
        pytest.param(
            [question("count", "integer"), question("count", "text")],
            ["question count", "duplicate id"],
            id="duplicate id",
        ),
        pytest.param(
            [
                question("later_dep", "text", show_if=[{"question": "held", "equals": True}]),
                question("held", "yes_no"),
            ],
            ["question later_dep", "condition names 'held'", "not an earlier question"],
            id="condition on a later question",
        ),
        pytest.param(
            [question("dep", "text", show_if=[{"question": "nowhere", "answered": True}])],
            ["question dep", "condition names 'nowhere'", "not an earlier question"],
            id="condition on an unknown question",
        ),
        pytest.param(
            [question("self_ref", "yes_no", show_if=[{"question": "self_ref", "equals": True}])],
            ["question self_ref", "condition names 'self_ref'"],
            id="condition on itself",
        ),
        pytest.param(
            [question("count", "integer", min=10, max=5)],
            ["question count", "min (10) is greater than max (5)"],
            id="min greater than max",
        ),
        pytest.param(
            [question("forms", "multi_choice", options=[])],
            ["question forms", "non-empty list of options"],
            id="empty choice list",
        ),
        pytest.param(
            [question("status", "single_choice")],
            ["question status", "non-empty list of options"],
            id="no choice list",
        ),
        pytest.param(
            [question("count", "integer", options=options("a"))],
            ["question count", "only for choice questions"],
            id="options on a number",
        ),
        pytest.param(
            [question("forms", "multi_choice", options=options("a", "a"))],
            ["question forms", "option ids must be unique"],
            id="duplicate option id",
        ),
        pytest.param(
            [question("forms", "multi_choice", options=[{"id": "a", "label": "Я" * 61}])],
            ["question forms", "label", "at most 60"],
            id="label too long",
        ),
        pytest.param(
            [question("forms", "multi_choice", options=options("a", "b"), min_selected=3)],
            ["question forms", "min_selected is more than there are options"],
            id="min_selected unreachable",
        ),
        pytest.param(
            [question("forms", "multi_choice", options=options("a", "b"), max_selected=3)],
            ["question forms", "max_selected is more than there are options"],
            id="max_selected unreachable",
        ),
        pytest.param(
            [
                question(
                    "forms",
                    "multi_choice",
                    options=options("a", "b", "c"),
                    min_selected=3,
                    max_selected=2,
                )
            ],
            ["question forms", "min_selected is greater than max_selected"],
            id="min_selected greater than max_selected",
        ),
        pytest.param(
            [question("Bad-Id", "text")],
            ["id", "String should match pattern"],
            id="id not snake case",
        ),
        pytest.param(
            [question("a" * 25, "text")],
            ["id", "String should match pattern"],
            id="id too long",
        ),
        pytest.param(
            [{"id": "untyped", "text": "Вопрос?"}],
            ["question untyped", "type", "Field required"],
            id="type missing",
        ),
        pytest.param(
            [question("count", "integer", show_iff=[])],
            ["question count", "show_iff", "Extra inputs are not permitted"],
            id="misspelt key",
        ),
        pytest.param(
            [
                question("held", "yes_no"),
                question("dep", "text", show_if=[{"question": "held"}]),
            ],
            ["question dep", "show_if", "exactly one of equals, one_of, includes, answered"],
            id="condition without a test",
        ),
        pytest.param(
            [
                question("status", "single_choice", options=options("draft", "approved")),
                question("dep", "date", show_if=[{"question": "status", "equals": "signed"}]),
            ],
            ["question dep", "condition names option 'signed'", "status does not have"],
            id="condition on a missing option",
        ),
        pytest.param(
            [question("start", "date", min_date="2021-05-01", max_date="2021-01-01")],
            ["question start", "min_date is after max_date"],
            id="min_date after max_date",
        ),
        pytest.param(
            [question("name", "text", min_length=10, max_length=5)],
            ["question name", "min_length is greater than max_length"],
            id="min_length greater than max_length",
        ),
        pytest.param(
            [question("total", "text"), question("part", "integer", checks=[_check("total")])],
            ["question part", "compares with total, which is not a number"],
            id="check against a text",
        ),
        pytest.param(
            [question("total", "integer"), question("note", "text", checks=[_check("total")])],
            ["question note", "cross-field checks compare numbers"],
            id="check on a text",
        ),
        pytest.param(
            [question("part", "integer", checks=[_check("total")]), question("total", "integer")],
            ["question part", "check names 'total'", "not an earlier question"],
            id="check against a later question",
        ),
        pytest.param(
            [question("events", "group")],
            ["question events", "a group needs sub-questions"],
            id="empty group",
        ),
        pytest.param(
            [question("name", "text", questions=[question("sub", "text")])],
            ["question name", "only a group has sub-questions"],
            id="sub-questions outside a group",
        ),
        pytest.param(
            [
                question(
                    "events",
                    "group",
                    questions=[question("inner", "group", questions=[question("x", "text")])],
                )
            ],
            ["question events", "groups cannot be nested"],
            id="nested group",
        ),
        pytest.param(
            [question("events", "group", questions=[question("x", "text"), question("x", "date")])],
            ["question events", "duplicate sub-question id"],
            id="duplicate sub-question",
        ),
        pytest.param(
            [question("events", "group", questions=[{"id": "name", "text": "Название"}])],
            ["question events.name", "type", "Field required"],
            id="sub-question without a type",
        ),
        pytest.param(
            [
                question(
                    "events",
                    "group",
                    questions=[
                        question("date", "date", show_if=[{"question": "name", "answered": True}]),
                        question("name", "text"),
                    ],
                )
            ],
            ["question events.date", "condition names name", "not an earlier sub-question"],
            id="sub-condition on a later sub-question",
        ),
        pytest.param(
            [
                question(
                    "events",
                    "group",
                    questions=[
                        question("kind", "single_choice", options=options("gia", "vpr")),
                        question("note", "text", show_if=[{"question": "kind", "equals": "oge"}]),
                    ],
                )
            ],
            ["question events.note", "condition names option 'oge'"],
            id="sub-condition on a missing option",
        ),
    ],
)
def test_malformed_question_is_named(
    tmp_path: Path, questions: list[dict[str, Any]], expected: list[str]
) -> None:
    message = load_error(tmp_path, *questions)
    assert message.startswith("broken.yaml: ")
    for part in expected:
        assert part in message


def test_unquoted_yes_no_option_ids_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "yes_no.yaml"
    path.write_text(
        "id: test\nversion: 1\ntitle: Т\nshort_title: Т\nsections:\n"
        "  - title: Р\n    questions:\n"
        "      - id: answer\n        type: single_choice\n        text: Вопрос?\n"
        "        options:\n          - id: yes\n            label: Да\n",
        encoding="utf-8",
    )
    with pytest.raises(FormError, match=r"yes_no\.yaml: question answer: id: Input should be"):
        load_form(path)


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("short_title", "Очень длинное краткое название формы", "short_title"),
        ("version", 0, "version"),
        ("id", "Form", "id"),
        ("sections", [], "sections"),
    ],
)
def test_malformed_form_fields(tmp_path: Path, field: str, value: Any, expected: str) -> None:
    data = form_data(question("count", "integer"))
    data[field] = value
    path = write_form(tmp_path, "form.yaml", data)
    with pytest.raises(FormError, match=rf"^form\.yaml: form: {expected}: "):
        load_form(path)


def test_not_a_mapping(tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text("- one\n- two\n", encoding="utf-8")
    with pytest.raises(FormError, match=r"list\.yaml: the file must describe one form"):
        load_form(path)


def test_broken_yaml(tmp_path: Path) -> None:
    path = tmp_path / "syntax.yaml"
    path.write_text("id: [unclosed\n", encoding="utf-8")
    with pytest.raises(FormError, match=r"syntax\.yaml: cannot read the YAML"):
        load_form(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FormError, match=r"absent\.yaml: cannot read"):
        load_form(tmp_path / "absent.yaml")


def test_two_files_with_one_form_id(tmp_path: Path) -> None:
    first = write_form(tmp_path, "first.yaml", form_data(question("a", "text"), form_id="same"))
    second = write_form(tmp_path, "second.yaml", form_data(question("b", "text"), form_id="same"))
    with pytest.raises(FormError) as caught:
        load_forms([first, second])
    assert str(caught.value) == "second.yaml: form id 'same' is used by another file too"


def test_forms_from_paths_by_id(tmp_path: Path) -> None:
    first = write_form(tmp_path, "a.yaml", form_data(question("a", "text"), form_id="one"))
    second = write_form(tmp_path, "b.yaml", form_data(question("b", "text"), form_id="two"))
    assert set(load_forms([first, second])) == {"one", "two"}


def test_all_problems_of_a_file_are_listed(tmp_path: Path) -> None:
    message = load_error(
        tmp_path,
        question("first", "sometimes"),
        question("second", "integer", min=3, max=1),
    )
    assert "question first: type: unknown value 'sometimes'" in message
    assert "question second: min (3) is greater than max (1)" in message


def test_empty_section_names_the_list(tmp_path: Path) -> None:
    data = form_data(question("count", "integer"))
    data["sections"].append({"title": "Пустой раздел", "questions": []})
    path = write_form(tmp_path, "empty.yaml", data)
    with pytest.raises(FormError, match=r"^empty\.yaml: form: questions: List should have"):
        load_form(path)


def test_a_long_option_without_a_button_names_file_question_and_option(tmp_path: Path) -> None:
    long_label = "Календарный план взаимодействия с родителями"  # 44 characters
    path = write_form(
        tmp_path,
        "parents.yaml",
        form_data(
            question(
                "forms",
                "multi_choice",
                options=[
                    {"id": "meetings", "label": "Родительские собрания"},
                    {"id": "calendar_plan", "label": long_label},
                ],
            )
        ),
    )
    with pytest.raises(FormError) as caught:
        load_form(path)
    assert str(caught.value) == (
        "parents.yaml: question forms: options: option calendar_plan: label is 44 characters, "
        "a phone button shows 35: add a short `button:` label"
    )


def test_a_long_option_in_a_group_is_named_with_its_group(tmp_path: Path) -> None:
    long_label = "Сопровождение по подготовке обучающихся к ГИА"
    message = load_error(
        tmp_path,
        question(
            "events",
            "group",
            questions=[
                question("kind", "single_choice", options=[{"id": "gia", "label": long_label}])
            ],
        ),
    )
    assert message.startswith("broken.yaml: question events.kind: options: option gia: label is 45")
