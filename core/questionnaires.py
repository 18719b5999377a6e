"""Answering questionnaires: what a school must answer, recording answers, submitting.

Every call checks access through ``core.access``; answers are written the moment they
are accepted, so a conversation can always be rebuilt from the database.
"""

import json
import logging
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from core.access import ROLE_ACTIONS, AccessDenied, Action, Target, allows, authorize
from core.actors import Actor
from core.directory import load_directory, load_schools
from core.forms.engine import is_complete, progress
from core.forms.models import FormDefinition
from storage import Database
from storage.campaigns import Campaign, get_campaign, open_campaigns_for_schools
from storage.directory import School, schools_with_municipalities
from storage.forms import (
    FormCodeTaken,
    StoredForm,
    ensure_form_version,
    get_form,
    uploaded_forms,
)
from storage.responses import (
    Response,
    Status,
    StoredAnswer,
    change_status,
    get_or_create_response,
    get_response,
    get_response_for_writing,
    load_answers,
    save_answer,
)
from texts import questionnaire as texts

log = logging.getLogger(__name__)


class AnswerLocked(Exception):
    """The response was submitted and its deadline has passed: no more changes."""


class Incomplete(Exception):
    """Submitting a response with required questions still unanswered."""


class AvailableForms(Mapping[str, FormDefinition]):
    """The forms a municipality's monitorings may use, by key: the built-in ones (each in its
    current version) and then the ones its methodists uploaded (each in its latest version), with
    the stored row a new response starts on."""

    def __init__(self, forms: Mapping[str, tuple[int, FormDefinition]], uploaded: set[str]) -> None:
        self._forms = dict(forms)
        self.uploaded = frozenset(uploaded)

    def __getitem__(self, key: str) -> FormDefinition:
        return self._forms[key][1]

    def __iter__(self) -> Iterator[str]:
        return iter(self._forms)

    def __len__(self) -> int:
        return len(self._forms)

    def row_id(self, key: str) -> int:
        return self._forms[key][0]


class FormCatalog:
    """The forms this deployment knows: the current version of each built-in one (from YAML),
    every stored version (for responses started on an older one), and through ``available`` the
    forms a municipality's methodists uploaded (read from the database on each call, so that
    every replica sees an upload at once)."""

    def __init__(self, forms: Mapping[str, FormDefinition]) -> None:
        self.current = dict(forms)
        self._by_row: dict[int, FormDefinition] = {}
        self._row_of: dict[str, int] = {}

    async def sync(self, database: Database) -> None:
        """Store each current version once; refuses a changed form that kept its version.

        A built-in form whose code a municipality has uploaded meanwhile is left out (logged as
        an error): the municipality keeps its own form and the bot still starts; the built-in
        form needs another code to be offered."""
        async with database.write() as conn:
            for form in list(self.current.values()):
                try:
                    stored = await ensure_form_version(
                        conn, form.id, form.version, form.title, form.model_dump(mode="json")
                    )
                except FormCodeTaken as taken:
                    log.error("built-in form left out: %s", taken)
                    del self.current[form.id]
                    continue
                self._by_row[stored.id] = form
                self._row_of[form.id] = stored.id

    def row_id(self, key: str) -> int:
        return self._row_of[key]

    async def available(self, database: Database, municipality_id: int | None) -> AvailableForms:
        """The built-in forms, then those uploaded for ``municipality_id`` (by title)."""
        forms = {key: (self._row_of[key], form) for key, form in self.current.items()}
        if municipality_id is None:
            return AvailableForms(forms, set())
        async with database.read() as conn:
            uploaded = await uploaded_forms(conn, municipality_id)
        for stored in uploaded:
            if stored.key not in forms:  # a built-in key is never taken by an upload
                forms[stored.key] = (stored.id, await self.definition(database, stored.id))
        return AvailableForms(forms, {stored.key for stored in uploaded} - set(self.current))

    async def definition(self, database: Database, form_row_id: int) -> FormDefinition:
        if form_row_id not in self._by_row:
            async with database.read() as conn:
                stored: StoredForm | None = await get_form(conn, form_row_id)
            if stored is None:
                raise LookupError(form_row_id)
            self._by_row[form_row_id] = FormDefinition.model_validate(stored.definition)
        return self._by_row[form_row_id]


