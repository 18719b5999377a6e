"""A plan as a workbook, the way a methodist prints it and hands it in: data first.

``plan_sheet(board, schools)`` lays the plan out as one ``exports.tables.Sheet`` (printed by
``exports.workbook.render_workbook``, as the monitoring's sheets are): the plan's title across
the top, its school year and "По состоянию на ДД.ММ.ГГГГ: выполнено N из M, просрочено K", then

    № п/п | Содержание мероприятия | Сроки | Срок (дата) | Ответственные | Школы | Статус |
    Отчёт | Просрочено

with each section as a row across the table ("1. Методическая работа") above its items, in the
plan's order. "Сроки" is the deadline as the plan wrote it ("август", "в течение учебного
года"), "Срок (дата)" the last day it may be done; "Школы" is there only when an item names
schools; an overdue item (``Item.overdue``) says by how many days and its row is tinted.

``instructions_sheet(plans, …)`` is the Поручения sheet of a monitoring's export: the items of
the instructions plans of its rounds, one row per school in the export's scope. The workbook of
one plan, with its file name and access check, is ``core.plans.workbook.plan_file``.
"""

import re
from collections.abc import Collection, Mapping, Sequence
from datetime import date

from core.plans.store import Board
from exports.tables import CELL_LIMIT, CellValue, Column, Format, Sheet
from storage.plans import Item, ItemStatus, Plan
from texts import plan_export as texts

NUMBER_WIDTH, CONTENT_WIDTH, LABEL_WIDTH, OWNERS_WIDTH = 6, 60, 14, 32
SCHOOLS_WIDTH, STATUS_WIDTH, REPORT_WIDTH, OVERDUE_WIDTH = 16, 13, 30, 12
# A section title that carries its own number ("II. …", "2) …") is not numbered again.
_NUMBERED = re.compile(r"^([0-9]+|[IVXLC]+)[.)]?\s", re.IGNORECASE)


def plan_sheet(board: Board, schools: Mapping[int, str]) -> Sheet:
    """The plan as a sheet on the board's day (see the module's docstring)."""
    plan, today = board.plan, board.today
    with_schools = any(item.school_ids for item in plan.items)
    columns = [
        Column(texts.NUMBER, width=NUMBER_WIDTH, wrap=True),
        Column(texts.CONTENT, width=CONTENT_WIDTH, wrap=True),
        Column(texts.DEADLINE_LABEL, width=LABEL_WIDTH, wrap=True),
        Column(texts.DUE_ON, format=Format.DATE, width=11),
        Column(texts.OWNERS, width=OWNERS_WIDTH, wrap=True),
    ]
    if with_schools:
        columns.append(Column(texts.SCHOOLS, width=SCHOOLS_WIDTH, wrap=True))
    columns += [
        Column(texts.STATUS, width=STATUS_WIDTH, wrap=True),
        Column(texts.REPORT, width=REPORT_WIDTH, wrap=True),
        Column(texts.OVERDUE, width=OVERDUE_WIDTH, wrap=True),
    ]
    rows: list[list[CellValue]] = []
    sections: set[int] = set()
    tinted: set[int] = set()
    section, numbered = None, 0
    for item in plan.items:
        if item.section != section:
            section = item.section
            if section:
                numbered += 1
                sections.add(len(rows))
                rows.append([section_title(numbered, section)])
        if item.overdue(today):
            tinted.add(len(rows))
        row: list[CellValue] = [
            item.number or None,
            _cell(item.content),
            item.deadline_label or None,
            item.due_on,
            owners_text(item),
        ]
        if with_schools:
            names = [schools[school_id] for school_id in item.school_ids if school_id in schools]
            row.append("\n".join(names) or None)
        row += [texts.STATUSES[item.status], report_text(item), overdue_text(item, today)]
        rows.append(row)
    return Sheet(
        title=texts.SHEET_TITLES[plan.kind],
        columns=columns,
        rows=rows,
        heading=plan.title,
        preamble=[
            [texts.SCHOOL_YEAR.format(first=plan.school_year, second=plan.school_year + 1)],
            [as_of_line(today, len(plan.items), board.counts[ItemStatus.DONE], len(board.overdue))],
        ],
        spanning_rows=frozenset(sections),
        highlighted_rows=frozenset(tinted),
        ruled=True,
    )


