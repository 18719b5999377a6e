"""Running the bot for real: migrate, then long-poll Telegram (or serve its webhook) until
stopped."""

import asyncio
import logging
import sys
from collections.abc import Collection, Sequence
from datetime import date
from pathlib import Path

from pydantic import SecretStr

from bot import heap
from bot.app import build_app
from bot.catalog import prepare
from bot.config import Settings
from bot.startup import check_token
from bot.webhook import run_webhook
from core.actors import Actor
from core.directory_import import format_report, import_directory
from core.export import (
    ExportChoice,
    build_export,
    campaigns_of_series,
    export_filename,
    list_exportable,
)
from core.order import (
    OrderChoices,
    draft_order_isolated,
    list_orderable,
    order_document,
    order_filename,
)
from core.order_templates import template_for
from exports.documents import UnreadableTemplate, render_document
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
            _print_choices(choices)
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


def _print_choices(choices: Sequence[ExportChoice]) -> None:
    for choice in choices:
        closed = " (closed)" if choice.closed else ""
        print(
            f"{choice.campaign_id}\t{choice.series}\t{choice.label}\t{choice.municipality}{closed}"
        )


async def write_order(
    settings: Settings,
    *,
    campaign_id: int | None,
    deadline: date | None,
    dropped: Collection[str],
    output: Path | None,
) -> Path | None:
    """Write the draft of a round's analytic order (.docx, into its municipality's template if
    it has one) as the administrator of the deployment; prints the rounds and returns None when
    none is named. The instructions' keys go to stderr, for ``--drop``."""
    database = Database(settings.database_url)
    try:
        catalog = await prepare(database)
        if campaign_id is None:
            _print_choices(await list_orderable(database, catalog, DEPLOYMENT_ADMIN))
            return None
        now = utcnow()
        # A large round in a worker process: its memory is returned before the .docx is printed.
        draft = await draft_order_isolated(
            database, catalog, DEPLOYMENT_ADMIN, campaign_id=campaign_id, now=now
        )
        template = await template_for(database, draft.municipality_id)
    finally:
        await database.close()
    for item in draft.instructions:
        mark = "-" if item.key in dropped else "+"
        print(f"{mark} {item.key}\t{item.action} — {item.listed}", file=sys.stderr)
    for key in sorted(set(dropped) - {item.key for item in draft.instructions}):
        print(f"warning: no instruction {key!r} to drop", file=sys.stderr)
    choices = OrderChoices(deadline=deadline, dropped=frozenset(dropped))
    document = order_document(draft, choices)
    try:
        content = await asyncio.to_thread(render_document, document, template)
    except UnreadableTemplate:
        print("warning: the blank does not open; printed on the standard one", file=sys.stderr)
        content = await asyncio.to_thread(render_document, document, None)
    path = output or Path(order_filename(draft, now.astimezone(settings.zone).date()))
    path.write_bytes(content)
    return path


async def run_polling(settings: Settings, token: SecretStr) -> None:
    """``run``: long polling, or webhook mode when WEBHOOK_URL is set (``bot.webhook``)."""
    database = Database(settings.database_url)
    try:
        app = await build_app(settings, database, token=token.get_secret_value())
        try:
            await check_token(app.bot)  # 401: TokenRefused; network down: retried with backoff
            heap.settle()
            scheduler = app.start_scheduler("main")
            try:
                if settings.webhook_url is not None:
                    await run_webhook(app)
                else:
                    await app.poll()
            finally:
                await app.stop_scheduler("main", scheduler)
        finally:
            await app.close()
    finally:
        await database.close()
