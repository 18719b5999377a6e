"""/status: the completion board of the actor's scope, with buttons that nudge the schools that
have not submitted (before the deadline too), and a summary of what each nudge did."""

from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.commands import Cmd
from bot.handlers.review.keyboards import entry_markup
from bot.handlers.shared.buttons import message_of
from bot.handlers.shared.messages import TEXT_BUDGET, split_html, visible_length
from bot.handlers.status.callbacks import FormsDetail, NudgeAll, NudgeSchool
from bot.keyboard import InlineKeyboardBuilder
from core.access import AccessDenied, Action, Target, allows, allows_somewhere
from core.actors import Actor
from core.clock import Clock
from core.questionnaires import FormCatalog
from core.reminders import Deliver
from core.review import review_queue
from core.status import (
    CampaignBoard,
    Cell,
    CellKind,
    FormCell,
    NudgeReport,
    completion_board,
    nudge,
)
from storage import Database
from storage.directory import School
from storage.responses import Status
from texts import status as texts
from texts.plurals import FORMS_GENITIVE, counted

MAX_SCHOOL_BUTTONS = 30  # beyond that, only "remind all" (a keyboard holds 100 buttons)
ALERT_LIMIT = 200  # Telegram's limit on a callback answer's text


def _detail(cell: Cell) -> str | None:
    if len(cell.forms) > 1 and cell.kind not in (CellKind.SUBMITTED, CellKind.ACCEPTED):
        return texts.DETAIL_FORMS.format(
            done=cell.forms_done, total=counted(len(cell.forms), FORMS_GENITIVE)
        )
    if cell.kind is CellKind.SUBMITTED:
        return None
    if cell.kind is CellKind.ACCEPTED:
        return texts.DETAIL_ACCEPTED
    if cell.status is Status.RETURNED:
        return texts.DETAIL_RETURNED
    if cell.status is Status.NOT_STARTED or cell.answered == 0:
        return texts.DETAIL_NOT_STARTED
    return texts.DETAIL_PROGRESS.format(answered=cell.answered, total=cell.total)


def _line(cell: Cell) -> str:
    icon, school = texts.ICONS[cell.kind.value], escape(cell.school.short_name)
    detail = _detail(cell)
    if detail is None:
        return texts.LINE.format(icon=icon, school=school)
    return texts.LINE_DETAIL.format(icon=icon, school=school, detail=detail)


def _pages(board: CampaignBoard, several_towns: bool) -> list[str]:
    deadline = board.deadline_at.astimezone(ZoneInfo(board.timezone)).strftime("%d.%m.%Y %H:%M")
    values = {
        "title": escape(board.title),
        "municipality": escape(board.municipality),
        "deadline": deadline,
        "done": board.done,
        "total": len(board.cells),
    }
    header = (texts.HEADER_MUNICIPALITY if several_towns else texts.HEADER).format(**values)
    if board.late:
        header += texts.LATE_COUNT.format(late=len(board.late))
    if board.several_forms:
        header += texts.HEADER_FORMS.format(count=len(board.campaign.forms))
    pages: list[list[str]] = [[header, ""]]
    size = visible_length(header) + 1
    for line in map(_line, board.cells):
        if size + visible_length(line) + 1 > TEXT_BUDGET:
            continued = texts.CONTINUED.format(title=escape(board.title))
            pages.append([continued, ""])
            size = visible_length(continued) + 1
        pages[-1].append(line)
        size += visible_length(line) + 1
    return ["\n".join(page) for page in pages]


def _form_part(form: FormCell) -> str:
    icon, name = texts.ICONS[form.kind.value], escape(form.short_title)
    if form.kind in (CellKind.DRAFT, CellKind.LATE) and 0 < form.answered < form.total:
        return texts.DRILL_DOWN_FORM_PROGRESS.format(
            icon=icon, form=name, answered=form.answered, total=form.total
        )
    return texts.DRILL_DOWN_FORM.format(icon=icon, form=name)


def drill_down_pages(board: CampaignBoard) -> list[str]:
    """Each school with each form of the monitoring: which are in, which are not."""
    header = texts.DRILL_DOWN_HEADER.format(title=escape(board.title))
    lines = [
        texts.DRILL_DOWN_LINE.format(
            school=escape(cell.school.short_name),
            forms=texts.DRILL_DOWN_SEPARATOR.join(map(_form_part, cell.forms)),
        )
        for cell in board.cells
    ]
    return split_html("\n".join([header, "", *lines]))


def _nudgeable(actor: Actor, board: CampaignBoard) -> list[Cell]:
    """The schools of the board that have not submitted and that this person may nudge."""
    return [c for c in board.owing if allows(actor, Action.NUDGE, Target.school(c.school))]


def _keyboard(actor: Actor, board: CampaignBoard) -> InlineKeyboardMarkup | None:
    owing = _nudgeable(actor, board)
    builder = InlineKeyboardBuilder()
    if board.several_forms:  # on a row of its own, above the nudges
        builder.button(text=texts.DRILL_DOWN_BUTTON, callback_data=FormsDetail(c=board.campaign.id))
    if not owing:
        return builder.as_markup() if board.several_forms else None
    nudges = InlineKeyboardBuilder()
    for cell in owing[:MAX_SCHOOL_BUTTONS]:
        nudges.button(
            text=texts.NUDGE_BUTTON.format(school=cell.school.short_name),
            callback_data=NudgeSchool(c=board.campaign.id, s=cell.school.id),
        )
    # After the deadline every school that has not submitted is late: the same schools.
    everyone = texts.NUDGE_ALL_LATE_BUTTON if board.late else texts.NUDGE_ALL_OWING_BUTTON
    nudges.button(text=everyone, callback_data=NudgeAll(c=board.campaign.id))
    nudges.adjust(2)
    builder.attach(nudges)
    return builder.as_markup()


