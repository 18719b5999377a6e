"""/new_campaign: a methodist opens a monitoring round in a few steps.

municipality (when several) → form → one-off or recurring → period label (a recurring round
takes its label and default dates from the schedule) → schools (all, a district, ШНОР only, or
picked) → opening (one-off only) → deadline, local time → reminder plan → confirmation.
The draft lives in the FSM data (in the database), so an interrupted wizard resumes.
"""

from datetime import date, datetime, time
from html import escape
from zoneinfo import ZoneInfo

from aiogram import Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from pydantic import BaseModel

from bot.commands import Cmd
from bot.handlers.campaigns.callbacks import (
    CampaignConfirm,
    CampaignDefaultDeadline,
    CampaignForm,
    CampaignMunicipality,
    CampaignOpenNow,
    CampaignPeriod,
    CampaignRecurrence,
    CampaignReminders,
    CampaignSchools,
)
from bot.handlers.campaigns.states import CampaignWizard
from bot.handlers.shared.buttons import close_buttons, message_of
from bot.handlers.shared.drafts import StaleConversation, read_draft, save_draft
from bot.handlers.shared.filters import TYPED_TEXT
from bot.handlers.shared.school_picker import PickerTexts, Picking, SchoolPicker
from bot.handlers.shared.views import local_datetime
from core.access import AccessDenied, Action, allows_somewhere
from core.actors import Actor
from core.campaigns import (
    CampaignPlan,
    CampaignRefused,
    SchoolChoice,
    choose_schools,
    local_deadline,
    local_moment,
    open_campaign,
    parse_local_moment,
    runnable_municipalities,
)
from core.clock import Clock
from core.directory import Directory, load_directory
from core.forms.display import unit_for
from core.questionnaires import FormCatalog
from core.schedule import MAX_DAYS_BEFORE, Recurrence, ReminderPlan, first_period
from storage import Database
from storage.directory import School
from texts import campaigns as texts

DEFAULT_PLAN = ReminderPlan()
# One-off rounds are offered the labels the schedule would give these periodicities now.
PERIOD_SUGGESTIONS = (Recurrence.MONTHLY, Recurrence.QUARTERLY, Recurrence.YEARLY)


class CampaignDraft(BaseModel):
    """What the wizard has gathered so far (FSM data, validated on every read)."""

    municipality_id: int | None = None
    form_key: str | None = None
    recurrence: Recurrence | None = None
    period_label: str | None = None
    suggestions: list[str] = []
    school_ids: list[int] = []
    opens_at: datetime | None = None
    deadline_at: datetime | None = None
    default_deadline: date | None = None
    days_before: list[int] = list(DEFAULT_PLAN.days_before)


async def _draft(state: FSMContext) -> CampaignDraft:
    return await read_draft(state, CampaignDraft)


async def _save(state: FSMContext, draft: CampaignDraft) -> None:
    await save_draft(state, draft)


def _zone(directory: Directory, draft: CampaignDraft) -> ZoneInfo:
    assert draft.municipality_id is not None
    return ZoneInfo(directory.municipalities[draft.municipality_id].timezone)


def days_text(days: list[int]) -> str:
    if not days:
        return texts.NO_DAYS
    ordered = sorted(days, reverse=True)
    joined = ", ".join(str(day) for day in ordered[:-1])
    last = ordered[-1]
    numbers = f"{joined} и {last}" if joined else str(last)
    return f"{numbers} {unit_for('|'.join(texts.DAYS_UNITS), last)}"


def _reminder_plan(draft: CampaignDraft) -> ReminderPlan:
    return ReminderPlan(days_before=tuple(sorted(set(draft.days_before), reverse=True)))


# --- keyboards ------------------------------------------------------------------------------


def _forms_keyboard(catalog: FormCatalog) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for form in catalog.current.values():
        builder.button(text=form.title, callback_data=CampaignForm(key=form.id))
    builder.adjust(1)
    return builder.as_markup()


