"""Invitations by deep link: create, redeem, revoke.

A token is 192 random bits in URL-safe base64 (32 characters, within Telegram's 64-character
``start`` payload); only its SHA-256 is stored, so a database leak reveals no usable link.
"""

import hashlib
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from core.access import AccessDenied, Action, Target, allows, authorize_grant, may_grant
from core.actors import Actor
from core.directory import Directory, load_directory, natural_key
from storage import Database
from storage.directory import School
from storage.invitations import (
    Invitation,
    add_invitation,
    get_invitation,
    get_invitation_by_hash,
    list_open_invitations,
    record_redemption,
    revoke_invitation,
    take_use,
)
from storage.people import (
    Role,
    User,
    add_user,
    get_user_by_telegram_id,
    grant_role,
    list_grants,
    set_removed,
)

TOKEN_BYTES = 24
TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{32}$")
_NAME_WORD = re.compile(r"^[A-Za-zА-Яа-яЁё][A-Za-zА-Яа-яЁё.'-]*$")


class Refusal(StrEnum):
    MALFORMED = "malformed"
    UNKNOWN = "unknown"
    REVOKED = "revoked"
    EXPIRED = "expired"
    USED_UP = "used_up"


class InvitationRefused(Exception):
    def __init__(self, reason: Refusal) -> None:
        super().__init__(reason)
        self.reason = reason


class AnotherSchool(Exception):
    """The person already answers for other schools, and the invitation would add more: asked
    first, nothing is granted and no use of the link is taken until they say yes."""

    def __init__(self, invitation: Invitation, held_school_ids: tuple[int, ...]) -> None:
        super().__init__(invitation.id)
        self.invitation = invitation
        self.held_school_ids = held_school_ids  # the schools they are a respondent of now


class BadScope(ValueError):
    """The scope does not fit the role (a respondent needs exactly one school, ...)."""


@dataclass(frozen=True, slots=True)
class Scope:
    """Where a role applies: at most one of a municipality, a district, or a set of schools."""

    municipality_id: int | None = None
    district_id: int | None = None
    school_ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class CreatedInvitation:
    invitation: Invitation
    token: str


@dataclass(frozen=True, slots=True)
class Newcomer:
    """The Telegram user who opened a link, as Telegram describes them."""

    telegram_id: int
    full_name: str
    username: str | None


@dataclass(frozen=True, slots=True)
class Redemption:
    user: User
    invitation: Invitation
    already_member: bool
    needs_full_name: bool


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_link(bot_username: str, token: str) -> str:
    return f"https://t.me/{bot_username}?start={token}"


def looks_like_full_name(name: str) -> bool:
    """Two or more words of letters: "Иванова Мария Петровна", not "Маша" or "mary_2001 🌸"."""
    words = name.split()
    return len(words) >= 2 and all(_NAME_WORD.match(word) for word in words)


def check_scope(role: Role, scope: Scope) -> None:
    levels = sum(
        (scope.municipality_id is not None, scope.district_id is not None, bool(scope.school_ids))
    )
    if levels > 1:
        raise BadScope("one scope level at most")
    if role is Role.ADMIN and levels:
        raise BadScope("an administrator has no scope")
    if role is Role.METHODIST and (scope.district_id is not None or scope.school_ids):
        raise BadScope("a methodist covers a municipality or the whole region")
    if role is Role.COORDINATOR and scope.district_id is None and not scope.school_ids:
        raise BadScope("a coordinator covers a district or a set of schools")
    if role is Role.RESPONDENT and len(scope.school_ids) != 1:
        raise BadScope("a respondent answers for exactly one school")


def scope_targets(directory: Directory, scope: Scope) -> list[Target]:
    if scope.school_ids:
        return [directory.target(school_id=school_id) for school_id in scope.school_ids]
    return [directory.target(municipality_id=scope.municipality_id, district_id=scope.district_id)]


def invitation_scope(invitation: Invitation) -> Scope:
    return Scope(invitation.municipality_id, invitation.district_id, invitation.school_ids)


async def create_invitation(
    database: Database,
    actor: Actor,
    role: Role,
    scope: Scope,
    *,
    now: datetime,
    ttl: timedelta,
    max_uses: int | None = 1,
) -> CreatedInvitation:
    check_scope(role, scope)
    directory = await load_directory(database)
    for target in scope_targets(directory, scope):
        authorize_grant(actor, role, target)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    async with database.write() as conn:
        invitation = await add_invitation(
            conn,
            token_hash=hash_token(token),
            role=role,
            municipality_id=scope.municipality_id,
            district_id=scope.district_id,
            school_ids=scope.school_ids,
            created_by=None if actor.user is None else actor.user.id,
            created_at=now,
            expires_at=now + ttl,
            max_uses=max_uses,
        )
    return CreatedInvitation(invitation, token)


async def create_school_invitations(
    database: Database,
    actor: Actor,
    schools: Sequence[School],
    *,
    now: datetime,
    ttl: timedelta,
    max_uses: int | None,
) -> list[tuple[School, CreatedInvitation]]:
    """One respondent invitation per school, all in one transaction (for the bulk workbook)."""
    for school in schools:
        authorize_grant(actor, Role.RESPONDENT, Target.school(school))
    created: list[tuple[School, CreatedInvitation]] = []
    async with database.write() as conn:
        for school in schools:
            token = secrets.token_urlsafe(TOKEN_BYTES)
            invitation = await add_invitation(
                conn,
                token_hash=hash_token(token),
                role=Role.RESPONDENT,
                municipality_id=None,
                district_id=None,
                school_ids=(school.id,),
                created_by=None if actor.user is None else actor.user.id,
                created_at=now,
                expires_at=now + ttl,
                max_uses=max_uses,
            )
            created.append((school, CreatedInvitation(invitation, token)))
    return created


