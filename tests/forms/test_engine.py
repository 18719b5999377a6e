"""Walking a form: conditions, order, progress, completeness, repeat groups, display."""

from typing import Any

import pytest

from core.forms.display import format_answer, grade_ranges, unit_for
from core.forms.engine import (
    GroupStep,
    can_add_item,
    condition_holds,
    effective_answers,
    group_items,
    group_step,
    is_answered,
    is_complete,
    is_visible,
    next_question,
    previous_question,
    progress,
    visible_questions,
    with_group_done,
    with_new_item,
    with_sub_answer,
)
from core.forms.models import Condition, FormDefinition, Question
from tests.forms.builders import make_form, make_question, options, question

HELD = {"question": "held", "equals": True}

# A small extra-classes form: held? -> grades, count, link (optional); a comment always.
FORM = make_form(
    question("held", "yes_no"),
    question("grades", "grades", show_if=[HELD]),
    question("kind", "single_choice", options=options("group", "single"), show_if=[HELD]),
    question("pairs", "integer", show_if=[{"question": "kind", "equals": "single"}]),
    question("link", "url", required=False, show_if=[HELD]),
    question("comment", "long_text", required=False),
)

EVENTS = make_question(
    "events",
    "group",
    item_name="Мероприятие",
    max_items=2,
    questions=[
        question("kind", "single_choice", options=options("gia", "vpr"), other=True),
        question("topic", "text", show_if=[{"question": "kind", "equals": "vpr"}]),
        question("visited_on", "date", required=False),
        question("teachers", "integer", min=1),
    ],
)
GROUP_FORM = make_form(
    question("period", "text"),
    EVENTS.model_dump(exclude_defaults=True),
    question("done_note", "text", required=False),
)


def ids(questions: list[Question]) -> list[str]:
    return [q.id for q in questions]


def holds(condition: dict[str, Any], answers: dict[str, Any]) -> bool:
    return condition_holds(Condition.model_validate(condition), answers)


# --- conditions ---


@pytest.mark.parametrize(
    ("condition", "answers", "expected"),
    [
        ({"question": "a", "equals": True}, {"a": True}, True),
        ({"question": "a", "equals": True}, {"a": False}, False),
        ({"question": "a", "equals": False}, {"a": False}, True),
        ({"question": "a", "equals": False}, {"a": None}, False),
        ({"question": "a", "equals": False}, {}, False),
        ({"question": "a", "equals": "x"}, {"a": {"selected": "x", "other": None}}, True),
        ({"question": "a", "equals": "x"}, {"a": {"selected": "y", "other": None}}, False),
        ({"question": "a", "equals": 5}, {"a": 5}, True),
        ({"question": "a", "one_of": ["x", "y"]}, {"a": {"selected": "y", "other": None}}, True),
        ({"question": "a", "one_of": ["x", "y"]}, {"a": {"selected": "z", "other": None}}, False),
        ({"question": "a", "one_of": []}, {"a": {"selected": "z", "other": None}}, False),
        ({"question": "a", "includes": "x"}, {"a": {"selected": ["x", "y"], "other": None}}, True),
        ({"question": "a", "includes": "x"}, {"a": {"selected": ["y"], "other": None}}, False),
        ({"question": "a", "includes": "x"}, {"a": {"selected": "x", "other": None}}, False),
        ({"question": "a", "includes": 9}, {"a": [5, 9, 11]}, True),
        ({"question": "a", "includes": 10}, {"a": [5, 9, 11]}, False),
        ({"question": "a", "answered": True}, {"a": "текст"}, True),
        ({"question": "a", "answered": True}, {"a": None}, False),
        ({"question": "a", "answered": True}, {}, False),
        ({"question": "a", "answered": False}, {"a": None}, True),
        ({"question": "a", "answered": False}, {"a": 0}, False),
    ],
)
def test_condition_holds(
    condition: dict[str, Any], answers: dict[str, Any], expected: bool
) -> None:
    assert holds(condition, answers) is expected


def test_all_conditions_must_hold() -> None:
    both = make_question(
        "both",
        "text",
        show_if=[{"question": "a", "equals": True}, {"question": "b", "answered": True}],
    )
    assert is_visible(both, {"a": True, "b": 1})
    assert not is_visible(both, {"a": True, "b": None})
    assert not is_visible(both, {"a": False, "b": 1})


# --- order and visibility ---


