"""A table's pivots and Зона риска, checked against seed 004's own numbers.

``data/seed004_vpr.tsv`` is lines 83–125 of seed 004 as written: table 3 (mathematics) and table
4 (Russian), the share of «2» and of high results per Tomsk district school, grades 5 and 6,
2019 beside 2018 ("-": no data). They are stored as two rounds of the ВПР form (2018, then
2019) for the sample directory's Томский район schools, answered through the storage layer,
exported by a methodist of the district and read back from the .xlsx with openpyxl.
"""

import io
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

from bot.catalog import builtin_forms
from bot.demo.seed import sample_files
from core.actors import Actor
from core.directory_import import import_directory
from core.export import Export, build_export
from core.export.layout import group_sheets
from core.export.model import Period
from core.questionnaires import FormCatalog
from exports.workbook import render_workbook
from storage import Database
from storage.campaigns import CampaignForm, add_campaign
from storage.directory import School, load_directory
from storage.people import Role, add_user, grant_role, list_grants
from storage.responses import Status, change_status, get_or_create_response, save_answer
from tests.factories import school_report

SEED = Path(__file__).parent / "data" / "seed004_vpr.tsv"
TOMSK = ZoneInfo("Asia/Tomsk")
YEARS = ("2018", "2019")
SUBJECTS = {"МА": "math", "РУ": "russian"}
KEYS = {  # the form's order of options: Russian before mathematics
    ("russian", "g5"): "Русский язык, 5 класс",
    ("russian", "g6"): "Русский язык, 6 класс",
    ("math", "g5"): "Математика, 5 класс",
    ("math", "g6"): "Математика, 6 класс",
}
FAIL_SHEET, HIGH_SHEET, RISK_SHEET = "«2», %", "«4–5», %", "Зона риска"
RED = "FFC7CE"


@dataclass(frozen=True)
class Cell:
    fail: float
    high: float


Seed = dict[tuple[str, str, tuple[str, str]], Cell]  # (year, school, key) -> the cell pair


def read_seed() -> Seed:
    """The two tables: a header names each pair of columns ("ВПР МА 5 2019"), a row a school
    ('МБОУ "Александровская СОШ"'); "-" is no data."""
    found: Seed = {}
    pairs: list[tuple[str, tuple[str, str]]] = []
    for line in SEED.read_text(encoding="utf-8").splitlines():
        cells = line.split("\t")
        if line.startswith("№ п/п"):
            pairs = []
            for title in cells[2:]:
                match = re.fullmatch(r"ВПР (МА|РУ) (\d+) (\d{4})", title.strip())
                if match:
                    subject, grade, year = match.groups()
                    pairs.append((year, (SUBJECTS[subject], f"g{grade}")))
            continue
        if not re.match(r"\d+\t", line):
            continue
        school = re.search(r'"(.+)"', cells[1])
        assert school is not None
        values = cells[2:]
        for index, (year, key) in enumerate(pairs):
            fail, high = values[2 * index].strip(), values[2 * index + 1].strip()
            if fail == "-" and high == "-":
                continue
            found[(year, school.group(1), key)] = Cell(float(fail), float(high))
    return found


def short_name(seed_name: str, names: list[str]) -> str:
    """The directory's short name of a seed's school ("Лучановская СОШ имени В.В. Михетко")."""
    (found,) = [name for name in names if seed_name == name or seed_name.startswith(f"{name} ")]
    return found


def test_the_seed_reads_as_written() -> None:
    seed = read_seed()
    assert seed[("2019", "Александровская СОШ", ("math", "g5"))] == Cell(20, 0)
    assert seed[("2018", "Турунтаевская СОШ", ("russian", "g6"))] == Cell(40, 0)
    assert ("2018", "Итатская СОШ", ("math", "g6")) not in seed  # "-"
    assert len({school for _, school, _ in seed}) == 18
    # 18 schools in mathematics, 17 in Russian; "-" in 2018 grade 6: 7 in mathematics, 5 in Russian
    assert len(seed) == 18 * 4 + 17 * 4 - 7 - 5


