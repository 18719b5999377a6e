"""The questionnaire screen of one person: where they are in a response (``Place``, kept in the
FSM), showing a question or the review, and storing what they answer (``Screen``), built for
each update of the questionnaire router by ``ScreenMiddleware``.

The FSM keeps only where the person is (the response, the question on screen, an item of a
repeat group or a row of a table open, an unfinished multiple selection, a row's new key being
chosen); answers are in the database the moment they are accepted, so after a restart the
conversation continues from there. Time comes from the injected clock, never from the wall clock.

A table (``QuestionType.TABLE``) is walked as a repeat group is, row by row, with its rules
(``core.forms.tables``) applied as the row is given: a key another row has is refused as soon as
it is complete; a row that fails a row check is refused after its last value, its offending
values taken out (so it is not complete, and the table not finished) and asked again.
"""

import logging
from collections.abc import Awaitable, Callable, Mapping
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
from core.forms.display import (
    format_answer,
    format_chosen,
    item_lines,
    item_summary,
    table_lines,
)
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
    with_group_done,
    with_item_answer,
    with_sub_answer,
    without_item,
)
from core.forms.inputs import Accepted, RawInput
from core.forms.models import Question, QuestionType
from core.forms.parsing import has_letter_or_digit, parse, visible_trim
from core.forms.tables import (
    duplicate_of,
    key_label,
    missing_rows,
    row_key,
    row_problems,
    row_summary,
    table_problems,
)
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
from texts import tables as table_texts
from texts.plurals import word

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
    # A table row's columns asked again from its card, in order (empty: the whole item), and
    # the options of its new key chosen so far: written together once the key is whole.
    walk: list[str] = []
    key_draft: dict[str, str] = {}
    total: int | None = None  # the question count last shown: a change is said on screen

    def leave_item(self) -> None:
        """Back to the list of items (rows): no item open, nothing of one pending."""
        self.item = self.sub = None
        self.walk, self.key_draft = [], {}


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
            place.leave_item()
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
        if question.repeats:
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
        if question.repeats:
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
            await self.store(view, place, question, value, summary=_mark(question, value))
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
        compact: bool = False,
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
            compact=compact,
        )

    def _group_screen(
        self, view: ResponseView, group: Question, place: Place, lines: list[str]
    ) -> InlineKeyboardMarkup:
        if group.type is QuestionType.TABLE:
            return self._table_screen(view, group, place, lines)
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

    def _table_screen(
        self, view: ResponseView, table: Question, place: Place, lines: list[str]
    ) -> InlineKeyboardMarkup:
        """A table: its rows, one summary each, with ✏️ per row, add, done, Excel; or a row's
        card (change a value, the key, delete it); or the question of the row being given."""
        value = view.values.get(table.id)
        rows = group_items(value)
        name = table.item_name or table_texts.ROW_NAME
        if place.item is not None and place.item < len(rows):
            row = rows[place.item]
            sub = sub_question(table, place.sub)
            if sub is not None:  # a value or the key of the row, asked again
                drafted = _drafted(place)
                lines.append(escape(_row_header(table, name, place.item, {**row, **drafted})))
                lines.append(escape(sub.text))
                return self._question_screen(
                    view,
                    table,
                    sub,
                    place,
                    lines,
                    can_go_back=True,
                    current=drafted.get(sub.id, row.get(sub.id, _MISSING)),
                    compact=True,
                )
            lines.append(escape(table_texts.ROW_HEADER.format(name=name, number=place.item + 1)))
            lines.append(escape(row_summary(table, row)))
            lines.append(table_texts.CARD_HINT)
            complete = all(sub.id in row for sub in table.questions)
            return keyboards.row_keyboard(view.response.id, table, place.item, complete=complete)
        place.leave_item()
        step = group_step(table, value)
        if step.question is None:
            for number, row in enumerate(rows, start=1):
                summary = escape(row_summary(table, row))
                lines.append(table_texts.ROW_LINE.format(number=number, summary=summary))
            missing = missing_rows(table, rows)
            if missing:
                named = "; ".join(key_label(table, key) for key in missing)
                lines.append(escape(table_texts.STILL_REQUIRED.format(rows=named)))
            lines.append(table_texts.LIST_HINT)
            return keyboards.table_keyboard(
                view.response.id, table, can_add=can_add_item(table, value), rows=len(rows)
            )
        empty = not any(rows)
        if empty and table.hint:
            lines.append(escape(table.hint))
        row = rows[step.index] if step.index < len(rows) else {}
        lines.append(escape(_row_header(table, name, step.index, row)))
        lines.append(escape(step.question.text))
        markup = self._question_screen(
            view,
            table,
            step.question,
            place,
            lines,
            skippable=empty and not table.required,
            can_go_back=bool(row)
            or step.index > 0
            or previous_question(view.form, view.values, table.id) is not None,
            compact=True,
        )
        if empty:  # nothing typed yet: the whole table may come as a filled template instead
            markup = keyboards.with_table_template(markup, view.response.id, table.id)
        return markup

    def asked(self, view: ResponseView, place: Place) -> Question | None:
        """The question whose answer buttons are on screen: a top-level one, or a group's
        sub-question (of the item walked again, or of the item being filled in); None on a
        group's list or an item's card."""
        question = view.form.question(place.question_id or "")
        if question is None or not question.repeats:
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
        if not question.repeats:
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
        place.question_id = question_id
        place.leave_item()
        self.prefill(view, place)
        await self.show(view, place)

    async def back(self, view: ResponseView, place: Place) -> None:
        """ "« Назад": the step before this one. Inside a repeat group that is the item's
        previous question, its card, the list of items; before the group, the question before."""
        await self.close(place)
        question = view.form.question(place.question_id or "")
        assert question is not None
        place.awaiting_other = False
        if question.repeats:
            value = view.values.get(question.id)
            items = group_items(value)
            if place.item is not None and place.item < len(items):
                if place.sub is not None and place.walk:  # a row's values from its card
                    position = place.walk.index(place.sub) if place.sub in place.walk else 0
                    place.sub = place.walk[position - 1] if position > 0 else None
                    if place.sub is None:
                        place.walk, place.key_draft = [], {}
                elif place.sub is not None:
                    previous = sub_before(question, items[place.item], place.sub)
                    place.sub = None if previous is None else previous.id
                else:
                    place.leave_item()
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
        place.leave_item()
        await self.show(view, place)
        return True

    async def keep(self, view: ResponseView, place: Place) -> None:
        """ "Оставить как есть": the answer stays; on to the next question (of the item)."""
        question = view.form.question(place.question_id or "")
        assert question is not None
        if question.repeats:
            if await self.group_changed(view, place, question):
                return
            items = group_items(view.values.get(question.id))
            sub = sub_question(question, place.sub)
            if place.item is None or place.item >= len(items) or sub is None:
                return
            item = items[place.item]
            if question.type is QuestionType.TABLE and place.walk == question.key:
                # The key asked again: the option kept counts as chosen (checked once whole).
                kept = _drafted(place).get(sub.id, item.get(sub.id))
                if isinstance(kept, dict):
                    await self.table_answer(view, place, question, sub, kept)
                return
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
        if place.item is not None and place.item < len(items) and place.walk:
            # A table row's values asked from its card: only those.
            if after is None:
                position = 0
            elif after in place.walk:
                position = place.walk.index(after) + 1
            else:
                position = len(place.walk)
            if position < len(place.walk):
                following = sub_question(group, place.walk[position])
        elif place.item is not None and place.item < len(items):
            following = sub_after(group, items[place.item], after)
        if following is None:
            place.leave_item()
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
        if group.type is QuestionType.TABLE and act in (ItemAct.DELETE, ItemAct.CONFIRM):
            await self.delete_row(view, place, group, index, confirmed=act is ItemAct.CONFIRM)
            return
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

    async def delete_row(
        self, view: ResponseView, place: Place, table: Question, index: int, *, confirmed: bool
    ) -> None:
        """ "🗑 Удалить строку": asked first; confirmed, the row goes and the rest renumber. A
        finished table left with something wrong (a required row gone) is no longer finished."""
        value = view.values.get(table.id)
        summary = row_summary(table, group_items(value)[index])
        if not confirmed:
            await self.close(place)
            sent = await self.say(
                escape(table_texts.DELETE_CONFIRM.format(number=index + 1, summary=summary)),
                keyboards.delete_item_keyboard(
                    view.response.id, table.id, index, yes=table_texts.DELETE_YES
                ),
            )
            place.message_id = sent.message_id
            await self.save(place)
            return
        remaining = without_item(value, index)
        if remaining["done"] and table_problems(table, remaining):
            remaining["done"] = False
        recorded = await self.record(
            view, place, table, remaining, summary=table_texts.DELETED_MARK
        )
        if recorded is None:
            return
        await self.say(escape(table_texts.DELETED.format(summary=summary)))
        place.leave_item()
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
            value = view.answers[question.id].value
            rows = table_lines(question, value) if question.type is QuestionType.TABLE else []
            if rows:  # a table: one line per row, under the question
                lines.append(
                    table_texts.REVIEW_LINE.format(
                        number=number, question=escape(_shortened(question.text))
                    )
                )
                lines.extend(table_texts.REVIEW_ROW.format(row=escape(row)) for row in rows)
                continue
            lines.append(
                texts.REVIEW_LINE.format(
                    number=number,
                    question=escape(_shortened(question.text)),
                    answer=escape(format_answer(question, value)),
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
        place.other_text = place.total = None
        place.leave_item()
        place.message_id = sent.message_id
        await self.save(place)

    async def answer(self, view: ResponseView, place: Place, raw: RawInput) -> None:
        """Parse ``raw`` for the question on screen; store it and go on, or explain and re-ask."""
        assert place.question_id is not None
        question = view.form.question(place.question_id)
        assert question is not None
        asked = self.asked(view, place)
        if question.repeats and asked is None:
            # The list or an item's card is answered with its buttons: say so, show them again.
            await self.close(place)
            if place.item is not None:
                await self.say(form_texts.ITEM_USE_BUTTONS)
            elif question.type is QuestionType.TABLE:
                await self.say(table_texts.USE_BUTTONS)
            else:
                await self.say(form_texts.GROUP_USE_BUTTONS)
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
        if question.type is QuestionType.TABLE:
            await self.table_answer(view, place, question, asked, stored)
            return
        if question.repeats and place.item is not None:
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
        if question.repeats:
            step = group_step(question, view.values.get(question.id))
            assert step.question is not None
            stored = with_sub_answer(
                question, view.values.get(question.id), step.index, step.question.id, stored
            )
        await self.store(view, place, question, stored, summary=format_chosen(asked, outcome.value))

    async def table_answer(
        self, view: ResponseView, place: Place, table: Question, asked: Question, answer: Any
    ) -> None:
        """A cell of a table row given (a new row's, or one asked again from its card): a key
        that another row has is refused at once; a row that fails a row check is refused with
        its offending values taken out, and those are asked again; else it is written."""
        value = view.values.get(table.id)
        rows = group_items(value)
        editing = place.item is not None
        if place.item is not None:
            if await self.group_changed(view, place, table):
                return
            index = place.item
        else:
            index = group_step(table, value).index
        row = dict(rows[index]) if index < len(rows) else {}
        summary = format_chosen(asked, answer)
        changes = {asked.id: answer}
        if editing and place.walk == table.key and asked.id in table.key:
            # The key asked again: its columns are chosen one by one, written once all are.
            place.key_draft[asked.id] = answer["selected"]
            position = place.walk.index(asked.id)
            if position + 1 < len(place.walk):
                await self.close(place, summary)
                place.sub = place.walk[position + 1]
                self.prefill(view, place)
                await self.show(view, place)
                return
            changes = _drafted(place)
        candidate = {**row, **changes}
        if asked.id in table.key:
            trial = [*rows, {}] if index >= len(rows) else list(rows)
            trial[index] = candidate
            twin = duplicate_of(table, trial, index)
            key = row_key(table, candidate)
            if twin is not None and key is not None:
                place.key_draft.pop(asked.id, None)
                await self.close(place)
                await self.say(
                    escape(
                        table_texts.DUPLICATE_KEY.format(
                            row=key_label(table, key), number=twin + 1, column=asked.text.lower()
                        )
                    )
                )
                await self.show(view, place)
                return
        failed = _failed_columns(table, candidate)
        if failed:
            await self.refuse_row(view, place, table, index, candidate, failed)
            return
        done = editing and bool(isinstance(value, dict) and value.get("done"))
        changed = _with_row(value, index, candidate, done=done)
        if done and table_problems(table, changed):  # a required row's key changed away
            changed = _with_row(value, index, candidate, done=False)
        recorded = await self.record(view, place, table, changed, summary=summary)
        if recorded is None:
            return
        place.key_draft = {}
        if editing:
            await self.walk_on(recorded, place, table, asked.id)
            return
        place.question_id = table.id
        await self.show(recorded, place)

    async def refuse_row(
        self,
        view: ResponseView,
        place: Place,
        table: Question,
        index: int,
        row: dict[str, Any],
        failed: list[Question],
    ) -> None:
        """A row that fails its checks: the check's words said, the offending values asked
        again. A new row is written without them (so neither it nor the table counts as done);
        a row changed from its card keeps its stored values until new ones pass."""
        problems = "; ".join(row_problems(table, row))
        values = ", ".join(
            table_texts.CELL.format(
                column=column.label, value=format_answer(column, row[column.id])
            )
            for column in failed
        )
        recorded: ResponseView | None = view
        if place.item is not None:
            await self.close(place)
        else:
            kept = {name: cell for name, cell in row.items() if name not in {c.id for c in failed}}
            value = view.values.get(table.id)
            recorded = await self.record(
                view, place, table, _with_row(value, index, kept, done=False), summary=None
            )
        if recorded is None:
            return
        await self.say(
            escape(
                table_texts.ROW_REFUSED.format(
                    problem=problems,
                    values=values,
                    columns=", ".join(column.label for column in failed),
                )
            )
        )
        if place.item is not None:  # asked from the card: those values, then the table
            place.walk = [column.id for column in failed]
            place.sub = place.walk[0]
        place.key_draft = {}
        place.question_id = table.id
        await self.show(recorded, place)

    async def table_cell(
        self, view: ResponseView, place: Place, table: Question, index: int, column: str
    ) -> None:
        """ "✏️ «2»" on a row's card: that value asked again; "✏️ Предмет, класс": the key."""
        await self.close(place)
        place.item = index
        place.walk = list(table.key) if column in table.key else [column]
        place.sub, place.key_draft = place.walk[0], {}
        self.prefill(view, place)
        await self.show(view, place)

    async def finish_table(self, view: ResponseView, place: Place, table: Question) -> None:
        """ "✅ Готово": the table is finished unless something is wrong with it (a required row
        missing, say): then that is said, and the table shown again."""
        done = with_group_done(view.values.get(table.id))
        problems = table_problems(table, done)
        if problems:
            await self.close(place)
            lines = [table_texts.PROBLEM_LINE.format(problem=problem) for problem in problems]
            text = table_texts.NOT_FINISHED.format(problems="\n".join(lines))
            if missing_rows(table, group_items(done)):
                text += "\n" + table_texts.ADD_MISSING.format(button=table_texts.ADD_ROW)
            await self.say(escape(text))
            await self.show(view, place)
            return
        await self.store(view, place, table, done, summary=_mark(table, done))

    async def skip(self, view: ResponseView, place: Place, question: Question) -> None:
        value = view.values.get(question.id)
        if question.repeats and place.item is not None:
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
        if question.repeats:
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
        group_open = question.repeats and isinstance(value, dict)
        group_open = group_open and not value.get("done")
        if place.back_to_review and not group_open:
            await self.review(recorded, place)
            return
        place.question_id = question.id if group_open else None
        await self.show(recorded, place)


def _mark(question: Question, value: Any) -> str:
    """What an answered question's message keeps: the answer as chosen; a table's row count
    ("Готово: 3 строки"), its rows being too long for a button."""
    if question.type is QuestionType.TABLE and value is not None:
        count = len(group_items(value))
        return table_texts.DONE_MARK.format(count=count, rows=word(count, table_texts.ROWS))
    return format_chosen(question, value)


def _drafted(place: Place) -> dict[str, Any]:
    """The new key chosen so far for a row (column id -> stored choice)."""
    return {name: {"selected": option, "other": None} for name, option in place.key_draft.items()}


def _row_header(table: Question, name: str, index: int, row: Mapping[str, Any]) -> str:
    """ "Строка № 2", or once a key column is chosen "Строка № 2: Математика, 5 класс"."""
    chosen = [
        format_answer(sub, row[sub.id])
        for sub in table.questions
        if sub.id in table.key and row.get(sub.id) is not None
    ]
    if not chosen:
        return table_texts.ROW_HEADER.format(name=name, number=index + 1)
    return table_texts.ROW_HEADER_KEY.format(name=name, number=index + 1, key=", ".join(chosen))


def _failed_columns(table: Question, row: Mapping[str, Any]) -> list[Question]:
    """The columns summed by the row checks this row fails, in the table's order."""
    failed = {
        name
        for check in table.row_checks
        if row_problems(table.model_copy(update={"row_checks": [check]}), row)
        for name in check.sum
    }
    return [column for column in table.columns if column.id in failed]


def _with_row(value: Any, index: int, row: dict[str, Any], *, done: bool) -> dict[str, Any]:
    """The table's value with row ``index`` (a new one at the end) replaced by ``row``."""
    rows = [dict(item) for item in group_items(value)]
    while len(rows) <= index:
        rows.append({})
    rows[index] = row
    return {"items": rows, "done": done}


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
