"""Tests of the fake Bot API server against the real aiogram client."""

from __future__ import annotations

import asyncio
import gc
import logging
import time
import warnings
from collections.abc import AsyncIterator
from typing import Any, ClassVar

import aiohttp
import pytest
import pytest_asyncio
from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.filters import Command, CommandStart
from aiogram.methods import TelegramMethod
from aiogram.types import (
    BotCommand,
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)

from botapi_emulator import BotAPIEmulator, BotMessage, FakeUser, LocalSession

pytestmark = pytest.mark.asyncio

CHAT = 555


def keyboard(*buttons: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=text, callback_data=data)] for text, data in buttons
        ]
    )


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


def echo_router() -> Router:
    """A fresh router each time: a router can be attached to one dispatcher only."""
    router = Router(name="echo")

    @router.message(CommandStart())
    async def start(message: Message) -> None:
        await message.answer(
            "<b>Привет!</b>", parse_mode="HTML", reply_markup=keyboard(("Пинг", "ping"))
        )

    @router.message(Command("help"))
    async def help_(message: Message) -> None:
        await message.answer(f"help: {message.text}")

    @router.message(F.text)
    async def echo(message: Message) -> None:
        await message.answer(f"echo: {message.text}")

    @router.callback_query(F.data == "ping")
    async def ping(callback: CallbackQuery) -> None:
        assert isinstance(callback.message, Message)
        await callback.message.edit_text("pong", reply_markup=keyboard(("Ещё", "again")))
        await callback.answer("pong!")

    return router


@pytest_asyncio.fixture
async def polling(emulator: BotAPIEmulator, bot: Bot) -> AsyncIterator[Dispatcher]:
    dispatcher = Dispatcher()
    dispatcher.include_router(echo_router())
    task = asyncio.create_task(
        dispatcher.start_polling(
            bot,
            handle_signals=False,
            close_bot_session=False,
            polling_timeout=1,
            handle_as_tasks=False,
        )
    )
    await emulator.wait_polling()
    try:
        yield dispatcher
    finally:
        await dispatcher.stop_polling()
        await task


# -- raw Bot calls ----------------------------------------------------------------------


async def test_get_me_and_token(emulator: BotAPIEmulator, bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (emulator.bot_id, emulator.bot_username, True)
    assert emulator.tokens == {bot.token}


async def test_send_message_html_keyboard(emulator: BotAPIEmulator, bot: Bot) -> None:
    sent = await bot.send_message(
        CHAT, "<b>Отчёт</b> готов", parse_mode="HTML", reply_markup=keyboard(("Да", "yes"))
    )
    assert sent.text == "Отчёт готов"
    assert sent.entities is not None
    assert sent.entities[0].type == "bold"
    assert sent.from_user is not None
    assert sent.from_user.id == emulator.bot_id
    assert sent.reply_markup is not None
    [message] = emulator.messages(CHAT)
    assert (message.message_id, message.text, message.parse_mode) == (
        sent.message_id,
        "<b>Отчёт</b> готов",
        "HTML",
    )
    assert message.button("Да").callback_data == "yes"
    with pytest.raises(LookupError, match="Да"):
        message.button("Нет")
    [call] = emulator.calls_of("sendMessage", chat_id=CHAT)
    assert call.params["chat_id"] == CHAT
    assert call.params["reply_markup"] == {
        "inline_keyboard": [[{"text": "Да", "callback_data": "yes"}]]
    }
    assert call.status == 200


async def test_edit_message_text_and_errors(emulator: BotAPIEmulator, bot: Bot) -> None:
    sent = await bot.send_message(CHAT, "one", reply_markup=keyboard(("A", "a")))
    edited = await bot.edit_message_text("two", chat_id=CHAT, message_id=sent.message_id)
    assert isinstance(edited, Message)
    assert edited.edit_date is not None
    [message] = emulator.messages(CHAT)
    assert (message.text, message.edited, message.buttons) == ("two", True, [])

    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text("two", chat_id=CHAT, message_id=sent.message_id)
    await bot.edit_message_reply_markup(
        chat_id=CHAT, message_id=sent.message_id, reply_markup=keyboard(("B", "b"))
    )
    assert message.button("B").callback_data == "b"
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_reply_markup(
            chat_id=CHAT, message_id=sent.message_id, reply_markup=keyboard(("B", "b"))
        )
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text("x", chat_id=CHAT, message_id=999)
    assert await bot.delete_message(CHAT, sent.message_id)
    assert message.deleted
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(CHAT, sent.message_id)
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text("y", chat_id=CHAT, message_id=sent.message_id)


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"text": ""}, "message text is empty"),
        ({"text": "x" * 4097}, "message is too long"),
        ({"text": "ok", "reply_markup": keyboard(("A", "d" * 65))}, "BUTTON_DATA_INVALID"),
        ({"text": "a <br> b", "parse_mode": "HTML"}, "can't parse entities"),
    ],
)
async def test_send_message_validation(bot: Bot, kwargs: dict[str, Any], error: str) -> None:
    with pytest.raises(TelegramBadRequest, match=error):
        await bot.send_message(CHAT, **kwargs)


