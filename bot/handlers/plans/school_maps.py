"""A school's own road map in /plans (``core.plans.school_maps``).

- A representative of a school sees a line with the state of the school's map of the current
  school year and "🗺 Дорожная карта школы": its card (state, the department's comment, the
  versions) and, unless the map is approved, the step that waits for its .xlsx/.docx. The file
  is read as a methodist's plan is (``core.plans.load_plan``: refused whole, with every problem)
  and stored as the map's next version, then its board is shown.
- A reviewer (a methodist of the municipality) sees "Дорожные карты школ за 2020/21:
  утверждены N, на доработке M, на рассмотрении S, не представлены K" and a button listing the
  maps, awaiting ones first. A map opens with its latest file sent back, its versions with the
  decisions taken, its board, and "✅ Утвердить" / "↩️ Вернуть на доработку" (a comment is
  asked). The school's representatives are told of the decision; one who cannot be reached is
  logged, and the rest still are.

The upload waits in ``SchoolMaps.upload``, not in the methodist's ``Plans.upload``: a methodist
who also represents a school is in the plan step after /plans and in the map step after the
map's button, and the card says which one a file goes to. The FSM keeps only the school and
year awaited, or the map and version being returned.
"""

import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from html import escape
from zoneinfo import ZoneInfo

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest
from aiogram.fsm.context import FSMContext
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)
from pydantic import BaseModel

from bot.config import Settings
from bot.handlers.plans.board import MAX_PLAN_BYTES, SUFFIXES, board_lines, today_of
from bot.handlers.plans.callbacks import PlanOpen
from bot.handlers.plans.school_maps_callbacks import (
    MapCancel,
    MapCard,
    MapDecide,
    MapList,
    MapReview,
    MapVerdict,
)
from bot.handlers.plans.school_maps_states import SchoolMaps
from bot.handlers.shared.buttons import message_of
from bot.handlers.shared.drafts import read_draft, save_draft
from bot.handlers.shared.files import accepted_document, download
from bot.handlers.shared.filters import NOT_A_COMMAND
from bot.handlers.shared.messages import message_chunks, shorten_text
from bot.keyboard import InlineKeyboardBuilder
from core.access import AccessDenied, Action, allows_somewhere
from core.actors import Actor
from core.clock import Clock
from core.plans import PlanDraft, file_error_text, find_school_year, load_plan, problem_lines
from core.plans.progress import current_school_year
from core.plans.school_maps import (
    Decision,
    MapApproved,
    MapsSummary,
    NotAwaiting,
    SchoolMap,
    decide,
    latest_file,
    maps_summary,
    my_school_maps,
    review_map,
    reviewed_summaries,
    school_map,
    school_map_plans,
    submit_school_map,
)
from core.plans.store import plan_board
from core.review import COMMENT_LIMIT, BadComment
from exports.sheets import SheetError
from storage import Database
from storage.plan_documents import DocumentVersion
from storage.plans import Approval
from texts import school_maps as texts

log = logging.getLogger(__name__)

LISTED = 50  # maps listed with a button each; a department decides on these first
LINE_COMMENT = 120  # characters of a return's comment quoted in the /plans line


class MapUpload(BaseModel):
    map_school: int
    map_year: int


class MapComment(BaseModel):
    map_plan: int
    map_version: int
    map_prompt: int | None = None


@dataclass(frozen=True, slots=True)
class PlansExtras:
    """What /plans adds for school maps: lines under its header, buttons above the plans, and
    the plans its own list leaves out (the schools' maps, opened from these buttons)."""

    lines: list[str] = field(default_factory=list)
    buttons: list[InlineKeyboardButton] = field(default_factory=list)
    hidden: set[int] = field(default_factory=set)


def _year(school_year: int) -> str:
    return f"{school_year}/{(school_year + 1) % 100:02d}"


def _local(moment: datetime, timezone: str) -> str:
    return moment.astimezone(ZoneInfo(timezone)).strftime("%d.%m.%Y")


