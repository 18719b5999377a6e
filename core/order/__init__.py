"""The analytic order (распоряжение) drafted from a monitoring round's answers.

Entry points:

- ``list_orderable(database, catalog, actor) -> list[ExportChoice]``: the rounds the actor may
  draft an order on (``Action.ORDER``: methodists and administrators, coordinators for their
  schools), newest first.
- ``draft_order(database, catalog, actor, *, campaign_id, now) -> OrderDraft``: what the round's
  handed-in answers say, worded by its forms (``core.order.compose``), with the previous round
  of the same monitoring for the change; only the schools in the actor's scope.
- ``order_document(draft, choices) -> Document``: the draft as the department's document, with
  the instructions the methodist kept and their deadline; ``exports.documents.render_document``
  prints it (into the department's template, if it has one).
- ``order_filename(draft, today)``: "Распоряжение — ВСОКО — 1 полугодие — 11.03.2026.docx".
"""

from datetime import date, datetime

from pydantic import ValidationError

from core.access import AccessDenied, Action, allows_somewhere
from core.actors import Actor
from core.export import ExportChoice, build_export, list_exportable
from core.export.build import safe_filename
from core.forms.models import FormDefinition
from core.order.compose import MISSING, compose_order
from core.order.document import deadline_text, order_document, title_of
from core.order.model import Finding, Instruction, OrderChoices, OrderDraft, Share
from core.questionnaires import FormCatalog
from storage import Database
from storage.campaigns import get_campaign

FILE_NAME = "Распоряжение — {title} — {period} — {day}.docx"


async def list_orderable(
    database: Database, catalog: FormCatalog, actor: Actor
) -> list[ExportChoice]:
    if not allows_somewhere(actor, Action.ORDER):
        raise AccessDenied(Action.ORDER)
    return await list_exportable(database, catalog, actor)


async def draft_order(
    database: Database, catalog: FormCatalog, actor: Actor, *, campaign_id: int, now: datetime
) -> OrderDraft:
    """Raises ``AccessDenied`` for a round the actor may not draft (or that does not exist)."""
    choices = await list_orderable(database, catalog, actor)
    chosen = next((choice for choice in choices if choice.campaign_id == campaign_id), None)
    if chosen is None:
        raise AccessDenied(Action.ORDER)
    previous = _previous_round(choices, chosen)
    campaign_ids = [previous.campaign_id, campaign_id] if previous else [campaign_id]
    export = await build_export(database, catalog, actor, campaign_ids=campaign_ids, now=now)
    async with database.read() as conn:
        campaign = await get_campaign(conn, campaign_id)
    if campaign is None:
        raise AccessDenied(Action.ORDER)
    definitions: dict[str, FormDefinition] = {}
    for form in campaign.forms:
        stored = await catalog.definition(database, form.form_id)
        current = catalog.current.get(form.key)
        definitions[form.key] = with_wording_of(stored, current) if current else stored
    author = actor.user.full_name if actor.user else None
    return compose_order(export, definitions, campaign_id=campaign_id, author=author)


def with_wording_of(stored: FormDefinition, current: FormDefinition) -> FormDefinition:
    """The round's own version of a form, worded as the current version words its questions:
    a round opened before a form's wording changed (or before it had any) still gets it, for
    the questions and options that are the same (same id and type)."""
    if stored.version == current.version:
        return stored
    questions = {question.id: question for question in current.questions}
    definition = stored.model_dump(mode="json")
    for section in definition["sections"]:
        for question in section["questions"]:
            newer = questions.get(question["id"])
            if newer is None or newer.type != question["type"]:
                continue
            wording = newer.order.model_dump(mode="json")
            if wording["none_option"] not in {option["id"] for option in question["options"]}:
                wording["none_option"] = None  # an option the older version did not have
            question["order"] = wording
            for option in question["options"]:
                if (same := newer.option(option["id"])) is not None:
                    option["finding"], option["instruction"] = same.finding, same.instruction
    try:
        return FormDefinition.model_validate(definition)
    except ValidationError:  # wording that does not fit the older questions: theirs, as is
        return stored


def _previous_round(choices: list[ExportChoice], chosen: ExportChoice) -> ExportChoice | None:
    """The round of the same monitoring and municipality just before ``chosen``."""
    earlier = [
        choice
        for choice in choices
        if choice.series == chosen.series
        and choice.municipality == chosen.municipality
        and choice.opens_at < chosen.opens_at
        and choice.period_label != chosen.period_label
    ]
    return max(earlier, key=lambda choice: choice.opens_at, default=None)


def order_filename(draft: OrderDraft, today: date) -> str:
    name = FILE_NAME.format(title=draft.title, period=draft.period, day=today.strftime("%d.%m.%Y"))
    return safe_filename(name)


__all__ = [
    "MISSING",
    "Finding",
    "Instruction",
    "OrderChoices",
    "OrderDraft",
    "Share",
    "deadline_text",
    "draft_order",
    "list_orderable",
    "order_document",
    "order_filename",
    "title_of",
]
