"""Answering a questionnaire in the chat: "Мои анкеты", one question at a time, review, submit.

The FSM keeps only where the person is (the response, the question on screen, an unfinished
multiple selection); answers are in the database the moment they are accepted, so after a
restart the conversation continues from there.
"""

import logging
from collections.abc import Awaitable, Callable
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from aiogram import BaseMiddleware, Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    TelegramObject,
)
from aiogram.utils.keyboard import InlineKeyboardBuilder
from pydantic import BaseModel

from bot.commands import Cmd
from bot.handlers.questionnaire import keyboards
from bot.handlers.questionnaire.callbacks import (
    AnswerButton,
    CarryForward,
    OpenResponse,
    QuestionAction,
    ReviewAction,
    ToggleButton,
)
from bot.handlers.questionnaire.states import Questionnaire
from bot.handlers.shared.callbacks import AnsweredMark
from bot.handlers.shared.drafts import read_draft, save_draft
from bot.handlers.shared.menus import main_menu
from bot.handlers.shared.views import local_date, local_datetime, message_chunks
from core.access import Action
from core.actors import Actor
from core.carry_forward import confirm_rest, previous_answers
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
    with_group_done,
    with_new_item,
    with_sub_answer,
)
from core.forms.inputs import Accepted, Choice, RawInput, Selection, Text, Unsupported, Upload
from core.forms.models import Question, QuestionType
from core.forms.parsing import parse
from core.questionnaires import (
    AnswerLocked,
    FormCatalog,
    Incomplete,
    ResponseView,
    forms_to_answer,
    may_change,
    open_response,
    record_answer,
    submit_response,
)
from core.review import revision_note
from storage import Database
from storage.responses import Status
from storage.types import utcnow
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
    ) -> None:
        self.bot, self.chat_id, self.state = bot, chat_id, state
        self.actor, self.database, self.catalog = actor, database, catalog

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
        return await self.bot.send_message(self.chat_id, text, reply_markup=markup)

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
        if question is None or not may_change(view, utcnow()):
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
        sent = await self.say("\n".join(lines), markup)
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
            self.database, self.catalog, self.actor, view, now=utcnow()
        )
        if question.id not in carried:
            return markup
        previous = format_answer(question, carried[question.id])
        lines.append(texts.CARRY_PREVIOUS.format(answer=escape(previous)))
        row = [
            InlineKeyboardButton(
                text=text,
                callback_data=CarryForward(r=view.response.id, q=question.id, rest=rest).pack(),
            )
            for text, rest in ((texts.CARRY_SAME, False), (texts.CARRY_REST, True))
        ]
        return InlineKeyboardMarkup(inline_keyboard=[row, *markup.inline_keyboard])

    async def carry_forward(self, view: ResponseView, place: Place, *, rest: bool) -> bool:
        """Keep last round's answer to the question on screen (and, with ``rest``, to every
        following one that has one); False when there is none valid any more."""
        question = view.form.question(place.question_id or "")
        carried = await previous_answers(
            self.database, self.catalog, self.actor, view, now=utcnow()
        )
        if question is None or question.id not in carried:
            return False
        value = carried[question.id]
        if not rest:
            await self.store(view, place, question, value, summary=format_answer(question, value))
            return True
        try:
            view, count = await confirm_rest(
                self.database, self.catalog, self.actor, view, now=utcnow()
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
        can_change = may_change(view, utcnow())
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
        chunks = message_chunks(lines)
        for chunk in chunks[:-1]:
            await self.say(chunk)
        sent = await self.say(chunks[-1], markup)
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
        today = utcnow().astimezone(ZoneInfo(view.timezone)).date()
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
                now=utcnow(),
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


def _raw_input(message: Message) -> RawInput:
    if message.text is not None:
        return Text(message.text)
    if message.document is not None:
        document = message.document
        return Upload(
            file_id=document.file_id,
            file_unique_id=document.file_unique_id,
            name=document.file_name or "file",
            size=document.file_size or 0,
            mime=document.mime_type,
            kind="document",
        )
    if message.photo:
        photo = message.photo[-1]
        return Upload(
            file_id=photo.file_id,
            file_unique_id=photo.file_unique_id,
            name="photo.jpg",
            size=photo.file_size or 0,
            mime="image/jpeg",
            kind="photo",
        )
    return Unsupported(str(message.content_type))


class ScreenMiddleware(BaseMiddleware):
    """Gives this router's handlers ``screen``: the questionnaire screen of the person."""

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
        )
        return await handler(event, data)


