"""The export workbook made in a process of its own, so that the bot's chats go on meanwhile.

A regional export is tens of seconds of pure Python over millions of objects. In the bot's
process it would hold the GIL against the event loop (every reply waits its turn), stop the
loop outright while SQLAlchemy decodes the answers and while full garbage collections walk
those objects, and leave the process hundreds of megabytes larger. A spawned worker
(``core.worker``) reads the same database, builds and renders the workbook, hands back the file
and a few counts for the caption, and exits, giving its memory back. Small exports are not worth
a process start (about a second of imports): ``export_file`` makes them in this process, the
rendering in a thread.
"""

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from core.access import AccessDenied, Action
from core.actors import Actor
from core.export.build import MixedForms, build_export, export_filename
from core.export.model import Export
from core.questionnaires import FormCatalog
from core.worker import run_in_worker
from exports.workbook import render_workbook
from storage import Database

# School-periods from which an export is made in a worker process (a few hundred take well
# under a second here, and a process start costs about that).
ISOLATE_FROM = 1_000


@dataclass(frozen=True, slots=True)
class ExportFile:
    """A finished export: the .xlsx and what its caption says."""

    filename: str
    content: bytes
    title: str  # "ВСОКО — 1 полугодие": the monitoring's short title and latest period
    scope: str
    forms: int  # forms of a monitoring of several (0 for one form)
    done: int
    late: int
    total: int


async def export_file(
    database: Database,
    catalog: FormCatalog,
    actor: Actor,
    *,
    campaign_ids: Sequence[int],
    district_id: int | None,
    now: datetime,
    school_periods: int,
) -> ExportFile:
    """The export of these campaigns as a file; in a worker process from ``ISOLATE_FROM``
    school-periods. Raises ``AccessDenied`` and ``MixedForms`` as ``build_export`` does."""
    if school_periods < ISOLATE_FROM:
        export = await build_export(
            database, catalog, actor, campaign_ids=campaign_ids, district_id=district_id, now=now
        )
        return _file(export, await asyncio.to_thread(render_workbook, export.sheets))
    job = _Job(database.url, database.engine_options, catalog, actor, tuple(campaign_ids),
               district_id, now)  # fmt: skip
    outcome = await run_in_worker(_run, job)
    if outcome == _DENIED:
        raise AccessDenied(Action.EXPORT)
    if isinstance(outcome, list):
        raise MixedForms(outcome)
    assert isinstance(outcome, ExportFile)
    return outcome


def _file(export: Export, content: bytes) -> ExportFile:
    done, late, total = export.latest_counts()
    return ExportFile(
        filename=export_filename(export, export.generated_at.date()),
        content=content,
        title=f"{export.short_title} — {export.latest.label}",
        scope=export.scope,
        forms=len(export.parts),
        done=done,
        late=late,
        total=total,
    )


@dataclass(frozen=True, slots=True)
class _Job:
    """What the worker needs, all of it picklable."""

    url: str
    engine_options: dict[str, Any]
    catalog: FormCatalog
    actor: Actor
    campaign_ids: tuple[int, ...]
    district_id: int | None
    now: datetime


_DENIED = "denied"


def _run(job: _Job) -> ExportFile | str | list[str]:
    """In the worker: the file, or why not (exceptions are sent back as plain values)."""
    try:
        return asyncio.run(_make(job))
    except AccessDenied:
        return _DENIED
    except MixedForms as mixed:
        return [str(series) for series in mixed.args[0]] if mixed.args else []


async def _make(job: _Job) -> ExportFile:
    database = Database(job.url, **job.engine_options)
    try:
        export = await build_export(
            database,
            job.catalog,
            job.actor,
            campaign_ids=job.campaign_ids,
            district_id=job.district_id,
            now=job.now,
        )
    finally:
        await database.close()
    return _file(export, render_workbook(export.sheets))
