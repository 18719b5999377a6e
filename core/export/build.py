"""Loading an export: the campaigns chosen, the schools in the actor's scope, their responses.

Access: the actor needs ``Action.EXPORT``; every campaign must include at least one school the
actor may export (else the campaign is refused as if it did not exist), and only those schools
are read into the export. A district narrows the schools further.
"""

import asyncio
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from core.access import AccessDenied, Action, allows_somewhere, visible_schools
from core.actors import Actor
from core.directory import Directory, load_directory, natural_key
from core.export import labels
from core.export.aggregate import summarize
from core.export.instructions import with_instructions
from core.export.model import (
    DONE,
    AreaSummary,
    Contact,
    DynamicsRow,
    Export,
    Period,
    SchoolReport,
    Timeliness,
)
from core.export.monitoring import monitoring_sheets, single_form_sheets
from core.export.rollups import areas_of, dynamics_of
from core.forms.engine import effective_answers
from core.forms.models import FormDefinition, Question
from core.questionnaires import FormCatalog, monitoring_short_title, monitoring_title
from storage import Database
from storage.campaigns import campaign_owner_ids
from storage.directory import School
from storage.exports import (
    CHUNK,
    ExportCampaign,
    ExportResponse,
    RespondentContact,
    ResponseAnswers,
    campaign_school_ids,
    campaigns_of_schools,
    export_answers,
    export_campaigns,
    export_responses,
    respondent_contacts,
    user_names,
)
from storage.plans import instructions_of_rounds
from storage.responses import Status


class MixedForms(ValueError):
    """The chosen campaigns are not all rounds of the same monitoring (the same forms)."""


@dataclass(frozen=True, slots=True)
class ExportChoice:
    """A campaign the actor may export, as a chat button would describe it."""

    campaign_id: int
    series: str  # rounds of the same forms share it (ExportCampaign.series)
    form_title: str  # the one form's short title, or the monitoring's title
    period_label: str
    municipality: str
    opens_at: datetime
    deadline_at: datetime
    closed: bool
    schools: int  # schools of the campaign in the actor's scope

    @property
    def label(self) -> str:
        return f"{self.form_title} — {self.period_label}"


async def list_exportable(
    database: Database, catalog: FormCatalog, actor: Actor
) -> list[ExportChoice]:
    """Every campaign, open or closed, with schools the actor may export; newest first."""
    if not allows_somewhere(actor, Action.EXPORT):
        raise AccessDenied(Action.EXPORT)
    directory = await load_directory(database)
    schools = visible_schools(actor, Action.EXPORT, directory.schools.values())
    async with database.read() as conn:
        found = await campaigns_of_schools(conn, [school.id for school in schools])
    choices = []
    for campaign, count in found:
        choices.append(
            ExportChoice(
                campaign_id=campaign.id,
                series=campaign.series,
                form_title=await _short_title(database, catalog, campaign),
                period_label=campaign.period_label,
                municipality=directory.municipalities[campaign.municipality_id].name,
                opens_at=campaign.opens_at,
                deadline_at=campaign.deadline_at,
                closed=campaign.closed_at is not None,
                schools=count,
            )
        )
    choices.sort(key=lambda c: (c.opens_at, c.campaign_id), reverse=True)
    return choices


async def _short_title(database: Database, catalog: FormCatalog, campaign: ExportCampaign) -> str:
    form_ids = [form.form_id for form in campaign.forms]
    return await monitoring_short_title(database, catalog, campaign.title, form_ids)


def campaigns_of_series(choices: Sequence[ExportChoice], series: str) -> list[int]:
    """The rounds of one monitoring among the choices: all its periods, for a Динамика sheet."""
    return [choice.campaign_id for choice in choices if choice.series == series]


