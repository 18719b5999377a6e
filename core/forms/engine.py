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
    if question.repeats:
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


class _Unmatched:
    """An assumed answer that is given but matches no condition's value."""


_UNMATCHED = _Unmatched()


def _candidates(form: FormDefinition, target: Question) -> list[Any]:
    """The answers to ``target`` that later conditions tell apart, as stored values."""

    def stored(value: Any) -> Any:
        return {"selected": value, "other": None} if target.type is QuestionType.SINGLE else value

    found: list[Any] = []
    included: list[Any] = []
    for question in form.questions:
        for condition in question.show_if:
            if condition.question != target.id:
                continue
            if condition.equals is not None:
                found.append(stored(condition.equals))
            for value in condition.one_of or []:
                found.append(stored(value))
            if condition.includes is not None:
                included.append(condition.includes)
            if condition.answered is False:
                found.append(None)
    if included:
        found.append(
            {"selected": included, "other": None} if target.type is QuestionType.MULTI else included
        )
    return [*found, _UNMATCHED] if found else []


def expected_questions(form: FormDefinition, answers: Answers) -> list[Question]:
    """The questions this respondent is expected to see: the shown ones, and for every question
    not answered yet, the branch that asks the most (its answer is assumed, only for counting).

    So the count stays put while answers follow that branch, and changes only when an answer
    actually hides (or shows) questions."""
    expected: list[Question] = []
    assumed: dict[str, Any] = {}
    questions = form.questions
    for position, question in enumerate(questions):
        if not is_visible(question, assumed):
            continue
        expected.append(question)
        if question.id in answers:
            assumed[question.id] = answers[question.id]
            continue
        candidates = _candidates(form, question)
        if not candidates:
            continue

        def shown_after(value: Any, asked: Question = question, start: int = position) -> int:
            trial = {**assumed, asked.id: value}
            return sum(
                all(
                    condition.question not in trial or condition_holds(condition, trial)
                    for condition in later.show_if
                )
                for later in questions[start + 1 :]
            )

        assumed[question.id] = max(candidates, key=shown_after)
    return expected


def progress(form: FormDefinition, answers: Answers, question_id: str | None) -> Progress:
    """ "Вопрос 3 из 9": the place among the expected questions (``expected_questions``), out of
    all of them, so the total changes only when an answer hides or shows questions."""
    expected = expected_questions(form, answers)
    ids = [q.id for q in expected]
    shown = visible_questions(form, answers)
    number = ids.index(question_id) + 1 if question_id in ids else len(shown)
    answered = sum(is_answered(q, answers) for q in shown)
    return Progress(number=number, total=len(expected), answered=answered)


def next_after(form: FormDefinition, answers: Answers, current: str) -> Question | None:
    """The shown question after ``current`` (None after the last one)."""
    shown = visible_questions(form, answers)
    ids = [q.id for q in shown]
    if current not in ids:
        return next_question(form, answers)
    index = ids.index(current)
    return shown[index + 1] if index + 1 < len(shown) else None


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
    """The first item with a shown sub-question unanswered, else the "add or done" choice."""
    items = group_items(value)
    for index, item in enumerate(items):
        pending = _next_sub(group, item)
        if pending is not None:
            return GroupStep(index, pending)
    if items:
        return GroupStep(len(items) - 1, None)
    return GroupStep(0, _next_sub(group, {}))


def _next_sub(group: Question, item: Answers) -> Question | None:
    return next(
        (sub for sub in group.questions if is_visible(sub, item) and sub.id not in item), None
    )


def sub_question(group: Question, sub_id: str | None) -> Question | None:
    return next((sub for sub in group.questions if sub.id == sub_id), None)


def shown_subs(group: Question, item: Answers) -> list[Question]:
    """The sub-questions shown for an item's answers, in order."""
    return [sub for sub in group.questions if is_visible(sub, item)]


def sub_after(group: Question, item: Answers, sub_id: str | None) -> Question | None:
    """The shown sub-question after ``sub_id`` (the first one when None)."""
    shown = shown_subs(group, item)
    ids = [sub.id for sub in shown]
    if sub_id is None:
        return shown[0] if shown else None
    index = ids.index(sub_id) if sub_id in ids else -1
    return shown[index + 1] if index + 1 < len(shown) else None


def sub_before(group: Question, item: Answers, sub_id: str) -> Question | None:
    """The shown sub-question before ``sub_id`` (None before the first)."""
    shown = shown_subs(group, item)
    ids = [sub.id for sub in shown]
    index = ids.index(sub_id) if sub_id in ids else len(shown)
    return shown[index - 1] if index > 0 else None


def with_item_answer(
    group: Question, value: Any, index: int, sub_id: str, answer: Any
) -> dict[str, Any]:
    """The group value after changing a sub-answer of an existing item: a finished group stays
    finished."""
    items = [dict(item) for item in group_items(value)]
    items[index][sub_id] = answer
    return {"items": items, "done": bool(isinstance(value, dict) and value.get("done"))}


def without_item(value: Any, index: int) -> dict[str, Any]:
    """The group value with item ``index`` deleted (the others renumber); a group left without
    items is no longer finished."""
    items = [item for number, item in enumerate(group_items(value)) if number != index]
    done = bool(isinstance(value, dict) and value.get("done")) and bool(items)
    return {"items": items, "done": done}


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
