"""Invitations and registration, driven through the fake Bot API as real users would."""

import io
import logging
import re
from datetime import timedelta

import openpyxl
import pytest
from sqlalchemy import func, select

from bot.handlers.invitations.callbacks import InviteRole, InviteScope, RevokeInvitation, ScopeKind
from bot.handlers.people.callbacks import ChangeRole, OpenPerson, RemovePerson
from bot.handlers.shared.callbacks import PickSchool
from botapi_emulator import FakeUser
from core.actors import Actor, resolve_actor
from core.invitations import Refusal, Scope, create_invitation
from storage.people import Role, get_user_by_telegram_id, list_grants
from storage.schema import invitations, role_grants, users
from storage.types import utcnow
from tests.factories import Town, make_person, make_town
from tests.harness import ADMIN_TELEGRAM_ID, BotHarness
from texts import common as common_texts
from texts import people as texts

ADMIN = Actor(telegram_id=1, user=None, bootstrap_admin=True)
TTL = timedelta(days=14)
LINK = re.compile(r"https://t\.me/(\w+)\?start=([\w-]+)")


async def invite(harness: BotHarness, role: Role, scope: Scope, **options: object) -> str:
    created = await create_invitation(
        harness.database,
        ADMIN,
        role,
        scope,
        now=utcnow(),
        ttl=TTL,
        **options,  # type: ignore[arg-type]
    )
    return created.token


async def counts(harness: BotHarness) -> tuple[int, int]:
    async with harness.database.read() as conn:
        people = (await conn.execute(select(func.count()).select_from(users))).scalar_one()
        grants = (await conn.execute(select(func.count()).select_from(role_grants))).scalar_one()
    return people, grants


async def text_of(user: FakeUser) -> str:
    return (await user.next_message()).plain_text or ""


@pytest.fixture
async def town(harness: BotHarness) -> Town:
    return await make_town(harness.database, short_names=("СОШ № 5", "СОШ № 11", "ООШ № 66"))


@pytest.mark.parametrize(
    ("role", "scope_of", "help_line"),
    [
        (
            Role.RESPONDENT,
            lambda t: Scope(school_ids=(t.schools[0].id,)),
            common_texts.HELP_BY_ROLE[Role.RESPONDENT][0],
        ),
        (
            Role.COORDINATOR,
            lambda t: Scope(school_ids=(t.schools[0].id, t.schools[1].id)),
            common_texts.HELP_BY_ROLE[Role.COORDINATOR][0],
        ),
        (
            Role.METHODIST,
            lambda t: Scope(municipality_id=t.municipality.id),
            common_texts.HELP_BY_ROLE[Role.METHODIST][1],
        ),
        (Role.ADMIN, lambda t: Scope(), common_texts.HELP_BY_ROLE[Role.ADMIN][0]),
    ],
)
async def test_a_new_user_opens_an_invitation_for_each_role(
    harness: BotHarness, town: Town, role: Role, scope_of: object, help_line: str
) -> None:
    token = await invite(harness, role, scope_of(town))  # type: ignore[operator]
    newcomer = harness.user(4242, first_name="Маша")

    await newcomer.send(f"/start {token}")

    welcome = await text_of(newcomer)
    assert welcome.startswith("Добро пожаловать!")
    assert common_texts.ROLE_NAMES[role] in welcome
    assert await text_of(newcomer) == texts.ASK_FULL_NAME  # "Маша" is not a full name
    await newcomer.send("Маша")
    assert await text_of(newcomer) == texts.BAD_FULL_NAME
    await newcomer.send("Иванова Мария Петровна")
    assert (await newcomer.next_message()).plain_text == texts.ASK_POSITION
    await newcomer.send("заместитель директора по УВР")
    done = await text_of(newcomer)
    assert done.startswith("Готово, Иванова Мария Петровна!")
    assert help_line in done

    async with harness.database.read() as conn:
        user = await get_user_by_telegram_id(conn, 4242)
        assert user is not None
        assert (user.full_name, user.position) == (
            "Иванова Мария Петровна",
            "заместитель директора по УВР",
        )
        assert {g.role for g in await list_grants(conn, user.id)} == {role}


