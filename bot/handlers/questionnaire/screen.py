"""The questionnaire screen of one person: where they are in a response (``Place``, kept in the
FSM), showing a question or the review, and storing what they answer (``Screen``), built for
each update of the questionnaire router by ``ScreenMiddleware``.

The FSM keeps only where the person is (the response, the question on screen, an item of a
repeat group open, an unfinished multiple selection); answers are in the database the moment
they are accepted, so after a restart the conversation continues from there. Time comes from
the injected clock, never from the wall clock.
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
from bot.handlers.questionnaire.callbacks import ItemAct
from bot.handlers.questionnaire.states import Questionnaire
from bot.handlers.shared.drafts import read_draft, save_draft
from bot.handlers.shared.messages import message_chunks, split_html
from bot.handlers.shared.views import local_date, local_datetime
from core.access import Action
from core.actors import Actor
from core.carry_forward import confirm_rest, previous_answers
from core.clock import Clock
from core.forms.display import format_answer, format_chosen, item_lines, item_summary
from core.forms.engine import (
    can_add_item,
    effective_answers,
    group_items,
    group_step,
    next_after,
    next_question,
    previous_question,
    progress,
    shown_subs,
    sub_after,
    sub_before,
    sub_question,
    visible_questions,
    with_item_answer,
    with_sub_answer,
    without_item,
)
from core.forms.inputs import Accepted, RawInput
from core.forms.models import Question, QuestionType
from core.forms.parsing import has_letter_or_digit, parse, visible_trim
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
OTHER_LIMIT = 300  # characters of a typed "other", as the parser allows


class Place(BaseModel):
    """Where a person is in a response (FSM data, validated on every read)."""

    response_id: int
    question_id: str | None = None  # None: the review screen
    seen: str | None = None  # stamp of the stored answer when the question was shown
    selection: list[str] = []  # ticked options not yet confirmed with "Готово"
    awaiting_other: bool = False  # the next text is the "other" of this question
    other_text: str | None = None  # a multiple choice's "other", typed, not yet confirmed
    back_to_review: bool = False  # editing one answer from the review screen
    message_id: int | None = None  # the message on screen, to take its buttons away
    # A repeat group: the item whose card is open (0-based), and the sub-question of it asked
    # again while its answers are walked through (None: the card).
    item: int | None = None
    sub: str | None = None
    total: int | None = None  # the question count last shown: a change is said on screen


_MISSING = object()


def selection_of(question: Question, value: Any) -> tuple[list[str], str | None]:
    """A stored multiple choice (or grades) answer as ticks and the "other" text, so that a
    question shown again starts from its answer."""
    if question.type is QuestionType.GRADES and isinstance(value, list):
        return [str(grade) for grade in value], None
    if question.type is QuestionType.MULTI and isinstance(value, dict):
        selected = value.get("selected")
        if isinstance(selected, list):
            other = value.get("other")
            return [str(option) for option in selected], other if isinstance(other, str) else None
    return [], None


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
        if question.id != place.question_id:
            place.item = place.sub = None
        place.question_id = question.id
        stored = view.answers.get(question.id)
        place.seen = None if stored is None else stored.stamp
        number = progress(view.form, view.values, question.id)
        template = form_texts.PROGRESS
        if place.total is not None and number.total != place.total:
            template = (
                form_texts.PROGRESS_FEWER
                if number.total < place.total
                else form_texts.PROGRESS_MORE
            )
        place.total = number.total
        lines = [
            template.format(number=number.number, total=number.total),
            f"<i>{escape(view.form.section_of(question.id).title)}</i>",
            f"<b>{escape(question.text)}</b>",
        ]
        if question.type is QuestionType.GROUP:
            markup = self._group_screen(view, question, place, lines)
        else:
            current = _MISSING if stored is None else stored.value
            markup = self._question_screen(view, question, question, place, lines, current=current)
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
            stored = view.answers.get(question.id)
            current = _MISSING if stored is None else stored.value
            markup = self._question_screen(view, question, question, place, [], current=current)
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
            await self.store(view, place, question, value, summary=format_chosen(question, value))
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
        can_go_back: bool | None = None,
        current: Any = _MISSING,
    ) -> InlineKeyboardMarkup:
        """A question's lines (hint, the answer it has now) and buttons; ``current``: its
        stored answer, which "Оставить как есть" keeps."""
        # Options whose buttons show a short label: the full labels, numbered, in the text.
        lines.extend(escape(line) for line in question.option_legend())
        if question.hint:
            lines.append(escape(question.hint))
        if current is not _MISSING:
            answer = format_answer(question, current)
            lines.append(form_texts.CURRENT_ANSWER.format(answer=escape(answer)))
        if can_go_back is None:
            can_go_back = previous_question(view.form, view.values, owner.id) is not None
        return keyboards.question_keyboard(
            view.response.id,
            question,
            key=owner.id,
            selection=place.selection,
            can_go_back=can_go_back,
            can_skip=skippable or not question.required,
            can_keep=current is not _MISSING,
            other_text=place.other_text,
        )

    def _group_screen(
        self, view: ResponseView, group: Question, place: Place, lines: list[str]
    ) -> InlineKeyboardMarkup:
        value = view.values.get(group.id)
        items = group_items(value)
        name = escape(group.item_name or group.text)
        if place.item is not None and place.item < len(items):
            item = items[place.item]
            lines.append(form_texts.ITEM_HEADER.format(name=name, number=place.item + 1))
            sub = sub_question(group, place.sub)
            if sub is not None:  # walking the item's answers again
                lines.append(escape(sub.text))
                return self._question_screen(
                    view,
                    group,
                    sub,
                    place,
                    lines,
                    can_go_back=True,
                    current=item.get(sub.id, _MISSING),
                )
            lines.extend(escape(line) for line in item_lines(group, item))
            complete = all(sub.id in item for sub in shown_subs(group, item))
            return keyboards.item_keyboard(
                view.response.id, group.id, place.item, complete=complete
            )
        place.item = place.sub = None
        step = group_step(group, value)
        if step.question is None:
            for number, item in enumerate(items, start=1):
                summary = escape(item_summary(group, item))
                lines.append(form_texts.ITEM_LINE.format(number=number, summary=summary))
            lines.append(form_texts.ASK_ANOTHER_ITEM)
            lines.append(form_texts.ITEMS_HINT)
            return keyboards.group_keyboard(
                view.response.id, group, can_add=can_add_item(group, value), items=len(items)
            )
        lines.append(form_texts.ITEM_HEADER.format(name=name, number=step.index + 1))
        lines.append(escape(step.question.text))
        # An optional group with no items yet can be skipped as a whole.
        empty = not any(group_items(value))
        started = step.index < len(items) and bool(items[step.index])
        return self._question_screen(
            view,
            group,
            step.question,
            place,
            lines,
            skippable=empty and not group.required,
            can_go_back=started
            or step.index > 0
            or previous_question(view.form, view.values, group.id) is not None,
        )

    def asked(self, view: ResponseView, place: Place) -> Question | None:
        """The question whose answer buttons are on screen: a top-level one, or a group's
        sub-question (of the item walked again, or of the item being filled in); None on a
        group's list or an item's card."""
        question = view.form.question(place.question_id or "")
        if question is None or question.type is not QuestionType.GROUP:
            return question
        value = view.values.get(question.id)
        if place.item is not None:  # gone when a colleague deleted it: none
            return (
                sub_question(question, place.sub) if place.item < len(group_items(value)) else None
            )
        return group_step(question, value).question

    def prefill(self, view: ResponseView, place: Place) -> None:
        """Ticks of the question about to be shown, from its stored answer."""
        place.selection, place.other_text, place.awaiting_other = [], None, False
        question = view.form.question(place.question_id or "")
        if question is None:
            return
        if question.type is not QuestionType.GROUP:
            value = view.values.get(question.id)
            place.selection, place.other_text = selection_of(question, value)
            return
        sub = sub_question(question, place.sub)
        items = group_items(view.values.get(question.id))
        if sub is not None and place.item is not None and place.item < len(items):
            place.selection, place.other_text = selection_of(sub, items[place.item].get(sub.id))

    async def go_to(self, view: ResponseView, place: Place, question_id: str | None) -> None:
        """Show question ``question_id`` (None: the next unanswered one), starting from its
        answer."""
        place.question_id, place.item, place.sub = question_id, None, None
        self.prefill(view, place)
        await self.show(view, place)

    async def back(self, view: ResponseView, place: Place) -> None:
        """ "« Назад": the step before this one. Inside a repeat group that is the item's
        previous question, its card, the list of items; before the group, the question before."""
        await self.close(place)
        question = view.form.question(place.question_id or "")
        assert question is not None
        place.awaiting_other = False
        if question.type is QuestionType.GROUP:
            value = view.values.get(question.id)
            items = group_items(value)
            if place.item is not None and place.item < len(items):
                if place.sub is not None:
                    previous = sub_before(question, items[place.item], place.sub)
                    place.sub = None if previous is None else previous.id
                else:
                    place.item = None
                self.prefill(view, place)
                await self.show(view, place)
                return
            step = group_step(question, value)
            if step.question is not None and step.index < len(items):
                item = items[step.index]
                previous = sub_before(question, item, step.question.id)
                if previous is not None:  # the item being filled in: its previous answer
                    place.item, place.sub = step.index, previous.id
                    self.prefill(view, place)
                    await self.show(view, place)
                    return
                if not item and len(items) > 1:  # "Добавить ещё" pressed by mistake
                    recorded = await self.record(
                        view, place, question, without_item(value, step.index), summary=None
                    )
                    if recorded is not None:
                        await self.go_to(recorded, place, question.id)
                    return
        previous_one = previous_question(view.form, view.values, question.id)
        await self.go_to(view, place, None if previous_one is None else previous_one.id)

    async def group_changed(self, view: ResponseView, place: Place, group: Question) -> bool:
        """Items are addressed by position: if a colleague changed the group since it was shown
        (an item deleted, say), position N may be another item now. Then nothing is done to it:
        the person is told and the list is shown as it is now."""
        stored = view.answers.get(group.id)
        if (None if stored is None else stored.stamp) == place.seen:
            return False
        await self.close(place)
        await self.say(form_texts.ITEMS_CHANGED)
        place.item = place.sub = None
        await self.show(view, place)
        return True

    async def keep(self, view: ResponseView, place: Place) -> None:
        """ "Оставить как есть": the answer stays; on to the next question (of the item)."""
        question = view.form.question(place.question_id or "")
        assert question is not None
        if question.type is QuestionType.GROUP:
            if await self.group_changed(view, place, question):
                return
            items = group_items(view.values.get(question.id))
            sub = sub_question(question, place.sub)
            if place.item is None or place.item >= len(items) or sub is None:
                return
            item = items[place.item]
            if sub.id not in item:
                return
            await self.close(place, format_chosen(sub, item[sub.id]))
            await self.walk_on(view, place, question, sub.id)
            return
        stored = view.answers.get(question.id)
        if stored is None:
            return
        await self.close(place, format_chosen(question, stored.value))
        if place.back_to_review:
            await self.review(view, place)
            return
        following = next_after(view.form, view.values, question.id)
        if following is None:
            await self.go_to(view, place, None)  # the first unanswered one, or the review
        else:
            await self.go_to(view, place, following.id)

    async def walk_on(
        self, view: ResponseView, place: Place, group: Question, after: str | None
    ) -> None:
        """The item's next shown question after ``after``; after its last, the list."""
        items = group_items(view.values.get(group.id))
        following = None
        if place.item is not None and place.item < len(items):
            following = sub_after(group, items[place.item], after)
        if following is None:
            place.item = place.sub = None
        else:
            place.sub = following.id
        place.question_id = group.id
        self.prefill(view, place)
        await self.show(view, place)

    async def item_action(
        self, view: ResponseView, place: Place, group: Question, index: int, act: ItemAct
    ) -> None:
        """A button of a group's list, an item's card or the delete confirmation."""
        value = view.values.get(group.id)
        items = group_items(value)
        name = group.item_name or group.text
        if act is ItemAct.OPEN:
            await self.close(place)
            place.item, place.sub = index, None
            await self.show(view, place)
        elif act is ItemAct.EDIT:
            await self.close(place)
            await self.walk_on(view, place, group, None)
        elif act is ItemAct.DELETE:
            await self.close(place)
            sent = await self.say(
                form_texts.DELETE_ITEM_CONFIRM.format(
                    name=escape(name),
                    number=index + 1,
                    summary=escape(item_summary(group, items[index])),
                ),
                keyboards.delete_item_keyboard(view.response.id, group.id, index),
            )
            place.message_id = sent.message_id
            await self.save(place)
        elif act is ItemAct.CANCEL:
            await self.close(place)
            await self.show(view, place)
        elif act is ItemAct.CONFIRM:
            summary = item_summary(group, items[index])
            recorded = await self.record(
                view, place, group, without_item(value, index), summary=form_texts.ITEM_DELETED_MARK
            )
            if recorded is None:
                return
            await self.say(
                form_texts.ITEM_DELETED.format(
                    name=escape(name), number=index + 1, summary=escape(summary)
                )
            )
            place.item = place.sub = None
            await self.show(recorded, place)

    async def other_text(self, view: ResponseView, place: Place, text: str) -> None:
        """The typed "other" of a multiple choice: ticked, shown on its button, back to the
        options (confirmed with "Готово" as the rest)."""
        other = visible_trim(text)
        if not other:
            await self.say(form_texts.OTHER_TEXT_EXPECTED)
            return
        if not has_letter_or_digit(other):  # the prompt stays open for a second try
            await self.say(form_texts.TEXT_NO_LETTERS)
            return
        if len(other) > OTHER_LIMIT:
            await self.say(form_texts.TEXT_TOO_LONG.format(length=len(other), limit=OTHER_LIMIT))
            return
        await self.close(place)
        if "other" not in place.selection:
            place.selection.append("other")
        place.other_text, place.awaiting_other = other, False
        await self.show(view, place)

    async def ask_other(self, view: ResponseView, place: Place) -> None:
        """ "Другое…" pressed: the text is asked at once."""
        await self.close(place)
        place.awaiting_other = True
        sent = await self.say(
            form_texts.OTHER_PROMPT,
            keyboards.other_prompt_keyboard(view.response.id, place.question_id or ""),
        )
        place.message_id = sent.message_id
        await self.save(place)

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
        place.item = place.sub = place.other_text = place.total = None
        place.message_id = sent.message_id
        await self.save(place)

    async def answer(self, view: ResponseView, place: Place, raw: RawInput) -> None:
        """Parse ``raw`` for the question on screen; store it and go on, or explain and re-ask."""
        assert place.question_id is not None
        question = view.form.question(place.question_id)
        assert question is not None
        asked = self.asked(view, place)
        if question.type is QuestionType.GROUP and asked is None:
            # The list or an item's card is answered with its buttons: say so, show them again.
            await self.close(place)
            await self.say(
                form_texts.ITEM_USE_BUTTONS
                if place.item is not None
                else form_texts.GROUP_USE_BUTTONS
            )
            await self.show(view, place)
            return
        assert asked is not None
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
        if question.type is QuestionType.GROUP and place.item is not None:
            if await self.group_changed(view, place, question):
                return
            changed = with_item_answer(
                question, view.values.get(question.id), place.item, asked.id, stored
            )
            recorded = await self.record(
                view, place, question, changed, summary=format_chosen(asked, stored)
            )
            if recorded is not None:
                await self.walk_on(recorded, place, question, asked.id)
            return
        if question.type is QuestionType.GROUP:
            step = group_step(question, view.values.get(question.id))
            assert step.question is not None
            stored = with_sub_answer(
                question, view.values.get(question.id), step.index, step.question.id, stored
            )
        await self.store(view, place, question, stored, summary=format_chosen(asked, outcome.value))

    async def skip(self, view: ResponseView, place: Place, question: Question) -> None:
        value = view.values.get(question.id)
        if question.type is QuestionType.GROUP and place.item is not None:
            if await self.group_changed(view, place, question):
                return
            sub = sub_question(question, place.sub)
            if sub is not None and not sub.required and place.item < len(group_items(value)):
                changed = with_item_answer(question, value, place.item, sub.id, None)
                recorded = await self.record(
                    view, place, question, changed, summary=form_texts.SKIPPED
                )
                if recorded is not None:
                    await self.walk_on(recorded, place, question, sub.id)
            return
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

    async def record(
        self,
        view: ResponseView,
        place: Place,
        question: Question,
        value: Any,
        *,
        summary: str | None,
    ) -> ResponseView | None:
        """Write the answer and mark the message on screen with ``summary``; the response as it
        is now, or None when it can no longer change (then the review is on screen)."""
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
            return None
        await self.close(place, summary)
        if recorded.overwritten is not None:
            await self.say(
                texts.OVERWRITTEN.format(
                    name=escape(recorded.overwritten.answered_by_name or "—"),
                    old=escape(format_answer(question, recorded.overwritten.value)),
                    new=escape(format_answer(question, value)),
                )
            )
        place.selection, place.awaiting_other, place.other_text = [], False, None
        stored = recorded.view.answers.get(question.id)
        place.seen = None if stored is None else stored.stamp
        return recorded.view

    async def store(
        self, view: ResponseView, place: Place, question: Question, value: Any, *, summary: str
    ) -> None:
        recorded = await self.record(view, place, question, value, summary=summary)
        if recorded is None:
            return
        group_open = question.type is QuestionType.GROUP and isinstance(value, dict)
        group_open = group_open and not value.get("done")
        if place.back_to_review and not group_open:
            await self.review(recorded, place)
            return
        place.question_id = question.id if group_open else None
        await self.show(recorded, place)


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
