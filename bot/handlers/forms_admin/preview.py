"""An uploaded form as a school would meet it: its first questions, each with the header, text,
hint and buttons of the real question screen (``questionnaire.keyboards``), as one message."""

from html import escape

from bot.handlers.questionnaire.keyboards import question_keyboard
from core.forms.engine import visible_questions
from core.forms.models import FormDefinition, Question
from texts import form_workbook as workbook_texts
from texts import forms
from texts import forms_admin as texts
from texts.plurals import QUESTIONS, counted

FIRST_QUESTIONS = 3


def _buttons(question: Question) -> str:
    """The labels of the buttons the real screen has (built for a response that is never used)."""
    if question.repeats:
        return ""
    markup = question_keyboard(
        1, question, key=question.id, selection=[], can_go_back=False, can_skip=False
    )
    labels = [
        f"[{escape(button.text)}]"
        for row in markup.inline_keyboard
        for button in row
        if button.text != forms.PAUSE  # under every question: says nothing of this one
    ]
    return " ".join(labels)


def _question_lines(form: FormDefinition, question: Question, number: int, total: int) -> list[str]:
    lines = [
        forms.PROGRESS.format(number=number, total=total),
        f"<i>{escape(form.section_of(question.id).title)}</i>",
        f"<b>{escape(question.text)}</b>",
        *(escape(line) for line in question.option_legend()),
    ]
    if question.hint:
        lines.append(escape(question.hint))
    kind = workbook_texts.TYPE_NAMES[question.type.value]
    required = texts.PREVIEW_REQUIRED if question.required else texts.PREVIEW_OPTIONAL
    lines.append(texts.PREVIEW_ANSWER.format(answer=f"{kind}, {required}"))
    if buttons := _buttons(question):
        lines.append(texts.PREVIEW_BUTTONS.format(buttons=buttons))
    return lines


def preview_lines(form: FormDefinition) -> list[str]:
    """The count of questions, then the first ones a school sees before answering anything."""
    shown = visible_questions(form, {})
    total = counted(len(form.questions), QUESTIONS)
    hidden = len(form.questions) - len(shown)
    count = (
        texts.PREVIEW_COUNT_CONDITIONAL.format(questions=total, hidden=hidden)
        if hidden
        else texts.PREVIEW_COUNT.format(questions=total)
    )
    lines = [count, texts.PREVIEW_FIRST]
    for number, question in enumerate(shown[:FIRST_QUESTIONS], start=1):
        lines.append("")
        lines.extend(_question_lines(form, question, number, len(shown)))
    return lines