async def build_export(
    database: Database,
    catalog: FormCatalog,
    actor: Actor,
    *,
    campaign_ids: Sequence[int],
    district_id: int | None = None,
    now: datetime,
) -> Export:
    """The export of these campaigns (rounds of one monitoring) for the schools in the actor's
    scope: a monitoring of one form as that form's sheets, of several as the monitoring's sheets
    (Сводка, По школам, Итоги across the forms, then each form's answers); Поручения too when
    the rounds have an order's instructions kept as a plan (``core.export.instructions``).

    Raises ``AccessDenied`` when the actor may not export, a campaign is unknown or has no school
    in scope (or in the district), and ``MixedForms`` when the campaigns have different forms.
    """
    if not allows_somewhere(actor, Action.EXPORT) or not campaign_ids:
        raise AccessDenied(Action.EXPORT)
    directory = await load_directory(database)
    async with database.read() as conn:
        campaigns = await export_campaigns(conn, campaign_ids)
        if len(campaigns) != len(set(campaign_ids)):
            raise AccessDenied(Action.EXPORT)
        if len({campaign.series for campaign in campaigns}) > 1:
            raise MixedForms(sorted({campaign.series for campaign in campaigns}))
        ids = [campaign.id for campaign in campaigns]
        members = await campaign_school_ids(conn, ids)
        if not all(_in_scope(actor, directory, members[c.id], None) for c in campaigns):
            raise AccessDenied(Action.EXPORT)
        # A district narrows the export to the rounds that include its schools (an older round,
        # or another municipality's, may have none).
        scope = {
            campaign.id: found
            for campaign in campaigns
            if (found := _in_scope(actor, directory, members[campaign.id], district_id))
        }
        if not scope:
            raise AccessDenied(Action.EXPORT)
        campaigns = [campaign for campaign in campaigns if campaign.id in scope]
        ids = [campaign.id for campaign in campaigns]
        # Read only the schools in scope when that is a part of the rounds (a coordinator's
        # district), not a whole region's answers to drop afterwards.
        wanted = {school.id for schools in scope.values() for school in schools}
        everyone = {school_id for campaign_id in ids for school_id in members[campaign_id]}
        only = wanted if wanted != everyone and len(wanted) <= CHUNK else None
        responses = await export_responses(conn, ids, only)
        answers = await export_answers(conn, ids, only)
        answerers = {user for found in answers.values() for user in found.answered_by}
        names = await user_names(conn, sorted(answerers))
        contacts = await respondent_contacts(conn, ids, only)
        instructions = await instructions_of_rounds(conn, ids)
        owner_ids = (await campaign_owner_ids(conn, [ids[-1]])).get(ids[-1], ())
        owner_names = await user_names(conn, list(owner_ids))

    form_ids = {form.form_id for c in campaigns for form in c.forms} | {
        r.form_id for r in responses
    }
    forms = {
        form_id: await catalog.definition(database, form_id)
        for form_id in sorted(form_ids, reverse=True)
    }
    loaded = _Loaded(
        campaigns=campaigns,
        scope=scope,
        members=members,
        district_id=district_id,
        directory=directory,
        responses=responses,
        answers=answers,
        names=names,
        contacts=contacts,
        forms=forms,
        now=now,
        owners=tuple(owner_names[user_id] for user_id in owner_ids if user_id in owner_names),
    )
    parts = [_form_export(loaded, form.key) for form in campaigns[-1].forms]
    # The reports hold what the sheets need: the rows as read go before the sheets are made.
    del loaded, responses, answers, contacts
    title = await _short_title(database, catalog, campaigns[-1])
    full_title = await monitoring_title(
        database, catalog, campaigns[-1].title, [form.form_id for form in campaigns[-1].forms]
    )
    # Seconds of pure Python at regional scale: off the event loop, so other chats go on.
    export = await asyncio.to_thread(_assembled, parts, title, full_title)
    return with_instructions(
        export, instructions, campaigns=campaigns, directory=directory, school_ids=wanted
    )


@dataclass(frozen=True, slots=True)
class _Loaded:
    """What the database gave for an export, shared by the export of each form."""

    campaigns: list[ExportCampaign]
    scope: dict[int, list[School]]
    members: dict[int, list[int]]
    district_id: int | None
    directory: Directory
    responses: list[ExportResponse]
    answers: dict[int, ResponseAnswers]
    names: dict[int, str]
    contacts: list[RespondentContact]
    forms: dict[int, FormDefinition]
    now: datetime
    owners: tuple[str, ...] = ()


