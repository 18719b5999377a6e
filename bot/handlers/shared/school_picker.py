"""The one school picker: search by part of a name, pages, tick several (or pick one), done.

Every flow that picks schools (an invitation's scope, a new campaign's schools, schools added to
a running campaign) subclasses ``SchoolPicker``, says which schools may be picked and what
happens when the person is done, and registers the picker's handlers on its router. The
picker's own state (the search, the page, the ticked schools) is one model, kept under one key
of the FSM data beside the flow's draft.
"""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from html import escape

from aiogram import Router
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from pydantic import BaseModel

from bot.handlers.shared.buttons import close_buttons, message_of
from bot.handlers.shared.callbacks import PickSchool, SchoolsDone, SchoolsPage
from bot.handlers.shared.drafts import StaleConversation
from bot.handlers.shared.filters import TYPED_TEXT
from bot.keyboard import InlineKeyboardBuilder
from core.access import AccessDenied, Action
from core.actors import Actor
from core.clock import Clock
from core.directory import Directory, load_directory
from storage import Database
from storage.directory import School
from texts import people as texts

PAGE_SIZE = 8
PICKER_KEY = "picker"
MAX_QUERY = 100


class PickerDraft(BaseModel):
    query: str = ""
    page: int = 0
    selected: list[int] = []


@dataclass(frozen=True, slots=True)
class Picking:
    """What a step of the picker knows: who picks, where, and the directory."""

    actor: Actor
    database: Database
    state: FSMContext
    message: Message
    directory: Directory
    now: datetime


@dataclass(frozen=True, slots=True)
class PickerTexts:
    prompt: str  # ticking several
    prompt_one: str  # picking one
    nothing_to_pick: str
    not_found: str  # with {query}
    at_least_one: str


