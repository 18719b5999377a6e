"""Who is talking to the bot: the person behind a Telegram id, and the roles they hold."""

from collections.abc import Collection
from dataclasses import dataclass

from storage import Database
from storage.people import (
    Person,
    Role,
    RoleGrant,
    User,
    get_user_with_grants,
    mark_reachable,
)


@dataclass(frozen=True, slots=True)
class Actor:
    telegram_id: int
    user: User | None
    grants: tuple[RoleGrant, ...] = ()
    # Listed in ADMIN_IDS: an administrator even before having a row of their own.
    bootstrap_admin: bool = False

    @property
    def roles(self) -> frozenset[Role]:
        roles = {grant.role for grant in self.grants}
        if self.bootstrap_admin:
            roles.add(Role.ADMIN)
        return frozenset(roles)

    @property
    def is_registered(self) -> bool:
        """Known to the deployment: a current user with a role, or a bootstrap administrator."""
        return bool(self.roles)

    @property
    def display_name(self) -> str | None:
        return None if self.user is None else self.user.full_name


def person_as(person: Person, role: Role) -> Actor | None:
    """The person acting in ``role`` only (their other roles do not widen what they receive:
    a digest to a coordinator is a coordinator's); None when they do not hold it."""
    grants = tuple(grant for grant in person.grants if grant.role is role)
    if not grants:
        return None
    return Actor(telegram_id=person.user.telegram_id, user=person.user, grants=grants)


async def note_contact(database: Database, actor: Actor) -> None:
    """They wrote to the bot, so they have not blocked it: reminders may reach them again."""
    if actor.user is not None and actor.user.unreachable_since is not None:
        async with database.write() as conn:
            await mark_reachable(conn, actor.user.id)


async def resolve_actor(database: Database, telegram_id: int, admin_ids: Collection[int]) -> Actor:
    async with database.read() as conn:
        user, grants = await get_user_with_grants(conn, telegram_id)
    return Actor(
        telegram_id=telegram_id,
        user=user,
        grants=tuple(grants),
        bootstrap_admin=telegram_id in admin_ids,
    )