async def test_send_document_upload_and_resend(emulator: BotAPIEmulator, bot: Bot) -> None:
    payload = b"PK\x03\x04 fake xlsx bytes"
    sent = await bot.send_document(
        CHAT, BufferedInputFile(payload, filename="report.xlsx"), caption="Отчёт"
    )
    assert sent.document is not None
    assert sent.caption == "Отчёт"
    assert (sent.document.file_name, sent.document.file_size) == ("report.xlsx", len(payload))
    [message] = emulator.messages(CHAT)
    assert message.method == "sendDocument"
    assert message.document is not None
    assert message.document.content == payload
    assert message.text == "Отчёт"
    [call] = emulator.calls_of("sendDocument")
    assert call.files["document"].content == payload

    again = await bot.send_document(CHAT + 1, sent.document.file_id)
    assert again.document is not None
    assert again.document.file_id == sent.document.file_id
    downloaded = await bot.download(sent.document.file_id)
    assert downloaded is not None
    assert downloaded.read() == payload
    with pytest.raises(TelegramBadRequest, match="wrong file identifier"):
        await bot.send_document(CHAT, "no-such-file-id")


async def test_get_file_and_download_user_document(emulator: BotAPIEmulator, bot: Bot) -> None:
    user = FakeUser(emulator, 42)
    await user.send_document("data.csv", b"a;b\n1;2\n")
    update = (await bot.get_updates())[0]
    assert update.message is not None
    assert update.message.document is not None
    document = update.message.document
    assert (document.file_name, document.mime_type) == ("data.csv", "text/csv")
    file = await bot.get_file(document.file_id)
    assert file.file_path is not None
    downloaded = await bot.download_file(file.file_path)
    assert downloaded is not None
    assert downloaded.read() == b"a;b\n1;2\n"
    with pytest.raises(TelegramBadRequest, match="invalid file_id"):
        await bot.get_file("nope")


async def test_answer_callback_query(emulator: BotAPIEmulator, bot: Bot) -> None:
    sent = await bot.send_message(CHAT, "menu", reply_markup=keyboard(("Go", "go")))
    user = FakeUser(emulator, CHAT)
    update_id = await user.press("Go")
    [update] = await bot.get_updates()
    assert update.update_id == update_id
    assert update.callback_query is not None
    assert update.callback_query.data == "go"
    assert isinstance(update.callback_query.message, Message)
    assert update.callback_query.message.message_id == sent.message_id
    await bot.answer_callback_query(update.callback_query.id, text="done", show_alert=True)
    assert user.callback_answer(update_id) == {
        "callback_query_id": update.callback_query.id,
        "text": "done",
        "show_alert": True,
    }
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query(update.callback_query.id)


