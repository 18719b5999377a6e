"""Building a plan in the chat: a methodist who may load plans presses "➕ Составить план в
чате" under /plans, then types the title → a section's name → an item: what to do, its deadline
("август", "до 10.03.2021", "в течение учебного года": read like a plan's "Сроки" cell in the
plan's school year — the one its title names, else the current one), its owners ("Смирнова Е.А.,
Дурникова А.В.", or "-"; people are recognised among the municipality's people as in an upload)
→ "➕ Ещё пункт", "📂 Новый раздел", "💾 Сохранить" or "✖️ Отменить" (asked once more).

The draft lives in the FSM data (``PlanBuild``: what was typed, as typed), so it survives a
restart; it is bounded (``MAX_ITEMS`` items, ``MAX_SECTIONS`` sections, each text's length).
Saved, it becomes a ``PlanDraft`` stored by ``save_plan``, and the plan's board is shown.
A wrong answer is named and asked again; /cancel and the other commands leave any step.
"""

from html import escape

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from pydantic import BaseModel, Field

from bot.config import Settings
from bot.handlers.plans.board import deadline_words, show_board, today_of
from bot.handlers.shared.buttons import close_buttons, message_of
from bot.handlers.shared.drafts import StaleConversation, read_draft, save_draft
from bot.handlers.shared.filters import NOT_A_COMMAND
from bot.handlers.shared.messages import shorten_text
from bot.keyboard import InlineKeyboardBuilder
from core.access import AccessDenied, Action
from core.actors import Actor
from core.clock import Clock
from core.plans import (
    Deadline,
    Item,
    Owners,
    PeopleIndex,
    PlanDraft,
    Section,
    find_school_year,
    parse_deadline,
    parse_owners,
)
from core.plans.progress import current_school_year
from core.plans.store import (
    LABEL_LIMIT,
    plan_board,
    plan_municipality,
    plan_people,
    save_plan,
)
from storage import Database
from texts import plan_builder as texts

MAX_ITEMS = 100  # items of a plan built in the chat; a longer one is loaded as a file
MAX_SECTIONS = 30
TITLE_LIMIT = 300  # a plan's title (the column holds 500)
SECTION_LIMIT = 300
CONTENT_LIMIT = 1000
OWNERS_LIMIT = 500
SHOWN = 90  # an item's content in the confirmation


class BuildStart(CallbackData, prefix="pbs"):
    """Start building a plan in the chat."""


class BuildMore(CallbackData, prefix="pbm"):
    """Another item in the current section."""


class BuildSection(CallbackData, prefix="pbn"):
    """A new section."""


class BuildSave(CallbackData, prefix="pbv"):
    """Save the plan."""


class BuildCancel(CallbackData, prefix="pbc"):
    """Ask whether to drop the draft."""


class BuildDiscard(CallbackData, prefix="pbd"):
    """Drop the draft (the answer to ``BuildCancel``)."""


class BuildResume(CallbackData, prefix="pbr"):
    """Keep the draft (the answer to ``BuildCancel``)."""


class Builder(StatesGroup):
    title = State()
    section = State()
    content = State()
    deadline = State()
    owners = State()
    menu = State()  # an item was added: more, a new section, save or cancel
    discard = State()  # "✖️ Отменить" pressed: asked whether to drop the draft


class BuiltItem(BaseModel):
    content: str = Field(max_length=CONTENT_LIMIT)
    deadline: str = Field(max_length=LABEL_LIMIT)  # as typed (it was read then)
    owners: str = Field(default="", max_length=OWNERS_LIMIT)  # as typed; "" for nobody


class BuiltSection(BaseModel):
    title: str = Field(max_length=SECTION_LIMIT)
    items: list[BuiltItem] = Field(default=[], max_length=MAX_ITEMS)


class PlanBuild(BaseModel):
    """FSM data of the builder: the plan so far, and the item being written."""

    municipality_id: int
    school_year: int
    title: str = Field(default="", max_length=TITLE_LIMIT)
    sections: list[BuiltSection] = Field(default=[], max_length=MAX_SECTIONS)
    content: str | None = Field(default=None, max_length=CONTENT_LIMIT)
    deadline: str | None = Field(default=None, max_length=LABEL_LIMIT)

    @property
    def item_count(self) -> int:
        return sum(len(section.items) for section in self.sections)


