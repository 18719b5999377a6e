"""A school's own road map (seed 003: "47 утверждены, 14 на доработке"): its representative
uploads it, the department approves it or returns it for revision, every version is kept.

- ``submit_school_map``: a representative of the school (``Action.SUBMIT_SCHOOL_PLAN``) uploads
  the map of a school year. The first upload makes the school's plan (kind ``road_map``, its
  ``school_id``, approval "submitted") with the draft's items, owners recognised among the
  municipality's people as in ``save_plan``; each upload after it keeps the plan, replaces its
  items (their progress goes with them: the map is a new text) and adds the next version of the
  document, and the map awaits a decision again. An approved map is final: ``MapApproved``.
- ``decide``: a methodist of the municipality (``Action.REVIEW_SCHOOL_PLANS``) approves the
  latest version or returns it with a comment (required, bounded as a review's); the decision
  is kept on that version and on the plan. A version that is no longer the latest (the school
  sent another meanwhile), or a map decided already, raises ``NotAwaiting``.
- ``maps_summary``: per municipality and school year, how many maps are approved, returned,
  awaiting a decision, and which expected schools have none. The schools expected to have one
  are the municipality's ШНОР schools when the directory marks any, otherwise all its schools
  (a school outside the list that sent one anyway is counted among the maps all the same).
"""

from dataclasses import dataclass, replace
from datetime import datetime

from core.access import (
    DEPLOYMENT,
    AccessDenied,
    Action,
    Target,
    allows,
    allows_somewhere,
    authorize,
)
from core.actors import Actor
from core.directory import Directory, load_directory, load_schools, natural_key
from core.plans.model import PlanDraft
from core.plans.store import TITLE_LIMIT, new_item, plan_people
from core.review import check_comment
from storage import Database
from storage.directory import Municipality, School
from storage.people import Role, list_people
from storage.plan_documents import (
    DocumentVersion,
    add_version,
    list_versions,
    municipalities_with_maps,
    record_decision,
    replace_items,
    resubmit,
    school_map_for_upload,
    school_map_id,
    school_map_ids,
    school_maps,
    version_file,
)
from storage.plans import Approval, PlanKind, add_plan, get_plan

# A representative answers for a school: the roles whose grant on one school lets them submit.
REPRESENTATIVE_ROLES = frozenset({Role.RESPONDENT})


class MapApproved(Exception):
    """The school's map of that year is approved: it is not replaced."""


class _Lost(Exception):
    """A decision found the map changed under it (rolled back, then told as ``NotAwaiting``)."""


@dataclass(frozen=True, slots=True)
class SchoolMap:
    """A school's road map of a school year as it stands: ``approval`` None when it was never
    submitted (then there is no plan and no version)."""

    school: School
    timezone: str  # the school's municipality's
    school_year: int
    plan_id: int | None
    approval: Approval | None
    comment: str | None  # the department's, while the map is returned
    versions: tuple[DocumentVersion, ...]

    @property
    def latest(self) -> DocumentVersion | None:
        return self.versions[-1] if self.versions else None

    @property
    def awaiting(self) -> bool:
        return self.approval is Approval.SUBMITTED


class NotAwaiting(Exception):
    """The map does not await this decision: decided already, or a newer version came."""

    def __init__(self, current: SchoolMap) -> None:
        super().__init__(current.plan_id)
        self.current = current


@dataclass(frozen=True, slots=True)
class Submitted:
    """What an upload made: the map as it now stands, and how its owners were recognised."""

    map: SchoolMap
    version: int
    sections: int
    items: int
    known: int  # owners named in the file found among the bot's people
    people: int  # owners named in the file as people (surname and initials)


@dataclass(frozen=True, slots=True)
class Recipient:
    """A representative of the school, to be told of a decision."""

    user_id: int
    telegram_id: int


@dataclass(frozen=True, slots=True)
class Decision:
    map: SchoolMap
    version: int
    recipients: tuple[Recipient, ...]


