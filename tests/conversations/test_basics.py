"""/start, /help, /cancel, the fallback and the command menu, over the fake Bot API."""

import logging

import pytest
from aiogram.fsm.storage.base import StorageKey

from bot.commands import MENU
from bot.handlers.review.callbacks import ReviewCancel
from botapi_emulator import objects
from storage.people import Role, get_user_by_telegram_id
from storage.reminders import mark_unreachable
from storage.types import utcnow
from tests.factories import make_person, make_town
from tests.harness import ADMIN_TELEGRAM_ID, BotHarness
from texts import common as texts
from texts import people as people_texts


async def test_start_explains_invitations_to_a_stranger(harness: BotHarness) -> None:
    stranger = harness.user(555)

    await stranger.send("/start")

    reply = await stranger.next_message()
    assert "по приглашению" in (reply.plain_text or "")
    assert reply.buttons == []


async def test_start_greets_a_known_respondent_by_name_and_role(harness: BotHarness) -> None:
    town = await make_town(harness.database)
    await make_person(
        harness.database,
        101,
        Role.RESPONDENT,
        full_name="Иванова <Мария>",
        school_id=town.schools[0].id,
    )
    teacher = harness.user(101)

    await teacher.send("/start")

    reply = await teacher.next_message()
    assert "Иванова <Мария>" in (reply.plain_text or "")  # escaped on the way out, shown as typed
    assert texts.ROLE_NAMES[Role.RESPONDENT] in (reply.plain_text or "")


async def test_help_lists_what_each_role_can_do(harness: BotHarness) -> None:
    town = await make_town(harness.database)
    await make_person(harness.database, 101, Role.RESPONDENT, school_id=town.schools[0].id)
    await make_person(harness.database, 102, Role.METHODIST, municipality_id=town.municipality.id)

    for telegram_id, role, absent in (
        (101, Role.RESPONDENT, Role.METHODIST),
        (102, Role.METHODIST, Role.RESPONDENT),
    ):
        person = harness.user(telegram_id)
        await person.send("/help")
        reply = await person.next_message()
        assert texts.HELP_BY_ROLE[role][0] in (reply.plain_text or "")
        assert texts.HELP_BY_ROLE[absent][0] not in (reply.plain_text or "")
        assert "/cancel" in (reply.plain_text or "")


async def test_admin_ids_make_an_administrator_without_a_row(harness: BotHarness) -> None:
    admin = harness.user(ADMIN_TELEGRAM_ID)

    await admin.send("/help")

    assert texts.HELP_BY_ROLE[Role.ADMIN][0] in ((await admin.next_message()).plain_text or "")


async def test_help_for_a_stranger_points_to_invitations(harness: BotHarness) -> None:
    stranger = harness.user(556)

    await stranger.send("/help")

    assert (await stranger.next_message()).plain_text == texts.HELP_STRANGER


async def test_cancel_with_nothing_to_cancel(harness: BotHarness) -> None:
    user = harness.user(557)

    await user.send("/cancel")

    assert (await user.next_message()).plain_text == texts.NOTHING_TO_CANCEL


async def test_unknown_command_and_unexpected_input_get_helpful_answers(
    harness: BotHarness,
) -> None:
    town = await make_town(harness.database)
    await make_person(harness.database, 558, Role.RESPONDENT, school_id=town.schools[0].id)
    user = harness.user(558)

    await user.send("/frobnicate now")
    assert (await user.next_message()).plain_text == texts.UNKNOWN_COMMAND.format(
        command="/frobnicate"
    )

    await user.send("привет")
    assert (await user.next_message()).plain_text == texts.UNEXPECTED_TEXT

    await user.send_sticker()
    assert (await user.next_message()).plain_text == texts.UNEXPECTED_MEDIA

    await user.send_voice()
    assert (await user.next_message()).plain_text == texts.UNEXPECTED_MEDIA

    await user.send_photo()
    assert (await user.next_message()).plain_text == texts.UNEXPECTED_MEDIA

    await user.send_document("План.xlsx", b"PK")  # a file outside any upload step
    assert (await user.next_message()).plain_text == texts.UNEXPECTED_FILE


