"""The methodist's bulk load: one workbook with many schools' rows of a table question (as the
regional ВПР results are published) loaded into a round for all its schools at once.

Two shapes of workbook are read (``read_bulk``):

- **by rows**: a header with a school column ("Школа", "Название ОО", …) and the table's own
  columns, one row per school and key — "Школа | Предмет | Класс | «2», % | «4–5», %" (the
  template ``bulk_template`` sends);
- **as published** (seed 004's tables): "№ п/п | Название ОО | ВПР МА 5 2019 | | ВПР МА 5 2018 |
  …" over a second header row naming each group's values (" % 2", "% Выс. рез-тов"). A group's
  heading gives its key — each word an option of one key column, by its label's beginning or
  initials ("МА" → Математика, "РУ" → Русский язык) or a grade's number ("5" → 5 класс) — and
  its year; one year goes into a round, the methodist picks which (``BulkRead.years``). A
  group whose cells are empty or "-" is no row.

Several blocks may follow each other on a sheet (mathematics, then Russian), with captions and
blank lines between. Schools are matched by name among the round's schools, whatever the
quotes, the legal form (МБОУ, МАОУ, and typos of it like ИАОУ), an "имени …" or "Томского
района" tail. The same checks as a school's own template (``core.tables.reading``), school by
school, every problem by its cell; all or nothing. Then each school's response gets the table:
a new or returned response becomes a draft (the school still answers the rest of the form and
submits it); a table a school filled in itself (with other rows) is replaced only when the
methodist confirms it (``replace``).
"""

import asyncio
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from core.actors import Actor
from core.campaigns import managed_campaign
from core.directory import load_directory, natural_key, normalize
from core.export.build import safe_filename
from core.forms.engine import group_items
from core.forms.models import FormDefinition, Question, QuestionType
from core.forms.tables import table_problems
from core.questionnaires import FormCatalog, campaign_title
from core.tables.entry import NotATable, TemplateFile, read_file, table_of
from core.tables.reading import (
    Grid,
    Placed,
    Problem,
    check_rows,
    column_abbreviated,
    empty,
    find_columns,
    grids,
    header_name,
    in_order,
    needed_titles,
    option_abbreviated,
    ordered_row,
    quoted,
    read_keyed_row,
    read_values,
    table_value,
)
from core.tables.template import bulk_template_sheet, render
from exports.sheets import RawTable
from storage import Database
from storage.campaigns import Campaign, CampaignForm, campaign_school_ids
from storage.directory import School
from storage.responses import (
    Response,
    Status,
    StoredAnswer,
    change_status,
    get_or_create_response,
    get_response,
    load_answers,
    save_answer,
)
from storage.rounds import response_id_of
from texts import table_files as texts

MAX_FILE_BYTES = 10 << 20  # a region's tables for a few hundred schools
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_LEGAL_FORM = re.compile(r"^[а-я]{1,4}оу\s+")  # МБОУ, МАОУ, МКОУ, and typos of them (ИАОУ)
_NAMED_AFTER = re.compile(r"\s(?:имени|им)\s.*$")
_PLACE = re.compile(r"\s[а-я]+(?:ого|его)\s(?:района|округа)$")
_SCHOOL_TITLES = frozenset(header_name(title) for title in texts.SCHOOL_COLUMN_TITLES)


# --- schools by name ---


def school_key(name: str) -> str:
    """A school's name as compared: without quotes, legal form, "имени …" and place."""
    text = _LEGAL_FORM.sub("", normalize(name))
    text = _NAMED_AFTER.sub("", text)
    return _PLACE.sub("", text).strip()


@dataclass(frozen=True, slots=True)
class Named:
    school: School
    keys: frozenset[str]


def named_schools(schools: Sequence[School]) -> list[Named]:
    return [
        Named(school, frozenset(school_key(name) for name in (school.short_name, school.full_name)))
        for school in schools
    ]


def match_school(name: str, schools: Sequence[Named]) -> list[School]:
    """The schools a file's name may mean: those with the same name (see ``school_key``), else
    those whose every word of a name is in it."""
    key = school_key(name)
    if not key:
        return []
    exact = [one.school for one in schools if key in one.keys]
    if exact:
        return exact
    words = set(key.split())
    return [
        one.school
        for one in schools
        if any(known and set(known.split()) <= words for known in one.keys)
    ]


# --- reading the workbook ---


@dataclass(slots=True)
class _Group:
    """A heading of the published shape over its value columns."""

    key: dict[str, str]  # key column id -> option id
    year: int | None
    columns: dict[str, int]  # value column id -> column index
    problems: list[Problem]  # what is wrong with the heading or its subtitles


