"""/review: a methodist checks submitted responses, accepts them or returns them with a comment.

Every press is re-checked by the service (``core.review``) through the access policy; the
FSM keeps only which response a comment is being written for.
"""

import logging
from html import escape
from zoneinfo import ZoneInfo

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from pydantic import BaseModel

from bot.commands import Cmd
from bot.handlers.review.callbacks import (
    ReviewCancel,
    ReviewDecide,
    ReviewOpen,
    ReviewQueue,
    Verdict,
)
from bot.handlers.review.states import Review
from bot.handlers.shared.drafts import read_draft, save_draft
from bot.handlers.shared.filters import NOT_A_COMMAND
from bot.handlers.shared.messages import message_chunks
from bot.handlers.shared.views import local_datetime, local_time_note
from bot.keyboard import InlineKeyboardBuilder
from core.access import AccessDenied, Action, allows_somewhere
from core.actors import Actor
from core.clock import Clock
from core.forms.display import format_answer
from core.forms.engine import visible_questions
from core.questionnaires import FormCatalog
from core.reminders import Deliver, Outcome
from core.review import (
    Awaiting,
    BadComment,
    ClosedCampaign,
    Decision,
    ReviewCard,
    WrongStatus,
    accept,
    return_for_revision,
    review_card,
    review_queue,
)
from storage import Database
from storage.responses import Status
from storage.review import ResponseEvent
from texts import common as common_texts
from texts import review as texts

log = logging.getLogger(__name__)
PAGE_SIZE = 8
QUESTION_LIMIT = 70


class CommentDraft(BaseModel):
    """FSM data while a return's comment is asked for."""

    response_id: int
    prompt_id: int | None = None  # the question message, to take its "Отмена" button away