# --- the world: two rounds of the ВПР form in Томский район ---


@dataclass
class World:
    catalog: FormCatalog
    actor: Actor
    campaigns: dict[str, int]
    schools: dict[str, int]  # seed name -> school id
    names: dict[str, str]  # seed name -> short name


def _rows(seed: Seed, year: str, school: str) -> list[dict[str, Any]]:
    return [
        {
            "subject": {"selected": key[0], "other": None},
            "grade": {"selected": key[1], "other": None},
            "fail_pct": _number(cell.fail),
            "high_pct": _number(cell.high),
        }
        for (found_year, name, key), cell in seed.items()
        if found_year == year and name == school
    ]


def _number(value: float) -> float | int:
    return int(value) if value.is_integer() else value


async def vpr_world(database: Database, seed: Seed) -> World:
    catalog = FormCatalog(builtin_forms())
    await catalog.sync(database)
    report = await import_directory(database, sample_files(), default_timezone="Asia/Tomsk")
    assert report.ok
    async with database.read() as conn:
        directory = await load_directory(conn)
    region = next(m.id for m in directory.municipalities if m.name == "Томский район")
    district_schools = [s for s in directory.schools if s.municipality_id == region]
    names = [school.short_name for school in district_schools]
    seed_names = sorted({school for _, school, _ in seed})
    short = {name: short_name(name, names) for name in seed_names}
    ids = {school.short_name: school.id for school in district_schools}
    campaigns: dict[str, int] = {}
    async with database.write() as conn:
        for year in YEARS:
            campaign = await add_campaign(
                conn,
                forms=[CampaignForm("vpr", catalog.row_id("vpr"))],
                municipality_id=region,
                period_label=year,
                opens_at=datetime(int(year), 4, 1, 9, tzinfo=TOMSK),
                deadline_at=datetime(int(year), 5, 31, 18, tzinfo=TOMSK),
                school_ids=[school.id for school in district_schools],
            )
            campaigns[year] = campaign.id
        user = await add_user(conn, telegram_id=11, full_name="Методист Томского района")
        await grant_role(conn, user.id, Role.METHODIST, municipality_id=region)
        grants = await list_grants(conn, user.id)
        for year in YEARS:
            day = datetime(int(year), 5, 20, 12, tzinfo=TOMSK)
            for name in seed_names:
                rows = _rows(seed, year, name)
                if not rows:
                    continue
                response = await get_or_create_response(
                    conn, campaigns[year], ids[short[name]], "vpr", catalog.row_id("vpr"), day
                )
                response = await change_status(conn, response, Status.DRAFT, user_id=None, now=day)
                answers = {"period": f"весна {year}", "results": {"items": rows, "done": True}}
                for question, value in answers.items():
                    await save_answer(conn, response.id, question, value, user_id=None, now=day)
                await change_status(conn, response, Status.SUBMITTED, user_id=None, now=day)
    actor = Actor(telegram_id=11, user=user, grants=tuple(grants))
    schools = {name: ids[short[name]] for name in seed_names}
    return World(catalog, actor, campaigns, schools, short)


async def export_of(database: Database, world: World, *years: str) -> Export:
    return await build_export(
        database,
        world.catalog,
        world.actor,
        campaign_ids=[world.campaigns[year] for year in years],
        now=datetime(2019, 6, 10, 12, tzinfo=TOMSK),
    )


def workbook(export: Export) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(render_workbook(export.sheets)))