async def test_my_commands(emulator: BotAPIEmulator, bot: Bot) -> None:
    await bot.set_my_commands([BotCommand(command="start", description="Начать")])
    assert emulator.my_commands() == [{"command": "start", "description": "Начать"}]
    assert [c.command for c in await bot.get_my_commands()] == ["start"]
    assert emulator.calls_of("setMyCommands")[0].params["commands"][0]["command"] == "start"
    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand(command="Bad-Name", description="x")])
    await bot.delete_my_commands()
    assert await bot.get_my_commands() == []


class UnknownMethod(TelegramMethod[bool]):
    __returning__: ClassVar[type] = bool
    __api_method__: ClassVar[str] = "noSuchMethod"


async def test_unknown_method(emulator: BotAPIEmulator, bot: Bot) -> None:
    with pytest.raises(TelegramNotFound, match="method not found"):
        await bot(UnknownMethod())
    assert emulator.calls_of("noSuchMethod")[0].status == 404


async def test_json_body_and_plain_multipart(emulator: BotAPIEmulator) -> None:
    url = f"{emulator.base_url}/bot{emulator.token}"
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{url}/sendMessage", json={"chat_id": 7, "text": "hi"}) as resp:
            body = await resp.json()
        assert resp.status == 200
        assert body["ok"]
        assert body["result"]["text"] == "hi"
        form = aiohttp.FormData()
        form.add_field("chat_id", "7")
        form.add_field("document", b"raw", filename="a.txt")
        async with http.post(f"{url}/sendDocument", data=form) as resp:
            body = await resp.json()
        assert body["result"]["document"]["file_name"] == "a.txt"
        async with http.post(f"{url}/sendMessage", data={"chat_id": "7"}) as resp:
            body = await resp.json()
        assert resp.status == 400
        assert body == {
            "ok": False,
            "error_code": 400,
            "description": "Bad Request: message text is empty",
        }
    assert emulator.messages(7)[1].document is not None
    assert emulator.messages(7)[1].document.content == b"raw"  # type: ignore[union-attr]


# -- fault injection ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "exception", "description"),
    [
        (429, TelegramRetryAfter, "Too Many Requests: retry after 3"),
        (403, TelegramForbiddenError, "Forbidden: bot was blocked by the user"),
        (400, TelegramBadRequest, "Bad Request: injected"),
        (500, TelegramServerError, "Internal Server Error"),
        (502, TelegramServerError, "Internal Server Error"),
    ],
)
async def test_injected_errors(
    emulator: BotAPIEmulator,
    bot: Bot,
    status: int,
    exception: type[Exception],
    description: str,
) -> None:
    emulator.inject_error("sendMessage", status=status, retry_after=3 if status == 429 else None)
    with pytest.raises(exception) as caught:
        await bot.send_message(CHAT, "hi")
    assert description in str(caught.value)
    if isinstance(caught.value, TelegramRetryAfter):
        assert caught.value.retry_after == 3
    await bot.send_message(CHAT, "hi")  # times=1: the next call passes
    assert [c.status for c in emulator.calls_of("sendMessage")] == [status, 200]
    assert len(emulator.messages(CHAT)) == 1


async def test_injection_per_chat_and_times(emulator: BotAPIEmulator, bot: Bot) -> None:
    emulator.inject_error("sendMessage", status=403, chat_id=1, times=2)
    emulator.inject_error("sendChatAction", status=500, description="boom", times=None)
    await bot.send_message(2, "other chat is fine")
    for _ in range(2):
        with pytest.raises(TelegramForbiddenError):
            await bot.send_message(1, "blocked")
    await bot.send_message(1, "unblocked")
    for _ in range(3):
        with pytest.raises(TelegramServerError, match="boom"):
            await bot.send_chat_action(1, "typing")
    emulator.clear_injections()
    assert await bot.send_chat_action(1, "typing")
    assert [c.status for c in emulator.calls_of("sendMessage", chat_id=1)] == [403, 403, 200]