def with_build_button(markup: InlineKeyboardMarkup | None) -> InlineKeyboardMarkup:
    """``markup`` (the /plans list) with "➕ Составить план в чате" under it."""
    rows = [] if markup is None else [list(row) for row in markup.inline_keyboard]
    button = InlineKeyboardButton(text=texts.BUILD_BUTTON, callback_data=BuildStart().pack())
    return InlineKeyboardMarkup(inline_keyboard=[*rows, [button]])


def _tidy(text: str) -> str:
    return " ".join(text.split())


def _deadline(build: PlanBuild, label: str) -> Deadline:
    """A deadline of the draft, read when it was typed: it reads the same now."""
    deadline = parse_deadline(label, build.school_year)
    if deadline is None:
        raise StaleConversation(f"the draft's deadline {label!r} does not read")
    return deadline


def _owners(text: str) -> Owners:
    return Owners() if text.lower() in texts.NO_OWNERS_WORDS else parse_owners(text)


def to_plan(build: PlanBuild) -> PlanDraft:
    """The draft as a plan read from a table: items numbered 1, 2… in each section; sections
    with no items left out."""
    sections = []
    row = 0
    for section in build.sections:
        items = []
        for number, item in enumerate(section.items, start=1):
            row += 1
            deadline = _deadline(build, item.deadline)
            items.append(Item(str(number), item.content, deadline, _owners(item.owners), row))
        if items:
            sections.append(Section(section.title, tuple(items)))
    return PlanDraft(build.title, build.school_year, tuple(sections))


def _menu(build: PlanBuild) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    if build.item_count < MAX_ITEMS:
        builder.button(text=texts.MORE_BUTTON, callback_data=BuildMore())
        if len(build.sections) < MAX_SECTIONS:
            builder.button(text=texts.SECTION_BUTTON, callback_data=BuildSection())
    builder.button(text=texts.SAVE_BUTTON, callback_data=BuildSave())
    builder.button(text=texts.CANCEL_BUTTON, callback_data=BuildCancel())
    builder.adjust(2)
    return builder.as_markup()


def _summary(build: PlanBuild) -> str:
    line = texts.SUMMARY.format(sections=len(build.sections), items=build.item_count)
    if build.item_count >= MAX_ITEMS:
        line += "\n" + texts.ITEMS_FULL.format(limit=MAX_ITEMS)
    return line


def _owner_words(owners: Owners, people: PeopleIndex) -> tuple[str, bool]:
    """The owners as the methodist will see them, and whether someone is not in the bot."""
    words, unknown = [], False
    for person in owners.people:
        known = people.resolve(person) is not None
        unknown = unknown or not known
        template = texts.OWNER_KNOWN if known else texts.OWNER_UNKNOWN
        name = person.name if not person.position else f"{person.name}, {person.position}"
        words.append(template.format(name=escape(name)))
    words += [escape(other) for other in owners.others]
    return "; ".join(words) or texts.NO_OWNERS, unknown


async def _build(state: FSMContext) -> PlanBuild:
    return await read_draft(state, PlanBuild)


async def _too_long(message: Message, text: str, limit: int) -> bool:
    if len(text) <= limit:
        return False
    await message.answer(texts.TOO_LONG.format(length=len(text), limit=limit))
    return True


async def _ask_content(message: Message, build: PlanBuild) -> None:
    section = build.sections[-1]
    await message.answer(
        texts.ASK_CONTENT.format(
            section=escape(shorten_text(section.title, 100)), number=len(section.items) + 1
        )
    )