@dataclass
class Table:
    """A sheet read back: each data row's cells by (title, subtitle), the school's name first."""

    sheet: Worksheet
    header: list[tuple[str, str]]
    first_row: int
    rows: list[list[Any]]

    def column(self, title: str, subtitle: str = "") -> int:
        return self.header.index((title, subtitle))

    def row_of(self, school: str) -> list[Any]:
        at = self.column("Школа")
        (found,) = [row for row in self.rows if row[at] == school]
        return found

    def fill(self, row: int, column: int) -> str:
        """The cell's fill colour, "FFC7CE" (none: "000000")."""
        return str(self.sheet.cell(self.first_row + row, column + 1).fill.fgColor.rgb)[-6:]


def read_table(sheet: Worksheet) -> Table:
    """The header is the row with "Школа"; merged titles are spread over their columns; a second
    header row holds the subtitles when the first has merged titles."""
    title_row = next(row for row in range(1, sheet.max_row + 1) if "Школа" in _values(sheet, row))
    titles = _values(sheet, title_row)
    for merged in sheet.merged_cells.ranges:
        if merged.min_row == title_row:
            for column in range(merged.min_col, merged.max_col + 1):
                titles[column - 1] = titles[merged.min_col - 1]
    subtitles = [""] * len(titles)
    first = title_row + 1
    if any(merged.min_row == title_row for merged in sheet.merged_cells.ranges):
        subtitles = [value or "" for value in _values(sheet, title_row + 1)]
        first += 1
    header = [(str(t or ""), str(s)) for t, s in zip(titles, subtitles, strict=True)]
    rows = [_values(sheet, row) for row in range(first, sheet.max_row + 1)]
    return Table(sheet, header, first, rows)


def _values(sheet: Worksheet, row: int) -> list[Any]:
    return [sheet.cell(row, column).value for column in range(1, sheet.max_column + 1)]


# --- the two years side by side ---


async def test_the_pivot_of_two_years_holds_the_seed_s_cells(sqlite_db: Database) -> None:
    seed = read_seed()
    world = await vpr_world(sqlite_db, seed)
    export = await export_of(sqlite_db, world, *YEARS)
    book = workbook(export)
    fail = read_table(book[FAIL_SHEET])
    # the keys in the form's order, each as 2018 | 2019 | изменение under its label
    keyed = [title for title, subtitle in fail.header if subtitle == "2019"]
    assert keyed == list(KEYS.values())
    for label in KEYS.values():
        at = fail.column(label, "2018")
        assert fail.header[at : at + 3] == [(label, "2018"), (label, "2019"), (label, "изменение")]
    # two schools, two keys, both years and the change: the seed's own numbers
    for school, key, before, now in (
        ("Александровская СОШ", ("math", "g5"), 11, 20),
        ("Александровская СОШ", ("russian", "g6"), 0, 25),
        ("Моряковская СОШ", ("math", "g5"), 33, 29),
        ("Моряковская СОШ", ("russian", "g6"), 56, 39),
    ):
        row = fail.row_of(school)
        label = KEYS[key]
        assert row[fail.column(label, "2018")] == before
        assert row[fail.column(label, "2019")] == now
        assert row[fail.column(label, "изменение")] == now - before
    # a cell given in one year only: its change is "—"; in neither: all empty
    itatskaya = fail.row_of("Итатская СОШ")
    label = KEYS[("math", "g6")]
    assert itatskaya[fail.column(label, "2018")] is None
    assert itatskaya[fail.column(label, "2019")] == 35
    assert itatskaya[fail.column(label, "изменение")] == "—"
    khaldeevo = fail.row_of("Халдеевская ООШ")  # wrote no Russian in the seed
    for subtitle in ("2018", "2019", "изменение"):
        assert khaldeevo[fail.column(KEYS[("russian", "g5")], subtitle)] is None
    # the high results' sheet: the seed's other number of the pair
    high = read_table(book[HIGH_SHEET])
    row = high.row_of("Корниловская СОШ")
    assert row[high.column(KEYS[("russian", "g5")], "2019")] == 16
    assert row[high.column(KEYS[("russian", "g5")], "изменение")] == 16

    # every school of the seed, once, in the district's order (a school with no district last)
    names = [row[fail.column("Школа")] for row in fail.rows]
    assert sorted(names) == sorted(world.names.values())
    districts = [row[fail.column("Округ")] for row in fail.rows]
    assert districts[-1] is None
    assert names[-1] == "Рассветовская СОШ"
    # every cell of both years against the seed, and red exactly where «2» ≥ 25
    short = {name: seed_name for seed_name, name in world.names.items()}
    for index, row in enumerate(fail.rows):
        school = short[row[fail.column("Школа")]]
        for key, label in KEYS.items():
            for year in YEARS:
                at = fail.column(label, year)
                cell = seed.get((year, school, key))
                assert row[at] == (None if cell is None else cell.fail), (school, key, year)
                red = cell is not None and cell.fail >= 25
                assert (fail.fill(index, at) == RED) is red, (school, key, year)
            assert fail.fill(index, fail.column(label, "изменение")) != RED
    # the share of high results has no threshold: nothing red
    for index in range(len(high.rows)):
        assert all(high.fill(index, at) != RED for at in range(len(high.header)))
    # the legend names the threshold
    legend = [
        row for row in book[FAIL_SHEET].iter_rows(values_only=True) if row[0] == "Выделено красным"
    ]
    assert [value for value in legend[0] if value][1] == "доля «2» — 25 % и больше"