def test_before_any_answer_only_unconditional_questions_show() -> None:
    assert ids(visible_questions(FORM, {})) == ["held", "comment"]
    first = next_question(FORM, {})
    assert first is not None
    assert first.id == "held"


def test_yes_shows_the_branch() -> None:
    answers: dict[str, Any] = {"held": True}
    assert ids(visible_questions(FORM, answers)) == ["held", "grades", "kind", "link", "comment"]
    assert ids(visible_questions(FORM, {**answers, "kind": {"selected": "single"}})) == [
        "held",
        "grades",
        "kind",
        "pairs",
        "link",
        "comment",
    ]


def test_a_hidden_answer_does_not_show_its_dependants() -> None:
    """pairs depends on kind, kind on held: with held = no, a stale kind shows nothing."""
    answers = {"held": False, "kind": {"selected": "single", "other": None}, "pairs": 3}
    assert ids(visible_questions(FORM, answers)) == ["held", "comment"]


def test_next_question_walks_in_order() -> None:
    answers: dict[str, Any] = {}
    asked = []
    script = {
        "held": True,
        "grades": [5, 6, 7, 8, 9],
        "kind": {"selected": "single", "other": None},
        "pairs": 4,
        "link": None,
        "comment": None,
    }
    while (current := next_question(FORM, answers)) is not None:
        asked.append(current.id)
        answers[current.id] = script[current.id]
    assert asked == ["held", "grades", "kind", "pairs", "link", "comment"]
    assert is_complete(FORM, answers)


def test_next_question_skips_answered_and_fills_gaps() -> None:
    answers = {"held": True, "kind": {"selected": "group", "other": None}, "comment": None}
    found = next_question(FORM, answers)
    assert found is not None
    assert found.id == "grades"


def test_previous_question() -> None:
    answers = {"held": True, "grades": [5], "kind": {"selected": "group", "other": None}}
    before_link = previous_question(FORM, answers, "link")
    assert before_link is not None
    assert before_link.id == "kind"
    assert previous_question(FORM, answers, "held") is None
    last = previous_question(FORM, answers, None)
    assert last is not None
    assert last.id == "comment"
    # a hidden question's previous is the last shown one
    hidden = previous_question(FORM, answers, "pairs")
    assert hidden is not None
    assert hidden.id == "comment"


def test_previous_skips_hidden_questions() -> None:
    answers = {"held": False}
    before_comment = previous_question(FORM, answers, "comment")
    assert before_comment is not None
    assert before_comment.id == "held"


def test_progress_counts_every_question_not_yet_ruled_out() -> None:
    start = progress(FORM, {}, "held")
    assert (start.number, start.total, start.answered) == (1, 6, 0)

    answers: dict[str, Any] = {"held": True, "grades": [9, 11]}
    middle = progress(FORM, answers, "kind")
    assert (middle.number, middle.total, middle.answered) == (3, 6, 2)

    answers["kind"] = {"selected": "single", "other": None}
    kept = progress(FORM, answers, "pairs")
    assert (kept.number, kept.total, kept.answered) == (4, 6, 3)

    answers["kind"] = {"selected": "other_kind", "other": None}
    closed = progress(FORM, answers, "link")
    assert closed.total == 5  # "pairs" is ruled out once "kind" says so

    answers["kind"] = {"selected": "single", "other": None}
    end = progress(FORM, answers, None)
    assert (end.number, end.total) == (6, 6)


def test_progress_shrinks_when_a_branch_closes() -> None:
    answers = {"held": False, "grades": [9], "kind": {"selected": "single", "other": None}}
    now = progress(FORM, answers, "comment")
    assert (now.number, now.total, now.answered) == (2, 2, 1)


# --- completeness ---


def test_required_questions_must_be_answered() -> None:
    assert not is_complete(FORM, {})
    assert not is_complete(FORM, {"held": False})
    assert is_complete(FORM, {"held": False, "comment": None})


def test_skipped_optional_counts_as_answered_but_missing_does_not() -> None:
    answers = {"held": True, "grades": [5], "kind": {"selected": "group", "other": None}}
    assert not is_complete(FORM, answers)
    assert not is_complete(FORM, {**answers, "link": None})
    assert is_complete(FORM, {**answers, "link": None, "comment": None})


def test_a_hidden_required_question_does_not_block_completion() -> None:
    answers = {"held": True, "grades": [5], "kind": {"selected": "single", "other": None}}
    answers_no = {**answers, "held": False, "comment": "нет"}
    assert is_complete(FORM, answers_no)


