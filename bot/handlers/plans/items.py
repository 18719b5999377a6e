"""A plan's items in the chat: a person's open items ("📌 Мои пункты") and a plan's items
("🗂 Пункты плана", under its board), each opening the item's card — its content, deadline,
owners, status and last changes — with the buttons of what that person may do
(``core.plans.progress.allowed_actions``):

- "▶️ В работе": at once; the card is redrawn;
- "✅ Выполнено" (``ItemDone``, also on an item's reminder): a short report, then "Приложите файл
  или ссылку" — a document, a photo or an http(s) link, or "Без подтверждения";
- "📅 Перенести": the new deadline typed ("25.12.2020", "декабрь", "до 10.03.2021"), then why;
- "✖️ Не выполнено" (a manager of the plan only): why.

A wrong answer is named and asked again; /cancel and the other commands leave any step. The FSM
keeps only the item's id and what was typed so far (``ItemStep``). A button of a closed item, or
of one the person may no longer touch, is answered with an alert and changes nothing.
"""

import logging
from datetime import date
from html import escape

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from pydantic import BaseModel

from bot.config import Settings
from bot.handlers.plans.board import deadline_words, today_of
from bot.handlers.plans.callbacks import ItemDone, MyItems
from bot.handlers.plans.item_callbacks import (
    ItemDrop,
    ItemFile,
    ItemOpen,
    ItemPostpone,
    ItemStart,
    NoEvidence,
    PlanItems,
)
from bot.handlers.plans.item_states import ItemSteps
from bot.handlers.shared.buttons import close_buttons, message_of
from bot.handlers.shared.drafts import read_draft, save_draft
from bot.handlers.shared.filters import NOT_A_COMMAND
from bot.handlers.shared.messages import (
    TEXT_BUDGET,
    Page,
    message_chunks,
    page_buttons,
    shorten_html,
    shorten_text,
)
from bot.keyboard import InlineKeyboardBuilder
from core.access import AccessDenied
from core.actors import Actor
from core.clock import Clock
from core.plans.progress import (
    LINK_LIMIT,
    REASON_LIMIT,
    REPORT_LIMIT,
    BadDeadline,
    BadLink,
    DeadlineProblem,
    Evidence,
    EvidenceKind,
    ItemAction,
    ItemCard,
    ItemClosed,
    LinkProblem,
    drop_item,
    file_evidence,
    item_card,
    postpone_item,
    read_link,
    read_new_deadline,
    report_done,
    start_item,
)
from core.plans.store import Board, my_items, plan_board
from storage import Database
from storage.plan_progress import ItemEvent
from storage.plans import Item, ItemStatus
from texts import plan_items as texts

log = logging.getLogger(__name__)

CONTENT_SHOWN = 90  # an item's content in a list line or a confirmation
CARD_CONTENT_SHOWN = 1000  # on its card
COMMENT_SHOWN = 150  # a report or a reason in the card's history
MY_ITEMS_SHOWN = 20  # a person's open items listed with a button each
PAGE_SIZE = 10  # a plan's items per page
ROW = 5  # number buttons in a row


class ItemStep(BaseModel):
    """FSM data while an item is moved on: which item, and what was typed so far."""

    item_id: int
    report: str | None = None  # выполнено: the report, while the evidence is asked
    deadline: str | None = None  # перенести: the new deadline as typed, while the reason is