def _recurrence_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=texts.RECURRENCE_ONCE, callback_data=CampaignRecurrence(value=None))
    for recurrence in Recurrence:
        builder.button(
            text=texts.RECURRENCE_LABELS[recurrence],
            callback_data=CampaignRecurrence(value=recurrence),
        )
    builder.adjust(1)
    return builder.as_markup()


def _schools_keyboard(directory: Directory, municipality_id: int) -> InlineKeyboardMarkup:
    schools = directory.schools_of(municipality_id)
    builder = InlineKeyboardBuilder()
    builder.button(
        text=texts.SCHOOLS_ALL.format(count=len(schools)),
        callback_data=CampaignSchools(kind=SchoolChoice.ALL),
    )
    shnor = sum(school.is_shnor for school in schools)
    if shnor:
        builder.button(
            text=texts.SCHOOLS_SHNOR.format(count=shnor),
            callback_data=CampaignSchools(kind=SchoolChoice.SHNOR),
        )
    districts = sorted(
        (d for d in directory.districts.values() if d.municipality_id == municipality_id),
        key=lambda district: district.name,
    )
    for district in districts:
        count = sum(school.district_id == district.id for school in schools)
        if count:
            builder.button(
                text=texts.SCHOOLS_DISTRICT.format(district=district.name, count=count),
                callback_data=CampaignSchools(kind=SchoolChoice.DISTRICT, district_id=district.id),
            )
    builder.button(text=texts.SCHOOLS_PICK, callback_data=CampaignSchools(kind=SchoolChoice.PICKED))
    builder.adjust(1)
    return builder.as_markup()


def _one_button(text: str, data: CampaignOpenNow | CampaignDefaultDeadline) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=text, callback_data=data)
    return builder.as_markup()


def _reminders_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=texts.REMINDERS_DEFAULT, callback_data=CampaignReminders(custom=False))
    builder.button(text=texts.REMINDERS_CUSTOM, callback_data=CampaignReminders(custom=True))
    builder.adjust(2)
    return builder.as_markup()


def _confirm_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=texts.CONFIRM, callback_data=CampaignConfirm(confirmed=True))
    builder.button(text=texts.CANCEL, callback_data=CampaignConfirm(confirmed=False))
    builder.adjust(2)
    return builder.as_markup()


# --- steps ----------------------------------------------------------------------------------


async def _ask_form(message: Message, state: FSMContext, catalog: FormCatalog) -> None:
    await state.set_state(CampaignWizard.form)
    await message.answer(texts.CHOOSE_FORM, reply_markup=_forms_keyboard(catalog))


async def _ask_schools(
    message: Message, state: FSMContext, draft: CampaignDraft, directory: Directory
) -> None:
    assert draft.municipality_id is not None
    await _save(state, draft)
    await state.set_state(CampaignWizard.schools)
    await message.answer(
        texts.CHOOSE_SCHOOLS, reply_markup=_schools_keyboard(directory, draft.municipality_id)
    )


async def _after_schools(
    message: Message, state: FSMContext, draft: CampaignDraft, directory: Directory
) -> None:
    """A recurring round opens with its period; a one-off asks when to open."""
    await _save(state, draft)
    if draft.recurrence is not None:
        await _ask_deadline(message, state, draft)
        return
    await state.set_state(CampaignWizard.opening)
    zone = _zone(directory, draft)
    await message.answer(
        texts.ASK_OPENING.format(zone=zone.key),
        reply_markup=_one_button(texts.OPEN_NOW, CampaignOpenNow()),
    )


async def _ask_deadline(message: Message, state: FSMContext, draft: CampaignDraft) -> None:
    await state.set_state(CampaignWizard.deadline)
    markup = None
    if draft.default_deadline is not None:
        day = draft.default_deadline.strftime("%d.%m.%Y")
        markup = _one_button(day, CampaignDefaultDeadline())
    await message.answer(texts.ASK_DEADLINE, reply_markup=markup)


