"""A respondent who answers a whole form through the chat with given values, then submits it.

``answer_form(harness, user, form, script)`` opens the form from «Мои анкеты» and, for each
question the bot shows, takes its value from ``script`` ({question id: value}) and gives it the
way the bot asks for it:

- yes/no: ``True`` / ``False`` → «Да» / «Нет»;
- single choice: an option id → its button; ``Other("…")`` → «Другое…», then the text;
- multiple choice: a list of option ids (and ``Other("…")``) → «Другое…» and its text first,
  then a tick per option, then «Готово»;
- grades: a list of grades → a tick per grade button, then «Готово»; or typed, as the bot
  also allows: "5-9, 11";
- numbers, dates (``datetime.date``), texts and links: typed (``12``, ``25.12.2020``, …);
- a file: ``Attachment(name, content)`` → sent as a document;
- a repeat group: a list of items, each {sub-question id: value} → the items one by one,
  «➕ Добавить ещё» between them, «Готово, больше нет» after the last;
- a table: a list of rows, each {column id: value} → the rows one by one (key columns by their
  buttons, numbers typed), «➕ Добавить строку» between them, «✅ Готово» after the last;
- ``SKIP`` (any optional question, an optional group as a whole) → «Пропустить».

On the review screen it presses «📨 Отправить». It fails at once when the bot shows a question
the script has no value for, when the bot answers a step with anything but the next screen (a
refusal says why, and shows the question again), and, on the review screen, when the script
holds a value for a question the bot never asked. ``if_asked`` holds values to give only when
their question is shown (answers that the script's own values may hide, say).
"""

import re
from collections.abc import Awaitable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from botapi_emulator import BotMessage, FakeUser
from core.forms.models import FormDefinition, Question, QuestionType
from tests.harness import BotHarness
from texts import forms as form_texts
from texts import questionnaire as texts
from texts import tables as table_texts

Script = Mapping[str, Any]
MAX_STEPS = 400


@dataclass(frozen=True, slots=True)
class Other:
    """«Другое…» with the text typed for it."""

    text: str


@dataclass(frozen=True, slots=True)
class Attachment:
    name: str
    content: bytes
    mime_type: str = "application/pdf"


class Skip:
    def __repr__(self) -> str:
        return "SKIP"


SKIP = Skip()


@dataclass(frozen=True, slots=True)
class Shown:
    """What a question screen asks: a question; for a repeat group, the sub-question of an item
    (0-based), or — with neither — the list of items ("add another?")."""

    question: Question
    sub: Question | None = None
    item: int | None = None


class Chat:
    """The respondent's chat: each step must be answered with exactly one new message."""

    def __init__(self, harness: BotHarness, user: FakeUser) -> None:
        self.harness, self.user = harness, user
        self.seen = len(self._messages())

    def _messages(self) -> list[BotMessage]:
        return self.harness.emulator.messages(self.user.chat_id)

    async def _new(self, action: Awaitable[int]) -> list[BotMessage]:
        await action
        await self.harness.settle()
        new = self._messages()[self.seen :]
        self.seen += len(new)
        return new

    async def step(self, action: Awaitable[int], doing: str) -> BotMessage:
        """Do ``action``; the one message the bot answers with."""
        new = await self._new(action)
        if len(new) != 1:
            said = "\n---\n".join(message.plain_text or "" for message in new)
            raise AssertionError(f"{doing}: the bot answered {len(new)} messages:\n{said}")
        return new[0]

    async def press(self, screen: BotMessage, label: str, doing: str) -> BotMessage:
        return await self.step(self.user.press(label, message=screen), doing)

    async def send(self, text: str, doing: str) -> BotMessage:
        return await self.step(self.user.send(text), doing)

    async def tick(self, screen: BotMessage, label: str, doing: str) -> None:
        """A toggle: its button gains "✅ " in place and nothing new is sent."""
        new = await self._new(self.user.press(label, message=screen))
        ticked = form_texts.CHECKED + label
        if new or ticked not in screen.button_texts:
            said = "\n---\n".join(message.plain_text or "" for message in new)
            raise AssertionError(f"{doing}: {label!r} is not ticked; {screen.button_texts} {said}")


