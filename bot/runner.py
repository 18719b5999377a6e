"""Running the bot for real: migrate, then long-poll Telegram until stopped."""

import logging
from collections.abc import Sequence
from pathlib import Path

from pydantic import SecretStr

from bot.app import build_app
from bot.catalog import prepare
from bot.config import Settings
from bot.startup import check_token
from core.actors import Actor
from core.directory_import import format_report, import_directory
from core.export import build_export, campaigns_of_series, export_filename, list_exportable
from exports.workbook import render_workbook
from storage import Database
from storage.migrate import upgrade
from storage.types import utcnow

log = logging.getLogger(__name__)
# Who the command line acts as: whoever may run it owns the deployment's files anyway.
DEPLOYMENT_ADMIN = Actor(telegram_id=0, user=None, bootstrap_admin=True)


async def migrate(settings: Settings) -> None:
    database = Database(settings.database_url)
    try:
        await upgrade(database)
    finally:
        await database.close()
    log.info("database is at the latest schema")


async def import_schools(settings: Settings, paths: Sequence[Path]) -> bool:
    """Load directory files into the database and print the report; True if they were applied."""
    files = [(path.name, path.read_bytes()) for path in paths]
    database = Database(settings.database_url)
    try:
        await upgrade(database)
        report = await import_directory(database, files, default_timezone=settings.timezone)
    finally:
        await database.close()
    print(format_report(report))
    return report.applied


async def export_workbook(
    settings: Settings,
    *,
    campaign_ids: Sequence[int],
    form_key: str | None,
    district_id: int | None,
    output: Path | None,
) -> Path | None:
    """Write the export of these campaigns (or of every period of a form) as the administrator
    of the deployment; prints the campaigns and returns None when none is named."""
    database = Database(settings.database_url)
    try:
        catalog = await prepare(database)
        choices = await list_exportable(database, catalog, DEPLOYMENT_ADMIN)
        chosen = list(campaign_ids) + (campaigns_of_series(choices, form_key) if form_key else [])
        if not chosen:
            for choice in choices:
                closed = " (closed)" if choice.closed else ""
                print(
                    f"{choice.campaign_id}\t{choice.series}\t{choice.label}\t{choice.municipality}{closed}"
                )
            return None
        export = await build_export(
            database,
            catalog,
            DEPLOYMENT_ADMIN,
            campaign_ids=chosen,
            district_id=district_id,
            now=utcnow(),
        )
    finally:
        await database.close()
    path = output or Path(export_filename(export, export.generated_at.date()))
    path.write_bytes(render_workbook(export.sheets))
    return path


async def run_polling(settings: Settings, token: SecretStr) -> None:
    database = Database(settings.database_url)
    try:
        app = await build_app(settings, database, token=token.get_secret_value())
        try:
            await check_token(app.bot)  # 401: TokenRefused; network down: retried with backoff
            scheduler = app.start_scheduler("main")
            try:
                await app.poll()
            finally:
                await app.stop_scheduler("main", scheduler)
        finally:
            await app.close()
    finally:
        await database.close()