async def test_a_payload_the_bot_never_sent_is_refused_and_a_stale_one_is_called_stale(
    harness: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    town = await make_town(harness.database)
    await make_person(harness.database, 559, Role.RESPONDENT, school_id=town.schools[0].id)
    user = harness.user(559)
    await user.send("/start")
    message = await user.next_message()

    with caplog.at_level(logging.WARNING):
        forged = [
            await user.press_data(message, data)
            for data in ("no-such-button", "or:99999999999999999999999", "or:-1", "n:1:q:fly")
        ]
        # A real payload of this bot, pressed where no step expects it.
        stale = await user.press_data(message, ReviewCancel(r=1).pack())
        await harness.settle()

    for update_id in forged:
        assert (user.callback_answer(update_id) or {}).get("text") == people_texts.ACCESS_DENIED
    assert (user.callback_answer(stale) or {}).get("text") == texts.STALE_BUTTON
    refused = [r for r in caplog.records if "malformed payload" in r.getMessage()]
    assert len(refused) == len(forged)


async def test_the_command_menu_is_registered_in_russian(harness: BotHarness) -> None:
    calls = harness.emulator.calls_of("setMyCommands")

    assert len(calls) == 1
    assert calls[0].params["commands"] == [
        {"command": command.command, "description": command.description} for command in MENU
    ]
    assert all(any("а" <= ch <= "я" for ch in c.description.lower()) for c in MENU)


async def test_the_bot_survives_a_429_and_answers_after_retry_after(harness: BotHarness) -> None:
    user = harness.user(560)
    harness.emulator.inject_error("sendMessage", status=429, retry_after=1, chat_id=560)

    await user.send("/help")

    reply = await user.next_message(timeout=10)
    assert (reply.plain_text or "") == texts.HELP_STRANGER
    statuses = [call.status for call in harness.emulator.calls_of("sendMessage", chat_id=560)]
    assert statuses == [429, 200]
    first, second = harness.emulator.calls_of("sendMessage", chat_id=560)
    assert second.at - first.at >= 0.9


async def test_the_bot_retries_server_errors(harness: BotHarness) -> None:
    user = harness.user(561)
    harness.emulator.inject_error("sendMessage", status=502, chat_id=561, times=2)

    await user.send("/cancel")

    assert (await user.next_message()).plain_text == texts.NOTHING_TO_CANCEL
    statuses = [call.status for call in harness.emulator.calls_of("sendMessage", chat_id=561)]
    assert statuses == [502, 502, 200]


async def test_a_blocked_user_does_not_break_the_bot(harness: BotHarness) -> None:
    harness.emulator.inject_error("sendMessage", status=403, chat_id=562, times=None)
    blocked, other = harness.user(562), harness.user(563)

    await blocked.send("/help")
    await other.send("/help")

    assert (await other.next_message()).plain_text == texts.HELP_STRANGER
    assert [c.status for c in harness.emulator.calls_of("sendMessage", chat_id=562)] == [403]


async def test_state_survives_a_restart_of_the_dispatcher(harness_each_db: BotHarness) -> None:
    harness = harness_each_db
    user = harness.user(564)
    assert harness.bot is not None
    assert harness.dispatcher is not None
    key = StorageKey(bot_id=harness.bot.id, chat_id=564, user_id=564)
    await harness.dispatcher.storage.set_state(key, "Questionnaire:answering")
    await harness.dispatcher.storage.set_data(key, {"response_id": 7})

    await harness.restart()

    assert harness.dispatcher is not None
    assert await harness.dispatcher.storage.get_state(key) == "Questionnaire:answering"
    await user.send("/cancel")
    assert (await user.next_message()).plain_text == texts.CANCELLED
    assert await harness.dispatcher.storage.get_state(key) is None


async def test_a_person_who_writes_again_is_reachable_again(harness: BotHarness) -> None:
    town = await make_town(harness.database)
    user = await make_person(harness.database, 565, Role.RESPONDENT, school_id=town.schools[0].id)
    async with harness.database.write() as conn:
        await mark_unreachable(conn, user.id, utcnow())
    teacher = harness.user(565)

    await teacher.send("/help")
    await teacher.next_message()

    async with harness.database.read() as conn:
        refreshed = await get_user_by_telegram_id(conn, 565)
    assert refreshed is not None
    assert refreshed.unreachable_since is None


async def test_blocking_the_bot_is_not_a_sign_of_life(harness: BotHarness) -> None:
    """A private my_chat_member "kicked" update keeps the unreachable mark a failed send set."""
    town = await make_town(harness.database)
    user = await make_person(harness.database, 565, Role.RESPONDENT, school_id=town.schools[0].id)
    async with harness.database.write() as conn:
        await mark_unreachable(conn, user.id, utcnow())
    teacher = harness.user(565)
    bot = harness.emulator.bot_user
    harness.emulator.push_update(
        {
            "my_chat_member": {
                "chat": teacher.chat,
                "from": teacher.user,
                "date": objects.now(),
                "old_chat_member": {"status": "member", "user": bot},
                "new_chat_member": {"status": "kicked", "user": bot, "until_date": 0},
            }
        }
    )
    await harness.settle()
    async with harness.database.read() as conn:
        refreshed = await get_user_by_telegram_id(conn, 565)
    assert refreshed is not None
    assert refreshed.unreachable_since is not None
