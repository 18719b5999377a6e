"""Checks made before a command does its work, so that start-up tells the truth.

- :func:`check_token` asks Telegram who the bot is: a refused token is :class:`TokenRefused`
  (not worth retrying); an unreachable Bot API is retried with exponential backoff.
- :func:`require_existing_database` stops commands that only read or add to a deployment
  (``export``, ``import-schools``) from silently creating an empty SQLite database.
- :func:`require_reachable_database` turns "the PostgreSQL server is down" into one line.
"""

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable

from aiogram import Bot
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.types import User
from aiohttp import ClientConnectionError
from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import create_async_engine

log = logging.getLogger(__name__)

FIRST_DELAY = 1.0
MAX_DELAY = 60.0
DATABASE_CONNECT_TIMEOUT = 15.0
MIGRATE_HINT = "run `python -m bot migrate` to create one"

# Failures that say nothing about the token: the network, DNS, a timeout, or Telegram's side.
_TRANSIENT = (
    ClientDecodeError,  # an HTML error page from a proxy in front of the Bot API
    TelegramNetworkError,
    TelegramServerError,
    ClientConnectionError,
    TimeoutError,
)

Sleep = Callable[[float], Awaitable[object]]


class TokenRefused(Exception):
    """Telegram answered 401 to getMe: the token is wrong or was revoked."""

    def __init__(self, description: str = "Unauthorized") -> None:
        self.description = description
        super().__init__(
            f"the token was refused by Telegram (401 {description}): "
            "check BOT_TOKEN, or get a new one from @BotFather"
        )


class DatabaseMissing(Exception):
    """A command that must not create a database was pointed at a SQLite file that is not there."""

    def __init__(self, path: str) -> None:
        self.path = path
        super().__init__(f"no database at {path}: check DATABASE_URL ({MIGRATE_HINT})")


class DatabaseUnreachable(Exception):
    """The database server could not be connected to."""


def backoff_delay(attempt: int, *, first: float = FIRST_DELAY, cap: float = MAX_DELAY) -> float:
    """The wait after failed attempt number ``attempt`` (1-based): 1, 2, 4, … capped at ``cap``."""
    return float(min(first * 2 ** (attempt - 1), cap))


async def check_token(
    bot: Bot,
    *,
    sleep: Sleep = asyncio.sleep,
    max_attempts: int | None = None,
    first_delay: float = FIRST_DELAY,
    max_delay: float = MAX_DELAY,
) -> User:
    """Who the bot is (``getMe``, cached on ``bot``), once Telegram can be reached.

    A 401 raises :class:`TokenRefused` at once. Network failures, timeouts and 5xx are logged
    in one line and retried after 1, 2, 4, … seconds (at most ``max_delay``) until they pass:
    forever by default, or ``max_attempts`` tries in all, after which the last error is raised.
    """
    attempt = 0
    while True:
        attempt += 1
        try:
            me = await bot.me()
        except TelegramUnauthorizedError as error:
            raise TokenRefused(error.message) from None
        except (TelegramRetryAfter, *_TRANSIENT) as error:
            if max_attempts is not None and attempt >= max_attempts:
                raise
            if isinstance(error, TelegramRetryAfter):
                delay = float(error.retry_after)
            else:
                delay = backoff_delay(attempt, first=first_delay, cap=max_delay)
            log.warning(
                "cannot reach the Telegram Bot API (%s); retrying in %g s (attempt %d failed)",
                _describe(error, bot.token),
                delay,
                attempt,
            )
            await sleep(delay)
        else:
            log.info("Telegram accepted the token: the bot is @%s (id %d)", me.username, me.id)
            return me


def _describe(error: BaseException, token: str) -> str:
    """A one-line reason for a failed request, never containing the token."""
    if isinstance(error, TelegramRetryAfter):
        reason = f"429 Too Many Requests, retry after {error.retry_after} s"
    elif isinstance(error, TelegramServerError):
        reason = f"server error: {error.message}"
    elif isinstance(error, TelegramNetworkError):
        reason = error.message
    else:
        reason = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    return " ".join(reason.replace(token, "<BOT_TOKEN>").split())


def sqlite_path(url: str) -> str | None:
    """The file a SQLite URL names, or None for another backend or an in-memory database."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database or ""
    if parsed.query.get("mode") == "memory":
        return None
    if database.startswith("file:"):  # a URI filename (``?uri=true``)
        database, _, options = database[len("file:") :].partition("?")
        if "mode=memory" in options:
            return None
    if not database or database == ":memory:":
        return None
    return database


def require_existing_database(url: str) -> None:
    """Raise :class:`DatabaseMissing` if ``url`` names a SQLite file that does not exist.

    Other backends and in-memory SQLite are not checked here. Nothing is created either way.
    """
    path = sqlite_path(url)
    if path is not None and not os.path.exists(path):
        raise DatabaseMissing(os.path.abspath(path))


async def require_reachable_database(
    url: str, *, connect_timeout: float = DATABASE_CONNECT_TIMEOUT
) -> None:
    """Raise :class:`DatabaseUnreachable` if a database server cannot be connected to.

    A SQLite URL is left alone: connecting would create the file, which is for the command
    itself to decide.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return
    engine = create_async_engine(parsed)
    try:
        async with asyncio.timeout(connect_timeout), engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except (OSError, TimeoutError, DBAPIError) as error:
        reason = _database_reason(error, connect_timeout)
        raise DatabaseUnreachable(
            f"cannot connect to the database at {_safe_url(parsed)} ({reason}): "
            "check DATABASE_URL and that the server is up"
        ) from None
    finally:
        await engine.dispose()


def _safe_url(url: URL) -> str:
    return url.render_as_string(hide_password=True)


def _database_reason(error: BaseException, timeout: float) -> str:
    if isinstance(error, TimeoutError):
        return f"no answer in {timeout:g} s"
    original = error.orig if isinstance(error, DBAPIError) and error.orig is not None else error
    message = str(original).strip().splitlines()
    detail = message[0] if message else ""
    return f"{type(original).__name__}: {detail}" if detail else type(original).__name__
