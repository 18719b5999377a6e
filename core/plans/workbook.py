"""One plan's workbook, as "📥 Выгрузить в Excel" under its board sends it.

``plan_file(database, actor, plan_id, today=…)``: the .xlsx of a plan the actor may see (the
board's access rule: ``core.plans.store.plan_board``; ``AccessDenied`` for any other plan id),
laid out by ``core.plans.export.plan_sheet`` and printed by ``exports.workbook``, with its file
name ("«Дорожная карта» (план мероприятий) по работе с… — 15.10.2020.xlsx") and the counts its
caption gives.
"""

import asyncio
from dataclasses import dataclass
from datetime import date

from core.actors import Actor
from core.directory import load_directory
from core.export.build import safe_filename
from core.plans.export import plan_sheet
from core.plans.store import plan_board
from exports.workbook import render_workbook
from storage import Database
from storage.plans import ItemStatus
from texts import plan_export as texts

FILE_TITLE_LIMIT = 60  # characters of the plan's title in the file's name


@dataclass(frozen=True, slots=True)
class PlanFile:
    """A plan's workbook and what its caption says."""

    filename: str
    content: bytes
    title: str
    today: date
    items: int
    done: int
    overdue: int


async def plan_file(database: Database, actor: Actor, plan_id: int, *, today: date) -> PlanFile:
    """The workbook of a plan the actor may see, on ``today``; ``AccessDenied`` otherwise."""
    board = await plan_board(database, actor, plan_id, today=today)
    directory = await load_directory(database)
    schools = {
        school_id: directory.schools[school_id].short_name
        for item in board.plan.items
        for school_id in item.school_ids
        if school_id in directory.schools
    }
    sheet = plan_sheet(board, schools)
    content = await asyncio.to_thread(render_workbook, [sheet])
    plan = board.plan
    return PlanFile(
        filename=plan_filename(plan.title, today),
        content=content,
        title=plan.title,
        today=today,
        items=len(plan.items),
        done=board.counts[ItemStatus.DONE],
        overdue=len(board.overdue),
    )


def plan_filename(title: str, today: date) -> str:
    """The plan's title, shortened, and the day, as other exports name their files."""
    name = texts.FILE_NAME.format(
        title=shortened(title, FILE_TITLE_LIMIT), day=today.strftime("%d.%m.%Y")
    )
    return safe_filename(name)


def shortened(text: str, limit: int) -> str:
    """The text on one line, or its first words within ``limit`` characters and "…"."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-—–") + "…"