async def _ask_reminders(message: Message, state: FSMContext, draft: CampaignDraft) -> None:
    await _save(state, draft)
    await state.set_state(CampaignWizard.reminders)
    await message.answer(
        texts.CHOOSE_REMINDERS.format(
            days=days_text(draft.days_before),
            hour=DEFAULT_PLAN.hour,
            quiet_start=DEFAULT_PLAN.quiet_start,
            quiet_end=DEFAULT_PLAN.quiet_end,
        ),
        reply_markup=_reminders_keyboard(),
    )


async def _show_summary(
    message: Message,
    state: FSMContext,
    draft: CampaignDraft,
    directory: Directory,
    catalog: FormCatalog,
) -> None:
    assert draft.municipality_id is not None
    assert draft.form_key is not None
    assert draft.opens_at is not None
    assert draft.deadline_at is not None
    await _save(state, draft)
    await state.set_state(CampaignWizard.confirm)
    zone = _zone(directory, draft)
    recurrence = (
        texts.RECURRENCE_ONCE
        if draft.recurrence is None
        else texts.RECURRENCE_LABELS[draft.recurrence]
    )
    await message.answer(
        texts.SUMMARY.format(
            form=escape(catalog.current[draft.form_key].title),
            municipality=escape(directory.municipalities[draft.municipality_id].name),
            period=escape(draft.period_label or ""),
            recurrence=recurrence,
            schools=texts.SCHOOLS_CHOSEN.format(count=len(draft.school_ids)),
            opens=local_datetime(draft.opens_at, zone),
            deadline=local_datetime(draft.deadline_at, zone),
            days=days_text(draft.days_before),
            hour=DEFAULT_PLAN.hour,
        ),
        reply_markup=_confirm_keyboard(),
    )


class _WizardSchools(SchoolPicker):
    """ "Выбрать школы": any school of the round's municipality."""

    refusal = Action.RUN_CAMPAIGNS
    texts = PickerTexts(
        prompt=texts.PICK_SCHOOLS,
        prompt_one=texts.PICK_SCHOOLS,
        nothing_to_pick=texts.NO_SCHOOLS_IN_CHOICE,
        not_found=texts.NO_SCHOOLS_FOUND,
        at_least_one=texts.PICK_AT_LEAST_ONE,
    )

    async def candidates(self, picking: Picking) -> list[School]:
        draft = await _draft(picking.state)
        if draft.municipality_id is None:
            raise StaleConversation("no municipality chosen")
        return picking.directory.schools_of(draft.municipality_id)

    async def done(self, picking: Picking, school_ids: list[int]) -> None:
        draft = await _draft(picking.state)
        draft.school_ids = school_ids
        await picking.message.answer(texts.SCHOOLS_CHOSEN.format(count=len(school_ids)))
        await _after_schools(picking.message, picking.state, draft, picking.directory)


PICKER = _WizardSchools(CampaignWizard.picking)