def item_header(question: Question) -> str:
    """The pattern of an item's (a row's) header: "Мероприятие № 2", "Строка № 2: Математика"."""
    if question.type is QuestionType.TABLE:
        name = question.item_name or table_texts.ROW_NAME
        return re.escape(name) + r" № (\d+)(?:: .*)?"
    return re.escape(question.item_name or question.text) + r" № (\d+)"


def add_label(question: Question) -> str:
    """The button that starts another item (row)."""
    return table_texts.ADD_ROW if question.type is QuestionType.TABLE else form_texts.ADD_ITEM


def finish_label(question: Question) -> str:
    """The button that says there are no more items (rows)."""
    return table_texts.FINISH if question.type is QuestionType.TABLE else form_texts.ITEMS_DONE


def shown_on(form: FormDefinition, screen: BotMessage) -> Shown:
    """The question a screen asks, read from its text: "Вопрос N из M", the section, the
    question's text; for a group then "Мероприятие № 2" and the sub-question's text (a table's
    row: "Строка № 2: Математика", after the table's hint on its first row)."""
    lines = (screen.plain_text or "").splitlines()
    progress = form_texts.PROGRESS.split("{")[0]
    if len(lines) < 3 or not lines[0].startswith(progress):
        raise AssertionError(f"«{form.short_title}»: not a question screen:\n{screen.plain_text}")
    question = next((q for q in form.questions if q.text == lines[2]), None)
    if question is None:
        raise AssertionError(f"«{form.short_title}»: an unknown question:\n{screen.plain_text}")
    if not question.repeats:
        return Shown(question)
    pattern = item_header(question)
    at = next((n for n in (3, 4) if n + 1 < len(lines) and re.fullmatch(pattern, lines[n])), None)
    if at is None:
        return Shown(question)
    header = re.fullmatch(pattern, lines[at])
    assert header is not None
    sub = next((s for s in question.questions if s.text == lines[at + 1]), None)
    if sub is None:
        raise AssertionError(f"{question.id}: an unknown sub-question:\n{screen.plain_text}")
    return Shown(question, sub, int(header[1]) - 1)


def _option_label(question: Question, option_id: str) -> str:
    option = question.option(option_id)
    if option is None:
        raise AssertionError(f"{question.id}: no option {option_id!r}")
    return option.button_text


async def _answer(chat: Chat, screen: BotMessage, question: Question, value: Any) -> BotMessage:
    """Give ``value`` to ``question`` on ``screen``; the next screen."""
    doing = f"{question.id} = {value!r}"
    kind = question.type
    if value is SKIP:
        return await chat.press(screen, form_texts.SKIP, doing)
    if kind is QuestionType.YES_NO:
        assert isinstance(value, bool), doing
        return await chat.press(screen, form_texts.YES if value else form_texts.NO, doing)
    if kind is QuestionType.SINGLE:
        if isinstance(value, Other):
            prompt = await chat.press(screen, form_texts.OTHER, doing)
            assert prompt.plain_text == form_texts.OTHER_PROMPT, doing
            return await chat.send(value.text, doing)
        return await chat.press(screen, _option_label(question, value), doing)
    if kind is QuestionType.MULTI:
        assert isinstance(value, list | tuple), doing
        for other in (choice for choice in value if isinstance(choice, Other)):
            prompt = await chat.press(screen, form_texts.OTHER, doing)
            assert prompt.plain_text == form_texts.OTHER_PROMPT, doing
            screen = await chat.send(other.text, doing)  # the question again, "other" ticked
        for option_id in (choice for choice in value if not isinstance(choice, Other)):
            await chat.tick(screen, _option_label(question, option_id), doing)
        return await chat.press(screen, form_texts.DONE, doing)
    if kind is QuestionType.GRADES and isinstance(value, str):
        return await chat.send(value, doing)
    if kind is QuestionType.GRADES:
        for grade in value:
            await chat.tick(screen, str(grade), doing)
        return await chat.press(screen, form_texts.DONE, doing)
    if kind is QuestionType.DATE:
        assert isinstance(value, date), doing
        return await chat.send(value.strftime("%d.%m.%Y"), doing)
    if kind in (QuestionType.INTEGER, QuestionType.DECIMAL, QuestionType.PERCENT):
        assert isinstance(value, int | float), doing
        assert not isinstance(value, bool), doing
        return await chat.send(str(value).replace(".", ","), doing)
    if kind in (QuestionType.TEXT, QuestionType.LONG_TEXT, QuestionType.URL):
        assert isinstance(value, str), doing
        return await chat.send(value, doing)
    if kind is QuestionType.FILE:
        assert isinstance(value, Attachment), doing
        sent = chat.user.send_document(value.name, value.content, value.mime_type)
        return await chat.step(sent, doing)
    raise AssertionError(f"{doing}: no way to answer a {kind}")


