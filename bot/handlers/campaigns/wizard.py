"""/new_campaign: a methodist opens a monitoring round in a few steps.

municipality (when several) → form: one tap for a monitoring of that one form, or "Несколько
анкет — один мониторинг" to tick several (kept in the catalog's order) → for several, the
monitoring's title (the usual one, none — then it is named by its forms — or typed) → one-off or
recurring → period label (a recurring round is offered the schedule's current period and takes
its default dates from the period chosen) → schools (all, a district, ШНОР only, or picked; the
first ones are named) → opening (one-off only; a passed time is refused, or taken as "now" on the
same day, and said so) → deadline, local time → reminder plan → confirmation, which lists the
reminders' very dates.
The draft lives in the FSM data (in the database), so an interrupted wizard resumes.
"""

from collections.abc import Collection, Sequence
from datetime import date, datetime, time, timedelta
from html import escape
from zoneinfo import ZoneInfo

from aiogram import Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from pydantic import BaseModel, model_validator

from bot.commands import Cmd
from bot.handlers.campaigns.callbacks import (
    CampaignConfirm,
    CampaignDefaultDeadline,
    CampaignForm,
    CampaignFormsDone,
    CampaignMunicipality,
    CampaignOpenNow,
    CampaignPeriod,
    CampaignRecurrence,
    CampaignReminders,
    CampaignSchools,
    CampaignSeveralForms,
    CampaignTitle,
    CampaignToggleForm,
    TitleChoice,
)
from bot.handlers.campaigns.states import CampaignWizard
from bot.handlers.campaigns.words import (
    local_time_phrase,
    reminders_line,
    school_names,
    schools_chosen,
)
from bot.handlers.shared.buttons import close_buttons, message_of
from bot.handlers.shared.drafts import StaleConversation, read_draft, save_draft
from bot.handlers.shared.filters import TYPED_TEXT
from bot.handlers.shared.municipalities import municipality_keyboard
from bot.handlers.shared.school_picker import PickerTexts, Picking, SchoolPicker
from bot.handlers.shared.views import local_datetime
from bot.keyboard import InlineKeyboardBuilder
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
    recurring_period,
    reminder_preview,
    runnable_municipalities,
)
from core.clock import Clock
from core.directory import Directory, load_directory
from core.forms.models import FormDefinition
from core.questionnaires import AvailableForms, FormCatalog, campaign_title, monitoring_title
from core.schedule import (
    MAX_DAYS_BEFORE,
    Period,
    Recurrence,
    ReminderPlan,
    first_period,
    next_period,
)
from storage import Database
from storage.directory import School
from texts import campaigns as texts
from texts.plurals import FORMS, SCHOOLS, counted

DEFAULT_PLAN = ReminderPlan()
# One-off rounds are offered the labels the schedule would give these periodicities now.
PERIOD_SUGGESTIONS = (Recurrence.MONTHLY, Recurrence.QUARTERLY, Recurrence.YEARLY)
MAX_TITLE = 200  # a monitoring's own title, after the spaces are tidied


class CampaignDraft(BaseModel):
    """What the wizard has gathered so far (FSM data, validated on every read)."""

    municipality_id: int | None = None
    form_keys: list[str] = []  # in the catalog's order
    title: str | None = None  # None: named by its forms
    recurrence: Recurrence | None = None
    period_label: str | None = None
    suggestions: list[str] = []
    school_ids: list[int] = []
    opens_at: datetime | None = None
    opens_now: bool = False  # "Сейчас" pressed, or a passed time of today taken as now
    deadline_at: datetime | None = None
    default_deadline: date | None = None
    days_before: list[int] = list(DEFAULT_PLAN.days_before)

    @model_validator(mode="before")
    @classmethod
    def _one_form_of_old(cls, data: object) -> object:
        """A draft saved before monitorings had several forms kept one ``form_key``."""
        if isinstance(data, dict) and "form_keys" not in data and data.get("form_key"):
            return {**data, "form_keys": [data["form_key"]]}
        return data


async def _draft(state: FSMContext) -> CampaignDraft:
    return await read_draft(state, CampaignDraft)


async def _save(state: FSMContext, draft: CampaignDraft) -> None:
    await save_draft(state, draft)


async def _offered(
    database: Database, catalog: FormCatalog, draft: CampaignDraft
) -> AvailableForms:
    """The forms the draft's municipality may use: built-in and uploaded by its methodists."""
    return await catalog.available(database, draft.municipality_id)


