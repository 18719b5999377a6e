"""Every built-in form, walked completely through the engine by a scripted answerer."""

import json
import re
from typing import Any

import pytest

from bot.catalog import builtin_forms
from core.forms.display import format_answer
from core.forms.engine import (
    effective_answers,
    group_items,
    is_complete,
    is_visible,
    visible_questions,
)
from core.forms.inputs import Choice, RawInput
from core.forms.models import BUTTON_CHARS, FormDefinition, QuestionType
from tests.forms.walking import Policy, Walk, walk
from texts.forms import CHECKED

FORMS = builtin_forms()


def form(form_id: str) -> FormDefinition:
    return FORMS[form_id]


# (form, policy, overrides) -> (top-level questions asked, group sub-questions asked)
SCENARIOS: list[tuple[str, Policy, dict[str, RawInput], int, int]] = [
    ("vsoko", "show", {}, 7, 0),
    ("vsoko", "hide", {}, 3, 0),
    ("vsoko", "hide", {"regulation": Choice("vshk_only")}, 7, 0),
    ("extra_classes", "show", {}, 10, 0),
    ("extra_classes", "hide", {}, 3, 0),
    ("extra_classes", "hide", {"held": Choice("yes")}, 9, 0),
    ("parents", "show", {}, 4, 0),
    ("parents", "hide", {}, 3, 0),
    ("students_website", "show", {}, 7, 0),
    ("students_website", "hide", {}, 2, 0),
    ("teachers", "show", {}, 7, 8),
    ("teachers", "hide", {}, 5, 0),
    ("roadmap", "show", {}, 5, 0),
    ("roadmap", "show", {"status": Choice("approved")}, 5, 0),
    ("roadmap", "hide", {}, 2, 0),
    ("vpr", "show", {}, 3, 8),
    ("vpr", "hide", {}, 3, 4),
]


def scenario_id(scenario: tuple[str, Policy, dict[str, RawInput], int, int]) -> str:
    form_id, policy, overrides, _, _ = scenario
    return "-".join([form_id, policy, *overrides])


@pytest.fixture(params=SCENARIOS, ids=[scenario_id(s) for s in SCENARIOS])
def scenario(request: pytest.FixtureRequest) -> tuple[FormDefinition, Walk, int, int]:
    form_id, policy, overrides, asked, sub_asked = request.param
    return form(form_id), walk(form(form_id), policy, overrides), asked, sub_asked


def test_every_builtin_form_has_scenarios() -> None:
    assert {s[0] for s in SCENARIOS} == set(FORMS)
    for form_id in FORMS:
        assert {s[1] for s in SCENARIOS if s[0] == form_id} == {"show", "hide"}


def test_walk_completes(scenario: tuple[FormDefinition, Walk, int, int]) -> None:
    walked_form, walked, asked, sub_asked = scenario
    assert is_complete(walked_form, walked.answers)
    assert len(walked.asked) == asked
    assert len(walked.sub_asked) == sub_asked


def test_asked_exactly_the_visible_questions(
    scenario: tuple[FormDefinition, Walk, int, int],
) -> None:
    walked_form, walked, _, _ = scenario
    assert walked.asked == [q.id for q in visible_questions(walked_form, walked.answers)]


def test_required_visible_questions_are_answered(
    scenario: tuple[FormDefinition, Walk, int, int],
) -> None:
    walked_form, walked, _, _ = scenario
    for question in visible_questions(walked_form, walked.answers):
        assert question.id in walked.answers
        value = walked.answers[question.id]
        if question.required:
            assert value is not None, question.id
        if question.type is QuestionType.GROUP and value is not None:
            assert value["done"] is True
            for item in group_items(value):
                for sub in question.questions:
                    if is_visible(sub, item):
                        assert sub.id in item, (question.id, sub.id)
                        if sub.required:
                            assert item[sub.id] is not None, (question.id, sub.id)
                    else:
                        assert sub.id not in item, (question.id, sub.id)


def test_effective_answers_have_no_hidden_questions(
    scenario: tuple[FormDefinition, Walk, int, int],
) -> None:
    walked_form, walked, _, _ = scenario
    shown = {q.id for q in visible_questions(walked_form, walked.answers)}
    effective = effective_answers(walked_form, walked.answers)
    assert set(effective) == shown
    assert effective == walked.answers  # a forward walk never answers a hidden question