@dataclass(frozen=True, slots=True)
class AwaitingMap:
    plan_id: int
    school: School
    approval: Approval
    version: int
    uploaded_at: datetime


@dataclass(frozen=True, slots=True)
class MapsSummary:
    """The school maps of a municipality's school year: "утверждены N, на доработке M, на
    рассмотрении S, не представлены K". ``maps`` lists every map, awaiting ones first."""

    municipality: Municipality
    school_year: int
    approved: int
    returned: int
    submitted: int
    missing: tuple[School, ...]
    maps: tuple[AwaitingMap, ...]


def represented_schools(actor: Actor) -> list[int]:
    """The schools the actor represents (a respondent's grant on a school), in grant order."""
    found = (
        grant.school_id
        for grant in actor.grants
        if grant.role in REPRESENTATIVE_ROLES and grant.school_id is not None
    )
    return list(dict.fromkeys(found))


async def my_school_maps(database: Database, actor: Actor, school_year: int) -> list[SchoolMap]:
    """The maps of that school year of the schools the actor represents, by school name."""
    school_ids = represented_schools(actor)
    if not school_ids:
        return []
    directory = await load_schools(database, school_ids)
    maps = [
        await _map_of(database, directory, school, school_year)
        for school in directory.schools.values()
        if allows(actor, Action.SUBMIT_SCHOOL_PLAN, Target.school(school))
    ]
    return sorted(maps, key=lambda found: natural_key(found.school.short_name))


async def school_map(
    database: Database, actor: Actor, school_id: int, school_year: int
) -> SchoolMap:
    """A school's map of a year, for its representative or a reviewer; ``AccessDenied`` for
    anyone else and for a school that does not exist."""
    directory = await load_schools(database, [school_id])
    school = directory.schools.get(school_id)
    if school is None or not _may_open(actor, school):
        raise AccessDenied(Action.SUBMIT_SCHOOL_PLAN)
    return await _map_of(database, directory, school, school_year)


async def school_map_by_plan(database: Database, actor: Actor, plan_id: int) -> SchoolMap:
    """The map a plan is, for the school's representative or a reviewer; ``AccessDenied`` for
    anyone else and for a plan that is no school's map."""
    async with database.read() as conn:
        plan = await get_plan(conn, plan_id)
    if plan is None or plan.school_id is None or plan.kind is not PlanKind.ROAD_MAP:
        raise AccessDenied(Action.REVIEW_SCHOOL_PLANS)
    return await school_map(database, actor, plan.school_id, plan.school_year)


async def review_map(database: Database, actor: Actor, plan_id: int) -> SchoolMap:
    """The map a plan is, for a reviewer of its school's maps only."""
    found = await school_map_by_plan(database, actor, plan_id)
    authorize(actor, Action.REVIEW_SCHOOL_PLANS, Target.school(found.school))
    return found


def _may_open(actor: Actor, school: School) -> bool:
    target = Target.school(school)
    return allows(actor, Action.SUBMIT_SCHOOL_PLAN, target) or allows(
        actor, Action.REVIEW_SCHOOL_PLANS, target
    )


async def _map_of(
    database: Database, directory: Directory, school: School, school_year: int
) -> SchoolMap:
    timezone = directory.municipalities[school.municipality_id].timezone
    async with database.read() as conn:
        plan_id = await school_map_id(conn, school.id, school_year)
        plan = None if plan_id is None else await get_plan(conn, plan_id)
        versions = () if plan_id is None else tuple(await list_versions(conn, plan_id))
    return SchoolMap(
        school=school,
        timezone=timezone,
        school_year=school_year,
        plan_id=plan_id,
        approval=None if plan is None else plan.approval,
        comment=None if plan is None else plan.review_comment,
        versions=versions,
    )


