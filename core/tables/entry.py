"""A school enters a table question as a file: the template of its table, and the filled file
taken back, all or nothing.

Access is the questionnaire's own: the response is opened with ``open_response`` for
``Action.ANSWER`` (the school's representative, or an administrator), and an accepted table is
written with ``record_answer``, as an answer typed in the chat is (history, "last write wins",
a returned response back to draft, a locked one refused with ``AnswerLocked``).
"""

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from core.access import Action
from core.actors import Actor
from core.carry_forward import previous_round
from core.export.build import safe_filename
from core.forms.models import FormDefinition, Question, QuestionType
from core.questionnaires import FormCatalog, ResponseView, open_response, record_answer
from core.tables.reading import TableRead, read_filled
from core.tables.template import render, template_sheet
from exports.sheets import Limits, RawTable, SheetError, SheetTooLarge, read_tables
from storage import Database
from texts import table_files as texts

MAX_FILE_BYTES = 5 << 20  # a filled template is a few dozen rows
# A school's template is a few dozen rows of a few columns: a sheet larger is refused as soon as
# its reading gets there (a tiny file may declare a million empty cells).
TEMPLATE_LIMITS = Limits(rows=300, columns=30)


class NotATable(LookupError):
    """The question is not a table of the response's form (a stale or forged button)."""


def table_of(form: FormDefinition, question_id: str) -> Question:
    question = form.question(question_id)
    if question is None or question.type is not QuestionType.TABLE:
        raise NotATable(question_id)
    return question


@dataclass(frozen=True, slots=True)
class TemplateFile:
    name: str
    content: bytes


async def school_template(
    database: Database, catalog: FormCatalog, actor: Actor, response_id: int, question_id: str
) -> tuple[ResponseView, TemplateFile]:
    """The template of table ``question_id`` of the response, prefilled with the school's rows,
    else the keys of its previous round's rows, else the required rows."""
    view = await open_response(database, catalog, actor, response_id, Action.ANSWER)
    table = table_of(view.form, question_id)
    previous = await previous_round(database, catalog, actor, view)
    earlier = None if previous is None else previous.values.get(question_id)
    earlier_table = None if previous is None else previous.form.question(question_id)
    if earlier_table is None or not earlier_table.repeats:
        earlier = None
    heading = texts.TEMPLATE_HEADING.format(
        table=table.text, school=view.school.short_name, period=view.campaign.period_label
    )
    sheet = template_sheet(
        table, heading=heading, current=view.values.get(question_id), previous=earlier
    )
    content = await asyncio.to_thread(render, sheet)
    name = texts.TEMPLATE_FILE.format(form=view.form.short_title, school=view.school.short_name)
    return view, TemplateFile(safe_filename(name), content)


def sheet_problem(error: SheetError, name: str, kinds: str) -> str:
    """Why a file is no table, in words; ``kinds`` names the files the flow takes."""
    if isinstance(error, SheetTooLarge):
        limits = error.limits
        return texts.FILE_TOO_LARGE.format(
            sheet=error.sheet, file=name, rows=limits.rows, columns=limits.columns
        )
    template = {
        "unsupported": texts.FILE_UNSUPPORTED,
        "unreadable": texts.FILE_UNREADABLE,
        "empty": texts.FILE_EMPTY,
        "too_large": texts.FILE_UNREADABLE,
    }[error.kind]
    return template.format(file=name, kinds=kinds)


def read_table_file(
    name: str, content: bytes, limits: Limits, kinds: str
) -> Sequence[RawTable] | str:
    """A file of a table's rows as its tables, or why not: numbers as Excel shows them (a
    percent cell as its percent), formulas without values marked, a sheet beyond ``limits``
    refused."""
    try:
        return read_tables(name, content, limits=limits, percents=True, formulas=True)
    except SheetError as error:
        return sheet_problem(error, name, kinds)


def read_template(table: Question, name: str, content: bytes) -> TableRead:
    """A filled template read and checked: slow work for a thread."""
    tables = read_table_file(name, content, TEMPLATE_LIMITS, texts.TEMPLATE_KINDS)
    if isinstance(tables, str):
        return TableRead(None, [tables])
    return read_filled(table, tables)


@dataclass(frozen=True, slots=True)
class Filled:
    """A filled template taken back: the response as it now stands, or every problem (then
    nothing was saved)."""

    view: ResponseView
    value: dict[str, Any] | None
    problems: list[str]


async def accept_filled(
    database: Database,
    catalog: FormCatalog,
    actor: Actor,
    response_id: int,
    question_id: str,
    name: str,
    content: bytes,
    *,
    now: datetime,
) -> Filled:
    """Read the filled file and, if every cell passes, save it as the table's answer (its rows
    replace the table's rows; the table is done)."""
    view = await open_response(database, catalog, actor, response_id, Action.ANSWER)
    table = table_of(view.form, question_id)
    # Reading and checking every cell take a while: off the event loop.
    read = await asyncio.to_thread(read_template, table, name, content)
    if read.value is None:
        return Filled(view, None, read.problems)
    recorded = await record_answer(
        database, actor, view, question_id, read.value, seen=None, now=now
    )
    return Filled(recorded.view, read.value, [])
