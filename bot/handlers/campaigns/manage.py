"""/campaigns: the open monitoring rounds; change a deadline, add schools, close early."""

from html import escape
from zoneinfo import ZoneInfo

from aiogram import Bot, Router
from aiogram.filters import Command, ExceptionTypeFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import (
    CallbackQuery,
    ErrorEvent,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)
from pydantic import BaseModel

from bot.commands import Cmd
from bot.handlers.campaigns.callbacks import (
    CampaignAct,
    CampaignAction,
    CampaignsPage,
    CloseCampaign,
    ManageCampaign,
)
from bot.handlers.campaigns.states import CampaignEdit
from bot.handlers.errors import tell
from bot.handlers.shared.buttons import close_buttons, message_of
from bot.handlers.shared.drafts import read_draft, save_draft
from bot.handlers.shared.filters import TYPED_TEXT
from bot.handlers.shared.messages import page_buttons, paginate, shorten_text
from bot.handlers.shared.school_picker import PickerTexts, Picking, SchoolPicker
from bot.handlers.shared.views import local_datetime
from bot.handlers.tables.keyboards import bulk_load_button
from bot.keyboard import InlineKeyboardBuilder
from core.access import Action, allows_somewhere
from core.actors import Actor
from core.campaigns import (
    CampaignRefused,
    Problem,
    add_schools,
    change_deadline,
    close_early,
    continuing_round,
    managed_campaign,
    managed_campaign_schools,
    managed_campaigns,
    parse_local_moment,
)
from core.clock import Clock
from core.directory import Directory, load_directory
from core.questionnaires import FormCatalog, campaign_title, monitoring_short_title
from core.tables.bulk import round_tables
from storage import Database
from storage.campaigns import Campaign
from storage.directory import School
from texts import campaigns as texts
from texts import questionnaire as paging_texts

CAMPAIGNS_PER_PAGE = 10


class EditDraft(BaseModel):
    campaign_id: int


async def _draft(state: FSMContext) -> EditDraft:
    return await read_draft(state, EditDraft)


def _zone(directory: Directory, campaign: Campaign) -> ZoneInfo:
    return ZoneInfo(directory.municipalities[campaign.municipality_id].timezone)


async def _title(database: Database, catalog: FormCatalog, campaign: Campaign) -> str:
    return await campaign_title(database, catalog, campaign)


async def _short_title(database: Database, catalog: FormCatalog, campaign: Campaign) -> str:
    form_ids = [form.form_id for form in campaign.forms]
    return await monitoring_short_title(database, catalog, campaign.title, form_ids)


def _card_keyboard(campaign_id: int, *, tables: bool = False) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for act, text in (
        (CampaignAct.DEADLINE, texts.CHANGE_DEADLINE),
        (CampaignAct.ADD_SCHOOLS, texts.ADD_SCHOOLS),
        (CampaignAct.CLOSE, texts.CLOSE),
    ):
        builder.button(text=text, callback_data=CampaignAction(campaign_id=campaign_id, act=act))
    if tables:  # a form of the round has a table question: the schools' rows in one file
        builder.add(bulk_load_button(campaign_id))
    builder.adjust(1)
    return builder.as_markup()


class _AddedSchools(SchoolPicker):
    """Schools of the campaign's municipality that are not in it yet."""

    refusal = Action.RUN_CAMPAIGNS
    texts = PickerTexts(
        prompt=texts.ADD_SCHOOLS_PROMPT,
        prompt_one=texts.ADD_SCHOOLS_PROMPT,
        nothing_to_pick=texts.ADD_NOTHING_LEFT,
        not_found=texts.NO_SCHOOLS_FOUND,
        at_least_one=texts.PICK_AT_LEAST_ONE,
    )

    async def _campaign(self, picking: Picking) -> tuple[Campaign, set[int]]:
        draft = await _draft(picking.state)
        return await managed_campaign_schools(picking.database, picking.actor, draft.campaign_id)

    async def candidates(self, picking: Picking) -> list[School]:
        campaign, present = await self._campaign(picking)
        schools = picking.directory.schools_of(campaign.municipality_id)
        return [school for school in schools if school.id not in present]

    async def prompt(self, picking: Picking, multiple: bool) -> str:
        _, present = await self._campaign(picking)
        return texts.ADD_SCHOOLS_PROMPT.format(count=len(present))

    async def done(self, picking: Picking, school_ids: list[int]) -> None:
        draft = await _draft(picking.state)
        added = await add_schools(
            picking.database, picking.actor, draft.campaign_id, school_ids, now=picking.now
        )
        await picking.state.clear()
        if added:
            await picking.message.answer(texts.SCHOOLS_ADDED.format(count=len(added)))
        else:
            await picking.message.answer(texts.SCHOOLS_ALREADY_IN)