def _forms(draft: CampaignDraft, offered: AvailableForms) -> list[FormDefinition]:
    """The draft's forms; none, or one gone from the catalog since, is a stale conversation."""
    forms = [offered.get(key) for key in draft.form_keys]
    found = [form for form in forms if form is not None]
    if not found or len(found) != len(forms):
        raise StaleConversation(f"forms {draft.form_keys} are not all in the catalog")
    return found


def _in_catalog_order(keys: Collection[str], offered: AvailableForms) -> list[str]:
    chosen = set(keys)
    return [key for key in offered if key in chosen]


def _tidy_title(text: str) -> str:
    """One line with single spaces: the title heads messages and list buttons."""
    return " ".join(text.split())


def _zone(directory: Directory, draft: CampaignDraft) -> ZoneInfo:
    assert draft.municipality_id is not None
    return ZoneInfo(directory.municipalities[draft.municipality_id].timezone)


def _local(directory: Directory, draft: CampaignDraft) -> str:
    """ "по местному времени (Томск)": the municipality's time, named by its city."""
    assert draft.municipality_id is not None
    municipality = directory.municipalities[draft.municipality_id]
    return local_time_phrase(_zone(directory, draft), municipality.name)


def _chosen(directory: Directory, draft: CampaignDraft) -> list[School]:
    """The draft's schools in directory order."""
    assert draft.municipality_id is not None
    ids = set(draft.school_ids)
    return [school for school in directory.schools_of(draft.municipality_id) if school.id in ids]


def _pressed_label(callback: CallbackQuery, fallback: str) -> str:
    """The text of the button pressed, as it was written on it."""
    message = callback.message
    if isinstance(message, Message) and message.reply_markup is not None:
        for row in message.reply_markup.inline_keyboard:
            for button in row:
                if button.callback_data == callback.data:
                    return button.text
    return fallback


def _reminder_plan(draft: CampaignDraft) -> ReminderPlan:
    return ReminderPlan(days_before=tuple(sorted(set(draft.days_before), reverse=True)))


def _reminders(draft: CampaignDraft, zone: ZoneInfo, now: datetime) -> str:
    """Which reminders the schools will get, with their dates (see ``reminders_line``)."""
    assert draft.opens_at is not None
    assert draft.deadline_at is not None
    preview = reminder_preview(
        _reminder_plan(draft),
        opens_at=now if draft.opens_now else draft.opens_at,
        deadline_at=draft.deadline_at,
        timezone=zone.key,
        now=now,
    )
    return reminders_line(preview, zone)


def _use_period(draft: CampaignDraft, period: Period, zone: ZoneInfo) -> None:
    """A recurring round opens with its period and is due, by default, at its end."""
    draft.period_label = period.label
    draft.opens_at = local_moment(period.opens_on, time(), zone.key)
    draft.opens_now = False
    draft.default_deadline = period.deadline_on


# --- keyboards ------------------------------------------------------------------------------


def _forms_keyboard(offered: AvailableForms) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for form in offered.values():
        builder.button(text=form.title, callback_data=CampaignForm(key=form.id))
    builder.button(text=texts.SEVERAL_FORMS, callback_data=CampaignSeveralForms())
    builder.adjust(1)
    return builder.as_markup()


def _ticked_forms_keyboard(offered: AvailableForms, chosen: Sequence[str]) -> InlineKeyboardMarkup:
    """A toggle per form, by its short title so a phone shows it whole, and "Готово (N)"."""
    builder = InlineKeyboardBuilder()
    for form in offered.values():
        label = texts.FORM_CHECKED if form.id in chosen else texts.FORM_UNCHECKED
        builder.button(
            text=label.format(form=form.short_title), callback_data=CampaignToggleForm(key=form.id)
        )
    builder.button(
        text=texts.FORMS_DONE.format(count=len(chosen)), callback_data=CampaignFormsDone()
    )
    builder.adjust(1)
    return builder.as_markup()


def _title_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=texts.USUAL_TITLE, callback_data=CampaignTitle(choice=TitleChoice.USUAL))
    builder.button(text=texts.NO_TITLE, callback_data=CampaignTitle(choice=TitleChoice.NONE))
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


async def _ask_form(message: Message, state: FSMContext, offered: AvailableForms) -> None:
    await state.set_state(CampaignWizard.form)
    await message.answer(texts.CHOOSE_FORM, reply_markup=_forms_keyboard(offered))


