"""The rounds an actor may draft an order on, and the draft of one of them against the round of
the same monitoring and municipality before it."""

from datetime import datetime

from pydantic import ValidationError

from core.access import AccessDenied, Action, allows_somewhere
from core.actors import Actor
from core.export import ExportChoice, build_export, list_exportable
from core.forms.models import FormDefinition
from core.order.compose import compose_order
from core.order.model import OrderDraft
from core.questionnaires import FormCatalog
from storage import Database
from storage.campaigns import get_campaign


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
    chosen, previous = await order_rounds(database, catalog, actor, campaign_id)
    return await draft_rounds(database, catalog, actor, chosen, previous, now=now)


async def order_rounds(
    database: Database, catalog: FormCatalog, actor: Actor, campaign_id: int
) -> tuple[ExportChoice, ExportChoice | None]:
    """The round to draft on and the round before it, each with its schools in the actor's
    scope. Raises ``AccessDenied`` for a round the actor may not draft (or that does not exist)."""
    choices = await list_orderable(database, catalog, actor)
    chosen = next((choice for choice in choices if choice.campaign_id == campaign_id), None)
    if chosen is None:
        raise AccessDenied(Action.ORDER)
    return chosen, _previous_round(choices, chosen)


async def draft_rounds(
    database: Database,
    catalog: FormCatalog,
    actor: Actor,
    chosen: ExportChoice,
    previous: ExportChoice | None,
    *,
    now: datetime,
) -> OrderDraft:
    """The draft on the rounds ``order_rounds`` found."""
    campaign_id = chosen.campaign_id
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
