"""/order: a round → the instructions' deadline → the instructions to keep → the .docx.

Every step drafts the order afresh from the answers (``core.order.draft_order`` checks access
each time), so the file holds what the schools have handed in by the moment it is made; the
FSM keeps only the round, the deadline and the keys of the unticked instructions.
"""

import asyncio
import logging
from collections.abc import Sequence
from datetime import date, datetime
from html import escape
from zoneinfo import ZoneInfo

from aiogram import Bot, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message

from bot.commands import Cmd
from bot.config import Settings
from bot.handlers.order.callbacks import (
    MAX_TOGGLES,
    OrderChangeDeadline,
    OrderDeadline,
    OrderMake,
    OrderPick,
    OrderToggle,
    OrderTrack,
)
from bot.handlers.order.deadline import Problem, checked, latest, quick_dates, read_deadline
from bot.handlers.order.states import GivenInstruction, OrderChat, OrderForm, OrderMade
from bot.handlers.shared.buttons import close_buttons, message_of
from bot.handlers.shared.drafts import read_draft, save_draft
from bot.handlers.shared.filters import TYPED_TEXT
from bot.handlers.shared.messages import TEXT_BUDGET, shorten_text
from bot.keyboard import InlineKeyboardBuilder
from core.access import AccessDenied, Action, Target, allows, allows_somewhere
from core.actors import Actor
from core.clock import Clock
from core.directory import load_directory
from core.export import ExportChoice
from core.order import (
    OrderChoices,
    OrderDraft,
    deadline_text,
    draft_order_isolated,
    list_orderable,
    order_document,
    order_filename,
)
from core.order.model import Instruction
from core.order_templates import template_for
from core.plans.follow_up import plan_name
from core.plans.instructions import GivenInstructions, Tracked, track_instructions
from core.questionnaires import FormCatalog
from exports.documents import UnreadableTemplate, render_document
from storage import Database
from texts import order_chat as texts
from texts.plurals import counted

log = logging.getLogger(__name__)
MAX_CAMPAIGN_BUTTONS = 30
DAY = "%d.%m.%Y"
# A toggle's label: the start of the action and of the schools, so a phone shows both.
ACTION_LIMIT = 30
SCHOOLS_LIMIT = 18
LINE_FLOOR = 80  # an instruction's line is never cut shorter than this to fit the message


