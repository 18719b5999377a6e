"""Bot API method implementations over the emulator's state."""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from typing import Any

from . import objects
from .chat import BotMessage, ChatStore, inline_keyboard
from .errors import bad_request, forbidden
from .files import MAX_DOWNLOAD_SIZE, FileStore, UploadedFile
from .markup import MarkupError, render
from .updates import UpdateQueue

Params = dict[str, Any]
Files = dict[str, UploadedFile]
Handler = Callable[[Params, Files], Awaitable[Any]]

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_INLINE_BUTTONS = 100


def utf16_length(text: str) -> int:
    """Telegram counts text length in UTF-16 code units (an emoji outside the BMP is two)."""
    return len(text.encode("utf-16-le")) // 2


_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
_BUTTON_ACTIONS = frozenset(
    {
        "callback_data",
        "url",
        "web_app",
        "login_url",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "switch_inline_query_chosen_chat",
        "copy_text",
        "callback_game",
        "pay",
    }
)
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"


def _int_param(params: Params, name: str) -> int:
    value = params.get(name)
    if isinstance(value, bool) or not isinstance(value, int):
        if value is None or value == "":
            raise bad_request(f"{name} is empty")
        if name == "chat_id":
            raise bad_request("chat not found")
        raise bad_request(f"invalid {name} specified")
    return value


def _optional_str(params: Params, name: str) -> str | None:
    value = params.get(name)
    return None if value is None else str(value)


