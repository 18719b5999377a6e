"""The questionnaire screen of one person: where they are in a response (``Place``, kept in the
FSM), showing a question or the review, and storing what they answer (``Screen``), built for
each update of the questionnaire router by ``ScreenMiddleware``.

The FSM keeps only where the person is (the response, the question on screen, an unfinished
multiple selection); answers are in the database the moment they are accepted, so after a
restart the conversation continues from there. Time comes from the injected clock, never from
the wall clock.
"""

import logging
from collections.abc import Awaitable, Callable
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from aiogram import BaseMiddleware, Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message, TelegramObject
from pydantic import BaseModel

from bot.handlers.questionnaire import keyboards
from bot.handlers.questionnaire.states import Questionnaire
from bot.handlers.shared.drafts import read_draft, save_draft
from bot.handlers.shared.messages import message_chunks, split_html
from bot.handlers.shared.views import local_date, local_datetime
from core.access import Action
from core.actors import Actor
from core.carry_forward import confirm_rest, previous_answers
from core.clock import Clock
from core.forms.display import format_answer
from core.forms.engine import (
    can_add_item,
    effective_answers,
    group_items,
    group_step,
    next_question,
    previous_question,
    progress,
    visible_questions,
    with_sub_answer,
)
from core.forms.inputs import Accepted, RawInput
from core.forms.models import Question, QuestionType
from core.forms.parsing import parse
from core.questionnaires import (
    AnswerLocked,
    FormCatalog,
    ResponseView,
    may_change,
    open_response,
    record_answer,
)
from storage import Database
from storage.responses import Status
from texts import forms as form_texts
from texts import questionnaire as texts

log = logging.getLogger(__name__)
SUBMITTED_STATUSES = (Status.SUBMITTED, Status.ACCEPTED)


class Place(BaseModel):
    """Where a person is in a response (FSM data, validated on every read)."""

    response_id: int
    question_id: str | None = None  # None: the review screen
    seen: str | None = None  # stamp of the stored answer when the question was shown
    selection: list[str] = []  # ticked options not yet confirmed with "Готово"
    awaiting_other: bool = False  # the next text is the "other" of this question
    back_to_review: bool = False  # editing one answer from the review screen
    message_id: int | None = None  # the message on screen, to take its buttons away


