"""A plan's board as /plans shows it (its counts and overdue items, with the buttons to its items
and its workbook), and what every /plans step needs: the files a plan comes in, today's date."""

from datetime import date
from html import escape

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.config import Settings
from bot.handlers.plans.export import export_buttons
from bot.handlers.plans.item_callbacks import PlanItems
from bot.handlers.shared.messages import message_chunks, shorten_text
from core.clock import Clock
from core.plans.store import Board
from storage.plans import Item, ItemStatus
from texts import plan_items as item_texts
from texts import plans as texts

MAX_PLAN_BYTES = 5 << 20  # a plan is a table of a few pages
OVERDUE_SHOWN = 15  # overdue items listed on the board; the rest are counted
SUFFIXES = (".xlsx", ".xlsm", ".docx")


def today_of(clock: Clock, settings: Settings) -> date:
    """Today in the deployment's time zone."""
    return clock().astimezone(settings.zone).date()


def deadline_words(label: str, due: str) -> str:
    """ " (август)": the plan's own words after the date, when they say more than it."""
    return "" if label.removeprefix("до ").strip() == due else f" ({escape(label)})"


def _owners(item: Item) -> str:
    names = [
        owner.name if owner.position is None else f"{owner.name}, {owner.position}"
        for owner in item.owners
    ]
    return escape("; ".join(names)) if names else texts.BOARD_NO_OWNERS


def board_lines(board: Board) -> list[str]:
    """The board as lines of HTML: the plan, its counts, the overdue items most overdue first."""
    plan, counts = board.plan, board.counts
    today = board.today.strftime("%d.%m.%Y")
    lines = [
        texts.BOARD_TITLE.format(title=escape(plan.title)),
        texts.BOARD_YEAR.format(
            first=plan.school_year, second=plan.school_year + 1, items=len(plan.items)
        ),
        texts.BOARD_COUNTS.format(**{status.value: counts[status] for status in ItemStatus}),
        "",
    ]
    if not board.overdue:
        lines.append(texts.BOARD_NONE_OVERDUE.format(today=today))
        return lines
    lines.append(texts.BOARD_OVERDUE.format(today=today, count=len(board.overdue)))
    shown = board.overdue[:OVERDUE_SHOWN]
    # Under their sections, in the plan's order; within a section, most overdue first.
    sections = list(dict.fromkeys(item.section for item in sorted(shown, key=_position)))
    for section in sections:
        lines.append(texts.BOARD_SECTION.format(section=escape(section or texts.NO_SECTION)))
        lines += [_item_line(item) for item in shown if item.section == section]
    if len(board.overdue) > OVERDUE_SHOWN:
        lines.append(texts.BOARD_MORE.format(count=len(board.overdue) - OVERDUE_SHOWN))
    return lines


def _position(item: Item) -> int:
    return item.position


def _item_line(item: Item) -> str:
    due = item.due_on.strftime("%d.%m.%Y")
    return texts.BOARD_ITEM.format(
        number=escape(item.number),
        content=escape(shorten_text(item.content, 90)),
        due=due,
        label=deadline_words(item.deadline_label, due),
        owners=_owners(item),
    )


def board_buttons(board: Board) -> list[list[InlineKeyboardButton]]:
    """ "🗂 Пункты плана": the plan's items page by page, each opening its card (with the
    buttons of what the person may do to it; ``items``)."""
    items = PlanItems(p=board.plan.id).pack()
    return [[InlineKeyboardButton(text=item_texts.PLAN_ITEMS_BUTTON, callback_data=items)]]


async def show_board(message: Message, board: Board) -> None:
    """The board, its buttons under its last part: the items page by page, the workbook."""
    *first, last = message_chunks(board_lines(board))
    for chunk in first:
        await message.answer(chunk)
    buttons = [*board_buttons(board), *export_buttons(board.plan.id)]
    await message.answer(last, reply_markup=InlineKeyboardMarkup(inline_keyboard=buttons))