def _state(found: SchoolMap, *, detailed: bool) -> str:
    latest = found.latest
    if found.approval is None or latest is None:
        return texts.STATE_NONE
    if not detailed:
        return {
            Approval.SUBMITTED: texts.STATE_SUBMITTED,
            Approval.APPROVED: texts.STATE_APPROVED,
            Approval.RETURNED: texts.STATE_RETURNED,
        }[found.approval]
    if found.approval is Approval.SUBMITTED:
        return texts.STATE_SUBMITTED_ON.format(
            version=latest.version, date=_local(latest.uploaded_at, found.timezone)
        )
    if found.approval is Approval.APPROVED and latest.decided_at is not None:
        return texts.STATE_APPROVED_ON.format(date=_local(latest.decided_at, found.timezone))
    if found.approval is Approval.RETURNED and found.comment:
        comment = escape(shorten_text(found.comment, LINE_COMMENT))
        return texts.STATE_RETURNED_WITH.format(comment=comment)
    return _state(found, detailed=False)


async def plans_extras(database: Database, actor: Actor, today: date) -> PlansExtras:
    """The school maps' part of /plans for this person (``build_router``'s ``show``)."""
    year = current_school_year(today)
    extras = PlansExtras(hidden=await school_map_plans(database))
    mine = await my_school_maps(database, actor, year)
    for found in mine:
        school = escape(found.school.short_name)
        state = _state(found, detailed=True)
        extras.lines.append(texts.MAP_LINE.format(school=school, year=_year(year), state=state))
        label = texts.MAP_BUTTON if len(mine) == 1 else texts.MAP_BUTTON_OF
        extras.buttons.append(
            InlineKeyboardButton(
                text=label.format(school=shorten_text(found.school.short_name, 24)),
                callback_data=MapCard(s=found.school.id, y=year).pack(),
            )
        )
    summaries = await reviewed_summaries(database, actor, year)
    for summary in summaries:
        several = len(summaries) > 1
        extras.lines.append(_summary_line(summary, with_name=several))
        if not summary.maps:
            continue  # the line says it: no school sent one yet
        button = (
            texts.AWAITING_BUTTON.format(count=summary.submitted)
            if summary.submitted
            else texts.ALL_BUTTON
        )
        if several:
            name = shorten_text(summary.municipality.name, 24)
            button = texts.BUTTON_OF.format(button=button, municipality=name)
        extras.buttons.append(
            InlineKeyboardButton(
                text=button,
                callback_data=MapList(m=summary.municipality.id, y=year).pack(),
            )
        )
    return extras


def _counts(summary: MapsSummary) -> str:
    return texts.COUNTS.format(
        approved=summary.approved,
        returned=summary.returned,
        submitted=summary.submitted,
        missing=len(summary.missing),
    )


def _summary_line(summary: MapsSummary, *, with_name: bool) -> str:
    template = texts.SUMMARY_OF if with_name else texts.SUMMARY
    return template.format(
        year=_year(summary.school_year),
        counts=_counts(summary),
        municipality=escape(summary.municipality.name),
    )


def _card_lines(found: SchoolMap, *, also_plans: bool) -> list[str]:
    """A representative's card: the state, the comment, the versions, what to do."""
    lines = [
        texts.CARD_TITLE.format(
            school=escape(found.school.short_name), year=_year(found.school_year)
        ),
        texts.CARD_STATE.format(state=_state(found, detailed=False)),
    ]
    if found.approval is Approval.RETURNED and found.comment:
        lines.append(texts.CARD_COMMENT.format(comment=escape(found.comment)))
    if found.versions:
        lines += [texts.CARD_VERSIONS, *(_version_line(found, v) for v in found.versions)]
    lines.append("")
    if found.approval is Approval.APPROVED:
        lines.append(texts.CARD_APPROVED)
        return lines
    lines.append(texts.CARD_UPLOAD.format(version=len(found.versions) + 1))
    if also_plans:
        lines.append(texts.CARD_UPLOAD_NOT_PLAN)
    return lines