PICKER = _AddedSchools(CampaignEdit.schools)


async def _refused(event: ErrorEvent, bot: Bot, state: FSMContext) -> bool:
    """Every refusal of a campaign change, answered in one place. A round closed (or gone) ends
    a /campaigns step in progress; any other problem leaves it for a second try."""
    assert isinstance(event.exception, CampaignRefused)
    problem = event.exception.problem
    step = await state.get_state()
    if problem in (Problem.CLOSED, Problem.NOT_FOUND) and step in CampaignEdit.__all_states_names__:
        await state.clear()
    text = texts.PROBLEMS[problem.value]
    # As an alert, or in the chat when the button was already answered before the refusal.
    await tell(bot, event.update, text, text)
    return True


async def _campaigns_page(
    database: Database, catalog: FormCatalog, actor: Actor, page: int
) -> tuple[str, InlineKeyboardMarkup | None]:
    """A page of the open rounds the actor may change: a button each, soonest deadline first."""
    found = await managed_campaigns(database, actor)
    if not found:
        return texts.LIST_EMPTY, None
    directory = await load_directory(database)
    several_towns = len({counts.campaign.municipality_id for counts in found}) > 1
    labels = []
    for counts in found:
        campaign = counts.campaign
        deadline = campaign.deadline_at.astimezone(_zone(directory, campaign))
        labels.append(
            texts.LIST_BUTTON.format(
                form=shorten_text(await _short_title(database, catalog, campaign)),
                period=campaign.period_label,
                done=counts.submitted,
                schools=counts.schools,
                deadline=deadline.strftime("%d.%m"),
            )
            + (
                f" · {directory.municipalities[campaign.municipality_id].name}"
                if several_towns
                else ""
            )
        )
    shown = paginate(labels, page, per_page=CAMPAIGNS_PER_PAGE, header=texts.LIST_HEADER)
    rows = [
        [
            InlineKeyboardButton(
                text=label, callback_data=ManageCampaign(campaign_id=c.campaign.id).pack()
            )
        ]
        for label, c in zip(
            labels[shown.start : shown.stop], found[shown.start : shown.stop], strict=True
        )
    ]
    turn = page_buttons(
        shown,
        lambda number: CampaignsPage(page=number),
        previous=paging_texts.PREVIOUS_PAGE,
        following=paging_texts.NEXT_PAGE,
    )
    if turn:
        rows.append(turn)
    return texts.LIST_HEADER, InlineKeyboardMarkup(inline_keyboard=rows)


