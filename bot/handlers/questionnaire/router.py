"""Answering a questionnaire in the chat: "Мои анкеты", one question at a time, review, submit.

The handlers read the update, call the screen (``screen.Screen``: showing, storing, the FSM) or
a service, and answer; the keyboards are in ``keyboards``, the list of forms in ``listing``.
Time is the injected ``clock``.
"""

import logging
from html import escape
from zoneinfo import ZoneInfo

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from bot.commands import Cmd
from bot.handlers.questionnaire.callbacks import (
    AnswerButton,
    CarryForward,
    FormsPage,
    GroupItem,
    ItemAct,
    OpenResponse,
    QuestionAct,
    QuestionAction,
    ReviewAct,
    ReviewAction,
    TableCell,
    ToggleButton,
)
from bot.handlers.questionnaire.listing import forms_page
from bot.handlers.questionnaire.screen import (
    SUBMITTED_STATUSES,
    Place,
    Screen,
    ScreenMiddleware,
)
from bot.handlers.questionnaire.states import Questionnaire
from bot.handlers.shared.callbacks import AnsweredMark
from bot.handlers.shared.filters import NOT_A_COMMAND
from bot.handlers.shared.menus import main_menu
from bot.handlers.shared.views import local_datetime
from core.clock import Clock
from core.forms.display import format_chosen
from core.forms.engine import group_items, with_group_done, with_new_item
from core.forms.inputs import Choice, RawInput, Selection, Text, Unsupported, Upload
from core.forms.models import QuestionType
from core.questionnaires import AnswerLocked, Incomplete, forms_to_answer, submit_response
from core.review import revision_note
from texts import forms as form_texts
from texts import questionnaire as texts
from texts import tables as table_texts

log = logging.getLogger(__name__)


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