def _version_line(found: SchoolMap, version: DocumentVersion) -> str:
    zone = found.timezone
    latest = found.latest is not None and version.version == found.latest.version
    by = (
        ""
        if version.decider_name is None
        else texts.OUTCOME_BY.format(name=escape(version.decider_name))
    )
    decided = "" if version.decided_at is None else _local(version.decided_at, zone)
    if version.decision is Approval.APPROVED:
        outcome = texts.OUTCOME_APPROVED.format(date=decided, by=by)
    elif version.decision is Approval.RETURNED:
        comment = escape(version.comment or "")
        outcome = texts.OUTCOME_RETURNED.format(date=decided, by=by, comment=comment)
    elif latest and found.awaiting:
        outcome = texts.OUTCOME_AWAITING
    else:
        outcome = texts.OUTCOME_REPLACED
    author = (
        ""
        if version.uploader_name is None
        else texts.VERSION_AUTHOR.format(name=escape(version.uploader_name))
    )
    return texts.VERSION_LINE.format(
        version=version.version,
        date=_local(version.uploaded_at, zone),
        author=author,
        outcome=outcome,
    )


def _progress_keyboard(found: SchoolMap) -> InlineKeyboardMarkup | None:
    if found.plan_id is None:
        return None
    builder = InlineKeyboardBuilder()
    builder.button(text=texts.PROGRESS_BUTTON, callback_data=PlanOpen(p=found.plan_id))
    return builder.as_markup()


async def _send(message: Message, lines: list[str], markup: InlineKeyboardMarkup | None) -> None:
    *first, last = message_chunks(lines)
    for chunk in first:
        await message.answer(chunk)
    await message.answer(last, reply_markup=markup)


def _list_lines(summary: MapsSummary) -> tuple[list[str], InlineKeyboardMarkup | None]:
    lines = [
        texts.LIST_TITLE.format(
            year=_year(summary.school_year), municipality=escape(summary.municipality.name)
        ),
        _counts(summary).capitalize(),
    ]
    if summary.missing:
        names = ", ".join(school.short_name for school in summary.missing)
        lines.append(texts.LIST_MISSING.format(schools=escape(names)))
    if not summary.maps:
        lines.append(texts.LIST_EMPTY)
        return lines, None
    lines.append(texts.LIST_HOW_TO)
    if len(summary.maps) > LISTED:
        lines.append(texts.LIST_MORE.format(count=len(summary.maps) - LISTED))
    marks = {
        Approval.SUBMITTED: texts.MARK_SUBMITTED,
        Approval.RETURNED: texts.MARK_RETURNED,
        Approval.APPROVED: texts.MARK_APPROVED,
    }
    zone = summary.municipality.timezone
    builder = InlineKeyboardBuilder()
    for found in summary.maps[:LISTED]:
        text = texts.LIST_BUTTON.format(
            mark=marks[found.approval],
            school=shorten_text(found.school.short_name, 24),
            version=found.version,
            date=found.uploaded_at.astimezone(ZoneInfo(zone)).strftime("%d.%m"),
        )
        builder.button(text=text, callback_data=MapReview(p=found.plan_id))
    builder.adjust(1)
    return lines, builder.as_markup()


def _review_keyboard(found: SchoolMap) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    latest = found.latest
    if found.awaiting and found.plan_id is not None and latest is not None:
        for text, act in (
            (texts.APPROVE_BUTTON, MapVerdict.APPROVE),
            (texts.RETURN_BUTTON, MapVerdict.RETURN),
        ):
            builder.button(
                text=text, callback_data=MapDecide(p=found.plan_id, v=latest.version, act=act)
            )
    builder.button(
        text=texts.BACK_BUTTON,
        callback_data=MapList(m=found.school.municipality_id, y=found.school_year),
    )
    builder.adjust(1)
    return builder.as_markup()