def build_router() -> Router:
    """The builder's handlers; a saved plan's board is shown at once."""
    router = Router(name="plan_builder")

    @router.callback_query(BuildStart.filter())
    async def start(
        query: CallbackQuery, state: FSMContext, actor: Actor, clock: Clock, settings: Settings
    ) -> None:
        municipality_id = plan_municipality(actor)
        if municipality_id is None:
            raise AccessDenied(Action.MANAGE_PLANS)
        await query.answer()
        await state.set_state(Builder.title)
        await state.set_data({})
        school_year = current_school_year(today_of(clock, settings))
        await save_draft(state, PlanBuild(municipality_id=municipality_id, school_year=school_year))
        await message_of(query).answer(texts.ASK_TITLE)

    @router.message(Builder.title, F.text, NOT_A_COMMAND)
    async def receive_title(message: Message, state: FSMContext) -> None:
        title = _tidy(message.text or "")
        if not title:
            await message.answer(texts.TITLE_EMPTY)
            return
        if await _too_long(message, title, TITLE_LIMIT):
            return
        build = await _build(state)
        build.title = title
        build.school_year = find_school_year(title) or build.school_year
        await save_draft(state, build)
        await state.set_state(Builder.section)
        await message.answer(
            texts.ASK_FIRST_SECTION.format(
                title=escape(shorten_text(title, 150)),
                first=build.school_year,
                second=build.school_year + 1,
            )
        )

    @router.message(Builder.section, F.text, NOT_A_COMMAND)
    async def receive_section(message: Message, state: FSMContext) -> None:
        name = _tidy(message.text or "")
        if not name:
            await message.answer(texts.SECTION_EMPTY)
            return
        if await _too_long(message, name, SECTION_LIMIT):
            return
        build = await _build(state)
        build.sections.append(BuiltSection(title=name))
        await save_draft(state, build)
        await state.set_state(Builder.content)
        await _ask_content(message, build)

    @router.message(Builder.content, F.text, NOT_A_COMMAND)
    async def receive_content(message: Message, state: FSMContext) -> None:
        content = (message.text or "").strip()
        if not content:
            await message.answer(texts.CONTENT_EMPTY)
            return
        if await _too_long(message, content, CONTENT_LIMIT):
            return
        build = await _build(state)
        build.content = content
        await save_draft(state, build)
        await state.set_state(Builder.deadline)
        await message.answer(texts.ASK_DEADLINE)

    @router.message(Builder.deadline, F.text, NOT_A_COMMAND)
    async def receive_deadline(message: Message, state: FSMContext) -> None:
        label = _tidy(message.text or "")
        build = await _build(state)
        deadline = parse_deadline(label, build.school_year) if label else None
        if deadline is None or len(label) > LABEL_LIMIT:
            shown = escape(shorten_text(label, 60))
            await message.answer(texts.BAD_DEADLINE.format(text=shown))
            return
        build.deadline = label
        await save_draft(state, build)
        await state.set_state(Builder.owners)
        await message.answer(texts.ASK_OWNERS)

    @router.message(Builder.owners, F.text, NOT_A_COMMAND)
    async def receive_owners(message: Message, state: FSMContext, database: Database) -> None:
        written = _tidy(message.text or "")
        if await _too_long(message, written, OWNERS_LIMIT):
            return
        owners = _owners(written)
        if not owners and written.lower() not in texts.NO_OWNERS_WORDS:
            await message.answer(texts.OWNERS_UNREAD.format(text=escape(shorten_text(written))))
            return
        build = await _build(state)
        if build.content is None or build.deadline is None or not build.sections:
            raise StaleConversation("owners typed before the item's content and deadline")
        if build.item_count >= MAX_ITEMS:  # the menu offers no more; an old button did
            await state.set_state(Builder.menu)
            await message.answer(_summary(build), reply_markup=_menu(build))
            return
        deadline = _deadline(build, build.deadline)
        section = build.sections[-1]
        section.items.append(
            BuiltItem(content=build.content, deadline=build.deadline, owners=written)
        )
        build.content = build.deadline = None
        await save_draft(state, build)
        await state.set_state(Builder.menu)
        due = deadline.due.strftime("%d.%m.%Y")
        words, unknown = _owner_words(owners, await plan_people(database, build.municipality_id))
        lines = [
            texts.ITEM_ADDED.format(
                number=len(section.items),
                section=escape(shorten_text(section.title, 100)),
                content=escape(shorten_text(_tidy(section.items[-1].content), SHOWN)),
                due=due,
                label=deadline_words(deadline.label, due),
                owners=words,
            )
        ]
        if unknown:
            lines.append(texts.UNKNOWN_NOTE)
        lines.append(_summary(build))
        await message.answer("\n".join(lines), reply_markup=_menu(build))

    @router.message(Builder.menu, NOT_A_COMMAND)
    async def menu_hint(message: Message, state: FSMContext) -> None:
        await message.answer(texts.MENU_HINT, reply_markup=_menu(await _build(state)))

    @router.message(
        StateFilter(
            Builder.title, Builder.section, Builder.content, Builder.deadline, Builder.owners
        ),
        NOT_A_COMMAND,
    )
    async def not_text(message: Message) -> None:
        await message.answer(texts.TEXT_WANTED)

    async def in_menu(query: CallbackQuery, state: FSMContext) -> bool:
        """Whether the draft waits for a menu button; if not, the button is answered why."""
        current = await state.get_state()
        if current == Builder.menu.state:
            return True
        alert = texts.DISCARD_HINT if current == Builder.discard.state else texts.FINISH_ITEM_FIRST
        await query.answer(alert, show_alert=True)
        return False

    @router.callback_query(BuildMore.filter(), StateFilter(Builder))
    async def more(query: CallbackQuery, state: FSMContext) -> None:
        if not await in_menu(query, state):
            return
        build = await _build(state)
        if build.item_count >= MAX_ITEMS:
            await query.answer(texts.ITEMS_FULL.format(limit=MAX_ITEMS), show_alert=True)
            return
        await query.answer()
        await close_buttons(query, texts.MORE_BUTTON)
        await state.set_state(Builder.content)
        await _ask_content(message_of(query), build)

    @router.callback_query(BuildSection.filter(), StateFilter(Builder))
    async def new_section(query: CallbackQuery, state: FSMContext) -> None:
        if not await in_menu(query, state):
            return
        build = await _build(state)
        if build.item_count >= MAX_ITEMS or len(build.sections) >= MAX_SECTIONS:
            await query.answer(texts.ITEMS_FULL.format(limit=MAX_ITEMS), show_alert=True)
            return
        await query.answer()
        await close_buttons(query, texts.SECTION_BUTTON)
        await state.set_state(Builder.section)
        await message_of(query).answer(texts.ASK_NEXT_SECTION)

    @router.callback_query(BuildSave.filter(), StateFilter(Builder))
    async def save(
        query: CallbackQuery,
        state: FSMContext,
        actor: Actor,
        database: Database,
        clock: Clock,
        settings: Settings,
    ) -> None:
        if not await in_menu(query, state):
            return
        build = await _build(state)
        draft = to_plan(build)
        if not draft.items:
            await query.answer(texts.NOTHING_TO_SAVE, show_alert=True)
            return
        plan_id = await save_plan(
            database, actor, draft, municipality_id=build.municipality_id, now=clock()
        )
        await state.clear()
        await query.answer()
        await close_buttons(query, texts.SAVE_BUTTON)
        board = await plan_board(database, actor, plan_id, today=today_of(clock, settings))
        written = {person.name for item in draft.items for person in item.owners.people}
        known = {owner.name for item in board.plan.items for owner in item.owners if owner.user_id}
        message = message_of(query)
        await message.answer(
            texts.SAVED.format(
                sections=len(draft.sections),
                items=len(draft.items),
                known=len(known),
                people=len(written),
            )
        )
        await show_board(message, board)

    @router.callback_query(BuildCancel.filter(), StateFilter(Builder))
    async def ask_discard(query: CallbackQuery, state: FSMContext) -> None:
        if not await in_menu(query, state):
            return
        build = await _build(state)
        await query.answer()
        await close_buttons(query, texts.CANCEL_BUTTON)
        await state.set_state(Builder.discard)
        builder = InlineKeyboardBuilder()
        builder.button(text=texts.DISCARD_BUTTON, callback_data=BuildDiscard())
        builder.button(text=texts.RESUME_BUTTON, callback_data=BuildResume())
        await message_of(query).answer(
            texts.ASK_DISCARD.format(
                title=escape(shorten_text(build.title, 100)), items=build.item_count
            ),
            reply_markup=builder.as_markup(),
        )

    @router.callback_query(BuildDiscard.filter(), Builder.discard)
    async def discard(query: CallbackQuery, state: FSMContext) -> None:
        await state.clear()
        await query.answer()
        await close_buttons(query, texts.DISCARD_BUTTON)
        await message_of(query).answer(texts.DISCARDED)

    @router.callback_query(BuildResume.filter(), Builder.discard)
    async def resume(query: CallbackQuery, state: FSMContext) -> None:
        build = await _build(state)
        await state.set_state(Builder.menu)
        await query.answer()
        await close_buttons(query, texts.RESUME_BUTTON)
        await message_of(query).answer(_summary(build), reply_markup=_menu(build))

    @router.message(Builder.discard, NOT_A_COMMAND)
    async def discard_hint(message: Message) -> None:
        await message.answer(texts.DISCARD_HINT)

    return router