async def test_a_useful_telegram_name_skips_the_name_question_and_position_can_be_skipped(
    harness: BotHarness, town: Town
) -> None:
    token = await invite(harness, Role.RESPONDENT, Scope(school_ids=(town.schools[1].id,)))
    newcomer = harness.user(4243, first_name="Мария", last_name="Иванова")

    await newcomer.send(f"/start {token}")
    assert "СОШ № 11 (Город Томск)" in await text_of(newcomer)
    question = await newcomer.next_message()
    assert question.plain_text == texts.ASK_POSITION
    await newcomer.press(texts.SKIP)

    # One name order everywhere, as the department writes it: Фамилия Имя.
    assert (await text_of(newcomer)).startswith("Готово, Иванова Мария!")
    actor = await resolve_actor(harness.database, 4243, ())
    assert actor.roles == {Role.RESPONDENT}
    assert actor.display_name == "Иванова Мария"


@pytest.mark.parametrize("reason", list(Refusal))
async def test_bad_links_get_a_clear_message_and_change_nothing(
    harness: BotHarness, town: Town, reason: Refusal
) -> None:
    scope = Scope(school_ids=(town.schools[0].id,))
    if reason is Refusal.EXPIRED:
        token = (
            await create_invitation(
                harness.database, ADMIN, Role.RESPONDENT, scope, now=utcnow() - 2 * TTL, ttl=TTL
            )
        ).token
    elif reason is Refusal.REVOKED:
        created = await create_invitation(
            harness.database, ADMIN, Role.RESPONDENT, scope, now=utcnow(), ttl=TTL
        )
        async with harness.database.write() as conn:
            await conn.execute(invitations.update().values(revoked_at=utcnow()))
        token = created.token
    elif reason is Refusal.USED_UP:
        token = await invite(harness, Role.RESPONDENT, scope, max_uses=1)
        first = harness.user(5000, first_name="Анна", last_name="Смирнова")
        await first.send(f"/start {token}")
        await harness.settle()
    elif reason is Refusal.MALFORMED:
        token = "<script>alert(1)</script>"
    else:
        token = "A" * 32
    before = await counts(harness)
    visitor = harness.user(5001, first_name="Пётр", last_name="Петров")

    await visitor.send(f"/start {token}")

    assert await text_of(visitor) == texts.REFUSALS[reason]
    assert await counts(harness) == before
    await visitor.send("/whoami")
    assert await text_of(visitor) == common_texts.START_STRANGER


async def test_a_stranger_gets_the_invitation_explanation_and_nothing_else(
    harness: BotHarness, town: Town
) -> None:
    stranger = harness.user(6000)
    for attempt in ("/invite", "/people", "/invite_all", "/import", "/whoami", "покажи школы"):
        await stranger.send(attempt)
        assert await text_of(stranger) == common_texts.START_STRANGER, attempt
    await stranger.send_document("schools.csv", b"a;b\n")
    assert await text_of(stranger) == common_texts.START_STRANGER

    update_id = await stranger.press_data(stranger.last_message(), RemovePerson(user_id=1).pack())  # type: ignore[arg-type]
    await harness.settle()
    assert (stranger.callback_answer(update_id) or {}).get("text") == common_texts.START_STRANGER


async def test_a_methodist_invites_a_respondent_found_by_name(
    harness: BotHarness, town: Town
) -> None:
    await make_person(harness.database, 50, Role.METHODIST, municipality_id=town.municipality.id)
    methodist = harness.user(50)

    await methodist.send("/invite")
    roles = await methodist.next_message()
    assert [b.text for row in roles.buttons for b in row] == [
        texts.ROLE_BUTTONS[Role.RESPONDENT],
        texts.ROLE_BUTTONS[Role.COORDINATOR],
    ]
    await methodist.press(texts.ROLE_BUTTONS[Role.RESPONDENT])
    picker = await methodist.next_message()
    assert {"СОШ № 5", "СОШ № 11", "ООШ № 66"} <= set(picker.button_texts)
    await methodist.send("11")
    filtered = await methodist.next_message()
    assert filtered.button_texts == ["СОШ № 11"]
    await methodist.press("СОШ № 11")
    await methodist.next_message()  # how many uses?
    await methodist.press("1")
    created = await methodist.next_message()
    assert "СОШ № 11 (Город Томск)" in (created.plain_text or "")
    match = LINK.search(created.plain_text or "")
    assert match is not None
    assert match.group(1) == harness.emulator.bot_username
    assert roles.buttons == []  # answered questions lose their buttons

    teacher = harness.user(51, first_name="Анна", last_name="Смирнова")
    await teacher.send(f"/start {match.group(2)}")
    assert "СОШ № 11" in await text_of(teacher)
    await harness.settle()
    actor = await resolve_actor(harness.database, 51, ())
    assert [(g.role, g.school_id) for g in actor.grants] == [(Role.RESPONDENT, town.schools[1].id)]