class Screen:
    """One person's questionnaire screen: shows questions and the review, stores answers."""

    def __init__(
        self,
        bot: Bot,
        chat_id: int,
        state: FSMContext,
        *,
        actor: Actor,
        database: Database,
        catalog: FormCatalog,
        clock: Clock,
    ) -> None:
        self.bot, self.chat_id, self.state = bot, chat_id, state
        self.actor, self.database, self.catalog = actor, database, catalog
        self.clock = clock

    async def place(self) -> Place | None:
        if await self.state.get_state() != Questionnaire.answering.state:
            return None
        return await read_draft(self.state, Place)

    async def pressed(
        self,
        callback: CallbackQuery,
        response_id: int,
        question_id: str | None,
        *,
        answer: bool = True,
    ) -> tuple[Place, ResponseView] | None:
        """Where the person is, if the pressed button belongs to what is on screen; else the
        press is answered as stale (an old message, another response) and nothing happens.
        ``answer=False`` leaves answering the press to the caller (e.g. with an alert)."""
        place = await self.place()
        if place is None or place.response_id != response_id or place.question_id != question_id:
            await callback.answer(texts.STALE, show_alert=True)
            return None
        view = await self.view(place.response_id)
        if answer:
            await callback.answer()
        return place, view

    async def save(self, place: Place) -> None:
        await self.state.set_state(Questionnaire.answering)
        await save_draft(self.state, place)

    async def view(self, response_id: int) -> ResponseView:
        return await open_response(
            self.database, self.catalog, self.actor, response_id, Action.ANSWER
        )

    async def say(self, text: str, markup: Any = None) -> Message:
        """Send ``text`` (HTML); a text too long for one message goes in several, the buttons
        under the last one, which is returned."""
        *first, last = split_html(text)
        for piece in first:
            await self.bot.send_message(self.chat_id, piece)
        return await self.bot.send_message(self.chat_id, last, reply_markup=markup)

    async def say_lines(self, lines: list[str], markup: Any = None) -> Message:
        """Lines joined into as few messages as fit; the buttons under the last one."""
        *first, last = message_chunks(lines)
        for chunk in first:
            await self.bot.send_message(self.chat_id, chunk)
        return await self.bot.send_message(self.chat_id, last, reply_markup=markup)

    async def close(self, place: Place, summary: str | None = None) -> None:
        """Take the buttons off the message on screen; an answered question keeps a mark."""
        if place.message_id is None:
            return
        markup = None if summary is None else keyboards.answered_mark(summary)
        try:
            await self.bot.edit_message_reply_markup(
                chat_id=self.chat_id, message_id=place.message_id, reply_markup=markup
            )
        except TelegramBadRequest as error:  # already without buttons, or too old to edit
            log.debug("could not close message %s: %s", place.message_id, error)
        place.message_id = None

    async def show(self, view: ResponseView, place: Place) -> None:
        """The question ``place`` points at, else the next unanswered one, else the review."""
        question = view.form.question(place.question_id) if place.question_id else None
        if question is None:
            question = next_question(view.form, view.values)
        if question is None or not may_change(view, self.clock()):
            await self.review(view, place)
            return
        place.question_id = question.id
        stored = view.answers.get(question.id)
        place.seen = None if stored is None else stored.stamp
        number = progress(view.form, view.values, question.id)
        lines = [
            form_texts.PROGRESS.format(number=number.number, total=number.total),
            f"<i>{escape(view.form.section_of(question.id).title)}</i>",
            f"<b>{escape(question.text)}</b>",
        ]
        if question.type is QuestionType.GROUP:
            markup = self._group_screen(view, question, place, lines)
        else:
            markup = self._question_screen(view, question, question, place, lines)
            if stored is not None:
                current = format_answer(question, stored.value)
                lines.append(form_texts.CURRENT_ANSWER.format(answer=escape(current)))
        if stored is None:
            markup = await self._offer_carry(view, question, markup, lines)
        sent = await self.say_lines(lines, markup)
        place.message_id = sent.message_id
        await self.save(place)

    async def redraw(self, view: ResponseView, place: Place, message: Message) -> None:
        """New ticks on the question on screen: only its buttons change."""
        question = view.form.question(place.question_id or "")
        assert question is not None
        if question.type is QuestionType.GROUP:
            markup = self._group_screen(view, question, place, [])
        else:
            markup = self._question_screen(view, question, question, place, [])
        if question.id not in view.answers:
            markup = await self._offer_carry(view, question, markup, [])
        await self.save(place)
        await message.edit_reply_markup(reply_markup=markup)

    async def _offer_carry(
        self, view: ResponseView, question: Question, markup: InlineKeyboardMarkup, lines: list[str]
    ) -> InlineKeyboardMarkup:
        """In a recurring round: last round's answer and "Без изменений" above the buttons."""
        carried = await previous_answers(
            self.database, self.catalog, self.actor, view, now=self.clock()
        )
        if question.id not in carried:
            return markup
        previous = format_answer(question, carried[question.id])
        lines.append(texts.CARRY_PREVIOUS.format(answer=escape(previous)))
        return keyboards.with_carry_forward(markup, view.response.id, question.id)

    async def carry_forward(self, view: ResponseView, place: Place, *, rest: bool) -> bool:
        """Keep last round's answer to the question on screen (and, with ``rest``, to every
        following one that has one); False when there is none valid any more."""
        question = view.form.question(place.question_id or "")
        carried = await previous_answers(
            self.database, self.catalog, self.actor, view, now=self.clock()
        )
        if question is None or question.id not in carried:
            return False
        value = carried[question.id]
        if not rest:
            await self.store(view, place, question, value, summary=format_answer(question, value))
            return True
        try:
            view, count = await confirm_rest(
                self.database, self.catalog, self.actor, view, now=self.clock()
            )
        except AnswerLocked:
            await self.close(place)
            await self.say(texts.LOCKED)
            await self.review(view, place)
            return True
        await self.close(place, texts.CARRY_SAME)
        await self.say(texts.CARRY_DONE.format(count=count))
        place.question_id, place.selection, place.awaiting_other = None, [], False
        if place.back_to_review:
            await self.review(view, place)
        else:
            await self.show(view, place)
        return True

    def _question_screen(
        self,
        view: ResponseView,
        owner: Question,
        question: Question,
        place: Place,
        lines: list[str],
        *,
        skippable: bool = False,
    ) -> InlineKeyboardMarkup:
        if question.hint:
            lines.append(escape(question.hint))
        return keyboards.question_keyboard(
            view.response.id,
            question,
            key=owner.id,
            selection=place.selection,
            can_go_back=previous_question(view.form, view.values, owner.id) is not None,
            can_skip=skippable or not question.required,
        )

    def _group_screen(
        self, view: ResponseView, group: Question, place: Place, lines: list[str]
    ) -> InlineKeyboardMarkup:
        value = view.values.get(group.id)
        step = group_step(group, value)
        if step.question is None:
            lines.append(escape(format_answer(group, value)))
            lines.append(form_texts.ASK_ANOTHER_ITEM)
            return keyboards.group_keyboard(
                view.response.id, group, can_add=can_add_item(group, value)
            )
        name = group.item_name or group.text
        lines.append(form_texts.ITEM_HEADER.format(name=escape(name), number=step.index + 1))
        lines.append(escape(step.question.text))
        # An optional group with no items yet can be skipped as a whole.
        empty = not any(group_items(value))
        return self._question_screen(
            view, group, step.question, place, lines, skippable=empty and not group.required
        )

    async def review(self, view: ResponseView, place: Place) -> None:
        zone = ZoneInfo(view.timezone)
        shown = [q for q in visible_questions(view.form, view.values) if q.id in view.answers]
        lines = [
            texts.REVIEW_HEADER.format(
                title=escape(view.form.title), school=escape(view.school.short_name)
            )
        ]
        for number, question in enumerate(shown, start=1):
            lines.append(
                texts.REVIEW_LINE.format(
                    number=number,
                    question=escape(_shortened(question.text)),
                    answer=escape(format_answer(question, view.answers[question.id].value)),
                )
            )
        submitted = view.response.status in SUBMITTED_STATUSES
        can_change = may_change(view, self.clock())
        if submitted and view.response.submitted_at is not None:
            template = texts.REVIEW_SUBMITTED if can_change else texts.REVIEW_LOCKED
            lines.append(
                template.format(
                    at=local_datetime(view.response.submitted_at, zone),
                    deadline=local_date(view.campaign.deadline_at, zone),
                )
            )
        if can_change:
            lines.append(texts.REVIEW_HINT)
        markup = keyboards.review_keyboard(
            view.response.id, [q.id for q in shown], can_change=can_change, submitted=submitted
        )
        sent = await self.say_lines(lines, markup)
        place.question_id, place.seen, place.selection = None, None, []
        place.awaiting_other = place.back_to_review = False
        place.message_id = sent.message_id
        await self.save(place)

    async def answer(self, view: ResponseView, place: Place, raw: RawInput) -> None:
        """Parse ``raw`` for the question on screen; store it and go on, or explain and re-ask."""
        assert place.question_id is not None
        question = view.form.question(place.question_id)
        assert question is not None
        asked = question
        if question.type is QuestionType.GROUP:
            step = group_step(question, view.values.get(question.id))
            if step.question is None:
                await self.say(form_texts.ASK_ANOTHER_ITEM)
                return
            asked = step.question
        today = self.clock().astimezone(ZoneInfo(view.timezone)).date()
        # Checks compare with shown answers only: a hidden question's old answer does not count.
        shown = effective_answers(view.form, view.values)
        outcome = parse(asked, raw, today=today, answers=shown)
        if not isinstance(outcome, Accepted):
            await self.close(place)
            await self.say(escape(outcome.message))
            place.awaiting_other = False
            await self.show(view, place)
            return
        stored = outcome.value
        if question.type is QuestionType.GROUP:
            step = group_step(question, view.values.get(question.id))
            assert step.question is not None
            stored = with_sub_answer(
                question, view.values.get(question.id), step.index, step.question.id, stored
            )
        await self.store(view, place, question, stored, summary=format_answer(asked, outcome.value))

    async def skip(self, view: ResponseView, place: Place, question: Question) -> None:
        value = view.values.get(question.id)
        if question.type is QuestionType.GROUP:
            step = group_step(question, value)
            if not any(group_items(value)) and not question.required:
                await self.store(view, place, question, None, summary=form_texts.SKIPPED)
            elif step.question is not None and not step.question.required:
                stored = with_sub_answer(question, value, step.index, step.question.id, None)
                await self.store(view, place, question, stored, summary=form_texts.SKIPPED)
            return
        if not question.required:
            await self.store(view, place, question, None, summary=form_texts.SKIPPED)

    async def store(
        self, view: ResponseView, place: Place, question: Question, value: Any, *, summary: str
    ) -> None:
        try:
            recorded = await record_answer(
                self.database,
                self.actor,
                view,
                question.id,
                value,
                seen=place.seen,
                now=self.clock(),
            )
        except AnswerLocked:
            await self.close(place)
            await self.say(texts.LOCKED)
            await self.review(view, place)
            return
        await self.close(place, summary)
        if recorded.overwritten is not None:
            await self.say(
                texts.OVERWRITTEN.format(
                    name=escape(recorded.overwritten.answered_by_name or "—"),
                    old=escape(format_answer(question, recorded.overwritten.value)),
                    new=escape(format_answer(question, value)),
                )
            )
        place.selection, place.awaiting_other = [], False
        group_open = question.type is QuestionType.GROUP and isinstance(value, dict)
        group_open = group_open and not value.get("done")
        if place.back_to_review and not group_open:
            await self.review(recorded.view, place)
            return
        place.question_id = question.id if group_open else None
        await self.show(recorded.view, place)


def _shortened(text: str, limit: int = 70) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class ScreenMiddleware(BaseMiddleware):
    """Gives this router's handlers ``screen``: the person's questionnaire screen, built from the
    handler data (bot, FSM state, actor, database, catalog, clock)."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        sender = data["event_from_user"]
        data["screen"] = Screen(
            data["bot"],
            sender.id,
            data["state"],
            actor=data["actor"],
            database=data["database"],
            catalog=data["catalog"],
            clock=data["clock"],
        )
        return await handler(event, data)
