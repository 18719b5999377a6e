"""The emulator's groups, channels, edits, forged button presses and their records, checked
against the real aiogram client (its pydantic models parse every update)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from aiogram import Bot, Dispatcher, F, Router
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.filters import Command
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InaccessibleMessage,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)

from botapi_emulator import BotAPIEmulator, FakeChannel, FakeUser

pytestmark = pytest.mark.asyncio


@pytest_asyncio.fixture
async def emulator() -> AsyncIterator[BotAPIEmulator]:
    async with BotAPIEmulator() as emu:
        yield emu


@pytest_asyncio.fixture
async def bot(emulator: BotAPIEmulator) -> AsyncIterator[Bot]:
    bot = emulator.create_bot()
    try:
        yield bot
    finally:
        await bot.session.close()


async def one_update(bot: Bot, emulator: BotAPIEmulator) -> Update:
    """The single pending update, parsed by aiogram, then confirmed."""
    [update] = await bot.get_updates(timeout=0)
    await bot.get_updates(offset=update.update_id + 1, timeout=0)
    await emulator.wait_processed(update.update_id, timeout=1)
    return update


def keyboard(*data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=d, callback_data=d)] for d in data]
    )


# -- groups ------------------------------------------------------------------------------------


async def test_group_and_supergroup_messages(emulator: BotAPIEmulator, bot: Bot) -> None:
    group = emulator.create_group("Методисты")
    supergroup = emulator.create_group("ШНОР", supergroup=True, username="shnor_chat")
    assert group == {"id": -4000000001, "type": "group", "title": "Методисты"}
    assert supergroup["id"] == -1002000000001
    assert (emulator.chat_type(group["id"]), emulator.chat_type(supergroup["id"])) == (
        "group",
        "supergroup",
    )
    user = FakeUser(emulator, 42, first_name="Мария", username="maria")
    in_group = user.in_chat(group)
    assert (in_group.chat_id, in_group.user_id, in_group.user) == (group["id"], 42, user.user)

    await in_group.send(f"/export@{emulator.bot_username} now")
    update = await one_update(bot, emulator)
    message = update.message
    assert message is not None
    assert (message.chat.id, message.chat.type, message.chat.title) == (
        group["id"],
        "group",
        "Методисты",
    )
    assert message.from_user is not None
    assert message.from_user.id == 42
    assert message.text == "/export@shnor_monitor_bot now"
    assert message.entities is not None
    assert (message.entities[0].type, message.entities[0].length) == ("bot_command", 25)

    await user.in_chat(supergroup).send_document("a.xlsx", b"PK junk")
    update = await one_update(bot, emulator)
    assert update.message is not None
    assert update.message.chat.type == "supergroup"
    assert update.message.chat.username == "shnor_chat"
    assert update.message.document is not None


async def test_commands_in_groups_reach_aiogram_filters(emulator: BotAPIEmulator) -> None:
    seen: list[str] = []
    router = Router()

    @router.message(Command("export"))
    async def export(message: Message) -> None:
        seen.append(f"export in {message.chat.type}")

    @router.message()
    async def other(message: Message) -> None:
        seen.append(f"other: {message.text}")

    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    bot = emulator.create_bot()
    task = asyncio.create_task(
        dispatcher.start_polling(
            bot,
            handle_signals=False,
            close_bot_session=False,
            polling_timeout=1,
            handle_as_tasks=False,
        )
    )
    try:
        await emulator.wait_polling()
        user = FakeUser(emulator, 7).in_chat(emulator.create_group())
        await user.send("/export")
        await user.send(f"/export@{emulator.bot_username}")
        last = await user.send("/export@some_other_bot")
        await emulator.wait_processed(last)
    finally:
        await dispatcher.stop_polling()
        await task
        await bot.session.close()
    assert seen == ["export in group", "export in group", "other: /export@some_other_bot"]


async def test_anonymous_admin_and_bot_added(emulator: BotAPIEmulator, bot: Bot) -> None:
    group = emulator.create_group(supergroup=True)
    admin = FakeUser(emulator, 5).in_chat(group)
    await admin.send_anonymously("/status")
    update = await one_update(bot, emulator)
    assert update.message is not None
    assert update.message.from_user is not None
    assert (update.message.from_user.username, update.message.from_user.is_bot) == (
        "GroupAnonymousBot",
        True,
    )
    assert update.message.sender_chat is not None
    assert update.message.sender_chat.id == group["id"]
    with pytest.raises(ValueError, match="anonymous"):
        await FakeUser(emulator, 5).send_anonymously("/status")

    member_update, service = await admin.add_bot_to_group()
    updates = await bot.get_updates(allowed_updates=["message", "my_chat_member"], timeout=0)
    assert [u.update_id for u in updates] == [member_update, service]
    joined = updates[0].my_chat_member
    assert joined is not None
    assert (joined.chat.id, joined.old_chat_member.status, joined.new_chat_member.status) == (
        group["id"],
        "left",
        "member",
    )
    assert updates[1].message is not None
    assert updates[1].message.new_chat_members is not None
    assert updates[1].message.new_chat_members[0].id == emulator.bot_id


async def test_leave_chat_and_sending_there_afterwards(emulator: BotAPIEmulator, bot: Bot) -> None:
    group = emulator.create_group()
    await bot.send_message(group["id"], "Я работаю только в личном чате.")
    assert await bot.leave_chat(group["id"])
    assert emulator.left_chats == {group["id"]}
    with pytest.raises(TelegramForbiddenError, match="not a member of the group chat"):
        await bot.send_message(group["id"], "ещё")
    with pytest.raises(TelegramForbiddenError):
        await bot.send_document(group["id"], BufferedInputFile(b"x", filename="x.txt"))
    with pytest.raises(TelegramBadRequest, match="private"):
        await bot.leave_chat(42)
    await FakeUser(emulator, 5).in_chat(group).add_bot_to_group()
    assert emulator.left_chats == frozenset()
    await bot.send_message(group["id"], "снова здесь")
    assert [c.status for c in emulator.calls_of("sendMessage", chat_id=group["id"])] == [
        200,
        403,
        200,
    ]


async def test_what_went_to_which_chat(emulator: BotAPIEmulator, bot: Bot) -> None:
    group = emulator.create_group()
    await bot.send_message(1, "private")
    await bot.send_message(group["id"], "notice")
    await bot.send_document(group["id"], BufferedInputFile(b"x", filename="leak.xlsx"))
    sent = emulator.all_messages()
    assert [(m.chat_type, m.method) for m in sent] == [
        ("private", "sendMessage"),
        ("group", "sendMessage"),
        ("group", "sendDocument"),
    ]
    assert sent[1].as_telegram()["chat"] == group
    planted = emulator.plant_message(group["id"], "old menu", {"inline_keyboard": []})
    assert planted.planted
    assert planted not in emulator.all_messages()
    assert emulator.all_messages(include_planted=True)[-1] is planted


# -- channels and edits -----------------------------------------------------------------------


async def test_channel_posts(emulator: BotAPIEmulator, bot: Bot) -> None:
    channel = FakeChannel(emulator)
    assert channel.chat["type"] == "channel"
    await channel.post("/start")
    update = await one_update(bot, emulator)
    post = update.channel_post
    assert post is not None
    assert post.from_user is None
    assert post.sender_chat is not None
    assert (post.sender_chat.id, post.chat.id, post.chat.type) == (
        channel.chat_id,
        channel.chat_id,
        "channel",
    )
    await channel.post_document("a.pdf", b"%PDF")
    await one_update(bot, emulator)
    await channel.edit_post("исправлено", message_id=post.message_id)
    update = await one_update(bot, emulator)
    edited = update.edited_channel_post
    assert edited is not None
    assert (edited.message_id, edited.text, edited.edit_date is not None) == (
        post.message_id,
        "исправлено",
        True,
    )
    with pytest.raises(ValueError, match="not a channel"):
        FakeChannel(emulator, emulator.create_group())


async def test_edited_messages_private_and_group(emulator: BotAPIEmulator, bot: Bot) -> None:
    user = FakeUser(emulator, 42)
    await user.send("12")
    first = user.last_sent_id
    await user.send_photo(caption="фото")
    await bot.get_updates(offset=emulator.last_update_id + 1, timeout=0)
    await user.edit("/export", message_id=first)
    update = await one_update(bot, emulator)
    edited = update.edited_message
    assert edited is not None
    assert (edited.message_id, edited.text, edited.chat.type) == (first, "/export", "private")
    assert edited.edit_date is not None
    assert edited.entities is not None
    assert edited.entities[0].type == "bot_command"
    await user.edit("новая подпись")  # the newest: the photo, so its caption changes
    update = await one_update(bot, emulator)
    assert update.edited_message is not None
    assert (update.edited_message.caption, update.edited_message.text) == ("новая подпись", None)
    assert update.edited_message.photo is not None

    in_group = user.in_chat(emulator.create_group())
    with pytest.raises(LookupError, match="no message"):
        await in_group.edit("x")
    await in_group.send("привет")
    await bot.get_updates(offset=emulator.last_update_id + 1, timeout=0)
    await in_group.edit("пока")
    update = await one_update(bot, emulator)
    assert update.edited_message is not None
    assert update.edited_message.chat.type == "group"
    assert update.edited_message.text == "пока"


async def test_other_content_kinds(emulator: BotAPIEmulator, bot: Bot) -> None:
    user = FakeUser(emulator, 42)
    await user.send_location()
    await user.send_contact()
    await user.send_dice()
    await user.send_message(text="<b>", entities=[{"type": "bold", "offset": 0, "length": 3}])
    updates = await bot.get_updates(timeout=0)
    messages = [u.message for u in updates]
    assert all(m is not None for m in messages)
    assert [m.content_type for m in messages if m is not None] == [
        "location",
        "contact",
        "dice",
        "text",
    ]


# -- button presses ----------------------------------------------------------------------------


async def test_forged_presses_any_data_any_message(emulator: BotAPIEmulator, bot: Bot) -> None:
    sent = await bot.send_message(42, "menu", reply_markup=keyboard("a:1"))
    user = FakeUser(emulator, 42)
    long_data = "xr:" + "9" * 100
    first = await user.press_data(sent.message_id, long_data)
    unknown = await user.press_data(999, "")
    inaccessible = await user.press_data(sent.message_id, "a:1", inaccessible=True)
    updates = await bot.get_updates(timeout=0)
    queries = [u.callback_query for u in updates]
    assert all(q is not None for q in queries)
    first_q, unknown_q, inaccessible_q = (q for q in queries if q is not None)
    assert first_q.data == long_data
    assert isinstance(first_q.message, Message)
    assert first_q.message.text == "menu"
    assert isinstance(unknown_q.message, Message)
    assert (unknown_q.message.message_id, unknown_q.data) == (999, "")
    assert isinstance(inaccessible_q.message, InaccessibleMessage)
    assert inaccessible_q.message.message_id == sent.message_id

    assert [p.update_id for p in emulator.callback_presses] == [first, unknown, inaccessible]
    assert [p.inaccessible for p in emulator.callback_presses] == [False, False, True]
    assert emulator.unanswered_presses() == []  # none confirmed yet
    assert len(emulator.unanswered_presses(processed_only=False)) == 3
    await bot.answer_callback_query(first_q.id, text="ok")
    await bot.get_updates(offset=inaccessible + 1, timeout=0)
    assert [p.update_id for p in emulator.unanswered_presses()] == [unknown, inaccessible]
    assert emulator.callback_answer(first_q.id) == {"callback_query_id": first_q.id, "text": "ok"}
    assert user.callback_answer(first) == emulator.callback_answer(first_q.id)


async def test_press_in_a_group_on_a_planted_message(emulator: BotAPIEmulator, bot: Bot) -> None:
    group = emulator.create_group()
    planted = emulator.plant_message(
        group["id"],
        "Мои анкеты",
        {"inline_keyboard": [[{"text": "Открыть", "callback_data": "or:1"}]]},
    )
    user = FakeUser(emulator, 42).in_chat(group)
    await user.press("Открыть")
    update = await one_update(bot, emulator)
    query = update.callback_query
    assert query is not None
    assert isinstance(query.message, Message)
    assert (query.message.chat.type, query.message.message_id) == ("group", planted.message_id)
    assert query.message.from_user is not None
    assert query.message.from_user.id == emulator.bot_id
    [press] = emulator.callback_presses
    assert (press.chat_type, press.chat_id, press.data, press.user_id) == (
        "group",
        group["id"],
        "or:1",
        42,
    )
    # the bot may edit a planted message like its own
    await bot.edit_message_reply_markup(chat_id=group["id"], message_id=planted.message_id)
    assert planted.buttons == []
    assert planted.callback_data_ever == ["or:1"]


async def test_stale_keyboards_are_remembered(emulator: BotAPIEmulator) -> None:
    router = Router()

    @router.callback_query(F.data == "next")
    async def next_page(callback: CallbackQuery) -> None:
        assert isinstance(callback.message, Message)
        await callback.message.edit_text("page 2", reply_markup=keyboard("back"))
        await callback.answer()

    @router.callback_query()
    async def stale(callback: CallbackQuery) -> None:
        await callback.answer("stale", show_alert=True)

    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    bot = emulator.create_bot()
    task = asyncio.create_task(
        dispatcher.start_polling(
            bot,
            handle_signals=False,
            close_bot_session=False,
            polling_timeout=1,
            handle_as_tasks=False,
        )
    )
    try:
        await emulator.wait_polling()
        menu = await bot.send_message(42, "page 1", reply_markup=keyboard("next", "other"))
        user = FakeUser(emulator, 42)
        await emulator.wait_processed(await user.press("next"))
        message = emulator.messages(42)[0]
        assert message.message_id == menu.message_id
        assert message.button_texts == ["back"]
        assert message.callback_data_ever == ["next", "other", "back"]
        again = await user.press_data(message, "other")  # a slow client's old button
        await emulator.wait_processed(again)
        assert user.callback_answer(again) == {
            "callback_query_id": emulator.callback_presses[-1].query_id,
            "text": "stale",
            "show_alert": True,
        }
    finally:
        await dispatcher.stop_polling()
        await task
        await bot.session.close()


async def test_send_photo_by_file_id(emulator: BotAPIEmulator, bot: Bot) -> None:
    user = FakeUser(emulator, 42)
    await user.send_photo()
    await user.send_document("a.pdf", b"%PDF")
    photo_update, document_update = await bot.get_updates(timeout=0)
    assert photo_update.message is not None
    assert photo_update.message.photo is not None
    assert document_update.message is not None
    assert document_update.message.document is not None
    photo_id = photo_update.message.photo[-1].file_id
    sent = await bot.send_photo(42, photo_id, caption="ваше фото")
    assert sent.photo is not None
    assert sent.caption == "ваше фото"
    assert emulator.messages(42)[-1].photo is not None
    with pytest.raises(TelegramBadRequest, match="type of file mismatch"):
        await bot.send_photo(42, document_update.message.document.file_id)
    with pytest.raises(TelegramBadRequest, match="wrong file identifier"):
        await bot.send_photo(42, "nope")
    uploaded = await bot.send_photo(42, BufferedInputFile(b"\xff\xd8jpeg", filename="p.jpg"))
    assert uploaded.photo is not None


async def test_limits_are_counted_as_telegram_counts_them(
    emulator: BotAPIEmulator, bot: Bot
) -> None:
    """4,096 UTF-16 units (an emoji outside the BMP is two), and 100 inline buttons at most."""
    user = FakeUser(emulator, 7001, first_name="Анна")
    await user.send("/start")
    await bot.send_message(7001, "😀" * 2048)
    with pytest.raises(TelegramBadRequest, match="too long"):
        await bot.send_message(7001, "😀" * 2049)
    buttons = [[InlineKeyboardButton(text=str(i), callback_data=str(i))] for i in range(101)]
    with pytest.raises(TelegramBadRequest, match="too long"):
        await bot.send_message(
            7001, "x", reply_markup=InlineKeyboardMarkup(inline_keyboard=buttons)
        )
    await bot.send_message(
        7001, "x", reply_markup=InlineKeyboardMarkup(inline_keyboard=buttons[:100])
    )
