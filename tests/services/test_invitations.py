"""Invitations at the service level: creation rights, redemption, refusals that change nothing."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.access import AccessDenied
from core.actors import Actor, resolve_actor
from core.invitations import (
    TOKEN_SHAPE,
    AnotherSchool,
    BadScope,
    InvitationRefused,
    Newcomer,
    Refusal,
    Scope,
    add_school_by_invitation,
    create_invitation,
    hash_token,
    redeem_invitation,
    revoke,
)
from storage import Database
from storage.people import Role, list_grants
from storage.schema import invitations, role_grants, users
from storage.types import utcnow
from tests.factories import Town, make_person, make_town

TTL = timedelta(days=14)


async def methodist_of(database: Database, town: Town, telegram_id: int = 50) -> Actor:
    await make_person(database, telegram_id, Role.METHODIST, municipality_id=town.municipality.id)
    return await resolve_actor(database, telegram_id, admin_ids=())


async def count(database: Database, table: object) -> int:
    async with database.read() as conn:
        return int((await conn.execute(select(func.count()).select_from(table))).scalar_one())  # type: ignore[arg-type]


async def test_a_respondent_invitation_registers_the_newcomer(database: Database) -> None:
    town = await make_town(database)
    methodist = await methodist_of(database, town)
    now = utcnow()
    created = await create_invitation(
        database,
        methodist,
        Role.RESPONDENT,
        Scope(school_ids=(town.schools[0].id,)),
        now=now,
        ttl=TTL,
    )

    redemption = await redeem_invitation(
        database, created.token, Newcomer(777, "Мария Иванова", "maria"), now=now
    )

    assert not redemption.already_member
    assert not redemption.needs_full_name
    async with database.read() as conn:
        grants = await list_grants(conn, redemption.user.id)
    assert [(g.role, g.school_id) for g in grants] == [(Role.RESPONDENT, town.schools[0].id)]


async def test_tokens_are_long_random_and_stored_only_hashed(database: Database) -> None:
    town = await make_town(database)
    methodist = await methodist_of(database, town)
    scope = Scope(school_ids=(town.schools[0].id,))
    tokens = {
        (
            await create_invitation(
                database, methodist, Role.RESPONDENT, scope, now=utcnow(), ttl=TTL
            )
        ).token
        for _ in range(20)
    }

    assert len(tokens) == 20
    assert all(TOKEN_SHAPE.match(token) for token in tokens)  # 32 url-safe chars = 192 bits
    async with database.read() as conn:
        stored = set((await conn.execute(select(invitations.c.token_hash))).scalars())
    assert stored == {hash_token(token) for token in tokens}
    assert not stored & tokens


@pytest.mark.parametrize(
    ("role", "scope_of"),
    [
        (Role.ADMIN, lambda town: Scope()),
        (Role.METHODIST, lambda town: Scope(municipality_id=town.municipality.id)),
    ],
)
async def test_a_methodist_cannot_invite_methodists_or_admins(
    database: Database, role: Role, scope_of: object
) -> None:
    town = await make_town(database)
    methodist = await methodist_of(database, town)

    with pytest.raises(AccessDenied):
        await create_invitation(database, methodist, role, scope_of(town), now=utcnow(), ttl=TTL)  # type: ignore[operator]


async def test_a_methodist_cannot_invite_for_another_municipality(database: Database) -> None:
    town = await make_town(database)
    other = await make_town(database, "Томский район", ("Мирненская СОШ",))
    methodist = await methodist_of(database, town)

    with pytest.raises(AccessDenied):
        await create_invitation(
            database,
            methodist,
            Role.RESPONDENT,
            Scope(school_ids=(other.schools[0].id,)),
            now=utcnow(),
            ttl=TTL,
        )
    assert await count(database, invitations) == 0


@pytest.mark.parametrize(
    ("role", "scope"),
    [
        (Role.RESPONDENT, Scope()),
        (Role.RESPONDENT, Scope(school_ids=(1, 2))),
        (Role.COORDINATOR, Scope(municipality_id=1)),
        (Role.ADMIN, Scope(municipality_id=1)),
        (Role.METHODIST, Scope(district_id=1)),
    ],
)
async def test_scopes_must_fit_the_role(database: Database, role: Role, scope: Scope) -> None:
    admin = Actor(telegram_id=1, user=None, bootstrap_admin=True)
    with pytest.raises(BadScope):
        await create_invitation(database, admin, role, scope, now=utcnow(), ttl=TTL)


async def _refused_without_change(
    database: Database, token: str, reason: Refusal, now: object = None
) -> None:
    before = (await count(database, users), await count(database, role_grants))
    with pytest.raises(InvitationRefused) as refused:
        await redeem_invitation(database, token, Newcomer(888, "Пётр Петров", None), now=utcnow())
    assert refused.value.reason is reason
    assert (await count(database, users), await count(database, role_grants)) == before


async def test_expired_revoked_used_up_malformed_and_unknown_tokens(database: Database) -> None:
    town = await make_town(database)
    methodist = await methodist_of(database, town)
    scope = Scope(school_ids=(town.schools[0].id,))
    now = utcnow()

    expired = await create_invitation(
        database, methodist, Role.RESPONDENT, scope, now=now - TTL * 2, ttl=TTL
    )
    await _refused_without_change(database, expired.token, Refusal.EXPIRED)

    revoked = await create_invitation(database, methodist, Role.RESPONDENT, scope, now=now, ttl=TTL)
    assert await revoke(database, methodist, revoked.invitation.id, now=now)
    await _refused_without_change(database, revoked.token, Refusal.REVOKED)

    single = await create_invitation(
        database, methodist, Role.RESPONDENT, scope, now=now, ttl=TTL, max_uses=1
    )
    await redeem_invitation(database, single.token, Newcomer(700, "Анна Смирнова", None), now=now)
    await _refused_without_change(database, single.token, Refusal.USED_UP)

    await _refused_without_change(database, "garbage", Refusal.MALFORMED)
    await _refused_without_change(database, "x" * 32, Refusal.UNKNOWN)


async def test_opening_the_same_link_twice_takes_one_use(database: Database) -> None:
    town = await make_town(database)
    methodist = await methodist_of(database, town)
    created = await create_invitation(
        database,
        methodist,
        Role.RESPONDENT,
        Scope(school_ids=(town.schools[0].id,)),
        now=utcnow(),
        ttl=TTL,
        max_uses=1,
    )
    newcomer = Newcomer(701, "Анна Смирнова", None)

    await redeem_invitation(database, created.token, newcomer, now=utcnow())
    again = await redeem_invitation(database, created.token, newcomer, now=utcnow())

    assert again.already_member
    async with database.read() as conn:
        uses = (await conn.execute(select(invitations.c.uses))).scalar_one()
    assert uses == 1


async def test_a_coordinator_of_named_schools_gets_one_grant_per_school(database: Database) -> None:
    town = await make_town(database, short_names=("СОШ № 5", "СОШ № 11", "ООШ № 66"))
    methodist = await methodist_of(database, town)
    chosen = (town.schools[0].id, town.schools[2].id)
    created = await create_invitation(
        database, methodist, Role.COORDINATOR, Scope(school_ids=chosen), now=utcnow(), ttl=TTL
    )

    redemption = await redeem_invitation(
        database, created.token, Newcomer(702, "Ольга", None), now=utcnow()
    )

    assert redemption.needs_full_name  # "Ольга" alone is not a full name
    async with database.read() as conn:
        grants = await list_grants(conn, redemption.user.id)
    assert sorted(g.school_id for g in grants if g.school_id) == sorted(chosen)


async def test_a_methodist_cannot_revoke_another_municipalitys_invitation(
    database: Database,
) -> None:
    town = await make_town(database)
    other = await make_town(database, "Томский район", ("Мирненская СОШ",))
    admin = Actor(telegram_id=1, user=None, bootstrap_admin=True)
    theirs = await create_invitation(
        database,
        admin,
        Role.RESPONDENT,
        Scope(school_ids=(other.schools[0].id,)),
        now=utcnow(),
        ttl=TTL,
    )
    methodist = await methodist_of(database, town)

    with pytest.raises(AccessDenied):
        await revoke(database, methodist, theirs.invitation.id, now=utcnow())
    with pytest.raises(AccessDenied):
        await revoke(database, methodist, 999_999, now=utcnow())


async def test_a_respondent_of_another_school_is_asked_before_anything_changes(
    database: Database,
) -> None:
    town = await make_town(database)
    five, eleven = town.schools[0].id, town.schools[1].id
    await make_person(database, 321, Role.RESPONDENT, school_id=five)
    methodist = await methodist_of(database, town)
    now = utcnow()
    created = await create_invitation(
        database, methodist, Role.RESPONDENT, Scope(school_ids=(eleven,)), now=now, ttl=TTL
    )
    teacher = Newcomer(321, "Иванова Мария Петровна", None)

    with pytest.raises(AnotherSchool) as asked:
        await redeem_invitation(database, created.token, teacher, now=now)
    assert asked.value.held_school_ids == (five,)
    assert asked.value.invitation.id == created.invitation.id
    actor = await resolve_actor(database, 321, ())
    assert [g.school_id for g in actor.grants] == [five]
    async with database.read() as conn:
        uses = await conn.scalar(select(invitations.c.uses))
    assert uses == 0

    # A confirmation naming another invitation than the link's is refused.
    with pytest.raises(InvitationRefused):
        await add_school_by_invitation(
            database, hash_token(created.token), created.invitation.id + 1, teacher, now=now
        )
    redemption = await add_school_by_invitation(
        database, hash_token(created.token), created.invitation.id, teacher, now=now
    )
    assert not redemption.already_member
    actor = await resolve_actor(database, 321, ())
    assert sorted(g.school_id or 0 for g in actor.grants) == sorted([five, eleven])


async def test_a_respondent_opening_a_coordinator_link_is_not_asked(database: Database) -> None:
    town = await make_town(database)
    await make_person(database, 322, Role.RESPONDENT, school_id=town.schools[0].id)
    methodist = await methodist_of(database, town)
    created = await create_invitation(
        database,
        methodist,
        Role.COORDINATOR,
        Scope(school_ids=(town.schools[1].id,)),
        now=utcnow(),
        ttl=TTL,
    )
    redemption = await redeem_invitation(
        database, created.token, Newcomer(322, "Иванова Мария Петровна", None), now=utcnow()
    )
    assert not redemption.already_member
    assert (await resolve_actor(database, 322, ())).roles == {Role.RESPONDENT, Role.COORDINATOR}