def _day(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def _owners(item: Item) -> str:
    names = [
        owner.name if owner.position is None else f"{owner.name}, {owner.position}"
        for owner in item.owners
    ]
    return escape("; ".join(names)) if names else texts.CARD_NO_OWNERS


def _short(item: Item) -> dict[str, str]:
    """The item's number and content, shortened, for a confirmation or a question."""
    return {
        "number": escape(item.number),
        "content": escape(shorten_text(" ".join(item.content.split()), CONTENT_SHOWN)),
    }


def _event_line(event: ItemEvent, settings: Settings) -> str:
    comment = ""
    if event.comment:
        shown = shorten_text(" ".join(event.comment.split()), COMMENT_SHOWN)
        comment = texts.HISTORY_COMMENT.format(comment=escape(shown))
    due = "" if event.due_on is None else texts.HISTORY_DUE.format(due=_day(event.due_on))
    return texts.HISTORY_LINE.format(
        at=event.at.astimezone(settings.zone).strftime("%d.%m.%Y %H:%M"),
        who=escape(event.user_name or texts.HISTORY_NOBODY),
        icon=texts.STATUS_ICONS[event.to_status],
        status=texts.STATUS_NAMES[event.to_status],
        due=due,
        comment=comment,
    )


def card_text(card: ItemCard, *, today: date, settings: Settings) -> str:
    item = card.item
    content = shorten_text(" ".join(item.content.split()), CARD_CONTENT_SHOWN)
    due = _day(item.due_on)
    lines = [
        texts.CARD_TITLE.format(number=escape(item.number), content=escape(content)),
        texts.CARD_PLAN.format(title=escape(shorten_text(card.plan.title, 150))),
    ]
    if item.section:
        lines.append(texts.CARD_SECTION.format(section=escape(shorten_text(item.section, 150))))
    lines += [
        texts.CARD_DEADLINE.format(
            due=due,
            label=deadline_words(item.deadline_label, due),
            overdue=texts.CARD_OVERDUE if item.overdue(today) else "",
        ),
        texts.CARD_OWNERS.format(owners=_owners(item)),
        texts.CARD_STATUS.format(
            icon=texts.STATUS_ICONS[item.status], status=texts.STATUS_NAMES[item.status]
        ),
    ]
    if item.status is ItemStatus.DONE:
        if item.report:
            lines.append(texts.CARD_REPORT.format(report=escape(item.report)))
        evidence = Evidence.from_stored(item.evidence)
        if evidence is not None and evidence.kind is EvidenceKind.LINK:
            lines.append(texts.CARD_LINK.format(link=escape(evidence.value)))
        elif evidence is not None:
            lines.append(texts.CARD_FILE)
    lines += ["", texts.CARD_HISTORY]
    lines += [_event_line(event, settings) for event in card.events] or [texts.CARD_NO_HISTORY]
    if item.status not in (ItemStatus.DONE, ItemStatus.NOT_DONE) and not card.actions:
        lines += ["", texts.CARD_READ_ONLY]
    return shorten_html("\n".join(lines), TEXT_BUDGET)


def card_keyboard(card: ItemCard) -> InlineKeyboardMarkup:
    item_id = card.item.id
    builder = InlineKeyboardBuilder()
    if ItemAction.START in card.actions:
        builder.button(text=texts.START_BUTTON, callback_data=ItemStart(i=item_id))
    if ItemAction.DONE in card.actions:
        builder.button(text=texts.DONE_BUTTON, callback_data=ItemDone(i=item_id))
    if ItemAction.POSTPONE in card.actions:
        builder.button(text=texts.POSTPONE_BUTTON, callback_data=ItemPostpone(i=item_id))
    if ItemAction.DROP in card.actions:
        builder.button(text=texts.DROP_BUTTON, callback_data=ItemDrop(i=item_id))
    evidence = Evidence.from_stored(card.item.evidence)
    if card.item.status is ItemStatus.DONE and evidence and evidence.kind is not EvidenceKind.LINK:
        builder.button(text=texts.FILE_BUTTON, callback_data=ItemFile(i=item_id))
    if card.owner:
        builder.button(text=texts.MY_ITEMS_BACK, callback_data=MyItems())
    else:
        index = next(i for i, item in enumerate(card.plan.items) if item.id == item_id)
        builder.button(
            text=texts.PLAN_ITEMS_BUTTON,
            callback_data=PlanItems(p=card.plan.id, pg=index // PAGE_SIZE),
        )
    builder.adjust(2)
    return builder.as_markup()


def _open_button(item_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=texts.OPEN_BUTTON, callback_data=ItemOpen(i=item_id))
    return builder.as_markup()


async def _card_or_alert(
    query: CallbackQuery,
    actor: Actor,
    database: Database,
    item_id: int,
    today: date,
    action: ItemAction | None = None,
) -> ItemCard | None:
    """The item's card, when the person may see it (and do ``action``); otherwise the button
    is answered with why not, and None."""
    try:
        card = await item_card(database, actor, item_id, today=today)
    except AccessDenied:
        await query.answer(texts.ITEM_GONE, show_alert=True)
        return None
    if action is None or action in card.actions:
        return card
    if card.item.status in (ItemStatus.DONE, ItemStatus.NOT_DONE):
        alert = texts.ITEM_CLOSED
    elif not (card.owner or card.manager):
        alert = texts.ITEM_GONE
    elif action is ItemAction.DROP:
        alert = texts.ONLY_MANAGER_DROPS
    elif action is ItemAction.POSTPONE:
        alert = texts.CANNOT_POSTPONE
    else:
        alert = texts.ITEM_GONE
    await query.answer(alert, show_alert=True)
    return None


async def _step(state: FSMContext) -> ItemStep:
    return await read_draft(state, ItemStep)


async def _begin(state: FSMContext, step: State, item_id: int) -> None:
    await state.set_state(step)
    await state.set_data({})
    await save_draft(state, ItemStep(item_id=item_id))


def _plan_items_page(board: Board, page: int, today: date) -> tuple[Page, list[str]]:
    """Page ``page`` of the plan's items: its text (a line each, under its section's name) and
    the numbers of its buttons."""
    items = board.plan.items
    count = max((len(items) + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    number = min(max(page, 0), count - 1)
    start, stop = number * PAGE_SIZE, min((number + 1) * PAGE_SIZE, len(items))
    lines = [
        texts.PLAN_ITEMS_HEADER.format(
            title=escape(shorten_text(board.plan.title, 150)), page=number + 1, pages=count
        )
    ]
    section: str | None = None
    for index in range(start, stop):
        item = items[index]
        if item.section != section:
            section = item.section
            name = shorten_text(section, 100) if section else texts.NO_SECTION
            lines.append(texts.PLAN_ITEM_SECTION.format(section=escape(name)))
        lines.append(
            texts.PLAN_ITEM_LINE.format(
                number=index + 1,
                icon=texts.STATUS_ICONS[item.status],
                item=escape(item.number),
                content=escape(shorten_text(" ".join(item.content.split()), CONTENT_SHOWN)),
                due=_day(item.due_on),
                overdue=texts.OVERDUE if item.overdue(today) else "",
            )
        )
    text = shorten_html("\n".join(lines), TEXT_BUDGET)
    labels = [f"{texts.STATUS_ICONS[items[i].status]} {i + 1}" for i in range(start, stop)]
    return Page(text, number, count, start, stop), labels


def build_router() -> Router:
    router = Router(name="plan_items")

    @router.callback_query(MyItems.filter())
    async def show_my_items(
        query: CallbackQuery, actor: Actor, database: Database, clock: Clock, settings: Settings
    ) -> None:
        await query.answer()
        owned = await my_items(database, actor)
        if not owned:
            await message_of(query).answer(texts.MY_ITEMS_NONE)
            return
        today = today_of(clock, settings)
        shown = owned[:MY_ITEMS_SHOWN]
        lines = [texts.MY_ITEMS_HEADER]
        for number, entry in enumerate(shown, start=1):
            lines.append(
                texts.MY_ITEM_LINE.format(
                    number=number,
                    item=escape(entry.item.number),
                    content=escape(shorten_text(entry.item.content, CONTENT_SHOWN)),
                    due=_day(entry.item.due_on),
                    overdue=texts.OVERDUE if entry.item.overdue(today) else "",
                )
            )
        if len(owned) > MY_ITEMS_SHOWN:
            lines.append(texts.MY_ITEMS_MORE.format(count=len(owned) - MY_ITEMS_SHOWN))
        builder = InlineKeyboardBuilder()
        for number, entry in enumerate(shown, start=1):
            builder.button(text=str(number), callback_data=ItemOpen(i=entry.item.id))
        builder.adjust(ROW)
        *first, last = message_chunks(lines)
        for chunk in first:
            await message_of(query).answer(chunk)
        await message_of(query).answer(last, reply_markup=builder.as_markup())

    @router.callback_query(PlanItems.filter())
    async def show_plan_items(
        query: CallbackQuery,
        callback_data: PlanItems,
        actor: Actor,
        database: Database,
        clock: Clock,
        settings: Settings,
    ) -> None:
        today = today_of(clock, settings)
        try:
            board = await plan_board(database, actor, callback_data.p, today=today)
        except AccessDenied:
            await query.answer(texts.PLAN_GONE, show_alert=True)
            return
        await query.answer()
        page, labels = _plan_items_page(board, callback_data.pg, today)
        builder = InlineKeyboardBuilder()
        for label, item in zip(labels, board.plan.items[page.start : page.stop], strict=True):
            builder.button(text=label, callback_data=ItemOpen(i=item.id))
        builder.adjust(ROW)
        turn = page_buttons(
            page,
            lambda number: PlanItems(p=board.plan.id, pg=number, t=1),
            previous=texts.PREVIOUS_PAGE,
            following=texts.NEXT_PAGE,
        )
        if turn:
            builder.row(*turn)
        markup = builder.as_markup()
        message = message_of(query)
        if callback_data.t:
            try:
                await message.edit_text(page.text, reply_markup=markup)
                return
            except TelegramBadRequest as error:  # the same page again, or too old to edit
                if "not modified" in str(error):
                    return
        await message.answer(page.text, reply_markup=markup)

    @router.callback_query(ItemOpen.filter())
    async def open_item(
        query: CallbackQuery,
        callback_data: ItemOpen,
        actor: Actor,
        database: Database,
        clock: Clock,
        settings: Settings,
    ) -> None:
        today = today_of(clock, settings)
        card = await _card_or_alert(query, actor, database, callback_data.i, today)
        if card is None:
            return
        await query.answer()
        await message_of(query).answer(
            card_text(card, today=today, settings=settings), reply_markup=card_keyboard(card)
        )

    @router.callback_query(ItemStart.filter())
    async def start(
        query: CallbackQuery,
        callback_data: ItemStart,
        actor: Actor,
        database: Database,
        clock: Clock,
        settings: Settings,
    ) -> None:
        today = today_of(clock, settings)
        try:
            await start_item(database, actor, callback_data.i, now=clock())
        except AccessDenied:
            await query.answer(texts.ITEM_GONE, show_alert=True)
            return
        except ItemClosed:
            await query.answer(texts.ITEM_CLOSED, show_alert=True)
            return
        await query.answer(texts.STARTED_ALERT)
        card = await item_card(database, actor, callback_data.i, today=today)
        text, markup = card_text(card, today=today, settings=settings), card_keyboard(card)
        message = message_of(query)
        try:
            await message.edit_text(text, reply_markup=markup)
        except TelegramBadRequest:  # the card is too old to edit: a fresh one
            await message.answer(text, reply_markup=markup)

    @router.callback_query(ItemFile.filter())
    async def send_file(
        query: CallbackQuery,
        callback_data: ItemFile,
        bot: Bot,
        actor: Actor,
        database: Database,
        clock: Clock,
        settings: Settings,
    ) -> None:
        today = today_of(clock, settings)
        card = await _card_or_alert(query, actor, database, callback_data.i, today)
        if card is None:
            return
        evidence = Evidence.from_stored(card.item.evidence)
        if evidence is None or evidence.kind is EvidenceKind.LINK:
            await query.answer(texts.NO_FILE, show_alert=True)
            return
        await query.answer()
        chat_id = message_of(query).chat.id
        caption = texts.CARD_TITLE.format(**_short(card.item))
        try:
            if evidence.kind is EvidenceKind.PHOTO:
                await bot.send_photo(chat_id, evidence.value, caption=caption)
            else:
                await bot.send_document(chat_id, evidence.value, caption=caption)
        except TelegramBadRequest as error:
            log.warning("item %s: its evidence could not be sent: %s", card.item.id, error)
            await message_of(query).answer(texts.NO_FILE)

    # --- выполнено: a report, then evidence ---

    @router.callback_query(ItemDone.filter())
    async def ask_report(
        query: CallbackQuery,
        callback_data: ItemDone,
        state: FSMContext,
        actor: Actor,
        database: Database,
        clock: Clock,
        settings: Settings,
    ) -> None:
        today = today_of(clock, settings)
        card = await _card_or_alert(query, actor, database, callback_data.i, today, ItemAction.DONE)
        if card is None:
            return
        await query.answer()
        await _begin(state, ItemSteps.report, card.item.id)
        await message_of(query).answer(
            texts.ASK_REPORT.format(**_short(card.item), limit=REPORT_LIMIT)
        )

    @router.message(ItemSteps.report, F.text, NOT_A_COMMAND)
    async def receive_report(message: Message, state: FSMContext) -> None:
        report = (message.text or "").strip()
        if not report:
            await message.answer(texts.REPORT_EMPTY)
            return
        if len(report) > REPORT_LIMIT:
            await message.answer(
                texts.REPORT_TOO_LONG.format(length=len(report), limit=REPORT_LIMIT)
            )
            return
        step = await _step(state)
        step.report = report
        await save_draft(state, step)
        await state.set_state(ItemSteps.evidence)
        builder = InlineKeyboardBuilder()
        builder.button(text=texts.NO_EVIDENCE_BUTTON, callback_data=NoEvidence(i=step.item_id))
        await message.answer(texts.ASK_EVIDENCE, reply_markup=builder.as_markup())

    @router.message(ItemSteps.report, NOT_A_COMMAND)
    async def not_a_report(message: Message) -> None:
        await message.answer(texts.REPORT_EMPTY)

    async def finish_done(
        message: Message,
        state: FSMContext,
        actor: Actor,
        database: Database,
        clock: Clock,
        evidence: Evidence | None,
    ) -> None:
        step = await _step(state)
        await state.clear()
        if step.report is None:  # not asked yet: a stale button
            await message.answer(texts.ITEM_GONE)
            return
        try:
            item = await report_done(
                database, actor, step.item_id, step.report, now=clock(), evidence=evidence
            )
        except AccessDenied:
            await message.answer(texts.ITEM_GONE)
            return
        except ItemClosed:
            await message.answer(texts.ITEM_CLOSED)
            return
        kind = None if evidence is None else evidence.kind
        suffix = {
            None: "",
            EvidenceKind.LINK: texts.REPORTED_WITH_LINK,
            EvidenceKind.DOCUMENT: texts.REPORTED_WITH_FILE,
            EvidenceKind.PHOTO: texts.REPORTED_WITH_FILE,
        }[kind]
        await message.answer(
            texts.REPORTED.format(**_short(item), evidence=suffix),
            reply_markup=_open_button(item.id),
        )

    @router.callback_query(NoEvidence.filter(), ItemSteps.evidence)
    async def without_evidence(
        query: CallbackQuery,
        callback_data: NoEvidence,
        state: FSMContext,
        actor: Actor,
        database: Database,
        clock: Clock,
    ) -> None:
        if (await _step(state)).item_id != callback_data.i:  # an older question's button
            await query.answer(texts.ITEM_GONE, show_alert=True)
            return
        await query.answer()
        await close_buttons(query, texts.NO_EVIDENCE_BUTTON)
        await finish_done(message_of(query), state, actor, database, clock, None)

    @router.message(ItemSteps.evidence, F.document)
    async def receive_document(
        message: Message, state: FSMContext, actor: Actor, database: Database, clock: Clock
    ) -> None:
        assert message.document is not None
        evidence = file_evidence(EvidenceKind.DOCUMENT, message.document.file_id)
        await finish_done(message, state, actor, database, clock, evidence)

    @router.message(ItemSteps.evidence, F.photo)
    async def receive_photo(
        message: Message, state: FSMContext, actor: Actor, database: Database, clock: Clock
    ) -> None:
        assert message.photo
        evidence = file_evidence(EvidenceKind.PHOTO, message.photo[-1].file_id)
        await finish_done(message, state, actor, database, clock, evidence)

    @router.message(ItemSteps.evidence, F.text, NOT_A_COMMAND)
    async def receive_link(
        message: Message, state: FSMContext, actor: Actor, database: Database, clock: Clock
    ) -> None:
        try:
            evidence = read_link(message.text or "")
        except BadLink as error:
            if error.problem is LinkProblem.TOO_LONG:
                await message.answer(texts.EVIDENCE_TOO_LONG.format(limit=LINK_LIMIT))
            else:
                await message.answer(texts.EVIDENCE_NOT_A_LINK)
            return
        await finish_done(message, state, actor, database, clock, evidence)

    @router.message(ItemSteps.evidence, NOT_A_COMMAND)
    async def not_evidence(message: Message) -> None:
        await message.answer(texts.EVIDENCE_WRONG_KIND)

    # --- перенести: the new deadline, then the reason ---

    @router.callback_query(ItemPostpone.filter())
    async def ask_deadline(
        query: CallbackQuery,
        callback_data: ItemPostpone,
        state: FSMContext,
        actor: Actor,
        database: Database,
        clock: Clock,
        settings: Settings,
    ) -> None:
        today = today_of(clock, settings)
        card = await _card_or_alert(
            query, actor, database, callback_data.i, today, ItemAction.POSTPONE
        )
        if card is None:
            return
        assert card.postpone_limit is not None
        await query.answer()
        await _begin(state, ItemSteps.deadline, card.item.id)
        await message_of(query).answer(
            texts.ASK_DEADLINE.format(
                **_short(card.item), due=_day(card.item.due_on), limit=_day(card.postpone_limit)
            )
        )

    @router.message(ItemSteps.deadline, F.text, NOT_A_COMMAND)
    async def receive_deadline(
        message: Message,
        state: FSMContext,
        actor: Actor,
        database: Database,
        clock: Clock,
        settings: Settings,
    ) -> None:
        today = today_of(clock, settings)
        step = await _step(state)
        card = await _card_now(message, state, actor, database, step, today, ItemAction.POSTPONE)
        if card is None:
            return
        assert card.postpone_limit is not None
        text = message.text or ""
        try:
            deadline = read_new_deadline(
                text, today=today, current=card.item.due_on, limit=card.postpone_limit
            )
        except BadDeadline as error:
            await message.answer(_deadline_problem(error, text, card, today))
            return
        step.deadline = deadline.label
        await save_draft(state, step)
        await state.set_state(ItemSteps.postpone_reason)
        await message.answer(
            texts.ASK_POSTPONE_REASON.format(due=_day(deadline.due), limit=REASON_LIMIT)
        )

    @router.message(ItemSteps.postpone_reason, F.text, NOT_A_COMMAND)
    async def receive_postpone_reason(
        message: Message,
        state: FSMContext,
        actor: Actor,
        database: Database,
        clock: Clock,
        settings: Settings,
    ) -> None:
        reason = await _reason(message)
        if reason is None:
            return
        step = await _step(state)
        if step.deadline is None:  # not asked yet: start again
            await state.clear()
            await message.answer(texts.ITEM_GONE)
            return
        today = today_of(clock, settings)
        try:
            item = await postpone_item(
                database, actor, step.item_id, step.deadline, reason, now=clock(), today=today
            )
        except BadDeadline as error:  # the day changed meanwhile: the deadline is asked again
            card = await _card_now(
                message, state, actor, database, step, today, ItemAction.POSTPONE
            )
            if card is not None:
                await state.set_state(ItemSteps.deadline)
                await message.answer(_deadline_problem(error, step.deadline, card, today))
            return
        except AccessDenied:
            await state.clear()
            await message.answer(texts.ITEM_GONE)
            return
        except ItemClosed:
            await state.clear()
            await message.answer(texts.ITEM_CLOSED)
            return
        await state.clear()
        await message.answer(
            texts.POSTPONED.format(**_short(item), due=_day(item.due_on)),
            reply_markup=_open_button(item.id),
        )

    # --- не выполнено: the reason ---

    @router.callback_query(ItemDrop.filter())
    async def ask_drop_reason(
        query: CallbackQuery,
        callback_data: ItemDrop,
        state: FSMContext,
        actor: Actor,
        database: Database,
        clock: Clock,
        settings: Settings,
    ) -> None:
        today = today_of(clock, settings)
        card = await _card_or_alert(query, actor, database, callback_data.i, today, ItemAction.DROP)
        if card is None:
            return
        await query.answer()
        await _begin(state, ItemSteps.drop_reason, card.item.id)
        await message_of(query).answer(
            texts.ASK_DROP_REASON.format(**_short(card.item), limit=REASON_LIMIT)
        )

    @router.message(ItemSteps.drop_reason, F.text, NOT_A_COMMAND)
    async def receive_drop_reason(
        message: Message, state: FSMContext, actor: Actor, database: Database, clock: Clock
    ) -> None:
        reason = await _reason(message)
        if reason is None:
            return
        step = await _step(state)
        await state.clear()
        try:
            item = await drop_item(database, actor, step.item_id, reason, now=clock())
        except AccessDenied:
            await message.answer(texts.ITEM_GONE)
            return
        except ItemClosed:
            await message.answer(texts.ITEM_CLOSED)
            return
        await message.answer(
            texts.DROPPED.format(**_short(item)), reply_markup=_open_button(item.id)
        )

    @router.message(ItemSteps.deadline, NOT_A_COMMAND)
    @router.message(ItemSteps.postpone_reason, NOT_A_COMMAND)
    @router.message(ItemSteps.drop_reason, NOT_A_COMMAND)
    async def not_text(message: Message) -> None:
        await message.answer(texts.TEXT_WANTED)

    return router


async def _card_now(
    message: Message,
    state: FSMContext,
    actor: Actor,
    database: Database,
    step: ItemStep,
    today: date,
    action: ItemAction,
) -> ItemCard | None:
    """The item's card while a step is typed; None (the step ends, and why is said) when the
    person may no longer do ``action`` to it."""
    try:
        card = await item_card(database, actor, step.item_id, today=today)
    except AccessDenied:
        card = None
    if card is not None and action in card.actions:
        return card
    await state.clear()
    closed = card is not None and card.item.status in (ItemStatus.DONE, ItemStatus.NOT_DONE)
    await message.answer(texts.ITEM_CLOSED if closed else texts.ITEM_GONE)
    return None


def _deadline_problem(error: BadDeadline, text: str, card: ItemCard, today: date) -> str:
    due = "" if error.due is None else _day(error.due)
    if error.problem is DeadlineProblem.NOT_AFTER_TODAY:
        return texts.DEADLINE_NOT_AFTER_TODAY.format(due=due, today=_day(today))
    if error.problem is DeadlineProblem.SAME:
        return texts.DEADLINE_SAME.format(due=due)
    if error.problem is DeadlineProblem.TOO_LATE:
        assert card.postpone_limit is not None
        template = texts.DEADLINE_TOO_LATE if card.manager else texts.DEADLINE_TOO_LATE_OWNER
        return template.format(due=due, limit=_day(card.postpone_limit))
    return texts.DEADLINE_UNCLEAR.format(text=escape(shorten_text(" ".join(text.split()), 60)))


async def _reason(message: Message) -> str | None:
    """The typed reason, or None when it is empty or too long (and the person is told)."""
    reason = (message.text or "").strip()
    if not reason:
        await message.answer(texts.REASON_EMPTY)
        return None
    if len(reason) > REASON_LIMIT:
        await message.answer(texts.REASON_TOO_LONG.format(length=len(reason), limit=REASON_LIMIT))
        return None
    return reason
