"""Walking a form: which question comes next, what is shown, when a response is complete.

Pure Python over a ``FormDefinition`` and the answers so far (question id -> stored value; a
stored ``None`` is a skipped optional question; a missing key is not answered yet). A repeat
group's value is ``{"items": [{sub id: value}, ...], "done": bool}`` and counts as answered once
done.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from core.forms.models import Condition, FormDefinition, Question, QuestionType

Answers = Mapping[str, Any]


def condition_holds(condition: Condition, answers: Answers) -> bool:
    if condition.question not in answers:
        return False
    value = answers[condition.question]
    if condition.answered is not None:
        return (value is not None) is condition.answered
    if value is None:
        return False
    chosen = value.get("selected") if isinstance(value, dict) else value
    if condition.equals is not None:
        return bool(chosen == condition.equals)
    if condition.one_of is not None:
        return chosen in condition.one_of
    if isinstance(chosen, list):
        return condition.includes in chosen
    return False


def is_visible(question: Question, answers: Answers) -> bool:
    return all(condition_holds(condition, answers) for condition in question.show_if)


def visible_questions(form: FormDefinition, answers: Answers) -> list[Question]:
    """Questions shown for these answers, in order. A question hidden because an earlier answer
    changed keeps its stored answer but no longer counts."""
    shown: list[Question] = []
    seen: dict[str, Any] = {}
    for question in form.questions:
        if is_visible(question, seen):
            shown.append(question)
            if question.id in answers:
                seen[question.id] = answers[question.id]
    return shown


def is_answered(question: Question, answers: Answers) -> bool:
    if question.id not in answers:
        return False
    if question.type is QuestionType.GROUP:
        value = answers[question.id]
        return value is None or bool(isinstance(value, dict) and value.get("done"))
    return True


def next_question(form: FormDefinition, answers: Answers) -> Question | None:
    """The first shown question still unanswered (a group in progress counts), or None."""
    return next((q for q in visible_questions(form, answers) if not is_answered(q, answers)), None)


def is_complete(form: FormDefinition, answers: Answers) -> bool:
    return next_question(form, answers) is None


def previous_question(
    form: FormDefinition, answers: Answers, current: str | None
) -> Question | None:
    """The shown question before ``current`` (before the end of the form when None)."""
    shown = visible_questions(form, answers)
    ids = [q.id for q in shown]
    index = ids.index(current) if current in ids else len(shown)
    return shown[index - 1] if index > 0 else None


@dataclass(frozen=True, slots=True)
class Progress:
    number: int
    total: int
    answered: int


def possible_questions(form: FormDefinition, answers: Answers) -> list[Question]:
    """Questions that are shown or may still be: a condition is ruled out only once the question
    it depends on is answered (or can no longer be shown)."""
    possible: list[Question] = []
    seen: dict[str, Any] = {}
    for question in form.questions:
        ids = {q.id for q in possible}
        if all(
            condition.question in ids
            and (condition.question not in seen or condition_holds(condition, seen))
            for condition in question.show_if
        ):
            possible.append(question)
            if question.id in answers:
                seen[question.id] = answers[question.id]
    return possible


def progress(form: FormDefinition, answers: Answers, question_id: str | None) -> Progress:
    """ "Вопрос 3 из 9": the place among shown questions, out of those shown or still possible,
    so the total only shrinks as answers close branches."""
    shown = visible_questions(form, answers)
    ids = [q.id for q in shown]
    number = ids.index(question_id) + 1 if question_id in ids else len(shown)
    answered = sum(is_answered(q, answers) for q in shown)
    total = len(possible_questions(form, answers))
    return Progress(number=number, total=total, answered=answered)


def effective_answers(form: FormDefinition, answers: Answers) -> dict[str, Any]:
    """Only the answers to shown questions: what a review or an export should use."""
    return {q.id: answers[q.id] for q in visible_questions(form, answers) if q.id in answers}


# --- repeat groups ---


def group_items(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, dict) and isinstance(value.get("items"), list):
        return [item for item in value["items"] if isinstance(item, dict)]
    return []


@dataclass(frozen=True, slots=True)
class GroupStep:
    """Where a group stands: the sub-question to ask for item ``index`` or, when ``question`` is
    None, the "add another or done" choice."""

    index: int
    question: Question | None


def group_step(group: Question, value: Any) -> GroupStep:
    items = group_items(value)
    if items:
        last = items[-1]
        pending = _next_sub(group, last)
        if pending is not None:
            return GroupStep(len(items) - 1, pending)
        return GroupStep(len(items) - 1, None)
    return GroupStep(0, _next_sub(group, {}))


def _next_sub(group: Question, item: Answers) -> Question | None:
    return next(
        (sub for sub in group.questions if is_visible(sub, item) and sub.id not in item), None
    )


def with_sub_answer(
    group: Question, value: Any, index: int, sub_id: str, answer: Any
) -> dict[str, Any]:
    """The group value after answering a sub-question of item ``index`` (a new item if needed)."""
    items = [dict(item) for item in group_items(value)]
    while len(items) <= index:
        items.append({})
    items[index][sub_id] = answer
    return {"items": items, "done": False}


def with_new_item(value: Any) -> dict[str, Any]:
    return {"items": [*group_items(value), {}], "done": False}


def with_group_done(value: Any) -> dict[str, Any]:
    items = [item for item in group_items(value) if item]
    return {"items": items, "done": True}


def can_add_item(group: Question, value: Any) -> bool:
    return len(group_items(value)) < group.max_items