@dataclass(slots=True)
class _Block:
    """A header (by rows, or published) and the rows under it, up to the next header."""

    grid: Grid
    header: int
    school: int  # the school column
    columns: dict[str, int] | None  # by rows: every column of the table
    groups: list[_Group] = field(default_factory=list)
    end: int = 0

    @property
    def first_row(self) -> int:
        return self.header + (1 if self.columns is not None else 2)


@dataclass(frozen=True, slots=True)
class BulkRead:
    """A bulk workbook read: each school's table value, or every problem; or, for the
    published shape with several years, the years to choose from (nothing else read)."""

    values: dict[int, dict[str, Any]]
    rows: int
    problems: list[str]
    years: tuple[int, ...] = ()


def _school_column(cells: Sequence[str]) -> int | None:
    return next(
        (index for index, cell in enumerate(cells) if header_name(cell) in _SCHOOL_TITLES), None
    )


def _blocks(table: Question, sheets: Sequence[Grid]) -> list[_Block]:
    blocks: list[_Block] = []
    for grid in sheets:
        found: list[_Block] = []
        for index, cells in enumerate(grid.raw.rows):
            school = _school_column(cells)
            if school is None or (found and index < found[-1].first_row):
                continue
            columns = find_columns(table, cells)
            by_rows = len(columns) == len(table.questions)
            found.append(_Block(grid, index, school, columns if by_rows else None))
        for block, following in zip(found, [*found[1:], None], strict=True):
            block.end = len(grid.raw.rows) if following is None else following.header
        blocks += found
    return blocks


def _group(table: Question, grid: Grid, row: int, start: int, stop: int) -> _Group:
    """The heading at (row, start) over columns start..stop-1, its subtitles one row below."""
    title = grid.text(row, start)
    words = title.split()
    years = [int(word) for word in words if _YEAR.match(word)]
    key: dict[str, str] = {}
    unclear = []
    for sub in table.questions:
        if sub.id not in table.key:
            continue
        options = {option_abbreviated(sub, word) for word in words if not _YEAR.match(word)}
        options.discard(None)
        if len(options) == 1:
            key[sub.id] = str(options.pop())
        else:
            unclear.append(sub.label.lower())
    columns: dict[str, int] = {}
    wrong: list[Problem] = []
    for at in range(start, stop):
        subtitle = grid.text(row + 1, at) if row + 1 < len(grid.raw.rows) else ""
        if not subtitle:
            continue
        column = column_abbreviated(table.columns, subtitle)
        if column is None or column.id in columns:
            names = ", ".join(quoted(c.label) for c in table.columns)
            unknown = texts.UNKNOWN_SUBTITLE.format(title=subtitle, columns=names)
            wrong.append(grid.problem(row + 1, [at], unknown))
        else:
            columns[column.id] = at
    if unclear:
        text = texts.UNCLEAR_HEADING.format(title=title, columns=", ".join(unclear))
        wrong.append(grid.problem(row, [start], text))
    missing = [quoted(c.label) for c in table.columns if c.id not in columns]
    if missing and not unclear:
        text = texts.MISSING_SUBTITLES.format(title=title, columns=", ".join(missing))
        wrong.append(grid.problem(row, [start], text))
    return _Group(key, years[0] if len(years) == 1 else None, columns, wrong)


def _groups(table: Question, block: _Block) -> list[_Group]:
    grid, row = block.grid, block.header
    width = len(grid.raw.rows[row])
    starts = [at for at in range(block.school + 1, width) if grid.text(row, at)]
    stops = [*starts[1:], width]
    return [
        _group(table, grid, row, start, stop) for start, stop in zip(starts, stops, strict=True)
    ]


def _in_year(group: _Group, year: int | None) -> bool:
    return year is None or group.year is None or group.year == year