async def redeem_invitation(
    database: Database,
    token: str,
    newcomer: Newcomer,
    *,
    now: datetime,
    add_school: bool = False,
) -> Redemption:
    """Register the newcomer with the invitation's role, or say why not (changing nothing).

    A respondent of one school who opens a respondent link of another gets ``AnotherSchool``
    (nothing changed) unless ``add_school``: the bot asks first.
    """
    if not TOKEN_SHAPE.match(token):
        raise InvitationRefused(Refusal.MALFORMED)
    return await _redeem(database, hash_token(token), newcomer, now=now, add_school=add_school)


async def add_school_by_invitation(
    database: Database, token_hash: str, invitation_id: int, newcomer: Newcomer, *, now: datetime
) -> Redemption:
    """The person said yes to another school: redeem the link they opened (kept only hashed while
    they were asked), checked again now — revoked, expired or used up meanwhile is refused."""
    return await _redeem(
        database, token_hash, newcomer, now=now, add_school=True, invitation_id=invitation_id
    )


async def _redeem(
    database: Database,
    token_hash: str,
    newcomer: Newcomer,
    *,
    now: datetime,
    add_school: bool,
    invitation_id: int | None = None,
) -> Redemption:
    async with database.write() as conn:
        invitation = await get_invitation_by_hash(conn, token_hash)
        if invitation is None or invitation_id not in (None, invitation.id):
            raise InvitationRefused(Refusal.UNKNOWN)
        if invitation.revoked_at is not None:
            raise InvitationRefused(Refusal.REVOKED)
        if invitation.expires_at <= now:
            raise InvitationRefused(Refusal.EXPIRED)

        user = await get_user_by_telegram_id(conn, newcomer.telegram_id)
        held = set()
        if user is not None and user.removed_at is None:
            held = {
                (g.role, g.municipality_id, g.district_id, g.school_id)
                for g in await list_grants(conn, user.id)
            }
        wanted = _grants_of(invitation)
        if held >= set(wanted):
            assert user is not None
            return Redemption(user, invitation, True, not looks_like_full_name(user.full_name))

        if invitation.is_used_up():
            raise InvitationRefused(Refusal.USED_UP)
        held_schools = tuple(
            sorted(
                {
                    school_id
                    for role, _, _, school_id in held
                    if role is Role.RESPONDENT and school_id
                }
            )
        )
        if (
            not add_school
            and invitation.role is Role.RESPONDENT
            and held_schools
            and not set(invitation.school_ids) <= set(held_schools)
        ):
            raise AnotherSchool(invitation, held_schools)
        if not await take_use(conn, invitation.id, now):
            raise InvitationRefused(Refusal.USED_UP)
        if user is None:
            user = await add_user(
                conn,
                telegram_id=newcomer.telegram_id,
                full_name=newcomer.full_name.strip() or "—",
                username=newcomer.username,
            )
        elif user.removed_at is not None:
            await set_removed(conn, user.id, None)
        for role, municipality_id, district_id, school_id in wanted:
            if (role, municipality_id, district_id, school_id) not in held:
                await grant_role(
                    conn,
                    user.id,
                    role,
                    municipality_id=municipality_id,
                    district_id=district_id,
                    school_id=school_id,
                    granted_by=invitation.created_by,
                )
        await record_redemption(conn, invitation.id, user.id, now)
    return Redemption(user, invitation, False, not looks_like_full_name(user.full_name))


def _grants_of(invitation: Invitation) -> list[tuple[Role, int | None, int | None, int | None]]:
    if invitation.school_ids:
        return [(invitation.role, None, None, school_id) for school_id in invitation.school_ids]
    return [(invitation.role, invitation.municipality_id, invitation.district_id, None)]


def may_revoke(actor: Actor, directory: Directory, invitation: Invitation) -> bool:
    return all(
        may_grant(actor, invitation.role, target) and allows(actor, Action.INVITE, target)
        for target in scope_targets(directory, invitation_scope(invitation))
    )


async def open_invitations(database: Database, actor: Actor, *, now: datetime) -> list[Invitation]:
    """The invitations still usable that this actor may see and revoke."""
    directory = await load_directory(database)
    async with database.read() as conn:
        found = await list_open_invitations(conn, now)
    return [invitation for invitation in found if may_revoke(actor, directory, invitation)]


async def revoke(database: Database, actor: Actor, invitation_id: int, *, now: datetime) -> bool:
    """Revoke an invitation; AccessDenied for one outside the actor's scope (or unknown)."""
    directory = await load_directory(database)
    async with database.write() as conn:
        invitation = await get_invitation(conn, invitation_id)
        if invitation is None or not may_revoke(actor, directory, invitation):
            raise AccessDenied(Action.INVITE)
        return await revoke_invitation(conn, invitation_id, now)


def grantable_schools(actor: Actor, role: Role, directory: Directory) -> list[School]:
    """Schools the actor may invite a ``role`` for, by municipality and short name."""
    found = [s for s in directory.schools.values() if may_grant(actor, role, Target.school(s))]
    return sorted(found, key=lambda s: (s.municipality_id, natural_key(s.short_name)))
