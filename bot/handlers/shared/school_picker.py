"""The paged school picker shared by the wizards (invitations, campaigns), and closing a
wizard step's buttons once it is answered."""

from collections.abc import Collection
from html import escape

from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.handlers.shared.callbacks import PickSchool, SchoolsDone, SchoolsPage
from core.directory import Directory
from storage.directory import School
from texts import people as texts

PAGE_SIZE = 8


def school_picker(
    schools: list[School],
    directory: Directory,
    *,
    selected: Collection[int],
    page: int,
    multiple: bool,
) -> InlineKeyboardMarkup:
    """A page of school buttons (ticked when selected), page turns, and "done" if ``multiple``."""
    pages = max(1, -(-len(schools) // PAGE_SIZE))
    page = min(page, pages - 1)
    several_towns = len({s.municipality_id for s in schools}) > 1
    builder = InlineKeyboardBuilder()
    for school in schools[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]:
        label = school.short_name
        if several_towns:
            label += f" — {directory.municipalities[school.municipality_id].name}"
        if school.id in selected:
            label = texts.CHECKED + label
        builder.button(text=label, callback_data=PickSchool(school_id=school.id))
    sizes = [1] * min(PAGE_SIZE, max(0, len(schools) - page * PAGE_SIZE))
    if pages > 1:
        builder.button(text=texts.PREVIOUS, callback_data=SchoolsPage(page=(page - 1) % pages))
        builder.button(text=f"{page + 1}/{pages}", callback_data=SchoolsPage(page=page))
        builder.button(text=texts.NEXT, callback_data=SchoolsPage(page=(page + 1) % pages))
        sizes.append(3)
    if multiple:
        builder.button(
            text=texts.INVITE_DONE_SELECTING.format(count=len(selected)),
            callback_data=SchoolsDone(),
        )
        sizes.append(1)
    builder.adjust(*sizes)
    return builder.as_markup()


async def close_buttons(callback: CallbackQuery, chosen: str) -> None:
    """Replace an answered question's buttons by the choice, so it cannot be pressed again."""
    if isinstance(callback.message, Message) and callback.message.text:
        await callback.message.edit_text(
            f"{escape(callback.message.text)}\n→ {escape(chosen)}", reply_markup=None
        )