def _groups(report: NudgeReport) -> list[tuple[str, str, list[School]]]:
    """(full line, short line, schools) for each outcome that happened, in a fixed order."""
    groups = [
        (texts.NUDGE_SENT, texts.NUDGE_SHORT_SENT, report.nudged),
        (texts.NUDGE_THROTTLED, texts.NUDGE_SHORT_THROTTLED, report.throttled),
        (texts.NUDGE_UNREACHABLE, texts.NUDGE_SHORT_UNREACHABLE, report.unreachable),
        (texts.NUDGE_SUBMITTED, texts.NUDGE_SHORT_SUBMITTED, report.submitted),
        (texts.NUDGE_NOBODY, texts.NUDGE_SHORT_NOBODY, report.nobody),
    ]
    return [group for group in groups if group[2]]


def _summary(report: NudgeReport, *, html: bool = False) -> str:
    """Which schools were reminded, skipped (and why), and could not be reached."""
    groups = _groups(report)
    if not groups:
        return texts.NUDGE_NOTHING
    lines = []
    for full, _, schools in groups:
        names = (escape(s.short_name) if html else s.short_name for s in schools)
        lines.append(
            full.format(
                count=texts.schools(len(schools)),
                schools=texts.NUDGE_SCHOOL_SEPARATOR.join(names),
            )
        )
    return texts.NUDGE_LINE_SEPARATOR.join(lines)


def _short_summary(report: NudgeReport) -> str:
    parts = [short.format(count=texts.schools(len(s))) for _, short, s in _groups(report)]
    return texts.NUDGE_SHORT_SEPARATOR.join(parts) + texts.NUDGE_SHORT_MORE


async def _nudge(
    query: CallbackQuery,
    deliver: Deliver,
    database: Database,
    catalog: FormCatalog,
    actor: Actor,
    campaign_id: int,
    school_ids: list[int],
    now: datetime,
) -> None:
    report = await nudge(database, catalog, actor, campaign_id, school_ids, deliver, now=now)
    summary = _summary(report)
    if len(summary) <= ALERT_LIMIT or not isinstance(query.message, Message):
        await query.answer(summary[:ALERT_LIMIT], show_alert=True)
        return
    # Too many names for an alert: the counts there, the names in a message (or a few).
    await query.answer(_short_summary(report)[:ALERT_LIMIT], show_alert=True)
    for chunk in split_html(texts.NUDGE_REPORT_HEADER + "\n" + _summary(report, html=True)):
        await query.message.answer(chunk)


async def _board_of(
    database: Database,
    catalog: FormCatalog,
    actor: Actor,
    campaign_id: int,
    now: datetime,
    refusal: Action,
) -> CampaignBoard:
    """One campaign's board, if this person sees it (else a forged or stale button)."""
    board = (await completion_board(database, catalog, actor, now=now)).campaign(campaign_id)
    if board is None:
        raise AccessDenied(refusal)
    return board


def build_router() -> Router:
    router = Router(name="status")

    @router.message(Command(Cmd.STATUS))
    async def show_status(
        message: Message,
        actor: Actor,
        database: Database,
        catalog: FormCatalog,
        clock: Clock,
    ) -> None:
        if not allows_somewhere(actor, Action.VIEW_STATUS):
            await message.answer(texts.NOT_ALLOWED)
            return
        board = await completion_board(database, catalog, actor, now=clock())
        if not board.campaigns:
            await message.answer(texts.EMPTY)
            return
        several_towns = len({b.campaign.municipality_id for b in board.campaigns}) > 1
        # The way to the review queue rides on the legend: the boards keep their own buttons.
        waiting = (
            len(await review_queue(database, catalog, actor))
            if allows_somewhere(actor, Action.REVIEW)
            else 0
        )
        await message.answer(texts.LEGEND, reply_markup=entry_markup(waiting) if waiting else None)
        for campaign in board.campaigns:
            pages = _pages(campaign, several_towns)
            for page in pages[:-1]:
                await message.answer(page)
            await message.answer(pages[-1], reply_markup=_keyboard(actor, campaign))

    @router.callback_query(NudgeSchool.filter())
    async def nudge_school(
        query: CallbackQuery,
        callback_data: NudgeSchool,
        deliver: Deliver,
        database: Database,
        catalog: FormCatalog,
        actor: Actor,
        clock: Clock,
    ) -> None:
        await _nudge(
            query, deliver, database, catalog, actor, callback_data.c, [callback_data.s], clock()
        )

    @router.callback_query(FormsDetail.filter())
    async def forms_detail(
        query: CallbackQuery,
        callback_data: FormsDetail,
        database: Database,
        catalog: FormCatalog,
        actor: Actor,
        clock: Clock,
    ) -> None:
        board = await _board_of(
            database, catalog, actor, callback_data.c, clock(), Action.VIEW_STATUS
        )
        await query.answer()
        for page in drill_down_pages(board):
            await message_of(query).answer(page)

    @router.callback_query(NudgeAll.filter())
    async def nudge_all(
        query: CallbackQuery,
        callback_data: NudgeAll,
        deliver: Deliver,
        database: Database,
        catalog: FormCatalog,
        actor: Actor,
        clock: Clock,
    ) -> None:
        board = await _board_of(database, catalog, actor, callback_data.c, clock(), Action.NUDGE)
        nudgeable = [cell.school.id for cell in _nudgeable(actor, board)]
        if not nudgeable:
            await query.answer(texts.NUDGE_NO_OWING, show_alert=True)
            return
        await _nudge(query, deliver, database, catalog, actor, callback_data.c, nudgeable, clock())

    return router