async def test_the_risk_list_is_the_seed_s_2019_cells_of_25_and_more(sqlite_db: Database) -> None:
    seed = read_seed()
    world = await vpr_world(sqlite_db, seed)
    export = await export_of(sqlite_db, world, *YEARS)
    risk = read_table(workbook(export)[RISK_SHEET])
    assert [title for title, _ in risk.header] == [
        "Округ",
        "Школа",
        "Предмет, класс",
        "Показатель",
        "Значение",
        "Порог",
        "Прошлый период",
    ]
    found = [tuple(row[1:]) for row in risk.rows]
    # counted from the seed itself: each 2019 «2» of 25 or more, with its 2018 value
    expected = []
    for (year, school, key), cell in seed.items():
        if year == "2019" and cell.fail >= 25:
            before = seed.get(("2018", school, key))
            expected.append(
                (
                    world.names[school],
                    KEYS[key],
                    "Доля отметок «2», %",
                    cell.fail,
                    "25 % и больше",
                    "—" if before is None else before.fail,
                )
            )
    assert sorted(found, key=str) == sorted(expected, key=str)
    # counted by hand in the seed's 2019 columns of " % 2"
    by_key = {label: sum(row[1] == label for row in found) for label in KEYS.values()}
    assert by_key == {
        "Русский язык, 5 класс": 9,
        "Русский язык, 6 класс": 11,
        "Математика, 5 класс": 6,
        "Математика, 6 класс": 12,
    }
    # sorted by school as the pivot is, each school's lines in the form's order of keys
    fail = read_table(workbook(export)[FAIL_SHEET])
    order = [row[fail.column("Школа")] for row in fail.rows]
    listed = [row[1] for row in risk.rows]
    assert listed == sorted(listed, key=order.index)
    alexandrovskaya = [row[2:4] for row in risk.rows if row[1] == "Александровская СОШ"]
    assert alexandrovskaya == [
        ["Русский язык, 5 класс", "Доля отметок «2», %"],
        ["Русский язык, 6 класс", "Доля отметок «2», %"],
        ["Математика, 6 класс", "Доля отметок «2», %"],
    ]
    # a school is listed by the keys it crosses only: Кафтанчиковская's 24 and 13 in
    # mathematics and 12 in Russian grade 5 are not, its 40 in Russian grade 6 is
    kaftanchikovo = [row[2:5] for row in risk.rows if row[1] == "Кафтанчиковская СОШ"]
    assert kaftanchikovo == [["Русский язык, 6 класс", "Доля отметок «2», %", 40]]