def validate_reply_markup(markup: Any) -> dict[str, Any] | None:
    """Check a reply_markup the way Telegram rejects broken keyboards."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    rows = markup.get("inline_keyboard")
    if rows is None:
        return markup
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request("can't parse inline keyboard markup JSON object")
    if sum(len(row) for row in rows) > MAX_INLINE_BUTTONS:
        raise bad_request("reply markup is too long")
    for row in rows:
        for button in row:
            if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                raise bad_request(
                    'can\'t parse inline keyboard button: Field "text" must be a string'
                )
            if not _BUTTON_ACTIONS & button.keys():
                raise bad_request(
                    "can't parse inline keyboard button: "
                    "Text buttons are unallowed in the inline keyboard"
                )
            data = button.get("callback_data")
            if data is not None and not 0 < len(str(data).encode()) <= MAX_CALLBACK_DATA_BYTES:
                raise bad_request("BUTTON_DATA_INVALID")
    return markup


class Methods:
    """The supported Bot API methods, looked up case-insensitively by name."""

    def __init__(
        self,
        *,
        me: dict[str, Any],
        chats: ChatStore,
        files: FileStore,
        updates: UpdateQueue,
    ) -> None:
        self._me = me
        self._sender = {key: me[key] for key in ("id", "is_bot", "first_name", "username")}
        self._chats = chats
        self._files = files
        self._updates = updates
        self.callback_answers: dict[str, dict[str, Any]] = {}
        self._open_callback_queries: set[str] = set()
        self.left_chats: set[int] = set()  # groups and channels the bot left (leaveChat)
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self._table: dict[str, Handler] = {
            "getme": self.get_me,
            "getupdates": self.get_updates,
            "deletewebhook": self.delete_webhook,
            "getwebhookinfo": self.get_webhook_info,
            "setmycommands": self.set_my_commands,
            "getmycommands": self.get_my_commands,
            "deletemycommands": self.delete_my_commands,
            "sendmessage": self.send_message,
            "editmessagetext": self.edit_message_text,
            "editmessagereplymarkup": self.edit_message_reply_markup,
            "deletemessage": self.delete_message,
            "answercallbackquery": self.answer_callback_query,
            "senddocument": self.send_document,
            "sendphoto": self.send_photo,
            "leavechat": self.leave_chat,
            "sendchataction": self.send_chat_action,
            "getfile": self.get_file,
        }

    def lookup(self, method: str) -> Handler | None:
        return self._table.get(method.lower())

    def open_callback_query(self, query_id: str) -> None:
        """Allow one answerCallbackQuery for this id (it was delivered in an update)."""
        self._open_callback_queries.add(query_id)

    # -- helpers -----------------------------------------------------------------------

    @staticmethod
    def _render(
        text: str, parse_mode: str | None, entities: Any, *, limit: int, too_long: str
    ) -> tuple[str, list[dict[str, Any]]]:
        if isinstance(entities, list):
            plain, parsed = text, entities
        else:
            try:
                plain, parsed = render(text, parse_mode)
            except MarkupError as error:
                raise bad_request(f"can't parse entities: {error}") from error
        if utf16_length(plain) > limit:
            raise bad_request(too_long)
        return plain, parsed

    def _render_text(self, params: Params) -> tuple[str, str, list[dict[str, Any]]]:
        text = params.get("text")
        if not isinstance(text, str) or not text.strip():
            raise bad_request("message text is empty")
        plain, entities = self._render(
            text,
            _optional_str(params, "parse_mode"),
            params.get("entities"),
            limit=MAX_TEXT_LENGTH,
            too_long="message is too long",
        )
        if not plain.strip():
            raise bad_request("message text is empty")
        return text, plain, entities

    def _check_member(self, chat_id: int) -> None:
        """Sending to a group or channel the bot left fails as on Telegram."""
        if chat_id in self.left_chats:
            kind = self._chats.chat_json(chat_id).get("type", "group")
            raise forbidden(f"bot is not a member of the {kind} chat")

    def rejoin(self, chat_id: int) -> None:
        """The bot was added to the chat again."""
        self.left_chats.discard(chat_id)

    def _new_message(self, chat_id: int, method: str, **fields: Any) -> BotMessage:
        self._check_member(chat_id)
        message = BotMessage(
            message_id=self._chats.next_message_id(chat_id),
            chat_id=chat_id,
            method=method,
            chat=self._chats.chat_json(chat_id),
            sender=self._sender,
            **fields,
        )
        self._chats.add(message)
        return message

    def _find_for_edit(self, params: Params) -> BotMessage:
        if params.get("inline_message_id"):
            raise bad_request("inline messages are not supported by the emulator")
        chat_id = _int_param(params, "chat_id")
        message = self._chats.find(chat_id, _int_param(params, "message_id"))
        if message is None:
            raise bad_request("message to edit not found")
        return message

    def _mark_edited(self, message: BotMessage) -> dict[str, Any]:
        message.edited = True
        message.edit_date = objects.now()
        self._chats.touch("edited", message)
        return message.as_telegram()

    # -- methods -------------------------------------------------------------------------

    async def get_me(self, params: Params, files: Files) -> Any:
        return self._me

    async def get_updates(self, params: Params, files: Files) -> Any:
        offset = params.get("offset")
        limit = params.get("limit")
        timeout = params.get("timeout")
        allowed = params.get("allowed_updates")
        return await self._updates.get(
            offset=offset if isinstance(offset, int) else None,
            limit=min(max(limit, 1), 100) if isinstance(limit, int) else 100,
            wait_seconds=max(timeout, 0) if isinstance(timeout, int | float) else 0,
            allowed_updates=allowed if isinstance(allowed, list) else None,
        )

    async def delete_webhook(self, params: Params, files: Files) -> Any:
        if params.get("drop_pending_updates") is True:
            self._updates.drop_pending()
        return True

    async def get_webhook_info(self, params: Params, files: Files) -> Any:
        return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}

    @staticmethod
    def commands_key(scope: Any, language_code: Any) -> tuple[str, str]:
        """The key commands are stored under: (scope JSON, language code)."""
        return json.dumps(scope or {"type": "default"}, sort_keys=True), str(language_code or "")

    def _commands_key(self, params: Params) -> tuple[str, str]:
        return self.commands_key(params.get("scope"), params.get("language_code"))

    async def set_my_commands(self, params: Params, files: Files) -> Any:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise bad_request("can't parse commands JSON object")
        for command in commands:
            if not isinstance(command, dict) or not _COMMAND_RE.fullmatch(
                str(command.get("command", ""))
            ):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise bad_request("command description must be non-empty")
        self.commands[self._commands_key(params)] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    async def get_my_commands(self, params: Params, files: Files) -> Any:
        return self.commands.get(self._commands_key(params), [])

    async def delete_my_commands(self, params: Params, files: Files) -> Any:
        self.commands.pop(self._commands_key(params), None)
        return True

    async def send_message(self, params: Params, files: Files) -> Any:
        chat_id = _int_param(params, "chat_id")
        text, plain, entities = self._render_text(params)
        markup = validate_reply_markup(params.get("reply_markup"))
        message = self._new_message(
            chat_id,
            "sendMessage",
            text=text,
            parse_mode=_optional_str(params, "parse_mode"),
            reply_markup=markup,
            plain_text=plain,
            entities=entities,
        )
        return message.as_telegram()

    async def edit_message_text(self, params: Params, files: Files) -> Any:
        message = self._find_for_edit(params)
        if message.document is not None:
            raise bad_request("there is no text in the message to edit")
        text, plain, entities = self._render_text(params)
        markup = validate_reply_markup(params.get("reply_markup"))
        if (
            plain == message.plain_text
            and entities == message.entities
            and inline_keyboard(markup) == inline_keyboard(message.reply_markup)
        ):
            raise bad_request(NOT_MODIFIED)
        message.text = text
        message.parse_mode = _optional_str(params, "parse_mode")
        message.plain_text = plain
        message.entities = entities
        message.replace_markup(markup)
        return self._mark_edited(message)

    async def edit_message_reply_markup(self, params: Params, files: Files) -> Any:
        message = self._find_for_edit(params)
        markup = validate_reply_markup(params.get("reply_markup"))
        if inline_keyboard(markup) == inline_keyboard(message.reply_markup):
            raise bad_request(NOT_MODIFIED)
        message.replace_markup(markup)
        return self._mark_edited(message)

    async def delete_message(self, params: Params, files: Files) -> Any:
        chat_id = _int_param(params, "chat_id")
        message = self._chats.find(chat_id, _int_param(params, "message_id"))
        if message is None:
            raise bad_request("message to delete not found")
        message.deleted = True
        self._chats.touch("deleted", message)
        return True

    async def answer_callback_query(self, params: Params, files: Files) -> Any:
        query_id = str(params.get("callback_query_id") or "")
        if query_id not in self._open_callback_queries:
            raise bad_request(QUERY_INVALID)
        self._open_callback_queries.discard(query_id)
        self.callback_answers[query_id] = dict(params)
        return True

    async def send_document(self, params: Params, files: Files) -> Any:
        return self._send_media(params, files, "sendDocument", "document", folder="documents")

    async def send_photo(self, params: Params, files: Files) -> Any:
        return self._send_media(params, files, "sendPhoto", "photo", folder="photos")

    def _send_media(
        self, params: Params, files: Files, method: str, field: str, *, folder: str
    ) -> Any:
        """A file uploaded in ``field`` or referenced by a file id, with an optional caption.
        A photo may only reference a photo ("type of file mismatch"), as in Telegram."""
        chat_id = _int_param(params, "chat_id")
        media = files.get(field)
        reference = params.get(field)
        if media is not None:
            if not media.content:
                raise bad_request("file must be non-empty")
            self._files.register(media, folder=folder)
        elif isinstance(reference, str) and reference and "://" not in reference:
            media = self._files.get(reference)
            if media is None:
                raise bad_request("wrong file identifier/HTTP URL specified")
            if folder == "photos" and self._files.folder_of(reference) != folder:
                raise bad_request("type of file mismatch")
        elif reference:
            raise bad_request("wrong file identifier/HTTP URL specified")
        else:
            raise bad_request(f"there is no {field} in the request")
        caption = _optional_str(params, "caption")
        plain: str | None = None
        entities: list[dict[str, Any]] = []
        if caption:
            plain, entities = self._render(
                caption,
                _optional_str(params, "parse_mode"),
                params.get("caption_entities"),
                limit=MAX_CAPTION_LENGTH,
                too_long="message caption is too long",
            )
        message = self._new_message(
            chat_id,
            method,
            text=caption or None,
            parse_mode=_optional_str(params, "parse_mode"),
            reply_markup=validate_reply_markup(params.get("reply_markup")),
            plain_text=plain,
            entities=entities,
            **{field: media},
        )
        return message.as_telegram()

    async def leave_chat(self, params: Params, files: Files) -> Any:
        chat_id = _int_param(params, "chat_id")
        if self._chats.chat_json(chat_id).get("type") == "private":
            raise bad_request("chat member status can't be changed in private chats")
        self._check_member(chat_id)
        self.left_chats.add(chat_id)
        return True

    async def send_chat_action(self, params: Params, files: Files) -> Any:
        self._check_member(_int_param(params, "chat_id"))
        if not params.get("action"):
            raise bad_request("action is empty")
        return True

    async def get_file(self, params: Params, files: Files) -> Any:
        file_id = str(params.get("file_id") or "")
        file = self._files.get(file_id)
        if file is None:
            raise bad_request("invalid file_id")
        if file.size > MAX_DOWNLOAD_SIZE:
            raise bad_request("file is too big")
        return objects.file_json(file, self._files.path_of(file_id))
