"""A scripted answerer: walks any form through the engine the way a person would.

For whatever ``next_question`` returns it tries plausible raw inputs, parses them as the bot
would, and stores the first accepted value. Where an answer decides what is shown (yes/no and
choices) it prefers, among the accepted values, the one that shows the most questions
(``policy="show"``) or the fewest (``policy="hide"``); the "hide" walk also skips every optional
question and takes one item per repeat group.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal

from core.forms.engine import (
    can_add_item,
    effective_answers,
    group_items,
    group_step,
    is_visible,
    next_question,
    previous_question,
    progress,
    visible_questions,
    with_group_done,
    with_new_item,
    with_sub_answer,
)
from core.forms.inputs import Accepted, Choice, RawInput, Selection, Text, Upload
from core.forms.models import FormDefinition, Question, QuestionType
from core.forms.parsing import parse
from tests.forms.builders import TODAY

Policy = Literal["show", "hide"]
BRANCHING = frozenset({QuestionType.YES_NO, QuestionType.SINGLE, QuestionType.MULTI})
MAX_STEPS = 1000


@dataclass
class Walk:
    answers: dict[str, Any] = field(default_factory=dict)
    asked: list[str] = field(default_factory=list)  # top-level questions, in order
    sub_asked: list[tuple[str, int, str]] = field(default_factory=list)  # (group, item, sub)
    skipped: list[str] = field(default_factory=list)


def candidates(question: Question, policy: Policy, today: date = TODAY) -> list[RawInput]:
    """Raw inputs a person might give, the most ordinary first."""
    kind = question.type
    if kind is QuestionType.YES_NO:
        return [Choice("yes"), Text("нет")]
    if kind is QuestionType.SINGLE:
        raws: list[RawInput] = [Choice(option.id) for option in question.options]
        if question.other:
            raws.append(Selection(("other",), "Свой вариант"))
        return raws
    if kind is QuestionType.MULTI:
        return _selections(question)
    if kind in (QuestionType.INTEGER, QuestionType.DECIMAL, QuestionType.PERCENT):
        return _numbers(question)
    if kind is QuestionType.DATE:
        earlier = today - timedelta(days=30)
        return [Text(earlier.strftime("%d.%m.%Y")), Choice("today"), Text(today.isoformat())]
    if kind in (QuestionType.TEXT, QuestionType.LONG_TEXT):
        return [Text("Пример ответа: МАОУ СОШ № 5".ljust(question.min_length, "."))]
    if kind is QuestionType.URL:
        if question.several:
            return [Text("school5.tomsk.ru/roditelyam, https://school5.tomsk.ru/uchitelyam")]
        return [Text("https://school5.tomsk.ru/grafik")]
    if kind is QuestionType.GRADES:
        if policy == "hide":
            return [Text("9")]
        return [Selection(("2", "3", "4", "5", "6", "7", "8", "9", "11")), Text("5-9, 11")]
    if kind is QuestionType.FILE:
        return [Upload("file-id", "unique-id", "график.pdf", 48_000, "application/pdf", "document")]
    return []


def _selections(question: Question) -> list[RawInput]:
    ids = [option.id for option in question.options] + (["other"] if question.other else [])
    low = question.min_selected or 1
    high = question.max_selected or len(ids)
    windows = [tuple(ids[start : start + low]) for start in range(len(ids) - low + 1)]
    raws: list[RawInput] = []
    for chosen in [tuple(ids[:high]), *windows]:
        raws.append(Selection(chosen, "Свой вариант" if "other" in chosen else None))
    return raws


def _numbers(question: Question) -> list[RawInput]:
    percent = question.type is QuestionType.PERCENT
    low = question.min if question.min is not None else (0 if percent else None)
    high = question.max if question.max is not None else (100 if percent else None)
    numbers = [12.0, 45.0, 1.0, 0.0]
    numbers += [bound for bound in (low, high) if bound is not None]
    inside = [n for n in numbers if (low is None or n >= low) and (high is None or n <= high)]
    raws: list[RawInput] = []
    for number in inside:
        shown = f"{number:g}".replace(".", ",")
        if question.unit:
            raws.append(Text(f"{shown} {question.unit}"))
        raws.append(Text(f"{shown}%" if percent else shown))
    return raws


def choose(
    question: Question,
    policy: Policy,
    context: Mapping[str, Any],
    score: Callable[[Any], int] | None,
    override: RawInput | None = None,
) -> Any:
    """The value stored for ``question``: the first accepted candidate, or the best branch."""
    raws = [override] if override is not None else candidates(question, policy)
    accepted = []
    for raw in raws:
        outcome = parse(question, raw, today=TODAY, answers=context)
        if isinstance(outcome, Accepted):
            accepted.append(outcome.value)
    assert accepted, f"no scripted input is accepted for {question.id}"
    if score is None or question.type not in BRANCHING:
        return accepted[0]
    pick = max if policy == "show" else min
    return pick(accepted, key=score)


def walk(
    form: FormDefinition,
    policy: Policy,
    overrides: Mapping[str, RawInput] | None = None,
    items: int | None = None,
) -> Walk:
    """Answer ``form`` until it is complete, checking order and progress on the way."""
    overrides = overrides or {}
    wanted_items = items if items is not None else (2 if policy == "show" else 1)
    done = Walk()
    answers = done.answers
    for _ in range(MAX_STEPS):
        current = next_question(form, answers)
        if current is None:
            return done
        if current.id not in done.asked:
            before = previous_question(form, answers, current.id)
            assert (before.id if before else None) == (done.asked[-1] if done.asked else None)
            place = progress(form, answers, current.id)
            assert place.number == len(done.asked) + 1
            assert place.answered == len(done.asked)
            done.asked.append(current.id)
        if current.repeats:
            answers[current.id] = _group_move(done, current, policy, wanted_items, overrides)
        elif policy == "hide" and not current.required and current.id not in overrides:
            answers[current.id] = None
            done.skipped.append(current.id)
        else:

            def shown(value: Any, asked: Question = current) -> int:
                return len(visible_questions(form, {**answers, asked.id: value}))

            answers[current.id] = choose(
                current,
                policy,
                effective_answers(form, answers),
                shown,
                overrides.get(current.id),
            )
    raise AssertionError(f"{form.id}: not complete after {MAX_STEPS} steps")


def _group_move(
    done: Walk,
    group: Question,
    policy: Policy,
    wanted_items: int,
    overrides: Mapping[str, RawInput],
) -> Any:
    value = done.answers.get(group.id)
    items = group_items(value)
    if policy == "hide" and not group.required and not items:
        done.skipped.append(group.id)
        return None
    step = group_step(group, value)
    if step.question is None:
        if len(items) < wanted_items and can_add_item(group, value):
            return with_new_item(value)
        return with_group_done(value)
    sub = step.question
    done.sub_asked.append((group.id, step.index, sub.id))
    item = items[step.index] if step.index < len(items) else {}
    if policy == "hide" and not sub.required:
        return with_sub_answer(group, value, step.index, sub.id, None)

    def shown(answer: Any) -> int:
        with_answer = {**item, sub.id: answer}
        return sum(is_visible(other, with_answer) for other in group.questions)

    answer = choose(sub, policy, item, shown, overrides.get(f"{group.id}.{sub.id}"))
    return with_sub_answer(group, value, step.index, sub.id, answer)