class SchoolPicker:
    """Subclass it: set ``refusal`` and ``texts``, implement ``candidates`` and ``done``;
    override ``multiple`` for a one-school pick and ``prompt`` for a custom line. The instance
    is made with the FSM state the picking happens in."""

    refusal: Action  # what a pick outside the candidates is refused as
    texts: PickerTexts

    def __init__(self, state: State) -> None:
        self.state = state

    async def candidates(self, picking: Picking) -> list[School]:
        """Every school this person may pick here (before the search)."""
        raise NotImplementedError

    async def done(self, picking: Picking, school_ids: list[int]) -> None:
        """The person is done: continue the flow (the picker's buttons are already closed)."""
        raise NotImplementedError

    async def multiple(self, picking: Picking) -> bool:
        return True

    async def prompt(self, picking: Picking, multiple: bool) -> str:
        return self.texts.prompt if multiple else self.texts.prompt_one

    # -- driving it ------------------------------------------------------------------------

    async def start(
        self,
        actor: Actor,
        database: Database,
        state: FSMContext,
        message: Message,
        clock: Clock,
        selected: Collection[int] = (),
    ) -> None:
        """Enter the picking step and show its first page."""
        await state.set_state(self.state)
        draft = PickerDraft(selected=list(selected))
        await self._save(state, draft)
        picking = Picking(actor, database, state, message, await load_directory(database), clock())
        await self._send(picking, draft)

    def register(self, router: Router) -> None:
        router.message.register(self._search, self.state, TYPED_TEXT)
        router.callback_query.register(self._turn, self.state, SchoolsPage.filter())
        router.callback_query.register(self._pick, self.state, PickSchool.filter())
        router.callback_query.register(self._done, self.state, SchoolsDone.filter())

    # -- the four handlers -----------------------------------------------------------------

    async def _search(
        self, message: Message, actor: Actor, database: Database, state: FSMContext, clock: Clock
    ) -> None:
        draft = await self._draft(state)
        draft.query, draft.page = (message.text or "").strip()[:MAX_QUERY], 0
        await self._save(state, draft)
        picking = Picking(actor, database, state, message, await load_directory(database), clock())
        await self._send(picking, draft)

    async def _turn(
        self,
        callback: CallbackQuery,
        callback_data: SchoolsPage,
        actor: Actor,
        database: Database,
        state: FSMContext,
        clock: Clock,
    ) -> None:
        draft = await self._draft(state)
        if callback_data.page != draft.page:
            draft.page = callback_data.page
            await self._save(state, draft)
            await self._refresh(await self._picking(callback, actor, database, state, clock), draft)
        await callback.answer()  # after the refresh: a refusal there answers instead

    async def _pick(
        self,
        callback: CallbackQuery,
        callback_data: PickSchool,
        actor: Actor,
        database: Database,
        state: FSMContext,
        clock: Clock,
    ) -> None:
        draft = await self._draft(state)
        picking = await self._picking(callback, actor, database, state, clock)
        allowed = {school.id: school for school in await self.candidates(picking)}
        school = allowed.get(callback_data.school_id)
        if school is None:
            raise AccessDenied(self.refusal)
        if not await self.multiple(picking):
            await callback.answer()
            await close_buttons(callback, school.short_name)
            await self._finish(picking, [school.id])
            return
        if school.id in draft.selected:
            draft.selected.remove(school.id)
        else:
            draft.selected.append(school.id)
        await self._save(state, draft)
        await self._refresh(picking, draft)
        await callback.answer()

    async def _done(
        self,
        callback: CallbackQuery,
        actor: Actor,
        database: Database,
        state: FSMContext,
        clock: Clock,
    ) -> None:
        draft = await self._draft(state)
        if not draft.selected:
            await callback.answer(self.texts.at_least_one, show_alert=True)
            return
        picking = await self._picking(callback, actor, database, state, clock)
        await callback.answer()
        await picking.message.edit_reply_markup(reply_markup=None)
        await self._finish(picking, draft.selected)

    # -- helpers ---------------------------------------------------------------------------

    async def _finish(self, picking: Picking, school_ids: list[int]) -> None:
        await picking.state.update_data({PICKER_KEY: None})
        await self.done(picking, school_ids)

    async def _picking(
        self,
        callback: CallbackQuery,
        actor: Actor,
        database: Database,
        state: FSMContext,
        clock: Clock,
    ) -> Picking:
        directory = await load_directory(database)
        return Picking(actor, database, state, message_of(callback), directory, clock())

    async def _shown(self, picking: Picking, draft: PickerDraft) -> list[School]:
        schools = await self.candidates(picking)
        if draft.query:
            schools = picking.directory.search_schools(draft.query, schools)
        return schools

    async def _send(self, picking: Picking, draft: PickerDraft) -> None:
        schools = await self._shown(picking, draft)
        if not schools:
            text = (
                self.texts.not_found.format(query=escape(draft.query))
                if draft.query
                else self.texts.nothing_to_pick
            )
            await picking.message.answer(text)
            return
        multiple = await self.multiple(picking)
        await picking.message.answer(
            await self.prompt(picking, multiple),
            reply_markup=school_picker(
                schools,
                picking.directory,
                selected=draft.selected,
                page=draft.page,
                multiple=multiple,
            ),
        )

    async def _refresh(self, picking: Picking, draft: PickerDraft) -> None:
        schools = await self._shown(picking, draft)
        await picking.message.edit_reply_markup(
            reply_markup=school_picker(
                schools,
                picking.directory,
                selected=draft.selected,
                page=draft.page,
                multiple=await self.multiple(picking),
            )
        )

    @staticmethod
    async def _draft(state: FSMContext) -> PickerDraft:
        raw = (await state.get_data()).get(PICKER_KEY)
        if not isinstance(raw, dict):
            raise StaleConversation("the school picker has no draft")
        return PickerDraft.model_validate(raw)

    @staticmethod
    async def _save(state: FSMContext, draft: PickerDraft) -> None:
        await state.update_data({PICKER_KEY: draft.model_dump(mode="json")})


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