async def test_a_methodist_invites_a_coordinator_of_chosen_schools(
    harness: BotHarness, town: Town
) -> None:
    await make_person(harness.database, 50, Role.METHODIST, municipality_id=town.municipality.id)
    methodist = harness.user(50)

    await methodist.send("/invite")
    await methodist.next_message()
    await methodist.press(texts.ROLE_BUTTONS[Role.COORDINATOR])
    await methodist.next_message()
    await methodist.press(texts.INVITE_PICK_SCHOOLS)
    await methodist.next_message()
    await methodist.press(texts.INVITE_DONE_SELECTING.format(count=0))
    await harness.settle()
    await methodist.press("СОШ № 5")
    await methodist.press("ООШ № 66")
    await harness.settle()
    picker = methodist.last_message()
    assert picker is not None
    assert texts.CHECKED + "СОШ № 5" in picker.button_texts
    await methodist.press(texts.INVITE_DONE_SELECTING.format(count=2))
    await methodist.next_message()
    await methodist.press(texts.INVITE_USES_UNLIMITED)
    created = await methodist.next_message()

    assert "СОШ № 5 (Город Томск); ООШ № 66 (Город Томск)" in (created.plain_text or "")
    assert texts.USES_NO_LIMIT in (created.plain_text or "")


async def test_invite_all_sends_a_workbook_of_working_links(
    harness: BotHarness, town: Town
) -> None:
    other = await make_town(harness.database, "Томский район", ("Мирненская СОШ",))
    await make_person(harness.database, 50, Role.METHODIST, municipality_id=town.municipality.id)
    methodist = harness.user(50)

    await methodist.send("/invite_all")

    document = await methodist.next_message()
    assert document.document is not None
    assert (document.document.file_name or "").endswith(".xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(document.document.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == texts.INVITE_ALL_HEADER
    assert sorted(str(row[2]) for row in rows[1:]) == ["ООШ № 66", "СОШ № 11", "СОШ № 5"]
    assert all(row[0] == "Город Томск" for row in rows[1:])
    assert not any(row[2] == other.schools[0].short_name for row in rows[1:])
    assert harness.emulator.calls_of("sendChatAction", chat_id=50)

    link = LINK.search(str(rows[1][4]))
    assert link is not None
    teacher = harness.user(52, first_name="Анна", last_name="Смирнова")
    await teacher.send(f"/start {link.group(2)}")
    assert (await text_of(teacher)).startswith("Добро пожаловать!")


async def test_open_invitations_can_be_revoked(harness: BotHarness, town: Town) -> None:
    await make_person(harness.database, 50, Role.METHODIST, municipality_id=town.municipality.id)
    token = await invite(harness, Role.RESPONDENT, Scope(school_ids=(town.schools[0].id,)))
    methodist = harness.user(50)

    await methodist.send("/invitations")
    listing = await methodist.next_message()
    assert "СОШ № 5 (Город Томск)" in (listing.plain_text or "")
    (button,) = listing.button_texts
    pressed = await methodist.press(button)
    await harness.settle()
    assert (methodist.callback_answer(pressed) or {}).get("text") == texts.REVOKED

    teacher = harness.user(53, first_name="Анна", last_name="Смирнова")
    await teacher.send(f"/start {token}")
    assert await text_of(teacher) == texts.REFUSALS[Refusal.REVOKED]
    await methodist.send("/invitations")
    assert await text_of(methodist) == texts.INVITATIONS_NONE


async def test_people_list_card_and_removal(harness: BotHarness, town: Town) -> None:
    await make_person(harness.database, 50, Role.METHODIST, municipality_id=town.municipality.id)
    await make_person(
        harness.database,
        60,
        Role.RESPONDENT,
        full_name="Смирнова Анна",
        school_id=town.schools[0].id,
    )
    methodist, teacher = harness.user(50), harness.user(60)

    await teacher.send("/whoami")
    whoami = await text_of(teacher)
    assert "Смирнова Анна" in whoami
    assert "ответственный от школы — СОШ № 5 (Город Томск)" in whoami

    await methodist.send("/people")
    listing = await methodist.next_message()
    assert "Смирнова Анна" in listing.button_texts
    await methodist.press("Смирнова Анна")
    card = await methodist.next_message()
    assert "СОШ № 5 (Город Томск)" in (card.plain_text or "")
    await methodist.press(texts.REMOVE_PERSON)
    await methodist.next_message()
    await methodist.press(texts.CONFIRM_YES)
    await harness.settle()

    await teacher.send("/whoami")
    assert await text_of(teacher) == common_texts.START_STRANGER


async def test_forged_buttons_naming_another_municipality_are_refused_and_logged(
    harness: BotHarness, town: Town, caplog: pytest.LogCaptureFixture
) -> None:
    other = await make_town(harness.database, "Томский район", ("Мирненская СОШ",))
    await make_person(harness.database, 50, Role.METHODIST, municipality_id=town.municipality.id)
    outsider = await make_person(
        harness.database, 70, Role.RESPONDENT, school_id=other.schools[0].id
    )
    theirs = await create_invitation(
        harness.database,
        ADMIN,
        Role.RESPONDENT,
        Scope(school_ids=(other.schools[0].id,)),
        now=utcnow(),
        ttl=TTL,
    )
    async with harness.database.read() as conn:
        (outsider_grant,) = await list_grants(conn, outsider.id)
    methodist = harness.user(50)
    await methodist.send("/invite")
    await methodist.next_message()
    await methodist.press(texts.ROLE_BUTTONS[Role.RESPONDENT])
    picker = await methodist.next_message()
    before = await counts(harness)

    forged = [
        PickSchool(school_id=other.schools[0].id).pack(),
        RevokeInvitation(invitation_id=theirs.invitation.id).pack(),
        OpenPerson(user_id=outsider.id).pack(),
        ChangeRole(grant_id=outsider_grant.id, role=Role.COORDINATOR).pack(),
        RemovePerson(user_id=outsider.id, confirmed=True).pack(),
    ]
    with caplog.at_level(logging.WARNING):
        for data in forged:
            pressed = await methodist.press_data(picker, data)
            await harness.settle()
            answer = methodist.callback_answer(pressed) or {}
            assert answer.get("text") == texts.ACCESS_DENIED, data
        # A methodist may not hand out the administrator role, nor a role that does not exist.
        for data in (InviteRole(role=Role.ADMIN).pack(), "ir:superuser"):
            await methodist.send("/invite")
            roles = await methodist.next_message()
            pressed = await methodist.press_data(roles, data)
            await harness.settle()
            assert (methodist.callback_answer(pressed) or {}).get("text") == texts.ACCESS_DENIED

    assert await counts(harness) == before
    assert (await resolve_actor(harness.database, 70, ())).roles == {Role.RESPONDENT}
    async with harness.database.read() as conn:
        revoked = (
            await conn.execute(
                select(invitations.c.revoked_at).where(invitations.c.id == theirs.invitation.id)
            )
        ).scalar_one()
    assert revoked is None
    refusals = [r.getMessage() for r in caplog.records if "refused button" in r.getMessage()]
    assert len(refusals) == len(forged) + 2
    assert all("telegram_id=50" in line for line in refusals)


@pytest.mark.parametrize(
    ("role", "kind"),
    [
        (Role.COORDINATOR, ScopeKind.EVERYTHING),
        (Role.COORDINATOR, ScopeKind.MUNICIPALITY),
        (Role.METHODIST, ScopeKind.PICK),
        (Role.METHODIST, ScopeKind.DISTRICT),
    ],
)
async def test_a_scope_the_role_is_never_offered_is_refused_at_once(
    harness: BotHarness, town: Town, role: Role, kind: ScopeKind
) -> None:
    """Used to pass, then fail as an unexpected error at every later press."""
    admin = harness.user(ADMIN_TELEGRAM_ID)
    await admin.send("/invite")
    roles = await admin.next_message()
    await admin.press(texts.ROLE_BUTTONS[role], message=roles)
    scopes = await admin.next_message()
    pressed = await admin.press_data(scopes, InviteScope(kind=kind, id=1).pack())
    await harness.settle()
    assert (admin.callback_answer(pressed) or {}).get("text") == texts.ACCESS_DENIED
    assert harness.emulator.messages(ADMIN_TELEGRAM_ID)[-1].message_id == scopes.message_id
