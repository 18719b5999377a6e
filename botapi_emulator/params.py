"""Reading Bot API requests: query string, urlencoded, multipart or JSON bodies."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from .errors import APIError, bad_request

INT_FIELDS = frozenset(
    {
        "chat_id",
        "message_id",
        "from_chat_id",
        "offset",
        "limit",
        "reply_to_message_id",
        "message_thread_id",
        "cache_time",
        "user_id",
        "until_date",
        "duration",
        "width",
        "height",
    }
)
JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "commands",
        "scope",
        "entities",
        "caption_entities",
        "allowed_updates",
        "link_preview_options",
        "reply_parameters",
        "media",
    }
)
NUMBER_FIELDS = frozenset({"timeout"})  # Telegram wants an int; fractions help fast tests
BOOL_FIELDS = frozenset(
    {
        "disable_notification",
        "protect_content",
        "show_alert",
        "drop_pending_updates",
        "disable_web_page_preview",
        "allow_sending_without_reply",
        "disable_content_type_detection",
        "show_caption_above_media",
        "allow_paid_broadcast",
    }
)
ATTACH_PREFIX = "attach://"


@dataclass(frozen=True)
class RawUpload:
    """A file part of a multipart request."""

    filename: str | None
    content_type: str | None
    content: bytes


async def read_request(request: web.Request) -> tuple[dict[str, Any], dict[str, RawUpload]]:
    """Collect the raw parameters and file parts of a request (not yet normalized)."""
    raw: dict[str, Any] = dict(request.query)
    uploads: dict[str, RawUpload] = {}
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except ValueError as error:
            raise bad_request("can't parse JSON object") from error
        if not isinstance(body, dict):
            raise bad_request("can't parse JSON object")
        raw.update(body)
        return raw, uploads
    try:
        form = await request.post()
    except web.HTTPRequestEntityTooLarge as error:
        raise APIError(413, "Request Entity Too Large") from error
    for name, value in form.items():
        if isinstance(value, web.FileField):
            with value.file:
                content = value.file.read()
            uploads[name] = RawUpload(value.filename, value.content_type, content)
        elif isinstance(value, bytes | bytearray):
            raw[name] = bytes(value).decode("utf-8", errors="replace")
        else:
            raw[name] = value
    return raw, uploads


def _to_int(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            return value
    return value


def _to_number(value: Any) -> Any:
    value = _to_int(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return value
    return value


def _to_bool(value: Any) -> Any:
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return value


def normalize(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Decode ints, booleans and JSON-encoded fields the way Telegram interprets them."""
    params: dict[str, Any] = {}
    for name, value in raw.items():
        if name in INT_FIELDS:
            value = _to_int(value)
        elif name in NUMBER_FIELDS:
            value = _to_number(value)
        elif name in BOOL_FIELDS:
            value = _to_bool(value)
        elif name in JSON_FIELDS and isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError as error:
                raise bad_request(f"can't parse {name} JSON object") from error
        params[name] = value
    return params


def attached_names(params: Mapping[str, Any], uploads: Mapping[str, RawUpload]) -> dict[str, str]:
    """Map each upload part to the parameter naming it.

    ``document=attach://abc`` with a part ``abc`` maps ``abc`` to ``document``; parts no
    parameter refers to keep their own name (a plain ``document`` file field).
    """
    names = {part: part for part in uploads}
    for name, value in params.items():
        if isinstance(value, str) and value.startswith(ATTACH_PREFIX):
            part = value.removeprefix(ATTACH_PREFIX)
            if part in uploads:
                names[part] = name
    return names
