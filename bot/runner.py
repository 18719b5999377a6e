"""Running the bot for real: migrate, then long-poll Telegram until stopped."""

import logging

from pydantic import SecretStr

from bot.app import ALLOWED_UPDATES, create_dispatcher
from bot.config import Settings
from bot.telegram import create_bot
from storage import Database
from storage.migrate import upgrade

log = logging.getLogger(__name__)


async def migrate(settings: Settings) -> None:
    database = Database(settings.database_url)
    try:
        await upgrade(database)
    finally:
        await database.close()
    log.info("database is at the latest schema")


async def run_polling(settings: Settings, token: SecretStr) -> None:
    database = Database(settings.database_url)
    try:
        await upgrade(database)
        dispatcher = create_dispatcher(settings, database)
        async with create_bot(token.get_secret_value(), settings.telegram_api_url) as bot:
            await dispatcher.start_polling(bot, allowed_updates=ALLOWED_UPDATES)
    finally:
        await database.close()