def _choices_keyboard(choices: Sequence[ExportChoice]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    several_towns = len({choice.municipality for choice in choices}) > 1
    for choice in choices[:MAX_CAMPAIGN_BUTTONS]:
        builder.button(
            text=texts.CAMPAIGN_BUTTON.format(
                label=f"{shorten_text(choice.form_title)} — {choice.period_label}",
                town=f" · {choice.municipality}" if several_towns else "",
                closed=texts.CLOSED_MARK if choice.closed else "",
            ),
            callback_data=OrderPick(campaign_id=choice.campaign_id),
        )
    builder.adjust(1)
    return builder.as_markup()


def _day(day: date | None) -> str:
    return day.strftime(DAY) if day else texts.NO_DEADLINE_CHOSEN


def _today(form: OrderForm, now: datetime) -> date:
    return now.astimezone(ZoneInfo(form.timezone)).date()


async def _zone(database: Database, settings: Settings, municipality_id: int | None) -> ZoneInfo:
    """The round's municipality's time zone; the deployment's when the round spans several."""
    if municipality_id is not None:
        municipality = (await load_directory(database)).municipalities.get(municipality_id)
        if municipality is not None:
            return ZoneInfo(municipality.timezone)
    return settings.zone


def _deadline_keyboard(campaign_id: int, today: date) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for day in quick_dates(today):
        builder.button(
            text=texts.DEADLINE_BUTTON.format(day=day.strftime(DAY)),
            callback_data=OrderDeadline(campaign_id=campaign_id, day=day.toordinal()),
        )
    builder.button(
        text=texts.NO_DEADLINE_BUTTON, callback_data=OrderDeadline(campaign_id=campaign_id, day=0)
    )
    builder.adjust(3, 1)
    return builder.as_markup()


def _screen(draft: OrderDraft, form: OrderForm) -> tuple[str, InlineKeyboardMarkup]:
    """The instructions, each in full and numbered, and a toggle for each (shortened)."""
    dropped = set(form.dropped)
    marks = [
        texts.UNCHECKED if item.key in dropped else texts.CHECKED for item in draft.instructions
    ]
    header = texts.INSTRUCTIONS_HEADER.format(
        title=escape(draft.title), period=escape(draft.period)
    )
    deadline = (
        texts.DEADLINE_LINE.format(deadline=_day(form.deadline))
        if form.deadline
        else texts.DEADLINE_LINE_BLANK
    )
    lines = [
        texts.INSTRUCTION_LINE.format(
            number=number, mark=mark, action=item.action, schools=item.listed
        )
        for number, (item, mark) in enumerate(zip(draft.instructions, marks, strict=True), 1)
    ]
    # Dozens of long school lists could outgrow a message: then each line is cut evenly.
    room = TEXT_BUDGET - len(header) - len(deadline) - 4
    if sum(len(line) + 1 for line in lines) > room:
        limit = max(LINE_FLOOR, room // len(lines) - 1)
        lines = [shorten_text(line, limit) for line in lines]
    text = "\n".join([header, "", *map(escape, lines), "", deadline])

    builder = InlineKeyboardBuilder()
    campaign_id = draft.campaign_id
    for index, (item, mark) in enumerate(zip(draft.instructions, marks, strict=True)):
        if index >= MAX_TOGGLES:
            break
        builder.button(
            text=texts.TOGGLE_BUTTON.format(
                mark=mark,
                number=index + 1,
                action=shorten_text(item.action, ACTION_LIMIT),
                schools=shorten_text(item.listed, SCHOOLS_LIMIT),
            ),
            callback_data=OrderToggle(campaign_id=campaign_id, index=index),
        )
    builder.button(
        text=texts.DEADLINE_CHANGE_BUTTON.format(deadline=_day(form.deadline))
        if form.deadline
        else texts.DEADLINE_CHANGE_BUTTON_BLANK,
        callback_data=OrderChangeDeadline(campaign_id=campaign_id),
    )
    builder.button(text=texts.MAKE_BUTTON, callback_data=OrderMake(campaign_id=campaign_id))
    builder.adjust(1)
    return text, builder.as_markup()


def _caption(draft: OrderDraft, choices: OrderChoices) -> str:
    kept = sum(item.key not in choices.dropped for item in draft.instructions)
    if not kept:
        instructions = texts.CAPTION_NO_INSTRUCTIONS
    elif choices.deadline is None:
        instructions = texts.CAPTION_INSTRUCTIONS_BLANK.format(
            count=counted(kept, texts.INSTRUCTIONS)
        )
    else:
        instructions = texts.CAPTION_INSTRUCTIONS.format(
            count=counted(kept, texts.INSTRUCTIONS), deadline=deadline_text(choices.deadline)
        )
    return texts.CAPTION.format(
        title=escape(draft.title),
        period=escape(draft.period),
        done=draft.submitted,
        total=draft.total,
        findings=counted(len(draft.numbered), texts.FINDINGS),
        instructions=instructions,
    )


def _refusal(problem: Problem, today: date) -> str:
    if problem is Problem.PAST:
        return texts.DATE_IN_PAST.format(today=today.strftime(DAY))
    if problem is Problem.TOO_FAR:
        return texts.DATE_TOO_FAR.format(limit=latest(today).strftime(DAY))
    return texts.BAD_DATE.format(example=quick_dates(today)[1].strftime(DAY))


async def _form_in(state: FSMContext, step: State, campaign_id: int) -> OrderForm | None:
    """The conversation's data when it is at ``step`` of this round's /order; else None (a
    button of an earlier /order, or pressed after the file was made or /cancel)."""
    if await state.get_state() != step.state:
        return None
    form = await read_draft(state, OrderForm)
    return form if form.campaign_id == campaign_id else None


async def _take_buttons_off(message: Message) -> None:
    try:
        await message.edit_reply_markup(reply_markup=None)
    except TelegramBadRequest as error:  # already without buttons, or too old to edit
        log.debug("could not close message %s: %s", message.message_id, error)


async def _ask_deadline(
    message: Message, state: FSMContext, form: OrderForm, now: datetime
) -> None:
    await state.set_state(OrderChat.deadline)
    await save_draft(state, form)
    today = _today(form, now)
    await message.answer(
        texts.ASK_DEADLINE.format(example=quick_dates(today)[1].strftime(DAY)),
        reply_markup=_deadline_keyboard(form.campaign_id, today),
    )


class _Chat:
    """What every step needs: who asks, where the answers are, what time it is."""

    def __init__(
        self,
        actor: Actor,
        database: Database,
        catalog: FormCatalog,
        state: FSMContext,
        bot: Bot,
        now: datetime,
    ) -> None:
        self.actor, self.database, self.catalog = actor, database, catalog
        self.state, self.bot, self.now = state, bot, now

    async def draft(self, campaign_id: int) -> OrderDraft:
        # A large round is drafted in a worker process: other chats go on meanwhile.
        return await draft_order_isolated(
            self.database, self.catalog, self.actor, campaign_id=campaign_id, now=self.now
        )

    async def fresh(
        self, callback: CallbackQuery, campaign_id: int
    ) -> tuple[OrderForm, OrderDraft] | None:
        """The conversation at the instructions step of this round, and a fresh draft; None
        (the press answered) for a stale button or a round gone from the actor's scope."""
        form = await _form_in(self.state, OrderChat.instructions, campaign_id)
        if form is None:
            await callback.answer(texts.STALE, show_alert=True)
            return None
        try:
            return form, await self.draft(campaign_id)
        except AccessDenied:
            await callback.answer()
            message = message_of(callback)
            await _take_buttons_off(message)
            await self.gone(message)
            return None

    async def gone(self, message: Message) -> None:
        """The round left the actor's scope meanwhile (a role changed, schools moved)."""
        await self.state.clear()
        await message.answer(texts.GONE)

    async def show_instructions(self, message: Message, form: OrderForm) -> None:
        """A new instructions screen from a fresh draft; the file at once if none is left."""
        try:
            draft = await self.draft(form.campaign_id)
        except AccessDenied:
            await self.gone(message)
            return
        if not draft.instructions:
            await self.send(message, form)
            return
        form.shown = [item.key for item in draft.instructions]
        await self.state.set_state(OrderChat.instructions)
        await save_draft(self.state, form)
        text, markup = _screen(draft, form)
        await message.answer(text, reply_markup=markup)

    async def send(self, message: Message, form: OrderForm) -> None:
        """Draft again (the latest answers), print into the department's template, send."""
        progress = await message.answer(texts.PREPARING)
        await self.bot.send_chat_action(message.chat.id, "upload_document")
        try:
            draft = await self.draft(form.campaign_id)
        except AccessDenied:
            await self.state.clear()
            await progress.edit_text(texts.GONE)
            return
        choices = OrderChoices(deadline=form.deadline, dropped=frozenset(form.dropped))
        document = order_document(draft, choices)
        template = await template_for(self.database, draft.municipality_id)
        caption = _caption(draft, choices)
        # Whatever happens next, this /order is over: a failure must not leave a screen with
        # no buttons and a step that waits for them (the error handler apologises).
        await self.state.clear()
        try:
            # python-docx is synchronous: a long order would stall every other chat meanwhile.
            content = await asyncio.to_thread(render_document, document, template)
        except UnreadableTemplate:  # checked at upload; a library change could still refuse it
            log.warning("order template of municipality %s unreadable", draft.municipality_id)
            content = await asyncio.to_thread(render_document, document, None)
            caption = f"{caption}\n{texts.TEMPLATE_UNREADABLE}"
        name = order_filename(draft, _today(form, self.now))
        await message.answer_document(BufferedInputFile(content, filename=name), caption=caption)
        await progress.delete()
        if _trackable(self.actor, draft, choices):
            given = GivenInstructions.of(draft, choices)
            form.made = OrderMade(
                municipality_id=given.municipality_id,
                title=given.title,
                period=given.period,
                deadline=given.deadline,
                instructions=[
                    GivenInstruction(
                        key=item.key,
                        action=item.action,
                        school_ids=list(item.school_ids),
                        listed=item.listed,
                    )
                    for item in given.instructions
                ],
            )
            await self.state.set_state(OrderChat.made)
            await save_draft(self.state, form)
            builder = InlineKeyboardBuilder()
            builder.button(
                text=texts.TRACK_BUTTON, callback_data=OrderTrack(campaign_id=draft.campaign_id)
            )
            assert choices.deadline is not None
            await message.answer(
                texts.TRACK_OFFER.format(deadline=_day(choices.deadline)),
                reply_markup=builder.as_markup(),
            )

    async def track(self, callback: CallbackQuery, campaign_id: int) -> None:
        """The instructions of the order just made (as the file has them, however the answers
        changed since), as the round's plan to follow up."""
        form = await _form_in(self.state, OrderChat.made, campaign_id)
        if form is None or form.made is None:
            await callback.answer(texts.STALE, show_alert=True)
            return
        message = message_of(callback)
        made = form.made
        given = GivenInstructions(
            campaign_id,
            made.municipality_id,
            made.title,
            made.period,
            made.deadline,
            tuple(
                Instruction(item.key, item.action, tuple(item.school_ids), item.listed)
                for item in made.instructions
            ),
        )
        try:
            tracked = await track_instructions(self.database, self.actor, given, now=self.now)
        except AccessDenied:
            await callback.answer()
            await _take_buttons_off(message)
            await self.gone(message)
            return
        await callback.answer()
        await self.state.clear()
        await _take_buttons_off(message)
        await message.answer(_tracked_text(tracked))


def _trackable(actor: Actor, draft: OrderDraft, choices: OrderChoices) -> bool:
    """An order with a deadline and instructions kept, of one municipality whose plans the
    actor manages."""
    kept = any(item.key not in choices.dropped for item in draft.instructions)
    return (
        kept
        and choices.deadline is not None
        and draft.municipality_id is not None
        and allows(actor, Action.MANAGE_PLANS, Target.municipality(draft.municipality_id))
    )


def _tracked_text(tracked: Tracked) -> str:
    changes = [
        template.format(count=count)
        for template, count in (
            (texts.TRACKED_ADDED, tracked.added),
            (texts.TRACKED_MOVED, tracked.moved),
            (texts.TRACKED_KEPT, tracked.kept),
        )
        if count
    ]
    text = texts.TRACKED.format(plan=escape(plan_name(tracked.title)), changes=" ".join(changes))
    if tracked.unowned:
        text += "\n" + texts.TRACKED_UNOWNED.format(schools=escape(", ".join(tracked.unowned)))
    return text


def build_router() -> Router:
    router = Router(name="order")

    @router.message(Command(Cmd.ORDER))
    async def start(
        message: Message, actor: Actor, database: Database, catalog: FormCatalog
    ) -> None:
        if not allows_somewhere(actor, Action.ORDER):
            await message.answer(texts.NOT_ALLOWED)
            return
        choices = await list_orderable(database, catalog, actor)
        if not choices:
            await message.answer(texts.NOTHING)
            return
        await message.answer(texts.CHOOSE, reply_markup=_choices_keyboard(choices))

    @router.callback_query(OrderPick.filter())
    async def picked(
        callback: CallbackQuery,
        callback_data: OrderPick,
        actor: Actor,
        database: Database,
        catalog: FormCatalog,
        settings: Settings,
        state: FSMContext,
        bot: Bot,
        clock: Clock,
    ) -> None:
        chat = _Chat(actor, database, catalog, state, bot, clock())
        draft = await chat.draft(callback_data.campaign_id)  # a round not theirs: refused
        await callback.answer()
        zone = await _zone(database, settings, draft.municipality_id)
        form = OrderForm(campaign_id=draft.campaign_id, timezone=zone.key)
        await state.set_data({})  # whatever an earlier /order kept
        message = message_of(callback)
        if not draft.instructions:  # nothing to tick and no deadline to ask: the file now
            await chat.send(message, form)
            return
        await _ask_deadline(message, state, form, chat.now)

    @router.callback_query(OrderDeadline.filter())
    async def deadline_pressed(
        callback: CallbackQuery,
        callback_data: OrderDeadline,
        actor: Actor,
        database: Database,
        catalog: FormCatalog,
        state: FSMContext,
        bot: Bot,
        clock: Clock,
    ) -> None:
        form = await _form_in(state, OrderChat.deadline, callback_data.campaign_id)
        now = clock()
        day = date.fromordinal(callback_data.day) if callback_data.day else None
        if form is None or (day is not None and checked(day, _today(form, now))):
            await callback.answer(texts.STALE, show_alert=True)
            return
        await callback.answer()
        await close_buttons(
            callback, texts.DEADLINE_BUTTON.format(day=_day(day)) if day else _day(day)
        )
        form.deadline = day
        chat = _Chat(actor, database, catalog, state, bot, now)
        await chat.show_instructions(message_of(callback), form)

    @router.message(OrderChat.deadline, TYPED_TEXT)
    async def deadline_typed(
        message: Message,
        actor: Actor,
        database: Database,
        catalog: FormCatalog,
        state: FSMContext,
        bot: Bot,
        clock: Clock,
    ) -> None:
        form = await read_draft(state, OrderForm)
        now = clock()
        today = _today(form, now)
        day = read_deadline(message.text or "", today)
        if isinstance(day, Problem):
            await message.answer(_refusal(day, today))  # still in the step: a second chance
            return
        form.deadline = day
        await _Chat(actor, database, catalog, state, bot, now).show_instructions(message, form)

    @router.callback_query(OrderToggle.filter())
    async def toggled(
        callback: CallbackQuery,
        callback_data: OrderToggle,
        actor: Actor,
        database: Database,
        catalog: FormCatalog,
        state: FSMContext,
        bot: Bot,
        clock: Clock,
    ) -> None:
        chat = _Chat(actor, database, catalog, state, bot, clock())
        found = await chat.fresh(callback, callback_data.campaign_id)
        if found is None:
            return
        form, draft = found
        message = message_of(callback)
        keys = [item.key for item in draft.instructions]
        if keys != form.shown:  # answers came in meanwhile: the numbers mean other items now
            await callback.answer(texts.CHANGED, show_alert=True)
            form.shown = keys
        elif callback_data.index >= len(keys):
            await callback.answer(texts.STALE, show_alert=True)
            return
        else:
            await callback.answer()
            key = keys[callback_data.index]
            form.dropped = (
                [k for k in form.dropped if k != key]
                if key in form.dropped
                else [*form.dropped, key]
            )
        await save_draft(state, form)
        if not draft.instructions:
            await _take_buttons_off(message)
            await chat.send(message, form)
            return
        text, markup = _screen(draft, form)
        await message.edit_text(text, reply_markup=markup)

    @router.callback_query(OrderChangeDeadline.filter())
    async def change_deadline(
        callback: CallbackQuery,
        callback_data: OrderChangeDeadline,
        state: FSMContext,
        clock: Clock,
    ) -> None:
        form = await _form_in(state, OrderChat.instructions, callback_data.campaign_id)
        if form is None:
            await callback.answer(texts.STALE, show_alert=True)
            return
        await callback.answer()
        message = message_of(callback)
        await _take_buttons_off(message)
        await _ask_deadline(message, state, form, clock())

    @router.callback_query(OrderTrack.filter())
    async def track(
        callback: CallbackQuery,
        callback_data: OrderTrack,
        actor: Actor,
        database: Database,
        catalog: FormCatalog,
        state: FSMContext,
        bot: Bot,
        clock: Clock,
    ) -> None:
        chat = _Chat(actor, database, catalog, state, bot, clock())
        await chat.track(callback, callback_data.campaign_id)

    @router.callback_query(OrderMake.filter())
    async def make(
        callback: CallbackQuery,
        callback_data: OrderMake,
        actor: Actor,
        database: Database,
        catalog: FormCatalog,
        state: FSMContext,
        bot: Bot,
        clock: Clock,
    ) -> None:
        chat = _Chat(actor, database, catalog, state, bot, clock())
        found = await chat.fresh(callback, callback_data.campaign_id)
        if found is None:
            return
        form, draft = found
        message = message_of(callback)
        if [item.key for item in draft.instructions] != form.shown:
            # Answers came in since the screen was drawn: the file would hold instructions the
            # methodist has not seen ticked. Show them first.
            await callback.answer(texts.CHANGED, show_alert=True)
            await _take_buttons_off(message)
            await chat.show_instructions(message, form)
            return
        await callback.answer()
        await _take_buttons_off(message)
        await chat.send(message, form)

    return router
