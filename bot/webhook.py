"""Webhook mode: Telegram posts updates to this process over HTTPS (through a reverse proxy).

``serving`` starts an aiohttp server with two routes: ``POST WEBHOOK_PATH``, aiogram's request
handler checking Telegram's secret token (``X-Telegram-Bot-Api-Secret-Token``; anything else
gets 401), and ``GET /health``, 200 with ``{"status": "ok"}`` once the database answers (503
otherwise), for the proxy and the container engine. ``run_webhook`` also registers the webhook
with Telegram and serves until cancelled. Every replica registers the same URL on start, which
is idempotent; none deletes it on stop, so stopping one replica never cuts off the others.

Telegram gets its answer once the update holds its chat's lock (``bot.isolation.ADMITTED``),
not when it has merely been read: then the next update of that chat, sent after the answer,
queues behind it on whichever replica it lands. The handler runs on in the background.
"""

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web

from bot.app import ALLOWED_UPDATES, App
from bot.isolation import ADMITTED
from storage import Database
from storage.coordination import ping

log = logging.getLogger(__name__)

HEALTH_PATH = "/health"
HEALTH_TIMEOUT = 5.0  # seconds the database has to answer the health check
# Telegram waits about 60 s for an answer and then sends the update again; answer well before.
ADMISSION_TIMEOUT = 30.0


class OrderedRequestHandler(SimpleRequestHandler):
    """aiogram's handler in background mode, answering once the update is admitted (holds its
    chat's lock) or finished (an update with no chat takes no lock)."""

    def __init__(self, dispatcher: Dispatcher, bot: Bot, *, secret_token: str) -> None:
        super().__init__(dispatcher, bot, handle_in_background=True, secret_token=secret_token)

    async def _handle_request_background(self, bot: Bot, request: web.Request) -> web.Response:
        update = await request.json(loads=bot.session.json_loads)
        admitted: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        token = ADMITTED.set(admitted)  # the task copies the context as it is created
        try:
            task = asyncio.create_task(self._background_feed_update(bot=bot, update=update))
        finally:
            ADMITTED.reset(token)
        self._background_feed_update_tasks.add(task)
        task.add_done_callback(self._background_feed_update_tasks.discard)
        await asyncio.wait(
            {admitted, task}, timeout=ADMISSION_TIMEOUT, return_when=asyncio.FIRST_COMPLETED
        )
        return web.json_response({}, dumps=bot.session.json_dumps)

    async def close(self) -> None:
        """Wait for the updates still being handled; the App closes the bot's session."""
        if self._background_feed_update_tasks:
            await asyncio.wait(set(self._background_feed_update_tasks), timeout=ADMISSION_TIMEOUT)


def health_handler(database: Database) -> Any:
    async def health(request: web.Request) -> web.Response:
        try:
            await asyncio.wait_for(ping(database), HEALTH_TIMEOUT)
        except Exception as error:  # noqa: BLE001 - any failure means "not healthy"
            log.warning("health check: the database does not answer: %r", error)
            return web.json_response({"status": "error", "database": "unreachable"}, status=503)
        return web.json_response({"status": "ok", "database": "ok"})

    return health


def build_web_app(app: App, *, secret_token: str, path: str) -> web.Application:
    web_app = web.Application()
    OrderedRequestHandler(app.dispatcher, app.bot, secret_token=secret_token).register(
        web_app, path=path
    )
    web_app.router.add_get(HEALTH_PATH, health_handler(app.database))
    setup_application(web_app, app.dispatcher, bot=app.bot)  # the dispatcher's startup/shutdown
    return web_app


@asynccontextmanager
async def serving(
    app: App, *, host: str, port: int, path: str, secret_token: str
) -> AsyncIterator[int]:
    """Serve the webhook and the health check on ``host:port``; yields the bound port (useful
    with port 0)."""
    runner = web.AppRunner(build_web_app(app, secret_token=secret_token, path=path))
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
        yield int(runner.addresses[0][1])
    finally:
        await runner.cleanup()


async def register_webhook(bot: Bot, *, url: str, secret_token: str) -> None:
    """Point Telegram at ``url``: pending updates are kept, not dropped."""
    await bot.set_webhook(
        url,
        secret_token=secret_token,
        allowed_updates=ALLOWED_UPDATES,
        drop_pending_updates=False,
    )
    log.info("webhook registered at %s", url)


async def run_webhook(app: App) -> None:
    """Serve updates from Telegram until cancelled (Ctrl-C, SIGTERM)."""
    settings = app.settings
    if settings.webhook_url is None or settings.webhook_secret is None:
        raise ValueError("webhook mode needs WEBHOOK_URL and WEBHOOK_SECRET")
    secret = settings.webhook_secret.get_secret_value()
    async with serving(
        app,
        host=settings.webhook_host,
        port=settings.webhook_port,
        path=settings.webhook_path,
        secret_token=secret,
    ) as port:
        log.info("listening on %s:%s%s", settings.webhook_host, port, settings.webhook_path)
        await register_webhook(app.bot, url=settings.webhook_url, secret_token=secret)
        await asyncio.Event().wait()