def read_bulk(
    table: Question, tables: Sequence[RawTable], schools: Sequence[School], *, year: int | None
) -> BulkRead:
    """Every school's rows of ``table`` in a workbook of either shape (see the module doc)."""
    blocks = _blocks(table, grids(tables))
    if not blocks:
        return BulkRead({}, 0, [texts.NO_SCHOOL_COLUMN.format(columns=needed_titles(table))])
    for block in blocks:
        if block.columns is None:
            block.groups = _groups(table, block)
    years = sorted({g.year for b in blocks for g in b.groups if g.year is not None})
    if year is None and len(years) > 1:
        return BulkRead({}, 0, [], tuple(years))
    chosen = year if year is not None else (years[0] if years else None)
    problems: list[Problem] = [
        problem
        for block in blocks
        for group in block.groups
        if _in_year(group, chosen)
        for problem in group.problems
    ]
    known = named_schools(schools)
    placed: dict[int, list[Placed]] = {}
    for block in blocks:
        for index in range(block.first_row, block.end):
            rows, wrong = _block_row(table, block, index, chosen)
            if not rows and not wrong:
                continue
            school = _school_of(block, index, known, wrong)
            problems += wrong
            if school is not None and not wrong:
                placed.setdefault(school.id, []).extend(rows)
    order = {school.id: school for school in schools}
    values: dict[int, dict[str, Any]] = {}
    for school_id, rows in placed.items():
        problems += check_rows(table, rows, owner=order[school_id].short_name)
        values[school_id] = table_value([one.row for one in rows])
    if problems:
        return BulkRead({}, 0, in_order(problems))
    if not values:
        return BulkRead({}, 0, [texts.NO_ROWS])
    return BulkRead(values, sum(len(rows) for rows in placed.values()), [])


def _school_of(
    block: _Block, index: int, known: Sequence[Named], problems: list[Problem]
) -> School | None:
    grid = block.grid
    name = grid.text(index, block.school)
    if not name:
        problems.insert(0, grid.problem(index, [block.school], texts.EMPTY_CELL))
        return None
    found = match_school(name, known)
    if len(found) == 1:
        return found[0]
    if found:
        names = ", ".join(school.short_name for school in found)
        problem = texts.AMBIGUOUS_SCHOOL.format(name=name, schools=names)
    else:
        problem = texts.UNKNOWN_SCHOOL.format(name=name)
    problems.insert(0, grid.problem(index, [block.school], problem))
    return None


def _block_row(
    table: Question, block: _Block, index: int, year: int | None
) -> tuple[list[Placed], list[Problem]]:
    """The rows a line of a block gives (none for a caption or a blank line), and what is wrong
    with its cells."""
    grid = block.grid
    if block.columns is not None:
        one, wrong = read_keyed_row(table, grid, index, block.columns)
        return ([] if one is None else [one]), wrong
    if not grid.text(index, block.school):
        return [], []  # a caption, a page's blank line
    rows: list[Placed] = []
    problems: list[Problem] = []
    for group in block.groups:
        if group.problems or not _in_year(group, year):
            continue
        if empty([grid.text(index, at) for at in group.columns.values()]):
            continue
        row: dict[str, Any] = {
            name: {"selected": option, "other": None} for name, option in group.key.items()
        }
        wrong = read_values(table, grid, index, group.columns, row)
        problems += wrong
        if not wrong:
            cells = tuple(group.columns.values())
            rows.append(Placed(ordered_row(table, row), grid, index, group.columns, cells))
    return rows, problems


# --- the round ---


@dataclass(frozen=True, slots=True)
class RoundTable:
    """A table question of a round's forms: what a bulk load fills."""

    form_key: str
    question_id: str
    form_title: str  # the form's short title
    text: str  # the table question's text


async def round_tables(
    database: Database, catalog: FormCatalog, campaign: Campaign
) -> list[RoundTable]:
    """The table questions of the round's forms, in the forms' order."""
    found = []
    for campaign_form in campaign.forms:
        form = await catalog.definition(database, campaign_form.form_id)
        found += [
            RoundTable(campaign_form.key, question.id, form.short_title, question.text)
            for question in form.questions
            if question.type is QuestionType.TABLE
        ]
    return found


@dataclass(frozen=True, slots=True)
class LoadTarget:
    """A round's table a methodist may load: checked on every step."""

    campaign: Campaign
    campaign_form: CampaignForm
    form: FormDefinition
    table: Question
    title: str  # the monitoring's title
    schools: list[School]  # the round's schools, in the directory's order


async def load_target(
    database: Database,
    catalog: FormCatalog,
    actor: Actor,
    campaign_id: int,
    form_key: str,
    question_id: str,
) -> LoadTarget:
    """The open round (the actor runs its campaigns: ``managed_campaign`` checks) and its table;
    ``NotATable`` when the round has no such table."""
    campaign = await managed_campaign(database, actor, campaign_id)
    campaign_form = campaign.form(form_key)
    if campaign_form is None:
        raise NotATable(question_id)
    form = await catalog.definition(database, campaign_form.form_id)
    table = table_of(form, question_id)
    async with database.read() as conn:
        school_ids = await campaign_school_ids(conn, campaign.id)
    directory = await load_directory(database)
    schools = sorted(
        (
            directory.schools[school_id]
            for school_id in school_ids
            if school_id in directory.schools
        ),
        key=lambda school: natural_key(school.short_name),
    )
    title = await campaign_title(database, catalog, campaign)
    return LoadTarget(campaign, campaign_form, form, table, title, schools)