async def test_one_year_shows_the_subject_over_its_grades(sqlite_db: Database) -> None:
    seed = read_seed()
    world = await vpr_world(sqlite_db, seed)
    export = await export_of(sqlite_db, world, "2019")
    book = workbook(export)
    fail = read_table(book[FAIL_SHEET])
    assert fail.header[2:] == [
        ("Русский язык", "5 класс"),
        ("Русский язык", "6 класс"),
        ("Математика", "5 класс"),
        ("Математика", "6 класс"),
    ]
    row = fail.row_of("Калтайская СОШ")
    assert row[2:] == [79, 63, 19, 59]
    assert [fail.fill(fail.rows.index(row), at) == RED for at in range(2, 6)] == [
        True,
        True,
        False,
        True,
    ]
    risk = read_table(book[RISK_SHEET])
    assert "Прошлый период" not in [title for title, _ in risk.header]
    assert len(risk.rows) == 38


async def test_no_statistic_pools_different_keys(sqlite_db: Database) -> None:
    seed = read_seed()
    world = await vpr_world(sqlite_db, seed)
    export = await export_of(sqlite_db, world, *YEARS)
    book = workbook(export)
    pooled = re.compile(r"^(Среднее|Медиана|Минимум|Максимум|Сумма|Итого|Всего)", re.IGNORECASE)
    for title in (FAIL_SHEET, HIGH_SHEET, RISK_SHEET):
        for row in book[title].iter_rows(values_only=True):
            assert not any(isinstance(v, str) and pooled.match(v) for v in row), (title, row)
    # Итоги and Динамика give the table's numbers per key only ("Математика, 5 класс: среднее")
    for title in ("Итоги", "Динамика"):
        for row in book[title].iter_rows(values_only=True):
            if isinstance(row[0], str) and "«2»" in row[0] and isinstance(row[1], str):
                assert row[1].split(":")[0] in KEYS.values() or row[1] == "Ответили (школ)", row
    # the table's rows, readable: the key's columns by name, the values by their short names
    rows = read_table(book["Строки таблицы"])
    titles = [title for title, _ in rows.header]
    assert titles[-4:] == ["Предмет", "Класс", "«2», %", "«4–5», %"]
    assert len(rows.rows) == len(seed)
    kornilovo = [r for r in rows.rows if r[titles.index("Школа")] == "Корниловская СОШ"]
    assert [r[-4:] for r in kornilovo if r[0] == "2019"] == [
        ["Русский язык", "5 класс", 3, 16],
        ["Русский язык", "6 класс", 32, 8],
        ["Математика", "5 класс", 5, 0],
        ["Математика", "6 класс", 16, 8],
    ]


def test_a_round_with_no_school_at_risk_says_so() -> None:
    vpr = builtin_forms()["vpr"]
    deadline = datetime(2019, 5, 31, 18, tzinfo=TOMSK)
    row = {
        "subject": {"selected": "math", "other": None},
        "grade": {"selected": "g5", "other": None},
        "fail_pct": 24.9,
        "high_pct": 30,
    }
    school = school_report(
        _school(),
        {"results": {"items": [row], "done": True}},
        deadline=deadline,
        municipality="Томский район",
    )
    export = Export(
        form_key="vpr",
        form_title=vpr.title,
        short_title=vpr.short_title,
        questions=tuple(vpr.questions),
        periods=(Period("2019", (1,), deadline),),
        scope="Томский район",
        generated_at=deadline,
        reports=(school,),
        summary=(),
        areas=(),
        dynamics=(),
        sheets=(),
    )
    sheets = {sheet.title: sheet for sheet in group_sheets(export)}
    assert sheets[RISK_SHEET].rows == [["Нет школ в зоне риска"]]
    assert sheets[FAIL_SHEET].alert_cells == frozenset()
    assert sheets[FAIL_SHEET].rows == [["Александровская СОШ", 24.9]]


def _school() -> School:
    return School(1, 1, None, "МБОУ «Александровская СОШ»", "Александровская СОШ")