async def monitoring_title(
    database: Database, catalog: FormCatalog, title: str | None, form_ids: Sequence[int]
) -> str:
    """What a monitoring is called: its own title; else its one form's title; else
    "Мониторинг: <short titles>"."""
    if title:
        return title
    forms = [await catalog.definition(database, form_id) for form_id in form_ids]
    if len(forms) == 1:
        return forms[0].title
    return texts.MONITORING_OF.format(forms=", ".join(form.short_title for form in forms))


async def monitoring_short_title(
    database: Database, catalog: FormCatalog, title: str | None, form_ids: Sequence[int]
) -> str:
    """What a list calls a monitoring: its one form's short title, else its title."""
    if len(form_ids) == 1 and not title:
        return (await catalog.definition(database, form_ids[0])).short_title
    return await monitoring_title(database, catalog, title, form_ids)


async def campaign_title(database: Database, catalog: FormCatalog, campaign: Campaign) -> str:
    return await monitoring_title(
        database, catalog, campaign.title, [form.form_id for form in campaign.forms]
    )


@dataclass(frozen=True, slots=True)
class ResponseView:
    response: Response
    campaign: Campaign
    school: School
    form: FormDefinition
    answers: dict[str, StoredAnswer]
    timezone: str  # the municipality's: deadlines and times are shown in it

    @property
    def values(self) -> dict[str, Any]:
        return {question_id: answer.value for question_id, answer in self.answers.items()}

    @property
    def complete(self) -> bool:
        return is_complete(self.form, self.values)


@dataclass(frozen=True, slots=True)
class FormToAnswer:
    response: Response
    campaign: Campaign
    school: School
    form: FormDefinition
    answered: int
    total: int
    timezone: str
    monitoring: str | None = None  # a monitoring of several forms: its title


def answering_schools(actor: Actor) -> frozenset[int] | None:
    """The schools the actor answers for when every grant that lets them answer names its
    school (a respondent); None when one covers more (an administrator)."""
    if actor.bootstrap_admin:
        return None
    found: set[int] = set()
    for grant in actor.grants:
        if Action.ANSWER in ROLE_ACTIONS[grant.role]:
            if grant.school_id is None:
                return None
            found.add(grant.school_id)
    return frozenset(found)


async def forms_to_answer(
    database: Database, catalog: FormCatalog, actor: Actor, *, now: datetime
) -> list[FormToAnswer]:
    """Every form of every open monitoring of every school the actor answers for, with its
    progress, in the monitoring's order."""
    named = answering_schools(actor)
    directory = await (load_directory(database) if named is None else load_schools(database, named))
    schools = [
        s for s in directory.schools.values() if allows(actor, Action.ANSWER, Target.school(s))
    ]
    found: list[FormToAnswer] = []
    async with database.write() as conn:
        pairs = await open_campaigns_for_schools(conn, [s.id for s in schools], now)
        titles = {
            campaign.id: await campaign_title(database, catalog, campaign)
            for _, campaign in pairs
            if len(campaign.forms) > 1
        }
        for school_id, campaign in pairs:
            for campaign_form in campaign.forms:
                response = await get_or_create_response(
                    conn, campaign.id, school_id, campaign_form.key, campaign_form.form_id, now
                )
                form = await catalog.definition(database, response.form_id)
                values = {q: a.value for q, a in (await load_answers(conn, response.id)).items()}
                shown = progress(form, values, None)
                found.append(
                    FormToAnswer(
                        response,
                        campaign,
                        directory.schools[school_id],
                        form,
                        shown.answered,
                        shown.total,
                        directory.municipalities[campaign.municipality_id].timezone,
                        titles.get(campaign.id),
                    )
                )
    return found


