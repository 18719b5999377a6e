"""A scripted respondent for conversation tests: answers whatever question the bot shows,
through the chat (buttons where the bot offers them, typing otherwise)."""

from typing import Any

from botapi_emulator import BotMessage, FakeUser
from core.forms.engine import group_step, next_question, visible_questions
from core.forms.models import Comparison, FormDefinition, Question, QuestionType
from storage import Database
from storage.responses import load_answers
from tests.conversations.scripted import finish_label
from texts import forms as form_texts


async def stored_values(database: Database, response_id: int) -> dict[str, Any]:
    async with database.read() as conn:
        return {q: a.value for q, a in (await load_answers(conn, response_id)).items()}


def number_for(question: Question, values: dict[str, Any]) -> str:
    low = question.min if question.min is not None else 0
    high = (
        question.max
        if question.max is not None
        else (100 if question.type is QuestionType.PERCENT else 1000)
    )
    value = max(low, min(high, 3 if low <= 3 else low))
    for check in question.checks:
        other = values.get(check.question)
        if isinstance(other, int | float) and not isinstance(other, bool):
            value = max(value, other) if check.compare is Comparison.GE else min(value, other)
    return (
        str(int(value)) if question.type is QuestionType.INTEGER else str(value).replace(".", ",")
    )


def revealing(
    form: FormDefinition | None,
    question: Question,
    values: dict[str, Any],
    candidates: list[tuple[str, Any]],
) -> str:
    """The button label among ``candidates`` (label, stored value) that shows the most questions."""
    if form is None:
        return candidates[0][0]
    return max(
        candidates, key=lambda c: len(visible_questions(form, {**values, question.id: c[1]}))
    )[0]


async def answer_one(
    user: FakeUser,
    screen: BotMessage,
    question: Question,
    values: dict[str, Any],
    form: FormDefinition | None = None,
) -> None:
    """Give a valid answer to ``question`` shown on ``screen``, opening the most questions."""
    kind = question.type
    if kind is QuestionType.YES_NO:
        label = revealing(form, question, values, [(form_texts.YES, True), (form_texts.NO, False)])
        await user.press(label, message=screen)
    elif kind is QuestionType.SINGLE:
        candidates = [(o.button_text, {"selected": o.id, "other": None}) for o in question.options]
        await user.press(revealing(form, question, values, candidates), message=screen)
    elif kind is QuestionType.MULTI:
        count = question.min_selected or 1
        for option in question.options[:count]:
            await user.press(option.button_text, message=screen)
        await user.press(form_texts.DONE, message=screen)
    elif kind is QuestionType.GRADES:
        for grade in ("5", "6", "7"):
            await user.press(grade, message=screen)
        await user.press(form_texts.DONE, message=screen)
    elif kind is QuestionType.DATE:
        await user.press(form_texts.TODAY, message=screen)
    elif kind in (QuestionType.INTEGER, QuestionType.DECIMAL, QuestionType.PERCENT):
        await user.send(number_for(question, values))
    elif kind in (QuestionType.TEXT, QuestionType.LONG_TEXT):
        await user.send("Проведены занятия по плану " + "x" * max(0, question.min_length - 10))
    elif kind is QuestionType.URL:
        await user.send("https://school5.tomsk.ru/shnor")
    elif kind is QuestionType.FILE:
        await user.send_document("график.pdf", b"%PDF-1.4 test", "application/pdf")
    else:
        raise AssertionError(f"no scripted answer for {kind}")


def latest_question(user: FakeUser) -> BotMessage:
    """The newest bot message that still has buttons or asks a question."""
    message = user.last_message()
    assert message is not None
    return message


async def walk(
    user: FakeUser,
    harness: Any,
    form: FormDefinition,
    response_id: int,
    *,
    stop_after: int | None = None,
) -> int:
    """Answer questions until the review screen (or ``stop_after`` answers); returns how many."""
    given = 0
    while stop_after is None or given < stop_after:
        await harness.settle()
        values = await stored_values(harness.database, response_id)
        question = next_question(form, values)
        if question is None:
            return given
        screen = latest_question(user)
        if question.repeats:
            step = group_step(question, values.get(question.id))
            if step.question is None:
                await user.press(finish_label(question), message=screen)
            else:
                item = values.get(question.id, {}) or {}
                items = item.get("items", []) if isinstance(item, dict) else []
                current = items[step.index] if step.index < len(items) else {}
                await answer_one(user, screen, step.question, current)
        else:
            await answer_one(user, screen, question, values, form)
        given += 1
        if given > 500:
            raise AssertionError("the form did not end")
    return given