def test_answers_serialise_and_display(scenario: tuple[FormDefinition, Walk, int, int]) -> None:
    walked_form, walked, _, _ = scenario
    assert json.loads(json.dumps(walked.answers, allow_nan=False)) == walked.answers
    for question_id, value in effective_answers(walked_form, walked.answers).items():
        question = walked_form.question(question_id)
        assert question is not None
        text = format_answer(question, value)
        assert text.strip(), question_id


@pytest.mark.parametrize("form_id", sorted(FORMS))
def test_changing_branches_hides_stale_answers(form_id: str) -> None:
    """Answer everything, then go back and take the branches that hide: the stale answers stay
    stored but drop out of what counts."""
    walked_form = form(form_id)
    full = walk(walked_form, "show")
    narrow = walk(walked_form, "hide")
    merged: dict[str, Any] = {**full.answers, **narrow.answers}
    assert is_complete(walked_form, merged)
    assert [q.id for q in visible_questions(walked_form, merged)] == narrow.asked
    assert effective_answers(walked_form, merged) == effective_answers(walked_form, narrow.answers)
    stale = set(full.answers) - set(narrow.answers)
    assert stale.isdisjoint(effective_answers(walked_form, merged))
    if len(full.asked) > len(narrow.asked):
        assert stale


def test_hide_walk_skips_every_optional_question() -> None:
    for form_id, walked_form in FORMS.items():
        narrow = walk(walked_form, "hide")
        optional = [
            q.id
            for q in visible_questions(walked_form, narrow.answers)
            if not q.required and q.type is not QuestionType.GROUP
        ]
        assert set(optional) <= set(narrow.skipped), form_id


# --- the wording rules of the built-in forms ---

RUSSIAN = re.compile(r"[А-Яа-яЁё]")


@pytest.mark.parametrize("form_id", sorted(FORMS))
def test_builtin_form_style(form_id: str) -> None:
    checked = form(form_id)
    assert len(checked.short_title) <= 30
    assert checked.source
    assert RUSSIAN.search(checked.title)
    assert RUSSIAN.search(checked.description)
    for question in checked.questions:
        for asked in [question, *question.questions]:
            assert len(asked.id) <= 24
            assert RUSSIAN.search(asked.text), asked.id
            for option in asked.options:
                assert len(option.label) <= 60
                assert RUSSIAN.search(option.label) or option.label.isdigit(), option.id
                # a ticked option of a multiple choice gains "✅ " and must still fit
                room = BUTTON_CHARS - len(CHECKED) * (asked.type is QuestionType.MULTI)
                assert len(option.button_text) <= room, option.id
                assert RUSSIAN.search(option.button_text) or option.label.isdigit(), option.id
        if question.type is QuestionType.GROUP:
            assert question.item_name


def test_roadmap_directions_are_the_seven_of_omsk() -> None:
    directions = form("roadmap").question("directions")
    assert directions is not None
    assert len(directions.options) == 7
    assert (directions.min_selected, directions.max_selected) == (3, 3)


def test_vpr_grades() -> None:
    results = form("vpr").question("results")
    assert results is not None
    grade = next(sub for sub in results.questions if sub.id == "grade")
    assert [option.label for option in grade.options] == [
        f"{number} класс" for number in (4, 5, 6, 7, 8, 10, 11)
    ]


def test_file_header_comment_names_a_seed() -> None:
    from bot.catalog import FORMS_DIRECTORY

    for path in FORMS_DIRECTORY.glob("*.yaml"):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# "), path.name
        assert "seed 00" in path.read_text(encoding="utf-8").split("\nid:")[0], path.name


def test_long_options_list_their_full_labels() -> None:
    patrol = form("parents").question("forms")
    assert patrol is not None
    legend = patrol.option_legend()
    assert len(legend) == len(patrol.options)
    assert "7. Родительский патруль (наблюдение за учебным процессом)" in legend
    option = patrol.option("patrol")
    assert option is not None
    assert option.button_text == "Родительский патруль"
    regulation = form("vsoko").question("regulation")
    assert regulation is not None
    assert regulation.option_legend() == []  # every label fits its button