async def _ask_recurrence(message: Message, state: FSMContext, draft: CampaignDraft) -> None:
    await _save(state, draft)
    await state.set_state(CampaignWizard.recurrence)
    await message.answer(texts.CHOOSE_RECURRENCE, reply_markup=_recurrence_keyboard())


async def _ask_title(
    message: Message,
    state: FSMContext,
    draft: CampaignDraft,
    database: Database,
    catalog: FormCatalog,
) -> None:
    """A monitoring of several forms: its title, with the name it has without one."""
    await _save(state, draft)
    await state.set_state(CampaignWizard.title)
    offered = await _offered(database, catalog, draft)
    form_ids = [offered.row_id(form.id) for form in _forms(draft, offered)]
    untitled = await monitoring_title(database, catalog, None, form_ids)
    await message.answer(
        texts.ASK_TITLE.format(limit=MAX_TITLE, untitled=escape(untitled)),
        reply_markup=_title_keyboard(),
    )


def _forms_line(draft: CampaignDraft, offered: AvailableForms) -> str:
    """The summary's "Анкета: …" or "Анкеты (3): «…», «…», «…»"."""
    forms = _forms(draft, offered)
    if len(forms) == 1:
        return texts.SUMMARY_FORM.format(form=escape(forms[0].title))
    names = [texts.SUMMARY_FORM_NAME.format(form=escape(form.title)) for form in forms]
    return texts.SUMMARY_FORMS.format(count=len(forms), forms=", ".join(names))


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
    message: Message,
    state: FSMContext,
    draft: CampaignDraft,
    directory: Directory,
    schools: Sequence[School],
    now: datetime,
) -> None:
    """Names the schools chosen; a recurring round opens with its period, a one-off asks when
    to open."""
    await _save(state, draft)
    await message.answer(schools_chosen(schools))
    if draft.recurrence is not None:
        await _ask_deadline(message, state, draft, directory, now)
        return
    await state.set_state(CampaignWizard.opening)
    zone = _zone(directory, draft)
    tomorrow = now.astimezone(zone).date() + timedelta(days=1)
    await message.answer(
        texts.ASK_OPENING.format(
            local=_local(directory, draft), example=f"{tomorrow.strftime('%d.%m.%Y')} 09:00"
        ),
        reply_markup=_one_button(texts.OPEN_NOW, CampaignOpenNow()),
    )


async def _ask_deadline(
    message: Message, state: FSMContext, draft: CampaignDraft, directory: Directory, now: datetime
) -> None:
    await state.set_state(CampaignWizard.deadline)
    markup = None
    if draft.default_deadline is not None:
        day = draft.default_deadline.strftime("%d.%m.%Y")
        markup = _one_button(day, CampaignDefaultDeadline())
    example = draft.default_deadline or now.astimezone(_zone(directory, draft)).date() + timedelta(
        days=14
    )
    await message.answer(
        texts.ASK_DEADLINE.format(
            local=_local(directory, draft), example=example.strftime("%d.%m.%Y")
        ),
        reply_markup=markup,
    )


async def _ask_reminders(
    message: Message, state: FSMContext, draft: CampaignDraft, directory: Directory, now: datetime
) -> None:
    await _save(state, draft)
    await state.set_state(CampaignWizard.reminders)
    await message.answer(
        texts.CHOOSE_REMINDERS.format(
            reminders=_reminders(draft, _zone(directory, draft), now),
            quiet_start=DEFAULT_PLAN.quiet_start,
            quiet_end=DEFAULT_PLAN.quiet_end,
        ),
        reply_markup=_reminders_keyboard(),
    )


def _opening_words(draft: CampaignDraft, zone: ZoneInfo, now: datetime) -> str:
    """When the round opens, as the summary says it: a passed time is "сейчас", and why."""
    assert draft.opens_at is not None
    if draft.opens_now:
        return texts.SUMMARY_OPENS_NOW
    if draft.opens_at > now:
        return local_datetime(draft.opens_at, zone)
    if draft.recurrence is not None:
        start = draft.opens_at.astimezone(zone).strftime("%d.%m.%Y")
        return texts.SUMMARY_OPENS_NOW_PERIOD.format(start=start)
    return texts.SUMMARY_OPENS_NOW_PASSED.format(opens=local_datetime(draft.opens_at, zone))


