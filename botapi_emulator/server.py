"""``BotAPIEmulator``: a fake Telegram Bot API HTTP server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self

from aiogram import Bot
from aiohttp import web

from . import objects
from .chat import BotMessage, ChatStore, MessageListener
from .client import LocalSession
from .errors import APIError, injected_error, too_many_requests
from .faults import FaultPlan, Injection, RateLimiter, is_rate_limited_method
from .files import FileStore, UploadedFile
from .methods import Methods
from .params import attached_names, normalize, read_request
from .updates import UpdateQueue

MAX_REQUEST_SIZE = 50 * 1024 * 1024  # Telegram's upload limit for bots


@dataclass(frozen=True)
class CallbackPress:
    """One callback query pushed to the bot (whoever built it)."""

    update_id: int
    query_id: str
    user_id: int | None
    data: str | None
    chat_id: int | None  # the chat of the pressed message; None without a message
    chat_type: str | None
    message_id: int | None
    inaccessible: bool  # the message came as an InaccessibleMessage (date 0)


@dataclass(frozen=True)
class RecordedCall:
    """One request the emulator answered."""

    method: str
    params: dict[str, Any]
    files: dict[str, UploadedFile] = field(default_factory=dict)
    chat_id: int | None = None
    status: int = 200
    at: float = 0.0  # time.monotonic() when the request arrived


class BotAPIEmulator:
    """A fake Bot API server; point aiogram at :attr:`base_url`.

    The ``wait_*`` helpers take a ``timeout`` in seconds and raise ``TimeoutError``.
    """

    def __init__(
        self,
        *,
        bot_id: int = 7000000001,
        bot_username: str = "shnor_monitor_bot",
        bot_first_name: str = "ШНОР Мониторинг",
    ) -> None:
        self.bot_id = bot_id
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.token = f"{bot_id}:AAEmulatorToken-{bot_username}"
        self.calls: list[RecordedCall] = []
        self.tokens: set[str] = set()
        self.rate_limited = 0
        self._chats = ChatStore()
        self._files = FileStore()
        self._updates = UpdateQueue()
        self._methods = Methods(
            me=objects.bot_me_json(bot_id, bot_first_name, bot_username),
            chats=self._chats,
            files=self._files,
            updates=self._updates,
        )
        self._faults = FaultPlan()
        self._rate_limiter: RateLimiter | None = None
        self._callback_ids = itertools.count(4_000_000_000_000_000_001)
        self._group_ids = itertools.count(4_000_000_001)
        self._supergroup_ids = itertools.count(1_002_000_000_001)
        self.callback_presses: list[CallbackPress] = []
        self._runner: web.AppRunner | None = None
        self._stopping: asyncio.Event | None = None
        self._base_url: str | None = None

    # -- lifecycle ---------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``; available after :meth:`start`."""
        if self._base_url is None:
            raise RuntimeError("the emulator is not started")
        return self._base_url

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        if self._runner is not None:
            raise RuntimeError("the emulator is already started")
        app = web.Application(client_max_size=MAX_REQUEST_SIZE)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{file_path:.+}", self._handle_file)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        try:
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        bound_host, bound_port = runner.addresses[0][:2]
        self._runner = runner
        self._stopping = asyncio.Event()
        self._updates.reopen()
        self._base_url = f"http://{bound_host}:{bound_port}"

    async def stop(self) -> None:
        """Answer pending long polls and delays, then shut the server down."""
        runner, self._runner = self._runner, None
        if runner is None:
            return
        self._base_url = None
        if self._stopping is not None:
            self._stopping.set()
        self._updates.close()
        await runner.cleanup()

    def create_bot(self, token: str | None = None, **bot_kwargs: Any) -> Bot:
        """An aiogram ``Bot`` talking to this emulator; the caller closes its session.

        It uses :class:`LocalSession`, an ``AiohttpSession`` that closes without the 250 ms
        pause aiogram keeps for TLS connections (the emulator speaks plain HTTP).
        """
        return Bot(token or self.token, session=LocalSession(self.base_url), **bot_kwargs)

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    # -- recorded calls ----------------------------------------------------------------

    def calls_of(self, method: str, chat_id: int | None = None) -> list[RecordedCall]:
        """Recorded calls of ``method`` (case-insensitive), optionally only for one chat."""
        name = method.lower()
        return [
            call
            for call in self.calls
            if call.method.lower() == name and (chat_id is None or call.chat_id == chat_id)
        ]

    # -- updates -----------------------------------------------------------------------

    def push_update(self, payload: dict[str, Any]) -> int:
        """Queue an update (``payload`` without ``update_id``); returns the assigned id.

        Synchronous, but must run in the event loop's thread (from another thread use
        ``loop.call_soon_threadsafe``).
        """
        callback_query = payload.get("callback_query")
        if isinstance(callback_query, dict) and "id" in callback_query:
            self._methods.open_callback_query(str(callback_query["id"]))
        update_id = self._updates.push(payload)
        if isinstance(callback_query, dict) and "id" in callback_query:
            self.callback_presses.append(_press_record(update_id, callback_query))
        return update_id

    def is_processed(self, update_id: int) -> bool:
        """Whether getUpdates has confirmed the update (or dropped it: allowed_updates)."""
        return self._updates.is_processed(update_id)

    def callback_answer(self, query_id: str) -> dict[str, Any] | None:
        """The bot's answerCallbackQuery parameters for this query id, if it answered."""
        return self._methods.callback_answers.get(query_id)

    def unanswered_presses(self, *, processed_only: bool = True) -> list[CallbackPress]:
        """Callback queries the bot never answered; by default only those whose update
        getUpdates has confirmed (a pending one cannot have been answered yet)."""
        return [
            press
            for press in self.callback_presses
            if press.query_id not in self._methods.callback_answers
            and (not processed_only or self._updates.is_processed(press.update_id))
        ]

    @property
    def last_update_id(self) -> int:
        """The id of the newest pushed update (0 if none was pushed)."""
        return self._updates.last_update_id

    async def wait_processed(self, update_id: int, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Return once getUpdates confirmed the update (asked for a higher offset)."""
        await self._updates.wait_processed(update_id, timeout)

    async def wait_polling(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Return once the bot has started long polling (a getUpdates request arrived)."""
        await self._updates.wait_polls(1, timeout)

    def next_message_id(self, chat_id: int) -> int:
        """Allocate a message id in the chat (shared by the bot and the users)."""
        return self._chats.next_message_id(chat_id)

    def next_callback_query_id(self) -> str:
        return str(next(self._callback_ids))

    def register_chat(self, chat: dict[str, Any]) -> None:
        """Describe a chat (a Chat object) so the bot's messages there carry its details."""
        self._chats.register_chat(chat)

    def chat(self, chat_id: int) -> dict[str, Any]:
        """The Chat JSON of ``chat_id``: as registered, else private/group guessed by sign."""
        return self._chats.chat_json(chat_id)

    def chat_type(self, chat_id: int) -> str:
        """``private``, ``group``, ``supergroup`` or ``channel``."""
        return str(self.chat(chat_id).get("type", ""))

    def create_group(
        self,
        title: str = "Методисты",
        *,
        supergroup: bool = False,
        username: str | None = None,
        is_forum: bool = False,
        chat_id: int | None = None,
    ) -> dict[str, Any]:
        """Register a new group (or supergroup) chat and return its Chat JSON.

        Ids follow Telegram's shapes: ``-4000000001`` for groups, ``-1002000000001`` for
        supergroups. Users talk there through ``FakeUser.in_chat(chat)``.
        """
        chat: dict[str, Any]
        if supergroup:
            chat_id = -next(self._supergroup_ids) if chat_id is None else chat_id
            chat = objects.supergroup_chat_json(
                chat_id, title, username=username, is_forum=is_forum
            )
        else:
            chat_id = -next(self._group_ids) if chat_id is None else chat_id
            chat = objects.group_chat_json(chat_id, title)
        self.register_chat(chat)
        return chat

    def create_channel(
        self,
        title: str = "Новости ШНОР",
        *,
        username: str | None = None,
        chat_id: int | None = None,
    ) -> dict[str, Any]:
        """Register a new channel and return its Chat JSON (post there with ``FakeChannel``)."""
        chat_id = -next(self._supergroup_ids) if chat_id is None else chat_id
        chat = objects.channel_chat_json(chat_id, title, username=username)
        self.register_chat(chat)
        return chat

    @property
    def left_chats(self) -> frozenset[int]:
        """Groups and channels the bot left with leaveChat (sending there now fails, 403)."""
        return frozenset(self._methods.left_chats)

    def bot_joined(self, chat_id: int) -> None:
        """The bot is a member of the chat again (it was added back)."""
        self._methods.rejoin(chat_id)

    @property
    def bot_user(self) -> dict[str, Any]:
        """The bot as a User object (as it appears in ``from`` and ``new_chat_members``)."""
        return objects.user_json(
            self.bot_id, self.bot_first_name, username=self.bot_username, is_bot=True
        )

    # -- the bot's messages ------------------------------------------------------------

    def messages(self, chat_id: int) -> list[BotMessage]:
        """The bot's messages in the chat in send order, edits applied."""
        return self._chats.messages(chat_id)

    def all_messages(self, *, include_planted: bool = False) -> list[BotMessage]:
        """The bot's messages in every chat, in send order (``chat_type`` tells the chat's
        kind); planted messages only when asked for."""
        return [m for m in self._chats.all_messages() if include_planted or not m.planted]

    def plant_message(
        self,
        chat_id: int,
        text: str,
        reply_markup: dict[str, Any] | None = None,
        *,
        date: int | None = None,
    ) -> BotMessage:
        """Put a message "from the bot" into a chat without the bot sending it: one from
        before a restart, from another instance, or in a group the bot should never talk in.

        Tests press its buttons; the bot may edit or delete it like its own. It is not
        announced to listeners and ``all_messages`` leaves it out unless asked.
        """
        message = BotMessage(
            message_id=self._chats.next_message_id(chat_id),
            chat_id=chat_id,
            method="planted",
            text=text,
            parse_mode=None,
            reply_markup=reply_markup,
            plain_text=text,
            chat=self._chats.chat_json(chat_id),
            sender=self.bot_user,
            planted=True,
        )
        if date is not None:
            message.date = date
        self._chats.add(message, announce=False)
        return message

    async def wait_message(
        self,
        chat_id: int,
        index: int,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> BotMessage:
        """``messages(chat_id)[index]``, waiting until the bot has sent it."""
        return await self._chats.wait_message(chat_id, index, timeout)

    def add_listener(self, listener: MessageListener) -> None:
        """Call ``listener(event, message)`` synchronously whenever the bot sends, edits or
        deletes a message (``event`` is ``"sent"``, ``"edited"`` or ``"deleted"``)."""
        self._chats.add_listener(listener)

    @property
    def callback_answers(self) -> dict[str, dict[str, Any]]:
        """callback_query_id -> parameters of the bot's answerCallbackQuery."""
        return self._methods.callback_answers

    def my_commands(
        self, scope: dict[str, Any] | None = None, language_code: str | None = None
    ) -> list[dict[str, Any]]:
        """Commands set by setMyCommands for this scope and language."""
        return list(self._methods.commands.get(Methods.commands_key(scope, language_code), []))

    # -- files -------------------------------------------------------------------------

    def add_file(
        self, content: bytes, *, file_name: str | None = None, mime_type: str | None = None
    ) -> UploadedFile:
        """Register a file (as if a user had sent it) so getFile and downloads work."""
        return self._files.add(content, file_name=file_name, mime_type=mime_type)

    def add_media_file(
        self,
        content: bytes,
        *,
        folder: str,
        file_name: str | None = None,
        mime_type: str | None = None,
    ) -> UploadedFile:
        return self._files.add(content, file_name=file_name, mime_type=mime_type, folder=folder)

    def uploaded_file(self, file_id: str) -> UploadedFile | None:
        """A file known to the emulator by its id."""
        return self._files.get(file_id)

    # -- faults ------------------------------------------------------------------------

    def inject_error(
        self,
        method: str,
        *,
        status: int,
        description: str | None = None,
        retry_after: int | None = None,
        chat_id: int | None = None,
        times: int | None = 1,
    ) -> None:
        """Answer the next ``times`` matching calls (``None``: until cleared) with an error.

        ``method`` is matched case-insensitively; ``"*"`` matches every method.
        """
        self._faults.add(
            Injection(
                kind="error",
                method=method,
                chat_id=chat_id,
                remaining=times,
                status=status,
                description=description,
                retry_after=retry_after,
            )
        )

    def inject_delay(
        self, method: str, seconds: float, *, chat_id: int | None = None, times: int | None = 1
    ) -> None:
        """Hold the next ``times`` matching calls for ``seconds`` before handling them."""
        self._faults.add(
            Injection(
                kind="delay", method=method, chat_id=chat_id, remaining=times, seconds=seconds
            )
        )

    def clear_injections(self) -> None:
        self._faults.clear()

    def enforce_rate_limits(
        self,
        *,
        global_per_second: float | None = 30,
        per_chat_per_second: float | None = 1,
    ) -> None:
        """Answer sends over the limits with 429 (retry_after=1); ``None`` disables a limit."""
        if global_per_second is None and per_chat_per_second is None:
            self._rate_limiter = None
        else:
            self._rate_limiter = RateLimiter(global_per_second, per_chat_per_second)

    # -- HTTP --------------------------------------------------------------------------

    async def _handle_method(self, request: web.Request) -> web.Response:
        arrived = time.monotonic()
        method = request.match_info["method"]
        self.tokens.add(request.match_info["token"])
        params: dict[str, Any] = {}
        files: dict[str, UploadedFile] = {}
        chat_id: int | None = None
        try:
            raw, uploads = await read_request(request)
            params = normalize(raw)
            for part, name in attached_names(params, uploads).items():
                upload = uploads[part]
                declared = upload.content_type
                files[name] = self._files.make(
                    upload.content,
                    file_name=upload.filename,
                    mime_type=None if declared == "application/octet-stream" else declared,
                )
            raw_chat_id = params.get("chat_id")
            if isinstance(raw_chat_id, int) and not isinstance(raw_chat_id, bool):
                chat_id = raw_chat_id
            result = await self._execute(method, params, files, chat_id)
            status, body = 200, {"ok": True, "result": result}
        except APIError as error:
            status, body = error.status, error.envelope()
        self.calls.append(RecordedCall(method, params, files, chat_id, status, arrived))
        return web.json_response(body, status=status)

    async def _execute(
        self,
        method: str,
        params: dict[str, Any],
        files: dict[str, UploadedFile],
        chat_id: int | None,
    ) -> Any:
        delay = self._faults.take("delay", method, chat_id)
        if delay is not None:
            await self._sleep(delay.seconds)
        error = self._faults.take("error", method, chat_id)
        if error is not None:
            raise injected_error(error.status, error.description, error.retry_after)
        handler = self._methods.lookup(method)
        if handler is None:
            raise APIError(404, "Not Found: method not found")
        if (
            self._rate_limiter is not None
            and is_rate_limited_method(method)
            and not self._rate_limiter.try_acquire(chat_id, time.monotonic())
        ):
            self.rate_limited += 1
            raise too_many_requests(1)
        return await handler(params, files)

    async def _sleep(self, seconds: float) -> None:
        """Sleep, cut short when the emulator stops."""
        if self._stopping is None:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        self.tokens.add(request.match_info["token"])
        file = self._files.by_path(request.match_info["file_path"])
        if file is None:
            return web.json_response(
                {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
            )
        return web.Response(
            body=file.content, content_type=file.mime_type or "application/octet-stream"
        )


def _press_record(update_id: int, query: dict[str, Any]) -> CallbackPress:
    sender = query.get("from")
    message = query.get("message")
    chat = message.get("chat") if isinstance(message, dict) else None
    data = query.get("data")
    return CallbackPress(
        update_id=update_id,
        query_id=str(query["id"]),
        user_id=_int_or_none(sender.get("id")) if isinstance(sender, dict) else None,
        data=data if isinstance(data, str) else None,
        chat_id=_int_or_none(chat.get("id")) if isinstance(chat, dict) else None,
        chat_type=str(chat.get("type")) if isinstance(chat, dict) else None,
        message_id=_int_or_none(message.get("message_id")) if isinstance(message, dict) else None,
        inaccessible=isinstance(message, dict) and message.get("date") == 0,
    )


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
