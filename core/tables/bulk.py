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
blank lines between; a row with numbers but no school (blank, or under a merged cell) is a
problem, not a caption. Schools are matched by name among the round's schools, whatever the
quotes, "№", "им." for "имени", the legal form (МБОУ, МАОУ, and typos of it like ИАОУ) and a tail
naming the school's own municipality ("Томского района" for Томский район); "имени …", "филиал"
and another municipality tell schools apart, and a name matched by none is a problem ("похоже
на «…»?"), never a guess. A published table's year is confirmed by the methodist even when the
file has one. The same checks as a school's own template (``core.tables.reading``), school by
school, every problem by its cell; all or nothing. Then each school's response gets the table:
a new or returned response becomes a draft (the school still answers the rest of the form and
submits it); rows a school entered itself, or a submitted response (it stays submitted), are
replaced only when the methodist confirms it (``replace``); an accepted response never.
"""

import asyncio
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.actors import Actor
from core.campaigns import managed_campaign
from core.directory import load_directory, natural_key, normalize
from core.export.build import safe_filename
from core.forms.engine import group_items
from core.forms.models import FormDefinition, Question, QuestionType
from core.forms.tables import table_problems
from core.questionnaires import FormCatalog, campaign_title
from core.tables.entry import NotATable, TemplateFile, read_table_file, table_of
from core.tables.reading import (
    Grid,
    Placed,
    Problem,
    check_rows,
    column_abbreviated,
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
    school_problem,
    table_value,
)
from core.tables.template import bulk_template_sheet, render
from exports.sheets import Limits, RawTable
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
from storage.schema import responses
from texts import table_files as texts

MAX_FILE_BYTES = 10 << 20  # a region's tables for a few hundred schools
# A region's table: a few hundred schools by a few dozen columns. A sheet larger is refused as
# soon as its reading gets there (a tiny file may declare a million empty cells).
BULK_LIMITS = Limits(rows=2000, columns=60)
ATTEMPTS = 3  # a load checked again when schools' answers changed while it was written
SIMILAR = 3  # schools named at most as "похоже на …"
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_LEGAL_FORM = re.compile(r"^[а-я]{1,4}оу\s+")  # МБОУ, МАОУ, МКОУ, and typos of them (ИАОУ)
_NAMED_AFTER = re.compile(r"(?:^|\s)им(?=\s)")  # "им." (its dot gone) is "имени"
_ADJECTIVE = re.compile(r"(?:ий|ый|ой)$")
_SCHOOL_TITLES = frozenset(header_name(title) for title in texts.SCHOOL_COLUMN_TITLES)


# --- schools by name ---


def place_suffixes(municipality: str) -> tuple[str, ...]:
    """How a school's name may end with its own municipality, folded as ``school_key`` folds:
    "Томский район" → "томского района", "томского муниципального района", "томский район";
    "Город Томск" → "г томска", "города томска", "г томск", "город томск"."""
    name = normalize(municipality)
    words = name.split()
    if len(words) < 2:
        return ()
    if words[-1] in ("район", "округ"):
        head = " ".join(_ADJECTIVE.sub("ого", word) for word in words[:-1])
        noun = words[-1] + "а"
        return (f"{head} {noun}", f"{head} муниципального {noun}", name)
    if words[0] in ("город", "г"):
        town = " ".join(words[1:])
        if _ADJECTIVE.search(town):
            genitive = _ADJECTIVE.sub("ого", town)
        elif town[-1] not in "аеиоуыэюяь":
            genitive = town + "а"
        else:  # Колпашево, Асино: not declined
            genitive = town
        return tuple(dict.fromkeys((f"г {genitive}", f"города {genitive}", f"г {town}", name)))
    return ()


def school_key(name: str, places: Sequence[str] = ()) -> str:
    """A school's name as compared: without quotes, "№", dots and its legal form (МБОУ, and
    typos of it), "им." as "имени"; and without a tail naming its own municipality (``places``,
    see ``place_suffixes``). "имени …", a "филиал" and another municipality stay: they tell
    schools apart."""
    text = _LEGAL_FORM.sub("", normalize(name))
    text = " ".join(_NAMED_AFTER.sub(" имени", text).split())
    for place in places:
        if text.endswith(" " + place):
            return text[: -len(place)].strip()
    return text


@dataclass(frozen=True, slots=True)
class Named:
    school: School
    keys: frozenset[str]
    places: tuple[str, ...]  # its municipality's tails (``place_suffixes``)


def named_schools(
    schools: Sequence[School], places: Mapping[int, str] | None = None
) -> list[Named]:
    """The schools with their names as compared; ``places`` names their municipalities (by id),
    whose tails ("Томского района") a name may have."""
    found = []
    for school in schools:
        municipality = (places or {}).get(school.municipality_id)
        tails = () if municipality is None else place_suffixes(municipality)
        names = (school.short_name, school.full_name)
        keys = frozenset(key for key in (school_key(name, tails) for name in names) if key)
        found.append(Named(school, keys, tails))
    return found


def match_school(name: str, schools: Sequence[Named]) -> list[School]:
    """The schools a file's name means: those with the same name (see ``school_key``), and no
    guess beyond — a wrong school is worse than none."""
    keys: dict[tuple[str, ...], str] = {}
    found = []
    for one in schools:
        if one.places not in keys:
            keys[one.places] = school_key(name, one.places)
        if keys[one.places] and keys[one.places] in one.keys:
            found.append(one.school)
    return found


def similar_schools(name: str, schools: Sequence[Named]) -> list[School]:
    """Schools a name not matched may have meant, to ask about: every word of one's name is in
    it, or every word of it in one's name ("СОШ № 1 г. Колпашево" — «СОШ № 1»?)."""
    found = []
    for one in schools:
        words = set(school_key(name, one.places).split())
        if words and any(
            set(known.split()) <= words or words <= set(known.split()) for known in one.keys
        ):
            found.append(one.school)
    return found


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
    table: Question,
    tables: Sequence[RawTable],
    schools: Sequence[School],
    *,
    year: int | None,
    places: Mapping[int, str] | None = None,
) -> BulkRead:
    """Every school's rows of ``table`` in a workbook of either shape (see the module doc).

    A published table with years (one or several) is read only for a ``year`` given: without
    one, the years are the answer, so that the methodist says which goes into the round.
    ``places`` names the schools' municipalities (``named_schools``)."""
    blocks = _blocks(table, grids(tables))
    if not blocks:
        return BulkRead({}, 0, [texts.NO_SCHOOL_COLUMN.format(columns=needed_titles(table))])
    for block in blocks:
        if block.columns is None:
            block.groups = _groups(table, block)
    years = sorted({g.year for b in blocks for g in b.groups if g.year is not None})
    if year is None and years:
        return BulkRead({}, 0, [], tuple(years))
    chosen = year
    problems: list[Problem] = [
        problem
        for block in blocks
        for group in block.groups
        if _in_year(group, chosen)
        for problem in group.problems
    ]
    known = named_schools(schools, places)
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
    if not name:  # numbers under a merged or blank school cell: no caption, no school
        formula = grid.formula(index, block.school)
        problem = texts.FORMULA_NO_VALUE if formula else texts.NO_SCHOOL_NAMED
        problems.insert(0, grid.problem(index, [block.school], problem))
        return None
    found = match_school(name, known)
    if len(found) == 1:
        return found[0]
    if found:
        names = ", ".join(school.short_name for school in found)
        problem = texts.AMBIGUOUS_SCHOOL.format(name=name, schools=names)
    else:
        similar = similar_schools(name, known)[:SIMILAR]
        problem = (
            texts.UNKNOWN_SCHOOL_LIKE.format(
                name=name, schools=texts.SCHOOL_OR.join(quoted(s.short_name) for s in similar)
            )
            if similar
            else texts.UNKNOWN_SCHOOL.format(name=name)
        )
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
    loaded = [group for group in block.groups if not group.problems and _in_year(group, year)]
    unnamed = not grid.text(index, block.school) and not grid.formula(index, block.school)
    if unnamed and grid.blank(index, [at for group in loaded for at in group.columns.values()]):
        return [], []  # a caption, a page's blank line (numbers without a school: a problem)
    rows: list[Placed] = []
    problems: list[Problem] = []
    for group in loaded:
        if grid.blank(index, group.columns.values()):
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
    places: dict[int, str]  # the names of their municipalities, by id


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
    places = {
        school.municipality_id: directory.municipalities[school.municipality_id].name
        for school in schools
        if school.municipality_id in directory.municipalities
    }
    return LoadTarget(campaign, campaign_form, form, table, title, schools, places)


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
    from or the schools whose own tables would be replaced; or the schools loaded.

    ``handed_in``: of the schools asked about or loaded, those whose response is submitted (it
    stays submitted, with the file's rows). ``confirm``: what the methodist is asked to replace,
    as it stands (``load_bulk``'s ``replace`` gives it back)."""

    problems: list[str] = field(default_factory=list)
    years: tuple[int, ...] = ()
    conflicts: list[str] = field(default_factory=list)
    loaded: list[str] = field(default_factory=list)
    rows: int = 0
    unchanged: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    handed_in: list[str] = field(default_factory=list)
    confirm: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Stored:
    """A school's response to the form and its answer to the table, as read."""

    school_id: int
    response: Response | None
    answer: StoredAnswer | None

    @property
    def token(self) -> str:
        """This state of the school's table: another save or status change gives another."""
        if self.response is None:
            return f"{self.school_id}:-"
        stamp = "" if self.answer is None else self.answer.stamp
        return f"{self.school_id}:{self.response.id}:{self.response.status.value}:{stamp}"


async def _stored(
    conn: AsyncConnection,
    target: LoadTarget,
    question_id: str,
    school_ids: Sequence[int],
    *,
    lock: bool = False,
) -> dict[int, _Stored]:
    """The schools' responses and tables; ``lock``: their responses locked for this transaction
    (PostgreSQL; SQLite writes one transaction at a time), so that none changes before it ends."""
    form_key = target.campaign_form.key
    found: dict[int, int] = {}
    for school_id in school_ids:
        response_id = await response_id_of(conn, target.campaign.id, school_id, form_key)
        if response_id is not None:
            found[school_id] = response_id
    if lock and found:
        await conn.execute(
            select(responses.c.id)
            .where(responses.c.id.in_(sorted(found.values())))
            .order_by(responses.c.id)
            .with_for_update()
        )
    states = {}
    for school_id in school_ids:
        response = None if school_id not in found else await get_response(conn, found[school_id])
        answers = {} if response is None else await load_answers(conn, response.id)
        states[school_id] = _Stored(school_id, response, answers.get(question_id))
    return states


def read_bulk_file(target: LoadTarget, name: str, content: bytes, *, year: int | None) -> BulkRead:
    """The workbook read and checked for the round's table: slow work for a thread."""
    tables = read_table_file(name, content, BULK_LIMITS, texts.BULK_KINDS)
    if isinstance(tables, str):
        return BulkRead({}, 0, [tables])
    return read_bulk(target.table, tables, target.schools, year=year, places=target.places)


@dataclass(slots=True)
class _Plan:
    """What a load would do, school by school, from the answers as read."""

    problems: list[str] = field(default_factory=list)
    conflicts: list[_Stored] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    writes: list[tuple[School, _Stored]] = field(default_factory=list)


async def _plan(
    database: Database,
    catalog: FormCatalog,
    target: LoadTarget,
    question_id: str,
    values: Mapping[int, Any],
    user_id: int | None,
) -> _Plan:
    async with database.read() as conn:
        states = await _stored(conn, target, question_id, list(values))
    plan = _Plan()
    for school in target.schools:
        if school.id not in values:
            continue
        value, state = values[school.id], states[school.id]
        response, answer = state.response, state.answer
        if response is not None and response.form_id != target.campaign_form.form_id:
            older = await catalog.definition(database, response.form_id)
            plan.problems += [
                school_problem(school.short_name, problem)
                for problem in _version_problems(older, question_id, value)
            ]
        current = None if answer is None else answer.value
        if group_items(current) and group_items(current) == group_items(value):
            plan.unchanged.append(school.short_name)
            continue
        status = None if response is None else response.status
        if status is Status.ACCEPTED:  # never overwritten: the reviewer returns it first
            plan.problems.append(school_problem(school.short_name, texts.ACCEPTED_SCHOOL))
            continue
        theirs = group_items(current) and answer is not None and answer.answered_by != user_id
        if theirs or status is Status.SUBMITTED:
            plan.conflicts.append(state)
        plan.writes.append((school, state))
    return plan


class _Changed(Exception):
    """A school's table or response changed between the check and the write."""


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
    replace: Collection[str] = (),
    now: datetime,
) -> BulkOutcome:
    """Load the file's rows into every school's response of the round, all or nothing.

    A school's table is replaced without asking when it is empty, holds the same rows, or was
    last written by this methodist (an earlier load); rows the school entered, or a submitted
    response, only when the methodist confirmed it for the table as it now stands (``replace``
    holds the ``confirm`` of the question asked); an accepted response never (a problem: the
    reviewer returns it first). The answers are read again in the writing transaction: a
    school's save in between is checked again (and asked about), never overwritten unseen."""
    target = await load_target(database, catalog, actor, campaign_id, form_key, question_id)
    read = await asyncio.to_thread(read_bulk_file, target, name, content, year=year)
    if read.years:
        return BulkOutcome(years=read.years)
    if read.problems:
        return BulkOutcome(problems=read.problems)
    user_id = None if actor.user is None else actor.user.id
    names = {school.id: school.short_name for school in target.schools}
    for _ in range(ATTEMPTS):
        plan = await _plan(database, catalog, target, question_id, read.values, user_id)
        if plan.problems:
            return BulkOutcome(problems=plan.problems)
        handed_in = [
            names[state.school_id]
            for _, state in plan.writes
            if state.response is not None and state.response.status is Status.SUBMITTED
        ]
        if any(state.token not in replace for state in plan.conflicts):
            return BulkOutcome(
                conflicts=[names[state.school_id] for state in plan.conflicts],
                handed_in=handed_in,
                confirm=tuple(state.token for state in plan.conflicts),
            )
        try:
            await _write(database, target, question_id, read.values, plan, user_id, now)
        except _Changed:
            continue
        return BulkOutcome(
            loaded=[school.short_name for school, _ in plan.writes],
            rows=sum(len(group_items(read.values[school.id])) for school, _ in plan.writes),
            unchanged=plan.unchanged,
            absent=[school.short_name for school in target.schools if school.id not in read.values],
            handed_in=handed_in,
        )
    return BulkOutcome(problems=[texts.BULK_BUSY])


async def _write(
    database: Database,
    target: LoadTarget,
    question_id: str,
    values: Mapping[int, Any],
    plan: _Plan,
    user_id: int | None,
    now: datetime,
) -> None:
    """The plan's tables written in one transaction, the schools' states read again (and
    locked) first; ``_Changed`` (nothing written) when one is not as the plan read it."""
    campaign_id, form_key = target.campaign.id, target.campaign_form.key
    async with database.write() as conn:
        school_ids = [school.id for school, _ in plan.writes]
        now_stored = await _stored(conn, target, question_id, school_ids, lock=True)
        if any(now_stored[school.id].token != state.token for school, state in plan.writes):
            raise _Changed
        for school, _ in plan.writes:
            response = await get_or_create_response(
                conn, campaign_id, school.id, form_key, target.campaign_form.form_id, now
            )
            await save_answer(
                conn, response.id, question_id, values[school.id], user_id=user_id, now=now
            )
            if response.status in (Status.NOT_STARTED, Status.RETURNED):
                await change_status(conn, response, Status.DRAFT, user_id=user_id, now=now)


def _version_problems(form: FormDefinition, question_id: str, value: Any) -> list[str]:
    """What the school's own form version (an older one) finds wrong with the rows."""
    try:
        table = table_of(form, question_id)
    except NotATable:
        return [texts.VERSION_NO_TABLE]
    return table_problems(table, value)