def build_router() -> Router:
    router = Router(name="campaigns")
    router.errors.register(_refused, ExceptionTypeFilter(CampaignRefused))
    PICKER.register(router)

    @router.message(Command(Cmd.CAMPAIGNS))
    async def list_campaigns(
        message: Message, actor: Actor, database: Database, catalog: FormCatalog
    ) -> None:
        if not allows_somewhere(actor, Action.RUN_CAMPAIGNS):
            await message.answer(texts.NOT_ALLOWED)
            return
        text, markup = await _campaigns_page(database, catalog, actor, 0)
        await message.answer(text, reply_markup=markup)

    @router.callback_query(CampaignsPage.filter())
    async def turn_page(
        callback: CallbackQuery,
        callback_data: CampaignsPage,
        actor: Actor,
        database: Database,
        catalog: FormCatalog,
    ) -> None:
        text, markup = await _campaigns_page(database, catalog, actor, callback_data.page)
        await message_of(callback).edit_text(text, reply_markup=markup)
        await callback.answer()

    @router.callback_query(ManageCampaign.filter())
    async def show_card(
        callback: CallbackQuery,
        callback_data: ManageCampaign,
        actor: Actor,
        database: Database,
        catalog: FormCatalog,
    ) -> None:
        campaign = await managed_campaign(database, actor, callback_data.campaign_id)
        await callback.answer()
        counts = next(
            (c for c in await managed_campaigns(database, actor) if c.campaign.id == campaign.id),
            None,
        )
        directory = await load_directory(database)
        zone = _zone(directory, campaign)
        recurrence = (
            texts.CARD_RECURRENCE.format(recurrence=texts.recurrence_label(campaign.recurrence))
            if campaign.recurrence
            else ""
        )
        await message_of(callback).answer(
            texts.CARD.format(
                form=escape(await _title(database, catalog, campaign)),
                period=escape(campaign.period_label),
                recurrence=recurrence,
                municipality=escape(directory.municipalities[campaign.municipality_id].name),
                opens=local_datetime(campaign.opens_at, zone),
                deadline=local_datetime(campaign.deadline_at, zone),
                done=0 if counts is None else counts.submitted,
                schools=0 if counts is None else counts.schools,
            ),
            reply_markup=_card_keyboard(
                campaign.id, tables=bool(await round_tables(database, catalog, campaign))
            ),
        )

    @router.callback_query(CampaignAction.filter())
    async def act(
        callback: CallbackQuery,
        callback_data: CampaignAction,
        actor: Actor,
        database: Database,
        catalog: FormCatalog,
        state: FSMContext,
        clock: Clock,
    ) -> None:
        campaign = await managed_campaign(database, actor, callback_data.campaign_id)
        await callback.answer()
        message = message_of(callback)
        directory = await load_directory(database)
        if callback_data.act == CampaignAct.DEADLINE:
            await state.set_state(CampaignEdit.deadline)
            await save_draft(state, EditDraft(campaign_id=campaign.id))
            deadline = local_datetime(campaign.deadline_at, _zone(directory, campaign))
            await message.answer(texts.ASK_NEW_DEADLINE.format(deadline=deadline))
        elif callback_data.act == CampaignAct.ADD_SCHOOLS:
            await save_draft(state, EditDraft(campaign_id=campaign.id))
            await PICKER.start(actor, database, state, message, clock)
        elif callback_data.act == CampaignAct.CLOSE:
            builder = InlineKeyboardBuilder()
            builder.button(
                text=texts.CLOSE_YES, callback_data=CloseCampaign(campaign_id=campaign.id)
            )
            builder.button(
                text=texts.CLOSE_NO, callback_data=ManageCampaign(campaign_id=campaign.id)
            )
            chain = ""
            if campaign.recurrence:
                continuing = await continuing_round(database, campaign, now=clock())
                chain = (
                    texts.CLOSE_CHAIN
                    if continuing is None
                    else texts.CLOSE_CHAIN_GOES_ON.format(period=escape(continuing.period_label))
                )
            await message.answer(
                texts.CLOSE_CONFIRM.format(
                    form=escape(await _title(database, catalog, campaign)),
                    period=escape(campaign.period_label),
                    chain=chain,
                ),
                reply_markup=builder.adjust(2).as_markup(),
            )

    @router.callback_query(CloseCampaign.filter())
    async def close(
        callback: CallbackQuery,
        callback_data: CloseCampaign,
        actor: Actor,
        database: Database,
        catalog: FormCatalog,
        clock: Clock,
    ) -> None:
        campaign = await close_early(database, actor, callback_data.campaign_id, now=clock())
        await callback.answer()
        await close_buttons(callback, texts.CLOSE_YES)
        await message_of(callback).answer(
            texts.CLOSED.format(
                form=escape(await _title(database, catalog, campaign)),
                period=escape(campaign.period_label),
            )
        )

    @router.message(CampaignEdit.deadline, TYPED_TEXT)
    async def typed_deadline(
        message: Message,
        actor: Actor,
        database: Database,
        catalog: FormCatalog,
        state: FSMContext,
        clock: Clock,
    ) -> None:
        draft = await _draft(state)
        campaign = await managed_campaign(database, actor, draft.campaign_id)
        zone = _zone(await load_directory(database), campaign)
        now = clock()
        deadline_at = parse_local_moment(message.text or "", zone, now=now, end_of_day=True)
        if deadline_at is None:
            await message.answer(texts.BAD_MOMENT)
            return
        campaign = await change_deadline(database, actor, campaign.id, deadline_at, now=now)
        await state.clear()
        await message.answer(
            texts.DEADLINE_CHANGED.format(
                form=escape(await _title(database, catalog, campaign)),
                period=escape(campaign.period_label),
                deadline=local_datetime(campaign.deadline_at, zone),
            )
        )

    return router
