"""Opening a monitoring round. (A minimal version; the campaigns feature builds on it.)"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.services.access import Action, Target, allows, authorize
from bot.services.actors import Actor
from bot.services.directory import load_directory
from bot.services.questionnaires import FormCatalog
from bot.services.schedule import ReminderPlan
from storage import Database
from storage.campaigns import Campaign, add_campaign


def local_deadline(day: date, timezone: str) -> datetime:
    """The end of ``day`` in the municipality's time zone (23:59:59 local)."""
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=ZoneInfo(timezone)) - timedelta(
        seconds=1
    )


async def open_form_for_schools(
    database: Database,
    catalog: FormCatalog,
    actor: Actor,
    form_key: str,
    *,
    deadline: date,
    period_label: str,
    now: datetime,
    reminder_plan: ReminderPlan | None = None,
) -> list[tuple[Campaign, int]]:
    """One campaign per municipality where the actor runs campaigns, for all its schools.

    Returns each campaign with its number of schools.
    """
    if form_key not in catalog.current:
        raise LookupError(form_key)
    directory = await load_directory(database)
    opened: list[tuple[Campaign, int]] = []
    async with database.write() as conn:
        for municipality in directory.municipalities.values():
            target = Target.municipality(municipality.id)
            if not allows(actor, Action.RUN_CAMPAIGNS, target):
                continue
            authorize(actor, Action.RUN_CAMPAIGNS, target)
            schools = directory.schools_of(municipality.id)
            if not schools:
                continue
            campaign = await add_campaign(
                conn,
                form_id=catalog.row_id(form_key),
                municipality_id=municipality.id,
                period_label=period_label,
                opens_at=now,
                deadline_at=local_deadline(deadline, municipality.timezone),
                school_ids=[school.id for school in schools],
                created_by=None if actor.user is None else actor.user.id,
                reminder_plan=None if reminder_plan is None else reminder_plan.to_json(),
            )
            opened.append((campaign, len(schools)))
    return opened