def _queue_page(queue: list[Awaiting], page: int) -> tuple[str, InlineKeyboardMarkup]:
    pages = max(1, -(-len(queue) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    first = page * PAGE_SIZE
    header = texts.QUEUE_HEADER.format(count=len(queue))
    if pages > 1:
        header += texts.QUEUE_PAGE.format(page=page + 1, pages=pages)
    lines = [header, ""]
    builder = InlineKeyboardBuilder()
    for number, item in enumerate(queue[first : first + PAGE_SIZE], start=first + 1):
        lines.append(
            texts.QUEUE_LINE.format(
                number=number,
                school=escape(item.school.short_name),
                title=escape(item.form_title),
                period=escape(item.period_label),
                at=local_datetime(item.submitted_at, ZoneInfo(item.timezone)),
                timing=texts.LATE if item.late else texts.ON_TIME,
            )
            + (texts.MINE if item.mine else "")
        )
        builder.button(
            text=texts.QUEUE_BUTTON.format(
                number=number, school=item.school.short_name, title=item.form_title
            ),
            callback_data=ReviewOpen(r=item.response_id),
        )
    lines += ["", texts.QUEUE_HINT]
    sizes = [1] * len(queue[first : first + PAGE_SIZE])
    navigation = 0
    if page > 0:
        builder.button(text=texts.PREVIOUS_PAGE, callback_data=ReviewQueue(page=page - 1, e=1))
        navigation += 1
    if page < pages - 1:
        builder.button(text=texts.NEXT_PAGE, callback_data=ReviewQueue(page=page + 1, e=1))
        navigation += 1
    builder.adjust(*sizes, *([navigation] if navigation else []))
    return "\n".join(lines), builder.as_markup()


def _event_line(event: ResponseEvent, earlier: list[ResponseEvent], zone: ZoneInfo) -> str:
    what = texts.EVENTS.get(event.to_status.value, event.to_status.value)
    if event.to_status is Status.DRAFT and event.from_status is Status.RETURNED:
        what = texts.REWORK
    if event.to_status is Status.SUBMITTED and any(
        e.to_status is Status.SUBMITTED for e in earlier
    ):
        what = texts.RESUBMITTED
    values = {
        "at": local_datetime(event.at, zone),
        "what": what,
        "who": escape(event.user_name or texts.NOBODY),
    }
    if event.comment:
        return texts.HISTORY_COMMENT.format(**values, comment=escape(event.comment))
    return texts.HISTORY_LINE.format(**values)


def _card_lines(card: ReviewCard) -> list[str]:
    view = card.view
    zone = ZoneInfo(view.timezone)
    lines = [
        texts.CARD_HEADER.format(
            title=escape(view.form.title),
            period=escape(view.campaign.period_label),
            school=escape(view.school.short_name),
        )
    ]
    submitted_at = view.response.submitted_at
    if submitted_at is not None:
        timing = (
            texts.CARD_LATE.format(deadline=local_datetime(view.campaign.deadline_at, zone))
            if card.late
            else texts.ON_TIME
        )
        lines.append(
            texts.CARD_SUBMITTED.format(
                at=local_datetime(submitted_at, zone), zone=local_time_note(zone), timing=timing
            )
        )
    if not card.awaiting:
        lines.append(
            texts.CARD_STATE.format(state=texts.STATES.get(view.response.status.value, "—"))
        )
    lines += ["", texts.ANSWERS_HEADER]
    shown = [q for q in visible_questions(view.form, view.values) if q.id in view.answers]
    for number, question in enumerate(shown, start=1):
        text = question.text
        if len(text) > QUESTION_LIMIT:
            text = text[: QUESTION_LIMIT - 1].rstrip() + "…"
        lines.append(
            texts.ANSWER_LINE.format(
                number=number,
                question=escape(text),
                answer=escape(format_answer(question, view.answers[question.id].value)),
            )
        )
    if not shown:
        lines.append(texts.NO_ANSWERS)
    lines += ["", texts.HISTORY_HEADER]
    lines += [_event_line(e, card.events[:i], zone) for i, e in enumerate(card.events)]
    return lines


def _card_keyboard(card: ReviewCard) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    response_id = card.view.response.id
    if card.awaiting:
        builder.button(
            text=texts.ACCEPT_BUTTON, callback_data=ReviewDecide(r=response_id, act=Verdict.ACCEPT)
        )
        builder.button(
            text=texts.RETURN_BUTTON, callback_data=ReviewDecide(r=response_id, act=Verdict.RETURN)
        )
    builder.button(text=texts.BACK_BUTTON, callback_data=ReviewQueue())
    builder.adjust(1)
    return builder.as_markup()


def _outcome(decision: Decision) -> str:
    if decision.recipients == 0:
        return texts.NOBODY_TO_NOTIFY
    missed = decision.outcomes[Outcome.UNREACHABLE] + decision.outcomes[Outcome.FAILED]
    text = texts.NOTIFIED.format(count=decision.recipients - missed)
    if missed:
        text += texts.NOT_DELIVERED.format(count=missed)
    return text


def _already(error: WrongStatus) -> str:
    return texts.ALREADY_DECIDED.format(state=texts.STATES_AFTER.get(error.status.value, "—"))


async def _take_buttons_off(bot: Bot, chat_id: int, message_id: int | None) -> None:
    if message_id is None:
        return
    try:
        await bot.edit_message_reply_markup(chat_id=chat_id, message_id=message_id)
    except TelegramBadRequest as error:  # already without buttons, or too old to edit
        log.debug("could not close message %s: %s", message_id, error)


def build_router() -> Router:
    router = Router(name="review")

    @router.message(Command(Cmd.REVIEW))
    async def show_queue(
        message: Message, actor: Actor, database: Database, catalog: FormCatalog
    ) -> None:
        if not allows_somewhere(actor, Action.REVIEW):
            await message.answer(texts.NOT_ALLOWED)
            return
        queue = await review_queue(database, catalog, actor)
        if not queue:
            await message.answer(texts.EMPTY)
            return
        text, markup = _queue_page(queue, 0)
        await message.answer(text, reply_markup=markup)

    @router.callback_query(ReviewQueue.filter())
    async def turn_page(
        query: CallbackQuery,
        callback_data: ReviewQueue,
        actor: Actor,
        database: Database,
        catalog: FormCatalog,
    ) -> None:
        queue = await review_queue(database, catalog, actor)  # refuses whoever may not review
        await query.answer()
        if not queue:
            text, markup = texts.EMPTY, None
        else:
            text, markup = _queue_page(queue, callback_data.page)
        # Paging edits the list in place; the list opened from a card or the board is new.
        if callback_data.e and isinstance(query.message, Message):
            try:
                await query.message.edit_text(text, reply_markup=markup)
                return
            except TelegramBadRequest as error:
                log.debug("could not edit the review list: %s", error)
        if isinstance(query.message, Message):
            await query.message.answer(text, reply_markup=markup)

    @router.callback_query(ReviewOpen.filter())
    async def open_card(
        query: CallbackQuery,
        callback_data: ReviewOpen,
        actor: Actor,
        database: Database,
        catalog: FormCatalog,
    ) -> None:
        card = await review_card(database, catalog, actor, callback_data.r)
        await query.answer()
        if not isinstance(query.message, Message):
            return
        chunks = message_chunks(_card_lines(card))
        for chunk in chunks[:-1]:
            await query.message.answer(chunk)
        await query.message.answer(chunks[-1], reply_markup=_card_keyboard(card))

    @router.callback_query(ReviewDecide.filter(F.act == Verdict.ACCEPT))
    async def accept_pressed(
        query: CallbackQuery,
        callback_data: ReviewDecide,
        bot: Bot,
        actor: Actor,
        database: Database,
        catalog: FormCatalog,
        deliver: Deliver,
        clock: Clock,
    ) -> None:
        try:
            decision = await accept(database, catalog, actor, callback_data.r, deliver, now=clock())
        except WrongStatus as error:
            await query.answer(_already(error), show_alert=True)
            return
        await query.answer()
        if not isinstance(query.message, Message):
            return
        await _take_buttons_off(bot, query.message.chat.id, query.message.message_id)
        view = decision.view
        done = texts.ACCEPTED.format(
            title=escape(view.form.short_title), school=escape(view.school.short_name)
        )
        await query.message.answer(f"{done}\n{_outcome(decision)}")

    @router.callback_query(ReviewDecide.filter(F.act == Verdict.RETURN))
    async def return_pressed(
        query: CallbackQuery,
        callback_data: ReviewDecide,
        state: FSMContext,
        actor: Actor,
        database: Database,
        catalog: FormCatalog,
    ) -> None:
        card = await review_card(database, catalog, actor, callback_data.r)
        if not card.awaiting:
            await query.answer(_already(WrongStatus(card.view.response.status)), show_alert=True)
            return
        if card.view.campaign.closed_at is not None:
            await query.answer(texts.CLOSED_NO_RETURN, show_alert=True)
            return
        await query.answer()
        if not isinstance(query.message, Message):
            return
        builder = InlineKeyboardBuilder()
        builder.button(text=texts.CANCEL_BUTTON, callback_data=ReviewCancel(r=callback_data.r))
        prompt = await query.message.answer(
            texts.ASK_COMMENT.format(
                school=escape(card.view.school.short_name), title=escape(card.view.form.title)
            ),
            reply_markup=builder.as_markup(),
        )
        await state.set_state(Review.comment)
        draft = CommentDraft(response_id=callback_data.r, prompt_id=prompt.message_id)
        await save_draft(state, draft)

    @router.callback_query(ReviewCancel.filter())
    async def cancel_pressed(
        query: CallbackQuery, callback_data: ReviewCancel, state: FSMContext, bot: Bot
    ) -> None:
        current = await state.get_state()
        draft = None
        if current == Review.comment.state:
            draft = await read_draft(state, CommentDraft)
        if draft is None or draft.response_id != callback_data.r:
            await query.answer(common_texts.STALE_BUTTON, show_alert=True)
            return
        await query.answer()
        await state.clear()
        if isinstance(query.message, Message):
            await _take_buttons_off(bot, query.message.chat.id, query.message.message_id)
            await query.message.answer(texts.RETURN_CANCELLED)

    # Commands pass through: /cancel, /status and the rest keep working while a comment is asked.
    @router.message(Review.comment, NOT_A_COMMAND)
    async def comment_typed(
        message: Message,
        state: FSMContext,
        bot: Bot,
        actor: Actor,
        database: Database,
        catalog: FormCatalog,
        deliver: Deliver,
        clock: Clock,
    ) -> None:
        draft = await read_draft(state, CommentDraft)
        try:
            decision = await return_for_revision(
                database,
                catalog,
                actor,
                draft.response_id,
                message.text or "",
                deliver,
                now=clock(),
            )
        except BadComment as error:
            if error.length == 0:
                await message.answer(texts.EMPTY_COMMENT)
            else:
                await message.answer(
                    texts.LONG_COMMENT.format(length=error.length, limit=error.limit)
                )
            return  # still in the state: a second chance
        except WrongStatus as error:
            await state.clear()
            await _take_buttons_off(bot, message.chat.id, draft.prompt_id)
            await message.answer(_already(error))
            return
        except ClosedCampaign:
            await state.clear()
            await _take_buttons_off(bot, message.chat.id, draft.prompt_id)
            await message.answer(texts.CLOSED_NO_RETURN)
            return
        except AccessDenied:
            await state.clear()
            raise
        await state.clear()
        await _take_buttons_off(bot, message.chat.id, draft.prompt_id)
        view = decision.view
        done = texts.RETURNED.format(
            title=escape(view.form.short_title), school=escape(view.school.short_name)
        )
        await message.answer(f"{done}\n{_outcome(decision)}")

    return router