async def bulk_template(target: LoadTarget) -> TemplateFile:
    """The template of a bulk load by rows: the round's schools, a row each."""
    heading = texts.BULK_TEMPLATE_HEADING.format(
        table=target.table.text, period=target.campaign.period_label
    )
    sheet = bulk_template_sheet(
        target.table, heading=heading, schools=[school.short_name for school in target.schools]
    )
    content = await asyncio.to_thread(render, sheet)
    name = texts.BULK_TEMPLATE_FILE.format(
        form=target.form.short_title, period=target.campaign.period_label
    )
    return TemplateFile(safe_filename(name), content)


@dataclass(frozen=True, slots=True)
class BulkOutcome:
    """What a bulk load did: nothing, with the problems; nothing yet, with the years to choose
    from or the schools whose own tables would be replaced; or the schools loaded."""

    problems: list[str] = field(default_factory=list)
    years: tuple[int, ...] = ()
    conflicts: list[str] = field(default_factory=list)
    loaded: list[str] = field(default_factory=list)
    rows: int = 0
    unchanged: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)


async def load_bulk(
    database: Database,
    catalog: FormCatalog,
    actor: Actor,
    campaign_id: int,
    form_key: str,
    question_id: str,
    name: str,
    content: bytes,
    *,
    year: int | None,
    replace: bool,
    now: datetime,
) -> BulkOutcome:
    """Load the file's rows into every school's response of the round, all or nothing.

    A school's table is replaced without asking when it is empty, holds the same rows, or was
    last written by this methodist (an earlier load); otherwise — rows the school entered, or a
    response handed in — only with ``replace``."""
    target = await load_target(database, catalog, actor, campaign_id, form_key, question_id)
    tables = await read_file(name, content)
    if isinstance(tables, str):
        return BulkOutcome(problems=[tables])
    read = read_bulk(target.table, tables, target.schools, year=year)
    if read.years:
        return BulkOutcome(years=read.years)
    if read.problems:
        return BulkOutcome(problems=read.problems)
    stored: dict[int, tuple[Response | None, StoredAnswer | None]] = {}
    async with database.read() as conn:
        for school_id in read.values:
            found = await response_id_of(conn, campaign_id, school_id, form_key)
            response = None if found is None else await get_response(conn, found)
            answers = {} if response is None else await load_answers(conn, response.id)
            stored[school_id] = (response, answers.get(question_id))
    user_id = None if actor.user is None else actor.user.id
    problems, conflicts, unchanged, writes = [], [], [], []
    for school in target.schools:
        if school.id not in read.values:
            continue
        value = read.values[school.id]
        response, answer = stored[school.id]
        if response is not None and response.form_id != target.campaign_form.form_id:
            older = await catalog.definition(database, response.form_id)
            problems += [
                texts.SCHOOL_PROBLEM.format(school=school.short_name, problem=problem)
                for problem in _version_problems(older, question_id, value)
            ]
        current = None if answer is None else answer.value
        if group_items(current) and group_items(current) == group_items(value):
            unchanged.append(school.short_name)
            continue
        theirs = group_items(current) and answer is not None and answer.answered_by != user_id
        handed_in = response is not None and response.status in (Status.SUBMITTED, Status.ACCEPTED)
        if theirs or handed_in:
            conflicts.append(school.short_name)
        writes.append(school)
    if problems:
        return BulkOutcome(problems=problems)
    if conflicts and not replace:
        return BulkOutcome(conflicts=conflicts)
    async with database.write() as conn:
        for school in writes:
            response = await get_or_create_response(
                conn, campaign_id, school.id, form_key, target.campaign_form.form_id, now
            )
            await save_answer(
                conn, response.id, question_id, read.values[school.id], user_id=user_id, now=now
            )
            if response.status in (Status.NOT_STARTED, Status.RETURNED):
                await change_status(conn, response, Status.DRAFT, user_id=user_id, now=now)
    return BulkOutcome(
        loaded=[school.short_name for school in writes],
        rows=sum(len(group_items(read.values[school.id])) for school in writes),
        unchanged=unchanged,
        absent=[school.short_name for school in target.schools if school.id not in read.values],
    )


def _version_problems(form: FormDefinition, question_id: str, value: Any) -> list[str]:
    """What the school's own form version (an older one) finds wrong with the rows."""
    try:
        table = table_of(form, question_id)
    except NotATable:
        return [texts.VERSION_NO_TABLE]
    return table_problems(table, value)
