"""The whole import: read the files, plan against the directory and write, in one transaction."""

import asyncio
from collections.abc import Sequence

from core.directory_import.apply import apply_plan
from core.directory_import.plan import plan_import
from core.directory_import.report import ImportReport
from core.directory_import.tables import read_files
from core.directory_import.values import canonical_timezone
from storage import Database
from storage.directory import load_directory


async def import_directory(
    database: Database, files: Sequence[tuple[str, bytes]], *, default_timezone: str
) -> ImportReport:
    """Read, validate and — only when nothing is wrong — write the directory in one transaction.

    ``default_timezone`` (an IANA name) is given to new municipalities whose cell is empty.
    """
    if canonical_timezone(default_timezone) is None:
        raise ValueError(f"unknown default time zone {default_timezone!r}")
    # Parsing a workbook is CPU work: keep it off the event loop.
    tables, file_errors = await asyncio.to_thread(read_files, files)
    async with database.write() as conn:
        snapshot = await load_directory(conn)
        plan = plan_import(
            tables, snapshot, default_timezone=default_timezone, file_errors=file_errors
        )
        if plan.ok:
            await apply_plan(conn, plan, snapshot)
    return plan.report(applied=plan.ok)
