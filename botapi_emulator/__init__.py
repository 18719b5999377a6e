"""A fake Telegram Bot API server for driving an aiogram bot in tests and demos."""

from .chat import BotMessage, Button
from .client import LocalSession
from .errors import APIError
from .files import UploadedFile
from .server import BotAPIEmulator, CallbackPress, RecordedCall
from .user import FakeChannel, FakeUser

__all__ = [
    "APIError",
    "BotAPIEmulator",
    "BotMessage",
    "Button",
    "CallbackPress",
    "FakeChannel",
    "FakeUser",
    "LocalSession",
    "RecordedCall",
    "UploadedFile",
]