def _form_export(loaded: _Loaded, form_key: str) -> Export:
    """The facts of one form of the monitoring: its schools' responses over the periods."""
    campaigns, directory = loaded.campaigns, loaded.directory
    responses = [r for r in loaded.responses if r.form_key == form_key]
    versions = {
        form.form_id for campaign in campaigns for form in campaign.forms if form.key == form_key
    } | {response.form_id for response in responses}
    forms = {form_id: loaded.forms[form_id] for form_id in sorted(versions, reverse=True)}
    newest_campaign = campaigns[-1].form(form_key)
    assert newest_campaign is not None
    newest = forms[newest_campaign.form_id]
    questions = _merged_questions([newest, *forms.values()])
    periods = _periods(campaigns)
    period_of = {cid: index for index, period in enumerate(periods) for cid in period.campaign_ids}
    by_key = {(r.campaign_id, r.school_id): r for r in responses}
    contacts_of: dict[int, list[RespondentContact]] = defaultdict(list)
    for contact in loaded.contacts:
        contacts_of[contact.school_id].append(contact)
    reports = [
        _report(
            campaign,
            form_key,
            school,
            period_of[campaign.id],
            directory,
            by_key.get((campaign.id, school.id)),
            loaded.answers,
            loaded.names,
            contacts_of[school.id],
            forms,
            loaded.now,
        )
        for campaign in campaigns
        for school in loaded.scope[campaign.id]
    ]
    reports.sort(key=_report_order)
    first_town = directory.municipalities[campaigns[0].municipality_id]
    return Export(
        form_key=newest.id,
        form_title=newest.title,
        short_title=newest.short_title,
        questions=tuple(questions),
        periods=tuple(periods),
        scope=_scope_label(directory, campaigns, loaded.scope, loaded.members, loaded.district_id),
        generated_at=loaded.now.astimezone(ZoneInfo(first_town.timezone)),
        reports=tuple(reports),
        summary=(),
        areas=(),
        dynamics=(),
        sheets=(),
        profile=newest.profile,
        owners=loaded.owners,
    )


def _assembled(facts: Sequence[Export], title: str, full_title: str) -> Export:
    """Each form's aggregates, and the workbook's sheets: a one-form monitoring's as ever (with
    По школам and the findings), several forms' as the monitoring's."""
    parts = [_with_aggregates(part) for part in facts]
    if len(parts) == 1:
        part = parts[0]
        return replace(part, sheets=tuple(single_form_sheets(part)))
    first = parts[0]
    return replace(
        first,
        form_key="+".join(part.form_key for part in parts),
        form_title=full_title,
        short_title=title,
        questions=(),
        summary=(),
        areas=(),
        dynamics=(),
        sheets=tuple(monitoring_sheets(parts, full_title)),
        parts=tuple(parts),
    )


def _with_aggregates(facts: Export) -> Export:
    """The aggregates of the facts (the sheets are laid out from them afterwards)."""
    questions, reports = list(facts.questions), list(facts.reports)
    latest = facts.latest_reports()
    summary = summarize(questions, latest)
    areas: list[AreaSummary] = areas_of(questions, latest)
    dynamics: list[DynamicsRow] = dynamics_of(questions, reports, len(facts.periods))
    return replace(facts, summary=tuple(summary), areas=tuple(areas), dynamics=tuple(dynamics))


def _in_scope(
    actor: Actor, directory: Directory, school_ids: Sequence[int], district_id: int | None
) -> list[School]:
    schools = [directory.schools[school_id] for school_id in school_ids]
    visible = visible_schools(actor, Action.EXPORT, schools)
    return [s for s in visible if district_id is None or s.district_id == district_id]


def _merged_questions(forms: Sequence[FormDefinition]) -> list[Question]:
    """The newest version's questions, then any that only older versions asked."""
    seen: dict[str, Question] = {}
    for form in forms:
        for question in form.questions:
            seen.setdefault(question.id, question)
    return list(seen.values())


def _periods(campaigns: Sequence[ExportCampaign]) -> list[Period]:
    """Campaigns with the same period label (one per municipality) form one period."""
    grouped: dict[str, list[ExportCampaign]] = {}
    for campaign in campaigns:
        grouped.setdefault(campaign.period_label, []).append(campaign)
    periods = [
        Period(label, tuple(c.id for c in group), min(c.opens_at for c in group))
        for label, group in grouped.items()
    ]
    return sorted(periods, key=lambda p: (p.opens_at, p.label))