# --- effective answers ---


def test_hidden_answers_drop_out() -> None:
    answers = {
        "held": False,
        "grades": [5, 9],
        "kind": {"selected": "single", "other": None},
        "pairs": 3,
        "link": ["https://a.ru"],
        "comment": None,
    }
    assert effective_answers(FORM, answers) == {"held": False, "comment": None}


def test_effective_answers_keep_visible_ones_in_form_order() -> None:
    answers = {
        "comment": "ок",
        "held": True,
        "grades": [5],
        "kind": {"selected": "group", "other": None},
        "pairs": 7,
    }
    effective = effective_answers(FORM, answers)
    assert list(effective) == ["held", "grades", "kind", "comment"]
    assert "pairs" not in effective


def test_effective_answers_ignore_unknown_keys() -> None:
    assert effective_answers(FORM, {"held": True, "unknown": 1}) == {"held": True}


# --- repeat groups ---


def group_form_question() -> Question:
    found = GROUP_FORM.question("events")
    assert found is not None
    return found


def test_group_starts_with_its_first_sub_question() -> None:
    group = group_form_question()
    step = group_step(group, None)
    assert step.index == 0
    assert step.question is not None
    assert step.question.id == "kind"


def test_group_item_steps_and_sub_conditions() -> None:
    group = group_form_question()
    value: Any = None
    asked: list[tuple[int, str]] = []
    script = {
        "kind": {"selected": "vpr", "other": None},
        "topic": "Анализ ВПР",
        "visited_on": None,
        "teachers": 3,
    }
    while (step := group_step(group, value)).question is not None:
        asked.append((step.index, step.question.id))
        value = with_sub_answer(
            group, value, step.index, step.question.id, script[step.question.id]
        )
    assert asked == [(0, "kind"), (0, "topic"), (0, "visited_on"), (0, "teachers")]
    assert step == GroupStep(0, None)
    assert value == {"items": [script], "done": False}


def test_a_sub_condition_can_hide_a_sub_question() -> None:
    group = group_form_question()
    value = with_sub_answer(group, None, 0, "kind", {"selected": "gia", "other": None})
    step = group_step(group, value)
    assert step.question is not None
    assert step.question.id == "visited_on"


def test_add_another_item_and_finish() -> None:
    group = group_form_question()
    first = {"kind": {"selected": "gia", "other": None}, "visited_on": "2021-03-01", "teachers": 2}
    value: Any = {"items": [first], "done": False}
    assert can_add_item(group, value)
    value = with_new_item(value)
    assert value == {"items": [first, {}], "done": False}
    step = group_step(group, value)
    assert step.index == 1
    assert step.question is not None
    assert step.question.id == "kind"
    value = with_sub_answer(group, value, 1, "kind", {"selected": "other", "other": "КДР"})
    assert group_items(value)[1] == {"kind": {"selected": "other", "other": "КДР"}}
    assert not can_add_item(group, value)  # max_items is 2
    finished = with_group_done(value)
    assert finished["done"] is True
    assert len(finished["items"]) == 2


def test_done_drops_an_empty_last_item() -> None:
    first = {"kind": {"selected": "gia", "other": None}, "teachers": 1}
    value = with_group_done(with_new_item({"items": [first], "done": False}))
    assert value == {"items": [first], "done": True}


def test_with_sub_answer_creates_missing_items_and_reopens() -> None:
    group = group_form_question()
    value = with_sub_answer(group, {"items": [], "done": True}, 1, "teachers", 4)
    assert value == {"items": [{}, {"teachers": 4}], "done": False}


@pytest.mark.parametrize("value", [None, {}, [], "x", {"items": "x"}, {"items": [1, "a", None]}])
def test_group_items_of_odd_values(value: Any) -> None:
    assert group_items(value) == []


def test_group_counts_as_answered_only_when_done() -> None:
    group = group_form_question()
    in_progress = {"items": [{"kind": {"selected": "gia", "other": None}}], "done": False}
    assert not is_answered(group, {"events": in_progress})
    assert is_answered(group, {"events": with_group_done(in_progress)})
    assert is_answered(group, {"events": None})  # an optional group skipped
    assert not is_answered(group, {})