def build_router() -> Router:
    router = Router(name="campaign_wizard")
    PICKER.register(router)

    @router.message(Command(Cmd.NEW_CAMPAIGN))
    async def start(
        message: Message,
        actor: Actor,
        database: Database,
        catalog: FormCatalog,
        state: FSMContext,
    ) -> None:
        if not allows_somewhere(actor, Action.RUN_CAMPAIGNS):
            await message.answer(texts.NOT_ALLOWED)
            return
        directory = await load_directory(database)
        municipalities = runnable_municipalities(actor, directory)
        if not municipalities:
            await message.answer(texts.NO_MUNICIPALITIES)
            return
        if len(municipalities) == 1:
            await _save(state, CampaignDraft(municipality_id=municipalities[0]))
            await _ask_form(message, state, catalog)
            return
        await _save(state, CampaignDraft())
        await state.set_state(CampaignWizard.municipality)
        builder = InlineKeyboardBuilder()
        for municipality_id in municipalities:
            builder.button(
                text=directory.municipalities[municipality_id].name,
                callback_data=CampaignMunicipality(municipality_id=municipality_id),
            )
        await message.answer(texts.CHOOSE_MUNICIPALITY, reply_markup=builder.adjust(1).as_markup())

    @router.callback_query(CampaignWizard.municipality, CampaignMunicipality.filter())
    async def chose_municipality(
        callback: CallbackQuery,
        callback_data: CampaignMunicipality,
        actor: Actor,
        database: Database,
        catalog: FormCatalog,
        state: FSMContext,
    ) -> None:
        directory = await load_directory(database)
        if callback_data.municipality_id not in runnable_municipalities(actor, directory):
            raise AccessDenied(Action.RUN_CAMPAIGNS)
        await callback.answer()
        await close_buttons(callback, directory.municipalities[callback_data.municipality_id].name)
        await _save(state, CampaignDraft(municipality_id=callback_data.municipality_id))
        await _ask_form(message_of(callback), state, catalog)

    @router.callback_query(CampaignWizard.form, CampaignForm.filter())
    async def chose_form(
        callback: CallbackQuery,
        callback_data: CampaignForm,
        catalog: FormCatalog,
        state: FSMContext,
    ) -> None:
        form = catalog.current.get(callback_data.key)
        if form is None:
            await callback.answer(texts.PROBLEMS["unknown_form"], show_alert=True)
            return
        await callback.answer()
        await close_buttons(callback, form.title)
        draft = await _draft(state)
        draft.form_key = form.id
        await _save(state, draft)
        await state.set_state(CampaignWizard.recurrence)
        await message_of(callback).answer(
            texts.CHOOSE_RECURRENCE, reply_markup=_recurrence_keyboard()
        )

    @router.callback_query(CampaignWizard.recurrence, CampaignRecurrence.filter())
    async def chose_recurrence(
        callback: CallbackQuery,
        callback_data: CampaignRecurrence,
        database: Database,
        state: FSMContext,
        clock: Clock,
    ) -> None:
        await callback.answer()
        draft = await _draft(state)
        directory = await load_directory(database)
        now = clock()
        today = now.astimezone(_zone(directory, draft)).date()
        message = message_of(callback)
        recurrence = callback_data.value
        if recurrence is None:
            await close_buttons(callback, texts.RECURRENCE_ONCE)
            draft.recurrence = None
            draft.suggestions = [first_period(r, today).label for r in PERIOD_SUGGESTIONS]
            await _save(state, draft)
            await state.set_state(CampaignWizard.period)
            builder = InlineKeyboardBuilder()
            for index, label in enumerate(draft.suggestions):
                builder.button(text=label, callback_data=CampaignPeriod(index=index))
            await message.answer(texts.ASK_PERIOD, reply_markup=builder.adjust(1).as_markup())
            return
        await close_buttons(callback, texts.RECURRENCE_LABELS[recurrence])
        period = first_period(recurrence, today)
        zone = _zone(directory, draft)
        draft.recurrence, draft.period_label = recurrence, period.label
        draft.opens_at = local_moment(period.opens_on, time(), zone.key)
        draft.default_deadline = period.deadline_on
        await _ask_schools(message, state, draft, directory)

    @router.callback_query(CampaignWizard.period, CampaignPeriod.filter())
    async def chose_period(
        callback: CallbackQuery,
        callback_data: CampaignPeriod,
        database: Database,
        state: FSMContext,
    ) -> None:
        draft = await _draft(state)
        if not 0 <= callback_data.index < len(draft.suggestions):
            await callback.answer(texts.STALE_WIZARD, show_alert=True)
            return
        await callback.answer()
        draft.period_label = draft.suggestions[callback_data.index]
        await close_buttons(callback, draft.period_label)
        await _ask_schools(message_of(callback), state, draft, await load_directory(database))

    @router.message(CampaignWizard.period, TYPED_TEXT)
    async def typed_period(message: Message, database: Database, state: FSMContext) -> None:
        label = " ".join((message.text or "").split())
        if not label or len(label) > 100:
            await message.answer(texts.PERIOD_TOO_LONG)
            return
        draft = await _draft(state)
        draft.period_label = label
        await _ask_schools(message, state, draft, await load_directory(database))

    @router.callback_query(CampaignWizard.schools, CampaignSchools.filter())
    async def chose_schools(
        callback: CallbackQuery,
        callback_data: CampaignSchools,
        actor: Actor,
        database: Database,
        state: FSMContext,
        clock: Clock,
    ) -> None:
        draft = await _draft(state)
        assert draft.municipality_id is not None
        directory = await load_directory(database)
        message = message_of(callback)
        if callback_data.kind == SchoolChoice.PICKED:
            await callback.answer()
            await close_buttons(callback, texts.SCHOOLS_PICK)
            await PICKER.start(actor, database, state, message, clock, selected=draft.school_ids)
            return
        chosen = choose_schools(
            directory,
            draft.municipality_id,
            callback_data.kind,
            district_id=callback_data.district_id,
        )
        if not chosen:
            await callback.answer(texts.NO_SCHOOLS_IN_CHOICE, show_alert=True)
            return
        await callback.answer()
        await close_buttons(callback, texts.SCHOOLS_CHOSEN.format(count=len(chosen)))
        draft.school_ids = [school.id for school in chosen]
        await _after_schools(message, state, draft, directory)

    @router.callback_query(CampaignWizard.opening, CampaignOpenNow.filter())
    async def open_now(callback: CallbackQuery, state: FSMContext, clock: Clock) -> None:
        await callback.answer()
        await close_buttons(callback, texts.OPEN_NOW)
        draft = await _draft(state)
        draft.opens_at = clock()
        await _save(state, draft)
        await _ask_deadline(message_of(callback), state, draft)

    @router.message(CampaignWizard.opening, TYPED_TEXT)
    async def typed_opening(
        message: Message, database: Database, state: FSMContext, clock: Clock
    ) -> None:
        draft = await _draft(state)
        directory = await load_directory(database)
        zone = _zone(directory, draft)
        now = clock()
        opens_at = parse_local_moment(message.text or "", zone, now=now, end_of_day=False)
        if opens_at is None:
            await message.answer(texts.BAD_MOMENT)
            return
        if opens_at < now:
            await message.answer(texts.OPENING_IN_PAST)
            return
        draft.opens_at = opens_at
        await _save(state, draft)
        await _ask_deadline(message, state, draft)

    @router.callback_query(CampaignWizard.deadline, CampaignDefaultDeadline.filter())
    async def default_deadline(
        callback: CallbackQuery, database: Database, state: FSMContext
    ) -> None:
        draft = await _draft(state)
        if draft.default_deadline is None:
            await callback.answer(texts.STALE_WIZARD, show_alert=True)
            return
        await callback.answer()
        await close_buttons(callback, draft.default_deadline.strftime("%d.%m.%Y"))
        zone = _zone(await load_directory(database), draft)
        draft.deadline_at = local_deadline(draft.default_deadline, zone.key)
        await _ask_reminders(message_of(callback), state, draft)

    @router.message(CampaignWizard.deadline, TYPED_TEXT)
    async def typed_deadline(
        message: Message, database: Database, state: FSMContext, clock: Clock
    ) -> None:
        draft = await _draft(state)
        assert draft.opens_at is not None
        zone = _zone(await load_directory(database), draft)
        now = clock()
        deadline_at = parse_local_moment(message.text or "", zone, now=now, end_of_day=True)
        if deadline_at is None:
            await message.answer(texts.BAD_MOMENT)
            return
        if deadline_at <= now:
            await message.answer(texts.DEADLINE_IN_PAST)
            return
        if deadline_at <= draft.opens_at:
            opens = local_datetime(draft.opens_at, zone)
            await message.answer(texts.DEADLINE_BEFORE_OPENING.format(opens=opens))
            return
        draft.deadline_at = deadline_at
        await _ask_reminders(message, state, draft)

    @router.callback_query(CampaignWizard.reminders, CampaignReminders.filter())
    async def chose_reminders(
        callback: CallbackQuery,
        callback_data: CampaignReminders,
        database: Database,
        catalog: FormCatalog,
        state: FSMContext,
    ) -> None:
        await callback.answer()
        message = message_of(callback)
        if callback_data.custom:
            await close_buttons(callback, texts.REMINDERS_CUSTOM)
            await state.set_state(CampaignWizard.reminder_days)
            await message.answer(texts.ASK_REMINDER_DAYS)
            return
        await close_buttons(callback, texts.REMINDERS_DEFAULT)
        draft = await _draft(state)
        await _show_summary(message, state, draft, await load_directory(database), catalog)

    @router.message(CampaignWizard.reminder_days, TYPED_TEXT)
    async def typed_days(
        message: Message, database: Database, catalog: FormCatalog, state: FSMContext
    ) -> None:
        days = _reminder_days(message.text or "")
        if days is None:
            await message.answer(texts.BAD_REMINDER_DAYS)
            return
        draft = await _draft(state)
        draft.days_before = days
        await _show_summary(message, state, draft, await load_directory(database), catalog)

    @router.callback_query(CampaignWizard.confirm, CampaignConfirm.filter())
    async def confirm(
        callback: CallbackQuery,
        callback_data: CampaignConfirm,
        actor: Actor,
        database: Database,
        catalog: FormCatalog,
        state: FSMContext,
        clock: Clock,
    ) -> None:
        await callback.answer()
        message = message_of(callback)
        if not callback_data.confirmed:
            await close_buttons(callback, texts.CANCEL)
            await state.clear()
            await message.answer(texts.CANCELLED)
            return
        draft = await _draft(state)
        assert draft.municipality_id is not None
        assert draft.form_key is not None
        assert draft.opens_at is not None
        assert draft.deadline_at is not None
        plan = CampaignPlan(
            form_key=draft.form_key,
            municipality_id=draft.municipality_id,
            period_label=draft.period_label or "",
            opens_at=draft.opens_at,
            deadline_at=draft.deadline_at,
            school_ids=tuple(draft.school_ids),
            reminder_plan=_reminder_plan(draft),
            recurrence=draft.recurrence,
        )
        now = clock()
        try:
            campaign = await open_campaign(database, catalog, actor, plan, now=now)
        except CampaignRefused as refused:
            await message.answer(texts.PROBLEMS[refused.problem.value])
            return
        await close_buttons(callback, texts.CONFIRM)
        await state.clear()
        zone = _zone(await load_directory(database), draft)
        when = (
            texts.OPENED_NOW
            if campaign.opens_at <= now
            else texts.OPENED_LATER.format(opens=local_datetime(campaign.opens_at, zone))
        )
        await message.answer(
            texts.OPENED.format(
                form=escape(catalog.current[draft.form_key].title),
                period=escape(campaign.period_label),
                count=len(draft.school_ids),
                deadline=local_datetime(campaign.deadline_at, zone),
                when=when,
            )
        )

    return router


def _reminder_days(text: str) -> list[int] | None:
    """ "7 3 1" (or commas) → [7, 3, 1]; "0" → none before the deadline; None if malformed."""
    parts = text.replace(",", " ").split()
    if not parts or not all(part.isdigit() for part in parts):
        return None
    days = sorted({int(part) for part in parts}, reverse=True)
    if days == [0]:
        return []
    if not all(1 <= day <= MAX_DAYS_BEFORE for day in days):
        return None
    return days