def _report(
    campaign: ExportCampaign,
    form_key: str,
    school: School,
    period: int,
    directory: Directory,
    response: ExportResponse | None,
    answers: dict[int, ResponseAnswers],
    names: dict[int, str],
    contacts: list[RespondentContact],
    forms: dict[int, FormDefinition],
    now: datetime,
) -> SchoolReport:
    municipality = directory.municipalities[school.municipality_id]
    status = Status.NOT_STARTED if response is None else Status(response.status)
    stored = answers.get(response.id) if response is not None else None
    campaign_form = campaign.form(form_key)
    if response is not None:
        form = forms[response.form_id]
    elif campaign_form is not None:
        form = forms[campaign_form.form_id]
    else:  # an older round without this form: nothing asked, nothing answered
        form = forms[max(forms)]
    first = None if response is None else response.first_submitted_at or response.submitted_at
    deadline = campaign.deadline_at
    done = status in DONE
    if first is not None and (done or now <= deadline):
        timeliness = Timeliness.ON_TIME if first <= deadline else Timeliness.LATE
        late_by = first - deadline if first > deadline else None
    elif now > deadline:  # not in, or returned and not sent again: overdue now
        timeliness, late_by = Timeliness.OVERDUE, now - deadline
    else:
        timeliness, late_by = Timeliness.NOT_DUE, None
    answered_by = () if stored is None else _answerers(stored, names)
    return SchoolReport(
        period=period,
        campaign_id=campaign.id,
        school=school,
        municipality=municipality.name,
        district=None if school.district_id is None else directory.districts[school.district_id],
        timezone=municipality.timezone,
        status=status,
        timeliness=timeliness,
        deadline_at=deadline,
        submitted_at=None if response is None else response.submitted_at,
        first_submitted_at=first,
        accepted_at=None if response is None else response.accepted_at,
        late_by=late_by,
        returned=0 if response is None else response.returned,
        answered_by=answered_by,
        answers={} if stored is None else effective_answers(form, stored.values),
        respondents=tuple(
            Contact(c.full_name, c.position, c.username, c.unreachable) for c in contacts
        ),
        base_school=_base_school(directory, school),
    )


def _base_school(directory: Directory, school: School) -> str | None:
    district = None if school.district_id is None else directory.districts[school.district_id]
    if district is None or district.base_school_id is None:
        return None
    base = directory.schools.get(district.base_school_id)
    return None if base is None else base.short_name


def _answerers(stored: ResponseAnswers, names: dict[int, str]) -> tuple[str, ...]:
    ranked = sorted(stored.answered_by.items(), key=lambda item: (-item[1], item[0]))
    return tuple(names[user] for user, _ in ranked if user in names)


def _report_order(report: SchoolReport) -> tuple[object, ...]:
    district = report.district_name
    return (
        report.period,
        report.municipality,
        district == "",  # schools without a district after the districts
        natural_key(district),
        natural_key(report.school.short_name),
    )


def _scope_label(
    directory: Directory,
    campaigns: Sequence[ExportCampaign],
    scope: dict[int, list[School]],
    members: dict[int, list[int]],
    district_id: int | None,
) -> str:
    """The municipalities, and the district or "N из M школ" when the export covers part."""
    label = ", ".join(sorted({directory.municipalities[c.municipality_id].name for c in campaigns}))
    if district_id is not None:
        district = directory.districts[district_id].name
        return f"{label}, {labels.DISTRICT_SCOPE.format(district=district)}"
    shown = len({school.id for schools in scope.values() for school in schools})
    total = len({school_id for ids in members.values() for school_id in ids})
    if shown < total:
        return f"{label}, {labels.PARTIAL_SCOPE.format(shown=shown, total=total)}"
    return label


def export_filename(export: Export, today: date) -> str:
    """ "ВСОКО — 1 полугодие — 11.03.2026.xlsx": safe on Windows, Telegram and mail."""
    labels_ = [period.label for period in export.periods]
    period = (
        labels_[0]
        if len(labels_) == 1
        else labels.FILE_PERIODS.format(first=labels_[0], last=labels_[-1])
    )
    name = labels.FILE_NAME.format(
        title=export.short_title, period=period, day=today.strftime("%d.%m.%Y")
    )
    return safe_filename(name)


_UNSAFE = str.maketrans({char: " " for char in '\\/:*?"<>|'} | {chr(c): None for c in range(32)})


def safe_filename(name: str) -> str:
    cleaned = " ".join(name.translate(_UNSAFE).split())
    stem, _, suffix = cleaned.rpartition(".")
    return f"{stem[:150].rstrip()}.{suffix}"