async def test_inject_delay(emulator: BotAPIEmulator, bot: Bot) -> None:
    emulator.inject_delay("sendMessage", 0.3)
    started = time.monotonic()
    await bot.send_message(CHAT, "slow")
    assert time.monotonic() - started >= 0.3  # a lower bound: load only makes it longer


async def test_a_delay_holds_only_as_many_calls_as_its_times(
    emulator: BotAPIEmulator, bot: Bot
) -> None:
    """With ``times=1`` one of two concurrent calls is held and the other is answered.

    Which one arrives first is up to the network, so the test does not pick; the delay is long
    enough that the answered call cannot have waited it out (it returns well before half of it).
    """
    held_seconds = 30
    emulator.inject_delay("sendMessage", held_seconds, times=1)
    calls = {
        asyncio.create_task(bot.send_message(CHAT, "one")),
        asyncio.create_task(bot.send_message(CHAT, "two")),
    }
    done, pending = await asyncio.wait(
        calls, timeout=held_seconds / 2, return_when=asyncio.FIRST_COMPLETED
    )
    assert len(done) == 1, "times=1 must hold one call, not both"
    [answered], [held] = done, pending
    assert [m.text for m in emulator.messages(CHAT)] == [answered.result().text]
    assert [c.status for c in emulator.calls_of("sendMessage")] == [200]  # the held one waits
    await emulator.stop()  # answers the held call at once
    assert (await held).text != answered.result().text
    assert len(emulator.messages(CHAT)) == 2


async def test_rate_limits(emulator: BotAPIEmulator, bot: Bot) -> None:
    emulator.enforce_rate_limits(global_per_second=3, per_chat_per_second=1)
    await bot.send_message(1, "first")
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(1, "second")
    assert caught.value.retry_after == 1
    await bot.send_chat_action(1, "typing")  # not a send
    await bot.send_message(2, "a")
    await bot.send_message(3, "b")
    with pytest.raises(TelegramRetryAfter):
        await bot.send_message(4, "over the global limit")
    assert emulator.rate_limited == 2
    emulator.enforce_rate_limits(global_per_second=None, per_chat_per_second=None)
    await bot.send_message(1, "limits off")


# -- conversations through the dispatcher --------------------------------------------------


async def test_conversation(emulator: BotAPIEmulator, polling: Dispatcher) -> None:
    user = FakeUser(emulator, 1001, username="ivan")
    await user.send("/start")
    greeting = await user.next_message()
    assert greeting.text == "<b>Привет!</b>"
    assert greeting.message_id == 2

    await user.send("/help@shnor_monitor_bot arg")
    assert (await user.next_message()).text == "help: /help@shnor_monitor_bot arg"
    update_id = await user.send("как дела?")
    await emulator.wait_processed(update_id)
    assert (await user.next_message()).text == "echo: как дела?"

    pressed = await user.press("Пинг")
    await emulator.wait_processed(pressed)
    assert user.callback_answer(pressed) == {
        "callback_query_id": emulator.calls_of("answerCallbackQuery")[0].params[
            "callback_query_id"
        ],
        "text": "pong!",
    }
    assert (greeting.text, greeting.edited, [b.text for b in greeting.buttons[0]]) == (
        "pong",
        True,
        ["Ещё"],
    )
    assert user.last_message() is emulator.messages(user.chat_id)[-1]
    with pytest.raises(LookupError, match="Ещё"):
        await user.press("Пинг")

    sticker = await user.send_sticker()
    await emulator.wait_processed(sticker)
    await user.expect_no_message(within=0.05)
    await user.send_voice()
    await user.send_photo(caption=None)
    hello = await user.send("hello")
    await emulator.wait_processed(hello)  # handled (and answered) before the next poll
    with pytest.raises(AssertionError, match="echo: hello"):
        await user.expect_no_message()