def test_form_with_a_group_walks_through_it() -> None:
    answers: dict[str, Any] = {"period": "2020-2021"}
    current = next_question(GROUP_FORM, answers)
    assert current is not None
    assert current.id == "events"
    answers["events"] = {"items": [{"kind": {"selected": "gia", "other": None}}], "done": False}
    still = next_question(GROUP_FORM, answers)
    assert still is not None
    assert still.id == "events"
    answers["events"] = with_group_done(answers["events"])
    after = next_question(GROUP_FORM, answers)
    assert after is not None
    assert after.id == "done_note"
    answers["done_note"] = None
    assert is_complete(GROUP_FORM, answers)
    assert progress(GROUP_FORM, answers, None).answered == 3


# --- display ---


@pytest.mark.parametrize(
    ("grades", "text"),
    [
        ([2, 3, 4, 5, 6, 7, 8, 9, 11], "2–9, 11"),
        ([11, 9, 2, 3, 4, 5, 6, 7, 8, 9], "2–9, 11"),
        ([5], "5"),
        ([1, 3, 5], "1, 3, 5"),
        ([10, 11], "10–11"),
        ([1, 2, 4, 5, 7], "1–2, 4–5, 7"),
        ([], ""),
    ],
)
def test_grade_ranges(grades: list[int], text: str) -> None:
    assert grade_ranges(grades) == text


def q(id: str, type: str, **fields: Any) -> Question:
    return make_question(id, type, **fields)


@pytest.mark.parametrize(
    ("asked", "value", "text"),
    [
        (q("a", "yes_no"), True, "да"),
        (q("a", "yes_no"), False, "нет"),
        (q("a", "text"), None, "пропущено"),
        (
            q("a", "single_choice", options=options("draft", "approved")),
            {"selected": "approved", "other": None},
            "Approved",
        ),
        (
            q("a", "single_choice", options=options("draft"), other=True),
            {"selected": "other", "other": "в ЦТРИГО"},
            "другое: в ЦТРИГО",
        ),
        (
            q("a", "multi_choice", options=options("a", "b"), other=True),
            {"selected": ["a", "b", "other"], "other": "лектории"},
            "A; B; другое: лектории",
        ),
        (q("a", "multi_choice", options=options("a")), {"selected": ["gone"]}, ""),
        (q("a", "integer", unit="чел."), 1234, "1 234 чел."),
        (q("a", "integer"), 12, "12"),
        (q("a", "decimal"), 3.5, "3,5"),
        (q("a", "decimal", unit="ч"), 1234.25, "1 234,25 ч"),
        (q("a", "percent"), 45.0, "45 %"),
        (q("a", "percent"), 12.5, "12,5 %"),
        (q("a", "percent"), 0.0, "0 %"),
        (q("a", "date"), "2021-03-10", "10.03.2021"),
        (
            q("a", "url", several=True),
            ["https://a.ru", "https://b.ru"],
            "https://a.ru https://b.ru",
        ),
        (q("a", "grades"), [2, 3, 4, 5, 6, 7, 8, 9, 11], "2–9, 11 кл."),
        (q("a", "long_text"), "Собрание", "Собрание"),
        (
            q("a", "file"),
            {"name": "график.pdf", "size": 2 * 1024 * 1024},
            "📎 график.pdf (2 МБ)",
        ),
    ],
)
def test_format_answer(asked: Question, value: Any, text: str) -> None:
    assert format_answer(asked, value) == text


def test_format_group() -> None:
    group = group_form_question()
    value = {
        "items": [
            {"kind": {"selected": "vpr", "other": None}, "topic": "Анализ", "teachers": 3},
            {"kind": {"selected": "gia", "other": None}, "visited_on": None, "teachers": 1},
        ],
        "done": True,
    }
    assert format_answer(group, value) == "1) Vpr, Анализ, 3; 2) Gia, пропущено, 1"
    assert format_answer(group, {"items": [], "done": True}) == "0 шт."


def test_group_form_fixture_is_valid() -> None:
    assert isinstance(GROUP_FORM, FormDefinition)
    assert [sub.id for sub in group_form_question().questions] == [
        "kind",
        "topic",
        "visited_on",
        "teachers",
    ]


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        (1, "мероприятие"),
        (3, "мероприятия"),
        (5, "мероприятий"),
        (11, "мероприятий"),
        (21, "мероприятие"),
        (22, "мероприятия"),
        (112, "мероприятий"),
        (2.5, "мероприятия"),
    ],
)
def test_units_agree_with_the_number(number: float, expected: str) -> None:
    assert unit_for("мероприятие|мероприятия|мероприятий", number) == expected
    assert unit_for("чел.", number) == "чел."