async def latest_file(database: Database, actor: Actor, plan_id: int) -> tuple[str, bytes]:
    """The latest uploaded file of a school's map: its name and content (for a reviewer)."""
    found = await review_map(database, actor, plan_id)
    if found.latest is None:
        raise AccessDenied(Action.REVIEW_SCHOOL_PLANS)
    async with database.read() as conn:
        stored = await version_file(conn, plan_id, found.latest.version)
    assert stored is not None
    return stored


async def submit_school_map(
    database: Database,
    actor: Actor,
    school_id: int,
    draft: PlanDraft,
    file_name: str,
    content: bytes,
    now: datetime,
) -> Submitted:
    """Store an uploaded map of ``draft.school_year`` for the school, as a new version.

    ``AccessDenied`` unless the actor represents the school; ``MapApproved`` when the map of
    that year is approved already (nothing is stored)."""
    directory = await load_schools(database, [school_id])
    school = directory.schools.get(school_id)
    if school is None:
        raise AccessDenied(Action.SUBMIT_SCHOOL_PLAN)
    authorize(actor, Action.SUBMIT_SCHOOL_PLAN, Target.school(school))
    people = await plan_people(database, school.municipality_id, school.id)
    items = [
        replace(new_item(section.title, item, people), school_ids=(school_id,))
        for section in draft.sections
        for item in section.items
    ]
    title = _clipped(draft.title, TITLE_LIMIT)
    user_id = None if actor.user is None else actor.user.id
    async with database.write() as conn:
        plan_id = await school_map_for_upload(conn, school_id, draft.school_year)
        if plan_id is None:
            plan_id = await add_plan(
                conn,
                municipality_id=school.municipality_id,
                kind=PlanKind.ROAD_MAP,
                title=title,
                school_year=draft.school_year,
                items=items,
                created_by=user_id,
                now=now,
                school_id=school_id,
                approval=Approval.SUBMITTED,
            )
        else:
            if not await resubmit(conn, plan_id, title=title):
                raise MapApproved(plan_id)
            await replace_items(conn, plan_id, items, now=now)
        version = await add_version(
            conn, plan_id, file_name=file_name, content=content, uploaded_by=user_id, now=now
        )
    written = {person.name for item in draft.items for person in item.owners.people}
    known = {owner.name for item in items for owner in item.owners if owner.user_id is not None}
    return Submitted(
        map=await _map_of(database, directory, school, draft.school_year),
        version=version,
        sections=len(draft.sections),
        items=len(items),
        known=len(known),
        people=len(written),
    )


async def decide(
    database: Database,
    actor: Actor,
    plan_id: int,
    approve: bool,
    comment: str,
    now: datetime,
    *,
    version: int | None = None,
) -> Decision:
    """Approve the map's latest version, or return it for revision with ``comment``.

    ``version``: the version the reviewer saw; another one (the school sent a newer one
    meanwhile) raises ``NotAwaiting``, as does a map not awaiting a decision. A return needs a
    comment (``core.review.BadComment`` when empty or too long); an approval takes an optional
    one. ``AccessDenied`` unless the actor reviews the school's maps."""
    current = await review_map(database, actor, plan_id)
    text = check_comment(comment) if not approve or comment.strip() else None
    latest = current.latest
    if not current.awaiting or latest is None or version not in (None, latest.version):
        raise NotAwaiting(current)
    decision = Approval.APPROVED if approve else Approval.RETURNED
    try:
        async with database.write() as conn:
            recorded = await record_decision(
                conn,
                plan_id,
                latest.version,
                decision,
                comment=text,
                decided_by=None if actor.user is None else actor.user.id,
                now=now,
            )
            if not recorded:
                raise _Lost(plan_id)  # rolls the plan's row back
            people = await list_people(conn)
    except _Lost:
        raise NotAwaiting(await school_map_by_plan(database, actor, plan_id)) from None
    school = current.school
    recipients = tuple(
        Recipient(person.user.id, person.user.telegram_id)
        for person in people
        if person.user.unreachable_since is None
        and any(
            grant.role in REPRESENTATIVE_ROLES and grant.school_id == school.id
            for grant in person.grants
        )
    )
    decided = await school_map_by_plan(database, actor, plan_id)
    return Decision(decided, latest.version, recipients)