def as_of_line(today: date, items: int, done: int, overdue: int) -> str:
    return texts.AS_OF.format(
        today=today.strftime("%d.%m.%Y"), done=done, items=items, overdue=overdue
    )


def section_title(number: int, title: str) -> str:
    if _NUMBERED.match(title):
        return title
    return texts.SECTION.format(number=number, title=title)


def owners_text(item: Item) -> str | None:
    """One owner a line, with their position when the plan gave it."""
    lines = [
        owner.name
        if owner.position is None
        else texts.OWNER.format(name=owner.name, position=owner.position)
        for owner in item.owners
    ]
    return "\n".join(lines) or None


def report_text(item: Item) -> str | None:
    """The report, and the evidence when it is a link (a Telegram file id means nothing on
    paper)."""
    parts = [item.report or ""]
    if item.evidence and item.evidence.startswith(("http://", "https://")):
        parts.append(item.evidence)
    return _cell("\n".join(part for part in parts if part)) or None


def overdue_text(item: Item, today: date) -> str | None:
    if not item.overdue(today):
        return None
    return texts.OVERDUE_DAYS.format(days=(today - item.due_on).days)


def _cell(text: str) -> str:
    """A text that fits in a cell (an item's content never comes near the limit)."""
    return text if len(text) <= CELL_LIMIT else text[: CELL_LIMIT - 1] + "…"


def instructions_sheet(
    plans: Sequence[Plan],
    *,
    schools: Mapping[int, str],
    periods: Mapping[int, str],
    today: date,
) -> Sheet:
    """Поручения: each instruction of these plans (a round's order, ``Plan.campaign_id``) once
    per school of ``schools`` it names (an instruction to no school: once, without one), with
    its deadline, status, report and how overdue it is; overdue rows tinted. ``schools`` are
    the schools in the export's scope by id (their short names), ``periods`` the rounds'
    period labels: a Период column when the plans come from more than one period."""
    labels = [periods.get(plan.campaign_id or 0, "") for plan in plans]
    several = len(set(labels)) > 1
    columns = [Column(texts.PERIOD, width=16)] if several else []
    columns += [
        Column(texts.SCHOOL, width=SCHOOLS_WIDTH, wrap=True),
        Column(texts.INSTRUCTION, width=CONTENT_WIDTH, wrap=True),
        Column(texts.DUE, format=Format.DATE, width=11),
        Column(texts.STATUS, width=STATUS_WIDTH, wrap=True),
        Column(texts.REPORT, width=REPORT_WIDTH, wrap=True),
        Column(texts.OVERDUE, width=OVERDUE_WIDTH, wrap=True),
    ]
    rows: list[list[CellValue]] = []
    tinted: set[int] = set()
    listed: list[Item] = []  # an item once per row: the counts agree with the rows
    for plan, label in zip(plans, labels, strict=True):
        for item in plan.items:
            names = _school_names(item.school_ids, schools)
            if names is None:
                continue  # for schools out of the export's scope
            for name in names:
                listed.append(item)
                if item.overdue(today):
                    tinted.add(len(rows))
                row: list[CellValue] = [label] if several else []
                row += [
                    name or texts.ALL_SCHOOLS,
                    _cell(item.content),
                    item.due_on,
                    texts.STATUSES[item.status],
                    report_text(item),
                    overdue_text(item, today),
                ]
                rows.append(row)
    done = sum(item.status is ItemStatus.DONE for item in listed)
    overdue = sum(item.overdue(today) for item in listed)
    return Sheet(
        title=texts.INSTRUCTIONS_SHEET,
        columns=columns,
        rows=rows,
        preamble=[[as_of_line(today, len(listed), done, overdue)]],
        frozen_columns=len(columns) - 5,  # the period and the school
        highlighted_rows=frozenset(tinted),
        ruled=True,
    )


def _school_names(
    school_ids: Collection[int], schools: Mapping[int, str]
) -> list[str | None] | None:
    """The names of an item's schools in scope; [None] for an item naming no school; None
    when it names only schools out of scope."""
    if not school_ids:
        return [None]
    names: list[str | None] = [schools[i] for i in school_ids if i in schools]
    return names or None