def build_router() -> Router:
    router = Router(name="questionnaire")
    router.message.middleware(ScreenMiddleware())
    router.callback_query.middleware(ScreenMiddleware())

    @router.message(Command(Cmd.FORMS))
    @router.message(F.text == texts.MY_FORMS_BUTTON)
    async def my_forms(
        message: Message,
        screen: Screen,
    ) -> None:
        place = await screen.place()
        if place is not None:
            await screen.close(place)
        await screen.state.clear()
        found = await forms_to_answer(screen.database, screen.catalog, screen.actor, now=utcnow())
        if not found:
            await message.answer(texts.NO_FORMS, reply_markup=main_menu())
            return
        several_schools = len({item.school.id for item in found}) > 1
        lines = [texts.FORMS_HEADER]
        builder = InlineKeyboardBuilder()
        for item in found:
            zone = ZoneInfo(item.timezone)
            status, submitted_at = item.response.status, item.response.submitted_at
            if status in SUBMITTED_STATUSES and submitted_at is not None:
                shown = texts.STATUS_SUBMITTED.format(at=local_date(submitted_at, zone))
                button = texts.BUTTON_VIEW
            else:
                shown = texts.PROGRESS_LINE.format(answered=item.answered, total=item.total)
                button = (
                    texts.BUTTON_START if status is Status.NOT_STARTED else texts.BUTTON_CONTINUE
                )
            school = f" ({escape(item.school.short_name)})" if several_schools else ""
            lines.append(
                texts.FORM_LINE.format(
                    icon=texts.ICONS[status.value],
                    title=escape(item.form.short_title),
                    school=school,
                    progress=shown,
                    deadline=local_date(item.campaign.deadline_at, zone)[:5],
                )
            )
            builder.button(
                text=button.format(title=item.form.short_title),
                callback_data=OpenResponse(response_id=item.response.id),
            )
        builder.adjust(1)
        await message.answer("\n".join(lines), reply_markup=builder.as_markup())

    @router.callback_query(OpenResponse.filter())
    async def open_form(
        callback: CallbackQuery,
        callback_data: OpenResponse,
        screen: Screen,
    ) -> None:
        view = await screen.view(callback_data.response_id)
        await callback.answer()
        previous = await screen.place()
        if previous is not None:
            await screen.close(previous)
        place = Place(response_id=view.response.id)
        note = await revision_note(screen.database, view)
        if note is not None:  # returned for revision: the methodist's comment comes first
            await screen.say(
                texts.RETURNED_NOTE.format(
                    at=local_datetime(note.at, ZoneInfo(view.timezone)),
                    name=escape(note.user_name or "—"),
                    comment=escape(note.comment or ""),
                )
            )
        if view.response.status in SUBMITTED_STATUSES:
            await screen.review(view, place)
        else:
            await screen.show(view, place)

    @router.callback_query(AnswerButton.filter())
    async def pressed_answer(
        callback: CallbackQuery,
        callback_data: AnswerButton,
        screen: Screen,
    ) -> None:
        pressed = await screen.pressed(callback, callback_data.r, callback_data.q)
        if pressed is None:
            return
        place, view = pressed
        await screen.answer(view, place, Choice(callback_data.v))

    @router.callback_query(ToggleButton.filter())
    async def pressed_toggle(
        callback: CallbackQuery,
        callback_data: ToggleButton,
        screen: Screen,
    ) -> None:
        pressed = await screen.pressed(callback, callback_data.r, callback_data.q)
        if pressed is None:
            return
        place, view = pressed
        if callback_data.v in place.selection:
            place.selection.remove(callback_data.v)
        else:
            place.selection.append(callback_data.v)
        if isinstance(callback.message, Message):
            await screen.redraw(view, place, callback.message)

    @router.callback_query(QuestionAction.filter())
    async def pressed_action(
        callback: CallbackQuery,
        callback_data: QuestionAction,
        screen: Screen,
    ) -> None:
        pressed = await screen.pressed(callback, callback_data.r, callback_data.q)
        if pressed is None:
            return
        place, view = pressed
        question = view.form.question(callback_data.q)
        assert question is not None
        act = callback_data.act
        if act == "pause":
            await screen.close(place)
            await screen.state.clear()
            await screen.say(texts.PAUSED, main_menu())
        elif act == "back":
            await screen.close(place)
            previous = previous_question(view.form, view.values, question.id)
            place.question_id = None if previous is None else previous.id
            place.selection, place.awaiting_other = [], False
            await screen.show(view, place)
        elif act == "skip":
            await screen.skip(view, place, question)
        elif act == "other":
            place.selection, place.awaiting_other = ["other"], True
            await screen.save(place)
            await screen.say(form_texts.OTHER_PROMPT)
        elif act == "done" and "other" in place.selection:
            place.awaiting_other = True
            await screen.save(place)
            await screen.say(form_texts.OTHER_PROMPT)
        elif act == "done":
            await screen.answer(view, place, Selection(tuple(place.selection)))
        elif act == "add" and question.type is QuestionType.GROUP:
            value = view.values.get(question.id)
            await screen.store(
                view, place, question, with_new_item(value), summary=form_texts.ADD_ITEM
            )
        elif act == "finish" and question.type is QuestionType.GROUP:
            done = with_group_done(view.values.get(question.id))
            await screen.store(view, place, question, done, summary=format_answer(question, done))

    @router.callback_query(ReviewAction.filter())
    async def pressed_review(
        callback: CallbackQuery,
        callback_data: ReviewAction,
        screen: Screen,
    ) -> None:
        pressed = await screen.pressed(callback, callback_data.r, None, answer=False)
        if pressed is None:
            return
        place, view = pressed
        if callback_data.act == "edit" and view.form.question(callback_data.q) is not None:
            await callback.answer()
            await screen.close(place)
            place.question_id, place.back_to_review = callback_data.q, True
            await screen.show(view, place)
            return
        if callback_data.act == "submit":
            try:
                submitted = await submit_response(
                    screen.database, screen.catalog, screen.actor, view.response.id, now=utcnow()
                )
            except Incomplete:
                await callback.answer(texts.INCOMPLETE, show_alert=True)
                return
            except AnswerLocked:
                await callback.answer(texts.LOCKED, show_alert=True)
                return
            at = submitted.response.submitted_at
            assert at is not None
            text = texts.SUBMITTED.format(
                title=escape(view.form.title),
                at=local_datetime(at, ZoneInfo(view.timezone)),
                zone=view.timezone,
            )
        else:
            text = texts.CLOSED
        await callback.answer()
        await screen.close(place)
        await screen.state.clear()
        await screen.say(text, main_menu())

    @router.callback_query(CarryForward.filter())
    async def pressed_carry(
        callback: CallbackQuery,
        callback_data: CarryForward,
        screen: Screen,
    ) -> None:
        pressed = await screen.pressed(callback, callback_data.r, callback_data.q, answer=False)
        if pressed is None:
            return
        place, view = pressed
        if await screen.carry_forward(view, place, rest=callback_data.rest):
            await callback.answer()
        else:
            await callback.answer(texts.CARRY_GONE, show_alert=True)

    @router.callback_query(AnsweredMark.filter())
    async def pressed_mark(callback: CallbackQuery) -> None:
        await callback.answer(texts.ANSWER_SAVED)

    @router.message(Questionnaire.answering)
    async def typed_answer(
        message: Message,
        screen: Screen,
    ) -> None:
        place = await screen.place()
        assert place is not None
        view = await screen.view(place.response_id)
        if place.question_id is None:  # on the review screen: show it again
            await screen.close(place)
            await screen.review(view, place)
            return
        raw = _raw_input(message)
        if place.awaiting_other and isinstance(raw, Text):
            raw = Selection(tuple(place.selection), other=raw.text)
        await screen.answer(view, place, raw)

    return router
