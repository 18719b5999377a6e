"""A fake Telegram Bot API server for driving an aiogram bot in tests and demos."""

from .chat import BotMessage, Button
from .client import LocalSession
from .errors import APIError
from .files import UploadedFile
from .server import BotAPIEmulator, RecordedCall
from .user import FakeUser

__all__ = [
    "APIError",
    "BotAPIEmulator",
    "BotMessage",
    "Button",
    "FakeUser",
    "LocalSession",
    "RecordedCall",
    "UploadedFile",
]