def _not_awaiting(error: NotAwaiting, seen: int) -> str:
    latest = error.current.latest
    if error.current.awaiting and latest is not None and latest.version != seen:
        return texts.NEWER_VERSION.format(version=latest.version)
    return texts.NOT_AWAITING.format(state=_state(error.current, detailed=False))


async def _take_buttons_off(bot: Bot, chat_id: int, message_id: int | None) -> None:
    if message_id is None:
        return
    try:
        await bot.edit_message_reply_markup(chat_id=chat_id, message_id=message_id)
    except TelegramBadRequest as error:  # already without buttons, or too old to edit
        log.debug("could not close message %s: %s", message_id, error)


async def _notify(bot: Bot, decision: Decision, comment: str | None) -> str:
    """Tell the school's representatives; what the reviewer is told of it."""
    found = decision.map
    values = {
        "school": escape(found.school.short_name),
        "year": _year(found.school_year),
        "version": decision.version,
    }
    if found.approval is Approval.RETURNED:
        text = texts.NOTICE_RETURNED.format(**values, comment=escape(comment or ""))
    else:
        text = texts.NOTICE_APPROVED.format(**values)
    builder = InlineKeyboardBuilder()
    builder.button(
        text=texts.OPEN_BUTTON, callback_data=MapCard(s=found.school.id, y=found.school_year)
    )
    markup = builder.as_markup()
    if not decision.recipients:
        return texts.NOBODY_TO_NOTIFY
    sent = 0
    for recipient in decision.recipients:
        try:
            await bot.send_message(recipient.telegram_id, text, reply_markup=markup)
        except TelegramAPIError as error:  # blocked, deleted, throttled: the decision stands
            log.warning(
                "school map %s: could not tell user %s of the decision: %s",
                found.plan_id,
                recipient.user_id,
                error,
            )
            continue
        sent += 1
    return texts.NOTIFIED.format(sent=sent, count=len(decision.recipients))


async def _read_upload(
    message: Message, bot: Bot, school_year: int
) -> tuple[str, bytes, PlanDraft] | None:
    """The file of the message read as a map of ``school_year``, or None once the person was
    told why not (the step keeps waiting: a second chance)."""
    document = await accepted_document(
        message,
        SUFFIXES,
        MAX_PLAN_BYTES,
        wrong_type=texts.WRONG_TYPE,
        too_large=texts.TOO_LARGE.format(megabytes=MAX_PLAN_BYTES >> 20),
    )
    if document is None:
        return None
    name = document.file_name or ""
    content = await download(bot, message.chat.id, document)
    try:
        reading = load_plan(name, content, school_year)
    except SheetError as error:
        await message.answer(escape(file_error_text(error)))
        return None
    if reading.draft is None:
        lines = [texts.NOT_SAVED, *(escape(line) for line in problem_lines(reading.problems))]
        for chunk in message_chunks(lines):
            await message.answer(chunk)
        return None
    written = find_school_year(reading.draft.title)
    if written is not None and written != school_year:
        await message.answer(texts.WRONG_YEAR.format(found=_year(written), year=_year(school_year)))
        return None
    return name, content, reading.draft