async def open_response(
    database: Database, catalog: FormCatalog, actor: Actor, response_id: int, action: Action
) -> ResponseView:
    """A response with its answers, if the actor may do ``action`` on its school."""
    async with database.read() as conn:
        response = await get_response(conn, response_id)
        found = (
            []
            if response is None
            else await schools_with_municipalities(conn, [response.school_id])
        )
        campaign = None if response is None else await get_campaign(conn, response.campaign_id)
        stored = {} if response is None else await load_answers(conn, response.id)
    if response is None or not found or campaign is None:
        raise AccessDenied(action)
    ((school, municipality),) = found
    authorize(actor, action, Target.school(school))
    form = await catalog.definition(database, response.form_id)
    return ResponseView(response, campaign, school, form, stored, municipality.timezone)


@dataclass(frozen=True, slots=True)
class Recorded:
    view: ResponseView
    # Someone else changed this answer after it was shown to this person: their name and value.
    overwritten: StoredAnswer | None


def may_change(view: ResponseView, now: datetime) -> bool:
    """A school changes its answers until it is accepted or the campaign is closed early; once
    submitted, only until the deadline."""
    if view.campaign.closed_at is not None or view.response.status is Status.ACCEPTED:
        return False
    submitted = view.response.status is Status.SUBMITTED
    return not (submitted and now > view.campaign.deadline_at)


async def record_answer(
    database: Database,
    actor: Actor,
    view: ResponseView,
    question_id: str,
    value: Any,
    *,
    seen: str | None,
    now: datetime,
) -> Recorded:
    """Write an accepted answer. Last write wins; both versions stay in the history, and the
    result says whose answer was overwritten if it changed after ``seen`` (its stamp then).

    ``view`` is the response as the person saw it; access is checked again on its school, and
    its status and answers are re-read in the writing transaction, so nothing stale is trusted.
    """
    authorize(actor, Action.ANSWER, Target.school(view.school))
    user_id = None if actor.user is None else actor.user.id
    async with database.write() as conn:
        current_state = await get_response_for_writing(conn, view.response.id)
        assert current_state is not None
        response = current_state.response
        campaign = replace(
            view.campaign,
            deadline_at=current_state.deadline_at,
            closed_at=current_state.closed_at,
        )
        if not may_change(replace(view, response=response, campaign=campaign), now):
            raise AnswerLocked(response.id)
        answers = await load_answers(conn, response.id)
        current = answers.get(question_id)
        overwritten = (
            current
            if current is not None and current.stamp != seen and current.answered_by != user_id
            else None
        )
        await save_answer(conn, response.id, question_id, value, user_id=user_id, now=now)
        response = replace(response, updated_at=now.astimezone(UTC))
        if response.status in (Status.NOT_STARTED, Status.RETURNED):
            response = await change_status(conn, response, Status.DRAFT, user_id=user_id, now=now)
    # The answers as they now stand, without reading them again: the value as the JSON column
    # gives it back, the time as the timestamp column does.
    answers[question_id] = StoredAnswer(
        question_id,
        json.loads(json.dumps(value)),
        user_id,
        None if actor.user is None else actor.user.full_name,
        now.astimezone(UTC),
    )
    return Recorded(replace(view, response=response, answers=answers), overwritten)


async def submit_response(
    database: Database, catalog: FormCatalog, actor: Actor, response_id: int, *, now: datetime
) -> ResponseView:
    """Submit (or re-submit after changes); the transition is recorded with who and when."""
    view = await open_response(database, catalog, actor, response_id, Action.ANSWER)
    if not view.complete:
        raise Incomplete(response_id)
    if not may_change(view, now):
        raise AnswerLocked(response_id)
    user_id = None if actor.user is None else actor.user.id
    async with database.write() as conn:
        await change_status(conn, view.response, Status.SUBMITTED, user_id=user_id, now=now)
    return await open_response(database, catalog, actor, response_id, Action.ANSWER)