async def test_listener_sees_sends_edits_and_deletes(emulator: BotAPIEmulator, bot: Bot) -> None:
    events: list[tuple[str, int]] = []
    emulator.add_listener(lambda event, message: events.append((event, message.message_id)))
    sent = await bot.send_message(CHAT, "a")
    await bot.edit_message_text("b", chat_id=CHAT, message_id=sent.message_id)
    await bot.delete_message(CHAT, sent.message_id)
    assert events == [("sent", 1), ("edited", 1), ("deleted", 1)]


async def test_press_data_and_user_helpers(emulator: BotAPIEmulator, polling: Dispatcher) -> None:
    user = FakeUser(emulator, 1002)
    await user.send("/start")
    greeting = await user.next_message()
    forged = await user.press_data(greeting, "forged-data")
    await emulator.wait_processed(forged)
    assert user.callback_answer(forged) is None  # no handler answered it
    with pytest.raises(TimeoutError, match="no bot message #1"):
        await user.next_message(timeout=0.05)


async def test_updates_without_polling(emulator: BotAPIEmulator, bot: Bot) -> None:
    first = emulator.push_update({"edited_message": {"bogus": True}})
    with pytest.raises(TimeoutError):
        await emulator.wait_processed(first, timeout=0.05)
    user = FakeUser(emulator, 9)
    second = await user.send("hi")
    assert emulator.last_update_id == second
    updates = await bot.get_updates(allowed_updates=["message"], timeout=0)
    assert [u.update_id for u in updates] == [second]  # edited_message was filtered out
    await emulator.wait_processed(first)  # filtered out by that call
    await bot.get_updates(offset=second + 1, timeout=0)
    await emulator.wait_processed(second)  # confirmed by the higher offset
    started = time.monotonic()
    url = f"{emulator.base_url}/bot{bot.token}/getUpdates"
    async with aiohttp.ClientSession() as http, http.get(url, params={"timeout": "0.2"}) as resp:
        assert await resp.json() == {"ok": True, "result": []}
    assert time.monotonic() - started >= 0.2


async def test_long_poll_wakes_on_push(emulator: BotAPIEmulator, bot: Bot) -> None:
    poll_seconds = 30
    poll = asyncio.create_task(bot.get_updates(timeout=poll_seconds))
    await emulator.wait_polling()
    update_id = await FakeUser(emulator, 3).send("wake up")
    # Woken by the update, not by the poll's timeout (which would also bring no updates).
    updates = await asyncio.wait_for(poll, poll_seconds / 2)
    assert [u.update_id for u in updates] == [update_id]


async def test_clean_shutdown(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="asyncio")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        emulator = BotAPIEmulator()
        await emulator.start()
        # The plain aiogram session, as the real bot builds it.
        session = AiohttpSession(api=TelegramAPIServer.from_base(emulator.base_url))
        bot = Bot(emulator.token, session=session)
        dispatcher = Dispatcher()
        dispatcher.include_router(echo_router())
        task = asyncio.create_task(
            dispatcher.start_polling(
                bot, handle_signals=False, close_bot_session=False, polling_timeout=1
            )
        )
        await emulator.wait_polling()
        user = FakeUser(emulator, 77)
        await user.send("/start")
        assert isinstance(await user.next_message(), BotMessage)
        # Drain: stop polling, close the bot's HTTP session, then stop the server.
        await dispatcher.stop_polling()
        await task
        await bot.session.close()
        await emulator.stop()
        await emulator.stop()  # idempotent
        del bot, dispatcher, task
        gc.collect()
    leaked = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    assert leaked == []
    assert not [w for w in caught if "nclosed" in str(w.message)]
    assert "nclosed" not in caplog.text
    with pytest.raises(RuntimeError, match="not started"):
        _ = emulator.base_url


async def test_local_session_closes(emulator: BotAPIEmulator) -> None:
    session = LocalSession(emulator.base_url)
    async with Bot(emulator.token, session=session) as bot:
        assert (await bot.get_me()).id == emulator.bot_id
