"""Access control, in one place: may this person do this action on this part of the directory?

Every handler and service that reads or writes school data asks ``authorize`` (or ``allows``)
here. Deny by default: an action not listed for a role is refused, and so is any target outside
the scope of the grant that carries the role.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from core.actors import Actor
from storage.directory import District, School
from storage.people import Role, RoleGrant

log = logging.getLogger(__name__)


class Action(StrEnum):
    ANSWER = "answer"  # fill in, change and submit a school's questionnaires
    VIEW_ANSWERS = "view_answers"  # read a school's answers
    VIEW_STATUS = "view_status"  # see who has answered
    NUDGE = "nudge"  # remind a late school
    EXPORT = "export"  # download the consolidated workbook
    REVIEW = "review"  # return a response for revision, or accept it
    RUN_CAMPAIGNS = "run_campaigns"  # open, change and close monitoring rounds
    INVITE = "invite"  # create and revoke invitations
    MANAGE_PEOPLE = "manage_people"  # list people, change their roles, remove them
    IMPORT_DIRECTORY = "import_directory"  # load municipalities, districts and schools
    ORDER = "order"  # draft the analytic order (распоряжение) of a monitoring round
    ORDER_TEMPLATE = "order_template"  # upload or remove the department's .docx template
    VIEW_PLANS = "view_plans"  # see road maps and instructions, and how far they are done
    MANAGE_PLANS = "manage_plans"  # load a municipality's plans
    REPORT_PLAN = "report_plan"  # report a school's items done
    SUBMIT_SCHOOL_PLAN = "submit_school_plan"  # upload the school's own road map for approval
    REVIEW_SCHOOL_PLANS = "review_school_plans"  # approve a school's road map, or return it


ROLE_ACTIONS: dict[Role, frozenset[Action]] = {
    Role.ADMIN: frozenset(Action),
    Role.METHODIST: frozenset(
        {
            Action.VIEW_ANSWERS,
            Action.VIEW_STATUS,
            Action.NUDGE,
            Action.EXPORT,
            Action.REVIEW,
            Action.RUN_CAMPAIGNS,
            Action.INVITE,
            Action.MANAGE_PEOPLE,
            Action.ORDER,
            Action.ORDER_TEMPLATE,
            Action.VIEW_PLANS,
            Action.MANAGE_PLANS,
            Action.REVIEW_SCHOOL_PLANS,
        }
    ),
    Role.COORDINATOR: frozenset(
        {
            Action.VIEW_ANSWERS,
            Action.VIEW_STATUS,
            Action.NUDGE,
            Action.EXPORT,
            Action.ORDER,
            Action.VIEW_PLANS,
        }
    ),
    Role.RESPONDENT: frozenset(
        {
            Action.ANSWER,
            Action.VIEW_ANSWERS,
            Action.VIEW_PLANS,
            Action.REPORT_PLAN,
            Action.SUBMIT_SCHOOL_PLAN,
        }
    ),
}

# Which roles a holder of each role may hand out (by invitation or by changing a role).
GRANTABLE_ROLES: dict[Role, frozenset[Role]] = {
    Role.ADMIN: frozenset(Role),
    Role.METHODIST: frozenset({Role.COORDINATOR, Role.RESPONDENT}),
    Role.COORDINATOR: frozenset(),
    Role.RESPONDENT: frozenset(),
}


class AccessDenied(Exception):
    """The actor may not do this; the handler answers with a refusal, the log keeps the details."""


@dataclass(frozen=True, slots=True)
class Target:
    """What an action is done on: a school, a district, a municipality, or the whole deployment.

    A school target carries its district and municipality too, so that a grant on any level
    above it covers it.
    """

    municipality_id: int | None = None
    district_id: int | None = None
    school_id: int | None = None

    @classmethod
    def school(cls, school: School) -> "Target":
        return cls(school.municipality_id, school.district_id, school.id)

    @classmethod
    def district(cls, district: District) -> "Target":
        return cls(district.municipality_id, district.id, None)

    @classmethod
    def municipality(cls, municipality_id: int) -> "Target":
        return cls(municipality_id, None, None)


DEPLOYMENT = Target()


def grant_covers(grant: RoleGrant, target: Target) -> bool:
    if grant.school_id is not None:
        return target.school_id == grant.school_id
    if grant.district_id is not None:
        return target.district_id == grant.district_id
    if grant.municipality_id is not None:
        return target.municipality_id == grant.municipality_id
    return True  # an administrator, or a regional methodist: the whole deployment


def _grants(actor: Actor) -> Iterable[RoleGrant]:
    yield from actor.grants
    if actor.bootstrap_admin:
        yield RoleGrant(id=0, user_id=0, role=Role.ADMIN)


def allows(actor: Actor, action: Action, target: Target) -> bool:
    return any(
        action in ROLE_ACTIONS[grant.role] and grant_covers(grant, target)
        for grant in _grants(actor)
    )


def authorize(actor: Actor, action: Action, target: Target) -> None:
    if not allows(actor, action, target):
        log.warning(
            "access denied: telegram_id=%s action=%s target=%s", actor.telegram_id, action, target
        )
        raise AccessDenied(action)


def allows_somewhere(actor: Actor, action: Action) -> bool:
    """Whether any of the actor's roles permits the action at all (to show a command or not)."""
    return any(action in ROLE_ACTIONS[grant.role] for grant in _grants(actor))


def visible_schools(actor: Actor, action: Action, schools: Iterable[School]) -> list[School]:
    """The schools among ``schools`` on which the actor may do ``action``."""
    return [school for school in schools if allows(actor, action, Target.school(school))]


def grantable_roles(actor: Actor) -> frozenset[Role]:
    roles: set[Role] = set()
    for grant in _grants(actor):
        roles |= GRANTABLE_ROLES[grant.role]
    return frozenset(roles)


def may_grant(actor: Actor, role: Role, target: Target) -> bool:
    """May the actor give ``role`` on ``target`` to someone (invite, or change a role)?

    Needs one grant of the actor that both lets it hand out that role and covers the target.
    """
    return any(
        role in GRANTABLE_ROLES[grant.role] and grant_covers(grant, target)
        for grant in _grants(actor)
    )


def authorize_grant(actor: Actor, role: Role, target: Target) -> None:
    if not may_grant(actor, role, target):
        log.warning(
            "grant denied: telegram_id=%s role=%s target=%s", actor.telegram_id, role, target
        )
        raise AccessDenied(Action.INVITE)