def build_router() -> Router:
    router = Router(name="school_maps")

    @router.callback_query(MapCard.filter())
    async def open_card(
        query: CallbackQuery,
        callback_data: MapCard,
        state: FSMContext,
        actor: Actor,
        database: Database,
    ) -> None:
        try:
            found = await school_map(database, actor, callback_data.s, callback_data.y)
        except AccessDenied:
            await query.answer(texts.GONE, show_alert=True)
            return
        await query.answer()
        also_plans = allows_somewhere(actor, Action.MANAGE_PLANS)
        if found.approval is not Approval.APPROVED:
            await state.set_state(SchoolMaps.upload)
            await state.set_data({})
            await save_draft(
                state, MapUpload(map_school=found.school.id, map_year=found.school_year)
            )
        await _send(
            message_of(query), _card_lines(found, also_plans=also_plans), _progress_keyboard(found)
        )

    @router.message(SchoolMaps.upload, F.document)
    async def receive(
        message: Message,
        state: FSMContext,
        bot: Bot,
        actor: Actor,
        database: Database,
        clock: Clock,
        settings: Settings,
    ) -> None:
        step = await read_draft(state, MapUpload)
        read = await _read_upload(message, bot, step.map_year)
        if read is None:
            return
        name, content, draft = read
        try:
            submitted = await submit_school_map(
                database, actor, step.map_school, draft, name, content, clock()
            )
        except MapApproved:
            await state.clear()
            found = await school_map(database, actor, step.map_school, step.map_year)
            await message.answer(
                texts.ALREADY_APPROVED.format(
                    school=escape(found.school.short_name), year=_year(step.map_year)
                )
            )
            return
        except AccessDenied:
            await state.clear()
            raise
        await state.clear()
        found = submitted.map
        await message.answer(
            texts.SUBMITTED.format(
                school=escape(found.school.short_name),
                version=submitted.version,
                sections=submitted.sections,
                items=submitted.items,
                known=submitted.known,
                people=submitted.people,
            )
        )
        assert found.plan_id is not None
        board = await plan_board(database, actor, found.plan_id, today=today_of(clock, settings))
        await _send(message, board_lines(board), None)

    # Commands pass through: /cancel leaves the step, /plans and the rest keep working.
    @router.message(SchoolMaps.upload, NOT_A_COMMAND)
    async def not_a_file(
        message: Message, state: FSMContext, actor: Actor, database: Database
    ) -> None:
        if not message.text:
            await message.answer(texts.WRONG_TYPE)
            return
        step = await read_draft(state, MapUpload)
        found = await school_map(database, actor, step.map_school, step.map_year)
        await message.answer(texts.WAITING.format(school=escape(found.school.short_name)))

    @router.callback_query(MapList.filter())
    async def show_list(
        query: CallbackQuery, callback_data: MapList, actor: Actor, database: Database
    ) -> None:
        try:
            summary = await maps_summary(database, actor, callback_data.m, callback_data.y)
        except AccessDenied:
            await query.answer(texts.GONE, show_alert=True)
            return
        await query.answer()
        lines, markup = _list_lines(summary)
        await _send(message_of(query), lines, markup)

    @router.callback_query(MapReview.filter())
    async def open_review(
        query: CallbackQuery,
        callback_data: MapReview,
        actor: Actor,
        database: Database,
        clock: Clock,
        settings: Settings,
    ) -> None:
        try:
            found = await review_map(database, actor, callback_data.p)
            name, content = await latest_file(database, actor, callback_data.p)
            board = await plan_board(
                database, actor, callback_data.p, today=today_of(clock, settings)
            )
        except AccessDenied:
            await query.answer(texts.GONE, show_alert=True)
            return
        await query.answer()
        message = message_of(query)
        latest = found.latest
        assert latest is not None
        school = escape(found.school.short_name)
        await message.answer_document(
            BufferedInputFile(content, filename=name),
            caption=texts.DOCUMENT_CAPTION.format(
                school=school,
                version=latest.version,
                date=_local(latest.uploaded_at, found.timezone),
            ),
        )
        lines = [
            texts.REVIEW_TITLE.format(school=school, year=_year(found.school_year)),
            texts.CARD_STATE.format(state=_state(found, detailed=False)),
            texts.CARD_VERSIONS,
            *(_version_line(found, version) for version in found.versions),
            "",
            *board_lines(board),
        ]
        await _send(message, lines, _review_keyboard(found))

    @router.callback_query(MapDecide.filter(F.act == MapVerdict.APPROVE))
    async def approve(
        query: CallbackQuery,
        callback_data: MapDecide,
        bot: Bot,
        actor: Actor,
        database: Database,
        clock: Clock,
    ) -> None:
        try:
            decision = await decide(
                database, actor, callback_data.p, True, "", clock(), version=callback_data.v
            )
        except NotAwaiting as error:
            await query.answer(_not_awaiting(error, callback_data.v), show_alert=True)
            return
        await query.answer()
        message = message_of(query)
        await _take_buttons_off(bot, message.chat.id, message.message_id)
        done = texts.APPROVED_DONE.format(
            school=escape(decision.map.school.short_name), version=decision.version
        )
        await message.answer(f"{done}\n{await _notify(bot, decision, None)}")

    @router.callback_query(MapDecide.filter(F.act == MapVerdict.RETURN))
    async def ask_comment(
        query: CallbackQuery,
        callback_data: MapDecide,
        state: FSMContext,
        actor: Actor,
        database: Database,
    ) -> None:
        try:
            found = await review_map(database, actor, callback_data.p)
        except AccessDenied:
            await query.answer(texts.GONE, show_alert=True)
            return
        latest = found.latest
        if not found.awaiting or latest is None or latest.version != callback_data.v:
            error = NotAwaiting(found)
            await query.answer(_not_awaiting(error, callback_data.v), show_alert=True)
            return
        await query.answer()
        builder = InlineKeyboardBuilder()
        builder.button(text=texts.CANCEL_BUTTON, callback_data=MapCancel(p=callback_data.p))
        prompt = await message_of(query).answer(
            texts.ASK_COMMENT.format(school=escape(found.school.short_name), limit=COMMENT_LIMIT),
            reply_markup=builder.as_markup(),
        )
        await state.set_state(SchoolMaps.comment)
        await state.set_data({})
        await save_draft(
            state,
            MapComment(
                map_plan=callback_data.p, map_version=callback_data.v, map_prompt=prompt.message_id
            ),
        )

    @router.callback_query(MapCancel.filter())
    async def cancel_return(
        query: CallbackQuery, callback_data: MapCancel, state: FSMContext, bot: Bot
    ) -> None:
        draft = None
        if await state.get_state() == SchoolMaps.comment.state:
            draft = await read_draft(state, MapComment)
        if draft is None or draft.map_plan != callback_data.p:
            await query.answer(texts.GONE, show_alert=True)
            return
        await query.answer()
        await state.clear()
        message = message_of(query)
        await _take_buttons_off(bot, message.chat.id, message.message_id)
        await message.answer(texts.RETURN_CANCELLED)

    # Commands pass through: /cancel, /plans and the rest keep working while a comment is asked.
    @router.message(SchoolMaps.comment, NOT_A_COMMAND)
    async def comment_typed(
        message: Message,
        state: FSMContext,
        bot: Bot,
        actor: Actor,
        database: Database,
        clock: Clock,
    ) -> None:
        draft = await read_draft(state, MapComment)
        comment = message.text or ""
        try:
            decision = await decide(
                database, actor, draft.map_plan, False, comment, clock(), version=draft.map_version
            )
        except BadComment as error:
            if error.length == 0:
                await message.answer(texts.EMPTY_COMMENT)
            else:
                await message.answer(
                    texts.LONG_COMMENT.format(length=error.length, limit=error.limit)
                )
            return  # still in the step: a second chance
        except NotAwaiting as error:
            await state.clear()
            await _take_buttons_off(bot, message.chat.id, draft.map_prompt)
            await message.answer(_not_awaiting(error, draft.map_version))
            return
        except AccessDenied:
            await state.clear()
            raise
        await state.clear()
        await _take_buttons_off(bot, message.chat.id, draft.map_prompt)
        done = texts.RETURNED_DONE.format(
            school=escape(decision.map.school.short_name), version=decision.version
        )
        notified = await _notify(bot, decision, decision.map.comment)
        await message.answer(f"{done}\n{notified}")

    return router
