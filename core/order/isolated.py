"""The order's draft made in a process of its own when the round is large.

Drafting builds the whole export of the round and of its previous round: at regional scale that
would hold the bot's event loop for seconds, every other chat waiting (``core.export.isolated``
says why). From ``ISOLATE_FROM`` school-periods a spawned worker (``core.worker``) opens the same
database, drafts and hands back the ``OrderDraft``; smaller rounds are drafted here.
"""

import asyncio
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from core.access import AccessDenied, Action
from core.actors import Actor
from core.export.isolated import ISOLATE_FROM as EXPORT_ISOLATE_FROM
from core.order.draft import draft_order, draft_rounds, order_rounds
from core.order.model import OrderDraft
from core.questionnaires import FormCatalog
from core.worker import run_in_worker
from storage import Database

# School-periods (the round's and its previous round's) from which a draft is made in a worker:
# drafting costs what building the export does, so the export's threshold.
ISOLATE_FROM = EXPORT_ISOLATE_FROM


async def draft_order_isolated(
    database: Database, catalog: FormCatalog, actor: Actor, *, campaign_id: int, now: datetime
) -> OrderDraft:
    """``draft_order``, in a worker process for a large round. Raises ``AccessDenied`` as it does
    (the worker checks access again: the round may leave the actor's scope meanwhile)."""
    chosen, previous = await order_rounds(database, catalog, actor, campaign_id)
    if chosen.schools + (previous.schools if previous else 0) < ISOLATE_FROM:
        return await draft_rounds(database, catalog, actor, chosen, previous, now=now)
    job = _Job(database.url, database.engine_options, catalog, actor, campaign_id, now)
    outcome = await run_in_worker(_run, job)
    if isinstance(outcome, Action):
        raise AccessDenied(outcome)
    return outcome


@dataclass(frozen=True, slots=True)
class _Job:
    """What the worker needs, all of it picklable."""

    url: str
    engine_options: dict[str, Any]
    catalog: FormCatalog
    actor: Actor
    campaign_id: int
    now: datetime


def _run(job: _Job) -> OrderDraft | Action:
    """In the worker: the draft, or the action refused (sent back as a plain value)."""
    try:
        return asyncio.run(_draft(job))
    except AccessDenied as denied:
        # ``draft_order`` refuses the order itself, or the export under it.
        return next((arg for arg in denied.args if isinstance(arg, Action)), Action.ORDER)


async def _draft(job: _Job) -> OrderDraft:
    database = Database(job.url, **job.engine_options)
    try:
        return await draft_order(
            database, job.catalog, job.actor, campaign_id=job.campaign_id, now=job.now
        )
    finally:
        await database.close()