async def _show_summary(
    message: Message,
    state: FSMContext,
    draft: CampaignDraft,
    directory: Directory,
    offered: AvailableForms,
    now: datetime,
) -> None:
    assert draft.municipality_id is not None
    assert draft.opens_at is not None
    assert draft.deadline_at is not None
    forms = _forms_line(draft, offered)
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
            title=texts.SUMMARY_TITLE.format(title=escape(draft.title)) if draft.title else "",
            forms=forms,
            municipality=escape(directory.municipalities[draft.municipality_id].name),
            period=escape(draft.period_label or ""),
            recurrence=recurrence,
            count=len(draft.school_ids),
            schools=school_names(_chosen(directory, draft)),
            opens=_opening_words(draft, zone, now),
            deadline=local_datetime(draft.deadline_at, zone),
            local=_local(directory, draft),
            reminders=_reminders(draft, zone, now),
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
        schools = _chosen(picking.directory, draft)
        await _after_schools(
            picking.message, picking.state, draft, picking.directory, schools, picking.now
        )


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
            draft = CampaignDraft(municipality_id=municipalities[0])
            await _save(state, draft)
            await _ask_form(message, state, await _offered(database, catalog, draft))
            return
        await _save(state, CampaignDraft())
        await state.set_state(CampaignWizard.municipality)
        keyboard = municipality_keyboard(
            directory, municipalities, lambda chosen: CampaignMunicipality(municipality_id=chosen)
        )
        await message.answer(texts.CHOOSE_MUNICIPALITY, reply_markup=keyboard)

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
        draft = CampaignDraft(municipality_id=callback_data.municipality_id)
        await _save(state, draft)
        await _ask_form(message_of(callback), state, await _offered(database, catalog, draft))

    @router.callback_query(CampaignWizard.form, CampaignForm.filter())
    async def chose_form(
        callback: CallbackQuery,
        callback_data: CampaignForm,
        database: Database,
        catalog: FormCatalog,
        state: FSMContext,
    ) -> None:
        draft = await _draft(state)
        form = (await _offered(database, catalog, draft)).get(callback_data.key)
        if form is None:
            await callback.answer(texts.PROBLEMS["unknown_form"], show_alert=True)
            return
        await callback.answer()
        await close_buttons(callback, form.title)
        draft.form_keys, draft.title = [form.id], None
        await _ask_recurrence(message_of(callback), state, draft)

    @router.callback_query(CampaignWizard.form, CampaignSeveralForms.filter())
    async def several_forms(
        callback: CallbackQuery, database: Database, catalog: FormCatalog, state: FSMContext
    ) -> None:
        await callback.answer()
        await close_buttons(callback, texts.SEVERAL_FORMS)
        draft = await _draft(state)
        draft.form_keys, draft.title = [], None
        await _save(state, draft)
        await state.set_state(CampaignWizard.forms)
        offered = await _offered(database, catalog, draft)
        await message_of(callback).answer(
            texts.CHOOSE_FORMS, reply_markup=_ticked_forms_keyboard(offered, draft.form_keys)
        )

    @router.callback_query(CampaignWizard.forms, CampaignToggleForm.filter())
    async def toggle_form(
        callback: CallbackQuery,
        callback_data: CampaignToggleForm,
        database: Database,
        catalog: FormCatalog,
        state: FSMContext,
    ) -> None:
        draft = await _draft(state)
        offered = await _offered(database, catalog, draft)
        if callback_data.key not in offered:
            await callback.answer(texts.PROBLEMS["unknown_form"], show_alert=True)
            return
        chosen = set(draft.form_keys) ^ {callback_data.key}
        draft.form_keys = _in_catalog_order(chosen, offered)
        await _save(state, draft)
        await message_of(callback).edit_reply_markup(
            reply_markup=_ticked_forms_keyboard(offered, draft.form_keys)
        )
        await callback.answer()  # after the edit: a refusal there answers instead

    @router.callback_query(CampaignWizard.forms, CampaignFormsDone.filter())
    async def forms_done(
        callback: CallbackQuery, database: Database, catalog: FormCatalog, state: FSMContext
    ) -> None:
        draft = await _draft(state)
        if not draft.form_keys:
            await callback.answer(texts.PICK_AT_LEAST_ONE_FORM, show_alert=True)
            return
        forms = _forms(draft, await _offered(database, catalog, draft))
        await callback.answer()
        await close_buttons(callback, ", ".join(form.short_title for form in forms))
        if len(forms) == 1:  # one form after all: it names the monitoring
            await _ask_recurrence(message_of(callback), state, draft)
            return
        await _ask_title(message_of(callback), state, draft, database, catalog)

    @router.callback_query(CampaignWizard.title, CampaignTitle.filter())
    async def chose_title(
        callback: CallbackQuery, callback_data: CampaignTitle, state: FSMContext
    ) -> None:
        await callback.answer()
        usual = callback_data.choice == TitleChoice.USUAL
        await close_buttons(callback, texts.USUAL_TITLE if usual else texts.NO_TITLE)
        draft = await _draft(state)
        draft.title = texts.USUAL_TITLE if usual else None
        await _ask_recurrence(message_of(callback), state, draft)

    @router.message(CampaignWizard.title, TYPED_TEXT)
    async def typed_title(message: Message, state: FSMContext) -> None:
        title = _tidy_title(message.text or "")
        if not title:
            await message.answer(texts.TITLE_EMPTY)
            return
        if len(title) > MAX_TITLE:
            await message.answer(texts.TITLE_TOO_LONG.format(limit=MAX_TITLE, length=len(title)))
            return
        draft = await _draft(state)
        draft.title = title
        await _ask_recurrence(message, state, draft)

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
        today = clock().astimezone(_zone(directory, draft)).date()
        message = message_of(callback)
        recurrence = callback_data.value
        draft.recurrence = recurrence
        builder = InlineKeyboardBuilder()
        if recurrence is None:
            await close_buttons(callback, _pressed_label(callback, texts.RECURRENCE_ONCE))
            draft.suggestions = [first_period(r, today).label for r in PERIOD_SUGGESTIONS]
            question = texts.ASK_PERIOD
        else:
            await close_buttons(
                callback, _pressed_label(callback, texts.RECURRENCE_LABELS[recurrence])
            )
            # Asked, not assumed: the schedule's current period is offered, another may be typed.
            period = first_period(recurrence, today)
            draft.suggestions = [period.label]
            question = texts.ASK_RECURRING_PERIOD.format(
                suggested=escape(period.label),
                example=escape(next_period(recurrence, period).label),
            )
        await _save(state, draft)
        await state.set_state(CampaignWizard.period)
        for index, label in enumerate(draft.suggestions):
            builder.button(text=label, callback_data=CampaignPeriod(index=index))
        await message.answer(question, reply_markup=builder.adjust(1).as_markup())

    @router.callback_query(CampaignWizard.period, CampaignPeriod.filter())
    async def chose_period(
        callback: CallbackQuery,
        callback_data: CampaignPeriod,
        database: Database,
        state: FSMContext,
        clock: Clock,
    ) -> None:
        draft = await _draft(state)
        if not 0 <= callback_data.index < len(draft.suggestions):
            await callback.answer(texts.STALE_WIZARD, show_alert=True)
            return
        label = draft.suggestions[callback_data.index]
        directory = await load_directory(database)
        zone = _zone(directory, draft)
        if draft.recurrence is not None:
            today = clock().astimezone(zone).date()
            period = recurring_period(draft.recurrence, today, label)
            if period is None:  # the month turned while the question waited
                await callback.answer(texts.STALE_WIZARD, show_alert=True)
                return
            _use_period(draft, period, zone)
        else:
            draft.period_label = label
        await callback.answer()
        await close_buttons(callback, label)
        await _ask_schools(message_of(callback), state, draft, directory)

    @router.message(CampaignWizard.period, TYPED_TEXT)
    async def typed_period(
        message: Message, database: Database, state: FSMContext, clock: Clock
    ) -> None:
        label = " ".join((message.text or "").split())
        if not label or len(label) > 100:
            await message.answer(texts.PERIOD_TOO_LONG)
            return
        draft = await _draft(state)
        directory = await load_directory(database)
        if draft.recurrence is not None:
            # The schedule names and opens the next rounds from this one: it must know the label.
            zone = _zone(directory, draft)
            today = clock().astimezone(zone).date()
            period = recurring_period(draft.recurrence, today, label)
            if period is None:
                current = first_period(draft.recurrence, today)
                await message.answer(
                    texts.RECURRING_PERIOD_UNKNOWN.format(
                        recurrence=texts.RECURRENCE_LABELS[draft.recurrence],
                        suggested=escape(current.label),
                        example=escape(next_period(draft.recurrence, current).label),
                    )
                )
                return
            _use_period(draft, period, zone)
        else:
            draft.period_label = label
        await _ask_schools(message, state, draft, directory)

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
            await close_buttons(callback, _pressed_label(callback, texts.SCHOOLS_PICK))
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
        await close_buttons(callback, _pressed_label(callback, schools_chosen(chosen)))
        draft.school_ids = [school.id for school in chosen]
        await _after_schools(message, state, draft, directory, chosen, clock())

    @router.callback_query(CampaignWizard.opening, CampaignOpenNow.filter())
    async def open_now(
        callback: CallbackQuery, database: Database, state: FSMContext, clock: Clock
    ) -> None:
        await callback.answer()
        await close_buttons(callback, texts.OPEN_NOW)
        draft = await _draft(state)
        now = clock()
        draft.opens_at, draft.opens_now = now, True
        await _save(state, draft)
        await _ask_deadline(message_of(callback), state, draft, await load_directory(database), now)

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
        opens_now = False
        if opens_at < now:
            if opens_at.astimezone(zone).date() != now.astimezone(zone).date():
                await message.answer(texts.OPENING_IN_PAST.format(now=local_datetime(now, zone)))
                return
            # Earlier today: there is nothing to wait for, the form opens now (and we say so).
            await message.answer(texts.OPENING_PASSED_TODAY)
            opens_at, opens_now = now, True
        draft.opens_at, draft.opens_now = opens_at, opens_now
        await _save(state, draft)
        await _ask_deadline(message, state, draft, directory, now)

    @router.callback_query(CampaignWizard.deadline, CampaignDefaultDeadline.filter())
    async def default_deadline(
        callback: CallbackQuery, database: Database, state: FSMContext, clock: Clock
    ) -> None:
        draft = await _draft(state)
        if draft.default_deadline is None:
            await callback.answer(texts.STALE_WIZARD, show_alert=True)
            return
        await callback.answer()
        await close_buttons(callback, draft.default_deadline.strftime("%d.%m.%Y"))
        directory = await load_directory(database)
        zone = _zone(directory, draft)
        draft.deadline_at = local_deadline(draft.default_deadline, zone.key)
        await _ask_reminders(message_of(callback), state, draft, directory, clock())

    @router.message(CampaignWizard.deadline, TYPED_TEXT)
    async def typed_deadline(
        message: Message, database: Database, state: FSMContext, clock: Clock
    ) -> None:
        draft = await _draft(state)
        assert draft.opens_at is not None
        directory = await load_directory(database)
        zone = _zone(directory, draft)
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
        await _ask_reminders(message, state, draft, directory, now)

    @router.callback_query(CampaignWizard.reminders, CampaignReminders.filter())
    async def chose_reminders(
        callback: CallbackQuery,
        callback_data: CampaignReminders,
        database: Database,
        catalog: FormCatalog,
        state: FSMContext,
        clock: Clock,
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
        directory = await load_directory(database)
        offered = await _offered(database, catalog, draft)
        await _show_summary(message, state, draft, directory, offered, clock())

    @router.message(CampaignWizard.reminder_days, TYPED_TEXT)
    async def typed_days(
        message: Message,
        database: Database,
        catalog: FormCatalog,
        state: FSMContext,
        clock: Clock,
    ) -> None:
        days = _reminder_days(message.text or "")
        if days is None:
            await message.answer(texts.BAD_REMINDER_DAYS)
            return
        draft = await _draft(state)
        draft.days_before = days
        directory = await load_directory(database)
        offered = await _offered(database, catalog, draft)
        await _show_summary(message, state, draft, directory, offered, clock())

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
        assert draft.opens_at is not None
        assert draft.deadline_at is not None
        forms = _forms(draft, await _offered(database, catalog, draft))
        now = clock()
        # A one-off whose opening passed while the wizard waited opens now (the summary said so);
        # a recurring round keeps its period's start, which its next rounds follow.
        opens_at = draft.opens_at
        if draft.recurrence is None and (draft.opens_now or opens_at < now):
            opens_at = now
        plan = CampaignPlan(
            form_keys=tuple(form.id for form in forms),
            title=draft.title,
            municipality_id=draft.municipality_id,
            period_label=draft.period_label or "",
            opens_at=opens_at,
            deadline_at=draft.deadline_at,
            school_ids=tuple(draft.school_ids),
            reminder_plan=_reminder_plan(draft),
            recurrence=draft.recurrence,
        )
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
                title=escape(await campaign_title(database, catalog, campaign)),
                forms=_opened_forms(len(campaign.forms)),
                period=escape(campaign.period_label),
                schools=counted(len(draft.school_ids), SCHOOLS),
                deadline=local_datetime(campaign.deadline_at, zone),
                when=when,
            )
        )

    return router


def _opened_forms(count: int) -> str:
    """ " (3 анкеты)" after a monitoring of several forms; a single form's title says it all."""
    return "" if count == 1 else texts.OPENED_FORMS.format(forms=counted(count, FORMS))


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