def _paths(form: FormDefinition, script: Script) -> set[str]:
    """What ``script`` answers: question ids, and "group[item].sub" for a repeat group's items."""
    paths = set(script)
    for key, value in script.items():
        question = form.question(key)
        if question is not None and question.repeats and value is not SKIP:
            paths.update(
                f"{key}[{index}].{sub}" for index, item in enumerate(value) for sub in item
            )
    return paths


async def _next(
    chat: Chat, form: FormDefinition, screen: BotMessage, values: Script
) -> tuple[str, BotMessage]:
    """Answer the question on ``screen``: what was answered ("question", or "group[item].sub"
    for an item's question) and the next screen."""
    shown = shown_on(form, screen)
    question = shown.question
    if question.id not in values:
        raise AssertionError(
            f"«{form.short_title}» asks {question.id!r}, which the script does not answer:\n"
            f"{screen.plain_text}"
        )
    value = values[question.id]
    if not question.repeats or value is SKIP:
        return question.id, await _answer(chat, screen, question, value)
    if shown.sub is None or shown.item is None:  # the list of items: another one, or done
        edit = form_texts.ITEM_BUTTON.split("{")[0]  # "✏️ 1", "✏️ 2": one per item
        items = sum(text.startswith(edit) for text in screen.button_texts)
        label = add_label(question) if items < len(value) else finish_label(question)
        return question.id, await chat.press(screen, label, f"{question.id}: {label}")
    path = f"{question.id}[{shown.item}].{shown.sub.id}"
    item = value[shown.item]
    if shown.sub.id not in item:
        raise AssertionError(f"«{form.short_title}» asks {path}, which the script does not answer")
    return path, await _answer(chat, screen, shown.sub, item[shown.sub.id])


async def answer_form(
    harness: BotHarness,
    user: FakeUser,
    form: FormDefinition,
    script: Script,
    *,
    if_asked: Script | None = None,
) -> None:
    """Open ``form`` from «Мои анкеты», answer it with ``script`` and submit it."""
    values = {**(if_asked or {}), **script}
    chat = Chat(harness, user)
    listing = await chat.send("/forms", "/forms")
    start = texts.BUTTON_START.format(title=form.short_title)
    screen = await chat.press(listing, start, start)
    review = texts.REVIEW_HEADER.split("{school}")[0].format(title=form.title)
    asked: set[str] = set()
    for _ in range(MAX_STEPS):
        if (screen.plain_text or "").startswith(review):
            break
        path, screen = await _next(chat, form, screen, values)
        asked.add(path)
    else:
        raise AssertionError(f"«{form.short_title}» did not reach the review screen")
    never = sorted(_paths(form, script) - asked)
    assert not never, f"«{form.short_title}»: the bot never asked {never}"
    done = await chat.press(screen, texts.SUBMIT, texts.SUBMIT)
    submitted = texts.SUBMITTED.split("{at}")[0].format(title=form.title)
    assert (done.plain_text or "").startswith(submitted), done.plain_text