def expected_schools(directory: Directory, municipality_id: int) -> list[School]:
    """The schools of a municipality that owe a road map: its ШНОР schools when the directory
    marks any, otherwise every school."""
    schools = directory.schools_of(municipality_id)
    marked = [school for school in schools if school.is_shnor]
    return marked or schools


def review_municipalities(actor: Actor, directory: Directory, with_maps: set[int]) -> list[int]:
    """The municipalities whose school maps the actor reviews, by name: those their grants name,
    and for a reviewer of the whole deployment (an administrator, a regional methodist) those of
    ``with_maps`` (where some school sent a map), not every municipality."""
    wide = allows(actor, Action.REVIEW_SCHOOL_PLANS, DEPLOYMENT)
    found = [
        municipality
        for municipality in directory.municipalities.values()
        if allows(actor, Action.REVIEW_SCHOOL_PLANS, Target.municipality(municipality.id))
        and (not wide or municipality.id in with_maps or _named(actor, municipality.id))
    ]
    return [municipality.id for municipality in sorted(found, key=lambda m: m.name)]


def _named(actor: Actor, municipality_id: int) -> bool:
    return any(grant.municipality_id == municipality_id for grant in actor.grants)


async def maps_summary(
    database: Database,
    actor: Actor,
    municipality_id: int,
    school_year: int,
    *,
    directory: Directory | None = None,
) -> MapsSummary:
    """The school maps of a municipality's school year; ``AccessDenied`` unless the actor
    reviews them."""
    authorize(actor, Action.REVIEW_SCHOOL_PLANS, Target.municipality(municipality_id))
    directory = directory or await load_directory(database)
    async with database.read() as conn:
        rows = await school_maps(conn, municipality_id, school_year)
    submitted = {row.school_id for row in rows}
    order = {Approval.SUBMITTED: 0, Approval.RETURNED: 1, Approval.APPROVED: 2}
    maps = sorted(
        (
            AwaitingMap(
                row.plan_id,
                directory.schools[row.school_id],
                row.approval,
                row.latest_version,
                row.uploaded_at,
            )
            for row in rows
            if row.school_id in directory.schools
        ),
        key=lambda found: (order[found.approval], natural_key(found.school.short_name)),
    )
    return MapsSummary(
        municipality=directory.municipalities[municipality_id],
        school_year=school_year,
        approved=sum(row.approval is Approval.APPROVED for row in rows),
        returned=sum(row.approval is Approval.RETURNED for row in rows),
        submitted=sum(row.approval is Approval.SUBMITTED for row in rows),
        missing=tuple(
            school
            for school in expected_schools(directory, municipality_id)
            if school.id not in submitted
        ),
        maps=tuple(maps),
    )


async def reviewed_summaries(
    database: Database, actor: Actor, school_year: int
) -> list[MapsSummary]:
    """A summary per municipality whose school maps the actor reviews (see
    ``review_municipalities``); none for anyone who reviews none."""
    if not allows_somewhere(actor, Action.REVIEW_SCHOOL_PLANS):
        return []
    directory = await load_directory(database)
    with_maps: set[int] = set()
    if allows(actor, Action.REVIEW_SCHOOL_PLANS, DEPLOYMENT):
        async with database.read() as conn:
            with_maps = await municipalities_with_maps(conn, school_year)
    return [
        await maps_summary(database, actor, municipality_id, school_year, directory=directory)
        for municipality_id in review_municipalities(actor, directory, with_maps)
    ]


async def school_map_plans(database: Database) -> set[int]:
    """The ids of the plans that are schools' own maps (the /plans list leaves them to the
    school maps' own buttons)."""
    async with database.read() as conn:
        return await school_map_ids(conn)


def _clipped(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