def build_router() -> Router:
    router = Router(name="questionnaire")
    router.message.middleware(ScreenMiddleware())
    router.callback_query.middleware(ScreenMiddleware())

    @router.message(Command(Cmd.FORMS))
    @router.message(F.text == texts.MY_FORMS_BUTTON)
    async def my_forms(message: Message, screen: Screen, clock: Clock) -> None:
        place = await screen.place()
        if place is not None:
            await screen.close(place)
        await screen.state.clear()
        found = await forms_to_answer(screen.database, screen.catalog, screen.actor, now=clock())
        if not found:
            await message.answer(texts.NO_FORMS, reply_markup=main_menu())
            return
        text, markup = forms_page(found, 0, clock())
        await message.answer(text, reply_markup=markup)

    @router.callback_query(FormsPage.filter())
    async def turn_forms_page(
        callback: CallbackQuery, callback_data: FormsPage, screen: Screen, clock: Clock
    ) -> None:
        """Another page of the list, edited in place (the list is read again: it is current)."""
        found = await forms_to_answer(screen.database, screen.catalog, screen.actor, now=clock())
        await callback.answer()
        if not isinstance(callback.message, Message):
            return
        if not found:
            text, markup = texts.NO_FORMS, None
        else:
            text, markup = forms_page(found, callback_data.page, clock())
        try:
            await callback.message.edit_text(text, reply_markup=markup)
        except TelegramBadRequest as error:  # the same page again, unchanged; or too old
            log.debug("could not turn the forms page: %s", error)

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
        if previous is not None and previous.response_id == view.response.id:
            # The same form (a reminder's button): resume where the person was, but drop a
            # half-given "Другое" — the prompt for it is gone from the screen.
            place = previous.model_copy(update={"awaiting_other": False})
            if "other" in place.selection and place.other_text is None:
                place.selection = [tick for tick in place.selection if tick != "other"]
        else:
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
        asked = screen.asked(view, place)
        if callback_data.v in place.selection:
            place.selection.remove(callback_data.v)
            if callback_data.v == "other":
                place.other_text = None
        elif callback_data.v == "other" and asked is not None and asked.type is QuestionType.MULTI:
            await screen.ask_other(view, place)  # its text first, then it is ticked
            return
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
        if act is QuestionAct.PAUSE:
            await screen.close(place)
            await screen.state.clear()
            await screen.say(texts.PAUSED, main_menu())
        elif act is QuestionAct.BACK:
            await screen.back(view, place)
        elif act is QuestionAct.KEEP:
            await screen.keep(view, place)
        elif act is QuestionAct.SKIP:
            await screen.skip(view, place, question)
        elif act is QuestionAct.OTHER:
            place.selection = ["other"]
            await screen.ask_other(view, place)
        elif act is QuestionAct.CANCEL:
            await screen.close(place)
            place.awaiting_other = False
            if place.other_text is None and "other" in place.selection:
                place.selection.remove("other")
            await screen.show(view, place)
        elif act is QuestionAct.DONE and "other" in place.selection and not place.other_text:
            await screen.ask_other(view, place)
        elif act is QuestionAct.DONE:
            selection = Selection(tuple(place.selection), other=place.other_text)
            await screen.answer(view, place, selection)
        elif act is QuestionAct.ADD and question.repeats:
            value = view.values.get(question.id)
            table = question.type is QuestionType.TABLE
            mark = table_texts.ADD_ROW if table else form_texts.ADD_ITEM
            await screen.store(view, place, question, with_new_item(value), summary=mark)
        elif act is QuestionAct.FINISH and question.type is QuestionType.TABLE:
            await screen.finish_table(view, place, question)
        elif act is QuestionAct.FINISH and question.repeats:
            done = with_group_done(view.values.get(question.id))
            await screen.store(view, place, question, done, summary=format_chosen(question, done))

    @router.callback_query(GroupItem.filter())
    async def pressed_item(
        callback: CallbackQuery,
        callback_data: GroupItem,
        screen: Screen,
    ) -> None:
        """An item of a repeat group: its card from the list; change, delete, confirm on it."""
        pressed = await screen.pressed(callback, callback_data.r, callback_data.q, answer=False)
        if pressed is None:
            return
        place, view = pressed
        group = view.form.question(callback_data.q)
        index, act = callback_data.i, callback_data.act
        opened = None if act is ItemAct.OPEN else index
        if (
            group is None
            or not group.repeats
            or index >= len(group_items(view.values.get(group.id)))
            or place.item != opened
            or place.sub is not None
        ):
            await callback.answer(texts.STALE, show_alert=True)
            return
        await callback.answer()
        if await screen.group_changed(view, place, group):
            return
        await screen.item_action(view, place, group, index, act)

    @router.callback_query(TableCell.filter())
    async def pressed_cell(
        callback: CallbackQuery,
        callback_data: TableCell,
        screen: Screen,
    ) -> None:
        """ "✏️ «2»" or "✏️ Предмет, класс" on a table row's card."""
        pressed = await screen.pressed(callback, callback_data.r, callback_data.q, answer=False)
        if pressed is None:
            return
        place, view = pressed
        table = view.form.question(callback_data.q)
        index = callback_data.i
        if (
            table is None
            or table.type is not QuestionType.TABLE
            or all(sub.id != callback_data.c for sub in table.questions)
            or index >= len(group_items(view.values.get(table.id)))
            or place.item != index
            or place.sub is not None
        ):
            await callback.answer(texts.STALE, show_alert=True)
            return
        await callback.answer()
        if await screen.group_changed(view, place, table):
            return
        await screen.table_cell(view, place, table, index, callback_data.c)

    @router.callback_query(ReviewAction.filter())
    async def pressed_review(
        callback: CallbackQuery,
        callback_data: ReviewAction,
        screen: Screen,
        clock: Clock,
    ) -> None:
        pressed = await screen.pressed(callback, callback_data.r, None, answer=False)
        if pressed is None:
            return
        place, view = pressed
        if callback_data.act is ReviewAct.EDIT and view.form.question(callback_data.q) is not None:
            await callback.answer()
            await screen.close(place)
            place.back_to_review = True
            await screen.go_to(view, place, callback_data.q)
            return
        if callback_data.act is ReviewAct.SUBMIT:
            try:
                submitted = await submit_response(
                    screen.database, screen.catalog, screen.actor, view.response.id, now=clock()
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

    # A message starting with "/" is a command in every step, never an answer.
    @router.message(Questionnaire.answering, NOT_A_COMMAND)
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
            asked = screen.asked(view, place)
            if asked is not None and asked.type is QuestionType.MULTI:
                await screen.other_text(view, place, raw.text)
                return
            raw = Selection(tuple(place.selection), other=raw.text)
        await screen.answer(view, place, raw)

    return router
