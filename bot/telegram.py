"""The HTTP session to the Bot API: which server, and how failed requests are retried."""

import asyncio
import logging
from typing import Any

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.client.telegram import PRODUCTION, TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramRetryAfter, TelegramServerError
from aiogram.methods import GetUpdates, Response, TelegramMethod
from aiogram.methods.base import TelegramType

from bot.api_models import KeptModelsSession

log = logging.getLogger(__name__)


class RetryMiddleware(BaseRequestMiddleware):
    """Retries a request after 429 (waiting the ``retry_after`` Telegram gives) and after 5xx.

    A wait longer than ``max_retry_after`` is not worth holding a handler for: the error goes up.
    ``getUpdates`` is left to the polling loop, which has its own backoff.
    """

    def __init__(
        self,
        *,
        attempts: int = 4,
        max_retry_after: float = 30.0,
        server_error_backoff: float = 0.5,
    ) -> None:
        self._attempts = attempts
        self._max_retry_after = max_retry_after
        self._backoff = server_error_backoff

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        if method.__api_method__ == GetUpdates.__api_method__:
            return await make_request(bot, method)
        for attempt in range(1, self._attempts + 1):
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as error:
                if attempt == self._attempts or error.retry_after > self._max_retry_after:
                    raise
                log.warning("%s: 429, retrying in %s s", method.__api_method__, error.retry_after)
                await asyncio.sleep(error.retry_after)
            except TelegramServerError:
                if attempt == self._attempts:
                    raise
                delay = self._backoff * 2 ** (attempt - 1)
                log.warning("%s: server error, retrying in %.1f s", method.__api_method__, delay)
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover


DEFAULT_REQUEST_TIMEOUT = 60.0


def create_bot(
    token: str,
    api_url: str | None = None,
    *,
    retry: bool = True,
    request_timeout: float = DEFAULT_REQUEST_TIMEOUT,
    **retry_options: Any,
) -> Bot:
    """A Bot that talks HTML to ``api_url`` (a local or fake Bot API) or to Telegram itself.

    ``retry=False`` gives a bare session, for the reminder sender, which paces and retries itself.
    ``request_timeout`` (seconds) bounds each request; a long poll gets that much on top of its
    ``polling_timeout`` (aiogram's ``Dispatcher._listen_updates``), so the server's answer at the
    end of the poll always comes in time.
    """
    api = TelegramAPIServer.from_base(api_url) if api_url else PRODUCTION
    # Its Response[T] models are kept alive: see ``bot.api_models``.
    session = KeptModelsSession(api=api, timeout=request_timeout)
    if retry:
        session.middleware(RetryMiddleware(**retry_options))
    return Bot(token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))
